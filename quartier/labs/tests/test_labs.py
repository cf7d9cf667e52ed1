"""Living-lab tests (#11): a plan, testers, structured feedback, results, iterations, and the
gates of the idea's life they open."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quartier.accounts.services import account_erase, profile_export
from quartier.conftest import make_user
from quartier.core.errors import DomainError, PermissionDenied
from quartier.ideas import lifecycle, teams
from quartier.ideas.errors import IdeaError
from quartier.ideas.models import Idea, IdeaRules, Stage
from quartier.ideas.tests.test_services import submit
from quartier.labs import services
from quartier.labs.models import Feedback, LabTest, Rating
from quartier.labs.models import TesterSignup as Signup
from quartier.labs.selectors import lab_results_of
from quartier.labs.services import LabError, Plan


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def idea(dortmund, resident, neighbour):
    IdeaRules.objects.create(city=dortmund, discussion_team_size=2, discussion_supports=0)
    idea = submit(dortmund, resident)
    teams.join_decide(
        request=teams.join_ask(idea=idea, user=neighbour), actor=resident, accept=True
    )
    return Idea.objects.get(pk=idea.pk)


def plan(**changes):
    today = timezone.localdate()
    data = {
        "hypothesis": "Schatten hält Menschen länger auf dem Platz.",
        "measures": "Verweildauer, zweimal am Tag gezählt.",
        "place_name": "Borsigplatz",
        "starts_on": today - timedelta(days=1),
        "ends_on": today + timedelta(days=13),
        "testers_wanted": 2,
        "questions": ["Wie angenehm war der Schatten?", "Würden Sie wiederkommen?"],
    }
    return Plan(**{**data, **changes})


def fresh(idea):
    return Idea.objects.get(pk=idea.pk)


def test_the_way_through_the_lab_gates(idea, resident, dortmund):
    lifecycle.idea_advance(idea=idea, actor=resident, to_stage=Stage.DISCUSSION)
    with pytest.raises(IdeaError, match="test plan"):
        lifecycle.idea_advance(idea=fresh(idea), actor=resident, to_stage=Stage.LIVING_LAB)
    test = services.lab_test_plan(idea=fresh(idea), actor=resident, plan=plan())
    lifecycle.idea_advance(idea=fresh(idea), actor=resident, to_stage=Stage.LIVING_LAB)
    with pytest.raises(IdeaError, match="Feedback from testers"):
        lifecycle.idea_advance(idea=fresh(idea), actor=resident, to_stage=Stage.EVALUATION)
    tester = make_user("t@example.org", name="Tess")
    services.tester_signup(test=test, user=tester)
    q1, q2 = test.questions.all()
    services.feedback_give(test=test, user=tester, ratings={q1.pk: 4, q2.pk: 5}, comment="Schön")
    with pytest.raises(IdeaError, match="results"):
        lifecycle.idea_advance(idea=fresh(idea), actor=resident, to_stage=Stage.EVALUATION)
    services.results_record(test=test, actor=resident, results="Leute blieben 12 Minuten länger.")
    lifecycle.idea_advance(idea=fresh(idea), actor=resident, to_stage=Stage.EVALUATION)
    assert fresh(idea).stage == Stage.EVALUATION


def test_the_results_are_means_per_question(idea, resident):
    test = services.lab_test_plan(idea=idea, actor=resident, plan=plan(testers_wanted=3))
    q1, q2 = test.questions.all()
    for number, (a, b) in enumerate([(4, 5), (2, 5), (3, 4)]):
        tester = make_user(f"t{number}@example.org")
        services.tester_signup(test=test, user=tester)
        services.feedback_give(test=test, user=tester, ratings={q1.pk: a, q2.pk: b})
    result = lab_results_of(test=test)
    assert result.feedback_count == 3
    assert [(q.mean, q.answers) for q in result.questions] == [(3.0, 3), (4.67, 3)]
    assert result.questions[1].bar == pytest.approx(93.4)


def test_a_plan_is_checked_before_anything_is_stored(idea, resident, neighbour):
    today = timezone.localdate()
    bad = [
        plan(ends_on=today - timedelta(days=5)),
        plan(starts_on=today - timedelta(days=3000)),
        plan(ends_on=today + timedelta(days=500)),
        plan(testers_wanted=0),
        plan(questions=[]),
        plan(questions=[f"Frage {n}" for n in range(11)]),
        plan(hypothesis="  "),
        plan(lat=48.85, lon=2.35),  # Paris
        plan(lat=51.5),
    ]
    for each in bad:
        with pytest.raises(DomainError):  # LabError, a text refused, a point outside the city
            services.lab_test_plan(idea=idea, actor=resident, plan=each)
    with pytest.raises(PermissionDenied):  # a member, not a lead
        services.lab_test_plan(idea=idea, actor=neighbour, plan=plan())
    assert not LabTest.objects.filter(idea=idea).exists()


def test_iterations_follow_each_other_after_results(idea, resident):
    first = services.lab_test_plan(idea=idea, actor=resident, plan=plan())
    with pytest.raises(LabError, match="iteration 1"):
        services.lab_test_plan(idea=idea, actor=resident, plan=plan())
    services.results_record(test=first, actor=resident, results="Gelernt: mehr Bänke.")
    second = services.lab_test_plan(idea=idea, actor=resident, plan=plan(place_name="Hoeschpark"))
    assert (first.iteration, second.iteration) == (1, 2)


def test_testers_sign_up_up_to_the_number_wanted_and_give_feedback_once(idea, resident):
    test = services.lab_test_plan(idea=idea, actor=resident, plan=plan(testers_wanted=1))
    first, second = make_user("a1@example.org"), make_user("a2@example.org")
    services.tester_signup(test=test, user=first)
    with pytest.raises(LabError, match="all the testers"):
        services.tester_signup(test=test, user=second)
    with pytest.raises(PermissionDenied):
        services.feedback_give(test=test, user=second, ratings={})
    q1, q2 = test.questions.all()
    with pytest.raises(LabError):  # every question
        services.feedback_give(test=test, user=first, ratings={q1.pk: 3})
    with pytest.raises(LabError):  # 1 to 5
        services.feedback_give(test=test, user=first, ratings={q1.pk: 3, q2.pk: 9})
    services.feedback_give(test=test, user=first, ratings={q1.pk: 3, q2.pk: 2})
    with pytest.raises(LabError):
        services.feedback_give(test=test, user=first, ratings={q1.pk: 3, q2.pk: 2})
    assert Rating.objects.count() == 2


def test_feedback_waits_for_the_first_day_and_closes_with_the_results(idea, resident):
    today = timezone.localdate()
    later = services.lab_test_plan(
        idea=idea,
        actor=resident,
        plan=plan(starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=5)),
    )
    tester = make_user("t@example.org")
    services.tester_signup(test=later, user=tester)
    q1, q2 = later.questions.all()
    with pytest.raises(LabError, match="first day"):
        services.feedback_give(test=later, user=tester, ratings={q1.pk: 3, q2.pk: 3})
    services.results_record(test=later, actor=resident, results="Abgesagt: Regen.")
    with pytest.raises(LabError):
        services.tester_signup(test=later, user=make_user("u@example.org"))


def test_feedback_stays_when_a_tester_erases_their_account(idea, resident):
    test = services.lab_test_plan(idea=idea, actor=resident, plan=plan())
    tester = make_user("t@example.org")
    services.tester_signup(test=test, user=tester)
    q1, q2 = test.questions.all()
    services.feedback_give(test=test, user=tester, ratings={q1.pk: 5, q2.pk: 4}, comment="Gut")
    exported = profile_export(user=tester)["living_lab_tests"]
    assert exported["feedback"][0]["ratings"] == {q1.text: 5, q2.text: 4}
    account_erase(user=tester)
    assert not Signup.objects.exists()
    (kept,) = Feedback.objects.all()
    assert kept.tester is None and kept.comment == "Gut"


# --- Pages ------------------------------------------------------------------------------------


def url(name, idea, *args):
    return reverse(name, args=[idea.city.slug, idea.pk, *args])


def test_a_lead_plans_on_the_page_and_a_resident_signs_up_and_answers(client, idea, resident):
    client.force_login(resident)
    assert client.get(url("lab_test_new", idea)).status_code == 200
    today = timezone.localdate()
    answer = client.post(
        url("lab_test_new", idea),
        {
            "hypothesis": "Schatten hilft.",
            "measures": "Verweildauer.",
            "place_name": "Borsigplatz",
            "lat": "51,5220",
            "lon": "7,4760",
            "starts_on": str(today),
            "ends_on": str(today + timedelta(days=7)),
            "testers_wanted": "5",
            "questions": "Wie angenehm?\n\nWiederkommen?",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    test = LabTest.objects.get(idea=idea)
    assert [q.text for q in test.questions.all()] == ["Wie angenehm?", "Wiederkommen?"]
    tester = make_user("t@example.org", name="Tess")
    client.force_login(tester)
    client.post(url("lab_signup", idea, 1))
    q1, q2 = test.questions.all()
    client.post(
        url("lab_feedback", idea, 1), {f"q{q1.pk}": "4", f"q{q2.pk}": "2", "comment": "Nett"}
    )
    page = client.get(url("lab_test", idea, 1)).content.decode()
    assert "Thank you: your feedback is in." in page and "Nett" in page
    assert "<svg" in page and "<table" in page and "4.0" in page
    overview = client.get(url("lab_tests", idea)).content.decode()
    assert "Iteration 1" in overview
    detail = client.get(reverse("idea_detail", args=[idea.city.slug, idea.pk])).content.decode()
    assert "Living-lab tests" in detail


def test_a_bad_plan_comes_back_with_its_errors(client, idea, resident):
    client.force_login(resident)
    answer = client.post(url("lab_test_new", idea), {"hypothesis": "x", "starts_on": "soon"})
    assert answer.status_code == 400 and not LabTest.objects.filter(idea=idea).exists()
    page = answer.content.decode()
    assert "form-errors" in page


def test_strangers_cannot_plan_or_record_and_bad_ratings_change_nothing(client, idea, resident):
    test = services.lab_test_plan(idea=idea, actor=resident, plan=plan())
    stranger = make_user("s@example.org")
    client.force_login(stranger)
    assert client.get(url("lab_test_new", idea)).status_code == 404
    client.post(url("lab_results", idea, 1), {"results": "Hijacked"})
    assert not LabTest.objects.get(pk=test.pk).has_results
    client.post(url("lab_signup", idea, 1))
    q1, _q2 = test.questions.all()
    client.post(url("lab_feedback", idea, 1), {f"q{q1.pk}": "99"})
    assert not Feedback.objects.exists()
    assert client.get(url("lab_test", idea, 7)).status_code == 404


def test_a_hotspot_gives_the_test_its_place(client, idea, resident, dortmund):
    spot = dortmund.hotspots.exclude(lat=None).first()
    client.force_login(resident)
    today = timezone.localdate()
    form = {
        "hypothesis": "Im Makerspace testen.",
        "measures": "Bewertungen.",
        "place_name": "",
        "hotspot": str(spot.pk),
        "starts_on": str(today),
        "ends_on": str(today + timedelta(days=3)),
        "testers_wanted": "5",
        "questions": "Gut?",
    }
    page = client.get(url("lab_test_new", idea)).content.decode()
    assert spot.name in page
    assert client.post(url("lab_test_new", idea), form).status_code == 302
    test = LabTest.objects.get(idea=idea)
    assert (test.place_name, test.lat, test.lon) == (spot.name, spot.lat, spot.lon)
    # A hotspot of no city here, or none and no place: refused, nothing stored.
    services.results_record(test=test, actor=resident, results="Gut.")
    bad = client.post(url("lab_test_new", idea), {**form, "hotspot": "999999"})
    assert bad.status_code == 400
    empty = client.post(url("lab_test_new", idea), {**form, "hotspot": ""})
    assert empty.status_code == 400 and LabTest.objects.filter(idea=idea).count() == 1
