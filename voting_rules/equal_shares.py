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
* Add1 completion (:mod:`voting_rules.add1`) runs this only where bounds over whole stretches of
  budgets cannot settle the outcome.
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

# New classes put in budget order one by one (bisect and insert); more are merged in one sort.
_INSERT_ONE_BY_ONE = 16


class Ratio:
    """numerator / denominator (> 0), compared exactly with other Ratios and with Fractions.

    Cheaper to make than a Fraction (no gcd); candidates are made by the hundred thousand and
    compared exactly only when their floats tie.
    """

    __slots__ = ("denominator", "numerator")

    def __init__(self, numerator: int, denominator: int) -> None:
        self.numerator = numerator
        self.denominator = denominator

    def __lt__(self, other: Ratio | Fraction) -> bool:
        return self.numerator * other.denominator < other.numerator * self.denominator

    def __gt__(self, other: Ratio | Fraction) -> bool:
        return self.numerator * other.denominator > other.numerator * self.denominator

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ratio | Fraction):
            return NotImplemented
        return self.numerator * other.denominator == other.numerator * self.denominator

    __hash__ = None  # type: ignore[assignment]


# (rho, tie rank, project): the heap order of candidates; smaller wins the round.
# The float comes first only to make heap comparisons cheap: a correctly rounded float is
# monotone, so the order of (float(rho), rho, ...) is exactly the order of (rho, ...).
Candidate = tuple[float, Fraction | Ratio, int, int]


def candidate(rho: Fraction, rank: int, j: int) -> Candidate:
    return (float(rho), rho, rank, j)


def candidate_of_ratio(numerator: int, denominator: int, rank: int, j: int) -> Candidate:
    # int / int is correctly rounded in Python, as float(Fraction) is.
    return (numerator / denominator, Ratio(numerator, denominator), rank, j)


@dataclass(frozen=True)
class ClassBudgets:
    """A project's supporters with money left, by class: (budget x denominator, voters) pairs in
    increasing budget order. Integers, because explanations sum over thousands of classes."""

    denominator: int
    classes: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class RoundRecord:
    winner: int
    rho: Fraction
    alpha: Fraction  # the price paid by supporters who could afford it
    # (amount, number of voters): those who paid all they had, then those who paid alpha.
    payments: tuple[tuple[Fraction, int], ...]
    # Observed projects only (explanations): the supporters' budgets at the start of the round.
    budgets: dict[int, ClassBudgets] = field(default_factory=dict)


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
        created: list[int] = []
        for c in classes[poor:]:
            value = values[c] - alpha
            if value == 0:
                mapping[c] = 0
                continue
            new = len(values)
            values.append(value)
            created.append(new)
            mapping[c] = new
        # Classes stay sorted by budget, so that a project's supporters are put in budget order
        # by sorting integer positions (numpy) instead of comparing big integers. The new
        # classes come in budget order (the payers were), so this is a merge of two sorted runs.
        if len(created) > _INSERT_ONE_BY_ONE:
            self.by_value = sorted(self.by_value + created, key=key)
        else:
            for new in created:
                self.by_value.insert(bisect.bisect_left(self.by_value, values[new], key=key), new)
        supporters = self.profile.supporters[j]
        self.classes[supporters] = mapping[self.classes[supporters]]
        position = np.empty(len(self.by_value), dtype=np.int64)
        position[np.array(self.by_value, dtype=np.int64)] = np.arange(len(self.by_value))
        self.position = position
        if detailed and paying:
            payments.append((self.money(alpha), paying))
        return self.money(alpha), tuple(payments)

    def budgets_of(self, j: int) -> ClassBudgets:
        classes, sizes = self.supporters_by_class(j)
        values = self.values
        return ClassBudgets(
            self.denominator, tuple((values[c], n) for c, n in zip(classes, sizes, strict=True))
        )


def _utility(profile: Profile, j: int, cardinality: bool) -> Fraction:
    return Fraction(1) if cardinality else profile.costs[j]


def eligible_projects(profile: Profile, cardinality: bool) -> list[int]:
    return [
        j
        for j in range(profile.project_count)
        if profile.approvals[j] > 0 and _utility(profile, j, cardinality) > 0
    ]


def initial_heap(profile: Profile, candidates: Iterable[int], cardinality: bool) -> list[Candidate]:
    # Everyone still has money at the start, so cost / (supporters * utility) is a lower bound.
    heap = [
        candidate(
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
    eligible = eligible_projects(profile, cardinality)
    # Free supported projects cost nobody anything: selected up front (as pabutools does).
    chosen = [j for j in eligible if profile.costs[j] == 0]
    heap = initial_heap(profile, (j for j in eligible if profile.costs[j] > 0), cardinality)
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
            current = candidate(budgets.rho(j, priced[0], priced[1]), stale[2], j)
            evaluated.append(current)
            if best is None or current < best:
                best, best_price = current, (classes, sizes, *priced)
        if best is None or best_price is None:
            break
        for entry in evaluated:
            if entry is not best:
                heapq.heappush(heap, entry)
        rho = budgets.rho(best[3], best_price[2], best_price[3])
        alpha, payments = budgets.pay(best[3], *best_price, detailed=detailed)
        rounds.append(RoundRecord(best[3], rho, alpha, payments, snapshot))
        chosen.append(best[3])
    return RunResult(t, tuple(chosen), tuple(rounds), frozenset(eligible))


def is_exhaustive(profile: Profile, chosen: Iterable[int], among: Iterable[int]) -> bool:
    chosen_set = set(chosen)
    left = profile.budget - profile.total_cost(chosen_set)
    return all(profile.costs[j] > left for j in among if j not in chosen_set)
