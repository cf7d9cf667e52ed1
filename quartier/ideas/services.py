"""Every write on ideas, comments, supports and reports goes through one of these functions."""

from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import InnovatorType, User
from quartier.accounts.permissions import can_moderate, can_participate
from quartier.cities.models import City
from quartier.cities.services import city_touch_ideas, district_for_idea_location
from quartier.core.errors import PermissionDenied
from quartier.core.rate_limits import rate_limit_check

from .errors import IdeaError
from .images import image_process
from .markdown import render_markdown
from .models import (
    Comment,
    Idea,
    IdeaImage,
    InnovationKind,
    Report,
    ReportReason,
    Source,
    Support,
)


def _require_participant(user: User) -> None:
    if not can_participate(user=user):
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))


def _require_moderator(user: User) -> None:
    if not can_moderate(user=user):
        raise PermissionDenied(_("Only moderators can do this."))


def _clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise IdeaError(_("%(field)s must not be empty.") % {"field": field})
    if len(text) > max_length:
        raise IdeaError(
            _("%(field)s is too long (%(length)d characters; at most %(max)d).")
            % {"field": field, "length": len(text), "max": max_length}
        )
    return text


def idea_submit(
    *,
    city: City,
    author: User,
    title: str,
    summary: str,
    description: str,
    kind: str,
    innovator_type: str,
    lat: float,
    lon: float,
    images: Sequence[UploadedFile] = (),
    image_alt_texts: Sequence[str] = (),
    source: str = Source.ONLINE,
    analog_origin: str = "",
    is_example: bool = False,
) -> Idea:
    """Submit an idea at a place on the map; its district is found from the point."""
    if source == Source.ANALOG:
        # Paper cards from neighbourhood events are typed in by staff, who vouch for them.
        _require_moderator(author)
    else:
        _require_participant(author)
    if kind not in InnovationKind.values:
        raise IdeaError(_("Unknown kind of innovation."))
    if innovator_type not in InnovatorType.values:
        raise IdeaError(_("Unknown innovator type."))
    if len(images) > settings.IDEA_IMAGE_MAX_COUNT:
        raise IdeaError(
            _("At most %(count)d images per idea.") % {"count": settings.IDEA_IMAGE_MAX_COUNT}
        )
    title = _clean_text(title, field=_("Title"), max_length=120)
    summary = _clean_text(summary, field=_("Summary"), max_length=300)
    description = _clean_text(description, field=_("Description"), max_length=10_000)
    district = district_for_idea_location(city=city, lat=lat, lon=lon)
    # Process every image before writing anything: one bad file refuses the whole submission.
    processed = [
        image_process(upload, max_bytes=settings.IDEA_IMAGE_MAX_BYTES) for upload in images
    ]
    rate_limit_check(action="idea_submit", actor_id=author.pk, limit=10, period_seconds=3600)

    with transaction.atomic():
        idea = Idea.objects.create(
            city=city,
            district=district,
            author=author,
            title=title,
            summary=summary,
            description=description,
            description_html=render_markdown(description),
            kind=kind,
            innovator_type=innovator_type,
            lat=lat,
            lon=lon,
            source=source,
            analog_origin=analog_origin.strip()[:200] if source == Source.ANALOG else "",
            is_example=is_example,
        )
        for position, picture in enumerate(processed):
            alt_text = image_alt_texts[position] if position < len(image_alt_texts) else ""
            IdeaImage.objects.create(
                idea=idea,
                image=picture.image,
                thumbnail=picture.thumbnail,
                width=picture.width,
                height=picture.height,
                position=position,
                alt_text=alt_text.strip()[:200],
            )
        city_touch_ideas(city=city)
    return idea


def idea_support(*, idea: Idea, user: User) -> bool:
    """Support an idea once; returns False when this person already supported it."""
    _require_participant(user)
    if idea.is_hidden:
        raise IdeaError(_("This idea is hidden and cannot be supported."))
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=user)
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False  # the unique constraint caught a double click or a second tab
    idea.refresh_from_db(fields=["support_count"])
    return True


def idea_unsupport(*, idea: Idea, user: User) -> bool:
    _require_participant(user)
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(idea=idea, user=user).delete()
        if deleted:
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") - 1)
    idea.refresh_from_db(fields=["support_count"])
    return bool(deleted)


def comment_add(*, idea: Idea, author: User, body: str, parent: Comment | None = None) -> Comment:
    _require_participant(author)
    if idea.is_hidden:
        raise IdeaError(_("This idea is hidden and cannot be commented on."))
    body = _clean_text(body, field=_("Comment"), max_length=2_000)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise IdeaError(_("The comment you reply to belongs to another idea."))
        # Replies to replies attach to the thread's top comment: one level of nesting.
        if parent.parent_id is not None:
            parent = parent.parent
    rate_limit_check(action="comment_add", actor_id=author.pk, limit=30, period_seconds=600)
    with transaction.atomic():
        comment = Comment.objects.create(idea=idea, author=author, body=body, parent=parent)
        Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    return comment


def report_create(
    *,
    reporter: User,
    reason: str,
    details: str = "",
    idea: Idea | None = None,
    comment: Comment | None = None,
) -> Report:
    _require_participant(reporter)
    if (idea is None) == (comment is None):
        raise IdeaError(_("A report is about exactly one idea or one comment."))
    if reason not in ReportReason.values:
        raise IdeaError(_("Please choose a reason for the report."))
    details = _clean_text(details, field=_("Details"), max_length=1_000, required=False)
    rate_limit_check(action="report_create", actor_id=reporter.pk, limit=20, period_seconds=3600)
    target_idea = idea if idea is not None else comment.idea  # type: ignore[union-attr]
    return Report.objects.create(
        city_id=target_idea.city_id,
        idea=idea,
        comment=comment,
        reporter=reporter,
        reason=reason,
        details=details,
    )


def _resolve_reports(*, reports, moderator: User, resolution: str) -> None:
    reports.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator, resolution=resolution[:300]
    )


def idea_hide(*, idea: Idea, moderator: User, reason: str) -> Idea:
    _require_moderator(moderator)
    reason = _clean_text(reason, field=_("Reason"), max_length=300)
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(
            hidden_at=timezone.now(), hidden_reason=reason, hidden_by=moderator
        )
        _resolve_reports(reports=idea.reports.all(), moderator=moderator, resolution=reason)
        city_touch_ideas(city=idea.city)
    idea.refresh_from_db()
    return idea


def idea_unhide(*, idea: Idea, moderator: User) -> Idea:
    _require_moderator(moderator)
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(hidden_at=None, hidden_reason="", hidden_by=None)
        city_touch_ideas(city=idea.city)
    idea.refresh_from_db()
    return idea


def comment_hide(*, comment: Comment, moderator: User, reason: str) -> Comment:
    _require_moderator(moderator)
    reason = _clean_text(reason, field=_("Reason"), max_length=300)
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(
            hidden_at=timezone.now(), hidden_reason=reason, hidden_by=moderator
        )
        _resolve_reports(reports=comment.reports.all(), moderator=moderator, resolution=reason)
    comment.refresh_from_db()
    return comment


def report_dismiss(*, report: Report, moderator: User, resolution: str) -> Report:
    _require_moderator(moderator)
    resolution = _clean_text(resolution, field=_("Resolution"), max_length=300)
    _resolve_reports(
        reports=Report.objects.filter(pk=report.pk), moderator=moderator, resolution=resolution
    )
    report.refresh_from_db()
    return report
