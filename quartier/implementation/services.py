"""Every write about carrying out funded projects: milestones, updates, the ledger."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.budgeting.funded import FundedProject
from quartier.core.errors import PermissionDenied
from quartier.core.markdown import render_markdown
from quartier.core.rate_limits import rate_limit_check
from quartier.core.text import text_check
from quartier.ideas.images import image_check_size, image_process
from quartier.participation.services import audit_record
from quartier.participation.vocabulary import AuditAction

from .errors import ImplementationError
from .models import LedgerEntry, Milestone, ProgressUpdate
from .permissions import can_report_progress
from .vocabulary import EntryKind


def _require(actor, funded: FundedProject) -> None:
    if not can_report_progress(user=actor, city=funded.proposal.process.city):
        raise PermissionDenied(_("Only the city's staff report on funded projects."))


def _text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    text = text_check((value or "").replace("\x00", "").strip(), field=field)
    if required and not text:
        raise ImplementationError(_("%(field)s must not be empty.") % {"field": field})
    if len(text) > max_length:
        raise ImplementationError(
            _("%(field)s is too long (%(length)d characters; at most %(max)d).")
            % {"field": field, "length": len(text), "max": max_length}
        )
    return text


def _day(value: date | None, *, field: str) -> date | None:
    if value is None:
        return None
    # A day far away is a typo (2206 for 2026), not a plan.
    if not (date(2000, 1, 1) <= value <= date(2100, 12, 31)):
        raise ImplementationError(_("%(field)s lies outside 2000 to 2100.") % {"field": field})
    return value


@transaction.atomic
def milestone_add(
    *, funded: FundedProject, actor, title: str, due_on: date | None = None
) -> Milestone:
    _require(actor, funded)
    title = _text(title, field=_("Title"), max_length=200)
    position = Milestone.objects.filter(proposal=funded.proposal).count()
    return Milestone.objects.create(
        proposal=funded.proposal,
        title=title,
        due_on=_day(due_on, field=_("Planned for")),
        position=position,
    )


@transaction.atomic
def milestone_reach(*, funded: FundedProject, milestone: Milestone, actor, on: date) -> Milestone:
    _require(actor, funded)
    if milestone.proposal_id != funded.proposal.pk:
        raise ImplementationError(_("This milestone belongs to another project."))
    if on > timezone.localdate():
        raise ImplementationError(_("A milestone cannot be reached in the future."))
    milestone.done_on = _day(on, field=_("Reached on"))
    milestone.save(update_fields=["done_on"])
    return milestone


def update_post(
    *,
    funded: FundedProject,
    author,
    text: str,
    progress: int | None = None,
    image=None,
    alt_text: str = "",
) -> ProgressUpdate:
    """A dated report on the project, optionally with its progress and one photo."""
    _require(author, funded)
    text = _text(text, field=_("Text"), max_length=5_000)
    alt_text = _text(alt_text, field=_("What the photo shows"), max_length=200, required=False)
    if progress is not None and not (0 <= progress <= 100):
        raise ImplementationError(_("Progress is a percentage from 0 to 100."))
    if image is not None:
        image_check_size(image, max_bytes=settings.IDEA_IMAGE_MAX_BYTES)
        if not alt_text:
            raise ImplementationError(
                _("Please say what the photo shows, for people who cannot see it.")
            )
    # The limit before the expensive work: decoding the photo.
    rate_limit_check(action="progress_update", actor_id=author.pk, limit=30, period_seconds=3600)
    processed = image_process(image, max_bytes=settings.IDEA_IMAGE_MAX_BYTES) if image else None
    update = ProgressUpdate(
        proposal=funded.proposal,
        author=author,
        text=text,
        text_html=render_markdown(text),
        progress=progress,
        alt_text=alt_text,
    )
    if processed is not None:
        update.image = processed.image
        update.thumbnail = processed.thumbnail
        update.image_width, update.image_height = processed.width, processed.height
    update.save()
    return update


@transaction.atomic
def ledger_book(
    *, funded: FundedProject, actor, kind: str, amount: int, booked_on: date, note: str
) -> LedgerEntry:
    """Book a payment for the project, or money it returned; entries are never changed."""
    _require(actor, funded)
    if kind not in EntryKind.values:
        raise ImplementationError(_("Unknown kind of entry."))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ImplementationError(_("The amount must be a whole number of euros above 0."))
    if booked_on > timezone.localdate():
        raise ImplementationError(_("Money cannot be booked in the future."))
    _day(booked_on, field=_("Booked on"))
    note = _text(note, field=_("Note"), max_length=300)
    paid = sum(e.signed_amount for e in LedgerEntry.objects.filter(proposal=funded.proposal))
    if kind == EntryKind.REFUND and amount > paid:
        raise ImplementationError(
            _("Only %(paid)s EUR have been paid for this project, so no more can come back.")
            % {"paid": paid}
        )
    entry = LedgerEntry.objects.create(
        pot=funded.pot,
        proposal=funded.proposal,
        kind=kind,
        amount=amount,
        booked_on=booked_on,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        city=funded.proposal.process.city,
        actor=actor,
        action=AuditAction.PROCESS_CHANGE,
        target=funded.proposal,
        detail={"ledger": kind, "amount": amount},
    )
    return entry


def personal_data_updates(*, user) -> list[dict]:
    return [
        {"project": u.proposal.title, "published": u.created_at.isoformat(), "text": u.text}
        for u in ProgressUpdate.objects.filter(author=user).select_related("proposal")
    ]


def personal_data_erase(*, user) -> None:
    # The reports stay (they are the city's account of public money); the name goes.
    # Ledger entries keep their figures; deleting the account sets ``recorded_by`` to none.
    ProgressUpdate.objects.filter(author=user).update(author=None)
