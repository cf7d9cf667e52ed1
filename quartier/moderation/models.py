"""Reports of any registered kind of content, for one queue per city."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Insulting, discriminating or threatening")
    PERSONAL_DATA = "personal_data", _("Reveals personal data")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Something else")


class Report(models.Model):
    """A user's report of one piece of content (idea, comment, statement, ...)."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="reports")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=1_000, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # Reporting the same thing twice adds no second open report.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"],
                condition=Q(resolved_at__isnull=True) & Q(reporter__isnull=False),
                name="report_once_per_person_while_open",
            ),
        ]
        indexes = [
            models.Index(fields=["city", "resolved_at", "-created_at"], name="report_city_queue"),
            models.Index(fields=["content_type", "object_id"], name="report_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d})"
