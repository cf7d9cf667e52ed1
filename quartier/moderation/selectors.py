"""Reads for moderators: one queue per city, grouped by the reported content."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Min, QuerySet

from quartier.participation.permissions import can_moderate

from .models import Report
from .registry import ContentKind, kind_for_key, kind_for_model, kinds


@dataclass
class QueueItem:
    kind: ContentKind
    target: Any
    report_count: int = 0
    first_reported_at: datetime | None = None
    reports: list[Report] = field(default_factory=list)
    awaiting_review: bool = False

    @property
    def excerpt(self) -> str:
        return self.kind.excerpt(self.target)

    @property
    def url(self) -> str:
        return self.kind.url(self.target)

    @property
    def is_hidden(self) -> bool:
        return self.kind.hidden(self.target)

    @property
    def reasons(self) -> list[str]:
        return sorted({report.get_reason_display() for report in self.reports})


def report_groups(*, city, viewer, include_resolved: bool = False) -> QuerySet:
    """Reported content of the city, most reported first: one row per target."""
    if not can_moderate(user=viewer, city=city):
        return Report.objects.none().values("content_type", "object_id")
    reports = Report.objects.filter(city=city)
    if not include_resolved:
        reports = reports.filter(resolved_at__isnull=True)
    return (
        reports.values("content_type", "object_id")
        .annotate(count=Count("id"), first=Min("created_at"), last=Max("created_at"))
        .order_by("-count", "first", "object_id")
    )


def queue_items(*, city, groups, include_resolved: bool = False) -> list[QueueItem]:
    """The page's groups with their content and reports, in a few queries per kind."""
    groups = list(groups)
    by_type: dict[int, list[int]] = {}
    for group in groups:
        by_type.setdefault(group["content_type"], []).append(group["object_id"])
    targets: dict[tuple[int, int], Any] = {}
    kinds_by_type: dict[int, ContentKind] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        kind = kind_for_model(model) if model is not None else None
        if kind is None:
            continue
        kinds_by_type[type_id] = kind
        for obj in _with_relations(kind).filter(pk__in=ids):
            targets[(type_id, obj.pk)] = obj
    reports = Report.objects.filter(city=city).select_related("reporter").order_by("created_at")
    if not include_resolved:
        reports = reports.filter(resolved_at__isnull=True)
    report_rows: dict[tuple[int, int], list[Report]] = {}
    for type_id, ids in by_type.items():
        for report in reports.filter(content_type_id=type_id, object_id__in=ids):
            report_rows.setdefault((type_id, report.object_id), []).append(report)
    items = []
    for group in groups:
        key = (group["content_type"], group["object_id"])
        if key not in targets:
            continue  # the content is gone (a conversation deleted in the admin, say)
        items.append(
            QueueItem(
                kind=kinds_by_type[group["content_type"]],
                target=targets[key],
                report_count=group["count"],
                first_reported_at=group["first"],
                reports=report_rows.get(key, []),
            )
        )
    return items


def _with_relations(kind: ContentKind) -> QuerySet:
    queryset = kind.model._default_manager.all()
    return queryset.select_related(kind.city_lookup)


def awaiting_review(*, city, viewer, limit: int = 200) -> list[QueueItem]:
    """Content held back by pre-moderation, oldest first (they wait for us)."""
    if not can_moderate(user=viewer, city=city):
        return []
    items: list[QueueItem] = []
    for kind in kinds():
        queryset = _with_relations(kind).filter(kind.awaiting(), **{kind.city_lookup: city.pk})
        items.extend(
            QueueItem(kind=kind, target=obj, awaiting_review=True)
            for obj in queryset.order_by("pk")[:limit]
        )
    return items[:limit]


def moderated_target(*, city, kind_key: str, object_id: int) -> tuple[ContentKind, Any] | None:
    """The content named in a moderation URL, if it is of a known kind and in this city."""
    kind = kind_for_key(kind_key)
    if kind is None:
        return None
    target = _with_relations(kind).filter(pk=object_id, **{kind.city_lookup: city.pk}).first()
    return None if target is None else (kind, target)
