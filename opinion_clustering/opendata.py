"""Polis' openData CSV layout (votes, comments, participants-votes, summary): read and write.

Votes in these files use the export sign: +1 agree, -1 disagree, 0 pass.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from opinion_clustering.conversation import Analysis
from opinion_clustering.votes import AGREE, DISAGREE, INTERNAL_SIGN, VoteEvent, VoteMatrix

MODERATED_OUT = -1
UNMODERATED = 0
ACCEPTED = 1


@dataclass(frozen=True)
class Statement:
    id: int
    author_id: int | None = None
    moderated: int = ACCEPTED
    is_meta: bool = False
    is_seed: bool = False
    body: str = ""
    timestamp: int = 0
    group_informed_consensus: float | None = None  # as exported by Polis, when present


@dataclass(frozen=True)
class Participant:
    id: int
    group_id: int | None = None
    xid: str = ""


@dataclass(frozen=True)
class ExportedAnalysis:
    """What an export says about an analysis: groups, group-informed consensus, when.

    An application that stores its analysis (rather than the engine's `Analysis` object) passes
    this, so that the export carries exactly the analysis it shows.
    """

    groups: Mapping[int, int]  # participant id -> group id, clustered participants only
    group_informed_consensus: Mapping[int, float]
    in_conversation: int
    group_count: int
    computed_at: str = ""  # ISO 8601; empty when unknown
    votes: int | None = None  # how many votes the analysis saw, when known

    @classmethod
    def of(cls, analysis: Analysis, *, computed_at: str = "") -> ExportedAnalysis:
        return cls(
            groups=analysis.groups,
            group_informed_consensus=analysis.group_informed_consensus,
            in_conversation=len(analysis.in_conversation),
            group_count=len(analysis.group_clusters),
            computed_at=computed_at,
        )


def _exported(analysis: Analysis | ExportedAnalysis | None) -> ExportedAnalysis | None:
    return ExportedAnalysis.of(analysis) if isinstance(analysis, Analysis) else analysis


@dataclass(frozen=True)
class OpenDataConversation:
    votes: tuple[VoteEvent, ...]
    statements: tuple[Statement, ...] = ()
    participants: tuple[Participant, ...] = ()
    summary: Mapping[str, str] = field(default_factory=dict)

    def vote_matrix(self) -> VoteMatrix:
        return VoteMatrix.from_events(self.votes)

    @property
    def moderated_out(self) -> frozenset[int]:
        return frozenset(s.id for s in self.statements if s.moderated == MODERATED_OUT)

    @property
    def meta(self) -> frozenset[int]:
        return frozenset(s.id for s in self.statements if s.is_meta)


def _optional_int(text: str | None) -> int | None:
    return None if text is None or text.strip() == "" else int(float(text))


def _flag(text: str | None) -> bool:
    return (text or "").strip().lower() in {"true", "1", "t", "yes"}


def read_conversation(folder: Path) -> OpenDataConversation:
    """Read whichever of the four files exist; votes.csv is required."""
    return OpenDataConversation(
        votes=tuple(read_votes(folder / "votes.csv")),
        statements=tuple(read_statements(folder / "comments.csv"))
        if (folder / "comments.csv").exists()
        else (),
        participants=tuple(read_participants(folder / "participants-votes.csv"))
        if (folder / "participants-votes.csv").exists()
        else (),
        summary=read_summary(folder / "summary.csv") if (folder / "summary.csv").exists() else {},
    )


def read_votes(path: Path) -> list[VoteEvent]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            VoteEvent(
                participant_id=int(row["voter-id"]),
                statement_id=int(row["comment-id"]),
                vote=int(float(row["vote"])),
                timestamp=int(float(row.get("timestamp") or 0)),
            )
            for row in csv.DictReader(handle)
        ]


def read_statements(path: Path) -> list[Statement]:
    with path.open(newline="", encoding="utf-8") as handle:
        statements = []
        for row in csv.DictReader(handle):
            consensus = (row.get("group-informed-consensus") or "").strip()
            statements.append(
                Statement(
                    id=int(row["comment-id"]),
                    author_id=_optional_int(row.get("author-id")),
                    moderated=_optional_int(row.get("moderated")) or 0,
                    is_meta=_flag(row.get("is-meta")),
                    is_seed=_flag(row.get("is-seed")),
                    body=row.get("comment-body") or "",
                    timestamp=_optional_int(row.get("timestamp")) or 0,
                    group_informed_consensus=float(consensus) if consensus else None,
                )
            )
        return statements


def read_participants(path: Path) -> list[Participant]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Participant(
                id=int(row["participant"]),
                group_id=_optional_int(row.get("group-id")),
                xid=row.get("xid") or "",
            )
            for row in csv.DictReader(handle)
        ]


def read_summary(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row[0]: row[1] if len(row) > 1 else "" for row in csv.reader(handle) if row}


def _export_datetime(timestamp_ms: int) -> str:
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def write_conversation(
    folder: Path,
    *,
    votes: Sequence[VoteEvent],
    statements: Sequence[Statement],
    analysis: Analysis | ExportedAnalysis | None = None,
    summary: Mapping[str, str] | None = None,
) -> None:
    """Write the four files; groups and group-informed consensus come from `analysis` if given."""
    analysis = _exported(analysis)
    folder.mkdir(parents=True, exist_ok=True)
    ordered_votes = sorted(votes, key=lambda event: event.timestamp)
    matrix = VoteMatrix.from_events(ordered_votes)
    write_votes(folder / "votes.csv", ordered_votes)
    write_statements(folder / "comments.csv", statements, matrix, analysis)
    write_participants(folder / "participants-votes.csv", statements, matrix, analysis)
    write_summary(folder / "summary.csv", _summary(matrix, statements, analysis, summary or {}))


def write_votes(path: Path, votes: Iterable[VoteEvent]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for event in votes:
            writer.writerow(
                [
                    event.timestamp,
                    _export_datetime(event.timestamp),
                    event.statement_id,
                    event.participant_id,
                    event.vote,
                ]
            )


def _vote_totals(matrix: VoteMatrix, vote: int) -> dict[int, int]:
    internal = -float(vote)
    counts = (matrix.values == internal).sum(axis=0).tolist()
    return dict(zip(matrix.statement_ids, counts, strict=True))


def write_statements(
    path: Path,
    statements: Sequence[Statement],
    matrix: VoteMatrix,
    analysis: Analysis | ExportedAnalysis | None,
) -> None:
    analysis = _exported(analysis)
    agrees, disagrees = _vote_totals(matrix, AGREE), _vote_totals(matrix, DISAGREE)
    consensus = analysis.group_informed_consensus if analysis else {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "is-meta",
                "is-seed",
                "group-informed-consensus",
                "comment-body",
            ]
        )
        for statement in statements:
            value = consensus.get(statement.id)
            writer.writerow(
                [
                    statement.timestamp,
                    _export_datetime(statement.timestamp),
                    statement.id,
                    "" if statement.author_id is None else statement.author_id,
                    agrees.get(statement.id, 0),
                    disagrees.get(statement.id, 0),
                    statement.moderated,
                    str(statement.is_meta).lower(),
                    str(statement.is_seed).lower(),
                    "" if value is None else repr(value),
                    statement.body,
                ]
            )


def write_participants(
    path: Path,
    statements: Sequence[Statement],
    matrix: VoteMatrix,
    analysis: Analysis | ExportedAnalysis | None,
) -> None:
    analysis = _exported(analysis)
    statement_ids = sorted({s.id for s in statements} | set(matrix.statement_ids))
    authored: dict[int, int] = {}
    for statement in statements:
        if statement.author_id is not None:
            authored[statement.author_id] = authored.get(statement.author_id, 0) + 1
    participant_ids = sorted(set(matrix.participant_ids) | set(authored))
    # Export sign (+1 agree) on a grid of every participant and statement; NaN where unvoted.
    grid = np.full((len(participant_ids), len(statement_ids)), np.nan)
    row_of = {pid: row for row, pid in enumerate(participant_ids)}
    column_of = {tid: column for column, tid in enumerate(statement_ids)}
    rows = np.array([row_of[p] for p in matrix.participant_ids], dtype=np.intp)
    columns = np.array([column_of[t] for t in matrix.statement_ids], dtype=np.intp)
    grid[np.ix_(rows, columns)] = INTERNAL_SIGN * matrix.values
    codes = np.where(np.isnan(grid), 3, grid + 1).astype(np.intp)
    cell_text = ("-1", "0", "1", "")
    groups = analysis.groups if analysis else {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
            + [str(tid) for tid in statement_ids]
        )
        for row, participant in enumerate(participant_ids):
            votes = grid[row]
            group = groups.get(participant)
            writer.writerow(
                [
                    participant,
                    "" if group is None else group,
                    authored.get(participant, 0),
                    int((~np.isnan(votes)).sum()),
                    int((votes == AGREE).sum()),
                    int((votes == DISAGREE).sum()),
                ]
                + [cell_text[code] for code in codes[row].tolist()]
            )


def _summary(
    matrix: VoteMatrix,
    statements: Sequence[Statement],
    analysis: ExportedAnalysis | None,
    given: Mapping[str, str],
) -> dict[str, str]:
    summary = dict(given)
    summary["voters"] = str(len(matrix.participant_ids))
    summary["voters-in-conv"] = str(analysis.in_conversation if analysis else 0)
    summary["commenters"] = str(len({s.author_id for s in statements if s.author_id is not None}))
    summary["comments"] = str(len(statements))
    summary["groups"] = str(analysis.group_count if analysis else 0)
    # Not in Polis' exports: when the groups and consensus above were computed, and from how
    # many votes (votes.csv may hold later ones).
    summary["computed-at"] = analysis.computed_at if analysis else ""
    if analysis is not None and analysis.votes is not None:
        summary["votes-in-analysis"] = str(analysis.votes)
    return summary


def write_summary(path: Path, summary: Mapping[str, str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for key, value in summary.items():
            writer.writerow([key, value])
