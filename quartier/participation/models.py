"""The vocabulary of participation: processes with phases, roles in a city, the audit log."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .vocabulary import Action, AuditAction, ProcessKind


class Process(models.Model):
    """A participation process of one city: an opinion map, a prize-money vote, a call ..."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="processes")
    kind = models.CharField(_("kind"), max_length=20, choices=ProcessKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5_000, blank=True)
    # Settings that give cast ballots their meaning (ballot type, rule, pots, ...), by kind;
    # which keys lock at the first ballot is decided in services.LOCKED_SETTINGS.
    options = models.JSONField(_("settings"), default=dict, blank=True)
    settings_locked_at = models.DateTimeField(
        _("settings locked since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the first ballot or entry exists."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["city", "kind", "-created_at"], name="process_city_kind")]

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    """One step of a process; stored in UTC, shown in Europe/Berlin (TIME_ZONE)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=120)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(
        _("ends"), null=True, blank=True, help_text=_("Empty: open-ended.")
    )
    # A list of Action values; validated by the service that writes phases.
    allows = models.JSONField(_("allows"), default=list, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "position"], name="phase_unique_position"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="phase_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_current(self, at) -> bool:
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)

    def allowed_actions(self) -> list[str]:
        return [action for action in self.allows if action in Action.values]

    def allowed_action_labels(self) -> list[str]:
        return [str(Action(action).label) for action in self.allowed_actions()]


class CityRole(models.Model):
    """What a person may do in one city beyond taking part; the installation's system
    administrators (``is_superuser``) need none. ``is_staff`` alone grants nothing."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("City administrator")
        MODERATOR = "moderator", _("Moderator")
        EVALUATOR = "evaluator", _("Evaluator / jury")

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="city_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("city role")
        verbose_name_plural = _("city roles")
        ordering = ["role", "granted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "user", "role"], name="city_role_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user_id}@{self.city_id}"


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    # bulk_update would reach update() inside its own atomic block and leave the caller's
    # transaction broken; refuse it before. _raw_delete is what Collector uses for fast deletes.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("audit entries cannot be changed")

    def _raw_delete(self, using):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Who did what in a city, append-only (here, in the admin, and by database triggers).

    People are stored as bare ids, not foreign keys: erasing an account must not rewrite the
    log, and the id of an erased account points at nobody."""

    city = models.ForeignKey(
        "cities.City", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("by (account id)"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    target_type = models.CharField(_("kind of content"), max_length=60, blank=True)
    target_id = models.BigIntegerField(_("content id"), null=True, blank=True)
    subject_id = models.BigIntegerField(_("person concerned (account id)"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["city", "-at"], name="audit_city_newest")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")
