"""Pages of living-lab tests, on an idea: its iterations, a test's plan with sign-up and
feedback, and the leads' forms to plan a test and record its results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.cities.selectors import city_for_request, city_map_config, hotspot_list
from quartier.core.errors import DomainError
from quartier.ideas.permissions import can_see_idea
from quartier.ideas.selectors import idea_get

from . import services
from .forms import FeedbackForm, PlanForm, ResultsForm
from .permissions import can_plan_test
from .selectors import (
    feedback_comments,
    has_given_feedback,
    lab_results_of,
    lab_test_get,
    signed_up,
    tests_of,
)


def _visible_idea(request, city_slug: str, idea_id: int):
    idea = idea_get(city=city_for_request(request, city_slug), idea_id=idea_id, viewer=request.user)
    # A merged idea's tests stay readable here (its page leads to the other idea).
    if not can_see_idea(user=request.user, idea=idea):
        raise Http404
    return idea


def _test_url(test) -> str:
    return reverse("lab_test", args=[test.idea.city.slug, test.idea_id, test.iteration])


def lab_tests_view(request, city_slug: str, idea_id: int):
    idea = _visible_idea(request, city_slug, idea_id)
    return render(
        request,
        "labs/tests.html",
        {
            "city": idea.city,
            "idea": idea,
            "results": [lab_results_of(test=test) for test in tests_of(idea=idea)],
            "can_plan": can_plan_test(user=request.user, idea=idea),
        },
    )


@login_required
def lab_test_new_view(request, city_slug: str, idea_id: int):
    idea = _visible_idea(request, city_slug, idea_id)
    if not can_plan_test(user=request.user, idea=idea):
        raise Http404
    form = PlanForm(request.POST or None, hotspots=hotspot_list(city=idea.city))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place_name, lat, lon = form.place()
        try:
            test = services.lab_test_plan(
                idea=idea,
                actor=request.user,
                plan=services.Plan(
                    hypothesis=data["hypothesis"],
                    measures=data["measures"],
                    place_name=place_name,
                    lat=lat,
                    lon=lon,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    testers_wanted=data["testers_wanted"],
                    questions=form.question_lines(),
                ),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The test plan is published: residents can sign up now."))
            return redirect(_test_url(test))
    return render(
        request,
        "labs/test_new.html",
        {"city": idea.city, "idea": idea, "form": form, "map_config": city_map_config(idea.city)},
        status=400 if form.errors else 200,
    )


def lab_test_view(request, city_slug: str, idea_id: int, iteration: int):
    idea = _visible_idea(request, city_slug, idea_id)
    test = lab_test_get(idea=idea, iteration=iteration)
    tester = signed_up(test=test, user=request.user)
    return render(
        request,
        "labs/test.html",
        {
            "city": idea.city,
            "idea": idea,
            "test": test,
            "result": lab_results_of(test=test),
            "comments": list(feedback_comments(test=test)[:50]),
            "tester": tester,
            "given": has_given_feedback(test=test, user=request.user),
            "feedback_form": FeedbackForm(questions=test.questions.all()) if tester else None,
            "can_plan": can_plan_test(user=request.user, idea=idea),
            "results_form": ResultsForm(initial={"results": test.results}),
            "map_config": city_map_config(idea.city),
        },
    )


@require_POST
@login_required
def lab_signup_view(request, city_slug: str, idea_id: int, iteration: int):
    idea = _visible_idea(request, city_slug, idea_id)
    test = lab_test_get(idea=idea, iteration=iteration)
    try:
        if request.POST.get("action") == "withdraw":
            services.tester_withdraw(test=test, user=request.user)
            messages.success(request, _("You are no longer signed up as a tester."))
        else:
            services.tester_signup(test=test, user=request.user)
            messages.success(request, _("You are signed up as a tester. Thank you!"))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_test_url(test))


@require_POST
@login_required
def lab_feedback_view(request, city_slug: str, idea_id: int, iteration: int):
    idea = _visible_idea(request, city_slug, idea_id)
    test = lab_test_get(idea=idea, iteration=iteration)
    form = FeedbackForm(request.POST, questions=test.questions.all())
    if not form.is_valid():
        messages.error(request, _("Please answer every question from 1 to 5."))
        return redirect(_test_url(test) + "#feedback")
    try:
        services.feedback_give(
            test=test,
            user=request.user,
            ratings=form.ratings(),
            comment=form.cleaned_data["comment"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect(_test_url(test) + "#feedback")


@require_POST
@login_required
def lab_results_view(request, city_slug: str, idea_id: int, iteration: int):
    idea = _visible_idea(request, city_slug, idea_id)
    test = lab_test_get(idea=idea, iteration=iteration)
    form = ResultsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write the results (at most 5,000 characters)."))
        return redirect(_test_url(test) + "#results")
    try:
        services.results_record(test=test, actor=request.user, results=form.cleaned_data["results"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The results are recorded; feedback is closed."))
    return redirect(_test_url(test) + "#results")
