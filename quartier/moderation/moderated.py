"""The fields every moderated kind of content shares (an abstract model, not a table)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Moderated(models.Model):
    """Hidden by a moderator, with a public reason; the row is kept so nothing is lost.

    Under pre-moderation new content starts hidden with ``awaiting_review`` set, so every list
    that shows only ``hidden_at IS NULL`` keeps it out until a moderator approves it; rejected
    there, it stays hidden and ``ever_published`` stays false."""

    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    awaiting_review = models.BooleanField(_("awaiting review"), default=False)
    # False until the public has seen it: held by pre-moderation, or rejected there. Content
    # hidden after it was public leaves a note in its place; content never public leaves none.
    ever_published = models.BooleanField(_("published once"), default=True)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
