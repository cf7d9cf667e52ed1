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
  not need one run per unit; see :func:`certify_same_outcome`.
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
            if value == 0:
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
    walk = _Add1Walk(profile, profile.budget / profile.voters, cardinality)
    k = 0
    result = walk.run(k)
    previous: tuple[RunResult, int] | None = None
    while True:
        if profile.total_cost(result.chosen) > profile.budget:
            assert previous is not None, "MES cannot overspend at budget / voters"
            return walk.result(previous[1])
        if is_exhaustive(profile, result.chosen, result.eligible):
            return walk.result(k)
        # Every point up to `last` has this same (non-exhaustive, feasible) outcome.
        last = walk.last_same(k, result)
        previous = (result, last)
        k = last + 1
        result = walk.run(k)


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
