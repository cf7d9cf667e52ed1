"""Every write on processes, phases, city roles and the audit log."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.core.errors import PermissionDenied

from .errors import ProcessError, RoleError, SettingsLocked
from .models import AuditEntry, CityRole, Phase, Process
from .permissions import can_manage_processes, can_manage_roles, forget_city_roles
from .vocabulary import Action, AuditAction, ProcessKind

# Settings that change what a cast ballot means; they lock at the first ballot or entry.
# (CONSUL #5321: the ballot type could be changed after votes were cast.)
LOCKED_SETTINGS: dict[str, frozenset[str]] = {
    ProcessKind.PRIZE_MONEY: frozenset({"ballot", "rule", "pots", "rule_options"}),
    ProcessKind.CALL_FOR_IDEAS: frozenset(),
    ProcessKind.OPINION_MAP: frozenset(),
}


@dataclass(frozen=True)
class PhaseSpec:
    name: str
    starts_at: datetime
    ends_at: datetime | None = None
    allows: Sequence[str] = field(default_factory=tuple)


def audit_record(
    *,
    city,
    actor,
    action: str,
    target: Any = None,
    subject=None,
    reason: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry to the city's audit log (in the caller's transaction)."""
    return AuditEntry.objects.create(
        city=city,
        actor_id=getattr(actor, "pk", None),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        subject_id=getattr(subject, "pk", None),
        reason=(reason or "")[:300],
        detail=detail or {},
    )


def _aware(moment: datetime) -> datetime:
    # A naive time is read in the installation's time zone, as Django's forms do; comparing
    # it with an aware one would raise a TypeError.
    if timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _validated_phases(phases: Sequence[PhaseSpec]) -> list[PhaseSpec]:
    ordered = sorted(
        (
            replace(
                phase,
                starts_at=_aware(phase.starts_at),
                ends_at=_aware(phase.ends_at) if phase.ends_at is not None else None,
            )
            for phase in phases
        ),
        key=lambda phase: phase.starts_at,
    )
    for number, phase in enumerate(ordered, start=1):
        if not phase.name.strip():
            raise ProcessError(_("Phase %(number)d needs a name.") % {"number": number})
        if phase.ends_at is not None and phase.ends_at <= phase.starts_at:
            raise ProcessError(
                _("Phase “%(name)s” must end after it starts.") % {"name": phase.name}
            )
        unknown = set(phase.allows) - set(Action.values)
        if unknown:
            raise ProcessError(
                _("Phase “%(name)s” allows unknown actions: %(actions)s.")
                % {"name": phase.name, "actions": ", ".join(sorted(unknown))}
            )
    for earlier, later in pairwise(ordered):
        if earlier.ends_at is None or earlier.ends_at > later.starts_at:
            raise ProcessError(
                _("Phases “%(first)s” and “%(second)s” overlap.")
                % {"first": earlier.name, "second": later.name}
            )
    return ordered


@transaction.atomic
def process_create(
    *,
    city,
    kind: str,
    title: str,
    phases: Sequence[PhaseSpec],
    creator=None,
    description: str = "",
    options: dict | None = None,
    check_permission: bool = True,
) -> Process:
    """A process with its phases. Domain services that create their own kind of process
    (an opinion map) check their own permission and pass ``check_permission=False``."""
    if check_permission and not can_manage_processes(user=creator, city=city):
        raise PermissionDenied(_("Only the city's administrators can set up processes."))
    if kind not in ProcessKind.values:
        raise ProcessError(_("Unknown kind of process."))
    title = " ".join((title or "").split())
    if not title:
        raise ProcessError(_("A process needs a title."))
    ordered = _validated_phases(phases)
    process = Process.objects.create(
        city=city,
        kind=kind,
        title=title[:200],
        description=(description or "").strip()[:5_000],
        options=options or {},
        created_by=creator,
    )
    _phases_write(process=process, phases=ordered)
    return process


def _phases_write(*, process: Process, phases: Sequence[PhaseSpec]) -> None:
    Phase.objects.bulk_create(
        Phase(
            process=process,
            position=position,
            name=phase.name.strip()[:120],
            starts_at=phase.starts_at,
            ends_at=phase.ends_at,
            allows=list(dict.fromkeys(phase.allows)),
        )
        for position, phase in enumerate(phases, start=1)
    )


@transaction.atomic
def process_set_phases(*, process: Process, actor, phases: Sequence[PhaseSpec]) -> Process:
    """Replace the phases (dates may move after the first ballot; the settings may not)."""
    if not can_manage_processes(user=actor, city=process.city):
        raise PermissionDenied(_("Only the city's administrators can change processes."))
    ordered = _validated_phases(phases)
    Phase.objects.filter(process=process).delete()
    _phases_write(process=process, phases=ordered)
    audit_record(
        city=process.city,
        actor=actor,
        action=AuditAction.PROCESS_CHANGE,
        target=process,
        detail={"phases": [phase.name for phase in ordered]},
    )
    return process


@transaction.atomic
def process_update_settings(*, process: Process, actor, changes: dict) -> Process:
    """Change settings; those that give cast ballots their meaning are refused once locked."""
    if not can_manage_processes(user=actor, city=process.city):
        raise PermissionDenied(_("Only the city's administrators can change processes."))
    process = Process.objects.select_for_update().get(pk=process.pk)
    locked = LOCKED_SETTINGS.get(process.kind, frozenset())
    changed = {key for key, value in changes.items() if process.options.get(key) != value}
    refused = sorted(changed & locked) if process.settings_locked_at else []
    if refused:
        raise SettingsLocked(
            _(
                "Ballots have been cast since %(date)s, so these settings can no longer be "
                "changed: %(keys)s."
            )
            % {
                "date": timezone.localtime(process.settings_locked_at).strftime("%d.%m.%Y %H:%M"),
                "keys": ", ".join(refused),
            }
        )
    process.options = {**process.options, **changes}
    process.save(update_fields=["options"])
    audit_record(
        city=process.city,
        actor=actor,
        action=AuditAction.PROCESS_CHANGE,
        target=process,
        detail={"settings": sorted(changed)},
    )
    return process


def process_lock_settings(*, process: Process) -> None:
    """Called by the service that records the first ballot or entry; later calls cost nothing."""
    if process.settings_locked_at is not None:
        return
    now = timezone.now()
    Process.objects.filter(pk=process.pk, settings_locked_at__isnull=True).update(
        settings_locked_at=now
    )
    process.settings_locked_at = now


@transaction.atomic
def role_grant(*, city, user, role: str, granted_by) -> CityRole:
    if not can_manage_roles(user=granted_by, city=city):
        raise PermissionDenied(_("Only the city's administrators can grant roles."))
    if role not in CityRole.Role.values:
        raise RoleError(_("Unknown role."))
    if not user.is_active:
        raise RoleError(_("This account is deactivated."))
    try:
        with transaction.atomic():
            city_role = CityRole.objects.create(
                city=city, user=user, role=role, granted_by=granted_by
            )
    except IntegrityError as error:
        raise RoleError(
            _("%(name)s already has this role.") % {"name": user.display_name}
        ) from error
    audit_record(
        city=city,
        actor=granted_by,
        action=AuditAction.ROLE_GRANT,
        subject=user,
        detail={"role": role},
    )
    forget_city_roles(user=user)
    return city_role


@transaction.atomic
def role_grant_by_system(*, city, user, role: str) -> CityRole:
    """A role given by the installation itself (``manage.py grant_role``, the demo loader):
    how a new city gets its first administrator. Granting it again changes nothing."""
    if role not in CityRole.Role.values:
        raise RoleError(_("Unknown role."))
    if not user.is_active:
        raise RoleError(_("This account is deactivated."))
    city_role, created = CityRole.objects.get_or_create(city=city, user=user, role=role)
    if created:
        audit_record(
            city=city,
            actor=None,
            action=AuditAction.ROLE_GRANT,
            subject=user,
            detail={"role": role},
        )
        forget_city_roles(user=user)
    return city_role


def role_revoke_by_system(*, city, user, role: str) -> None:
    """The installation takes back a role it gave for a task of its own (the demo loader sets
    up its example vote as an example administration, which then keeps no role)."""
    deleted, _rows = CityRole.objects.filter(city=city, user=user, role=role).delete()
    if deleted:
        audit_record(
            city=city,
            actor=None,
            action=AuditAction.ROLE_REVOKE,
            subject=user,
            detail={"role": role},
        )
        forget_city_roles(user=user)


@transaction.atomic
def role_revoke(*, city_role: CityRole, revoked_by) -> None:
    city = city_role.city
    if not can_manage_roles(user=revoked_by, city=city):
        raise PermissionDenied(_("Only the city's administrators can revoke roles."))
    if city_role.role == CityRole.Role.ADMIN:
        # The city's admin rows stay locked until the end of the transaction: two admins who
        # revoke each other at the same moment must not both succeed. A deactivated account
        # holds no role, so it is no remaining administrator.
        admins = (
            CityRole.objects.select_for_update(of=("self",))
            .filter(city=city, role=CityRole.Role.ADMIN)
            .values_list("pk", "user__is_active")
        )
        if not any(active and pk != city_role.pk for pk, active in admins):
            raise RoleError(
                _("This is the city's last administrator; grant the role to someone else first.")
            )
    audit_record(
        city=city,
        actor=revoked_by,
        action=AuditAction.ROLE_REVOKE,
        subject=city_role.user,
        detail={"role": city_role.role},
    )
    city_role.delete()
    forget_city_roles(user=city_role.user)


def personal_data_roles(*, user) -> list[dict]:
    return [
        {"city": role.city.slug, "role": role.role, "granted_at": role.granted_at.isoformat()}
        for role in CityRole.objects.filter(user=user).select_related("city")
    ]


def personal_data_processes(*, user) -> list[dict]:
    return [
        {"id": process.pk, "city": process.city.slug, "kind": process.kind, "title": process.title}
        for process in Process.objects.filter(created_by=user).select_related("city")
    ]


def personal_data_erase(*, user) -> None:
    # Roles go with the account (cascade); the audit log keeps only the bare account id.
    for city_role in CityRole.objects.filter(user=user).select_related("city"):
        audit_record(
            city=city_role.city,
            actor=None,
            action=AuditAction.ROLE_REVOKE,
            subject=user,
            reason="account erased",
            detail={"role": city_role.role},
        )
