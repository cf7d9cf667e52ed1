import pytest
from hypothesis import given
from hypothesis import strategies as st

from quartier.budgeting.ballots import (
    APPROVAL,
    CUMULATIVE,
    KNAPSACK,
    BallotRules,
    ballot_problems,
    ballot_summary,
)

COSTS = {"p1": 40_000, "p2": 30_000, "p3": 50_000, "p4": 10_000}


def codes(rules, choices):
    return [problem.code for problem in ballot_problems(rules, choices, COSTS)]


def test_an_approval_ballot_within_its_limits_is_valid():
    rules = BallotRules(kind=APPROVAL, budget=100_000, min_projects=1, max_projects=3)
    assert codes(rules, [("p1", 1), ("p3", 1)]) == []
    assert codes(rules, [("p1", 1), ("p2", 1), ("p3", 1), ("p4", 1)]) == ["too_many"]
    assert codes(rules, []) == ["empty"]
    two_at_least = BallotRules(kind=APPROVAL, budget=100_000, min_projects=2)
    assert codes(two_at_least, [("p1", 1)]) == ["too_few"]


def test_a_knapsack_ballot_must_fit_into_the_pot():
    rules = BallotRules(kind=KNAPSACK, budget=100_000)
    assert codes(rules, [("p1", 1), ("p2", 1), ("p4", 1)]) == []  # 80,000
    assert codes(rules, [("p1", 1), ("p2", 1), ("p3", 1)]) == ["over_budget"]  # 120,000
    summary = ballot_summary(rules, [("p1", 1), ("p2", 1)], COSTS)
    assert (summary.cost, summary.money_left) == (70_000, 30_000)


def test_a_points_ballot_respects_the_total_and_the_maximum_per_project():
    rules = BallotRules(kind=CUMULATIVE, budget=1, max_points=10, max_points_per_project=5)
    assert codes(rules, [("p1", 5), ("p2", 5)]) == []
    assert codes(rules, [("p1", 6), ("p2", 1)]) == ["too_many_points_for_project"]
    assert codes(rules, [("p1", 5), ("p2", 5), ("p3", 1)]) == ["too_many_points"]
    assert codes(rules, [("p1", 0)]) == ["points_not_positive"]
    assert ballot_summary(rules, [("p1", 3)], COSTS).points_left == 7


def test_projects_from_elsewhere_twice_or_with_points_are_refused_by_name():
    rules = BallotRules(kind=APPROVAL, budget=100_000)
    problems = ballot_problems(rules, [("p1", 1), ("other-pot", 1), ("p1", 1)], COSTS)
    assert [(p.code, p.values.get("project")) for p in problems] == [
        ("not_on_ballot", "other-pot"),
        ("twice", "p1"),
    ]
    assert codes(rules, [("p1", 2)]) == ["points_not_allowed"]


@pytest.mark.parametrize(
    "settings",
    [
        {"kind": "ranked", "budget": 1},
        {"kind": APPROVAL, "budget": 1, "min_projects": 3, "max_projects": 2},
        {"kind": APPROVAL, "budget": 1, "max_projects": 0},
        {"kind": CUMULATIVE, "budget": 1},
    ],
)
def test_rules_that_make_no_sense_are_refused(settings):
    with pytest.raises(ValueError):
        BallotRules(**settings)


@given(st.lists(st.sampled_from(sorted(COSTS)), unique=True))
def test_a_knapsack_ballot_is_valid_exactly_when_it_fits(chosen):
    rules = BallotRules(kind=KNAPSACK, budget=80_000)
    choices = [(project, 1) for project in chosen]
    fits = sum(COSTS[p] for p in chosen) <= 80_000
    assert (codes(rules, choices) == []) == (bool(chosen) and fits)
