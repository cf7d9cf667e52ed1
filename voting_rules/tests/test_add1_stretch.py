"""Add1's stretch certificates against plain unit stepping on random small elections.

The pabutools agreement tests rarely reach these certificates (small elections end Add1 within a
few MES runs), so here Add1 uses them from the first step and is compared with one MES run per
unit; and every stretch the certificate accepts is checked point by point.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_rules import equal_shares
from voting_rules.election import Ballot, Election, Project
from voting_rules.equal_shares import (
    _Budgets,
    add1_first_exhaustive,
    certify_stretch_continues,
    is_exhaustive,
    run_equal_shares,
)
from voting_rules.profile import Profile, compile_profile

FEW = settings(max_examples=120, deadline=None)


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


def _stepping(profile: Profile, cardinality: bool) -> tuple[int, tuple[int, ...]]:
    """Add1 by definition: one MES run per unit."""
    start = profile.budget / profile.voters
    previous: tuple[int, tuple[int, ...]] | None = None
    for k in range(100_000):
        run = run_equal_shares(
            profile, per_voter_budget=start + k, cardinality=cardinality, detailed=False
        )
        if profile.total_cost(run.chosen) > profile.budget:
            assert previous is not None
            return previous
        if is_exhaustive(profile, run.chosen, run.eligible):
            return k, run.chosen
        previous = (k, run.chosen)
    raise AssertionError("Add1 did not stop")


def _stops(profile: Profile, t: Fraction, cardinality: bool) -> bool:
    run = run_equal_shares(profile, per_voter_budget=t, cardinality=cardinality, detailed=False)
    return profile.total_cost(run.chosen) > profile.budget or is_exhaustive(
        profile, run.chosen, run.eligible
    )


@FEW
@given(elections(), st.booleans(), st.sampled_from([1, 2, 4]))
def test_add1_with_stretch_certificates_from_the_start_agrees_with_unit_stepping(
    election: Election, cardinality: bool, paths: int
) -> None:
    profile = compile_profile(election, compat=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(equal_shares, "_SAME_ORDER_RUNS", 0)
        patch.setattr(equal_shares, "_STREAK", 1)
        patch.setattr(equal_shares, "_PATHS", paths)
        result = add1_first_exhaustive(profile, cardinality=cardinality)
    steps, chosen = _stepping(profile, cardinality)
    assert (result.steps, result.run.chosen) == (steps, chosen)


@FEW
@given(
    elections(),
    st.booleans(),
    st.fractions(min_value=0, max_value=300, max_denominator=7),
    st.fractions(min_value=0, max_value=60, max_denominator=5),
)
def test_an_accepted_stretch_never_stops_add1(
    election: Election, cardinality: bool, offset: Fraction, width: Fraction
) -> None:
    profile = compile_profile(election, compat=True)
    low = profile.budget / profile.voters + offset
    high = low + width
    if not certify_stretch_continues(profile, low, high, cardinality=cardinality, paths=8):
        return
    for n in range(41):
        t = low + width * Fraction(n, 40)
        assert not _stops(profile, t, cardinality), t


def test_huge_budgets_give_up_instead_of_overflowing() -> None:
    """Merged bounds live in 64-bit integers; beyond that the certificate just proves nothing."""
    election = Election(
        meta={"budget": str(10**16), "vote_type": "approval"},
        projects={"a": Project("a", Fraction(10**15)), "b": Project("b", Fraction(10**15))},
        ballots=(Ballot("v0", ("a",)), Ballot("v1", ("b",))),
    )
    profile = compile_profile(election, compat=True)
    grid = equal_shares._merge_grid(profile)
    parts = [
        _Budgets.bound(profile, Fraction(10**15), cardinality=False, upper=True, grid=grid)
        for _ in range(2)
    ]
    with pytest.raises(OverflowError):
        _Budgets.merge(parts, upper=True)
    # and the certificate itself still answers (True or False), without raising
    certify_stretch_continues(profile, Fraction(10**15), Fraction(10**15 + 5))
