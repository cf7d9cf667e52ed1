"""Add1 completion of equal shares without one MES run per currency unit.

Add1 raises every voter's budget by one currency unit until the outcome of MES stops it
(pabutools: the outcome is exhaustive or overspends; the equalshares.net tool: every project is
chosen or the outcome overspends). Budapest 2024 takes 22,001 steps; a full MES run per step is
why pabutools needs more than ten minutes there. Here a whole *stretch* of per-voter budgets
[t1, t2] is examined at once:

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
* If every final set that a branch can reach lets Add1 go on, no t of the stretch stops it.
  Otherwise the stretch is halved. Rounds whose winner was certain for the whole stretch are
  certain for both halves as well (their bounds are tighter), so a half replays those rounds by
  charging the winners, without comparing projects again.

A single budget that the bounds cannot settle (a near tie closer than the grid) is settled by an
exact MES run (:func:`voting_rules.equal_shares.run_equal_shares`), as is the final outcome, which
also carries the payments that explanations need. Wrong answers are impossible by construction:
the bounds only ever prove "no t in here stops Add1" or "every t in here stops it"; anything
else is narrowed down or computed exactly.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from voting_rules.equal_shares import (
    Candidate,
    RunResult,
    candidate,
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
# (measured on Budapest 2024: 2 halves too often, 8 follows branches that fail anyway).
_PATHS = 4

Verdict = Literal["continues", "stops", "unknown"]


@dataclass(frozen=True)
class Add1Result:
    run: RunResult
    start: Fraction
    steps: int  # the per-voter budget of ``run`` is start + steps currency units
    runs: int  # exact MES runs
    certificates: int  # stretches examined with bounds


@dataclass(frozen=True)
class _Checkpoint:
    """Rounds whose winners are certain for every budget of a stretch, and the candidates after
    them by a lower bound on their rho (valid for every narrower stretch too)."""

    path: tuple[int, ...]
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


@dataclass(frozen=True)
class _Evaluated:
    lower: Candidate  # from the upper bounds
    project: int
    with_high: _Priced
    with_low: _Priced | None  # None: the lower bounds cannot afford it (or it was not needed)


class _Grid:
    """Prices and payments of one stretch on a grid of ``scale`` parts per currency unit."""

    def __init__(self, search: _StretchSearch, highest: Fraction) -> None:
        profile = search.profile
        self.search = search
        # The finest power of two that keeps money times voters below _INT_LIMIT.
        bits = _GRID_BITS
        while Fraction(2) ** bits * highest * profile.voters >= _INT_LIMIT:
            bits -= 1
        self.scale = Fraction(2) ** bits
        # Costs rounded against each bound: a higher cost for the lower bounds (voters pay at
        # least what they really pay), a lower one for the upper bounds.
        self.cost_up = [math.ceil(c * self.scale) for c in profile.costs]
        self.cost_down = [math.floor(c * self.scale) for c in profile.costs]
        # rho = price / utility, the price in grid units.
        self.per_rho = [self.scale * u for u in search.utilities]

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
        w = search.weights[j]
        cost = self.cost_down[j] if upper else self.cost_up[j]
        if int(b @ w) < cost:
            return None
        everyone = search.profile.approvals[j]
        remaining, paying, poor_count = cost, everyone, 0
        while True:
            poor = b * paying < remaining
            count = int(np.count_nonzero(poor))
            if count == poor_count:
                return remaining, paying, b
            poor_count = count
            remaining = cost - int(b[poor] @ w[poor])
            paying = everyone - int(w[poor].sum())

    def rho(self, j: int, priced: _Priced) -> Fraction:
        return Fraction(priced[0], priced[1]) / self.per_rho[j]

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

    def replay(self, highs: IntArray, lows: IntArray, path: tuple[int, ...]) -> None:
        for w in path:
            self.pay(highs, w, self.price(highs, w, upper=True), upper=True)
            self.pay(lows, w, self.price(lows, w, upper=False), upper=False)


class _StretchSearch:
    def __init__(
        self,
        profile: Profile,
        start: Fraction,
        stops: Callable[[frozenset[int]], bool],
        *,
        cardinality: bool,
        paths: int = _PATHS,
    ) -> None:
        self.profile = profile
        self.start = start
        self.stops = stops
        self.cardinality = cardinality
        self.paths = paths
        self.weights = [profile.weights[s] for s in profile.supporters]
        self.utilities = [Fraction(1) if cardinality else c for c in profile.costs]
        eligible = eligible_projects(profile, cardinality)
        self.free = frozenset(j for j in eligible if profile.costs[j] == 0)
        paid = [j for j in eligible if profile.costs[j] > 0]
        self.root = _Checkpoint((), tuple(initial_heap(profile, paid, cardinality)))
        self.stretches = 0
        self.exact_runs = 0

    def first_stop(self) -> int:
        """The first grid point k (budget start + k) whose outcome stops Add1."""
        low, width = 0, 1
        while True:
            found = self._first_stop_in(low, low + width - 1, self.root)
            if found is not None:
                return found
            low += width
            width *= 2

    def _first_stop_in(self, low: int, high: int, checkpoint: _Checkpoint) -> int | None:
        verdict, deeper = self.examine(low, high, checkpoint)
        if verdict == "continues":
            return None
        if verdict == "stops":
            return low
        if low == high:
            self.exact_runs += 1
            run = self.exact_run(low, detailed=False)
            return low if self.stops(frozenset(run.chosen)) else None
        middle = (low + high) // 2
        found = self._first_stop_in(low, middle, deeper)
        return found if found is not None else self._first_stop_in(middle + 1, high, deeper)

    def exact_run(self, k: int, *, detailed: bool = True) -> RunResult:
        return run_equal_shares(
            self.profile,
            cardinality=self.cardinality,
            per_voter_budget=self.start + k,
            detailed=detailed,
        )

    def examine(
        self, low: int, high: int, checkpoint: _Checkpoint | None = None
    ) -> tuple[Verdict, _Checkpoint]:
        """Does any budget start + k, low <= k <= high, stop Add1?

        "continues": none does. "stops": all do (the winners were certain in every round and
        the final set stops Add1). "unknown": too many branches, or some branch reaches a set
        that stops Add1. Also returns the last checkpoint of certain winners, for the halves.
        """
        self.stretches += 1
        checkpoint = checkpoint or self.root
        grid = _Grid(self, self.start + high)
        lows = grid.bounds(self.start + low, upper=False)
        highs = grid.bounds(self.start + high, upper=True)
        grid.replay(highs, lows, checkpoint.path)
        branches = [
            _Branch(
                lows,
                highs,
                list(checkpoint.heap),
                self.free | frozenset(checkpoint.path),
                (checkpoint.heap,),
            )
        ]
        certain = True  # one branch, every winner so far certain
        path = checkpoint.path
        while branches:
            if certain:
                checkpoint = _Checkpoint(path, tuple(branches[0].heap))
            following: dict[frozenset[int], list[_Branch]] = {}
            for branch in branches:
                best, evaluated = self._evaluate(grid, branch)
                # best: the smallest (rho, rank) with the lower bounds among projects they can
                # afford; the real winner at any t of this branch is at most that.
                possible = [e for e in evaluated if best is None or not best < e.lower]
                if best is None and self.stops(branch.chosen):
                    # Every project left may be unaffordable: the run may end here.
                    if certain and not possible:
                        return "stops", checkpoint
                    return "unknown", checkpoint
                anchors = branch.anchors
                if len(possible) + (best is None) > 1:
                    certain = False
                    anchors = (*anchors, (*branch.heap, *(e.lower for e in evaluated)))
                elif possible:
                    path = (*path, possible[0].project)
                for n, winner in enumerate(possible):
                    last = n == len(possible) - 1
                    w = winner.project
                    follower = _Branch(
                        branch.low if last else branch.low.copy(),
                        branch.high if last else branch.high.copy(),
                        branch.heap if last else list(branch.heap),
                        branch.chosen | {w},
                        anchors,
                    )
                    for entry in evaluated:
                        if entry.project != w:
                            heapq.heappush(follower.heap, entry.lower)
                    grid.pay(follower.low, w, winner.with_low, upper=False)
                    grid.pay(follower.high, w, winner.with_high, upper=True)
                    following.setdefault(follower.chosen, []).append(follower)
            if len(following) > self.paths:
                return "unknown", checkpoint
            branches = [_merge(group) for group in following.values()]
        return "continues", checkpoint

    def _evaluate(self, grid: _Grid, branch: _Branch) -> tuple[Candidate | None, list[_Evaluated]]:
        best: Candidate | None = None
        evaluated: list[_Evaluated] = []
        heap = branch.heap
        while heap:
            stale = heap[0]
            # rho only grows during a run: a candidate whose bound already loses cannot win.
            if best is not None and stale > best:
                break
            heapq.heappop(heap)
            j = stale[3]
            with_high = grid.price(branch.high, j, upper=True)
            if with_high is None:
                continue  # unaffordable with the upper bounds, so for the rest of the run
            lower = candidate(grid.rho(j, with_high), stale[2], j)
            if best is not None and best < lower:
                # Cannot win this round, nor lower ``best``: no need for its upper bound.
                evaluated.append(_Evaluated(lower, j, with_high, None))
                continue
            with_low = grid.price(branch.low, j, upper=False)
            if with_low is not None:
                upper = candidate(grid.rho(j, with_low), stale[2], j)
                if best is None or upper < best:
                    best = upper
            evaluated.append(_Evaluated(lower, j, with_high, with_low))
        return best, evaluated


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
    return _Branch(low, high, heap, chosen, common)


def _add1(
    profile: Profile,
    start: Fraction,
    stops: Callable[[frozenset[int]], bool],
    cardinality: bool,
) -> Add1Result:
    search = _StretchSearch(profile, start, stops, cardinality=cardinality)
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
    the first exhaustive outcome, or return the previous outcome when this one overspends."""
    if profile.voters == 0:
        return Add1Result(run_equal_shares(profile), Fraction(0), 0, 1, 0)
    among = frozenset(eligible_projects(profile, cardinality))

    def stops(chosen: frozenset[int]) -> bool:
        return profile.total_cost(chosen) > profile.budget or is_exhaustive(profile, chosen, among)

    return _add1(profile, profile.budget / profile.voters, stops, cardinality)


def add1_while_it_fits(profile: Profile, *, cardinality: bool = False) -> Add1Result:
    """equalshares.net compute tool: start at floor(B/n) and raise the per-voter budget by one unit
    while the next outcome still fits in the budget. Stops once every eligible project is chosen."""
    if profile.voters == 0:
        return Add1Result(run_equal_shares(profile), Fraction(0), 0, 1, 0)
    among = frozenset(eligible_projects(profile, cardinality))

    def stops(chosen: frozenset[int]) -> bool:
        return profile.total_cost(chosen) > profile.budget or among <= chosen

    return _add1(profile, Fraction(math.floor(profile.budget / profile.voters)), stops, cardinality)
