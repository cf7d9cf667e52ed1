"""Add1's search over stretches of budgets against plain unit stepping on random small elections.

Every stretch the search accepts ("continues") or rejects ("stops") is checked point by point with
exact MES runs; Add1 as a whole is compared with one MES run per unit, for both variants.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_rules import add1
from voting_rules.add1 import _StretchSearch, add1_equalshares_tool, add1_first_exhaustive
from voting_rules.election import Ballot, Election, Project
from voting_rules.equal_shares import (
    candidate,
    candidate_of_ratio,
    eligible_projects,
    is_exhaustive,
    run_equal_shares,
)
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
@given(
    elections(),
    st.booleans(),
    st.sampled_from([1, 2, 4]),
    st.sampled_from([1, 2, 16]),
    st.sampled_from([1, 16]),
)
def test_pabutools_add1_agrees_with_unit_stepping(
    election: Election, cardinality: bool, paths: int, probe_from: int, replay_orders: int
) -> None:
    """Also with one branch only (single budgets then often need an exact run), with probes from
    the smallest stretches on, and with checkpoints that replay a single order only."""
    profile = compile_profile(election, compat=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(add1, "_PATHS", paths)
        patch.setattr(add1, "_PROBE_FROM", probe_from)
        patch.setattr(add1, "_REPLAY_ORDERS", replay_orders)
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


def test_budgets_the_bounds_cannot_settle_get_exact_runs() -> None:
    """e and f have the same cost and supporters, so they tie exactly; while voters 0 and 1 cannot
    pay an equal share of them (after paying for a), the price depends on their money, which the
    bounds know only to a grid unit, so both may win. With one branch allowed, those budgets (100
    to 103 per voter) get exact runs. Add1 stops once f fits too: {a, e, f} is exhaustive."""
    election = Election(
        meta={"budget": "600", "vote_type": "approval"},
        projects={
            "a": Project("a", Fraction(100)),
            "e": Project("e", Fraction(210)),
            "f": Project("f", Fraction(210)),
        },
        ballots=(
            Ballot("v0", ("a", "e", "f")),
            Ballot("v1", ("a", "e", "f")),
            Ballot("v2", ("a",)),
            Ballot("v3", ("e", "f")),
            Ballot("v4", ()),
            Ballot("v5", ()),
        ),
    )
    profile = compile_profile(election, compat=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(add1, "_PATHS", 1)
        result = add1_first_exhaustive(profile)
    expected = _stepping(profile, Fraction(100), _pabutools_stops(profile, False), False)
    assert (result.steps, result.run.chosen) == expected
    assert profile.ids(result.run.chosen) == ["a", "e", "f"]
    assert result.runs >= 5  # four budgets settled exactly, and the final run


def test_an_election_without_ballots_chooses_nothing() -> None:
    election = Election(
        meta={"budget": "100", "vote_type": "approval"},
        projects={"a": Project("a", Fraction(10))},
        ballots=(),
    )
    profile = compile_profile(election, compat=True)
    for result in (add1_first_exhaustive(profile), add1_equalshares_tool(profile)):
        assert (result.steps, result.run.chosen) == (0, ())


@given(
    st.fractions(min_value=0, max_value=10, max_denominator=10**9),
    st.fractions(min_value=0, max_value=10, max_denominator=10**9),
)
def test_candidates_made_from_ratios_order_exactly_like_fractions(a: Fraction, b: Fraction) -> None:
    """Candidates compare by float first and by the exact ratio only when the floats tie, so the
    ratio must compare exactly, with Ratios and with the Fractions of an exact run alike."""
    ratio_a = candidate_of_ratio(a.numerator, a.denominator, 0, 0)
    ratio_b = candidate_of_ratio(b.numerator * 3, b.denominator * 3, 1, 1)  # unreduced
    fraction_b = candidate(b, 1, 1)
    assert (ratio_a < ratio_b) == (ratio_a < fraction_b) == ((a, 0) < (b, 1))
    assert (ratio_b < ratio_a) == (fraction_b < ratio_a) == ((b, 1) < (a, 0))
    assert (ratio_a[1] == fraction_b[1]) == (a == b)
    near = Fraction(1, 3) + Fraction(1, 10**30)  # the same float as 1/3, yet larger
    assert candidate(Fraction(1, 3), 5, 5) < candidate_of_ratio(
        near.numerator, near.denominator, 0, 0
    )


def _medium_election(seed: int) -> tuple[Election, bool]:
    """8-25 projects, 30-150 voters, skewed popularity: enough near ties for branches to part,
    merge and be replayed, which the tiny hypothesis elections rarely reach."""
    rnd = random.Random(seed)
    ids = [f"p{j}" for j in range(rnd.randint(8, 25))]
    popularity = [rnd.random() ** 2 for _ in ids]
    ballots = tuple(
        Ballot(
            f"v{i}", tuple(sorted(set(rnd.choices(ids, weights=popularity, k=rnd.randint(1, 6)))))
        )
        for i in range(rnd.randint(30, 150))
    )
    election = Election(
        meta={"budget": str(rnd.randint(1000, 8000)), "vote_type": "approval"},
        projects={pid: Project(pid, Fraction(rnd.randint(50, 2000))) for pid in ids},
        ballots=ballots,
    )
    return election, rnd.random() < 0.3


@pytest.mark.parametrize("seed", range(40))
def test_both_variants_agree_with_unit_stepping_on_medium_elections(seed: int) -> None:
    election, cardinality = _medium_election(seed)
    profile = compile_profile(election, compat=True)
    result = add1_first_exhaustive(profile, cardinality=cardinality)
    start = profile.budget / profile.voters
    expected = _stepping(profile, start, _pabutools_stops(profile, cardinality), cardinality)
    assert (result.steps, result.run.chosen) == expected
    profile = compile_profile(election, compat=False, tie_breaking="equalshares")
    result = add1_equalshares_tool(profile, cardinality=cardinality)
    start = Fraction(int(profile.budget / profile.voters))
    expected = _stepping(profile, start, _tool_stops(profile, cardinality), cardinality)
    assert (result.steps, result.run.chosen) == expected


def _tool_stops_without_exhaustive(
    profile: Profile, cardinality: bool
) -> Callable[[frozenset[int]], bool]:
    eligible = frozenset(eligible_projects(profile, cardinality))
    return lambda chosen: profile.total_cost(chosen) > profile.budget or eligible <= chosen


@FEW
@given(elections(), st.booleans(), st.booleans(), st.booleans())
def test_the_tools_add1_options_agree_with_unit_stepping(
    election: Election, cardinality: bool, exhaustive: bool, integral: bool
) -> None:
    """The compute tool's add1 options "exhaustive" and "integral", each on and off."""
    profile = compile_profile(election, compat=False, tie_breaking="equalshares")
    result = add1_equalshares_tool(
        profile, cardinality=cardinality, exhaustive=exhaustive, integral=integral
    )
    share = profile.budget / profile.voters
    start = Fraction(int(share)) if integral else share
    stops = (
        _tool_stops(profile, cardinality)
        if exhaustive
        else _tool_stops_without_exhaustive(profile, cardinality)
    )
    assert (result.steps, result.run.chosen) == _stepping(profile, start, stops, cardinality)


@pytest.mark.parametrize("seed", range(40))
def test_add1_without_the_exhaustive_stop_agrees_on_medium_elections(seed: int) -> None:
    election, cardinality = _medium_election(seed)
    profile = compile_profile(election, compat=False, tie_breaking="equalshares")
    for integral in (True, False):
        result = add1_equalshares_tool(
            profile, cardinality=cardinality, exhaustive=False, integral=integral
        )
        share = profile.budget / profile.voters
        start = Fraction(int(share)) if integral else share
        stops = _tool_stops_without_exhaustive(profile, cardinality)
        assert (result.steps, result.run.chosen) == _stepping(profile, start, stops, cardinality)
