"""How funded projects are carried out: milestones, dated updates, and the pot's public ledger.

The ledger is append-only, as a ledger should be: a wrong entry is corrected by a new one (a
refund), never edited or deleted, so the public figures always add up from what was published.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .vocabulary import EntryKind


class Milestone(models.Model):
    proposal = models.ForeignKey(
        "budgeting.Proposal", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    proposal = models.ForeignKey(
        "budgeting.Proposal", on_delete=models.CASCADE, related_name="progress_updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("text"), max_length=5_000)
    text_html = models.TextField(editable=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    image = models.ImageField(_("photo"), upload_to="implementation/%Y/%m/", blank=True)
    thumbnail = models.ImageField(upload_to="implementation/%Y/%m/thumbs/", blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    alt_text = models.CharField(_("what the photo shows"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="update_progress_percent",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The ledger is append-only; book a correcting entry instead.")

    def delete(self):
        raise TypeError("The ledger is append-only; book a correcting entry instead.")


class LedgerEntry(models.Model):
    pot = models.ForeignKey("budgeting.Pot", on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        "budgeting.Proposal", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount = models.PositiveBigIntegerField(_("amount (EUR)"))
    booked_on = models.DateField(_("booked on"))
    note = models.CharField(_("note"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        ordering = ["booked_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.kind} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The ledger is append-only; book a correcting entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The ledger is append-only; book a correcting entry instead.")

    @property
    def signed_amount(self) -> int:
        return self.amount if self.kind == EntryKind.PAYMENT else -self.amount
