"""The rules by name: ``tally(election, "mes-add1-greedy")`` and friends."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from voting_rules.add1 import add1_equalshares_tool, add1_first_exhaustive
from voting_rules.election import Election, format_decimal, parse_decimal
from voting_rules.equal_shares import ClassBudgets, RunResult, run_equal_shares
from voting_rules.greedy import (
    greedy,
    natural_per_cost_score,
    votes_per_cost_score,
    votes_score,
)
from voting_rules.outcome import Explanation, Outcome, Payment
from voting_rules.phragmen import sequential_phragmen
from voting_rules.profile import Profile, TieBreaking, compile_profile

RULES: dict[str, str] = {
    "mes": "Method of Equal Shares, cost satisfaction, no completion",
    "mes-cardinality": "Method of Equal Shares, cardinality satisfaction, no completion",
    "mes-add1": "equal shares + Add1 as pabutools: from B/n, stop at the first exhaustive outcome",
    "mes-add1-greedy": "mes-add1, then greedy by votes with the money left (as pabutools combines)",
    "equalshares": "the equalshares.net compute tool: Add1 from floor(B/n) to the first exhaustive "
    "outcome or while the next fits, greedy completion, comparison with greedy",
    "greedy": "greedy by votes (points, ranking points), skipping what does not fit",
    "greedy-no-skip": "greedy by votes, stopping at the first project that does not fit",
    "greedy-threshold": "greedy by votes among projects scoring at least the threshold "
    "(META min_project_score_threshold)",
    "greedy-cost": "greedy by votes per cost",
    "phragmen": "sequential Phragmén",
}


# How the `equalshares` rule's comparison step measures which outcome a voter prefers (the
# compute tool's options), or "none" to skip the step.
Comparison = Literal["satisfaction", "exclusion-ratio", "none"]
COMPARISONS: tuple[Comparison, ...] = ("satisfaction", "exclusion-ratio", "none")

Completion = Literal["none", "utilitarian", "add1", "add1u"]
COMPLETIONS: tuple[Completion, ...] = ("none", "utilitarian", "add1", "add1u")


class UnknownRule(ValueError):
    pass


@dataclass(frozen=True)
class Options:
    compat: bool = False
    tie_breaking: TieBreaking | None = None
    lot_seed: int | None = None
    threshold: Fraction | None = None
    explain: bool = False  # full explanations of projects equal shares did not choose
    comparison: Comparison = "satisfaction"  # the `equalshares` rule's comparison step
    # The `equalshares` rule's completion (the compute tool's names): "none" (equal shares at
    # B/n), "utilitarian" (then greedy by votes with the money left), "add1" (Add1 alone) or
    # "add1u" (Add1, then greedy: the tool's default); and Add1's options.
    completion: Completion = "add1u"
    add1_exhaustive: bool = True
    add1_integral: bool = True


def tally(election: Election, rule: str, options: Options | None = None) -> Outcome:
    options = options or Options()
    if rule not in RULES:
        raise UnknownRule(f"unknown rule {rule!r}; known: {', '.join(RULES)}")
    tie = options.tie_breaking or ("id" if options.compat else "equalshares")
    profile = compile_profile(
        election, compat=options.compat, tie_breaking=tie, lot_seed=options.lot_seed
    )
    chosen, explanations, details = _COUNTERS[rule](profile, election, options)
    ids = profile.project_ids
    return Outcome(
        rule=rule,
        winners=tuple(sorted(ids[j] for j in chosen)),
        selection_order=tuple(ids[j] for j in chosen),
        cost=profile.total_cost(chosen),
        budget=profile.budget,
        explanations={ids[j]: e for j, e in sorted(explanations.items())},
        details=details,
    )


Counted = tuple[list[int], dict[int, Explanation], dict[str, str]]


def _mes(cardinality: bool) -> Callable[[Profile, Election, Options], Counted]:
    def count(profile: Profile, election: Election, options: Options) -> Counted:
        run = run_equal_shares(profile, cardinality=cardinality)
        explanations = explain_equal_shares(
            profile, run, cardinality=cardinality, full=options.explain
        )
        return list(run.chosen), explanations, {"per_voter_budget": _money(run.per_voter_budget)}

    return count


def _mes_add1(completion: bool) -> Callable[[Profile, Election, Options], Counted]:
    def count(profile: Profile, election: Election, options: Options) -> Counted:
        result = add1_first_exhaustive(profile)
        explanations = explain_equal_shares(
            profile, result.run, cardinality=False, full=options.explain
        )
        chosen = list(result.run.chosen)
        if completion:
            chosen, explanations = _complete(profile, chosen, explanations, compat=True)
        details = {
            "per_voter_budget": _money(result.run.per_voter_budget),
            "add1_steps": str(result.steps),
            "mes_runs": str(result.runs),
            "certificates": str(result.certificates),
        }
        return chosen, explanations, details

    return count


def _equalshares(profile: Profile, election: Election, options: Options) -> Counted:
    if options.completion in ("add1", "add1u"):
        result = add1_equalshares_tool(
            profile, exhaustive=options.add1_exhaustive, integral=options.add1_integral
        )
        run = result.run
        details = {
            "per_voter_budget": _money(run.per_voter_budget),
            "add1_steps": str(result.steps),
            "mes_runs": str(result.runs),
            "certificates": str(result.certificates),
        }
    else:
        run = run_equal_shares(profile)
        details = {"per_voter_budget": _money(run.per_voter_budget), "mes_runs": "1"}
    details["completion"] = options.completion
    explanations = explain_equal_shares(profile, run, cardinality=False, full=options.explain)
    chosen = list(run.chosen)
    if options.completion in ("utilitarian", "add1u"):
        chosen, explanations = _complete(profile, chosen, explanations, compat=False)
    if options.comparison == "none":
        return chosen, explanations, details
    # Comparison step (the compute tool's): keep equal shares unless more voters prefer the
    # outcome of greedy by votes.
    alternative, alternative_explanations = greedy(profile, votes_score(profile, compat=False))
    prefer_mes, prefer_greedy = _preferences(
        profile, set(chosen), set(alternative), options.comparison
    )
    details["comparison_measure"] = options.comparison
    details["voters_preferring_equal_shares"] = str(prefer_mes)
    details["voters_preferring_greedy"] = str(prefer_greedy)
    if prefer_greedy > prefer_mes:
        details["comparison"] = "greedy"
        return alternative, alternative_explanations, details
    details["comparison"] = "equal shares"
    return chosen, explanations, details


def _preferences(
    profile: Profile, first: set[int], second: set[int], measure: Comparison
) -> tuple[int, int]:
    """Voters preferring each outcome. "satisfaction": more approved projects in it;
    "exclusion-ratio": at least one approved project in it and none in the other."""
    prefer_first = prefer_second = 0
    for approved, weight in zip(profile.approval_sets, profile.weights.tolist(), strict=True):
        a = sum(1 for j in approved if j in first)
        b = sum(1 for j in approved if j in second)
        if measure == "exclusion-ratio":
            a, b = min(a, 1), min(b, 1)
        if a > b:
            prefer_first += weight
        elif b > a:
            prefer_second += weight
    return prefer_first, prefer_second


def _complete(
    profile: Profile, chosen: list[int], explanations: dict[int, Explanation], *, compat: bool
) -> tuple[list[int], dict[int, Explanation]]:
    """Utilitarian completion: greedy by votes with what equal shares left unspent."""
    funded, greedy_explanations = greedy(
        profile, votes_score(profile, compat=compat), already=chosen, stage_reason="completion"
    )
    merged = dict(explanations)
    for j in funded[len(chosen) :]:
        merged[j] = greedy_explanations[j]
    return funded, merged


def _greedy_rule(kind: str) -> Callable[[Profile, Election, Options], Counted]:
    def count(profile: Profile, election: Election, options: Options) -> Counted:
        details: dict[str, str] = {}
        threshold = None
        if kind == "cost":
            score = (
                votes_per_cost_score(profile) if options.compat else natural_per_cost_score(profile)
            )
        else:
            score = votes_score(profile, compat=options.compat)
        if kind == "threshold":
            threshold = options.threshold
            if threshold is None:
                threshold = parse_decimal(election.meta.get("min_project_score_threshold", "0"))
            details["threshold"] = _money(threshold)
        chosen, explanations = greedy(profile, score, skip=kind != "no-skip", threshold=threshold)
        return chosen, explanations, details

    return count


def _phragmen(profile: Profile, election: Election, options: Options) -> Counted:
    chosen, explanations = sequential_phragmen(profile)
    return chosen, explanations, {}


_COUNTERS: dict[str, Callable[[Profile, Election, Options], Counted]] = {
    "mes": _mes(False),
    "mes-cardinality": _mes(True),
    "mes-add1": _mes_add1(False),
    "mes-add1-greedy": _mes_add1(True),
    "equalshares": _equalshares,
    "greedy": _greedy_rule("votes"),
    "greedy-no-skip": _greedy_rule("no-skip"),
    "greedy-threshold": _greedy_rule("threshold"),
    "greedy-cost": _greedy_rule("cost"),
    "phragmen": _phragmen,
}


def _money(value: Fraction) -> str:
    try:
        return format_decimal(value)
    except ValueError:
        return str(value)


# -- explanations of equal shares --------------------------------------------------------------


def explain_equal_shares(
    profile: Profile, run: RunResult, *, cardinality: bool, full: bool
) -> dict[int, Explanation]:
    """Chosen projects: round, effective votes, payments. With ``full``, projects not chosen get
    their best round and the shortfall there (one extra run that watches every project)."""
    explanations: dict[int, Explanation] = {}
    offset = len(run.chosen) - len(run.rounds)
    for j in run.chosen[:offset]:
        explanations[j] = Explanation(profile.project_ids[j], True, "chosen", 0)
    for number, record in enumerate(run.rounds, start=1):
        j = record.winner
        explanations[j] = Explanation(
            profile.project_ids[j],
            True,
            "chosen",
            number,
            effective_votes=profile.costs[j] / record.alpha,
            payments=tuple(Payment(amount, voters) for amount, voters in record.payments),
        )
    others = [j for j in range(profile.project_count) if j not in explanations]
    if not full:
        for j in others:
            reason = "no supporters" if profile.approvals[j] == 0 else "outbid"
            explanations[j] = Explanation(profile.project_ids[j], False, reason)  # type: ignore[arg-type]
        return explanations
    watched = run_equal_shares(
        profile,
        cardinality=cardinality,
        per_voter_budget=run.per_voter_budget,
        observe=[j for j in others if j in run.eligible],
    )
    for j in others:
        explanations[j] = _explain_missed(profile, j, watched, cardinality)
    return explanations


def _explain_missed(profile: Profile, j: int, run: RunResult, cardinality: bool) -> Explanation:
    pid = profile.project_ids[j]
    if profile.approvals[j] == 0:
        return Explanation(pid, False, "no supporters")
    cost = profile.costs[j]
    # The round where the supporters could raise the largest share of the cost at the price
    # that won that round: the round in which the project came closest.
    best: tuple[Fraction, Explanation] | None = None
    for number, record in enumerate(run.rounds, start=1):
        budgets = record.budgets.get(j)
        if budgets is None:
            continue
        utility = Fraction(1) if cardinality else cost
        cap = record.rho * utility  # the highest price per supporter that still wins the round
        raised = _raised(budgets, cap)
        closeness = raised / cost if cost else Fraction(1)
        price = _price(budgets, cost)
        fresh = min(run.per_voter_budget, cap)
        needed = 0 if raised >= cost else math.ceil((cost - raised) / fresh) if fresh else None
        explanation = Explanation(
            pid,
            False,
            "outbid" if price is not None else "unaffordable",
            number,
            effective_votes=cost / price if price else None,
            more_supporters_needed=needed,
            winning_cost=_winning_cost(budgets, record.rho, cardinality),
            round_winner=profile.project_ids[record.winner],
        )
        if best is None or closeness > best[0]:
            best = (closeness, explanation)
    if best is None:
        return Explanation(pid, False, "unaffordable")
    return best[1]


# The helpers below work on a project's supporters by budget class, in increasing budget order,
# with budgets as integers over one denominator: there can be thousands of classes per round and
# project, and fractions there made explanations take seconds.


def _raised(budgets: ClassBudgets, cap: Fraction) -> Fraction:
    """What the supporters can put in at a price of at most ``cap`` each: sum of min(b, cap)."""
    scaled = cap * budgets.denominator
    top, bottom = scaled.numerator, scaled.denominator
    below = 0  # money of the supporters with less than cap (times the denominator)
    capped = 0  # supporters with at least cap
    for value, voters in budgets.classes:
        if value * bottom < top:
            below += value * voters
        else:
            capped += voters
    return Fraction(below, budgets.denominator) + cap * capped


def _price(budgets: ClassBudgets, cost: Fraction) -> Fraction | None:
    """The equal-shares price of ``cost`` for these supporters, or None if they cannot pay it."""
    scaled = cost * budgets.denominator
    top, bottom = scaled.numerator, scaled.denominator
    if sum(value * voters for value, voters in budgets.classes) * bottom < top:
        return None
    spent, paying = 0, sum(voters for _, voters in budgets.classes)
    for value, voters in budgets.classes:
        # remaining <= budget * paying, with remaining = cost - spent (all times the denominator)
        if top - bottom * spent <= bottom * value * paying:
            return Fraction(top - bottom * spent, bottom * paying * budgets.denominator)
        spent += value * voters
        paying -= voters
    return None


def _winning_cost(budgets: ClassBudgets, rho: Fraction, cardinality: bool) -> Fraction:
    """The highest cost at which the project would have won the round (ties aside)."""
    if cardinality:
        return _raised(budgets, rho)
    # Cost utility: the price per supporter may reach rho * c, so find the largest c with
    # sum min(b, rho * c) >= c. The left side is concave and piecewise linear in c. In integers:
    # rho = p / q, a budget b = value / d, settled = spent / d.
    p, q, d = rho.numerator, rho.denominator, budgets.denominator
    paying = sum(voters for _, voters in budgets.classes)
    spent = 0  # money of supporters whose whole budget is below rho * c, times d
    for value, voters in budgets.classes:
        # On the piece where `paying` supporters pay rho * c, up to where rho * c reaches b:
        # settled + (paying * rho - 1) * b / rho < 0 means the largest c lies on this piece.
        if paying * p < q and spent * p + (paying * p - q) * value < 0:
            return Fraction(spent * q, d * (q - paying * p))
        spent += value * voters
        paying -= voters
    return Fraction(spent, d)
