"""What a rule returns: the selected projects and, per project, the facts that explain it."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

Reason = Literal[
    "chosen",  # equal shares / Phragmén round, or greedy pick
    "completion",  # added by the greedy completion after equal shares
    "outbid",  # equal shares: other projects were always cheaper per supporter
    "unaffordable",  # equal shares: its supporters never had enough money left
    "does not fit",  # greedy: reached when less budget remained than it costs
    "after stop",  # greedy-no-skip / Phragmén: counting had stopped before it
    "below threshold",  # greedy-threshold: score under the minimum
    "no supporters",
]


@dataclass(frozen=True)
class Payment:
    amount: Fraction
    voters: int


@dataclass(frozen=True)
class Explanation:
    project_id: str
    selected: bool
    reason: Reason
    # Equal shares / Phragmén: the round (1-based) it was chosen in, or its best round if not.
    # Greedy: its rank in the order of scores.
    round: int | None = None
    score: Fraction | None = None
    # Equal shares: cost divided by the largest single payment (supporters paying equally).
    effective_votes: Fraction | None = None
    payments: tuple[Payment, ...] = ()
    # Greedy: the budget left when the project was reached (before paying for it).
    remaining_budget: Fraction | None = None
    # Equal shares, projects not chosen, in their best round: how many more supporters with a
    # full voter budget, or which highest cost, would have made it win that round.
    more_supporters_needed: int | None = None
    winning_cost: Fraction | None = None
    # The project that won the round this explanation refers to (when it was not this one).
    round_winner: str | None = None


@dataclass(frozen=True)
class Outcome:
    rule: str
    winners: tuple[str, ...]  # sorted by id
    selection_order: tuple[str, ...]
    cost: Fraction
    budget: Fraction
    explanations: dict[str, Explanation] = field(default_factory=dict)
    # Rule-specific facts: Add1 per-voter budget and number of runs, comparison votes, ...
    details: dict[str, str] = field(default_factory=dict)
