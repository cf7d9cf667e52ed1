"""Every moderation write: reports, hiding and showing content, pre-moderation decisions.

Each decision is written to the city's audit log in the same transaction.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.permissions import can_participate
from quartier.cities.models import City
from quartier.core.errors import PermissionDenied
from quartier.core.rate_limits import rate_limit_check
from quartier.core.text import text_check
from quartier.participation.permissions import can_administer_city, can_moderate
from quartier.participation.services import audit_record
from quartier.participation.vocabulary import AuditAction

from .errors import ModerationError
from .models import Report, ReportReason
from .registry import ContentKind, kind_for_model


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    text = text_check((value or "").replace("\x00", "").strip(), field=field)
    if required and not text:
        raise ModerationError(_("%(field)s must not be empty.") % {"field": field})
    if len(text) > max_length:
        raise ModerationError(
            _("%(field)s is too long (%(length)d characters; at most %(max)d).")
            % {"field": field, "length": len(text), "max": max_length}
        )
    return text


def _kind(obj: Any) -> ContentKind:
    kind = kind_for_model(type(obj))
    if kind is None:
        raise ModerationError(_("This kind of content cannot be moderated."))
    return kind


def _city_of(obj: Any) -> City:
    return City.objects.get(pk=_kind(obj).city_id_of(obj))


def _require_moderator(user, city: City) -> None:
    if not can_moderate(user=user, city=city):
        raise PermissionDenied(_("Only this city's moderators can do this."))


def _open_reports(obj: Any):
    return Report.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        resolved_at__isnull=True,
    )


def _resolve_reports(obj: Any, *, moderator, resolution: str) -> int:
    return _open_reports(obj).update(
        resolved_at=timezone.now(), resolved_by=moderator, resolution=resolution[:300]
    )


def reports_resolve(*, target: Any, moderator, resolution: str) -> int:
    """Resolve the open reports on content a domain's own moderation has just decided on
    (an opinion map's opener moderating out a statement); the caller checked the permission."""
    return _resolve_reports(target, moderator=moderator, resolution=resolution)


def premoderation_fields(*, city: City) -> dict[str, Any]:
    """What a new Moderated row starts with: hidden and waiting when the city pre-moderates."""
    if not city.premoderation:
        return {}
    return {"hidden_at": timezone.now(), "awaiting_review": True, "ever_published": False}


def report_create(*, reporter, target: Any, reason: str, details: str = "") -> Report:
    """Report content; a second report of the same thing by the same person adds nothing."""
    if not can_participate(user=reporter):
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))
    kind = _kind(target)
    if kind.hidden(target):
        raise ModerationError(_("This content is already hidden."))
    if reason not in ReportReason.values:
        raise ModerationError(_("Please choose a reason for the report."))
    details = clean_text(details, field=_("Details"), max_length=1_000, required=False)
    lookup = {
        "content_type": ContentType.objects.get_for_model(type(target)),
        "object_id": target.pk,
        "reporter": reporter,
        "resolved_at__isnull": True,
    }
    existing = Report.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    rate_limit_check(action="report_create", actor_id=reporter.pk, limit=20, period_seconds=3600)
    try:
        with transaction.atomic():
            return Report.objects.create(
                city_id=kind.city_id_of(target),
                content_type=lookup["content_type"],
                object_id=target.pk,
                reporter=reporter,
                reason=reason,
                details=details,
            )
    except IntegrityError:  # the same person, a second tab, the same moment
        return Report.objects.get(**lookup)


def _set_visibility(kind: ContentKind, obj: Any, *, visible: bool, moderator, reason: str) -> None:
    if kind.set_visibility is not None:
        kind.set_visibility(obj, visible, moderator, reason)
    else:
        fields = (
            {"hidden_at": None, "hidden_reason": "", "hidden_by": None, "ever_published": True}
            if visible
            else {"hidden_at": timezone.now(), "hidden_reason": reason, "hidden_by": moderator}
        )
        type(obj).objects.filter(pk=obj.pk).update(awaiting_review=False, **fields)
    kind.after_change(obj)


@transaction.atomic
def content_hide(*, target: Any, moderator, reason: str) -> Any:
    """Hide content with a public reason; its open reports are resolved with that reason."""
    kind = _kind(target)
    city = _city_of(target)
    _require_moderator(moderator, city)
    reason = clean_text(reason, field=_("Reason"), max_length=300)
    _set_visibility(kind, target, visible=False, moderator=moderator, reason=reason)
    resolved = _resolve_reports(target, moderator=moderator, resolution=reason)
    audit_record(
        city=city,
        actor=moderator,
        action=AuditAction.HIDE,
        target=target,
        reason=reason,
        detail={"reports_resolved": resolved},
    )
    target.refresh_from_db()
    return target


@transaction.atomic
def content_unhide(*, target: Any, moderator, reason: str = "") -> Any:
    """Show hidden content again; content still waiting for review is approved instead."""
    kind = _kind(target)
    city = _city_of(target)
    _require_moderator(moderator, city)
    if type(target).objects.filter(kind.awaiting(), pk=target.pk).exists():
        return content_approve(target=target, moderator=moderator)
    reason = clean_text(reason, field=_("Reason"), max_length=300, required=False)
    _set_visibility(kind, target, visible=True, moderator=moderator, reason="")
    audit_record(
        city=city, actor=moderator, action=AuditAction.UNHIDE, target=target, reason=reason
    )
    target.refresh_from_db()
    return target


@transaction.atomic
def reports_dismiss(*, target: Any, moderator, resolution: str) -> int:
    """Close the open reports on this content without changing it."""
    city = _city_of(target)
    _require_moderator(moderator, city)
    resolution = clean_text(resolution, field=_("Resolution"), max_length=300)
    resolved = _resolve_reports(target, moderator=moderator, resolution=resolution)
    audit_record(
        city=city,
        actor=moderator,
        action=AuditAction.DISMISS,
        target=target,
        reason=resolution,
        detail={"reports_resolved": resolved},
    )
    return resolved


def _require_awaiting(kind: ContentKind, target: Any) -> None:
    if not type(target).objects.filter(kind.awaiting(), pk=target.pk).exists():
        raise ModerationError(_("This content is not waiting for review."))


@transaction.atomic
def content_approve(*, target: Any, moderator) -> Any:
    """Pre-moderation: publish content that was waiting for review."""
    kind = _kind(target)
    city = _city_of(target)
    _require_moderator(moderator, city)
    _require_awaiting(kind, target)
    _set_visibility(kind, target, visible=True, moderator=moderator, reason="")
    audit_record(city=city, actor=moderator, action=AuditAction.APPROVE, target=target)
    target.refresh_from_db()
    return target


@transaction.atomic
def content_reject(*, target: Any, moderator, reason: str) -> Any:
    """Pre-moderation: keep it hidden, with a reason its author sees."""
    kind = _kind(target)
    city = _city_of(target)
    _require_moderator(moderator, city)
    _require_awaiting(kind, target)
    reason = clean_text(reason, field=_("Reason"), max_length=300)
    _set_visibility(kind, target, visible=False, moderator=moderator, reason=reason)
    _resolve_reports(target, moderator=moderator, resolution=reason)
    audit_record(
        city=city, actor=moderator, action=AuditAction.REJECT, target=target, reason=reason
    )
    target.refresh_from_db()
    return target


@transaction.atomic
def premoderation_set(*, city: City, enabled: bool, actor) -> City:
    """Switch pre-moderation for the whole city (new content waits for a moderator)."""
    if not can_administer_city(user=actor, city=city):
        raise PermissionDenied(_("Only the city's administrators can change this."))
    City.objects.filter(pk=city.pk).update(premoderation=enabled)
    city.premoderation = enabled
    audit_record(
        city=city, actor=actor, action=AuditAction.PREMODERATION, detail={"enabled": enabled}
    )
    return city


def personal_data_export(*, user) -> list[dict]:
    return [
        {
            "content": report.content_type.model,
            "id": report.object_id,
            "reason": report.reason,
            "details": report.details,
            "created_at": report.created_at.isoformat(),
            "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
        }
        for report in Report.objects.filter(reporter=user).select_related("content_type")
    ]


def personal_data_erase(*, user) -> None:
    # A report's free text may describe the reporter; the fact of the report stays.
    Report.objects.filter(reporter=user).update(details="", reporter=None)
