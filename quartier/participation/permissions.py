"""Who may do what in a city: roles, and whether a process allows an action now.

Every predicate is keyword-only and answers for one person and one city; views and templates
ask these, never ``is_staff`` or dates.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from .models import CityRole, Phase, Process
from .vocabulary import Action

Role = CityRole.Role

_ROLE_CACHE = "_quartier_city_roles"


def is_system_admin(*, user) -> bool:
    """The installation's administrators act in every city (and alone may use the admin)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def city_roles(*, user, city) -> frozenset[str]:
    """The roles this person holds in this city; one query per person and city per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or city is None:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault(_ROLE_CACHE, {})
    city_id = city if isinstance(city, int) else city.pk
    if city_id not in cache:
        cache[city_id] = frozenset(
            CityRole.objects.filter(user=user, city_id=city_id).values_list("role", flat=True)
        )
    return cache[city_id]


def forget_city_roles(*, user) -> None:
    user.__dict__.pop(_ROLE_CACHE, None)


def has_city_role(*, user, city, roles: Iterable[str]) -> bool:
    if is_system_admin(user=user):
        return True
    return bool(city_roles(user=user, city=city) & set(roles))


def can_administer_city(*, user, city) -> bool:
    return has_city_role(user=user, city=city, roles={Role.ADMIN})


def can_moderate(*, user, city) -> bool:
    """Hide, show, dismiss reports and decide pre-moderation in this city only."""
    return has_city_role(user=user, city=city, roles={Role.ADMIN, Role.MODERATOR})


def can_evaluate(*, user, city) -> bool:
    """Review proposals and decide lifecycle gates (the jury)."""
    return has_city_role(user=user, city=city, roles={Role.ADMIN, Role.EVALUATOR})


def can_manage_roles(*, user, city) -> bool:
    return can_administer_city(user=user, city=city)


def can_view_audit_log(*, user, city) -> bool:
    return can_moderate(user=user, city=city)


def can_manage_processes(*, user, city) -> bool:
    return can_administer_city(user=user, city=city)


def phase_current(*, process: Process, at: datetime | None = None) -> Phase | None:
    """The phase running at ``at`` (now); uses prefetched phases when they are there."""
    at = at or timezone.now()
    running = [phase for phase in process.phases.all() if phase.is_current(at)]
    # Phases do not overlap (checked when they are written); the latest start wins if they do.
    return max(running, key=lambda phase: (phase.starts_at, phase.position), default=None)


def process_allows(*, process: Process, action: str, at: datetime | None = None) -> bool:
    """Whether ``action`` is open in ``process`` right now: the one answer to 'is it open?'."""
    if action not in Action.values:
        raise ValueError(f"unknown action {action!r}")
    phase = phase_current(process=process, at=at)
    return phase is not None and action in phase.allowed_actions()
