"""Verification against Polis' own exports of real conversations (openData, CC BY 4.0)."""

from collections import Counter
from pathlib import Path

import pytest

from opinion_clustering import Analysis, ClusteringOptions, analyze
from opinion_clustering.comparison import adjusted_rand_index
from opinion_clustering.opendata import OpenDataConversation, read_conversation
from opinion_clustering.statistics import (
    COMMON_GROUND_MAJORITY,
    COMMON_GROUND_MIN_VOTES,
    shared_majorities,
)

pytestmark = pytest.mark.realdata

CONVERSATIONS = [
    "bg2050-volunteers",
    "vtaiwan.uberx",
    "london.youth.policing",
    "scoop-hivemind.freshwater",
    "scoop-hivemind.ubi",
]


def _load(shared_data: Path, name: str) -> OpenDataConversation:
    return read_conversation(shared_data / "polis" / name)


def _agreement_with_polis(
    conversation: OpenDataConversation, analysis: Analysis
) -> tuple[float, list[int], list[int]]:
    polis = {p.id: p.group_id for p in conversation.participants if p.group_id is not None}
    both = sorted(set(polis) & set(analysis.groups))
    ari = adjusted_rand_index([polis[p] for p in both], [analysis.groups[p] for p in both])
    ours = sorted(Counter(analysis.groups.values()).values())
    theirs = sorted(Counter(polis.values()).values())
    return ari, ours, theirs


def test_bg2050_reproduces_polis_groups_and_consensus(shared_data: Path) -> None:
    conversation = _load(shared_data, "bg2050-volunteers")
    analysis = analyze(
        conversation.vote_matrix(), moderated_out=conversation.moderated_out, meta=conversation.meta
    )
    ari, ours, theirs = _agreement_with_polis(conversation, analysis)
    assert analysis.k == 2
    assert ari == 1.0
    assert len(ours) == len(theirs)
    assert all(abs(a - b) <= 1 for a, b in zip(ours, theirs, strict=True))
    exported = {
        s.id: s.group_informed_consensus
        for s in conversation.statements
        if s.group_informed_consensus is not None
    }
    assert len(exported) > 300
    deltas = {tid: abs(analysis.group_informed_consensus[tid] - v) for tid, v in exported.items()}
    assert max(deltas.values()) < 0.005
    consensus = analysis.group_informed_consensus
    top = sorted(consensus, key=lambda tid: consensus[tid])
    assert top[-3:][::-1] == [27, 205, 243]
    # The same three lead the common ground: every group agrees with them.
    assert [s.statement_id for s in analysis.common_ground.agree][:3] == [27, 205, 243]


def test_vtaiwan_with_polis_k_agrees_with_polis_groups(shared_data: Path) -> None:
    conversation = _load(shared_data, "vtaiwan.uberx")
    analysis = analyze(
        conversation.vote_matrix(),
        moderated_out=conversation.moderated_out,
        options=ClusteringOptions(forced_k=2),
    )
    ari, _, _ = _agreement_with_polis(conversation, analysis)
    assert ari >= 0.9


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_every_conversation_analyses_and_resumes_from_its_state(
    shared_data: Path, name: str
) -> None:
    conversation = _load(shared_data, name)
    matrix = conversation.vote_matrix()
    first = analyze(matrix, moderated_out=conversation.moderated_out, meta=conversation.meta)
    assert first.k is not None and 2 <= first.k <= 5
    assert set(first.groups) == first.in_conversation
    assert all(len(statements) >= 1 for statements in first.repness.values())
    again = analyze(
        matrix, moderated_out=conversation.moderated_out, meta=conversation.meta, state=first.state
    )
    # With no new votes the warm start must land on the same groups.
    assert (
        adjusted_rand_index(
            [first.groups[p] for p in sorted(first.groups)],
            [again.groups[p] for p in sorted(first.groups)],
        )
        == 1.0
    )


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_common_ground_is_shared_by_every_group_and_leads_no_group(
    shared_data: Path, name: str
) -> None:
    conversation = _load(shared_data, name)
    analysis = analyze(
        conversation.vote_matrix(), moderated_out=conversation.moderated_out, meta=conversation.meta
    )
    every_agrees, every_disagrees = shared_majorities(analysis.group_tallies)
    column_of = {tid: column for column, tid in enumerate(analysis.statement_ids)}
    zeroed = conversation.moderated_out | conversation.meta
    for statement in analysis.common_ground.agree + analysis.common_ground.disagree:
        assert statement.statement_id not in zeroed
        assert [share.group_id for share in statement.shares] == list(analysis.group_ids)
        for share in statement.shares:
            assert share.n_trials >= COMMON_GROUND_MIN_VOTES
            assert share.n_success > COMMON_GROUND_MAJORITY * share.n_trials
    scores = [s.score for s in analysis.common_ground.agree]
    assert scores == sorted(scores, reverse=True)
    for group_id, statements in analysis.repness.items():
        assert statements, f"group {group_id} has nothing that sets it apart"
        head = column_of[statements[0].statement_id]
        assert not every_agrees[head] and not every_disagrees[head]
        assert not {s.statement_id for s in statements} & zeroed
