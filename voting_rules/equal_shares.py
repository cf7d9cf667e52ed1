"""The Method of Equal Shares (Peters & Skowron; equalshares.net) with exact arithmetic.

Approval utilities: a supporter's utility for project j is ``cost_j`` (cost satisfaction, the
equalshares.net default) or 1 (cardinality satisfaction). All supporters of a project then have the
same utility, so a project is bought at the smallest per-supporter price ``alpha`` with
``sum_i min(budget_i, alpha) = cost`` and each round goes to the smallest ``rho = alpha / utility``.

Where the speed comes from:

* Voters with the same payment history have the same budget. They form a *class*; a project's
  supporters are counted per class with one ``numpy.bincount`` and the price scan walks the
  classes, not the voters. Budgets are integers over one common denominator per run, so the
  arithmetic is exact and needs no fractions in the inner loop.
* ``rho`` of a project only grows during a run, so its last computed value is a lower bound:
  projects wait in a heap and are recomputed only while they could still win the round (the
  lazy evaluation of the equalshares.net compute tool).
* Add1 (raise every voter's budget by one currency unit until the outcome is exhaustive) does
  not need one run per unit; see :func:`certify_same_outcome` (same order over a stretch) and
  :func:`certify_stretch_continues` (over a stretch, every outcome fits and is not exhaustive).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from voting_rules.profile import IntArray, Profile

# Merged budget bounds are rounded to this many parts of a currency unit (times the costs' own
# denominators), which also keeps the integers small.
_MERGE_GRID = 2**24


# Classes walked one by one before switching to prefix sums and bisection.
_WALK = 8

# (rho, tie rank, project): the heap order of candidates; smaller wins the round.
# The float comes first only to make heap comparisons cheap: float() is monotone, so the order of
# (float(rho), rho, ...) is exactly the order of (rho, ...).
Candidate = tuple[float, Fraction, int, int]


def _candidate(rho: Fraction, rank: int, j: int) -> Candidate:
    return (float(rho), rho, rank, j)


@dataclass(frozen=True)
class RoundRecord:
    winner: int
    rho: Fraction
    alpha: Fraction  # the price paid by supporters who could afford it
    # (amount, number of voters): those who paid all they had, then those who paid alpha.
    payments: tuple[tuple[Fraction, int], ...]
    # Observed projects only (explanations): the supporters' budgets at the start of the round.
    budgets: dict[int, tuple[tuple[Fraction, int], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RunResult:
    per_voter_budget: Fraction
    chosen: tuple[int, ...]  # in the order of selection
    rounds: tuple[RoundRecord, ...]
    # Supported projects of positive utility: the ones equal shares can buy at all; Add1 judges
    # exhaustiveness against these (as pabutools does).
    eligible: frozenset[int]


def _merge_grid(profile: Profile) -> tuple[int, list[int]]:
    """The denominator of merged budget bounds and the costs in its units."""
    denominator = _MERGE_GRID
    for cost in profile.costs:
        denominator = math.lcm(denominator, cost.denominator)
    return denominator, [int(cost * denominator) for cost in profile.costs]


class _Budgets:
    """The voters' budgets during one run, grouped in classes of equal payment history."""

    def __init__(self, profile: Profile, per_voter_budget: Fraction, *, cardinality: bool) -> None:
        self.profile = profile
        self.cardinality = cardinality
        self.weights = profile.weights
        # Money is counted in units of 1/denominator; costs must be whole units too.
        denominator = per_voter_budget.denominator
        for cost in profile.costs:
            denominator = math.lcm(denominator, cost.denominator)
        self.denominator = denominator
        self.costs = [int(cost * denominator) for cost in profile.costs]
        # Class 0: voters with nothing left. Class 1: everyone, at the start.
        self.values = [0, int(per_voter_budget * denominator)]
        self.classes: IntArray = np.ones(len(profile.approval_sets), dtype=np.int64)
        self.by_value = [0, 1]
        self.position: IntArray = np.array([0, 1], dtype=np.int64)
        # 0: exact. 1 (-1): the budgets are lower (upper) bounds kept on a fixed grid of money
        # units, alpha rounded up (down) to it (see certify_stretch_continues).
        self.rounding = 0

    @staticmethod
    def bound(
        profile: Profile,
        per_voter_budget: Fraction,
        *,
        cardinality: bool,
        upper: bool,
        grid: tuple[int, list[int]],
    ) -> _Budgets:
        """Budgets on ``grid`` that bound, from below or from above, those of a run at
        ``per_voter_budget``."""
        budgets = _Budgets(profile, per_voter_budget, cardinality=cardinality)
        budgets.denominator, budgets.costs = grid
        scaled = per_voter_budget * grid[0]
        budgets.values = [0, math.ceil(scaled) if upper else math.floor(scaled)]
        budgets.rounding = -1 if upper else 1
        return budgets

    def supporters_by_class(self, j: int) -> tuple[list[int], list[int]]:
        """Classes of project j's supporters with money left, poorest first, and their sizes."""
        supporters = self.profile.supporters[j]
        counts = np.bincount(
            self.classes[supporters],
            weights=self.profile.supporter_weights[j],
            minlength=len(self.values),
        )
        present = np.flatnonzero(counts[1:]) + 1
        present = present[np.argsort(self.position[present], kind="stable")]
        return present.tolist(), counts[present].astype(np.int64).tolist()

    def price(self, j: int, classes: list[int], sizes: list[int]) -> tuple[int, int, int] | None:
        """(remaining cost, paying voters, classes paying all they have) or None if unaffordable.

        The price is alpha = remaining / paying (in money units); a class pays alpha iff its
        budget is at least alpha, otherwise everything it has (pabutools' convention).
        """
        values = self.values
        remaining = self.costs[j]
        paying = sum(sizes)
        # Usually the poorest few classes already pay alpha: walk them first.
        for poor, (c, n) in enumerate(zip(classes[:_WALK], sizes[:_WALK], strict=False)):
            if remaining <= values[c] * paying:
                return remaining, paying, poor
            remaining -= values[c] * n
            paying -= n
        if len(classes) <= _WALK:
            # Nobody could pay alpha: the supporters' money falls short of the cost (the first
            # paying class's budget times the payers is at most their money, so an affordable
            # project would have stopped the walk).
            return None
        # Many poor classes: prefix sums in C (map/accumulate), then bisection. The test
        # "remaining_k <= budget_k * paying_k" is monotone in k because budgets are sorted:
        # remaining_k - budget_k * paying_k never increases.
        budgets = list(map(values.__getitem__, classes[_WALK:]))
        rest_sizes = sizes[_WALK:]
        spent = [0, *itertools.accumulate(map(operator.mul, budgets, rest_sizes))]
        leaving = [0, *itertools.accumulate(rest_sizes)]

        def pays(k: int) -> bool:
            return bool(remaining - spent[k] <= budgets[k] * (paying - leaving[k]))

        k = bisect.bisect_left(range(len(budgets)), True, key=pays)
        if k == len(budgets):
            return None
        return remaining - spent[k], paying - leaving[k], _WALK + k

    def rho(self, j: int, remaining: int, paying: int) -> Fraction:
        # alpha / utility; with cost utility the denominators cancel.
        if self.cardinality:
            return Fraction(remaining, paying * self.denominator)
        return Fraction(remaining, paying * self.costs[j])

    def money(self, amount: int) -> Fraction:
        return Fraction(amount, self.denominator)

    def pay(
        self,
        j: int,
        classes: list[int],
        sizes: list[int],
        remaining: int,
        paying: int,
        poor: int,
        *,
        detailed: bool = True,
    ) -> tuple[Fraction, tuple[tuple[Fraction, int], ...]]:
        """Charge project j's supporters; returns alpha and (if ``detailed``) the payments."""
        payments = (
            [
                (self.money(self.values[c]), n)
                for c, n in zip(classes[:poor], sizes[:poor], strict=True)
            ]
            if detailed
            else []
        )
        if self.rounding > 0:
            alpha = -(-remaining // paying)  # a bound from below: charge at least alpha
        elif self.rounding < 0:
            alpha = remaining // paying  # a bound from above: charge at most alpha
        else:
            # Rescale so that alpha = remaining / paying is a whole number of money units.
            factor = paying // math.gcd(remaining, paying)
            if factor != 1:
                self.denominator *= factor
                self.values = [v * factor for v in self.values]
                self.costs = [c * factor for c in self.costs]
            alpha = remaining * factor // paying
        mapping = np.arange(len(self.values), dtype=np.int64)
        for c in classes[:poor]:
            mapping[c] = 0
        values = self.values
        key = values.__getitem__
        for c in classes[poor:]:
            value = values[c] - alpha
            if value <= 0:  # < 0 only when a lower bound rounds alpha up
                mapping[c] = 0
                continue
            new = len(values)
            values.append(value)
            # Classes stay sorted by budget, so that a project's supporters are put in budget
            # order by sorting integer positions (numpy) instead of comparing big integers.
            self.by_value.insert(bisect.bisect_left(self.by_value, value, key=key), new)
            mapping[c] = new
        supporters = self.profile.supporters[j]
        self.classes[supporters] = mapping[self.classes[supporters]]
        position = np.empty(len(self.by_value), dtype=np.int64)
        position[np.array(self.by_value, dtype=np.int64)] = np.arange(len(self.by_value))
        self.position = position
        if detailed and paying:
            payments.append((self.money(alpha), paying))
        return self.money(alpha), tuple(payments)

    def copy(self) -> _Budgets:
        """An independent copy (for exploring another order of selection)."""
        other = object.__new__(_Budgets)
        other.profile = self.profile
        other.cardinality = self.cardinality
        other.weights = self.weights
        other.denominator = self.denominator
        other.rounding = self.rounding
        other.costs = self.costs  # never mutated in place, only replaced
        other.values = list(self.values)
        other.classes = self.classes.copy()
        other.by_value = list(self.by_value)
        other.position = self.position  # never mutated in place, only replaced
        return other

    @staticmethod
    def merge(parts: list[_Budgets], *, upper: bool) -> _Budgets:
        """Per voter the smallest (or, with ``upper``, the largest) budget of ``parts``, which
        are bounds on one grid (see :meth:`bound`)."""
        first = parts[0]
        per_voter: IntArray | None = None
        for part in parts:
            assert part.rounding and part.denominator == first.denominator
            mine = np.array(part.values, dtype=np.int64)[part.classes]
            if per_voter is None:
                per_voter = mine
            else:
                per_voter = np.maximum(per_voter, mine) if upper else np.minimum(per_voter, mine)
        assert per_voter is not None
        values, classes = np.unique(per_voter, return_inverse=True)
        if values.size == 0 or values[0] != 0:
            values = np.concatenate([np.zeros(1, dtype=np.int64), values])
            classes = classes + 1
        other = first.copy()
        other.values = values.tolist()
        other.classes = classes.astype(np.int64).reshape(-1)
        other.by_value = list(range(len(other.values)))
        other.position = np.arange(len(other.values), dtype=np.int64)
        return other

    def drain(self, j: int) -> None:
        """Every supporter of project j pays all it has (a lower bound on any real payment)."""
        self.classes[self.profile.supporters[j]] = 0

    def budgets_of(self, j: int) -> tuple[tuple[Fraction, int], ...]:
        classes, sizes = self.supporters_by_class(j)
        return tuple((self.money(self.values[c]), n) for c, n in zip(classes, sizes, strict=True))


def _utility(profile: Profile, j: int, cardinality: bool) -> Fraction:
    return Fraction(1) if cardinality else profile.costs[j]


def _eligible(profile: Profile, cardinality: bool) -> list[int]:
    return [
        j
        for j in range(profile.project_count)
        if profile.approvals[j] > 0 and _utility(profile, j, cardinality) > 0
    ]


def _initial_heap(
    profile: Profile, candidates: Iterable[int], cardinality: bool
) -> list[Candidate]:
    # Everyone still has money at the start, so cost / (supporters * utility) is a lower bound.
    heap = [
        _candidate(
            profile.costs[j] / (profile.approvals[j] * _utility(profile, j, cardinality)),
            profile.tie_rank[j],
            j,
        )
        for j in candidates
    ]
    heapq.heapify(heap)
    return heap


def run_equal_shares(
    profile: Profile,
    *,
    cardinality: bool = False,
    per_voter_budget: Fraction | None = None,
    observe: Iterable[int] = (),
    detailed: bool = True,
) -> RunResult:
    """One run of MES; the per-voter budget defaults to budget / number of voters.

    ``observe``: projects whose supporters' budgets are recorded every round (for explanations).
    """
    if profile.voters == 0:
        return RunResult(Fraction(0), (), (), frozenset())
    t = per_voter_budget if per_voter_budget is not None else profile.budget / profile.voters
    budgets = _Budgets(profile, t, cardinality=cardinality)
    eligible = _eligible(profile, cardinality)
    # Free supported projects cost nobody anything: selected up front (as pabutools does).
    chosen = [j for j in eligible if profile.costs[j] == 0]
    heap = _initial_heap(profile, (j for j in eligible if profile.costs[j] > 0), cardinality)
    watched = set(observe)
    rounds: list[RoundRecord] = []
    while heap:
        snapshot = {j: budgets.budgets_of(j) for j in watched if j not in chosen}
        best: Candidate | None = None
        best_price: tuple[list[int], list[int], int, int, int] | None = None
        evaluated: list[Candidate] = []
        while heap:
            stale = heap[0]
            # rho only grows: a project whose old value already loses cannot win this round.
            if best is not None and stale > best:
                break
            heapq.heappop(heap)
            j = stale[3]
            classes, sizes = budgets.supporters_by_class(j)
            priced = budgets.price(j, classes, sizes)
            if priced is None:
                continue  # budgets only shrink: unaffordable for the rest of the run
            current = _candidate(budgets.rho(j, priced[0], priced[1]), stale[2], j)
            evaluated.append(current)
            if best is None or current < best:
                best, best_price = current, (classes, sizes, *priced)
        if best is None or best_price is None:
            break
        for entry in evaluated:
            if entry is not best:
                heapq.heappush(heap, entry)
        alpha, payments = budgets.pay(best[3], *best_price, detailed=detailed)
        rounds.append(RoundRecord(best[3], best[1], alpha, payments, snapshot))
        chosen.append(best[3])
    return RunResult(t, tuple(chosen), tuple(rounds), frozenset(eligible))


def certify_same_outcome(
    profile: Profile,
    lower: RunResult,
    per_voter_budget: Fraction,
    *,
    cardinality: bool = False,
) -> RunResult | None:
    """Prove that MES selects the same projects in the same order for every per-voter budget
    between ``lower.per_voter_budget`` and ``per_voter_budget``; return the run at the upper end.

    Why this is enough: while the order of selection stays the same, more initial money means more
    money in every voter's pocket in every round (alpha can only fall, so voters paying alpha keep
    more, and voters paying everything keep nothing either way). So in round r, for every budget t'
    in between, the winner's rho is at most its rho at the lower end, and any other project's rho
    is at least its rho at the upper end when the upper end replays the same order. If every other
    project loses at the upper end against the winner's rho at the lower end (or is unaffordable
    there), it loses everywhere in between. Induction over the rounds gives the claim; None means
    "not proven" (the outcome may or may not change), never a wrong answer.
    """
    budgets = _Budgets(profile, per_voter_budget, cardinality=cardinality)
    taken = set(lower.chosen[: len(lower.chosen) - len(lower.rounds)])
    heap = _initial_heap(profile, (j for j in lower.eligible if j not in taken), cardinality)
    done: set[int] = set()
    rounds: list[RoundRecord] = []
    for record in lower.rounds:
        winner = record.winner
        threshold = _candidate(record.rho, profile.tie_rank[winner], winner)
        classes, sizes = budgets.supporters_by_class(winner)
        priced = budgets.price(winner, classes, sizes)
        assert priced is not None, "more money cannot make the winner unaffordable"
        evaluated: list[Candidate] = []
        while heap and heap[0] < threshold:
            stale = heapq.heappop(heap)
            j = stale[3]
            if j == winner or j in done:
                continue
            other_classes, other_sizes = budgets.supporters_by_class(j)
            other = budgets.price(j, other_classes, other_sizes)
            if other is None:
                continue
            current = _candidate(budgets.rho(j, other[0], other[1]), stale[2], j)
            if current < threshold:
                return None
            evaluated.append(current)
        for entry in evaluated:
            heapq.heappush(heap, entry)
        rho = budgets.rho(winner, priced[0], priced[1])
        alpha, payments = budgets.pay(winner, classes, sizes, *priced, detailed=False)
        rounds.append(RoundRecord(winner, rho, alpha, payments))
        done.add(winner)
    # After the last round every remaining project must stay unaffordable.
    for *_, j in heap:
        if j in done:
            continue
        classes, sizes = budgets.supporters_by_class(j)
        if budgets.price(j, classes, sizes) is not None:
            return None
    return RunResult(per_voter_budget, lower.chosen, tuple(rounds), lower.eligible)


# A project's supporters by class with its price: what _Budgets.pay needs.
_Priced = tuple[list[int], list[int], int, int, int]

# A state of the stretch certificate: bounds on the voters' money from below and from above, the
# candidates by a lower bound on their rho, the projects chosen so far, and the candidates of the
# branch points above it (oldest first).
_Stretch = tuple[
    _Budgets, _Budgets, list[Candidate], frozenset[int], tuple[tuple[Candidate, ...], ...]
]

# How many different sets of projects chosen so far a stretch certificate follows in one round
# before it gives up (measured on Budapest 2024: 4 is fastest; 2 fails too often, 8 and more
# spend long on stretches that fail anyway).
_PATHS = 4

# Add1 first proves stretches of the same order of selection (certify_same_outcome), cheap while
# that order is stable; after this many MES runs it turns to stretch certificates.
_SAME_ORDER_RUNS = 24

# Add1 doubles the stretch it tries to certify after this many successes in a row (and halves it
# after a failure); doubling after every success fails every other time.
_STREAK = 3


def certify_stretch_continues(
    profile: Profile,
    low: Fraction,
    high: Fraction,
    *,
    cardinality: bool = False,
    paths: int = _PATHS,
) -> bool:
    """Prove that for every per-voter budget t in [low, high], MES selects a set of projects that
    fits in the budget and is not exhaustive (so Add1 goes on past every such t).

    Unlike :func:`certify_same_outcome` the order of selection may change inside the stretch.
    Why it is sound: the certificate keeps, round by round, a few *states*: a set of projects
    chosen so far with, for every voter, a lower and an upper bound on that voter's money, valid
    for every t of the stretch whose run has chosen that set so far. At the start the bounds are
    ``low`` and ``high``. In a round, a project's rho at any such t lies between its rho with the
    upper bounds and its rho with the lower bounds (more money never raises the price), so a
    project can win the round only if no project affordable with the lower bounds beats it for
    sure; the certificate follows every project that may win (and the end of the run if every
    project may be unaffordable). Charging a possible winner with the prices computed from the
    lower and from the upper bounds gives bounds again, since a voter's money after paying,
    max(0, money - alpha), grows with its money and falls with alpha (a project the lower bounds
    cannot afford leaves its supporters a lower bound of 0). States that reach the same set in the
    same round are merged (per voter the smaller lower and the larger upper bound), so that
    near-tied projects chosen in either order cost one state, not two. Every t's real run is
    covered by the states; the final set of every state is checked. Too many states, or one bad
    final set: False ("not proven"), never a wrong answer.
    """
    eligible = _eligible(profile, cardinality)
    among = frozenset(eligible)
    paid = [j for j in eligible if profile.costs[j] > 0]
    chosen0 = frozenset(j for j in eligible if profile.costs[j] == 0)
    root = _initial_heap(profile, paid, cardinality)
    grid = _merge_grid(profile)
    states: list[_Stretch] = [
        (
            _Budgets.bound(profile, low, cardinality=cardinality, upper=False, grid=grid),
            _Budgets.bound(profile, high, cardinality=cardinality, upper=True, grid=grid),
            list(root),
            chosen0,
            (tuple(root),),
        )
    ]

    def fails(chosen: frozenset[int]) -> bool:
        total = profile.total_cost(chosen)
        return total > profile.budget or is_exhaustive(profile, chosen, among)

    while states:
        following: dict[frozenset[int], list[_Stretch]] = {}
        for at_low, at_high, heap, chosen, anchors in states:
            # best: the smallest (rho, rank) with the lower bounds among projects affordable with
            # them; the real winner at any t of this state is at most that.
            best: Candidate | None = None
            evaluated: list[tuple[Candidate, int, _Priced, _Priced | None]] = []
            while heap:
                stale = heap[0]
                if best is not None and stale > best:
                    break
                heapq.heappop(heap)
                j = stale[3]
                hc, hs = at_high.supporters_by_class(j)
                hp = at_high.price(j, hc, hs)
                if hp is None:
                    continue  # unaffordable with the upper bounds, so for the rest of the run
                lower = _candidate(at_high.rho(j, hp[0], hp[1]), stale[2], j)
                if best is not None and best < lower:
                    # Cannot win this round, nor lower ``best``: no need for its upper bound.
                    evaluated.append((lower, j, (hc, hs, *hp), None))
                    continue
                lc, ls = at_low.supporters_by_class(j)
                lp = at_low.price(j, lc, ls)
                if lp is not None:
                    upper = _candidate(at_low.rho(j, lp[0], lp[1]), stale[2], j)
                    if best is None or upper < best:
                        best = upper
                evaluated.append((lower, j, (hc, hs, *hp), None if lp is None else (lc, ls, *lp)))
            # best is None: the heap is empty and every project left may be unaffordable.
            if best is None and fails(chosen):
                return False
            possible = [e for e in evaluated if best is None or not best < e[0]]
            if len(possible) + (best is None) > 1:
                # A branch point: its lower bounds hold for every later state below it.
                anchors = (*anchors, (*heap, *(e[0] for e in evaluated)))
            for n, (_, w, hi_price, lo_price) in enumerate(possible):
                last = n == len(possible) - 1
                b_low = at_low if last else at_low.copy()
                b_high = at_high if last else at_high.copy()
                branch_heap = heap if last else list(heap)
                for entry in evaluated:
                    if entry[1] != w:
                        heapq.heappush(branch_heap, entry[0])
                if lo_price is None:
                    b_low.drain(w)
                else:
                    b_low.pay(w, *lo_price, detailed=False)
                b_high.pay(w, *hi_price, detailed=False)
                key = chosen | {w}
                following.setdefault(key, []).append((b_low, b_high, branch_heap, key, anchors))
        if len(following) > paths:
            return False
        states = []
        for key, group in following.items():
            if len(group) == 1:
                states.append(group[0])
                continue
            try:
                merged_low = _Budgets.merge([g[0] for g in group], upper=False)
                merged_high = _Budgets.merge([g[1] for g in group], upper=True)
            except OverflowError:  # budgets beyond 64 bits on the grid: give up, never wrong
                return False
            # The lower bounds on rho of the parts need not hold for the merged upper bounds, but
            # those of a common ancestor do: its upper bounds are at least every part's.
            common = group[0][4]
            for part in group[1:]:
                shared = 0
                for mine, theirs in zip(common, part[4], strict=False):
                    if mine is not theirs:
                        break
                    shared += 1
                common = common[:shared]
            heap = [entry for entry in common[-1] if entry[3] not in key]
            heapq.heapify(heap)
            states.append((merged_low, merged_high, heap, key, common))
    return True


def is_exhaustive(profile: Profile, chosen: Iterable[int], among: Iterable[int]) -> bool:
    chosen_set = set(chosen)
    left = profile.budget - profile.total_cost(chosen_set)
    return all(profile.costs[j] > left for j in among if j not in chosen_set)


@dataclass(frozen=True)
class Add1Result:
    run: RunResult
    start: Fraction
    steps: int  # the per-voter budget of ``run`` is start + steps currency units
    runs: int  # full MES runs
    certificates: int  # cheaper proofs that a stretch of budgets gives the same outcome


class _Add1Walk:
    """Walk Add1's grid start, start+1, ... visiting only the points where the outcome may change.

    From a run at point k it certifies ever longer stretches and runs MES again only at the first
    point no proof covers.
    """

    def __init__(self, profile: Profile, start: Fraction, cardinality: bool) -> None:
        self.profile = profile
        self.start = start
        self.cardinality = cardinality
        self.runs = 0
        self.certificates = 0
        self.stride = 1

    def run(self, k: int) -> RunResult:
        self.runs += 1
        return run_equal_shares(
            self.profile,
            cardinality=self.cardinality,
            per_voter_budget=self.start + k,
            detailed=False,
        )

    def result(self, k: int) -> Add1Result:
        """The run at grid point k again, with the payments that explanations need."""
        run = run_equal_shares(
            self.profile, cardinality=self.cardinality, per_voter_budget=self.start + k
        )
        return Add1Result(run, self.start, k, self.runs, self.certificates)

    def last_same(self, k: int, result: RunResult) -> int:
        """The last grid point (>= k) proven to give ``result``'s outcome.

        Gallops (doubling the stretch while proofs hold), then bisects between the last proven
        point and the first failed target. A failed target is only a search bound, not a claim:
        correctness rests on the successful proofs alone.
        """
        good, current = k, result
        bad: int | None = None
        stride = self.stride
        while bad is None or bad - good > 1:
            target = good + stride if bad is None else (good + bad) // 2
            self.certificates += 1
            proven = certify_same_outcome(
                self.profile, current, self.start + target, cardinality=self.cardinality
            )
            if proven is None:
                bad = target
            else:
                good, current = target, proven
                if bad is None:
                    stride *= 2
        # Stretches of one outcome tend to have similar lengths: start the next search there.
        self.stride = max(1, (good - k) // 2)
        return good


def add1_first_exhaustive(profile: Profile, *, cardinality: bool = False) -> Add1Result:
    """pabutools' Add1 (``voter_budget_increment=1``): per-voter budget B/n, B/n + 1, ...; stop at
    the first exhaustive outcome, or return the previous outcome when this one overspends."""
    if profile.voters == 0:
        return Add1Result(run_equal_shares(profile), Fraction(0), 0, 0, 0)
    start = profile.budget / profile.voters
    walk = _Add1Walk(profile, start, cardinality)
    k = 0
    stride = 1  # a single point costs one MES run; a stretch of several points one certificate
    streak = 0
    while True:
        if stride > 1:
            walk.certificates += 1
            if certify_stretch_continues(
                profile, start + k, start + k + stride - 1, cardinality=cardinality, paths=_PATHS
            ):
                # No point of the stretch stops Add1: skip it, try a longer one soon.
                k += stride
                streak += 1
                if streak >= _STREAK:
                    stride *= 2
                continue
            streak = 0
            stride //= 2
            continue
        result = walk.run(k)
        if profile.total_cost(result.chosen) > profile.budget:
            assert k > 0, "MES cannot overspend at budget / voters"
            return walk.result(k - 1)
        if is_exhaustive(profile, result.chosen, result.eligible):
            return walk.result(k)
        if walk.runs <= _SAME_ORDER_RUNS:
            # Cheap while the order of selection is stable (most elections end here).
            k = walk.last_same(k, result) + 1
            continue
        k += 1
        streak += 1
        if streak >= _STREAK:
            stride = 2


def add1_while_it_fits(profile: Profile, *, cardinality: bool = False) -> Add1Result:
    """equalshares.net compute tool: start at floor(B/n) and raise the per-voter budget by one unit
    while the next outcome still fits in the budget. Stops once every eligible project is chosen."""
    if profile.voters == 0:
        return Add1Result(run_equal_shares(profile), Fraction(0), 0, 0, 0)
    walk = _Add1Walk(profile, Fraction(math.floor(profile.budget / profile.voters)), cardinality)
    k = 0
    result = walk.run(k)
    while len(set(result.chosen) & result.eligible) < len(result.eligible):
        last = walk.last_same(k, result)
        following = walk.run(last + 1)
        if profile.total_cost(following.chosen) > profile.budget:
            return walk.result(last)
        result, k = following, last + 1
    return walk.result(k)
