"""What a valid ballot is, for each kind of ballot a city can choose. Plain Python.

The vote page shows the same figures as it goes (``ballot_summary``), and the service refuses a
ballot with the problems ``ballot_problems`` lists, so what the screen promised and what the
server accepts cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

APPROVAL = "approval"
KNAPSACK = "knapsack"
CUMULATIVE = "cumulative"
KINDS = (APPROVAL, KNAPSACK, CUMULATIVE)


@dataclass(frozen=True)
class BallotRules:
    kind: str
    budget: int  # the pot, whole currency units
    min_projects: int = 0
    max_projects: int | None = None
    max_points: int | None = None  # cumulative: points in all
    max_points_per_project: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of ballot: {self.kind!r}")
        if self.min_projects < 0 or (
            self.max_projects is not None and self.max_projects < max(self.min_projects, 1)
        ):
            raise ValueError("the number of projects needs 0 <= minimum <= maximum, maximum >= 1")
        if self.kind == CUMULATIVE and not self.max_points:
            raise ValueError("a points ballot needs the number of points to give")


@dataclass(frozen=True)
class Problem:
    code: str
    values: dict[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    projects: int
    cost: int
    money_left: int
    points: int
    points_left: int | None
    more_projects_allowed: bool


def _points(choices: Sequence[tuple[str, int]]) -> int:
    return sum(points for _project, points in choices)


def ballot_summary(
    rules: BallotRules, choices: Sequence[tuple[str, int]], costs: Mapping[str, int]
) -> Summary:
    cost = sum(costs.get(project, 0) for project, _points in choices)
    points = _points(choices)
    return Summary(
        projects=len(choices),
        cost=cost,
        money_left=rules.budget - cost,
        points=points,
        points_left=(rules.max_points - points) if rules.max_points is not None else None,
        more_projects_allowed=rules.max_projects is None or len(choices) < rules.max_projects,
    )


def ballot_problems(
    rules: BallotRules, choices: Sequence[tuple[str, int]], costs: Mapping[str, int]
) -> list[Problem]:
    """Everything wrong with a ballot; empty when it may be cast.

    ``costs`` holds the projects on this pot's ballot; anything else is refused by name."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for project, points in choices:
        if project not in costs:
            problems.append(Problem("not_on_ballot", {"project": project}))
        if project in seen:
            problems.append(Problem("twice", {"project": project}))
        seen.add(project)
        if rules.kind == CUMULATIVE:
            if points < 1:
                problems.append(Problem("points_not_positive", {"project": project}))
            elif rules.max_points_per_project is not None and points > rules.max_points_per_project:
                problems.append(
                    Problem(
                        "too_many_points_for_project",
                        {"project": project, "max": rules.max_points_per_project},
                    )
                )
        elif points != 1:
            problems.append(Problem("points_not_allowed", {"project": project}))
    if problems:
        return problems
    if not choices:
        return [Problem("empty")]
    if len(choices) < rules.min_projects:
        problems.append(Problem("too_few", {"min": rules.min_projects}))
    if rules.max_projects is not None and len(choices) > rules.max_projects:
        problems.append(Problem("too_many", {"max": rules.max_projects}))
    summary = ballot_summary(rules, choices, costs)
    if rules.kind == KNAPSACK and summary.cost > rules.budget:
        problems.append(Problem("over_budget", {"cost": summary.cost, "budget": rules.budget}))
    if (
        rules.kind == CUMULATIVE
        and rules.max_points is not None
        and summary.points > rules.max_points
    ):
        problems.append(
            Problem("too_many_points", {"points": summary.points, "max": rules.max_points})
        )
    return problems
