"""The `equalshares` rule follows the equalshares.net compute tool: its Add1 options, the
utilitarian completion and the comparison step with greedy, on elections small enough to check
by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from voting_rules.add1 import add1_equalshares_tool, add1_first_exhaustive
from voting_rules.election import Ballot, Election, Project
from voting_rules.profile import compile_profile
from voting_rules.rules import Options, tally


def _election(budget: int, costs: dict[str, int], ballots: list[tuple[str, ...]]) -> Election:
    return Election(
        meta={"budget": str(budget), "vote_type": "approval"},
        projects={pid: Project(pid, Fraction(cost)) for pid, cost in costs.items()},
        ballots=tuple(Ballot(f"v{i}", approved) for i, approved in enumerate(ballots)),
    )


def test_a_cheap_project_nobody_voted_for_keeps_the_tools_add1_going() -> None:
    """{a} leaves 40 of 100: exhaustive among the projects equal shares can buy (b costs 50),
    so pabutools stops at once; the tool counts z (5, no votes) too and raises the budget until
    the next outcome ({a, b}, 110) would overspend: at floor(100/3) + 17 = 50 voter 2 alone
    affords b."""
    election = _election(100, {"a": 60, "b": 50, "z": 5}, [("a",), ("a",), ("b",)])
    profile = compile_profile(election, tie_breaking="equalshares")
    pabutools = add1_first_exhaustive(profile)
    tool = add1_equalshares_tool(profile)
    a = profile.project_ids.index("a")
    assert (pabutools.steps, pabutools.run.chosen) == (0, (a,))
    assert (tool.start, tool.steps, tool.run.chosen) == (Fraction(33), 16, (a,))


# Six voters want A (6) and B (4), four want C (4); budget 10. Equal shares: B and A tie at
# rho 1/6, B wins on lower cost, then the six cannot afford A and C is bought: {B, C}, exhaustive.
# Greedy by votes: {A, B}.
_SPLIT = _election(10, {"A": 6, "B": 4, "C": 4}, [("A", "B")] * 6 + [("C",)] * 4)


@pytest.mark.parametrize(
    ("comparison", "winners", "prefer_mes", "prefer_greedy"),
    [
        # Satisfaction (approved winners): the six have 2 under greedy and 1 under equal shares.
        ("satisfaction", ("A", "B"), 4, 6),
        # Exclusion ratio: only the four are left without an approved winner, under greedy.
        ("exclusion-ratio", ("B", "C"), 4, 0),
    ],
)
def test_the_comparison_step_keeps_equal_shares_unless_more_voters_prefer_greedy(
    comparison: str, winners: tuple[str, ...], prefer_mes: int, prefer_greedy: int
) -> None:
    outcome = tally(_SPLIT, "equalshares", Options(comparison=comparison))  # type: ignore[arg-type]
    assert outcome.winners == winners
    assert outcome.details["voters_preferring_equal_shares"] == str(prefer_mes)
    assert outcome.details["voters_preferring_greedy"] == str(prefer_greedy)
    assert outcome.details["comparison_measure"] == comparison


def test_without_the_comparison_step_equal_shares_stands() -> None:
    outcome = tally(_SPLIT, "equalshares", Options(comparison="none"))
    assert outcome.winners == ("B", "C")
    assert "comparison" not in outcome.details
