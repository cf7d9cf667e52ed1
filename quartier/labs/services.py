"""Every write on living-lab tests goes through one of these functions, and the gates of the
idea's life that tests open are checked here (registered in ``apps.py``)."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.accounts.permissions import can_participate
from quartier.cities.services import district_for_idea_location
from quartier.core.errors import DomainError, PermissionDenied
from quartier.core.rate_limits import rate_limit_check
from quartier.ideas.lifecycle import Check
from quartier.ideas.permissions import is_team_member
from quartier.ideas.text import clean_text

from .models import Feedback, FeedbackQuestion, LabTest, Rating, TesterSignup
from .permissions import can_plan_test

QUESTIONS_MAX = 10
TESTERS_MAX = 500
LONGEST_TEST = timedelta(days=366)
# A test plan can be written for a test in the coming two years, not for the last century.
PLANNING_HORIZON = timedelta(days=730)


class LabError(DomainError):
    pass


def _require_lead(user: User, idea) -> None:
    if not can_plan_test(user=user, idea=idea):
        raise PermissionDenied(_("Only the team's leads can do this while the idea is public."))


@dataclass(frozen=True)
class Plan:
    hypothesis: str
    measures: str
    place_name: str
    starts_on: date
    ends_on: date
    testers_wanted: int
    questions: Sequence[str]
    lat: float | None = None
    lon: float | None = None


def _checked(plan: Plan, idea) -> Plan:
    hypothesis = clean_text(plan.hypothesis, field=_("Hypothesis"), max_length=1_000)
    measures = clean_text(plan.measures, field=_("What is measured"), max_length=1_000)
    place_name = clean_text(plan.place_name, field=_("Place"), max_length=200)
    today = timezone.localdate()
    if plan.ends_on < plan.starts_on:
        raise LabError(_("The last day comes before the first day."))
    if plan.ends_on - plan.starts_on > LONGEST_TEST:
        raise LabError(_("A test lasts at most a year: plan another iteration after it."))
    if not today - PLANNING_HORIZON <= plan.starts_on <= today + PLANNING_HORIZON:
        raise LabError(_("The first day must lie within two years from today."))
    if not 1 <= plan.testers_wanted <= TESTERS_MAX:
        raise LabError(_("Between 1 and %(count)d testers, please.") % {"count": TESTERS_MAX})
    questions = [
        clean_text(q, field=_("Question"), max_length=200) for q in plan.questions if q.strip()
    ]
    if not 1 <= len(questions) <= QUESTIONS_MAX:
        raise LabError(
            _("Ask the testers between 1 and %(count)d questions.") % {"count": QUESTIONS_MAX}
        )
    if (plan.lat is None) != (plan.lon is None):
        raise LabError(_("A place on the map needs both its latitude and its longitude."))
    if plan.lat is not None and plan.lon is not None:
        district_for_idea_location(city=idea.city, lat=plan.lat, lon=plan.lon)  # in the city
    return replace(
        plan, hypothesis=hypothesis, measures=measures, place_name=place_name, questions=questions
    )


def lab_test_plan(*, idea, actor: User, plan: Plan) -> LabTest:
    """A lead plans the idea's next test (its first, or a new iteration after the last one has
    its results)."""
    _require_lead(actor, idea)
    if idea.stage in ("implementation", "archived"):
        raise LabError(_("An idea being implemented or archived plans no more tests."))
    plan = _checked(plan, idea)
    rate_limit_check(action="lab_test_plan", actor_id=actor.pk, limit=20, period_seconds=3600)
    with transaction.atomic():
        # One plan at a time per idea: the iteration numbers stay 1, 2, 3 …
        type(idea).objects.select_for_update().filter(pk=idea.pk).first()
        last = LabTest.objects.filter(idea=idea).order_by("-iteration").first()
        if last is not None and not last.has_results:
            raise LabError(
                _("Record the results of iteration %(number)d before planning the next one.")
                % {"number": last.iteration}
            )
        test = LabTest.objects.create(
            idea=idea,
            iteration=(last.iteration if last else 0) + 1,
            hypothesis=plan.hypothesis,
            measures=plan.measures,
            place_name=plan.place_name,
            lat=plan.lat,
            lon=plan.lon,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            testers_wanted=plan.testers_wanted,
            created_by=actor,
        )
        FeedbackQuestion.objects.bulk_create(
            FeedbackQuestion(test=test, position=position, text=text)
            for position, text in enumerate(plan.questions, start=1)
        )
    return test


def _open_to_testers(test: LabTest) -> bool:
    idea = test.idea
    return not (idea.is_hidden or idea.is_withdrawn or test.has_results)


def tester_signup(*, test: LabTest, user: User) -> TesterSignup:
    if not can_participate(user=user):
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))
    if not _open_to_testers(test) or test.ended:
        raise LabError(_("This test takes no more testers."))
    if is_team_member(user=user, idea=test.idea):
        raise LabError(_("The team does not test its own idea: residents do."))
    with transaction.atomic():
        LabTest.objects.select_for_update().filter(pk=test.pk).first()  # one count at a time
        if TesterSignup.objects.filter(test=test, user=user).exists():
            raise LabError(_("You are signed up for this test already."))
        if TesterSignup.objects.filter(test=test).count() >= test.testers_wanted:
            raise LabError(_("This test has all the testers it wanted."))
        return TesterSignup.objects.create(test=test, user=user)


def tester_withdraw(*, test: LabTest, user: User) -> None:
    if Feedback.objects.filter(test=test, tester=user).exists():
        raise LabError(_("You have given your feedback: it stays with the test."))
    if not TesterSignup.objects.filter(test=test, user=user).delete()[0]:
        raise LabError(_("You are not signed up for this test."))


def feedback_give(
    *, test: LabTest, user: User, ratings: dict[int, int], comment: str = ""
) -> Feedback:
    """A signed-up tester answers every question from 1 to 5, once; from the test's first day
    until the team records its results."""
    if not TesterSignup.objects.filter(test=test, user=user).exists():
        raise PermissionDenied(_("Only the test's testers give feedback."))
    if not _open_to_testers(test):
        raise LabError(_("The team has recorded this test's results: feedback is closed."))
    if not test.started:
        raise LabError(_("Feedback opens on the test's first day."))
    questions = list(test.questions.all())
    if set(ratings) != {q.pk for q in questions}:
        raise LabError(_("Please answer every question."))
    if any(not isinstance(v, int) or not 1 <= v <= 5 for v in ratings.values()):
        raise LabError(_("Each answer is a number from 1 to 5."))
    comment = clean_text(comment, field=_("Comment"), max_length=2_000, required=False)
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(test=test, tester=user, comment=comment)
            Rating.objects.bulk_create(
                Rating(feedback=feedback, question_id=question_id, value=value)
                for question_id, value in ratings.items()
            )
    except IntegrityError as error:
        raise LabError(_("You have given your feedback on this test already.")) from error
    return feedback


def results_record(*, test: LabTest, actor: User, results: str) -> LabTest:
    """A lead records what came out and what the team learned; feedback closes."""
    _require_lead(actor, test.idea)
    results = clean_text(results, field=_("Results"), max_length=5_000)
    LabTest.objects.filter(pk=test.pk).update(results=results, results_recorded_at=timezone.now())
    test.refresh_from_db(fields=["results", "results_recorded_at"])
    return test


# --- The gates (ideas.lifecycle's checklists) -----------------------------------------------


def gate_test_plan(idea) -> Check:
    planned = LabTest.objects.filter(idea=idea).exists()
    return Check(_("A living-lab test plan"), planned)


def gate_tester_feedback(idea) -> Check:
    count = Feedback.objects.filter(test__idea=idea).count()
    return Check(
        _("Feedback from testers"),
        count > 0,
        _("%(count)d given") % {"count": count},
    )


def gate_results(idea) -> Check:
    last = LabTest.objects.filter(idea=idea).aggregate(last=Max("iteration"))["last"]
    recorded = (
        last is not None
        and LabTest.objects.filter(
            idea=idea, iteration=last, results_recorded_at__isnull=False
        ).exists()
    )
    return Check(_("The results of the latest test, recorded by the team"), recorded)


# --- Personal data ------------------------------------------------------------------------------


def personal_data_export(*, user: User) -> dict:
    return {
        "signed_up_for": list(
            TesterSignup.objects.filter(user=user)
            .order_by("test_id")
            .values_list("test_id", flat=True)
        ),
        "feedback": [
            {
                "test": feedback.test_id,
                "comment": feedback.comment,
                "ratings": {r.question.text: r.value for r in feedback.ratings.all()},
                "given_at": feedback.created_at.isoformat(),
            }
            for feedback in Feedback.objects.filter(tester=user).prefetch_related(
                "ratings__question"
            )
        ],
    }


def personal_data_erase(*, user: User) -> None:
    """Sign-ups go with the account; feedback stays without the person (the key sets null)."""
    TesterSignup.objects.filter(user=user).delete()
