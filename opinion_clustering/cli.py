"""quartier-opinion: analyse a conversation folder in Polis' openData layout."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from opinion_clustering.conversation import Analysis, ClusteringOptions, analyze
from opinion_clustering.opendata import (
    UNMODERATED,
    OpenDataConversation,
    read_conversation,
    write_conversation,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quartier-opinion", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_command = commands.add_parser("analyze", help="opinion groups, consensus, repness")
    analyze_command.add_argument("folder", type=Path, help="folder with votes.csv, comments.csv")
    analyze_command.add_argument("--format", choices=("json", "text"), default="text")
    analyze_command.add_argument("--k", type=int, default=None, help="force the number of groups")
    analyze_command.add_argument(
        "--exclude-unmoderated",
        action="store_true",
        help="zero statements not yet accepted, as for a strictly moderated conversation",
    )
    export_command = commands.add_parser(
        "export", help="rewrite a folder in the openData layout with our groups and consensus"
    )
    export_command.add_argument("folder", type=Path)
    export_command.add_argument("output", type=Path)
    export_command.add_argument("--k", type=int, default=None)
    return parser


def _analyze(
    conversation: OpenDataConversation, k: int | None, exclude_unmoderated: bool = False
) -> Analysis:
    moderated_out = set(conversation.moderated_out)
    if exclude_unmoderated:
        moderated_out |= {s.id for s in conversation.statements if s.moderated == UNMODERATED}
    return analyze(
        conversation.vote_matrix(),
        moderated_out=moderated_out,
        meta=conversation.meta,
        options=ClusteringOptions(forced_k=k),
    )


def analysis_as_json(analysis: Analysis) -> dict[str, Any]:
    return {
        "participants_clustered": len(analysis.groups),
        "k": analysis.k,
        "groups": {str(pid): group for pid, group in sorted(analysis.groups.items())},
        "group_informed_consensus": {
            str(tid): value for tid, value in analysis.group_informed_consensus.items()
        },
        "repness": {
            str(group): [asdict(statement) for statement in statements]
            for group, statements in analysis.repness.items()
        },
        "consensus": {
            "agree": [asdict(statement) for statement in analysis.consensus.agree],
            "disagree": [asdict(statement) for statement in analysis.consensus.disagree],
        },
        "common_ground": {
            "agree": [asdict(statement) for statement in analysis.common_ground.agree],
            "disagree": [asdict(statement) for statement in analysis.common_ground.disagree],
        },
        "silhouettes": {str(k): value for k, value in analysis.silhouettes.items()},
        "participants_in_conversation": len(analysis.in_conversation),
    }


def _text_report(analysis: Analysis) -> str:
    lines = [
        f"participants clustered: {len(analysis.groups)} "
        f"(in conversation: {len(analysis.in_conversation)})",
        f"groups (k = {analysis.k}):",
    ]
    for group_id in analysis.group_ids:
        size = sum(1 for g in analysis.groups.values() if g == group_id)
        representative = ", ".join(
            f"{s.statement_id} ({s.repful_for} {s.n_success}/{s.n_trials})"
            for s in analysis.repness.get(group_id, ())
        )
        lines.append(f"  group {group_id}: {size} participants; representative: {representative}")
    top = sorted(analysis.group_informed_consensus.items(), key=lambda item: -item[1])[:5]
    lines.append("group-informed consensus (top 5):")
    lines.extend(f"  statement {tid}: {value:.4f}" for tid, value in top)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    conversation = read_conversation(arguments.folder)
    if arguments.command == "analyze":
        analysis = _analyze(conversation, arguments.k, arguments.exclude_unmoderated)
        if arguments.format == "json":
            json.dump(analysis_as_json(analysis), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print(_text_report(analysis))
        return 0
    analysis = _analyze(conversation, arguments.k)
    write_conversation(
        arguments.output,
        votes=conversation.votes,
        statements=conversation.statements,
        analysis=analysis,
        summary=conversation.summary,
    )
    return 0
