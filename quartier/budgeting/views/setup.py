"""Pages of the prize-money vote: setup.

The overview of a vote (public), and for the city's administrators: setting up a vote, its
settings, its pots with the population calculator, and the voting codes with the print shop's
files. The plain codes are in the response that issues them and nowhere else (ADR 0005).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from quartier.cities.selectors import city_for_request, district_list
from quartier.core.errors import DomainError
from quartier.participation.permissions import phase_current
from quartier.participation.services import PhaseSpec, process_set_phases
from quartier.participation.vocabulary import Action

from .. import exports, services
from ..allocation import split_by_population
from ..forms_setup import CodesForm, PotForm, SplitForm, VoteForm
from ..models import CodeBatch, Pot
from ..permissions import (
    can_close_vote,
    can_enter_paper_ballots,
    can_manage_vote,
    can_see_review_queue,
    can_set_up_votes,
    can_view_results,
    results_computed,
    settings_changeable,
    vote_ended,
)
from ..selectors import prize_money_get
from ..vocabulary import BallotKind, Rule


def page_link(name: str, process) -> str | None:
    """The URL of another area's page of this vote, or None while that page does not exist."""
    try:
        return reverse(name, kwargs={"city_slug": process.city.slug, "process_id": process.pk})
    except NoReverseMatch:
        return None


def _managed(request, city_slug: str, process_id: int):
    city = city_for_request(request, city_slug)
    process = prize_money_get(city=city, process_id=process_id)
    if not can_manage_vote(user=request.user, process=process):
        raise Http404
    return city, process


# --- What a vote says about itself -------------------------------------------------------------


def _vote_phase(process):
    return next(
        (phase for phase in process.phases.all() if Action.VOTE in phase.allowed_actions()), None
    )


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def requirements(process) -> dict:
    """What a resident needs to vote, in words (meinBerlin #4983: say it before the vote)."""
    eligibility = process.options.get("eligibility") or {}
    age = eligibility.get("min_age", 14)
    where = (
        _("in the district whose pot you vote in (the city-wide pot: anywhere in %(city)s)")
        if eligibility.get("residence") == "district"
        else _("in %(city)s")
    ) % {"city": process.city.name}
    if eligibility.get("proof", "code") == "account":
        proof = _(
            "You need a Quartier account with a verified email address; before voting you "
            "declare that you live %(where)s and are at least %(age)d years old."
        ) % {"where": where, "age": age}
    else:
        proof = _(
            "You need the voting code from the letter the city sends to every resident who may "
            "vote. Without the letter you cannot vote online; ask the city if it has not arrived."
        )
    return {
        "age": age,
        "where": where,
        "proof": proof,
        "by_code": eligibility.get("proof", "code") == "code",
        "sentence": _("You may vote if you are at least %(age)d years old and live %(where)s.")
        % {"age": age, "where": where},
    }


def ballot_summary(process) -> str:
    ballot = process.options.get("ballot") or {}
    kind = ballot.get("kind")
    low, high = ballot.get("min_projects") or 0, ballot.get("max_projects")
    if kind == BallotKind.CUMULATIVE:
        points, most = ballot.get("max_points") or 0, ballot.get("max_points_per_project")
        if most:
            return _(
                "You distribute %(points)d points across the projects, at most %(most)d per "
                "project."
            ) % {"points": points, "most": most}
        return _("You distribute %(points)d points across the projects.") % {"points": points}
    if kind == BallotKind.KNAPSACK:
        return _("You choose projects whose costs together fit into the pot.")
    if high:
        return _("You choose between %(low)d and %(high)d projects per pot.") % {
            "low": low,
            "high": high,
        }
    return _("You choose as many projects per pot as you like (at least %(low)d).") % {"low": low}


def overview(request, city_slug: str, process_id: int):
    city = city_for_request(request, city_slug)
    process = prize_money_get(city=city, process_id=process_id)
    now = timezone.now()
    pots = list(Pot.objects.filter(process=process).select_related("district"))
    vote_phase = _vote_phase(process)
    rule = process.options.get("rule", Rule.EQUAL_SHARES)
    ended = vote_ended(process=process) or results_computed(process=process)
    return render(
        request,
        "budgeting/setup/overview.html",
        {
            "city": city,
            "process": process,
            "current": phase_current(process=process, at=now),
            "now": now,
            "city_pot": next((pot for pot in pots if pot.district_id is None), None),
            "district_pots": [pot for pot in pots if pot.district_id is not None],
            "total": sum(pot.amount for pot in pots),
            "vote_phase": vote_phase,
            "needs": requirements(process),
            "ended": ended,
            "ballot": ballot_summary(process),
            "rule_label": Rule(rule).label if rule in Rule.values else rule,
            "is_example": bool(process.options.get("is_example")),
            "links": {
                "proposals": page_link("budget_proposals", process),
                "vote": None if ended else page_link("budget_vote", process),
                # Only once there is something to see: the count has run and is public.
                "results": page_link("budget_results", process)
                if can_view_results(user=request.user, process=process)
                else None,
            },
            "can_manage": can_manage_vote(user=request.user, process=process),
            "staff_links": _staff_links(request.user, process),
        },
    )


def _staff_links(user, process) -> list[tuple[str, str]]:
    """The city staff's work on this vote, as far as this person's role and the phase allow."""
    wanted = [
        (can_see_review_queue, "budget_review_queue", _("Review the proposals")),
        (can_enter_paper_ballots, "budget_paper", _("Enter paper ballots")),
        (can_close_vote, "budget_close", _("Close the vote and count")),
    ]
    links = [
        (label, page_link(name, process))
        for allowed, name, label in wanted
        if allowed(user=user, process=process)
    ]
    return [(label, href) for label, href in links if href is not None]


# --- Setting up a vote ---------------------------------------------------------------------------


def _first_start() -> datetime:
    # Next Monday, 00:00 in Berlin: a date to change, not a guess at the city's plans.
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    return timezone.make_aware(datetime.combine(monday, time()), timezone.get_default_timezone())


def _form_page(request, template: str, context: dict, *, failed: bool):
    return render(request, template, context, status=400 if failed else 200)


@login_required
def vote_new(request, city_slug: str):
    city = city_for_request(request, city_slug)
    if not can_set_up_votes(user=request.user, city=city):
        raise Http404
    phases = services.prize_money_phases(starts_at=_first_start())
    form = VoteForm(request.POST or None, phases=phases, initial=VoteForm.initial_from())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            process = services.prize_money_create(
                city=city,
                creator=request.user,
                title=data["title"],
                description=data["description"],
                phases=form.phases(),
                **form.settings(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The vote has been set up. Now add its pots."))
            return redirect("budget_pots", city_slug=city.slug, process_id=process.pk)
    return _form_page(
        request,
        "budgeting/setup/vote_form.html",
        {"city": city, "form": form, "process": None},
        failed=request.method == "POST",
    )


@login_required
def vote_settings(request, city_slug: str, process_id: int):
    city, process = _managed(request, city_slug, process_id)
    phases = [
        PhaseSpec(
            name=phase.name,
            starts_at=phase.starts_at,
            ends_at=phase.ends_at,
            allows=tuple(phase.allowed_actions()),
        )
        for phase in process.phases.all()
    ]
    form = VoteForm(request.POST or None, phases=phases, initial=VoteForm.initial_from(process))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Settings first: once locked they are refused, and nothing else is written.
            services.prize_money_configure(
                process=process, actor=request.user, changes=form.settings()
            )
            services.prize_money_describe(
                process=process,
                actor=request.user,
                title=data["title"],
                description=data["description"],
            )
            if form.phases() != phases:
                process_set_phases(process=process, actor=request.user, phases=form.phases())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("budget_overview", city_slug=city.slug, process_id=process.pk)
    return _form_page(
        request,
        "budgeting/setup/vote_form.html",
        {
            "city": city,
            "form": form,
            "process": process,
            "locked": not settings_changeable(process=process),
        },
        failed=request.method == "POST",
    )


# --- Pots and the population calculator ----------------------------------------------------------


def _cents(value) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _split_preview(city, form: SplitForm) -> dict | None:
    """The calculator's table, or None (with the problem on the form)."""
    if not form.is_valid():
        return None
    districts = list(district_list(city=city))
    missing = [district.name for district in districts if district.population is None]
    if not districts:
        form.add_error(None, _("This city has no districts to split the money across."))
        return None
    if missing:
        form.add_error(
            None,
            _("These districts have no population figure: %(names)s.")
            % {"names": ", ".join(missing)},
        )
        return None
    total, unit = form.cleaned_data["total"], form.cleaned_data["unit"]
    populations = {str(district.pk): district.population or 0 for district in districts}
    if not sum(populations.values()):
        form.add_error(None, _("The districts have no population to split by."))
        return None
    shares = split_by_population(total, populations, unit=unit)
    by_key = {str(district.pk): district for district in districts}
    rows = [
        {
            "district": by_key[share.key],
            "population": share.population,
            "exact": _cents(share.exact),
            "amount": share.amount,
            "rounded_up": share.amount > share.exact,
        }
        for share in shares
    ]
    return {
        "rows": rows,
        "total": total,
        "unit": unit,
        "everyone": sum(populations.values()),
        "sum": sum(row["amount"] for row in rows),
        "units_left": (total - sum(int(s.exact) // unit * unit for s in shares)) // unit,
    }


def _pots_page(
    request, city, process, *, status: int = 200, pot_form=None, split_form=None, error=""
):
    districts = district_list(city=city)
    if split_form is None:
        split_form = SplitForm(request.GET if "total" in request.GET else None)
    preview = _split_preview(city, split_form) if split_form.is_bound else None
    if split_form.is_bound and split_form.errors and status == 200:
        status = 400
    pots = list(
        Pot.objects.filter(process=process)
        .select_related("district")
        .annotate(proposal_count=Count("proposals"))
    )
    return render(
        request,
        "budgeting/setup/pots.html",
        {
            "city": city,
            "process": process,
            "pots": pots,
            "total": sum(pot.amount for pot in pots),
            "pot_form": pot_form or PotForm(districts=districts),
            "split_form": split_form,
            "preview": preview,
            "changeable": settings_changeable(process=process),
            "error": error,
        },
        status=status,
    )


@login_required
def pots(request, city_slug: str, process_id: int):
    city, process = _managed(request, city_slug, process_id)
    if request.method != "POST":
        return _pots_page(request, city, process)
    form = PotForm(request.POST, districts=district_list(city=city))
    if form.is_valid():
        try:
            services.pot_save(
                process=process,
                actor=request.user,
                name=form.cleaned_data["name"],
                amount=form.cleaned_data["amount"],
                district=form.cleaned_data["district"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The pot has been added."))
            return redirect("budget_pots", city_slug=city.slug, process_id=process.pk)
    return _pots_page(request, city, process, status=400, pot_form=form)


@login_required
def pot_edit(request, city_slug: str, process_id: int, pot_id: int):
    city, process = _managed(request, city_slug, process_id)
    pot = get_object_or_404(Pot, pk=pot_id, process=process)
    districts = district_list(city=city)
    form = PotForm(
        request.POST or None,
        districts=districts,
        initial={"name": pot.name, "district": pot.district, "amount": pot.amount},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pot_save(
                process=process,
                actor=request.user,
                name=form.cleaned_data["name"],
                amount=form.cleaned_data["amount"],
                district=form.cleaned_data["district"],
                pot=pot,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The pot has been saved."))
            return redirect("budget_pots", city_slug=city.slug, process_id=process.pk)
    return _form_page(
        request,
        "budgeting/setup/pot_form.html",
        {
            "city": city,
            "process": process,
            "pot": pot,
            "form": form,
            "changeable": settings_changeable(process=process),
        },
        failed=request.method == "POST",
    )


@require_POST
@login_required
def pot_delete(request, city_slug: str, process_id: int, pot_id: int):
    city, process = _managed(request, city_slug, process_id)
    pot = get_object_or_404(Pot, pk=pot_id, process=process)
    try:
        services.pot_delete(pot=pot, actor=request.user)
    except DomainError as error:
        return _pots_page(request, city, process, status=400, error=error.message)
    messages.success(request, _("The pot “%(name)s” has been deleted.") % {"name": pot.name})
    return redirect("budget_pots", city_slug=city.slug, process_id=process.pk)


@require_POST
@login_required
def pots_split(request, city_slug: str, process_id: int):
    city, process = _managed(request, city_slug, process_id)
    form = SplitForm(request.POST)
    if form.is_valid():
        try:
            made = services.pots_split_by_population(
                process=process,
                actor=request.user,
                total=form.cleaned_data["total"],
                unit=form.cleaned_data["unit"],
                districts=district_list(city=city),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(count)d district pots have been set by population.") % {"count": len(made)},
            )
            return redirect("budget_pots", city_slug=city.slug, process_id=process.pk)
    return _pots_page(request, city, process, status=400, split_form=form)


# --- Voting codes ------------------------------------------------------------------------------


def _vote_url(request, process) -> str:
    """The address voters type or scan: the vote page (the overview until it exists)."""
    path_ = page_link("budget_vote", process) or reverse(
        "budget_overview", kwargs={"city_slug": process.city.slug, "process_id": process.pk}
    )
    return request.build_absolute_uri(path_)


def letter_text(process, *, vote_url: str, district=None) -> exports.LetterText:
    phase = _vote_phase(process)
    period = ""
    if phase is not None:
        period = (
            _("You can vote from %(start)s to %(end)s.")
            % {"start": _when(phase.starts_at), "end": _when(phase.ends_at)}
            if phase.ends_at
            else _("You can vote from %(start)s on.") % {"start": _when(phase.starts_at)}
        )
    return exports.LetterText(
        city=process.city.name,
        title=process.title,
        vote_url=vote_url,
        district=district.name if district is not None else "",
        period=period,
        requirements=requirements(process)["sentence"],
    )


def _batches(process):
    return (
        CodeBatch.objects.filter(process=process)
        .select_related("district", "created_by")
        .order_by("-created_at", "-id")
    )


def _codes_page(request, city, process, form, *, status: int = 200):
    return render(
        request,
        "budgeting/setup/codes.html",
        {
            "city": city,
            "process": process,
            "form": form,
            "batches": _batches(process),
            "by_code": (process.options.get("eligibility") or {}).get("proof", "code") == "code",
            "columns": exports.CSV_COLUMNS,
        },
        status=status,
    )


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The codes are in this response only: no cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@sensitive_variables("issued")
@login_required
def voting_codes(request, city_slug: str, process_id: int):
    city, process = _managed(request, city_slug, process_id)
    districts = district_list(city=city)
    form = CodesForm(request.POST or None, districts=districts)
    if request.method != "POST":
        return _codes_page(request, city, process, form)
    if not form.is_valid():
        return _codes_page(request, city, process, form, status=400)
    data = form.cleaned_data
    try:
        batch, issued = services.codes_issue(
            process=process,
            actor=request.user,
            count=data["count"],
            district=data["district"],
            label=data["label"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _codes_page(request, city, process, form, status=400)
    vote_url = _vote_url(request, process)
    district = batch.district.name if batch.district else ""
    name = f"voting-codes-{process.pk}-{batch.pk}"
    batch_name = batch.label or str(batch.pk)
    if data["export"] == "csv":
        return _attachment(
            StreamingHttpResponse(
                exports.csv_lines(issued, district=district, batch=batch_name, vote_url=vote_url),
                content_type="text/csv; charset=utf-8",
            ),
            f"{name}.csv",
        )
    pdf = exports.letters_pdf(
        issued, text=letter_text(process, vote_url=vote_url, district=batch.district)
    )
    if data["export"] == "pdf":
        return _attachment(HttpResponse(pdf, content_type="application/pdf"), f"{name}.pdf")
    csv_text = "".join(
        exports.csv_lines(issued, district=district, batch=batch_name, vote_url=vote_url)
    )
    archive = exports.zip_bytes({f"{name}.csv": csv_text.encode(), f"{name}.pdf": pdf})
    return _attachment(HttpResponse(archive, content_type="application/zip"), f"{name}.zip")


@login_required
def batch_void(request, city_slug: str, process_id: int, batch_id: int):
    city, process = _managed(request, city_slug, process_id)
    batch = get_object_or_404(_batches(process), pk=batch_id)
    if request.method == "POST":
        try:
            services.code_batch_void(batch=batch, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return render(
                request,
                "budgeting/setup/batch_void.html",
                {"city": city, "process": process, "batch": batch, "error": error.message},
                status=400,
            )
        messages.success(request, _("The batch has been voided: its codes open nothing now."))
        return redirect("budget_codes", city_slug=city.slug, process_id=process.pk)
    # Deliberately no count of used codes: for a small batch it would tell who has voted.
    return render(
        request,
        "budgeting/setup/batch_void.html",
        {"city": city, "process": process, "batch": batch},
    )


urlpatterns = [
    path("new/", vote_new, name="budget_new"),
    path("<int:process_id>/", overview, name="budget_overview"),
    path("<int:process_id>/settings/", vote_settings, name="budget_settings"),
    path("<int:process_id>/pots/", pots, name="budget_pots"),
    path("<int:process_id>/pots/split/", pots_split, name="budget_pots_split"),
    path("<int:process_id>/pots/<int:pot_id>/", pot_edit, name="budget_pot_edit"),
    path("<int:process_id>/pots/<int:pot_id>/delete/", pot_delete, name="budget_pot_delete"),
    path("<int:process_id>/codes/", voting_codes, name="budget_codes"),
    path("<int:process_id>/codes/<int:batch_id>/void/", batch_void, name="budget_batch_void"),
]
