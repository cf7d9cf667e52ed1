from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quartier.cities.models import City

from .vocabulary import EVENTS, Category, EmailMode


class Follow(models.Model):
    """A person follows a topic of a city: ``idea:<id>``, ``district:<slug>`` or ``kind:<kind>``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("topic"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "city", "topic"], name="follow_once"),
        ]
        indexes = [models.Index(fields=["city", "topic"], name="follow_topic")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.topic}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    event = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Sent by e-mail (alone or in a digest), or not to be sent (the person chose no e-mails).
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["user", "mailed_at"], name="notification_unmailed"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        template = EVENTS.get(self.event)
        return str(template) % {"title": self.title} if template else self.title


class Preferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    email_mode = models.CharField(
        _("e-mails"), max_length=10, choices=EmailMode.choices, default=EmailMode.DAILY
    )
    digest_hour = models.PositiveSmallIntegerField(_("hour of the daily digest"), default=7)
    muted = models.JSONField(_("switched-off categories"), default=list, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_mode}"
