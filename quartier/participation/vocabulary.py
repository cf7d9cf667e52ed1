"""The words of participation other apps use: kinds of process and what a phase allows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessKind(models.TextChoices):
    PRIZE_MONEY = "prize_money", _("Prize-money vote")
    CALL_FOR_IDEAS = "call_for_ideas", _("Open call for ideas")
    OPINION_MAP = "opinion_map", _("Opinion map")


class Action(models.TextChoices):
    """What a phase may allow; every 'is this open now?' question names one of these."""

    PROPOSE = "propose", _("Propose")
    COMMENT = "comment", _("Comment")
    SUPPORT = "support", _("Support")
    VOTE = "vote", _("Vote")
    REVIEW = "review", _("Review")
    SHOW_RESULTS = "show_results", _("Show results")


class AuditAction(models.TextChoices):
    HIDE = "hide", _("Hidden")
    UNHIDE = "unhide", _("Shown again")
    DISMISS = "dismiss", _("Reports dismissed")
    APPROVE = "approve", _("Approved (pre-moderation)")
    REJECT = "reject", _("Rejected (pre-moderation)")
    ROLE_GRANT = "role_grant", _("Role granted")
    ROLE_REVOKE = "role_revoke", _("Role revoked")
    PREMODERATION = "premoderation", _("Pre-moderation switched")
    PROCESS_CHANGE = "process_change", _("Process changed")
    LEGAL_EDIT = "legal_edit", _("Legal page edited")
    MERGE = "merge", _("Merged into another")
    STAGE_CHANGE = "stage_change", _("Stage changed")
