"""Reads of living-lab tests: an idea's iterations with their results, ready for a page."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, QuerySet
from django.http import Http404

from .models import Feedback, LabTest, Rating, TesterSignup
from .permissions import can_plan_test


def tests_of(*, idea) -> QuerySet[LabTest]:
    return (
        LabTest.objects.filter(idea=idea)
        .annotate(signup_count=Count("signups", distinct=True))
        .prefetch_related("questions")
        .order_by("iteration")
    )


def lab_test_get(*, idea, iteration: int) -> LabTest:
    test = tests_of(idea=idea).filter(iteration=iteration).first()
    if test is None:
        raise Http404
    return test


@dataclass(frozen=True)
class QuestionResult:
    text: str
    mean: float | None  # None: nobody answered yet
    answers: int

    @property
    def bar(self) -> float:
        """The bar's length in the chart, 0 to 100 (a mean of 5 is the whole width)."""
        return 0.0 if self.mean is None else round(self.mean / 5 * 100, 1)


@dataclass(frozen=True)
class IterationResult:
    test: LabTest
    feedback_count: int
    questions: list[QuestionResult] = field(default_factory=list)


def lab_results_of(*, test: LabTest) -> IterationResult:
    """Per question: the mean rating and how many answered (one query for the ratings)."""
    by_question = {
        row["question_id"]: row
        for row in Rating.objects.filter(question__test=test)
        .values("question_id")
        .annotate(mean=Avg("value"), answers=Count("id"))
    }
    return IterationResult(
        test=test,
        feedback_count=Feedback.objects.filter(test=test).count(),
        questions=[
            QuestionResult(
                text=question.text,
                mean=round(by_question[question.pk]["mean"], 2)
                if question.pk in by_question
                else None,
                answers=by_question[question.pk]["answers"] if question.pk in by_question else 0,
            )
            for question in test.questions.all()
        ],
    )


def feedback_comments(*, test: LabTest) -> QuerySet[Feedback]:
    """The testers' own words, newest first, without their names (feedback is about the test)."""
    return Feedback.objects.filter(test=test).exclude(comment="").order_by("-created_at")


def signed_up(*, test: LabTest, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return TesterSignup.objects.filter(test=test, user=user).exists()


def has_given_feedback(*, test: LabTest, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Feedback.objects.filter(test=test, tester=user).exists()


def idea_panel(*, idea, user) -> dict:
    """The idea page's section: the iterations with their results, and what the viewer can do."""
    tests = list(tests_of(idea=idea))
    return {
        "tests": [lab_results_of(test=test) for test in tests],
        "can_plan": can_plan_test(user=user, idea=idea),
    }
