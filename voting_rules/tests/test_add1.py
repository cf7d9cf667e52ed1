"""Add1's search over stretches of budgets against plain unit stepping on random small elections.

Every stretch the search accepts ("continues") or rejects ("stops") is checked point by point with
exact MES runs; Add1 as a whole is compared with one MES run per unit, for both variants.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_rules import add1
from voting_rules.add1 import _StretchSearch, add1_equalshares_tool, add1_first_exhaustive
from voting_rules.election import Ballot, Election, Project
from voting_rules.equal_shares import eligible_projects, is_exhaustive, run_equal_shares
from voting_rules.profile import Profile, compile_profile

FEW = settings(max_examples=150, deadline=None)


@st.composite
def elections(draw: st.DrawFn) -> Election:
    """Costs large against the budget per voter, so that Add1 takes many unit steps."""
    count = draw(st.integers(3, 8))
    ids = [f"p{j}" for j in range(count)]
    costs = draw(st.lists(st.integers(20, 400), min_size=count, max_size=count))
    budget = draw(st.integers(100, 1000))
    voters = draw(st.integers(3, 12))
    ballots = tuple(
        Ballot(f"v{i}", tuple(sorted(draw(st.sets(st.sampled_from(ids), min_size=1, max_size=3)))))
        for i in range(voters)
    )
    return Election(
        meta={"budget": str(budget), "vote_type": "approval"},
        projects={pid: Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True)},
        ballots=ballots,
    )


def _pabutools_stops(profile: Profile, cardinality: bool) -> Callable[[frozenset[int]], bool]:
    among = frozenset(eligible_projects(profile, cardinality))
    return lambda chosen: (
        profile.total_cost(chosen) > profile.budget or is_exhaustive(profile, chosen, among)
    )


def _tool_stops(profile: Profile, cardinality: bool) -> Callable[[frozenset[int]], bool]:
    """The compute tool: exhaustive among all projects, even those nobody voted for (and,
    where the tool would loop forever, every project equal shares can buy chosen)."""
    eligible = frozenset(eligible_projects(profile, cardinality))
    everything = range(profile.project_count)
    return lambda chosen: (
        profile.total_cost(chosen) > profile.budget
        or eligible <= chosen
        or is_exhaustive(profile, chosen, everything)
    )


def _stepping(
    profile: Profile, start: Fraction, stops: Callable[[frozenset[int]], bool], cardinality: bool
) -> tuple[int, tuple[int, ...]]:
    """Add1 by definition: one MES run per unit; the last outcome that fits."""
    for k in range(100_000):
        run = run_equal_shares(
            profile, per_voter_budget=start + k, cardinality=cardinality, detailed=False
        )
        if stops(frozenset(run.chosen)):
            if profile.total_cost(run.chosen) > profile.budget:
                previous = run_equal_shares(
                    profile, per_voter_budget=start + k - 1, cardinality=cardinality
                )
                return k - 1, previous.chosen
            return k, run.chosen
    raise AssertionError("Add1 did not stop")


@FEW
@given(elections(), st.booleans(), st.sampled_from([1, 2, 4]))
def test_pabutools_add1_agrees_with_unit_stepping(
    election: Election, cardinality: bool, paths: int
) -> None:
    profile = compile_profile(election, compat=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(add1, "_PATHS", paths)
        result = add1_first_exhaustive(profile, cardinality=cardinality)
    expected = _stepping(
        profile,
        profile.budget / profile.voters,
        _pabutools_stops(profile, cardinality),
        cardinality,
    )
    assert (result.steps, result.run.chosen) == expected


@FEW
@given(elections(), st.booleans())
def test_compute_tool_add1_agrees_with_unit_stepping(election: Election, cardinality: bool) -> None:
    profile = compile_profile(election, compat=False, tie_breaking="equalshares")
    result = add1_equalshares_tool(profile, cardinality=cardinality)
    start = Fraction(int(profile.budget / profile.voters))
    expected = _stepping(profile, start, _tool_stops(profile, cardinality), cardinality)
    assert (result.steps, result.run.chosen) == expected


@FEW
@given(
    elections(),
    st.booleans(),
    st.integers(0, 300),
    st.integers(0, 40),
    st.sampled_from([1, 2, 8]),
)
def test_a_verdict_holds_at_every_point_of_its_stretch(
    election: Election, cardinality: bool, low: int, width: int, paths: int
) -> None:
    profile = compile_profile(election, compat=True)
    start = profile.budget / profile.voters
    stops = _pabutools_stops(profile, cardinality)
    search = _StretchSearch(profile, start, cardinality=cardinality, paths=paths)
    verdict, _ = search.examine(low, low + width)
    if verdict == "unknown":
        return
    for k in range(low, low + width + 1):
        run = run_equal_shares(
            profile, per_voter_budget=start + k, cardinality=cardinality, detailed=False
        )
        assert stops(frozenset(run.chosen)) == (verdict == "stops"), k


def test_budgets_beyond_64_bits_use_a_coarser_grid() -> None:
    """Bounds live in int64; with budgets near 2**66 the grid is coarser than a currency unit and
    the search leans on exact runs, but the answer is the same."""
    election = Election(
        meta={"budget": str(10**20), "vote_type": "approval"},
        projects={
            "a": Project("a", Fraction(6 * 10**19)),
            "b": Project("b", Fraction(3 * 10**19)),
            "c": Project("c", Fraction(2 * 10**19)),
        },
        ballots=(Ballot("v0", ("a",)), Ballot("v1", ("b",)), Ballot("v2", ("a", "c"))),
    )
    profile = compile_profile(election, compat=True)
    result = add1_first_exhaustive(profile)
    expected = _stepping(
        profile, profile.budget / profile.voters, _pabutools_stops(profile, False), False
    )
    assert (result.steps, result.run.chosen) == expected
