"""Reads of processes, roles and the audit log."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from quartier.accounts.models import User

from . import links
from .models import AuditEntry, CityRole, Phase, Process
from .permissions import can_manage_roles, can_view_audit_log


def process_list(*, city) -> QuerySet[Process]:
    return (
        Process.objects.filter(city=city)
        .select_related("city")
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("position")), *links.prefetches()
        )
        .order_by("-created_at", "-id")
    )


def process_get(*, city, process_id: int, with_links: bool = True) -> Process:
    """The city's process with this id, or 404. ``with_links=False``: without what links it
    to other pages (a vote step needs only the process and its phases: two queries)."""
    if with_links:
        return get_object_or_404(process_list(city=city), pk=process_id)
    process = get_object_or_404(
        Process.objects.filter(city=city).prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("position"))
        ),
        pk=process_id,
    )
    process.city = city
    return process


def process_tables() -> tuple[str, str]:
    """The tables of processes and of phases, for a reader that fingerprints a process's rows in
    SQL (``budgeting.papers``) without reaching into this app's models."""
    return Process._meta.db_table, Phase._meta.db_table


def role_list(*, city, viewer) -> QuerySet[CityRole]:
    if not can_manage_roles(user=viewer, city=city):
        return CityRole.objects.none()
    return (
        CityRole.objects.filter(city=city)
        .select_related("user", "granted_by")
        .order_by("role", "user__display_name", "id")
    )


def audit_log(*, city, viewer) -> QuerySet[AuditEntry]:
    if not can_view_audit_log(user=viewer, city=city):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(city=city).order_by("-at", "-id")


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor_name: str | None  # None: an erased account (or the system, when actor_id is None)
    subject_name: str | None
    role_label: str


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """Entries with the names of the people involved, looked up once per page; an erased
    account has no name any more and is shown as such."""
    wanted = {pk for entry in entries for pk in (entry.actor_id, entry.subject_id) if pk}
    names = dict(User.objects.filter(pk__in=wanted).values_list("pk", "display_name"))
    roles = dict(CityRole.Role.choices)
    return [
        AuditRow(
            entry=entry,
            actor_name=names.get(entry.actor_id) if entry.actor_id else None,
            subject_name=names.get(entry.subject_id) if entry.subject_id else None,
            role_label=str(roles.get(entry.detail.get("role", ""), "")),
        )
        for entry in entries
    ]
