"""The prize-money vote: pots, proposals, the voter register, ballots and results.

Secrecy is a property of the schema (ADR 0005): the register knows who may vote and whether they
have, a ballot knows what was chosen, and nothing joins the two. Ballots have a random primary
key, no timestamp and no foreign key to the register or to an account.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quartier.moderation.moderated import Moderated

from .vocabulary import BallotChannel, PaperSheetStatus, ProposalStatus


class Pot(models.Model):
    """Money for the projects of one district, or of the whole city (no district)."""

    process = models.ForeignKey(
        "participation.Process", on_delete=models.CASCADE, related_name="pots"
    )
    district = models.ForeignKey(
        "cities.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=120)
    amount = models.PositiveBigIntegerField(_("amount (EUR)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pot")
        verbose_name_plural = _("pots")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "district"],
                condition=Q(district__isnull=False),
                name="pot_one_per_district",
            ),
            models.UniqueConstraint(
                fields=["process"], condition=Q(district__isnull=True), name="pot_one_city_wide"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Proposal(Moderated):
    """A project people can vote for, usually grown from an idea."""

    process = models.ForeignKey(
        "participation.Process", on_delete=models.CASCADE, related_name="proposals"
    )
    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="proposals")
    idea = models.ForeignKey(
        "ideas.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("idea"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5_000)
    estimate = models.PositiveBigIntegerField(_("cost estimate (EUR)"))
    # The administration's figure replaces the estimate once reviewed; both stay visible.
    cost = models.PositiveBigIntegerField(_("reviewed cost (EUR)"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    # Where the project would be: the pot's district, or for a city-wide pot the district of its
    # place (else of its idea). A district's list then shows the city-wide projects in it too.
    district = models.ForeignKey(
        "cities.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    review_reason = models.TextField(_("reason of the review"), max_length=2_000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["pot__position", "title", "id"]
        indexes = [models.Index(fields=["process", "status"], name="proposal_process_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False),
                name="proposal_place_complete",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=ProposalStatus.MERGED),
                name="proposal_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_cost(self) -> int:
        return self.cost if self.cost is not None else self.estimate


class CodeBatch(models.Model):
    """Voting codes made in one go for the print shop; the plain codes are never stored."""

    process = models.ForeignKey(
        "participation.Process", on_delete=models.CASCADE, related_name="code_batches"
    )
    district = models.ForeignKey(
        "cities.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size = models.PositiveIntegerField(_("number of codes"))
    label = models.CharField(_("label"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch of voting codes")
        verbose_name_plural = _("batches of voting codes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label or str(self.created_at)


class RegisterEntry(models.Model):
    """Someone who may vote: a voting code (by its keyed hash) or an account with a declaration.

    It records *that* the entry has voted, never when, and nothing about the ballot."""

    process = models.ForeignKey(
        "participation.Process", on_delete=models.CASCADE, related_name="register"
    )
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    batch = models.ForeignKey(
        CodeBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="voter_register_entries",
    )
    # The district whose pot this voter may vote in (besides the city-wide pot).
    district = models.ForeignKey(
        "cities.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declaration = models.CharField(_("declaration"), max_length=300, blank=True)
    voted = models.BooleanField(_("has voted"), default=False)

    class Meta:
        verbose_name = _("voter register entry")
        verbose_name_plural = _("voter register")
        constraints = [
            models.CheckConstraint(
                condition=(Q(code_hash__isnull=False) & Q(user__isnull=True))
                | (Q(code_hash__isnull=True) & Q(user__isnull=False)),
                name="register_code_or_account",
            ),
            models.UniqueConstraint(
                fields=["process", "user"],
                condition=Q(user__isnull=False),
                name="register_one_entry_per_account",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Ballot(models.Model):
    """What one voter chose in one pot. No link to the voter: see the module docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    process = models.ForeignKey(
        "participation.Process", on_delete=models.CASCADE, related_name="ballots"
    )
    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="ballots")
    # [[proposal id, points], ...]; points are 1 for approval and knapsack ballots.
    choices = models.JSONField(default=list)
    # sha256 of the receipt the voter keeps; published with the ballot in the .pb file.
    receipt_hash = models.CharField(max_length=64)
    # HMAC(key=receipt, message=register entry id): lets the holder of the receipt, and only
    # them, change this ballot; without the receipt it cannot be matched to an entry.
    change_tag = models.CharField(max_length=64)
    channel = models.CharField(
        max_length=6, choices=BallotChannel.choices, default=BallotChannel.ONLINE
    )

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["process", "receipt_hash"], name="ballot_receipt")]
        constraints = [
            # One receipt covers a voter's ballots in every pot of the vote, one per pot.
            models.UniqueConstraint(fields=["pot", "receipt_hash"], name="ballot_one_per_receipt")
        ]

    def __str__(self) -> str:
        return str(self.pk)


class PaperSheet(models.Model):
    """A paper ballot, entered by two staff members; it counts once both entries agree."""

    process = models.ForeignKey(
        "participation.Process", on_delete=models.CASCADE, related_name="paper_sheets"
    )
    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("sheet number"), max_length=40)
    status = models.CharField(
        max_length=10, choices=PaperSheetStatus.choices, default=PaperSheetStatus.FIRST_ENTRY
    )

    class Meta:
        verbose_name = _("paper ballot")
        verbose_name_plural = _("paper ballots")
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="paper_sheet_unique_number")
        ]

    def __str__(self) -> str:
        return self.number


class PaperEntry(models.Model):
    sheet = models.ForeignKey(PaperSheet, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    choices = models.JSONField(default=list)
    # The voting code printed on the sheet, if any (keyed hash): both entries must agree on it,
    # and the agreed sheet uses up that code's register entry.
    code_hash = models.CharField(max_length=64, blank=True)
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "entered_by"], name="paper_entry_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sheet} ({self.pk})"


class Result(models.Model):
    """A pot's outcome, computed once at the close and kept with its explanations."""

    pot = models.OneToOneField(Pot, on_delete=models.CASCADE, related_name="result")
    rule = models.CharField(max_length=40)
    rule_options = models.JSONField(default=dict)
    ballots = models.PositiveIntegerField()
    winners = models.JSONField(default=list)  # proposal ids, in the order chosen
    spent = models.PositiveBigIntegerField()
    explanations = models.JSONField(default=dict)  # proposal id -> explanation data
    greedy_winners = models.JSONField(default=list)
    pabulib = models.TextField()  # the published .pb file
    computed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.pot}: {self.rule}"
