import math

import numpy as np

from opinion_clustering.statistics import (
    COMMON_GROUND_MAJORITY,
    META_PRIORITY,
    VoteTallies,
    common_ground,
    group_informed_consensus,
    majority_consensus,
    proportion_test,
    representative_statements,
    routing_priorities,
    tally,
    two_proportion_test,
)


def _tallies(
    agree: list[list[int]], disagree: list[list[int]], seen: list[list[int]]
) -> VoteTallies:
    return VoteTallies(
        agree=np.array(agree, dtype=np.int64),
        disagree=np.array(disagree, dtype=np.int64),
        seen=np.array(seen, dtype=np.int64),
    )


def test_tally_counts_internal_agree_as_negative_and_pass_as_seen() -> None:
    values = np.array([[-1.0, 0.0], [1.0, np.nan], [-1.0, -1.0]])
    counts = tally(values, np.array([[True, True, False], [False, False, True]]))
    assert counts.agree.tolist() == [[1, 0], [1, 1]]
    assert counts.disagree.tolist() == [[1, 0], [0, 0]]
    assert counts.seen.tolist() == [[2, 1], [1, 1]]


def test_proportion_tests_use_pseudocounts() -> None:
    assert proportion_test(np.array([9.0]), np.array([9.0]))[0] == 2 * math.sqrt(10) * 0.5
    z = two_proportion_test(np.array([8.0]), np.array([2.0]), np.array([10.0]), np.array([10.0]))
    p1, p2, pooled = 9 / 11, 3 / 11, 12 / 22
    expected = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (2 / 11))
    assert abs(z[0] - expected) < 1e-12


def test_two_proportion_test_is_zero_when_everyone_agrees() -> None:
    z = two_proportion_test(np.array([5.0]), np.array([3.0]), np.array([5.0]), np.array([3.0]))
    assert z[0] == 0.0


def test_group_informed_consensus_is_the_product_over_groups() -> None:
    counts = _tallies(agree=[[9, 0], [4, 1]], disagree=[[0, 9], [0, 3]], seen=[[10, 9], [5, 4]])
    expected = [(10 / 12) * (5 / 7), (1 / 11) * (2 / 6)]
    np.testing.assert_allclose(group_informed_consensus(counts), expected)


def test_each_group_is_represented_by_what_sets_it_apart() -> None:
    # Statement 100 splits the groups; 101 is agreed by all; 102 is rejected by group 1 only.
    counts = _tallies(
        agree=[[20, 19, 10], [0, 19, 10]],
        disagree=[[0, 0, 0], [20, 0, 10]],
        seen=[[20, 20, 20], [20, 20, 20]],
    )
    repness = representative_statements(counts, [0, 1], [100, 101, 102])
    assert repness[0][0].statement_id == 100
    assert repness[0][0].repful_for == "agree" and repness[0][0].best_agree
    assert [(s.statement_id, s.repful_for) for s in repness[1]][-1] == (100, "disagree")
    assert all(s.statement_id != 101 or s.repful_for == "agree" for s in repness[1])


def test_excluded_statements_never_represent_a_group() -> None:
    counts = _tallies(
        agree=[[20, 5], [0, 5]], disagree=[[0, 5], [20, 5]], seen=[[20, 10], [20, 10]]
    )
    repness = representative_statements(counts, [0, 1], [100, 101], excluded={100})
    assert all(s.statement_id != 100 for group in repness.values() for s in group)


def _two_camps_of_four() -> VoteTallies:
    # 100: both groups agree; 101: group 0 agrees, group 1 disagrees; 102: both disagree.
    return _tallies(
        agree=[[4, 4, 0], [4, 0, 0]], disagree=[[0, 0, 4], [0, 4, 4]], seen=[[4, 4, 4], [4, 4, 4]]
    )


def test_a_split_is_not_common_ground_and_shared_opinions_are() -> None:
    ground = common_ground(_two_camps_of_four(), [0, 1], [100, 101, 102])
    assert [s.statement_id for s in ground.agree] == [100]
    assert [s.statement_id for s in ground.disagree] == [102]
    assert [
        (share.group_id, share.n_success, share.n_trials) for share in ground.agree[0].shares
    ] == [
        (0, 4, 4),
        (1, 4, 4),
    ]
    assert ground.agree[0].score == (5 / 6) ** 2


def test_statements_all_groups_share_never_head_a_groups_distinguishing_list() -> None:
    repness = representative_statements(_two_camps_of_four(), [0, 1], [100, 101, 102])
    assert [(s.statement_id, s.repful_for) for s in repness[0]] == [(101, "agree")]
    assert [(s.statement_id, s.repful_for) for s in repness[1]] == [(101, "disagree")]


def test_a_groups_best_agree_is_agreed_more_than_by_the_rest() -> None:
    # Group 0 agrees with 100 (60 %) less than group 1 does (90 %): Polis would still make it
    # group 0's best agree, for its many votes; 101 is agreed in group 0 only.
    counts = _tallies(
        agree=[[60, 6], [90, 0]], disagree=[[40, 4], [10, 20]], seen=[[100, 10], [100, 20]]
    )
    repness = representative_statements(counts, [0, 1], [100, 101])
    assert [s.statement_id for s in repness[0]] == [101]
    assert repness[0][0].best_agree


def test_common_ground_needs_a_clear_majority_and_enough_votes_in_every_group() -> None:
    counts = _tallies(
        # 100: 3 of 5 in group 1 (60 %, not more); 101: only 2 votes in group 1;
        # 102: 4 of 5 in both (80 %); 103: 7 of 10 and 3 of 3 pass; 104: 10/12 and 3/3.
        agree=[[9, 9, 4, 7, 10], [3, 2, 4, 3, 3]],
        disagree=[[0, 0, 1, 3, 2], [2, 0, 1, 0, 0]],
        seen=[[10, 10, 5, 10, 12], [5, 2, 5, 3, 3]],
    )
    ground = common_ground(counts, [0, 1], [100, 101, 102, 103, 104])
    assert [s.statement_id for s in ground.agree] == [104, 103, 102]
    assert all(
        share.n_success > COMMON_GROUND_MAJORITY * share.n_trials
        for s in ground.agree
        for share in s.shares
    )
    assert (
        common_ground(counts, [0, 1], [100, 101, 102, 103, 104], excluded={104})
        .agree[0]
        .statement_id
        == 103
    )


def test_no_groups_no_common_ground() -> None:
    nothing = np.zeros((0, 2), dtype=np.int64)
    ground = common_ground(VoteTallies(nothing, nothing, nothing), [], [1, 2])
    assert ground.agree == () and ground.disagree == ()


def test_majority_consensus_needs_a_significant_majority() -> None:
    counts = _tallies(agree=[[18, 6, 1]], disagree=[[1, 5, 17]], seen=[[20, 12, 20]])
    consensus = majority_consensus(counts, [1, 2, 3])
    assert [s.statement_id for s in consensus.agree] == [1]
    assert [s.statement_id for s in consensus.disagree] == [3]


def test_routing_priority_formula_and_fixed_meta_priority() -> None:
    counts = _tallies(agree=[[3, 3]], disagree=[[1, 1]], seen=[[5, 5]])
    priorities = routing_priorities(counts, np.array([0.5, 0.5]), np.array([False, True]))
    p_pass, p_agree = (1 + 1) / 7, 4 / 7
    expected = ((1 - p_pass) * 1.5 * p_agree * (1 + 8 * 2 ** (-5 / 5))) ** 2
    assert abs(priorities[0] - expected) < 1e-12
    assert priorities[1] == META_PRIORITY**2 == 49
