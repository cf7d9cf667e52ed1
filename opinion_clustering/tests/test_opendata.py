import json
from pathlib import Path

import pytest

from opinion_clustering import Analysis, VoteEvent, VoteMatrix, analyze
from opinion_clustering.cli import main
from opinion_clustering.opendata import (
    MODERATED_OUT,
    ExportedAnalysis,
    Statement,
    read_conversation,
    write_conversation,
)
from opinion_clustering.tests.factories import planted_blocs

Exported = tuple[Path, list[VoteEvent], list[Statement], Analysis]


@pytest.fixture
def exported(tmp_path: Path) -> Exported:
    events, _ = planted_blocs((20, 15), 12, seed=7)
    events.append(VoteEvent(0, 0, -1, 10**12))  # a changed vote: the later one must win
    statements = [
        Statement(id=s, author_id=s % 3, moderated=MODERATED_OUT if s == 11 else 1, body=f"S{s}")
        for s in range(12)
    ] + [Statement(id=12, author_id=0, is_meta=True, body="Ich wohne im Viertel, “seit Jahren”")]
    conversation_analysis = analyze(VoteMatrix.from_events(events), moderated_out={11}, meta={12})
    write_conversation(
        tmp_path,
        votes=events,
        statements=statements,
        analysis=conversation_analysis,
        summary={"topic": "Pocket-Park am Borsigplatz?"},
    )
    return tmp_path, events, statements, conversation_analysis


def test_export_reads_back_identically(exported: Exported) -> None:
    folder, events, statements, analysis = exported
    conversation = read_conversation(folder)
    assert sorted(conversation.votes, key=lambda e: e.timestamp) == sorted(
        events, key=lambda e: e.timestamp
    )
    assert [s.id for s in conversation.statements] == [s.id for s in statements]
    assert conversation.moderated_out == {11} and conversation.meta == {12}
    assert conversation.statements[-1].body == statements[-1].body
    assert {p.id: p.group_id for p in conversation.participants if p.group_id is not None} == (
        analysis.groups
    )
    for statement in conversation.statements:
        assert statement.group_informed_consensus == pytest.approx(
            analysis.group_informed_consensus.get(statement.id), nan_ok=True
        )
    assert conversation.summary["topic"] == "Pocket-Park am Borsigplatz?"
    assert conversation.summary["groups"] == str(analysis.k)


def test_participants_votes_holds_the_latest_vote_in_export_sign(exported: Exported) -> None:
    folder, *_ = exported
    rows = (folder / "participants-votes.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    first = dict(zip(header, rows[1].split(","), strict=True))
    assert first["participant"] == "0" and first["0"] == "-1"


def test_reanalysing_the_export_gives_the_same_groups(exported: Exported) -> None:
    folder, _, _, analysis = exported
    conversation = read_conversation(folder)
    again = analyze(
        conversation.vote_matrix(), moderated_out=conversation.moderated_out, meta=conversation.meta
    )
    assert again.groups == analysis.groups


def test_cli_prints_the_documented_json(
    exported: Exported, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _, _, analysis = exported
    assert main(["analyze", str(folder), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["participants_clustered"] == len(analysis.groups)
    assert printed["k"] == analysis.k
    assert printed["groups"] == {str(p): g for p, g in analysis.groups.items()}
    assert set(printed["group_informed_consensus"]) == {str(t) for t in range(12)}  # 12: no votes
    assert set(printed["repness"]) == {str(g) for g in analysis.group_ids}
    assert set(printed["consensus"]) == {"agree", "disagree"}
    assert [s["statement_id"] for s in printed["common_ground"]["agree"]] == [
        s.statement_id for s in analysis.common_ground.agree
    ]


def test_cli_forces_k_and_exports(
    exported: Exported, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, *_ = exported
    assert main(["analyze", str(folder), "--format", "json", "--k", "3"]) == 0
    assert json.loads(capsys.readouterr().out)["k"] == 3
    assert main(["export", str(folder), str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / "participants-votes.csv").exists()
    assert main(["analyze", str(folder)]) == 0
    assert "group-informed consensus" in capsys.readouterr().out


def test_a_stored_analysis_exports_like_the_analysis_itself(
    exported: Exported, tmp_path: Path
) -> None:
    folder, events, statements, analysis = exported
    stored = ExportedAnalysis(
        groups=dict(analysis.groups),
        group_informed_consensus=dict(analysis.group_informed_consensus),
        in_conversation=len(analysis.in_conversation),
        group_count=len(analysis.group_ids),
        computed_at="2026-12-02T15:00:00+00:00",
        votes=len(events),
    )
    again = tmp_path / "again"
    write_conversation(
        again,
        votes=events,
        statements=statements,
        analysis=stored,
        summary={"topic": "Pocket-Park am Borsigplatz?"},
    )
    for name in ("votes.csv", "comments.csv", "participants-votes.csv"):
        assert (again / name).read_bytes() == (folder / name).read_bytes()
    summary = read_conversation(again).summary
    assert summary["groups"] == str(analysis.k) and summary["voters-in-conv"] == str(
        len(analysis.in_conversation)
    )
    assert summary["computed-at"] == "2026-12-02T15:00:00+00:00"
    assert summary["votes-in-analysis"] == str(len(events))
    assert read_conversation(folder).summary["computed-at"] == ""
