"""Pages of the prize-money vote: paper ballots, the close, the results and receipts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.cities.selectors import city_for_request
from quartier.core.errors import DomainError
from quartier.core.rate_limits import address_key, client_address, rate_limit_check
from quartier.participation.permissions import can_administer_city

from .. import codes, services
from ..models import PaperSheet, Proposal, Result
from ..permissions import (
    can_close_vote,
    can_enter_paper_ballots,
    can_view_results,
    results_computed,
)
from ..selectors import (
    ballot_counts,
    ballots_for_receipt,
    paper_sheets,
    participants,
    prize_money_get,
    result_charts,
    results_for,
)
from ..vocabulary import PaperSheetStatus, ProposalStatus
from .forms_results import PaperBallotForm, PaperImportForm, ReceiptForm

RECEIPT_LOOKUPS_PER_HOUR = 20


def _process(request, city_slug: str, process_id: int):
    city = city_for_request(request, city_slug)
    return city, prize_money_get(city=city, process_id=process_id)


# --- Paper ballots ------------------------------------------------------------------------------


def _paper_form(process, data=None):
    proposals = (
        Proposal.objects.filter(
            process=process, status=ProposalStatus.FEASIBLE, hidden_at__isnull=True
        )
        .select_related("pot")
        .order_by("pot__position", "title")
    )
    return PaperBallotForm(
        data,
        pots=process.pots.all(),
        proposals=proposals,
        kind=process.options["ballot"]["kind"],
    )


def _paper_page(request, city, process, *, form=None, import_form=None, status=200):
    sheets = list(paper_sheets(process=process))
    return render(
        request,
        "budgeting/results/paper.html",
        {
            "city": city,
            "process": process,
            "form": form or _paper_form(process),
            "import_form": import_form or PaperImportForm(),
            "sheets": sheets,
            "flagged": [s for s in sheets if s.status == PaperSheetStatus.MISMATCH],
            "counts": ballot_counts(process=process),
        },
        status=status,
    )


@login_required
def paper_ballots(request, city_slug: str, process_id: int):
    city, process = _process(request, city_slug, process_id)
    if not can_enter_paper_ballots(user=request.user, process=process):
        raise Http404
    if request.method != "POST":
        return _paper_page(request, city, process)
    form = _paper_form(process, request.POST)
    if not form.is_valid():
        return _paper_page(request, city, process, form=form, status=400)
    try:
        outcome = services.paper_ballot_enter(
            process=process,
            pot=get_object_or_404(process.pots, pk=form.cleaned_data["pot"]),
            number=form.cleaned_data["number"],
            entered_by=request.user,
            choices=form.choices(),
            code=form.cleaned_data["code"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _paper_page(request, city, process, form=form, status=400)
    number = outcome.sheet.number
    if outcome.counted:
        messages.success(request, _("Sheet %(n)s: both entries agree; it counts.") % {"n": number})
    elif outcome.mismatch:
        messages.warning(
            request,
            _("Sheet %(n)s: the entries differ. It is listed for a third look.") % {"n": number},
        )
    else:
        messages.success(
            request,
            _("Sheet %(n)s entered once; a colleague enters it a second time.") % {"n": number},
        )
    return redirect("budget_paper", city.slug, process.pk)


@require_POST
@login_required
def paper_import(request, city_slug: str, process_id: int):
    city, process = _process(request, city_slug, process_id)
    if not can_enter_paper_ballots(user=request.user, process=process):
        raise Http404
    form = PaperImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _paper_page(request, city, process, import_form=form, status=400)
    try:
        outcomes = services.paper_csv_import(
            process=process, entered_by=request.user, data=form.cleaned_data["file"].read()
        )
    except DomainError as error:
        form.add_error("file", error.message)
        return _paper_page(request, city, process, import_form=form, status=400)
    messages.success(
        request,
        _("%(n)d entries imported: %(counted)d sheets now count, %(flagged)d differ.")
        % {
            "n": len(outcomes),
            "counted": sum(o.counted for o in outcomes),
            "flagged": sum(o.mismatch for o in outcomes),
        },
    )
    return redirect("budget_paper", city.slug, process.pk)


@require_POST
@login_required
def paper_discard(request, city_slug: str, process_id: int, sheet_id: int):
    city, process = _process(request, city_slug, process_id)
    if not can_enter_paper_ballots(user=request.user, process=process):
        raise Http404
    sheet = get_object_or_404(PaperSheet, process=process, pk=sheet_id)
    try:
        services.paper_sheet_discard(sheet=sheet, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Both entries of sheet %(n)s were deleted; please enter it again.")
            % {"n": sheet.number},
        )
    return redirect("budget_paper", city.slug, process.pk)


# --- The close ----------------------------------------------------------------------------------


@login_required
def close(request, city_slug: str, process_id: int):
    city, process = _process(request, city_slug, process_id)
    if not can_administer_city(user=request.user, city=city):
        raise Http404
    allowed = can_close_vote(user=request.user, process=process)
    if request.method == "POST":
        if not allowed:
            messages.error(request, _("The vote cannot be closed now."))
            return redirect("budget_close", city.slug, process.pk)
        try:
            services.vote_close(process=process, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("budget_close", city.slug, process.pk)
        messages.success(request, _("The vote is closed and counted."))
        return redirect("budget_results", city.slug, process.pk)
    sheets = list(paper_sheets(process=process))
    return render(
        request,
        "budgeting/results/close.html",
        {
            "city": city,
            "process": process,
            "allowed": allowed,
            "closed": results_computed(process=process),
            "counts": ballot_counts(process=process),
            "participants": participants(process=process),
            "uncounted_sheets": [s for s in sheets if s.status != PaperSheetStatus.AGREED],
        },
    )


# --- Results ------------------------------------------------------------------------------------


def _links(city, pot_results) -> None:
    """Each project's page and its idea's page (if it grew from one)."""
    for pot_result in pot_results:
        for row in [*pot_result.winners, *pot_result.others]:
            proposal = row.proposal
            row.url = reverse("budget_proposal", args=[city.slug, proposal.process_id, proposal.pk])
            row.idea_url = (
                reverse("idea_detail", args=[city.slug, proposal.idea_id])
                if proposal.idea_id
                else ""
            )


def _results_page(request, city_slug: str, process_id: int):
    city, process = _process(request, city_slug, process_id)
    if not can_view_results(user=request.user, process=process):
        raise Http404
    return city, process


def results(request, city_slug: str, process_id: int):
    city, process = _results_page(request, city_slug, process_id)
    pot_results = results_for(process=process)
    _links(city, pot_results)
    rule_name, _options = services.rule_for(process)
    return render(
        request,
        "budgeting/results/results.html",
        {
            "city": city,
            "process": process,
            "pot_results": pot_results,
            "participants": participants(process=process),
            "charts": result_charts(
                pot_results=pot_results, city_wide=_("City-wide"), no_idea=_("Not from an idea")
            ),
            "rule_name": rule_name,
            "imported": process.options.get("imported"),
        },
    )


def results_pb(request, city_slug: str, process_id: int, pot_id: int):
    city, process = _results_page(request, city_slug, process_id)
    result = get_object_or_404(Result, pot__process=process, pot_id=pot_id)
    response = HttpResponse(result.pabulib, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{city.slug}-{process.pk}-{pot_id}.pb"'
    return response


def receipt_lookup(request, city_slug: str, process_id: int):
    city, process = _results_page(request, city_slug, process_id)
    found = None
    status = 200
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_check(
                action="receipt_lookup",
                actor_id=address_key(client_address(request)),
                limit=RECEIPT_LOOKUPS_PER_HOUR,
                period_seconds=3600,
            )
            receipt = codes.normalise(form.cleaned_data["receipt"])
        except DomainError as error:
            form.add_error("receipt", error.message)
            status = 429
        except codes.CodeError:
            form.add_error(
                "receipt", _("This receipt has a typo: please compare it character by character.")
            )
            status = 400
        else:
            found = ballots_for_receipt(process=process, receipt=receipt)
            if not found:
                form.add_error("receipt", _("No ballot of this vote carries this receipt."))
                status = 404
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "budgeting/results/receipt.html",
        {"city": city, "process": process, "form": form, "found": found},
        status=status,
    )


urlpatterns = [
    path("<int:process_id>/paper/", paper_ballots, name="budget_paper"),
    path("<int:process_id>/paper/import/", paper_import, name="budget_paper_import"),
    path(
        "<int:process_id>/paper/<int:sheet_id>/discard/",
        paper_discard,
        name="budget_paper_discard",
    ),
    path("<int:process_id>/close/", close, name="budget_close"),
    path("<int:process_id>/results/", results, name="budget_results"),
    path("<int:process_id>/results/receipt/", receipt_lookup, name="budget_receipt"),
    path("<int:process_id>/results/<int:pot_id>.pb", results_pb, name="budget_results_pb"),
]
