"""How well a ranker finds the duplicates of a labelled set (tests/fixtures/labelled_ideas.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from similar_ideas.index import Index


@dataclass(frozen=True)
class LabelledIdea:
    id: str
    title: str
    text: str
    group: str | None  # ideas of one group are the same proposal; None for a distractor


def read_labelled(path: Path) -> list[LabelledIdea]:
    """The fixture's "ideas": objects with id, title, text and group (null for a distractor)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return [
        LabelledIdea(item["id"], item["title"], item["text"], item.get("group"))
        for item in document["ideas"]
    ]


def precision_at_k(index: Index[str], labelled: Sequence[LabelledIdea], k: int = 5) -> float:
    """Mean over every idea with at least one duplicate of hits / min(k, duplicates).

    The idea's own title and text are the query, the idea itself excluded; hits are its
    duplicates (the other ideas of its group) among the top k. Dividing by min(k, duplicates)
    rather than k makes 1.0 reachable for a group of two (one duplicate in five places would
    otherwise score at most 0.2); with k at least the group size it is recall at k. The index may
    hold more ideas than the labelled set (distractors at scale).
    """
    groups: dict[str, set[str]] = {}
    for idea in labelled:
        if idea.group is not None:
            groups.setdefault(idea.group, set()).add(idea.id)
    shares = []
    for idea in labelled:
        if idea.group is None or len(groups[idea.group]) < 2:
            continue
        duplicates = groups[idea.group] - {idea.id}
        found = index.similar(idea.title, idea.text, k=k, exclude={idea.id})
        hits = sum(1 for match in found if match.doc_id in duplicates)
        shares.append(hits / min(k, len(duplicates)))
    return sum(shares) / len(shares) if shares else 0.0
