"""Shared by the tests that need an idea past its living-lab test (the matrix, the page walk)."""

from datetime import timedelta

from django.utils import timezone

from quartier.ideas import lifecycle
from quartier.ideas.models import Idea
from quartier.labs import services as labs


def lab_plan(**changes) -> labs.Plan:
    """A plan running from a week ago to a week from now."""
    today = timezone.localdate()
    data = {
        "hypothesis": "Shade keeps people on the square.",
        "measures": "Minutes stayed, counted twice a day.",
        "place_name": "Borsigplatz",
        "starts_on": today - timedelta(days=7),
        "ends_on": today + timedelta(days=7),
        "testers_wanted": 20,
        "questions": ["How pleasant was it?"],
    }
    return labs.Plan(**{**data, **changes})


def through_the_lab(idea: Idea, *, lead, tester, to: str = "evaluation", reason: str = "") -> None:
    """From the idea stage on: the discussion, a test with one tester's feedback and the
    team's results, and the request for the jury (each gate of ADR 0008 met)."""

    def step(stage: str) -> None:
        lifecycle.idea_advance(
            idea=Idea.objects.get(pk=idea.pk), actor=lead, to_stage=stage, reason=reason
        )

    step("discussion")
    test = labs.lab_test_plan(idea=Idea.objects.get(pk=idea.pk), actor=lead, plan=lab_plan())
    step("living_lab")
    labs.tester_signup(test=test, user=tester)
    (question,) = test.questions.all()
    labs.feedback_give(test=test, user=tester, ratings={question.pk: 4}, comment=reason)
    labs.results_record(test=test, actor=lead, results=reason or "People stayed longer.")
    if to == "evaluation":
        step("evaluation")
