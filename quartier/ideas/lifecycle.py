"""An idea's life: its stages, the ways between them, and the gates on those ways.

The stages and the transitions are data (``TRANSITIONS``); ``idea_advance`` is the only code
that changes an idea's stage (``Idea.stage`` is not editable, so no form or admin offers it,
and a test reads the sources for any other write). Each transition names who takes it (the
team's leads, or the city's evaluators: its jury) and whether a written reason is needed; its
gate is a checklist of requirements, each a check that the service runs again when the step is
taken. Apps add requirements of their own with ``requirement_register`` (living-lab tests:
"a test plan", "tester feedback").
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from quartier.accounts.models import User
from quartier.cities.models import City
from quartier.cities.services import city_touch_ideas
from quartier.core.errors import PermissionDenied
from quartier.notifications import services as notifications
from quartier.notifications.vocabulary import Category
from quartier.participation.permissions import can_administer_city, can_evaluate
from quartier.participation.services import audit_record
from quartier.participation.vocabulary import AuditAction

from .errors import IdeaError
from .models import Idea, IdeaRules, Stage, StageChange
from .permissions import can_restore_revision
from .selectors import team_members
from .text import clean_text

LEADS, EVALUATORS = "leads", "evaluators"

# The way through, in order (archived is the way out of any of them).
PATH = (Stage.IDEA, Stage.DISCUSSION, Stage.LIVING_LAB, Stage.EVALUATION, Stage.IMPLEMENTATION)


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    by: str  # LEADS or EVALUATORS
    label: str | Promise  # translated when shown
    reason_needed: bool = False
    reason_label: str | Promise = ""

    @property
    def key(self) -> str:
        return f"{self.source}>{self.target}"


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Stage.IDEA, Stage.DISCUSSION, LEADS, gettext_lazy("Open the discussion")),
    Transition(
        Stage.DISCUSSION, Stage.LIVING_LAB, LEADS, gettext_lazy("Start the living-lab test")
    ),
    Transition(
        Stage.LIVING_LAB, Stage.EVALUATION, LEADS, gettext_lazy("Ask the jury for an evaluation")
    ),
    Transition(
        Stage.EVALUATION,
        Stage.IMPLEMENTATION,
        EVALUATORS,
        gettext_lazy("Decide: implement it"),
        reason_needed=True,
        reason_label=gettext_lazy("The jury's reason (shown publicly)"),
    ),
    Transition(
        Stage.EVALUATION,
        Stage.DISCUSSION,
        EVALUATORS,
        gettext_lazy("Decide: back to the discussion"),
        reason_needed=True,
        reason_label=gettext_lazy("What the team should work on (shown publicly)"),
    ),
    *(
        Transition(
            stage,
            Stage.ARCHIVED,
            LEADS,
            gettext_lazy("Archive it with the lessons learned"),
            reason_needed=True,
            reason_label=gettext_lazy("Lessons learned (shown publicly)"),
        )
        for stage in PATH
    ),
)


def transitions_from(stage: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == stage]


def transition_get(source: str, target: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


# --- Gates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str  # what is needed, as the checklist says it
    met: bool
    detail: str = ""  # how far the idea is ("1 of 2")


Requirement = Callable[[Idea], Check]
_requirements: dict[str, list[Requirement]] = {}


def requirement_register(target: str, requirement: Requirement) -> None:
    """Another app's requirement for entering ``target`` (called in its ``ready()``)."""
    if requirement not in _requirements.setdefault(target, []):
        _requirements[target].append(requirement)


def rules_for(city: City) -> IdeaRules:
    """The city's rules, or the defaults (unsaved) where it set none."""
    return IdeaRules.objects.filter(city=city).first() or IdeaRules(city=city)


def _team_size(idea: Idea) -> Check:
    needed, have = rules_for(idea.city).discussion_team_size, len(team_members(idea=idea))
    return Check(
        ngettext(
            "A team of at least %(count)d person",
            "A team of at least %(count)d people",
            needed,
        )
        % {"count": needed},
        have >= needed,
        _("%(have)d of %(needed)d") % {"have": have, "needed": needed},
    )


def _supports(idea: Idea) -> Check:
    needed = rules_for(idea.city).discussion_supports
    return Check(
        ngettext("At least %(count)d support", "At least %(count)d supports", needed)
        % {"count": needed},
        idea.support_count >= needed,
        _("%(have)d of %(needed)d") % {"have": idea.support_count, "needed": needed},
    )


requirement_register(Stage.DISCUSSION, _team_size)
requirement_register(Stage.DISCUSSION, _supports)


def gate_checks(idea: Idea, transition: Transition) -> list[Check]:
    """The checklist of a transition for this idea. Going back or out (archived) has none."""
    if transition.target == Stage.ARCHIVED or _going_back(transition):
        return []
    return [requirement(idea) for requirement in _requirements.get(transition.target, [])]


def _going_back(transition: Transition) -> bool:
    stages: list[str] = list(PATH)
    return (
        transition.source in stages
        and transition.target in stages
        and stages.index(transition.target) < stages.index(transition.source)
    )


def can_take(*, user, idea: Idea, transition: Transition) -> bool:
    """Whether ``user`` may take this step (the gate's checklist aside)."""
    if idea.is_hidden or idea.is_withdrawn or not getattr(user, "is_authenticated", False):
        return False
    if transition.by == EVALUATORS:
        return can_evaluate(user=user, city=idea.city_id)
    return can_restore_revision(user=user, idea=idea)  # the team's leads


@dataclass(frozen=True)
class NextStep:
    transition: Transition
    checks: list[Check]
    allowed: bool  # the viewer may take it

    @property
    def open(self) -> bool:
        return all(check.met for check in self.checks)


def next_steps(*, idea: Idea, viewer) -> list[NextStep]:
    if idea.is_withdrawn:
        return []
    return [
        NextStep(t, gate_checks(idea, t), can_take(user=viewer, idea=idea, transition=t))
        for t in transitions_from(idea.stage)
    ]


# --- The one write ------------------------------------------------------------------------------


def idea_advance(*, idea: Idea, actor: User, to_stage: str, reason: str = "") -> Idea:
    """Move the idea to ``to_stage`` along one of ``TRANSITIONS``: the actor may take it, the
    gate's checklist is met, the reason written where one is needed. Logged, with history."""
    transition = transition_get(idea.stage, to_stage)
    if transition is None:
        raise IdeaError(
            _("An idea cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Stage(idea.stage).label, "to": _stage_label(to_stage)}
        )
    if not can_take(user=actor, idea=idea, transition=transition):
        if transition.by == EVALUATORS:
            raise PermissionDenied(_("Only the city's jury (its evaluators) decides this."))
        raise PermissionDenied(_("Only the team's leads can do this while the idea is public."))
    reason = clean_text(
        reason,
        field=str(transition.reason_label or _("Reason")),
        max_length=2_000,
        required=transition.reason_needed,
    )
    unmet = [check for check in gate_checks(idea, transition) if not check.met]
    if unmet:
        raise IdeaError(
            _("Not yet: %(missing)s.")
            % {
                "missing": "; ".join(
                    f"{c.label} ({c.detail})" if c.detail else c.label for c in unmet
                )
            }
        )
    with transaction.atomic():
        # Two steps at once from the same stage: the second finds the stage moved on.
        now = timezone.now()
        moved = Idea.objects.filter(pk=idea.pk, stage=transition.source).update(
            stage=transition.target, stage_changed_at=now
        )
        if not moved:
            raise IdeaError(_("The idea's stage has changed meanwhile: please look again."))
        StageChange.objects.create(
            idea=idea,
            from_stage=transition.source,
            to_stage=transition.target,
            actor=actor,
            reason=reason,
        )
        audit_record(
            city=idea.city,
            actor=actor,
            action=AuditAction.STAGE_CHANGE,
            target=idea,
            reason=reason[:300],
            detail={"from": transition.source, "to": transition.target},
        )
        city_touch_ideas(city=idea.city)
        notifications.announce(
            city=idea.city,
            event="stage",
            category=Category.STAGES,
            title=idea.title,
            url=f"/{idea.city.slug}/ideas/{idea.pk}/stage/",
            topics=[f"idea:{idea.pk}"],
            exclude=actor.pk,
        )
    idea.stage, idea.stage_changed_at = transition.target, now
    return idea


def _stage_label(value: str) -> str:
    return str(Stage(value).label) if value in Stage.values else value


# --- Reads --------------------------------------------------------------------------------------


def stage_history(*, idea: Idea) -> QuerySet[StageChange]:
    return (
        StageChange.objects.filter(idea=idea).select_related("actor").order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Waiting:
    idea: Idea
    since: datetime

    @property
    def days(self) -> int:
        return max(0, (timezone.now() - self.since).days)


def evaluation_queue(*, city: City) -> list[Waiting]:
    """The ideas waiting for the jury, longest waiting first."""
    ideas = (
        Idea.objects.filter(
            city=city,
            stage=Stage.EVALUATION,
            hidden_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .select_related("district")
        .defer("description", "description_html", "search_vector", "district__geometry")
        .order_by("stage_changed_at", "id")
    )
    return [Waiting(idea, idea.stage_changed_at or idea.created_at) for idea in ideas]


def rules_save(
    *, city: City, actor: User, discussion_team_size: int, discussion_supports: int
) -> IdeaRules:
    if not can_administer_city(user=actor, city=city):
        raise PermissionDenied(_("Only the city's administrators change these rules."))
    if not 1 <= discussion_team_size <= 50 or not 0 <= discussion_supports <= 100_000:
        raise IdeaError(_("A team of 1 to 50 people and 0 to 100,000 supports, please."))
    rules, _created = IdeaRules.objects.update_or_create(
        city=city,
        defaults={
            "discussion_team_size": discussion_team_size,
            "discussion_supports": discussion_supports,
        },
    )
    audit_record(
        city=city,
        actor=actor,
        action=AuditAction.PROCESS_CHANGE,
        target=rules,
        detail={"team": discussion_team_size, "supports": discussion_supports},
    )
    return rules
