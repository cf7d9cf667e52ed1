"""Which statement to show a participant next: a draw weighted by Polis' routing priority."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from itertools import accumulate


def next_statement(
    priorities: Mapping[int, float],
    *,
    already_voted: Collection[int],
    hidden: Collection[int] = frozenset(),
    draw: float,
) -> int | None:
    """The statement whose share of the total priority contains `draw` (uniform in [0, 1)).

    Polis samples in proportion to priority rather than taking the maximum, so that everybody
    does not see the same statement first. The caller supplies the random draw, which keeps
    this function deterministic and testable; None once nothing is left to vote on.
    """
    if not 0.0 <= draw < 1.0:
        raise ValueError("draw must lie in [0, 1)")
    excluded = set(already_voted) | set(hidden)
    candidates = sorted(tid for tid in priorities if tid not in excluded)
    if not candidates:
        return None
    weights = [max(priorities[tid], 0.0) for tid in candidates]
    total = sum(weights)
    if total == 0.0:
        return candidates[int(draw * len(candidates))]
    threshold = draw * total
    for tid, cumulative in zip(candidates, accumulate(weights), strict=True):
        if threshold < cumulative:
            return tid
    return candidates[-1]  # guards against rounding in the cumulative sum
