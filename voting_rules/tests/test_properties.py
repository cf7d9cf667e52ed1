"""Properties on random small elections: budget, equal shares' guarantees, anonymity, pabutools."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from voting_rules.election import Ballot, Election, Project
from voting_rules.equal_shares import run_equal_shares
from voting_rules.pabulib import format_election
from voting_rules.profile import compile_profile
from voting_rules.rules import RULES, Options, tally
from voting_rules.tests import pabutools_oracle

FEW = settings(max_examples=150, deadline=None)


@st.composite
def elections(draw: st.DrawFn, max_projects: int = 6, max_voters: int = 8) -> Election:
    count = draw(st.integers(1, max_projects))
    ids = [f"p{j}" for j in range(count)]
    costs = draw(st.lists(st.integers(1, 12), min_size=count, max_size=count))
    budget = draw(st.integers(1, 40))
    voters = draw(st.integers(1, max_voters))
    ballots = tuple(
        Ballot(f"v{i}", tuple(sorted(draw(st.sets(st.sampled_from(ids)))))) for i in range(voters)
    )
    return Election(
        meta={"budget": str(budget), "vote_type": "approval"},
        projects={pid: Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True)},
        ballots=ballots,
    )


@FEW
@given(elections())
def test_every_rule_stays_within_the_budget(election: Election) -> None:
    for rule in RULES:
        for compat in (False, True):
            outcome = tally(election, rule, Options(compat=compat))
            assert outcome.cost <= election.budget, (rule, compat)


@FEW
@given(elections())
def test_equal_shares_charges_each_voter_at_most_their_share(election: Election) -> None:
    profile = compile_profile(election, compat=True)
    run = run_equal_shares(profile)
    share = election.budget / len(election.ballots)
    left = {v: share for v in range(len(profile.approval_sets))}
    for record in run.rounds:
        j = record.winner
        collected = Fraction(0)
        for v in profile.supporters[j].tolist():
            paid = min(left[v], record.alpha)
            left[v] -= paid
            collected += paid * int(profile.weights[v])
        assert collected == profile.costs[j]
    assert all(money >= 0 for money in left.values())


def _satisfaction(election: Election, ballot: Ballot, chosen: set[str]) -> Fraction:
    return sum((election.projects[p].cost for p in ballot.projects if p in chosen), Fraction(0))


@FEW
@given(elections(max_projects=5, max_voters=6))
def test_equal_shares_satisfies_ejr_up_to_one_project(election: Election) -> None:
    """Peters, Pierczyński & Skowron (NeurIPS 2021), cost utilities, checked by brute force."""
    chosen = set(tally(election, "mes", Options(compat=True)).winners)
    n = len(election.ballots)
    ids = list(election.projects)
    for size in range(1, len(ids) + 1):
        for group_projects in itertools.combinations(ids, size):
            need = sum((election.projects[p].cost for p in group_projects), Fraction(0))
            cohesive = [b for b in election.ballots if set(group_projects) <= set(b.projects)]
            # Voters who approve all of T and are numerous enough to afford T with their shares.
            if Fraction(len(cohesive), n) < need / election.budget:
                continue
            missing = [p for p in group_projects if p not in chosen]
            assert any(
                _satisfaction(election, b, chosen) >= need
                or any(
                    _satisfaction(election, b, chosen) + election.projects[p].cost > need
                    for p in missing
                )
                for b in cohesive
            ), (group_projects, chosen)


@FEW
@given(elections(), st.randoms(use_true_random=False))
def test_outcomes_do_not_depend_on_the_order_of_ballots(election: Election, rng: object) -> None:
    shuffled = list(election.ballots)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    other = Election(election.meta, election.projects, tuple(shuffled))
    for rule in RULES:
        assert tally(election, rule).winners == tally(other, rule).winners, rule


@settings(max_examples=120, deadline=None)
@given(elections())
def test_pabutools_agrees_on_random_elections(election: Election) -> None:
    from pabutools.election.pabulib import parse_pabulib_from_string

    instance, profile = parse_pabulib_from_string(format_election(election))
    for rule in pabutools_oracle.ORACLE_RULES:
        expected = pabutools_oracle.run(rule, instance, profile)
        assert list(tally(election, rule, Options(compat=True)).winners) == expected, rule


@st.composite
def ranked_or_cumulative(draw: st.DrawFn) -> Election:
    base = draw(elections(max_projects=5, max_voters=6))
    vote_type = draw(st.sampled_from(["cumulative", "ordinal"]))
    ballots = []
    for ballot in base.ballots:
        # pabutools cannot read an empty cumulative ballot, so every ballot lists something.
        chosen = list(ballot.projects) or [next(iter(base.projects))]
        draw(st.randoms(use_true_random=False)).shuffle(chosen)
        points = (
            tuple(Fraction(draw(st.integers(1, 3))) for _ in chosen)
            if vote_type == "cumulative"
            else ()
        )
        ballots.append(Ballot(ballot.voter_id, tuple(chosen), points))
    columns = ("voter_id", "vote", "points") if vote_type == "cumulative" else ("voter_id", "vote")
    return Election(
        meta={"budget": base.meta["budget"], "vote_type": vote_type},
        projects=base.projects,
        ballots=tuple(ballots),
        vote_columns=columns,
    )


@settings(max_examples=100, deadline=None)
@given(ranked_or_cumulative())
def test_pabutools_agrees_on_cumulative_and_ordinal_ballots(election: Election) -> None:
    """pabutools reads a listed project as approved whatever the vote type; so does compat mode."""
    from pabutools.election.pabulib import parse_pabulib_from_string

    text = format_election(election)
    instance, profile = parse_pabulib_from_string(text)
    for rule in ("mes", "mes-add1", "mes-add1-greedy", "greedy", "greedy-cost"):
        expected = pabutools_oracle.run(rule, instance, profile)
        assert list(tally(election, rule, Options(compat=True)).winners) == expected, rule


def test_an_election_without_ballots_funds_nothing_by_equal_shares() -> None:
    election = Election(
        meta={"budget": "10", "vote_type": "approval"},
        projects={"a": Project("a", Fraction(3))},
        ballots=(),
    )
    for rule in RULES:
        outcome = tally(election, rule)
        assert outcome.cost <= election.budget
        # Completions and Phragmén (as in pabutools) still fund an unsupported project that fits.
        if rule in ("mes", "mes-cardinality", "mes-add1"):
            assert outcome.winners == ()
