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


def _common_ground(analysis: Analysis, label_of: dict[int, str]) -> dict[str, list[dict]]:
    """Every group's share beside each common-ground statement, so the page can show them."""
    column_of = {sid: column for column, sid in enumerate(analysis.statement_ids)}
    row_of = {gid: row for row, gid in enumerate(analysis.group_ids)}
    tallies = analysis.group_tallies
    shaped: dict[str, list[dict]] = {}
    for direction in ("agree", "disagree"):
        shaped[direction] = []
        for item in getattr(analysis.common_ground, direction):
            column = column_of[item.statement_id]
            shares = []
            for share in item.shares:
                row = row_of[share.group_id]
                shares.append(
                    {
                        "label": label_of[share.group_id],
                        "percent": _percent(share.n_success, share.n_trials),
                        "agree": int(tallies.agree[row, column]),
                        "disagree": int(tallies.disagree[row, column]),
                        "seen": share.n_trials,
                    }
                )
            shaped[direction].append(
                {"statement": item.statement_id, "score": item.score, "groups": shares}
            )
    return shaped


def analysis_to_results(analysis: Analysis | None, events: Sequence[VoteEvent]) -> dict[str, Any]:
    results: dict[str, Any] = {
        "participants": len({event.participant_id for event in events}),
        "votes": len(events),
        "counts": simple_counts(events),
        "clustered": 0,
        "k": None,
        "groups": [],
        "points": [],
        "in_conversation": 0,
        "membership": {},
        "consensus": {"agree": [], "disagree": []},
        "common_ground": {"agree": [], "disagree": []},
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
            {
                "id": gid,
                "label": label_of[gid],
                "size": sizes[gid],
                "representative": representative,
            }
        )
    results.update(
        clustered=len(analysis.groups),
        in_conversation=len(analysis.in_conversation),
        k=analysis.k,
        groups=groups,
        # Who is in which group: the export's group-id column (the page shows only the dots).
        membership={str(pid): gid for pid, gid in sorted(analysis.groups.items())},
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
        common_ground=_common_ground(analysis, label_of),
        # Unrounded: the export publishes these values, and they must match what Polis computes.
        group_informed_consensus={
            str(sid): value for sid, value in analysis.group_informed_consensus.items()
        },
        priorities={str(sid): round(value, 6) for sid, value in analysis.priorities.items()},
    )
    return results
