"""Greedy rules: rank projects by a score and fund them in that order while the money lasts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction

from voting_rules.outcome import Explanation, Reason
from voting_rules.profile import Profile

# Infinite density of a free project, kept exact: it outranks every finite score.
FREE = Fraction(10) ** 60


def greedy(
    profile: Profile,
    score: Callable[[int], Fraction],
    *,
    skip: bool = True,
    threshold: Fraction | None = None,
    already: Iterable[int] = (),
    stage_reason: Reason = "chosen",
) -> tuple[list[int], dict[int, Explanation]]:
    """Fund projects by decreasing ``score`` (ties: tie-breaking order) while they fit.

    ``skip``: a project that does not fit is passed over (otherwise counting stops there).
    ``threshold``: projects scoring below it are never funded. ``already``: projects funded
    before (a completion); their cost is taken off the budget first.
    """
    funded = list(already)
    left = profile.budget - profile.total_cost(funded)
    taken = set(funded)
    order = sorted(
        (j for j in range(profile.project_count) if j not in taken),
        key=lambda j: (-score(j), profile.tie_rank[j]),
    )
    explanations: dict[int, Explanation] = {}
    stopped = False
    for rank, j in enumerate(order, start=1):
        pid = profile.project_ids[j]
        value = score(j)
        shown = None if value == FREE else value
        if threshold is not None and value < threshold:
            explanations[j] = Explanation(
                pid, False, "below threshold", rank, shown, remaining_budget=left
            )
            continue
        if stopped:
            explanations[j] = Explanation(
                pid, False, "after stop", rank, shown, remaining_budget=left
            )
            continue
        if profile.costs[j] <= left:
            explanations[j] = Explanation(
                pid,
                True,
                stage_reason,
                rank,
                shown,
                remaining_budget=left,
            )
            funded.append(j)
            left -= profile.costs[j]
        else:
            explanations[j] = Explanation(
                pid, False, "does not fit", rank, shown, remaining_budget=left
            )
            stopped = not skip
    return funded, explanations


def votes_score(profile: Profile, *, compat: bool) -> Callable[[int], Fraction]:
    """Score for "greedy by votes": the natural score (votes, points, ranking points).

    With ``compat`` this is pabutools' greedy with cost satisfaction: total satisfaction / cost,
    which is the approval count, except that a free project satisfies nobody (score 0).
    """
    if compat:
        return lambda j: Fraction(profile.approvals[j]) if profile.costs[j] > 0 else Fraction(0)
    return lambda j: profile.scores[j]


def votes_per_cost_score(profile: Profile) -> Callable[[int], Fraction]:
    """pabutools' greedy with cardinality satisfaction: approvals / cost; free projects first."""

    def score(j: int) -> Fraction:
        if profile.approvals[j] == 0:
            return Fraction(0)
        if profile.costs[j] == 0:
            return FREE
        return Fraction(profile.approvals[j]) / profile.costs[j]

    return score


def natural_per_cost_score(profile: Profile) -> Callable[[int], Fraction]:
    def score(j: int) -> Fraction:
        if profile.scores[j] <= 0:
            return Fraction(0)
        if profile.costs[j] == 0:
            return FREE
        return profile.scores[j] / profile.costs[j]

    return score
