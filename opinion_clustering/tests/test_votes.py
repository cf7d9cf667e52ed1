import numpy as np
import pytest

from opinion_clustering.votes import VoteEvent, VoteMatrix


def test_latest_vote_wins_by_timestamp_whatever_the_input_order() -> None:
    matrix = VoteMatrix.from_events(
        [
            VoteEvent(participant_id=1, statement_id=10, vote=-1, timestamp=30),
            VoteEvent(participant_id=1, statement_id=10, vote=1, timestamp=10),
            VoteEvent(participant_id=2, statement_id=10, vote=0, timestamp=20),
        ]
    )
    assert matrix.export_vote(1, 10) == -1
    assert matrix.export_vote(2, 10) == 0


def test_internal_sign_is_polis_agree_negative() -> None:
    matrix = VoteMatrix.from_events([VoteEvent(1, 10, 1), VoteEvent(1, 11, -1)])
    assert matrix.values.tolist() == [[-1.0, 1.0]]


def test_record_grows_and_leaves_unvoted_cells_missing() -> None:
    matrix = VoteMatrix.from_events([VoteEvent(1, 10, 1)])
    matrix.record([VoteEvent(2, 11, 0), VoteEvent(1, 10, -1)])
    assert matrix.participant_ids == [1, 2]
    assert matrix.statement_ids == [10, 11]
    assert np.isnan(matrix.values[0, 1]) and np.isnan(matrix.values[1, 0])
    assert matrix.export_vote(1, 10) == -1
    assert matrix.vote_counts().tolist() == [1, 1]


def test_later_event_in_the_same_batch_overwrites_earlier() -> None:
    matrix = VoteMatrix()
    matrix.record([VoteEvent(1, 10, 1), VoteEvent(1, 10, 0), VoteEvent(1, 10, -1)])
    assert matrix.export_vote(1, 10) == -1


def test_rejects_votes_outside_agree_disagree_pass() -> None:
    with pytest.raises(ValueError, match="vote must be"):
        VoteMatrix.from_events([VoteEvent(1, 10, 2)])


def test_sparse_and_negative_ids_map_like_dense_ones() -> None:
    events = [VoteEvent(10**12, -5, 1, 1), VoteEvent(3, 10**9, -1, 2), VoteEvent(3, -5, 0, 3)]
    matrix = VoteMatrix.from_events(events)
    assert matrix.participant_ids == [3, 10**12]
    assert matrix.statement_ids == [-5, 10**9]
    assert matrix.export_vote(10**12, -5) == 1
    assert matrix.export_vote(3, 10**9) == -1
    assert matrix.export_vote(3, -5) == 0


def test_small_batch_on_a_large_matrix_keeps_the_latest_vote_per_cell() -> None:
    # 400 x 400 cells against a 4-vote batch takes the sorting path rather than the scatter.
    events = [VoteEvent(p, 0, 1) for p in range(400)] + [VoteEvent(0, s, 1) for s in range(400)]
    matrix = VoteMatrix.from_events(events)
    matrix.record([VoteEvent(5, 7, 1), VoteEvent(5, 7, -1), VoteEvent(6, 7, 0), VoteEvent(5, 7, 0)])
    assert matrix.values.size > 16 * 4 + 65_536
    assert matrix.export_vote(5, 7) == 0
    assert matrix.export_vote(6, 7) == 0
    assert matrix.vote_counts()[matrix.participant_row(5)] == 2
