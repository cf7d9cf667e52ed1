"""Similar ideas of the same city, so that people join forces instead of proposing the same
thing twice (#11). The ranking is the framework-free ``similar_ideas`` package (BM25); this
module keeps one index per city and server process and brings it up to date when the city's
public idea layer changes (``City.ideas_changed_at``, which every submission, edit, withdrawal
and moderation decision moves). Bringing it up to date reads the ids and edit times of the
city's public ideas and re-reads only those that changed. The first build in a process reads
them all: for 100,000 ideas the engine alone takes about 10 s (docs/benchmarks.md), so a city
of that size would build it in the task worker first; Dortmund's hundreds take milliseconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from quartier.cities.models import City
from similar_ideas import Index

from .models import Idea

# A match below this share of the idea's score against itself is noise (a shared common word).
MIN_SHARE_OF_OWN_SCORE = 0.2
_BATCH = 1_000


@dataclass
class _CityIndex:
    version: datetime | None = None
    index: Index[int] = field(default_factory=Index)
    stamps: dict[int, datetime] = field(default_factory=dict)  # idea id -> updated_at indexed


_indexes: dict[int, _CityIndex] = {}
_lock = threading.Lock()


def _public(city: City):
    return Idea.objects.filter(city=city, hidden_at__isnull=True, withdrawn_at__isnull=True)


def _text(idea: Idea) -> str:
    return f"{idea.summary}\n{idea.description}"


def _index_for(city: City) -> Index[int]:
    with _lock:
        entry = _indexes.setdefault(city.pk, _CityIndex())
        if entry.version is not None and entry.version == city.ideas_changed_at:
            return entry.index
        now = dict(_public(city).values_list("id", "updated_at"))
        for gone in entry.stamps.keys() - now.keys():
            entry.index.remove(gone)
            del entry.stamps[gone]
        changed = [pk for pk, at in now.items() if entry.stamps.get(pk) != at]
        for start in range(0, len(changed), _BATCH):
            batch = _public(city).filter(pk__in=changed[start : start + _BATCH])
            for idea in batch.only("id", "title", "summary", "description", "updated_at"):
                entry.index.add(idea.pk, idea.title, _text(idea))
                entry.stamps[idea.pk] = idea.updated_at
        entry.version = city.ideas_changed_at
        return entry.index


def similar_to(*, idea: Idea, k: int = 3) -> list[Idea]:
    """Up to ``k`` public ideas of the idea's city most like it, best first."""
    return _similar(idea.city, idea.title, _text(idea), k=k, idea_id=idea.pk)


def similar_to_draft(*, city: City, title: str, text: str, k: int = 5) -> list[Idea]:
    """Up to ``k`` public ideas of the city like the one being typed, best first."""
    return _similar(city, title, text, k=k, idea_id=None)


def _similar(city: City, title: str, text: str, *, k: int, idea_id: int | None) -> list[Idea]:
    index = _index_for(city)
    with _lock:
        # Measured against itself: a match needs a share of that score. A draft is measured
        # without being added, so what strangers type never grows the index.
        matches = index.similar(title, text, k=k, exclude={idea_id} if idea_id else None)
        best = index.own_score(title, text)
    if not matches:
        return []
    best = max(best, matches[0].score)
    wanted = [m.doc_id for m in matches if m.score >= MIN_SHARE_OF_OWN_SCORE * best]
    found = _public(city).select_related("district").in_bulk(wanted)
    return [found[pk] for pk in wanted if pk in found]


def forget_indexes() -> None:
    """For tests: every city's index is built again on its next use."""
    with _lock:
        _indexes.clear()
