"""The implementation of a vote's funded projects: public progress and ledger; staff reporting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.budgeting.selectors import prize_money_get
from quartier.cities.selectors import city_for_request
from quartier.core.errors import DomainError

from . import services
from .forms import LedgerForm, MilestoneForm, MilestoneReachedForm, UpdateForm
from .models import Milestone
from .permissions import can_report_progress
from .selectors import (
    implementation_overview,
    implementation_project,
    pot_ledger,
    project_ledger,
    project_updates,
)


def overview(request, city_slug: str, process_id: int):
    city = city_for_request(request, city_slug)
    process = prize_money_get(city=city, process_id=process_id)
    pots = implementation_overview(process=process)
    return render(
        request,
        "implementation/overview.html",
        {
            "city": city,
            "process": process,
            "pots": [p for p in pots if p.projects or p.pot.amount],
            "counted": any(p.projects for p in pots),
            "ledger": pot_ledger(process=process),
        },
    )


def _project_page(request, city, process, proposal_id: int, *, forms=None, status=200):
    project = implementation_project(process=process, proposal_id=proposal_id)
    can_report = can_report_progress(user=request.user, city=city)
    today = timezone.localdate()
    forms = forms or {}
    return render(
        request,
        "implementation/project.html",
        {
            "city": city,
            "process": process,
            "project": project,
            "proposal": project.funded.proposal,
            "updates": project_updates(funded=project.funded),
            "ledger": project_ledger(funded=project.funded),
            "can_report": can_report,
            "update_form": forms.get("update") or UpdateForm(),
            "milestone_form": forms.get("milestone") or MilestoneForm(),
            "reached_form": MilestoneReachedForm(initial={"done_on": today}),
            "ledger_form": forms.get("ledger") or LedgerForm(initial={"booked_on": today}),
        },
        status=status,
    )


def project(request, city_slug: str, process_id: int, proposal_id: int):
    city = city_for_request(request, city_slug)
    process = prize_money_get(city=city, process_id=process_id)
    return _project_page(request, city, process, proposal_id)


def _reporting(request, city_slug: str, process_id: int, proposal_id: int):
    city = city_for_request(request, city_slug)
    process = prize_money_get(city=city, process_id=process_id)
    if not can_report_progress(user=request.user, city=city):
        raise Http404
    funded = implementation_project(process=process, proposal_id=proposal_id).funded
    return city, process, funded


def _back(city, process, proposal_id: int, anchor: str):
    url = reverse(
        "implementation_project",
        kwargs={"city_slug": city.slug, "process_id": process.pk, "proposal_id": proposal_id},
    )
    return redirect(f"{url}#{anchor}")


def _post(request, city, process, proposal_id, key: str, form, write, done: str, anchor: str):
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return _back(city, process, proposal_id, anchor)
    return _project_page(request, city, process, proposal_id, forms={key: form}, status=400)


@require_POST
@login_required
def update_add(request, city_slug: str, process_id: int, proposal_id: int):
    city, process, funded = _reporting(request, city_slug, process_id, proposal_id)
    form = UpdateForm(request.POST, request.FILES)

    def write(data):
        services.update_post(
            funded=funded,
            author=request.user,
            text=data["text"],
            progress=data["progress"],
            image=data["image"],
            alt_text=data["alt_text"],
        )

    return _post(
        request,
        city,
        process,
        proposal_id,
        "update",
        form,
        write,
        _("The update is published."),
        "updates",
    )


@require_POST
@login_required
def milestone_add(request, city_slug: str, process_id: int, proposal_id: int):
    city, process, funded = _reporting(request, city_slug, process_id, proposal_id)
    form = MilestoneForm(request.POST)

    def write(data):
        services.milestone_add(
            funded=funded, actor=request.user, title=data["title"], due_on=data["due_on"]
        )

    return _post(
        request,
        city,
        process,
        proposal_id,
        "milestone",
        form,
        write,
        _("The milestone is added."),
        "milestones",
    )


@require_POST
@login_required
def milestone_reached(
    request, city_slug: str, process_id: int, proposal_id: int, milestone_id: int
):
    city, process, funded = _reporting(request, city_slug, process_id, proposal_id)
    milestone = get_object_or_404(Milestone, pk=milestone_id, proposal=funded.proposal)
    form = MilestoneReachedForm(request.POST)

    def write(data):
        services.milestone_reach(
            funded=funded, milestone=milestone, actor=request.user, on=data["done_on"]
        )

    return _post(
        request,
        city,
        process,
        proposal_id,
        "reached",
        form,
        write,
        _("The milestone is marked as reached."),
        "milestones",
    )


@require_POST
@login_required
def ledger_add(request, city_slug: str, process_id: int, proposal_id: int):
    city, process, funded = _reporting(request, city_slug, process_id, proposal_id)
    form = LedgerForm(request.POST)

    def write(data):
        services.ledger_book(
            funded=funded,
            actor=request.user,
            kind=data["kind"],
            amount=data["amount"],
            booked_on=data["booked_on"],
            note=data["note"],
        )

    return _post(
        request,
        city,
        process,
        proposal_id,
        "ledger",
        form,
        write,
        _("The entry is booked."),
        "ledger",
    )
