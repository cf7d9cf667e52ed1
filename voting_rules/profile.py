"""The election compiled for counting: project indices, merged identical ballots, scores.

Identical ballots are merged into one weighted ballot (pabutools' ``as_multiprofile``): every rule
here is anonymous, so only the multiset of ballots matters, and counting gets cheaper.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt

from voting_rules.election import Election

TieBreaking = Literal["id", "equalshares"]
TIE_BREAKINGS: tuple[TieBreaking, ...] = ("id", "equalshares")

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Profile:
    project_ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    budget: Fraction
    # Distinct ballots as sorted tuples of project indices ("approved" sets), with multiplicities.
    approval_sets: tuple[tuple[int, ...], ...]
    weights: IntArray
    # supporters[j]: indices (into approval_sets) of the ballots approving project j.
    supporters: tuple[IntArray, ...]
    # weights[supporters[j]] as floats for numpy.bincount (exact: counts are far below 2**53).
    supporter_weights: tuple[npt.NDArray[np.float64], ...]
    approvals: tuple[int, ...]
    # The natural score of each project for greedy rules (votes, points or ranking points).
    scores: tuple[Fraction, ...]
    voters: int
    # Position of each project in the tie-breaking order (lower wins a tie).
    tie_rank: tuple[int, ...]

    @property
    def project_count(self) -> int:
        return len(self.project_ids)

    def total_cost(self, chosen: Sequence[int] | frozenset[int] | set[int]) -> Fraction:
        return sum((self.costs[j] for j in chosen), Fraction(0))

    def ids(self, chosen: Sequence[int] | frozenset[int] | set[int]) -> list[str]:
        return sorted(self.project_ids[j] for j in chosen)


def ordinal_points(rank: int, max_length: int) -> int:
    """Kraków's ordinal scoring: with up to ``max_length`` ranks, rank 0 earns max_length points
    (3/2/1 for three ranks)."""
    return max_length - rank


def compile_profile(
    election: Election,
    *,
    compat: bool = False,
    tie_breaking: TieBreaking = "id",
    lot_seed: int | None = None,
) -> Profile:
    """``compat``: a listed project counts as approved; scores are approval counts (pabutools)."""
    project_ids = tuple(election.projects)
    index = {pid: j for j, pid in enumerate(project_ids)}
    costs = tuple(election.projects[pid].cost for pid in project_ids)
    merged: Counter[tuple[int, ...]] = Counter()
    # Sums start as ints and stay ints while the points are whole (far cheaper than fractions).
    totals: list[int | Fraction] = [0] * len(project_ids)
    vote_type = election.vote_type
    by_approval = compat or vote_type in ("approval", "choose-1")
    max_length = int(election.meta.get("max_length", "0") or 0)
    for ballot in election.ballots:
        chosen = [index[pid] for pid in ballot.projects]
        merged[tuple(sorted(chosen))] += 1
        if by_approval:
            continue
        if vote_type == "ordinal":
            length = max_length or len(chosen)
            for rank, j in enumerate(chosen):
                totals[j] += ordinal_points(rank, length)
        else:
            for j, points in zip(chosen, ballot.points, strict=True):
                totals[j] += points.numerator if points.denominator == 1 else points
    approval_sets = tuple(merged)
    weights = np.fromiter(merged.values(), dtype=np.int64, count=len(merged))
    members: list[list[int]] = [[] for _ in project_ids]
    for v, approved in enumerate(approval_sets):
        for j in approved:
            members[j].append(v)
    supporters = tuple(np.array(m, dtype=np.int64) for m in members)
    supporter_weights = tuple(weights[s].astype(np.float64) for s in supporters)
    approvals = tuple(int(weights[s].sum()) for s in supporters)
    scores = tuple(
        Fraction(a if by_approval else t) for a, t in zip(approvals, totals, strict=True)
    )
    order = _tie_order(project_ids, costs, approvals, tie_breaking, lot_seed)
    tie_rank = [0] * len(project_ids)
    for position, j in enumerate(order):
        tie_rank[j] = position
    return Profile(
        project_ids=project_ids,
        costs=costs,
        budget=election.budget,
        approval_sets=approval_sets,
        weights=weights,
        supporters=supporters,
        supporter_weights=supporter_weights,
        approvals=approvals,
        scores=scores,
        voters=len(election.ballots),
        tie_rank=tuple(tie_rank),
    )


def _tie_order(
    project_ids: tuple[str, ...],
    costs: tuple[Fraction, ...],
    approvals: tuple[int, ...],
    tie_breaking: TieBreaking,
    lot_seed: int | None,
) -> list[int]:
    indices = list(range(len(project_ids)))

    # pabutools' default: plain string order of ids ("10" < "9").
    def by_id(j: int) -> str:
        return project_ids[j]

    if tie_breaking == "id":
        return sorted(indices, key=by_id)
    # equalshares.net: lowest cost, then most votes, then a lot drawn before counting. Without a
    # seed the "lot" is the id order, so that results are reproducible.
    lot = sorted(indices, key=by_id)
    if lot_seed is not None:
        random.Random(lot_seed).shuffle(lot)
    lot_position = {j: p for p, j in enumerate(lot)}
    return sorted(indices, key=lambda j: (costs[j], -approvals[j], lot_position[j]))
