"""Pages of the prize-money vote: proposals, their list and map, the jury's queue and review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.permissions import can_participate
from quartier.cities.selectors import city_for_request, city_map_config, district_list
from quartier.core.errors import DomainError, PermissionDenied
from quartier.core.markdown import render_markdown
from quartier.ideas.permissions import can_see_idea
from quartier.ideas.selectors import idea_get
from quartier.participation.permissions import can_moderate

from .. import services
from ..forms_proposals import MergeForm, ProposalFilterForm, ProposalForm, ReviewForm
from ..permissions import (
    can_propose,
    can_review,
    can_see_proposal,
    can_see_review_queue,
    proposals_taken,
)
from ..selectors import (
    pots_of,
    prize_money_get,
    proposal_get,
    proposal_list,
    proposal_merge_targets,
    proposal_merged_from,
    proposal_review_queue,
    proposals_reviewed,
)

PROPOSALS_PER_PAGE = 25


def _process(request, city_slug: str, process_id: int):
    city = city_for_request(request, city_slug)
    return city, prize_money_get(city=city, process_id=process_id)


def proposal_url(proposal) -> str:
    return reverse(
        "budget_proposal", args=[proposal.process.city.slug, proposal.process_id, proposal.pk]
    )


def _proposals_map(city, process, proposals) -> dict:
    """The city map's configuration with the placed proposals as its points (no hotspots, no
    ideas): map.js draws ``ideasData`` instead of fetching ``ideasUrl``."""
    config = city_map_config(city)
    config["hotspotsUrl"] = ""
    config["ideasData"] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": proposal.pk,
                "geometry": {"type": "Point", "coordinates": [proposal.lon, proposal.lat]},
                "properties": {"title": proposal.title, "district": proposal.pot.name},
            }
            for proposal in proposals
            if proposal.lat is not None and proposal.hidden_at is None
        ],
    }
    config["ideaUrlTemplate"] = reverse("budget_proposal", args=[city.slug, process.pk, 0])
    return config


def proposal_list_view(request, city_slug: str, process_id: int):
    city, process = _process(request, city_slug, process_id)
    pots = pots_of(process=process)
    districts = [pot.district for pot in pots if pot.district is not None] or list(
        district_list(city=city)
    )
    form = ProposalFilterForm(request.GET or None, pots=pots, districts=districts)
    status = 200
    page = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.filters()
        proposals = proposal_list(process=process, viewer=request.user, **filters)
        paginator = Paginator(proposals, PROPOSALS_PER_PAGE)
        requested = form.cleaned_data.get("page") if form.is_bound else None
        page = paginator.get_page(requested or 1)
    filtered = form.is_bound and form.is_valid() and any(form.filters().values())
    placed = [p for p in (page.object_list if page else []) if p.lat is not None]
    return render(
        request,
        "budgeting/proposals/list.html",
        {
            "city": city,
            "process": process,
            "form": form,
            "page": page,
            "filtered": filtered,
            "pots": pots,
            "district_filter": form.filters().get("district") if page is not None else None,
            "can_propose": can_propose(user=request.user, process=process),
            "proposals_taken": proposals_taken(process=process),
            "can_see_queue": can_see_review_queue(user=request.user, process=process),
            "placed": placed,
            "map_config": _proposals_map(city, process, placed) if placed else None,
        },
        status=status,
    )


def proposal_detail_view(request, city_slug: str, process_id: int, proposal_id: int):
    city, process = _process(request, city_slug, process_id)
    proposal = proposal_get(process=process, proposal_id=proposal_id)
    if not can_see_proposal(user=request.user, proposal=proposal):
        return render(
            request,
            "budgeting/proposals/hidden.html",
            {"city": city, "process": process, "proposal": proposal},
            status=410,
        )
    idea = proposal.idea
    map_config = None
    if proposal.lat is not None:
        map_config = city_map_config(city)
    return render(
        request,
        "budgeting/proposals/detail.html",
        {
            "city": city,
            "process": process,
            "proposal": proposal,
            "description_html": render_markdown(proposal.description),
            "idea": idea if idea is not None and not idea.is_hidden else None,
            "merged_from": proposal_merged_from(proposal=proposal),
            "map_config": map_config,
            "can_review": can_review(user=request.user, process=process),
            "can_moderate": can_moderate(user=request.user, city=city),
        },
    )


def _idea_from_query(request, city):
    """The idea a proposal grows from (``?idea=`` or the form's hidden field), if public."""
    raw = request.POST.get("idea") or request.GET.get("idea") or ""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10:
        raise _BadIdea
    try:
        idea = idea_get(city=city, idea_id=int(raw), viewer=request.user)
    except Http404:
        raise _BadIdea from None
    if idea.is_hidden or idea.is_withdrawn or not can_see_idea(user=request.user, idea=idea):
        raise _BadIdea
    return idea


class _BadIdea(Exception):
    pass


@login_required
def propose_view(request, city_slug: str, process_id: int):
    city, process = _process(request, city_slug, process_id)
    list_url = reverse("budget_proposals", args=[city.slug, process.pk])
    if not can_participate(user=request.user):
        messages.warning(request, _("Please confirm your email address before you propose."))
        return redirect("account_email")
    if not can_propose(user=request.user, process=process):
        messages.info(request, _("This vote takes no proposals at the moment."))
        return redirect(list_url)
    pots = pots_of(process=process)
    if not pots:
        messages.info(request, _("This vote has no pots yet, so it takes no proposals."))
        return redirect(list_url)
    try:
        idea = _idea_from_query(request, city)
    except _BadIdea:
        return render(
            request,
            "budgeting/proposals/bad_request.html",
            {
                "city": city,
                "process": process,
                "message": _("This idea cannot be proposed: it does not exist here or is hidden."),
            },
            status=400,
        )
    initial: dict = {}
    if idea is not None:
        # Prefilled from the idea; the author makes it a project (cost, pot, what is needed).
        initial = {
            "title": idea.title[:200],
            "description": f"{idea.summary}\n\n{idea.description}"[:5_000],
            "lat": idea.lat,
            "lon": idea.lon,
            "idea": idea.pk,
        }
        district_pot = next((p for p in pots if p.district_id == idea.district_id), None)
        if district_pot is not None:
            initial["pot"] = district_pot.pk
    form = ProposalForm(request.POST or None, initial=initial, pots=pots)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_submit(
                process=process,
                author=request.user,
                pot=form.pots[data["pot"]],
                title=data["title"],
                description=data["description"],
                estimate=data["estimate"],
                idea=idea,
                lat=data["lat"],
                lon=data["lon"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if proposal.awaiting_review:
                messages.success(
                    request,
                    _("Thank you. Your proposal appears as soon as a moderator has looked at it."),
                )
            else:
                messages.success(request, _("Thank you. Your proposal is published."))
            return redirect(proposal_url(proposal))
    return render(
        request,
        "budgeting/proposals/propose.html",
        {
            "city": city,
            "process": process,
            "form": form,
            "idea": idea,
            "map_config": city_map_config(city),
        },
        status=400 if request.method == "POST" else 200,
    )


def _waited(since) -> int:
    return max(0, (timezone.now() - since).days)


@login_required
def review_queue_view(request, city_slug: str, process_id: int):
    city, process = _process(request, city_slug, process_id)
    if not can_see_review_queue(user=request.user, process=process):
        raise Http404
    queue = list(proposal_review_queue(process=process))
    return render(
        request,
        "budgeting/proposals/review_queue.html",
        {
            "city": city,
            "process": process,
            "queue": [(proposal, _waited(proposal.created_at)) for proposal in queue],
            "reviewed": proposals_reviewed(process=process)[:200],
            "can_review": can_review(user=request.user, process=process),
        },
    )


@login_required
def review_view(request, city_slug: str, process_id: int, proposal_id: int):
    city, process = _process(request, city_slug, process_id)
    if not can_see_review_queue(user=request.user, process=process):
        raise Http404
    proposal = proposal_get(process=process, proposal_id=proposal_id)
    if proposal.hidden_at is not None:
        raise Http404
    queue_url = reverse("budget_review_queue", args=[city.slug, process.pk])
    allowed = can_review(user=request.user, process=process)
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {}
    if proposal.status in ("feasible", "infeasible"):
        initial = {
            "decision": proposal.status,
            "reason": proposal.review_reason,
            "cost": proposal.cost,
        }
    review_form = ReviewForm(request.POST if action == "review" else None, initial=initial)
    merge_form = MergeForm(
        request.POST if action == "merge" else None,
        others=proposal_merge_targets(proposal=proposal),
    )
    status = 200
    if request.method == "POST":
        if not allowed:
            messages.error(request, _("Proposals can be reviewed only before the vote."))
            return redirect(queue_url)
        if action not in ("review", "merge"):
            status = 400
            messages.error(request, _("Please choose a decision."))
        else:
            done = _review_post(request, proposal, action, review_form, merge_form)
            if done:
                return redirect(queue_url)
            status = 400
    return render(
        request,
        "budgeting/proposals/review.html",
        {
            "city": city,
            "process": process,
            "proposal": proposal,
            "description_html": render_markdown(proposal.description),
            "review_form": review_form,
            "merge_form": merge_form,
            "can_review": allowed,
            "waited": _waited(proposal.created_at),
        },
        status=status,
    )


def _review_post(request, proposal, action, review_form, merge_form) -> bool:
    try:
        if action == "review" and review_form.is_valid():
            data = review_form.cleaned_data
            services.proposal_review(
                proposal=proposal,
                reviewer=request.user,
                feasible=data["decision"] == "feasible",
                reason=data["reason"],
                cost=data["cost"],
            )
            messages.success(
                request, _("Your review of “%(title)s” is saved.") % {"title": proposal.title}
            )
            return True
        if action == "merge" and merge_form.is_valid():
            data = merge_form.cleaned_data
            services.proposal_merge(
                proposal=proposal,
                into=merge_form.others[data["into"]],
                reviewer=request.user,
                reason=data["merge_reason"],
            )
            messages.success(request, _("“%(title)s” is merged.") % {"title": proposal.title})
            return True
    except PermissionDenied:
        raise Http404 from None
    except DomainError as error:
        (review_form if action == "review" else merge_form).add_error(None, error.message)
    return False


urlpatterns = [
    path("<int:process_id>/proposals/", proposal_list_view, name="budget_proposals"),
    path(
        "<int:process_id>/proposals/<int:proposal_id>/",
        proposal_detail_view,
        name="budget_proposal",
    ),
    path("<int:process_id>/propose/", propose_view, name="budget_propose"),
    path("<int:process_id>/review/", review_queue_view, name="budget_review_queue"),
    path("<int:process_id>/review/<int:proposal_id>/", review_view, name="budget_review"),
]
