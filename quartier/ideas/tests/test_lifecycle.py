"""The idea lifecycle (#11): stages as data, one service that moves them, gates as checklists,
the history as a timeline, the jury's queue and its written reasons."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from quartier.conftest import make_user
from quartier.core.errors import PermissionDenied
from quartier.ideas import lifecycle, services, teams
from quartier.ideas.errors import IdeaError
from quartier.ideas.models import Idea, IdeaRules, Stage, StageChange
from quartier.ideas.tests.test_services import submit
from quartier.participation.models import AuditEntry

QUARTIER = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def only_the_ideas_own_gates(monkeypatch):
    """The gates the ideas app sets (the discussion's); other apps' requirements (living-lab
    tests) have their own tests in their app."""
    own = {Stage.DISCUSSION: list(lifecycle._requirements[Stage.DISCUSSION])}
    monkeypatch.setattr(lifecycle, "_requirements", own)


@pytest.fixture
def jury(dortmund):
    return make_user("jury@example.org", name="Jury", city=dortmund, role="evaluator")


@pytest.fixture
def idea(dortmund, resident, neighbour):
    """An idea with a team of two and no supports; the city asks for one support."""
    IdeaRules.objects.create(city=dortmund, discussion_team_size=2, discussion_supports=1)
    idea = submit(dortmund, resident)
    asked = teams.join_ask(idea=idea, user=neighbour)
    teams.join_decide(request=asked, actor=resident, accept=True)
    return Idea.objects.get(pk=idea.pk)


def advance(idea, actor, to, reason=""):
    return lifecycle.idea_advance(
        idea=Idea.objects.get(pk=idea.pk), actor=actor, to_stage=to, reason=reason
    )


def test_the_gate_to_the_discussion_is_a_checklist_the_service_checks(idea, resident, dortmund):
    (step, archive) = lifecycle.next_steps(idea=idea, viewer=resident)
    assert archive.transition.target == Stage.ARCHIVED and archive.checks == []
    assert step.transition.target == Stage.DISCUSSION and step.allowed and not step.open
    assert [(c.met, c.detail) for c in step.checks] == [(True, "2 of 2"), (False, "0 of 1")]
    with pytest.raises(IdeaError, match="At least 1 support"):
        advance(idea, resident, Stage.DISCUSSION)
    assert Idea.objects.get(pk=idea.pk).stage == Stage.IDEA
    services.idea_support(idea=idea, user=make_user("fan@example.org"))
    advance(idea, resident, Stage.DISCUSSION)
    idea = Idea.objects.get(pk=idea.pk)
    assert idea.stage == Stage.DISCUSSION
    (change,) = StageChange.objects.filter(idea=idea)
    assert (change.from_stage, change.to_stage, change.actor) == ("idea", "discussion", resident)
    assert AuditEntry.objects.filter(action="stage_change", target_id=idea.pk).exists()


def test_only_leads_take_the_teams_steps(idea, neighbour, moderator):
    IdeaRules.objects.filter(city=idea.city).update(discussion_supports=0)
    for someone in (neighbour, moderator):  # a member, the city's moderator
        with pytest.raises(PermissionDenied):
            advance(idea, someone, Stage.DISCUSSION)


def test_the_whole_way_to_implementation_with_the_jurys_reason(idea, resident, jury):
    IdeaRules.objects.filter(city=idea.city).update(discussion_supports=0)
    for stage in (Stage.DISCUSSION, Stage.LIVING_LAB, Stage.EVALUATION):
        advance(idea, resident, stage)
    with pytest.raises(PermissionDenied, match="jury"):
        advance(idea, resident, Stage.IMPLEMENTATION, reason="Wir finden es gut")
    with pytest.raises(IdeaError):  # the jury writes its reason
        advance(idea, jury, Stage.IMPLEMENTATION, reason="  ")
    advance(idea, jury, Stage.IMPLEMENTATION, reason="Getestet und gewollt.")
    history = [(c.to_stage, c.reason) for c in lifecycle.stage_history(idea=idea)]
    assert history[-1] == ("implementation", "Getestet und gewollt.")
    assert [stage for stage, _ in history] == [
        "discussion", "living_lab", "evaluation", "implementation",
    ]  # fmt: skip


def test_no_skipping_and_no_going_where_the_table_has_no_way(idea, resident):
    with pytest.raises(IdeaError):
        advance(idea, resident, Stage.EVALUATION)
    with pytest.raises(IdeaError):
        advance(idea, resident, "nowhere")


def test_the_jury_sends_an_idea_back_and_archiving_needs_lessons(idea, resident, jury):
    IdeaRules.objects.filter(city=idea.city).update(discussion_supports=0)
    for stage in (Stage.DISCUSSION, Stage.LIVING_LAB, Stage.EVALUATION):
        advance(idea, resident, stage)
    advance(idea, jury, Stage.DISCUSSION, reason="Bitte mit Anwohnern testen.")
    assert Idea.objects.get(pk=idea.pk).stage == Stage.DISCUSSION
    with pytest.raises(IdeaError):
        advance(idea, resident, Stage.ARCHIVED)
    advance(idea, resident, Stage.ARCHIVED, reason="Zu teuer; Brunnen gibt es schon nebenan.")
    assert Idea.objects.get(pk=idea.pk).stage == Stage.ARCHIVED
    assert lifecycle.next_steps(idea=Idea.objects.get(pk=idea.pk), viewer=resident) == []


def test_a_withdrawn_or_hidden_idea_does_not_move(idea, resident, moderator):
    IdeaRules.objects.filter(city=idea.city).update(discussion_supports=0)
    services.idea_withdraw(idea=idea, user=resident, reason="Erledigt")
    with pytest.raises(PermissionDenied):
        advance(idea, resident, Stage.DISCUSSION)


def test_the_jurys_queue_longest_waiting_first(dortmund, idea, resident, jury, neighbour):
    IdeaRules.objects.filter(city=dortmund).update(discussion_supports=0, discussion_team_size=1)
    later = submit(dortmund, neighbour, title="Zweite Idee")
    for one in (idea, later):
        lead = resident if one == idea else neighbour
        for stage in (Stage.DISCUSSION, Stage.LIVING_LAB, Stage.EVALUATION):
            advance(one, lead, stage)
    Idea.objects.filter(pk=later.pk).update(stage_changed_at=timezone.now() - timedelta(days=9))
    queue = lifecycle.evaluation_queue(city=dortmund)
    assert [w.idea.pk for w in queue] == [later.pk, idea.pk]
    assert queue[0].days == 9


def test_the_city_sets_its_rules_and_only_its_admins_do(dortmund, city_admin, moderator):
    with pytest.raises(PermissionDenied):
        lifecycle.rules_save(
            city=dortmund, actor=moderator, discussion_team_size=3, discussion_supports=2
        )
    lifecycle.rules_save(
        city=dortmund, actor=city_admin, discussion_team_size=3, discussion_supports=2
    )
    assert lifecycle.rules_for(dortmund).discussion_team_size == 3
    with pytest.raises(IdeaError):
        lifecycle.rules_save(
            city=dortmund, actor=city_admin, discussion_team_size=0, discussion_supports=2
        )


def test_no_code_but_idea_advance_writes_a_stage():
    """Reads every module of the platform (migrations and tests aside): a ``stage=`` keyword
    in a call, or an assignment to ``.stage``, appears only in the lifecycle's module."""
    offenders = []
    for path in QUARTIER.rglob("*.py"):
        parts = path.relative_to(QUARTIER).parts
        if "migrations" in parts or "tests" in parts or path.name == "lifecycle.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and any(
                k.arg in ("stage", "to_stage") for k in node.keywords
            ):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in ("update", "create", "update_or_create", "bulk_update", "filter_update"):
                    offenders.append(f"{path}:{node.lineno}")
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                elements = target.elts if isinstance(target, ast.Tuple) else [target]
                if any(isinstance(e, ast.Attribute) and e.attr == "stage" for e in elements):
                    offenders.append(f"{path}:{node.lineno}")
    assert offenders == []


# --- Pages ------------------------------------------------------------------------------------


def stage_url(idea):
    return reverse("idea_stage", args=[idea.city.slug, idea.pk])


def test_the_stage_page_shows_the_checklist_and_takes_the_step(client, idea, resident):
    page = client.get(stage_url(idea)).content.decode()
    assert "Open the discussion" in page and "At least 1 support" in page
    assert 'aria-current="step"' in page
    client.force_login(resident)
    refused = client.post(stage_url(idea), {"to": "discussion"}, follow=True)
    assert "Not yet" in refused.content.decode()
    IdeaRules.objects.filter(city=idea.city).update(discussion_supports=0)
    client.post(stage_url(idea), {"to": "discussion"})
    assert Idea.objects.get(pk=idea.pk).stage == Stage.DISCUSSION
    page = client.get(stage_url(idea)).content.decode()
    assert "Start the living-lab test" in page and "Anna" in page  # the timeline


def test_a_visitor_posting_signs_in_and_a_bad_form_changes_nothing(client, idea, resident):
    assert client.post(stage_url(idea), {"to": "discussion"}).status_code == 302
    client.force_login(resident)
    client.post(stage_url(idea), {"to": "moon"})
    client.post(stage_url(idea), {"to": "discussion", "reason": "x" * 3000})
    assert Idea.objects.get(pk=idea.pk).stage == Stage.IDEA


def test_the_queue_and_the_rules_pages_are_the_jurys_and_the_admins(
    client, dortmund, jury, city_admin, resident
):
    queue = reverse("idea_evaluation_queue", args=["dortmund"])
    rules = reverse("idea_rules", args=["dortmund"])
    client.force_login(resident)
    assert client.get(queue).status_code == 404 and client.get(rules).status_code == 404
    client.force_login(jury)
    assert "No idea is waiting for the jury." in client.get(queue).content.decode()
    client.force_login(city_admin)
    bad = client.post(rules, {"discussion_team_size": "0", "discussion_supports": "x"})
    assert bad.status_code == 400
    client.post(rules, {"discussion_team_size": "3", "discussion_supports": "7"})
    assert lifecycle.rules_for(dortmund).discussion_supports == 7
