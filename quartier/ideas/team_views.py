"""Pages of an idea's team: who is in it, the roles it looks for, asking to join, and what the
leads decide. Every write answers with a redirect to the team page and a message."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.cities.selectors import city_for_request
from quartier.core.errors import DomainError

from . import teams
from .forms import JoinAskForm, JoinDecideForm, MemberActionForm, OpenRoleForm, TeamSelfForm
from .models import Idea, JoinRequest, OpenRole
from .permissions import (
    can_ask_to_join,
    can_edit_idea,
    can_lead_team,
    can_see_idea,
    is_team_lead,
    team_has_lead,
)
from .selectors import (
    idea_get,
    person_ideas,
    person_public_get,
    person_teams,
    team_members,
    team_membership,
    team_open_roles,
    team_request_of,
    team_requests_pending,
)
from .views import idea_not_shown


def _idea(request, city_slug: str, idea_id: int) -> Idea:
    return idea_get(city=city_for_request(request, city_slug), idea_id=idea_id, viewer=request.user)


def _team_url(idea: Idea, anchor: str = "") -> str:
    url = reverse("idea_team", args=[idea.city.slug, idea.pk])
    return f"{url}#{anchor}" if anchor else url


def team_view(request, city_slug: str, idea_id: int):
    idea = _idea(request, city_slug, idea_id)
    if not can_see_idea(user=request.user, idea=idea):
        return idea_not_shown(request, idea)
    if idea.merged_into_id is not None:
        return redirect("idea_team", city_slug=idea.city.slug, idea_id=idea.merged_into_id)
    leads = can_lead_team(user=request.user, idea=idea)
    return render(
        request,
        "ideas/team.html",
        {
            "city": idea.city,
            "idea": idea,
            "members": team_members(idea=idea),
            "me": team_membership(idea=idea, user=request.user),
            "i_lead": is_team_lead(user=request.user, idea=idea),
            "has_lead": team_has_lead(idea=idea),
            "can_lead": leads,
            "can_edit": can_edit_idea(user=request.user, idea=idea),
            "can_ask": can_ask_to_join(user=request.user, idea=idea),
            "roles": list(team_open_roles(idea=idea)),
            "pending": list(team_requests_pending(idea=idea)) if leads else [],
            "my_request": team_request_of(idea=idea, user=request.user),
            "role_form": OpenRoleForm(),
            "ask_form": JoinAskForm(),
        },
    )


def _done(request, idea: Idea, anchor: str, write: Callable[[], object], success: str):
    """Run one team write; its refusal becomes the page's error message."""
    try:
        write()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_team_url(idea, anchor))


@require_POST
@login_required
def team_role_add_view(request, city_slug: str, idea_id: int):
    idea = _idea(request, city_slug, idea_id)
    form = OpenRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please name the role (at most 80 characters)."))
        return redirect(_team_url(idea, "roles"))
    return _done(
        request,
        idea,
        "roles",
        partial(teams.open_role_publish, idea=idea, actor=request.user, **form.cleaned_data),
        _("The role is published."),
    )


@require_POST
@login_required
def team_role_close_view(request, city_slug: str, idea_id: int, role_id: int):
    idea = _idea(request, city_slug, idea_id)
    role = get_object_or_404(OpenRole, pk=role_id, idea=idea)
    return _done(
        request,
        idea,
        "roles",
        partial(teams.open_role_close, role=role, actor=request.user),
        _("The role is closed."),
    )


@require_POST
@login_required
def team_join_view(request, city_slug: str, idea_id: int):
    idea = _idea(request, city_slug, idea_id)
    form = JoinAskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a message of at most 1,000 characters."))
        return redirect(_team_url(idea, "join"))
    role = None
    if form.cleaned_data["role"]:
        role = OpenRole.objects.filter(pk=form.cleaned_data["role"], idea=idea).first()
        if role is None:
            messages.error(request, _("The team is no longer looking for this role."))
            return redirect(_team_url(idea, "roles"))
    return _done(
        request,
        idea,
        "join",
        partial(
            teams.join_ask,
            idea=idea,
            user=request.user,
            role=role,
            message=form.cleaned_data["message"],
        ),
        _("Your request has been sent to the team's leads."),
    )


@require_POST
@login_required
def team_join_withdraw_view(request, city_slug: str, idea_id: int):
    idea = _idea(request, city_slug, idea_id)
    mine = team_request_of(idea=idea, user=request.user)
    if mine is None:
        messages.error(request, _("You have no request waiting for this team."))
        return redirect(_team_url(idea))
    return _done(
        request,
        idea,
        "join",
        partial(teams.join_withdraw, request=mine, user=request.user),
        _("Your request is withdrawn."),
    )


@require_POST
@login_required
def team_request_decide_view(request, city_slug: str, idea_id: int, request_id: int):
    idea = _idea(request, city_slug, idea_id)
    asked = get_object_or_404(JoinRequest, pk=request_id, idea=idea)
    form = JoinDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please accept or decline."))
        return redirect(_team_url(idea, "requests"))
    accept = form.cleaned_data["decision"] == "accept"
    return _done(
        request,
        idea,
        "requests",
        partial(teams.join_decide, request=asked, actor=request.user, accept=accept),
        _("Welcome to the team: the request is accepted.")
        if accept
        else _("The request is declined."),
    )


@require_POST
@login_required
def team_member_view(request, city_slug: str, idea_id: int, member_id: int):
    idea = _idea(request, city_slug, idea_id)
    form = MemberActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose what to do (a role of at most 80 characters)."))
        return redirect(_team_url(idea, "members"))
    action = form.cleaned_data["action"]
    who = {"idea": idea, "member_id": member_id, "actor": request.user}
    write: Callable[[], object]
    if action == "make_lead":
        write = partial(teams.member_make_lead, **who)
        success = _("They lead the team now, together with the other leads.")
    elif action == "remove":
        write = partial(teams.member_remove, **who)
        success = _("They are no longer in the team.")
    else:
        contribution = form.cleaned_data["contribution"]
        write = partial(teams.member_describe, **who, contribution=contribution)
        success = _("The role in the team is saved.")
    return _done(request, idea, "members", write, success)


@require_POST
@login_required
def team_self_view(request, city_slug: str, idea_id: int):
    idea = _idea(request, city_slug, idea_id)
    form = TeamSelfForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose what to do."))
        return redirect(_team_url(idea, "members"))
    if form.cleaned_data["action"] == "step_down":
        return _done(
            request,
            idea,
            "members",
            partial(teams.member_step_down, idea=idea, user=request.user),
            _("You are a member of the team now, no longer a lead."),
        )
    return _done(
        request,
        idea,
        "members",
        partial(teams.member_leave, idea=idea, user=request.user),
        _("You have left the team."),
    )


def person_view(request, city_slug: str, user_id: int):
    """A person's public profile in this city: their ideas and teams, as far as they chose."""
    city = city_for_request(request, city_slug)
    person = person_public_get(user_id=user_id, viewer=request.user)
    if person is None:
        raise Http404
    return render(
        request,
        "ideas/person.html",
        {
            "city": city,
            "person": person,
            "own": request.user.is_authenticated and request.user.pk == person.pk,
            "ideas": list(person_ideas(city=city, person=person))
            if person.profile_shows_ideas
            else None,
            "memberships": list(person_teams(city=city, person=person))
            if person.profile_shows_teams
            else None,
        },
    )
