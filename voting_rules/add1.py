"""Add1 completion of equal shares without one MES run per currency unit.

Add1 raises every voter's budget by one currency unit until the outcome of MES stops it: it
overspends (then the previous outcome stands) or it is exhaustive (pabutools judges that among
the projects equal shares can buy, the equalshares.net compute tool among all projects).
Budapest 2024 takes 22,001 steps; a full MES run per step is why pabutools needs more than ten
minutes there. Here a whole *stretch* of per-voter budgets [t1, t2] is examined at once:

* For every distinct ballot the search keeps a lower and an upper bound on the money its voters
  have left, valid for every t of the stretch. The bounds live on a grid of 2**k parts of a
  currency unit in int64 arrays, so that pricing or charging a project is a few numpy operations
  over its supporters (prices are rounded up for the lower bounds and down for the upper ones).
* In a round, a project's rho at any t of the stretch lies between its rho with the upper bounds
  and its rho with the lower bounds (more money never raises the price). A project may win only
  if no project affordable with the lower bounds surely beats it. Every possible winner is
  followed, up to a few branches; branches that reach the same set of chosen projects in the
  same round are merged (per ballot the smaller lower and the larger upper bound), so that near
  ties chosen in either order cost one branch, not two.
* A branch is dropped once none of its final sets can stop Add1: even everything it could still
  afford fits, with room for a project that surely stays out (:meth:`_StretchSearch._settled`).
  If no branch can stop Add1, no t of the stretch does; otherwise the stretch is halved.
* A sweep walks the grid with stretches that grow after successes and halve after failures.
  Rounds whose winners (or near-tie orders) are certain over a stretch are certain over its
  halves too (their bounds are tighter), so a half replays them by charging the winners,
  without pricing every candidate again.

A single budget that the bounds cannot settle (a near tie closer than the grid) is settled by an
exact MES run (:func:`voting_rules.equal_shares.run_equal_shares`), as is the final outcome, which
also carries the payments that explanations need. Wrong answers are impossible by construction:
the bounds only ever prove "no t in here stops Add1" or "every t in here stops it"; anything
else is narrowed down or computed exactly.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from voting_rules.equal_shares import (
    Candidate,
    RunResult,
    candidate_of_ratio,
    eligible_projects,
    initial_heap,
    is_exhaustive,
    run_equal_shares,
)
from voting_rules.profile import IntArray, Profile

# At most 2**24 grid points per currency unit: far finer than any stretch (one unit and more).
_GRID_BITS = 24
# Budgets on the grid times voter counts stay below this, so int64 never overflows.
_INT_LIMIT = 2**62

# How many different sets of chosen projects a stretch follows in one round before it is halved
# (measured on Budapest 2024, search time: 2 -> 1.2 s, 4 -> 0.74 s, 6 -> 0.69 s, 8 -> 0.74 s).
_PATHS = 6

# The sweep doubles its stretch after this many accepted stretches in a row.
_GROW_AFTER = 3

# Stretches of at least _PROBE_FROM grid points that no checkpoint covers start with a probe
# _PROBE times as long.
_PROBE_FROM = 16
_PROBE = 8

# How many open projects _settled checks for affordability per round (Budapest 2024: 8 -> 1.8 s,
# 16 -> 1.4 s, 32 -> 0.74 s, 64 -> 0.8 s).
_SETTLE_CHECKS = 32

# A checkpoint replays at most this many orders of selection per step.
_REPLAY_ORDERS = 16

Verdict = Literal["continues", "stops", "unknown"]


@dataclass(frozen=True)
class Add1Result:
    run: RunResult
    start: Fraction
    steps: int  # the per-voter budget of ``run`` is start + steps currency units
    runs: int  # exact MES runs
    certificates: int  # stretches examined with bounds


# Alternative orders of selection from one state to the next state that every run of a stretch
# passes through; a certain winner w is the single order (w,).
_Step = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class _Checkpoint:
    """How every run of a stretch gets from the start to one state, and the candidates there by a
    lower bound on their rho. Valid for every narrower stretch too: its bounds are tighter, so
    its runs take a subset of these orders and its candidates' rho are at least as high."""

    steps: tuple[_Step, ...]
    chosen: frozenset[int]
    heap: tuple[Candidate, ...]


# A project priced with bounds: (remaining cost, paying voters, the supporters' bounds); the price
# per paying voter is remaining / paying grid units.
_Priced = tuple[int, int, IntArray]


@dataclass
class _Branch:
    low: IntArray  # per distinct ballot: a lower bound on each of its voters' money
    high: IntArray  # ... and an upper bound
    heap: list[Candidate]  # candidates by a lower bound on rho
    chosen: frozenset[int]
    # Candidate lists of the branch points above this branch, oldest first: their lower bounds
    # hold for every branch below them, so a merged branch starts again from a common one.
    anchors: tuple[tuple[Candidate, ...], ...]
    # The orders of selection that lead here since the last state all runs passed through
    # (None: too many to replay).
    orders: _Step | None


@dataclass(frozen=True)
class _Evaluated:
    lower: Candidate  # from the upper bounds
    project: int
    with_high: _Priced
    with_low: _Priced | None  # None: the lower bounds cannot afford it


class _Grid:
    """Prices and payments of one stretch on a grid of ``scale`` parts per currency unit."""

    def __init__(self, search: _StretchSearch, bits: int) -> None:
        profile = search.profile
        self.search = search
        self.scale = Fraction(2) ** bits
        # Costs rounded against each bound: a higher cost for the lower bounds (voters pay at
        # least what they really pay), a lower one for the upper bounds.
        self.cost_up = [math.ceil(c * self.scale) for c in profile.costs]
        self.cost_down = [math.floor(c * self.scale) for c in profile.costs]
        # rho = price / utility, the price in grid units: (remaining / paying) / (scale * utility).
        self.per_rho = [
            (r.numerator, r.denominator) for r in (self.scale * u for u in search.utilities)
        ]

    def bounds(self, t: Fraction, *, upper: bool) -> IntArray:
        scaled = t * self.scale
        value = math.ceil(scaled) if upper else math.floor(scaled)
        return np.full(len(self.search.profile.approval_sets), value, dtype=np.int64)

    def price(self, values: IntArray, j: int, *, upper: bool) -> _Priced | None:
        """The price of project j with these bounds, or None if its supporters cannot afford it.

        A voter whose money is below the price pays everything; the others pay the price. Poor
        voters found at one price raise it, so the price is found by repeating until no new
        voter turns out poor (the sets only grow, so this ends, usually after one or two passes).
        """
        search = self.search
        b = values[search.profile.supporters[j]]
        cost = self.cost_down[j] if upper else self.cost_up[j]
        everyone = search.profile.approvals[j]
        w = search.weights[j]
        if (int(b.sum()) if w is None else int(b @ w)) < cost:
            return None
        # For whole b: b < ceil(remaining / paying) exactly when b * paying < remaining.
        remaining, paying = cost, everyone
        poor = b < -(-remaining // paying)
        count = int(np.count_nonzero(poor))
        while count:
            if w is None:
                remaining = cost - int(b[poor].sum())
                paying = everyone - count
            else:
                weights = w[poor]
                remaining = cost - int(b[poor] @ weights)
                paying = everyone - int(weights.sum())
            poor = b < -(-remaining // paying)
            grown = int(np.count_nonzero(poor))
            if grown == count:
                break
            count = grown
        return remaining, paying, b

    def affordable(self, values: IntArray, j: int) -> bool:
        b = values[self.search.profile.supporters[j]]
        w = self.search.weights[j]
        return (int(b.sum()) if w is None else int(b @ w)) >= self.cost_down[j]

    def candidate(self, j: int, priced: _Priced) -> Candidate:
        """Project j as a candidate at this price."""
        numerator, denominator = self.per_rho[j]
        remaining, paying, _ = priced
        rank = self.search.profile.tie_rank[j]
        return candidate_of_ratio(remaining * denominator, paying * numerator, rank, j)

    def pay(self, values: IntArray, j: int, priced: _Priced | None, *, upper: bool) -> None:
        """Charge project j's supporters: the price rounded down for upper bounds, up for lower
        ones; ``None`` (the lower bounds cannot afford it) leaves them a lower bound of 0."""
        supporters = self.search.profile.supporters[j]
        if priced is None:
            values[supporters] = 0
            return
        remaining, paying, b = priced
        alpha = remaining // paying if upper else -(-remaining // paying)
        values[supporters] = np.maximum(b - alpha, 0)

    def replay(
        self, highs: IntArray, lows: IntArray, steps: tuple[_Step, ...]
    ) -> tuple[IntArray, IntArray]:
        """Charge the winners of a checkpoint's steps, following every order that may still
        happen with these (tighter) bounds; the per-ballot hull of the orders followed."""
        for orders in steps:
            parts = self._follow(highs, lows, orders)
            assert parts, "every run of the stretch takes one of the orders"
            highs, lows = parts[0]
            for high, low in parts[1:]:
                highs = np.maximum(highs, high)
                lows = np.minimum(lows, low)
        return highs, lows

    def _follow(
        self, highs: IntArray, lows: IntArray, orders: _Step
    ) -> list[tuple[IntArray, IntArray]]:
        while orders[0]:
            following: dict[int, list[tuple[int, ...]]] = {}
            for order in orders:
                following.setdefault(order[0], []).append(order[1:])
            priced = {
                w: (self.price(highs, w, upper=True), self.price(lows, w, upper=False))
                for w in following
            }
            if len(following) > 1:
                # Where the orders part, drop a winner that surely loses to another one.
                lower = {w: self.candidate(w, h) for w, (h, _) in priced.items() if h}
                best = min(
                    (self.candidate(w, lo) for w, (_, lo) in priced.items() if lo), default=None
                )
                following = {
                    w: rest
                    for w, rest in following.items()
                    if w in lower and (best is None or not best < lower[w])
                }
            if not following:
                return []  # no run of this stretch takes these orders
            if len(following) > 1:
                parts: list[tuple[IntArray, IntArray]] = []
                for w, rest in following.items():
                    high, low = highs.copy(), lows.copy()
                    self.pay(high, w, priced[w][0], upper=True)
                    self.pay(low, w, priced[w][1], upper=False)
                    parts.extend(self._follow(high, low, tuple(rest)))
                return parts
            ((w, rest),) = following.items()
            self.pay(highs, w, priced[w][0], upper=True)
            self.pay(lows, w, priced[w][1], upper=False)
            orders = tuple(rest)
        return [(highs, lows)]


class _StretchSearch:
    def __init__(
        self,
        profile: Profile,
        start: Fraction,
        *,
        exhaustive_among: frozenset[int] | None = None,
        exhaustive: bool = True,
        cardinality: bool,
        paths: int | None = None,
    ) -> None:
        """An outcome stops Add1 if it overspends, if it is exhaustive (nothing of
        ``exhaustive_among`` left out fits; default: the projects equal shares can buy, as
        pabutools; the compute tool counts every project), or if it holds every project equal
        shares can buy (more money cannot change it then).

        With ``exhaustive=False`` (the compute tool's add1 option "exhaustive" off) only
        overspending or holding everything stops it. The certificates stay sound: ``_settled``
        proves that no final set overspends or holds everything (and none is exhaustive), and a
        "stops" verdict asks :meth:`stops` itself."""
        self.exhaustive = exhaustive
        self.profile = profile
        self.start = start
        self.cardinality = cardinality
        self.paths = paths or _PATHS  # read at call time, so that tests can change it
        # Each project's ballots' multiplicities; None where every ballot stands for one voter.
        self.weights: list[IntArray | None] = [
            None if bool((profile.weights[s] == 1).all()) else profile.weights[s]
            for s in profile.supporters
        ]
        self.utilities = [Fraction(1) if cardinality else c for c in profile.costs]
        eligible = eligible_projects(profile, cardinality)
        self.free = frozenset(j for j in eligible if profile.costs[j] == 0)
        self.eligible = frozenset(eligible)
        self.exhaustive_among = self.eligible if exhaustive_among is None else exhaustive_among
        # Both cheapest first: the projects that could keep an outcome from being exhaustive.
        self.open_by_cost = sorted(self.exhaustive_among, key=lambda j: profile.costs[j])
        self.eligible_by_cost = sorted(eligible, key=lambda j: profile.costs[j])
        # Money in whole units of one common denominator, for cheap sums.
        unit = math.lcm(profile.budget.denominator, *(c.denominator for c in profile.costs))
        self.cost_units = [int(c * unit) for c in profile.costs]
        self.budget_units = int(profile.budget * unit)
        paid = [j for j in eligible if profile.costs[j] > 0]
        self.root = _Checkpoint((), frozenset(), tuple(initial_heap(profile, paid, cardinality)))
        self.stretches = 0
        self.exact_runs = 0
        self.grids: dict[int, _Grid] = {}
        self.grow_after = _GROW_AFTER

    def stops(self, chosen: frozenset[int]) -> bool:
        if sum(self.cost_units[j] for j in chosen) > self.budget_units:
            return True
        if self.eligible <= chosen:
            return True
        return self.exhaustive and is_exhaustive(self.profile, chosen, self.exhaustive_among)

    def first_stop(self) -> int:
        """The first grid point k (budget start + k) whose outcome stops Add1.

        Sweeps the grid from 0 with stretches that grow and halve as TCP's window does: after a
        stretch that cannot be settled, the next ones are half as long; they double after every
        accepted stretch up to a threshold (halved by each failure), and after every few accepted
        ones beyond. A halved stretch starts from the checkpoint of the failed one (valid for
        every part of it).
        """
        low, width, streak = 0, 1, 0
        threshold: int | None = None  # below it, double after every accepted stretch
        failing = False  # the last stretch could not be settled
        failed: list[tuple[int, int, _Checkpoint]] = []  # stretches that could not be settled
        while True:
            high = low + width - 1
            failed = [f for f in failed if f[1] >= low]
            checkpoint = next(
                (cp for first, last, cp in reversed(failed) if first <= low and high <= last),
                None,
            )
            if checkpoint is None and width >= _PROBE_FROM:
                # Probe a few stretches ahead without branching: the rounds whose winner is
                # certain there are replayed, not priced again, by each of those stretches.
                last = low + _PROBE * width - 1
                verdict, checkpoint = self.examine(low, last, paths=1)
                if verdict != "unknown":
                    if verdict == "stops":
                        return low
                    low = last + 1
                    continue
                failed.append((low, last, checkpoint))
            verdict, deeper = self.examine(low, high, checkpoint)
            if verdict == "stops":
                return low
            if verdict == "continues":
                low += width
                streak += 1
                if threshold is None or width < threshold or streak >= self.grow_after:
                    width, streak = width * 2, 0
                failing = False
                continue
            if not failing:
                # A narrow spot lowers the threshold only by half: long stretches come back.
                threshold = max(width, threshold or 0) // 2
            failing, streak = True, 0
            if width > 1:
                failed.append((low, high, deeper))
                width //= 2
                continue
            self.exact_runs += 1
            if self.stops(frozenset(self.exact_run(low, detailed=False).chosen)):
                return low
            low += 1

    def exact_run(self, k: int, *, detailed: bool = True) -> RunResult:
        return run_equal_shares(
            self.profile,
            cardinality=self.cardinality,
            per_voter_budget=self.start + k,
            detailed=detailed,
        )

    def examine(
        self,
        low: int,
        high: int,
        checkpoint: _Checkpoint | None = None,
        *,
        paths: int | None = None,
    ) -> tuple[Verdict, _Checkpoint]:
        """Does any budget start + k, low <= k <= high, stop Add1?

        "continues": none does. "stops": all do (every run reaches one final set, and it stops
        Add1). "unknown": too many branches, or some branch reaches a set that stops Add1. Also
        returns the last state that every run passed through, for the halves to start from.
        """
        self.stretches += 1
        checkpoint = checkpoint or self.root
        grid = self._grid(self.start + high)
        highs, lows = grid.replay(
            grid.bounds(self.start + high, upper=True),
            grid.bounds(self.start + low, upper=False),
            checkpoint.steps,
        )
        branches = [
            _Branch(
                lows,
                highs,
                list(checkpoint.heap),
                self.free | checkpoint.chosen,
                (checkpoint.heap,),
                ((),),
            )
        ]
        every_run = True  # every run of the stretch is still in one of the branches
        while branches:
            if every_run and len(branches) == 1:
                only = branches[0]
                if only.orders is None:
                    every_run = False  # cannot be replayed: no later checkpoint either
                elif only.orders != ((),):
                    heap = tuple(only.heap)
                    checkpoint = _Checkpoint((*checkpoint.steps, only.orders), only.chosen, heap)
                    only.orders, only.anchors = ((),), (heap,)
            following: dict[frozenset[int], list[_Branch]] = {}
            for branch in branches:
                if self._settled(grid, branch):
                    every_run = False  # its runs all let Add1 go on: no need to follow them
                    continue
                # The real winner at any t of this branch is at most best.
                best, possible = self._evaluate(grid, branch)
                if best is None:
                    # Every project left may be unaffordable: runs may end here.
                    if self.stops(branch.chosen):
                        if every_run and len(branches) == 1 and not possible:
                            return "stops", checkpoint
                        return "unknown", checkpoint
                    every_run = False
                anchors = branch.anchors
                if len(possible) > 1:
                    anchors = (*anchors, (*branch.heap, *(e.lower for e in possible)))
                for n, winner in enumerate(possible):
                    last = n == len(possible) - 1
                    w = winner.project
                    follower = _Branch(
                        branch.low if last else branch.low.copy(),
                        branch.high if last else branch.high.copy(),
                        branch.heap if last else list(branch.heap),
                        branch.chosen | {w},
                        anchors,
                        None
                        if branch.orders is None
                        else tuple((*order, w) for order in branch.orders),
                    )
                    for entry in possible:
                        if entry.project != w:
                            heapq.heappush(follower.heap, entry.lower)
                    grid.pay(follower.low, w, winner.with_low, upper=False)
                    grid.pay(follower.high, w, winner.with_high, upper=True)
                    following.setdefault(follower.chosen, []).append(follower)
            if len(following) > (paths or self.paths):
                return "unknown", checkpoint
            branches = [_merge(group) for group in following.values()]
        return "continues", checkpoint

    def _settled(self, grid: _Grid, branch: _Branch) -> bool:
        """Whatever the branch's runs still choose, does Add1 go on past them?

        Projects missing from the heap are unaffordable for the rest of the branch, so its final
        sets lie between ``chosen`` and ``chosen`` plus the heap's (open) projects. No final set
        stops Add1 if even all of them fit with room for a project that surely stays out (so no
        final set is exhaustive), and some project equal shares could buy stays out. Open
        projects are checked for affordability (a pass over their supporters each, so only a
        few: the cheapest, which could stay out, and the most expensive, which decide whether
        everything fits); those found unaffordable leave the heap for good.
        """
        cost = self.cost_units
        heap = branch.heap
        chosen = branch.chosen
        open_projects = {entry[3] for entry in heap}
        checks = _SETTLE_CHECKS

        def drops(j: int) -> bool:
            nonlocal checks
            checks -= 1
            if grid.affordable(branch.high, j):
                return False
            open_projects.discard(j)
            return True

        def first_outside(projects: list[int]) -> int | None:
            for j in projects:
                if j in chosen:
                    continue
                if j not in open_projects or (checks > 0 and drops(j)):
                    return j
                if checks <= 0:
                    break
            return None

        before = len(open_projects)
        spare = -1
        outside = first_outside(self.open_by_cost)
        if outside is not None and (
            outside in self.eligible or first_outside(self.eligible_by_cost) is not None
        ):
            spare = self.budget_units - cost[outside] - sum(cost[j] for j in chosen)
            spare -= sum(cost[j] for j in open_projects)
            for j in sorted(open_projects, key=cost.__getitem__, reverse=True):
                if spare >= 0 or checks <= 0:
                    break
                if drops(j):
                    spare += cost[j]
        if len(open_projects) < before:
            heap[:] = [entry for entry in heap if entry[3] in open_projects]
            heapq.heapify(heap)
        return spare >= 0

    def _grid(self, highest: Fraction) -> _Grid:
        """The finest grid (2**bits parts of a unit) that keeps money times voters below
        _INT_LIMIT for budgets up to ``highest``."""
        bits = _GRID_BITS
        while Fraction(2) ** bits * highest * self.profile.voters >= _INT_LIMIT:
            bits -= 1
        if bits not in self.grids:
            self.grids[bits] = _Grid(self, bits)
        return self.grids[bits]

    def _evaluate(self, grid: _Grid, branch: _Branch) -> tuple[Candidate | None, list[_Evaluated]]:
        """The possible winners of the branch's next round, taken from its heap, and ``best``:
        the smallest (rho, rank) with the lower bounds among projects they can afford.

        Lazy as in an exact run: a stale entry is repriced with the upper bounds and put back;
        an entry that comes out on top again is fresh and has the smallest lower bound left, so
        it is a possible winner, and only possible winners are priced with the lower bounds.
        Once ``best`` is known, whatever starts above it cannot win (rho only grows in a run).
        """
        best: Candidate | None = None
        possible: list[_Evaluated] = []
        fresh: dict[int, _Evaluated] = {}
        heap = branch.heap
        while heap:
            top = heap[0]
            if best is not None and top > best:
                break
            heapq.heappop(heap)
            j = top[3]
            entry = fresh.get(j)
            if entry is None:
                with_high = grid.price(branch.high, j, upper=True)
                if with_high is None:
                    continue  # unaffordable with the upper bounds, so for the rest of the run
                fresh[j] = _Evaluated(grid.candidate(j, with_high), j, with_high, None)
                heapq.heappush(heap, fresh[j].lower)
                continue
            with_low = grid.price(branch.low, j, upper=False)
            possible.append(_Evaluated(entry.lower, j, entry.with_high, with_low))
            if with_low is not None:
                upper = grid.candidate(j, with_low)
                if best is None or upper < best:
                    best = upper
        return best, possible


def _merge(group: list[_Branch]) -> _Branch:
    if len(group) == 1:
        return group[0]
    low = group[0].low
    high = group[0].high
    for part in group[1:]:
        low = np.minimum(low, part.low)
        high = np.maximum(high, part.high)
    # The lower bounds on rho of the parts need not hold for the merged upper bounds, but those
    # of a common branch point do: its upper bounds are at least every part's.
    common = group[0].anchors
    for part in group[1:]:
        shared = 0
        for mine, theirs in zip(common, part.anchors, strict=False):
            if mine is not theirs:
                break
            shared += 1
        common = common[:shared]
    chosen = group[0].chosen
    heap = [entry for entry in common[-1] if entry[3] not in chosen]
    heapq.heapify(heap)
    orders: _Step | None = ()
    for part in group:
        if orders is None or part.orders is None:
            orders = None
        else:
            orders = (*orders, *(order for order in part.orders if order not in orders))
    if orders is not None and len(orders) > _REPLAY_ORDERS:
        orders = None
    return _Branch(low, high, heap, chosen, common, orders)


def _add1(
    profile: Profile,
    start: Fraction,
    *,
    cardinality: bool,
    exhaustive_among: frozenset[int] | None = None,
    exhaustive: bool = True,
) -> Add1Result:
    if profile.voters == 0:
        return Add1Result(run_equal_shares(profile), Fraction(0), 0, 1, 0)
    search = _StretchSearch(
        profile,
        start,
        exhaustive_among=exhaustive_among,
        exhaustive=exhaustive,
        cardinality=cardinality,
    )
    k = search.first_stop()
    run = search.exact_run(k)
    if profile.total_cost(run.chosen) > profile.budget:
        # Both variants keep the last outcome that fits; MES cannot overspend at B/n or below.
        assert k > 0, "MES cannot overspend at budget / voters"
        k -= 1
        run = search.exact_run(k)
        search.exact_runs += 1
    return Add1Result(run, start, k, search.exact_runs + 1, search.stretches)


def add1_first_exhaustive(profile: Profile, *, cardinality: bool = False) -> Add1Result:
    """pabutools' Add1 (``voter_budget_increment=1``): per-voter budget B/n, B/n + 1, ...; stop at
    the first exhaustive outcome (among the projects equal shares can buy), or return the
    previous outcome when this one overspends."""
    start = profile.budget / profile.voters if profile.voters else Fraction(0)
    return _add1(profile, start, cardinality=cardinality)


def add1_equalshares_tool(
    profile: Profile, *, cardinality: bool = False, exhaustive: bool = True, integral: bool = True
) -> Add1Result:
    """The equalshares.net compute tool's Add1, by default with its options "integral" and
    "exhaustive": per-voter budget floor(B/n), +1, ...; stop at the first outcome that is
    exhaustive among *all* projects (a cheap project nobody voted for keeps it going), or keep
    this outcome if the next one would overspend. Unlike the tool, it also stops once every
    project equal shares can buy is chosen (the tool would raise the budget forever there).

    ``integral=False`` starts from B/n itself; ``exhaustive=False`` raises the budget for as long
    as the next outcome still fits, even past an exhaustive one."""
    if not profile.voters:
        start = Fraction(0)
    elif integral:
        start = Fraction(math.floor(profile.budget / profile.voters))
    else:
        start = profile.budget / profile.voters
    everything = frozenset(range(profile.project_count))
    return _add1(
        profile,
        start,
        cardinality=cardinality,
        exhaustive_among=everything,
        exhaustive=exhaustive,
    )
