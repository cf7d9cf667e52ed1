"""The engine's analysis, turned into what the results page and the routing need (JSON-ready)."""

from collections import Counter
from collections.abc import Sequence
from typing import Any

from opinion_clustering import Analysis, VoteEvent

GROUP_LABELS = "ABCDEFGHIJ"


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def simple_counts(events: Sequence[VoteEvent]) -> dict[str, list[int]]:
    """Agree, disagree and pass per statement: shown before there are enough people for groups."""
    counts: dict[str, list[int]] = {}
    for event in events:
        row = counts.setdefault(str(event.statement_id), [0, 0, 0])
        row[{1: 0, -1: 1, 0: 2}[event.vote]] += 1
    return counts


def analysis_to_results(analysis: Analysis | None, events: Sequence[VoteEvent]) -> dict[str, Any]:
    results: dict[str, Any] = {
        "participants": len({event.participant_id for event in events}),
        "votes": len(events),
        "counts": simple_counts(events),
        "clustered": 0,
        "k": None,
        "groups": [],
        "points": [],
        "consensus": {"agree": [], "disagree": []},
        "group_informed_consensus": {},
        "priorities": {},
    }
    if analysis is None:
        return results

    label_of = {gid: GROUP_LABELS[index] for index, gid in enumerate(analysis.group_ids)}
    sizes = Counter(analysis.groups.values())
    projections = analysis.projections
    results["points"] = [
        [
            round(float(projections[row, 0]), 4),
            round(float(projections[row, 1]), 4),
            label_of.get(analysis.groups.get(pid, -1)),
        ]
        for row, pid in enumerate(analysis.participant_ids)
    ]
    column_of = {sid: column for column, sid in enumerate(analysis.statement_ids)}
    tallies = analysis.group_tallies
    groups = []
    for index, gid in enumerate(analysis.group_ids):
        representative = []
        for statement in analysis.repness.get(gid, ()):
            column = column_of[statement.statement_id]
            seen = int(tallies.seen[index, column])
            representative.append(
                {
                    "statement": statement.statement_id,
                    "direction": statement.repful_for,
                    "percent": _percent(statement.n_success, statement.n_trials),
                    "agree_percent": _percent(int(tallies.agree[index, column]), seen),
                    "disagree_percent": _percent(int(tallies.disagree[index, column]), seen),
                    "seen": seen,
                }
            )
        groups.append(
            {"label": label_of[gid], "size": sizes[gid], "representative": representative}
        )
    results.update(
        clustered=len(analysis.groups),
        k=analysis.k,
        groups=groups,
        consensus={
            direction: [
                {
                    "statement": item.statement_id,
                    "percent": _percent(item.n_success, item.n_trials),
                    "seen": item.n_trials,
                }
                for item in getattr(analysis.consensus, direction)
            ]
            for direction in ("agree", "disagree")
        },
        group_informed_consensus={
            str(sid): round(value, 4) for sid, value in analysis.group_informed_consensus.items()
        },
        priorities={str(sid): round(value, 6) for sid, value in analysis.priorities.items()},
    )
    return results
