import numpy as np

from opinion_clustering import ClusteringOptions, ClusteringState, VoteEvent, VoteMatrix, analyze
from opinion_clustering.comparison import adjusted_rand_index
from opinion_clustering.conversation import KSmoother, _smooth_k
from opinion_clustering.tests.factories import planted_blocs


def _matrix(events: list[VoteEvent]) -> VoteMatrix:
    return VoteMatrix.from_events(events)


def test_participants_join_after_min_seven_votes_or_all_statements() -> None:
    events = [VoteEvent(p, s, 1, p * 100 + s) for p in range(30) for s in range(10) if s < p]
    events += [VoteEvent(50, s, 1, 10_000 + s) for s in range(3)]  # all three it has seen
    analysis = analyze(_matrix(events))
    assert analysis.in_conversation == frozenset(range(7, 30))


def test_top_voters_fill_up_to_fifteen() -> None:
    events = [VoteEvent(p, s, 1, p * 100 + s) for p in range(20) for s in range(min(p, 9))]
    analysis = analyze(_matrix(events))
    # Participants 7..19 have 7+ votes (13 people); the two next-most active join: 6 and 5.
    assert analysis.in_conversation == frozenset(range(5, 20))


def test_once_in_never_dropped() -> None:
    events = [VoteEvent(1, s, 1, s) for s in range(3)]
    state = ClusteringState(in_conversation=frozenset({1}))
    more = [VoteEvent(p, s, 1, 100 + p * 10 + s) for p in range(2, 30) for s in range(8)]
    analysis = analyze(_matrix(events + more), state=state)
    assert 1 in analysis.in_conversation


def test_moderated_out_statements_are_zeroed_and_never_representative() -> None:
    events, _ = planted_blocs((20, 20), 12, seed=1)
    analysis = analyze(_matrix(events), moderated_out={0, 1})
    chosen = {s.statement_id for group in analysis.repness.values() for s in group}
    assert not chosen & {0, 1}
    assert all(s.statement_id not in {0, 1} for s in analysis.consensus.agree)


def test_meta_statements_get_the_fixed_routing_priority() -> None:
    events, _ = planted_blocs((20, 20), 12, seed=1)
    analysis = analyze(_matrix(events), meta={3})
    assert analysis.priorities[3] == 49


def test_k_changes_only_after_four_consecutive_wins() -> None:
    smoother = KSmoother(last_k=2, last_k_count=9, smoothed_k=2)
    shown = []
    for _ in range(4):
        smoother = _smooth_k(smoother, {2: 0.3, 3: 0.5}, 4)
        shown.append(smoother.smoothed_k)
    assert shown == [2, 2, 2, 3]


def test_forced_k_overrides_the_silhouette_choice() -> None:
    events, _ = planted_blocs((15, 15, 15), 15, seed=2)
    analysis = analyze(_matrix(events), options=ClusteringOptions(forced_k=2))
    assert analysis.k == 2 and len(set(analysis.groups.values())) == 2


def test_state_survives_json_and_resumes_identically() -> None:
    events, _ = planted_blocs((25, 20), 14, seed=3)
    first = analyze(_matrix(events[: len(events) // 2]))
    restored = ClusteringState.from_json(first.state.to_json())
    assert restored == first.state
    matrix = _matrix(events)
    a = analyze(matrix, state=first.state)
    b = analyze(matrix, state=restored)
    assert a.groups == b.groups and a.state == b.state


def test_incremental_updates_match_the_planted_blocs() -> None:
    events, truth = planted_blocs((30, 25), 16, seed=4)
    matrix = VoteMatrix()
    state = None
    for start in range(0, len(events), 100):
        matrix.record(events[start : start + 100])
        analysis = analyze(matrix, state=state)
        state = analysis.state
    clustered = sorted(analysis.groups)
    assert (
        adjusted_rand_index([truth[p] for p in clustered], [analysis.groups[p] for p in clustered])
        == 1.0
    )


def test_group_informed_consensus_counts_only_clustered_participants() -> None:
    events, _ = planted_blocs((20, 20), 10, seed=5, missing_rate=0.0)
    # A late participant with two votes is not in the conversation and must not count.
    events.append(VoteEvent(999, 0, 1, 10**9))
    events.append(VoteEvent(999, 1, 1, 10**9 + 1))
    analysis = analyze(_matrix(events))
    assert 999 not in analysis.groups
    counts = analysis.group_tallies
    expected = np.prod((counts.agree[:, 0] + 1) / (counts.seen[:, 0] + 2))
    assert analysis.group_informed_consensus[0] == expected
    assert counts.seen[:, 0].sum() == 40


def test_too_few_participants_gives_no_groups_but_no_error() -> None:
    analysis = analyze(_matrix([VoteEvent(1, 1, 1)]))
    assert analysis.groups == {} and analysis.k is None


def test_empty_conversation() -> None:
    analysis = analyze(VoteMatrix())
    assert analysis.groups == {} and analysis.priorities == {}


def test_forced_k_leaves_the_k_smoother_alone() -> None:
    events, _ = planted_blocs((15, 15, 15), 15, seed=2)
    matrix = _matrix(events)
    chosen = analyze(matrix)
    forced = analyze(matrix, state=chosen.state, options=ClusteringOptions(forced_k=2))
    assert forced.k == 2
    assert forced.state.k_smoother == chosen.state.k_smoother
