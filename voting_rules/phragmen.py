"""Sequential Phragmén for participatory budgeting; like pabutools, it stops at the first pick
that does not fit.

Voters earn money continuously; a project is bought as soon as its supporters together hold its
cost, and buying it empties their pockets. Equivalently, each round picks the project minimising
the new maximal *load* ``(sum of supporters' loads + cost) / supporters``. All supporters of the
project then carry that same load, so a voter's load is the load of the last project bought
among those they approve: voters are grouped by that project.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from voting_rules.outcome import Explanation
from voting_rules.profile import Profile


def sequential_phragmen(profile: Profile) -> tuple[list[int], dict[int, Explanation]]:
    # group[v]: 0 if ballot v has no chosen project yet, else 1 + index in `loads`.
    group = np.zeros(len(profile.approval_sets), dtype=np.int64)
    loads: list[Fraction] = [Fraction(0)]
    spent = Fraction(0)
    chosen: list[int] = []
    explanations: dict[int, Explanation] = {}
    remaining = [j for j in range(profile.project_count) if profile.costs[j] <= profile.budget]
    while remaining:
        best: Fraction | None = None
        tied: list[int] = []
        for j in remaining:
            if profile.approvals[j] == 0:
                continue
            supporters = profile.supporters[j]
            counts = np.bincount(group[supporters], weights=profile.weights[supporters])
            carried = sum(
                (loads[g] * int(counts[g]) for g in np.flatnonzero(counts).tolist()), Fraction(0)
            )
            load = (carried + profile.costs[j]) / profile.approvals[j]
            if best is None or load < best:
                best, tied = load, [j]
            elif load == best:
                tied.append(j)
        if best is None:  # only unsupported projects left: their load is infinite
            tied = list(remaining)
        if any(spent + profile.costs[j] > profile.budget for j in tied):
            break
        winner = min(tied, key=lambda j: profile.tie_rank[j])
        if best is not None:
            loads.append(best)
            group[profile.supporters[winner]] = len(loads) - 1
        chosen.append(winner)
        spent += profile.costs[winner]
        remaining.remove(winner)
        explanations[winner] = Explanation(
            profile.project_ids[winner], True, "chosen", len(chosen), best
        )
    for j in range(profile.project_count):
        if j not in explanations:
            reason = "no supporters" if profile.approvals[j] == 0 else "after stop"
            explanations[j] = Explanation(profile.project_ids[j], False, reason)  # type: ignore[arg-type]
    return chosen, explanations
