"""Pages of an idea's life: its stages as a timeline with the next steps' checklists, the
jury's queue, and the city's rules for the gates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from quartier.cities.selectors import city_for_request
from quartier.core.errors import DomainError
from quartier.participation.permissions import can_administer_city, can_evaluate

from . import lifecycle
from .forms import AdvanceForm, RulesForm
from .permissions import can_see_idea
from .selectors import idea_get
from .views import STAGE_PATH, idea_not_shown


def _stage_url(idea) -> str:
    return reverse("idea_stage", args=[idea.city.slug, idea.pk])


def idea_stage_view(request, city_slug: str, idea_id: int):
    """GET: the timeline and the next steps. POST (signed in): take one of them."""
    idea = idea_get(city=city_for_request(request, city_slug), idea_id=idea_id, viewer=request.user)
    if not can_see_idea(user=request.user, idea=idea):
        return idea_not_shown(request, idea)
    form = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        form = AdvanceForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Please choose a next stage (a reason of at most 2,000 characters).")
            )
            return redirect(_stage_url(idea))
        try:
            lifecycle.idea_advance(
                idea=idea,
                actor=request.user,
                to_stage=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The idea is now in the stage “%(stage)s”.")
                % {"stage": idea.get_stage_display()},
            )
        return redirect(_stage_url(idea))
    history = list(lifecycle.stage_history(idea=idea))
    return render(
        request,
        "ideas/stage.html",
        {
            "city": idea.city,
            "idea": idea,
            "path": STAGE_PATH,
            "history": history,
            "steps": lifecycle.next_steps(idea=idea, viewer=request.user),
        },
    )


@login_required
def evaluation_queue_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    if not can_evaluate(user=request.user, city=city):
        raise Http404
    return render(
        request,
        "ideas/evaluation_queue.html",
        {"city": city, "waiting": lifecycle.evaluation_queue(city=city)},
    )


@login_required
def idea_rules_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    if not can_administer_city(user=request.user, city=city):
        raise Http404
    rules = lifecycle.rules_for(city)
    form = RulesForm(
        request.POST or None,
        initial={
            "discussion_team_size": rules.discussion_team_size,
            "discussion_supports": rules.discussion_supports,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.rules_save(city=city, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The rules are saved."))
            return redirect("idea_rules", city_slug=city.slug)
    return render(
        request,
        "ideas/rules.html",
        {"city": city, "form": form},
        status=400 if form.errors else 200,
    )
