"""Names of the prize-money vote that other apps and the settings share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    FEASIBLE = "feasible", _("Feasible: on the ballot")
    INFEASIBLE = "infeasible", _("Not feasible")
    MERGED = "merged", _("Merged into another proposal")


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose between a minimum and a maximum number of projects")
    KNAPSACK = "knapsack", _("Knapsack: choose projects within the pot")
    CUMULATIVE = "cumulative", _("Points: distribute points, with a maximum per project")


class Rule(models.TextChoices):
    EQUAL_SHARES = "equalshares", _("Method of Equal Shares")
    GREEDY = "greedy", _("Greedy by votes")


class BallotChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")


class PaperSheetStatus(models.TextChoices):
    FIRST_ENTRY = "first", _("Entered once")
    AGREED = "agreed", _("Both entries agree: counted")
    MISMATCH = "mismatch", _("The entries differ")
