import pytest

from opinion_clustering import VoteMatrix, analyze
from opinion_clustering.routing import next_statement
from opinion_clustering.tests.factories import planted_blocs


def test_draw_picks_in_proportion_to_priority() -> None:
    priorities = {1: 1.0, 2: 3.0}
    assert next_statement(priorities, already_voted=(), draw=0.0) == 1
    assert next_statement(priorities, already_voted=(), draw=0.24) == 1
    assert next_statement(priorities, already_voted=(), draw=0.25) == 2
    assert next_statement(priorities, already_voted=(), draw=0.99) == 2


def test_voted_and_hidden_statements_are_never_shown() -> None:
    priorities = {1: 5.0, 2: 1.0, 3: 1.0}
    assert next_statement(priorities, already_voted={1}, hidden={2}, draw=0.5) == 3
    assert next_statement(priorities, already_voted={1, 3}, hidden={2}, draw=0.5) is None


def test_draw_outside_the_unit_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="draw"):
        next_statement({1: 1.0}, already_voted=(), draw=1.0)


def test_a_new_statement_without_votes_gets_a_high_priority() -> None:
    events, _ = planted_blocs((20, 20), 10, seed=9, missing_rate=0.0)
    analysis = analyze(VoteMatrix.from_events(events), unvoted_statements={99}, meta={5})
    # No votes: p_pass = p_agree = 1/2, extremity 0, novelty boost 1 + 8 = 9.
    assert analysis.priorities[99] == pytest.approx((0.5 * 1 * 0.5 * 9) ** 2)
    assert analysis.priorities[99] > max(
        p for t, p in analysis.priorities.items() if t not in {5, 99}
    )
