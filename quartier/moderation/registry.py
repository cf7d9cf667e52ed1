"""Reportable content: each app registers its kinds in ``AppConfig.ready()``.

Moderation knows no app; it knows these entries. A kind says how to find its city, what to
show in the queue, where it lives, and how it is hidden and shown again (a ``Moderated``
model gets that for free; others, like opinion-map statements, bring their own functions).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class ContentKind:
    key: str  # stable, used in URLs: "idea", "comment", "statement"
    model: type[models.Model]
    city_lookup: str  # the path from the model to its city id, e.g. "idea__city"
    excerpt: Callable[[Any], str]
    url: Callable[[Any], str]
    # Runs after a visibility change, in the same transaction (cache bumps, recomputes, counts);
    # it receives the instance as it was before the change (e.g. still ``awaiting_review``).
    after_change: Callable[[Any], None] = lambda obj: None
    # For models without the Moderated fields: (obj, visible, moderator, reason) -> None,
    # and the filter that selects items waiting for pre-moderation.
    set_visibility: Callable[[Any, bool, Any, str], None] | None = None
    is_hidden: Callable[[Any], bool] | None = None
    pending: Q | None = None

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    def city_id_of(self, obj: Any) -> int:
        value: Any = obj
        *path, last = self.city_lookup.split("__")
        for part in path:
            value = getattr(value, part)
        return int(getattr(value, f"{last}_id"))

    def hidden(self, obj: Any) -> bool:
        if self.is_hidden is not None:
            return self.is_hidden(obj)
        return obj.hidden_at is not None

    def awaiting(self) -> Q:
        return self.pending if self.pending is not None else Q(awaiting_review=True)


_kinds: dict[str, ContentKind] = {}


def register(kind: ContentKind) -> None:
    _kinds[kind.key] = kind


def kinds() -> list[ContentKind]:
    return list(_kinds.values())


def kind_for_key(key: str) -> ContentKind | None:
    return _kinds.get(key)


def kind_for_model(model: type[models.Model]) -> ContentKind | None:
    for kind in _kinds.values():
        if kind.model is model or issubclass(model, kind.model):
            return kind
    return None
