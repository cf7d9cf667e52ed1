"""Opinion maps ("Meinungsbild"): Polis-style conversations on a question or a contested idea."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartier.cities.models import City
from quartier.participation.permissions import phase_current, process_allows
from quartier.participation.vocabulary import Action

STATEMENT_MAX_LENGTH = 280


class StatementModeration(models.TextChoices):
    BEFORE = "before", _("Moderated before publishing")
    AFTER = "after", _("Published at once, moderated afterwards")


class Conversation(models.Model):
    """An opinion map; its dates are the phases of its process (kind ``opinion_map``)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="conversations")
    process = models.OneToOneField(
        "participation.Process", on_delete=models.PROTECT, related_name="conversation"
    )
    idea = models.ForeignKey(
        "ideas.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("idea"),
    )
    question = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), max_length=3_000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    allow_statements = models.BooleanField(_("participants may add statements"), default=True)
    statement_moderation = models.CharField(
        _("moderation of new statements"),
        max_length=10,
        choices=StatementModeration.choices,
        default=StatementModeration.BEFORE,
    )
    allow_anonymous = models.BooleanField(
        _("anonymous participation"),
        default=False,
        help_text=_("Without an account, with a pseudonym stored in the browser."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # The last analysis, as shown on the results page; kept when a later run fails.
    results = models.JSONField(null=True, blank=True, editable=False)
    # The engine's state between updates (warm starts, k smoothing), passed back on every run.
    engine_state = models.JSONField(null=True, blank=True, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    computed_votes = models.PositiveIntegerField(default=0, editable=False)
    compute_error = models.TextField(blank=True, editable=False)
    # Debounce and mutual exclusion of background runs (see services.conversation_recompute).
    recompute_pending = models.BooleanField(default=False, editable=False)
    computing_since = models.DateTimeField(null=True, blank=True, editable=False)
    # When the task last queued for this map was due to start: a request still pending long
    # after it, or a lock held long after it, was lost with its worker and is queued again.
    recompute_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("opinion map")
        verbose_name_plural = _("opinion maps")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.question

    def is_open(self, at=None) -> bool:
        """Votes are taken now (the process's current phase allows voting)."""
        return process_allows(process=self.process, action=Action.VOTE, at=at)

    @property
    def opens_at(self):
        """When voting starts: the first phase that allows it (for display)."""
        voting = [p for p in self.process.phases.all() if Action.VOTE in p.allowed_actions()]
        return voting[0].starts_at if voting else None

    @property
    def closes_at(self):
        voting = [p for p in self.process.phases.all() if Action.VOTE in p.allowed_actions()]
        return voting[-1].ends_at if voting else None

    @property
    def current_phase(self):
        return phase_current(process=self.process, at=timezone.now())


class Participant(models.Model):
    """A person in one conversation: an account, or a browser pseudonym if allowed."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversation_participations",
    )
    anonymous_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=Q(user__isnull=False),
                name="participant_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["conversation", "anonymous_key"],
                condition=~Q(anonymous_key=""),
                name="participant_once_per_browser",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(anonymous_key=""),
                name="participant_is_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Published")
    REJECTED = "rejected", _("Moderated out")


class Statement(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(_("statement"), max_length=STATEMENT_MAX_LENGTH)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default="pending"
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    is_meta = models.BooleanField(
        _("meta or demographic"),
        default=False,
        help_text=_("Asked of everyone but left out of the opinion groups and the consensus."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [models.Index(fields=["conversation", "status"], name="statement_conv_status")]

    def __str__(self) -> str:
        return self.text


class VoteChoice(models.IntegerChoices):
    # The openData export convention: +1 agree, -1 disagree, 0 pass.
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Unsure / pass")


class Vote(models.Model):
    """The latest vote of a participant on a statement (a changed mind replaces it)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    choice = models.SmallIntegerField(choices=VoteChoice.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="vote_once_per_statement"
            ),
            models.CheckConstraint(condition=Q(choice__in=[-1, 0, 1]), name="vote_choice_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}/{self.statement_id}: {self.choice}"
