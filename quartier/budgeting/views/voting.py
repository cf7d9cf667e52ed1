"""Pages of the prize-money vote: voting.

The steps: the vote page says what one needs and takes the voting code (or, where the city
chose accounts, a verified account's declaration); the ballot screen, pot by pot; a
confirmation; the receipt. To change a ballot the voter proves eligibility again and types
the receipt, and the ballot screen comes back with their current choices.

What the session keeps (ADR 0005: the register says who, the ballot says what, and nothing
may say both). Between the code page and the cast, the session holds this vote's register
entry id under ``SESSION_KEY`` and nothing else: never the code (the entry id is enough, and a
code in the session row would let anyone with the session table vote with it), never the
receipt, never a ballot id. The session row therefore reveals an entry id and, through its
expiry, roughly when that entry was at the vote; a ballot has no time and no id sequence, so
that time joins to no ballot. Casting replaces the entry id by a plain "cast" mark (so that a
second press of the button is told "already voted"), which names no entry and no ballot. The
receipt is rendered straight into the response of the cast (never through the messages
framework, whose fallback storage keeps messages in the database session) and, when a
ballot is changed, travels only in the forms the voter posts. The confirmation's cast form
carries the receipt the cast will give as a signed promise, so that a cast sent again gets the
same receipt (ADR 0005, "A cast is idempotent").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from quartier.accounts.permissions import can_participate
from quartier.core.errors import DomainError, RateLimited
from quartier.core.rate_limits import address_key, client_address

from .. import ballots as ballot_rules
from .. import codes, services
from ..errors import AlreadyVoted, BallotInvalid, CodeRefused, ReceiptRefused
from ..forms_voting import (
    CodeForm,
    DeclarationForm,
    ReceiptForm,
    ballot_as_hidden_fields,
    ballot_from_post,
    field_name,
)
from ..papers import vote_paper
from ..permissions import can_vote_with_account, vote_open, vote_proof
from ..selectors import (
    BallotSheet,
    register_entry_get,
    vote_phase_dates,
)
from ..templatetags.budgeting_money import euros
from ..vocabulary import BallotKind

SESSION_KEY = "prize_money_vote:%d"  # % process id; see the module docstring
CAST = "cast"


def _vote(request, city_slug: str, process_id: int):
    """The city and the vote, from the worker's vote paper (``papers``), with the register entry
    this browser holds; the paper stays on the request for ``_session_entry`` and ``_sheet``."""
    held = request.session.get(SESSION_KEY % process_id)
    paper = vote_paper(
        city_slug=city_slug,
        process_id=process_id,
        entry_id=held.get("entry") if isinstance(held, dict) else None,
    )
    request.city = paper.city
    request.vote_paper = paper
    return paper.city, paper.process


def _sheet(request, entry) -> BallotSheet:
    """The voter's ballot paper: the city-wide pots and their district's."""
    return request.vote_paper.sheet(district_id=entry.district_id)


def _session_entry(request, process):
    """The register entry this browser proved, for this vote only; an account's entry only
    while that account is signed in."""
    held = request.session.get(SESSION_KEY % process.pk)
    if not isinstance(held, dict) or "entry" not in held:
        return None
    paper = request.vote_paper
    entry = (
        paper.entry
        if paper.entry_id == held["entry"]
        else register_entry_get(process=process, entry_id=held["entry"])
    )
    if entry is None or (entry.user_id is not None and entry.user_id != request.user.pk):
        request.session.pop(SESSION_KEY % process.pk, None)
        return None
    return entry


def _session_hold(request, process, entry) -> None:
    # A new session key: a session id planted before the code was typed cannot vote with it.
    request.session.cycle_key()
    request.session[SESSION_KEY % process.pk] = {"entry": entry.pk}


def _session_cast(request, process) -> None:
    request.session[SESSION_KEY % process.pk] = {CAST: True}


def _session_has_cast(request, process) -> bool:
    held = request.session.get(SESSION_KEY % process.pk)
    return isinstance(held, dict) and held.get(CAST) is True


# --- The rules, as the voter reads them -------------------------------------------------------


def _rules(process, pot) -> ballot_rules.BallotRules:
    ballot = process.options["ballot"]
    return ballot_rules.BallotRules(
        kind=ballot["kind"],
        budget=pot.amount,
        min_projects=ballot.get("min_projects", 0),
        max_projects=ballot.get("max_projects"),
        max_points=ballot.get("max_points"),
        max_points_per_project=ballot.get("max_points_per_project"),
    )


def _rules_text(process) -> str:
    ballot = process.options["ballot"]
    kind, low, high = ballot["kind"], ballot.get("min_projects") or 0, ballot.get("max_projects")
    if kind == BallotKind.CUMULATIVE:
        text = ngettext(
            "You have %(points)s point to give to the projects of each pot.",
            "You have %(points)s points to give to the projects of each pot.",
            ballot["max_points"],
        ) % {"points": ballot["max_points"]}
        if ballot.get("max_points_per_project"):
            text += " " + _("At most %(max)s points per project.") % {
                "max": ballot["max_points_per_project"]
            }
        return text
    if kind == BallotKind.KNAPSACK:
        text = _("Choose projects in each pot whose costs together fit into the pot.")
    else:
        text = _("Choose the projects you support in each pot.")
    if high and low:
        text += " " + _("At least %(min)s and at most %(max)s projects per pot.") % {
            "min": low,
            "max": high,
        }
    elif high:
        text += " " + ngettext(
            "At most %(max)s project per pot.", "At most %(max)s projects per pot.", high
        ) % {"max": high}
    elif low:
        text += " " + ngettext(
            "At least %(min)s project per pot.", "At least %(min)s projects per pot.", low
        ) % {"min": low}
    return text


def summary_lines(rules: ballot_rules.BallotRules, chosen, costs: dict[str, int]) -> list[str]:
    """The running total of one pot in words: what is chosen, the money, what is still allowed.

    ``ballot.js`` says the same as the voter goes (the texts come from ``summary_texts``)."""
    as_text = [(str(proposal), points) for proposal, points in chosen]
    summary = ballot_rules.ballot_summary(rules, as_text, costs)
    count = summary.projects
    lines = []
    if rules.kind == BallotKind.CUMULATIVE:
        lines.append(
            ngettext(
                "%(points)s of %(max)s points given, to %(count)s project.",
                "%(points)s of %(max)s points given, to %(count)s projects.",
                count,
            )
            % {"points": summary.points, "max": rules.max_points, "count": count}
        )
        left = summary.points_left or 0
        if left > 0:
            lines.append(
                ngettext("You may give %(n)s more point.", "You may give %(n)s more points.", left)
                % {"n": left}
            )
        elif left == 0:
            lines.append(_("All points are given."))
        else:
            lines.append(_("That is %(n)s points too many.") % {"n": -left})
        return lines
    lines.append(
        ngettext("%(count)s project chosen", "%(count)s projects chosen", count) % {"count": count}
        + ", "
        + _("costing %(cost)s of %(budget)s.")
        % {"cost": euros(summary.cost), "budget": euros(rules.budget)}
    )
    if rules.kind == BallotKind.KNAPSACK:
        if summary.money_left >= 0:
            lines.append(_("Money left: %(left)s.") % {"left": euros(summary.money_left)})
        else:
            lines.append(
                _("That is %(over)s more than the pot.") % {"over": euros(-summary.money_left)}
            )
    if rules.max_projects is not None and count > rules.max_projects:
        lines.append(
            ngettext(
                "That is %(n)s project too many.",
                "That is %(n)s projects too many.",
                count - rules.max_projects,
            )
            % {"n": count - rules.max_projects}
        )
    elif count < rules.min_projects:
        lines.append(
            ngettext(
                "Please choose at least %(n)s more project.",
                "Please choose at least %(n)s more projects.",
                rules.min_projects - count,
            )
            % {"n": rules.min_projects - count}
        )
    elif rules.kind == BallotKind.KNAPSACK:
        chosen_ids = {project for project, _points in as_text}
        fit = sum(
            1
            for project, cost in costs.items()
            if project not in chosen_ids and cost <= summary.money_left
        )
        if rules.max_projects is not None:
            fit = min(fit, rules.max_projects - count)
        lines.append(
            ngettext("%(n)s more project still fits.", "%(n)s more projects still fit.", fit)
            % {"n": fit}
        )
    elif rules.max_projects is not None:
        more = rules.max_projects - count
        lines.append(
            ngettext(
                "You may choose %(n)s more project.", "You may choose %(n)s more projects.", more
            )
            % {"n": more}
            if more
            else _("You have chosen as many projects as allowed.")
        )
    return lines


def summary_texts() -> dict:
    """The sentences of ``summary_lines`` for ballot.js: [one, many] with %(name)s slots."""

    def both(one: str, many: str) -> list[str]:
        return [ngettext(one, many, 1), ngettext(one, many, 2)]

    return {
        "money": "%(amount)s",  # replaced below by the euros filter's pattern
        "points_given": both(
            "%(points)s of %(max)s points given, to %(count)s project.",
            "%(points)s of %(max)s points given, to %(count)s projects.",
        ),
        "points_more": both("You may give %(n)s more point.", "You may give %(n)s more points."),
        "points_all": _("All points are given."),
        "points_over": _("That is %(n)s points too many."),
        "chosen": both("%(count)s project chosen", "%(count)s projects chosen"),
        "costing": _("costing %(cost)s of %(budget)s."),
        "left": _("Money left: %(left)s."),
        "over": _("That is %(over)s more than the pot."),
        "too_many": both("That is %(n)s project too many.", "That is %(n)s projects too many."),
        "too_few": both(
            "Please choose at least %(n)s more project.",
            "Please choose at least %(n)s more projects.",
        ),
        "fit": both("%(n)s more project still fits.", "%(n)s more projects still fit."),
        "more": both("You may choose %(n)s more project.", "You may choose %(n)s more projects."),
        "full": _("You have chosen as many projects as allowed."),
    }


# --- The ballot screen ------------------------------------------------------------------------


@dataclass
class ProjectRow:
    proposal: object
    cost: int
    field: str
    input_id: str  # checkboxes of a pot share their name; each has its own id for its label
    checked: bool = False
    points: int | str = ""


@dataclass
class PotBallot:
    pot: object
    rules: ballot_rules.BallotRules
    projects: list[ProjectRow]
    summary: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def chosen(self) -> list[ProjectRow]:
        return [row for row in self.projects if row.checked or row.points]


def _pot_ballots(process, sheet: BallotSheet, choices=None, problems=None) -> list[PotBallot]:
    kind = process.options["ballot"]["kind"]
    choices, problems = choices or {}, problems or {}
    out = []
    for pot in sheet.pots:
        proposals = sheet.projects[pot.pk]
        chosen = dict(choices.get(pot.pk, []))
        rows = [
            ProjectRow(
                proposal=p,
                cost=p.effective_cost,
                field=field_name(pot.pk, p.pk if kind == BallotKind.CUMULATIVE else None),
                input_id=field_name(pot.pk, p.pk),
                checked=kind != BallotKind.CUMULATIVE and p.pk in chosen,
                points=chosen.get(p.pk, "") if kind == BallotKind.CUMULATIVE else "",
            )
            for p in proposals
        ]
        rules = _rules(process, pot)
        costs = sheet.costs(pot.pk)
        known = [(pid, pts) for pid, pts in choices.get(pot.pk, []) if str(pid) in costs]
        out.append(
            PotBallot(
                pot=pot,
                rules=rules,
                projects=rows,
                summary=summary_lines(rules, known, costs),
                problems=problems.get(pot.pk, []),
            )
        )
    return out


def _ballot_page(
    request, city, process, sheet, *, choices=None, problems=None, receipt="", status=200
):
    pots = _pot_ballots(process, sheet, choices, problems)
    texts = summary_texts()
    texts["money"] = euros(0).replace("0", "%(amount)s", 1)
    return render(
        request,
        "budgeting/voting/ballot.html",
        {
            "city": city,
            "process": process,
            "pots": pots,
            "kind": process.options["ballot"]["kind"],
            "rules_text": _rules_text(process),
            "receipt": receipt,
            "summary_texts": texts,
            "has_problems": any(p.problems for p in pots),
        },
        status=status,
    )


def _parse(request, process, sheet: BallotSheet):
    kind = process.options["ballot"]["kind"]
    projects = {pot_id: [p.pk for p in listed] for pot_id, listed in sheet.projects.items()}
    return ballot_from_post(request.POST, kind=kind, pots=sheet.pots, projects=projects)


def _problems(process, sheet: BallotSheet, choices, problems) -> dict[int, list[str]]:
    """Every problem of every pot, in the service's words (``services.ballot_check``)."""
    found = {pot_id: list(msgs) for pot_id, msgs in problems.items()}
    for pot_id, chosen in choices.items():
        pot = sheet.pot(pot_id)
        if chosen and pot is not None and pot_id not in found:
            try:
                services.ballot_check(
                    process=process, pot=pot, choices=chosen, costs=sheet.costs(pot_id)
                )
            except BallotInvalid as error:
                found[pot_id] = error.problems
    return found


def _typed_receipt(request) -> str:
    """The receipt a changing voter typed, carried by the forms (never by the session)."""
    raw = str(request.POST.get("receipt", ""))[:40]
    try:
        return codes.normalise(raw) if raw.strip() else ""
    except codes.CodeError:
        return ""


# --- Pages ------------------------------------------------------------------------------------


def _start_page(request, city, process, *, code_form=None, declaration_form=None, status=200):
    starts, ends = vote_phase_dates(process=process)
    now = timezone.now()
    eligibility = process.options.get("eligibility") or {}
    proof = vote_proof(process=process)
    entry = _session_entry(request, process)
    context = {
        "city": city,
        "process": process,
        "open": vote_open(process=process),
        "not_yet": starts is not None and now < starts,
        "starts": starts,
        "ends": ends,
        "proof": proof,
        "min_age": eligibility.get("min_age", 14),
        "residence": eligibility.get("residence", "city"),
        "rules_text": _rules_text(process),
        "entry": entry,
        "has_cast": _session_has_cast(request, process),
        "verified": can_participate(user=request.user),
        "code_form": code_form or CodeForm(),
        "receipt_form": ReceiptForm(),
    }
    if proof == "account" and context["verified"]:
        context["declaration_form"] = declaration_form or _declaration_form(request, city, process)
    return render(request, "budgeting/voting/start.html", context, status=status)


def _declaration_statement(city, process) -> str:
    eligibility = process.options.get("eligibility") or {}
    return _(
        "I declare that I live in %(city)s, am at least %(age)s years old and vote only once."
    ) % {"city": city.name, "age": eligibility.get("min_age", 14)}


def _declaration_form(request, city, process, data=None) -> DeclarationForm:
    eligibility = process.options.get("eligibility") or {}
    return DeclarationForm(
        data,
        city=city,
        statement=_declaration_statement(city, process),
        district_required=eligibility.get("residence") == "district",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def vote_start(request, city_slug: str, process_id: int):
    city, process = _vote(request, city_slug, process_id)
    if request.method == "GET":
        return _start_page(request, city, process)
    if not vote_open(process=process):
        messages.error(request, _("The vote is not open."))
        return redirect("budget_vote", city.slug, process.pk)
    if vote_proof(process=process) == "account":
        return _declare(request, city, process)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _start_page(request, city, process, code_form=form, status=400)
    typed = form.cleaned_data["code"]
    try:
        entry = services.register_entry_for_code(
            process=process,
            typed=typed,
            client_key=address_key(client_address(request)),
        )
    except RateLimited as error:
        form.add_error("code", error.message)
        return _start_page(request, city, process, code_form=form, status=429)
    except CodeRefused as error:
        form.add_error("code", error.message)
        elsewhere = services.vote_for_code(typed=typed)
        if elsewhere is not None and elsewhere.pk != process.pk:
            form.add_error(
                "code",
                _("This code belongs to another vote: %(title)s (%(city)s).")
                % {"title": elsewhere.title, "city": elsewhere.city.name},
            )
            form.elsewhere_url = reverse("budget_vote", args=[elsewhere.city.slug, elsewhere.pk])
        return _start_page(request, city, process, code_form=form, status=400)
    _session_hold(request, process, entry)
    return redirect("budget_vote_ballot", city.slug, process.pk)


def _declare(request, city, process):
    if not can_vote_with_account(user=request.user, process=process):
        messages.error(request, _("Please sign in with a verified email address to vote."))
        return redirect("budget_vote", city.slug, process.pk)
    form = _declaration_form(request, city, process, request.POST)
    if not form.is_valid():
        return _start_page(request, city, process, declaration_form=form, status=400)
    try:
        entry = services.register_entry_for_account(
            process=process,
            user=request.user,
            district=form.cleaned_data.get("district"),
            declaration=form.statement,
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _start_page(request, city, process, declaration_form=form, status=400)
    _session_hold(request, process, entry)
    return redirect("budget_vote_ballot", city.slug, process.pk)


def _voter(request, city, process):
    """The entry that may vote now, or the response that says why not."""
    if not vote_open(process=process):
        messages.error(request, _("The vote is not open."))
        return None, redirect("budget_vote", city.slug, process.pk)
    entry = _session_entry(request, process)
    if entry is None:
        if _session_has_cast(request, process) and request.method == "POST":
            return None, _voted_page(request, city, process, status=409, just_cast=True)
        messages.info(request, _("Please enter your voting code first."))
        return None, redirect("budget_vote", city.slug, process.pk)
    return entry, None


def _voted_page(request, city, process, *, form=None, error="", status=200, just_cast=False):
    return render(
        request,
        "budgeting/voting/voted.html",
        {
            "city": city,
            "process": process,
            "receipt_form": form or ReceiptForm(),
            "can_change": _session_entry(request, process) is not None,
            "just_cast": just_cast,
            "error": error,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def vote_ballot(request, city_slug: str, process_id: int):
    """GET: the empty ballot. POST: the ballot checked; with problems it comes back with every
    problem and the choices kept, else the confirmation step (``step=edit`` goes back)."""
    city, process = _vote(request, city_slug, process_id)
    entry, refusal = _voter(request, city, process)
    if refusal is not None:
        return refusal
    receipt = _typed_receipt(request) if request.method == "POST" else ""
    if entry.voted and not receipt:
        return _voted_page(request, city, process)
    sheet = _sheet(request, entry)
    if request.method == "GET":
        return _ballot_page(request, city, process, sheet)
    parsed = _parse(request, process, sheet)
    if request.POST.get("step") == "edit":
        return _ballot_page(request, city, process, sheet, choices=parsed.choices, receipt=receipt)
    problems = _problems(process, sheet, parsed.choices, parsed.problems)
    if not problems and not any(parsed.choices.values()):
        problems = {pot.pk: [_("Please choose at least one project.")] for pot in sheet.pots[:1]}
    if problems:
        return _ballot_page(
            request,
            city,
            process,
            sheet,
            choices=parsed.choices,
            problems=problems,
            receipt=receipt,
            status=400,
        )
    return _confirm_page(request, city, process, entry, sheet, parsed.choices, receipt)


# The receipt a cast will give, drawn for the confirmation and signed with the entry it is
# for: a cast sent again after its answer was lost gets the same receipt, not "already
# voted". The server keeps nothing of it; the signature keeps a voter from choosing one.
PROMISE_SALT = "quartier.budgeting.receipt-promise:%d"  # % process id


def _promise(process, entry, receipt: str) -> str:
    return signing.dumps(
        {"entry": entry.pk, "receipt": receipt or codes.receipt_new(), "change": bool(receipt)},
        salt=PROMISE_SALT % process.pk,
    )


def _promised(request, process) -> dict | None:
    try:
        promise = signing.loads(
            str(request.POST.get("promise", ""))[:400], salt=PROMISE_SALT % process.pk
        )
    except signing.BadSignature:
        return None
    if not isinstance(promise, dict) or not isinstance(promise.get("entry"), int):
        return None
    return promise


def _confirm_page(request, city, process, entry, sheet, choices, receipt):
    kind = process.options["ballot"]["kind"]
    ballots = _pot_ballots(process, sheet, choices)
    pots = [p for p in ballots if p.chosen]
    skipped = [p for p in ballots if not p.chosen]
    return render(
        request,
        "budgeting/voting/confirm.html",
        {
            "city": city,
            "process": process,
            "pots": pots,
            "skipped": skipped,
            "kind": kind,
            "hidden": ballot_as_hidden_fields(choices, kind=kind),
            "receipt": receipt,
            "promise": _promise(process, entry, receipt),
        },
    )


@never_cache
@require_POST
def vote_cast(request, city_slug: str, process_id: int):
    city, process = _vote(request, city_slug, process_id)
    promise = _promised(request, process)
    entry, refusal = _voter(request, city, process)
    if refusal is not None:
        return _sent_again(request, city, process, promise) or refusal
    if promise is None or promise["entry"] != entry.pk:
        # A form from before this step (or made up): the choices come back to be confirmed.
        messages.info(request, _("Please check your choices and cast your ballot again."))
        return redirect("budget_vote_ballot", city.slug, process.pk)
    receipt = promise["receipt"] if promise["change"] else ""
    if entry.voted and not receipt:
        return _sent_again(request, city, process, promise) or _voted_page(
            request, city, process, status=409, just_cast=True
        )
    sheet = _sheet(request, entry)
    parsed = _parse(request, process, sheet)
    problems = _problems(process, sheet, parsed.choices, parsed.problems)
    if problems:
        return _ballot_page(
            request,
            city,
            process,
            sheet,
            choices=parsed.choices,
            problems=problems,
            receipt=receipt,
            status=400,
        )
    try:
        kept = services.ballot_cast(
            process=process,
            entry=entry,
            choices_by_pot={pot_id: c for pot_id, c in parsed.choices.items() if c},
            receipt=receipt or None,
            new_receipt=None if receipt else promise["receipt"],
            sheet=sheet,
        )
    except AlreadyVoted:
        return _sent_again(request, city, process, promise) or _voted_page(
            request, city, process, status=409, just_cast=True
        )
    except ReceiptRefused as error:
        return _voted_page(request, city, process, error=error.message, status=400)
    except BallotInvalid as error:
        first = next(iter(parsed.choices), None)
        return _ballot_page(
            request,
            city,
            process,
            sheet,
            choices=parsed.choices,
            problems={first: error.problems} if first is not None else {},
            receipt=receipt,
            status=400,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("budget_vote", city.slug, process.pk)
    _session_cast(request, process)
    return _receipt_page(request, city, process, kept, changed=bool(receipt))


def _receipt_page(request, city, process, receipt: str, *, changed: bool) -> HttpResponse:
    return render(
        request,
        "budgeting/voting/receipt.html",
        {
            "city": city,
            "process": process,
            "receipt": codes.formatted(receipt),
            "changed": changed,
        },
    )


def _sent_again(request, city, process, promise) -> HttpResponse | None:
    """The receipt page again when this very cast is stored already (its answer was lost, or
    the button was pressed twice); None when it is not. Only the holder of the signed
    promise from the confirmation gets here, and learns nothing that page did not show."""
    if promise is None:
        return None
    entry = register_entry_get(process=process, entry_id=promise["entry"])
    if entry is None or not entry.voted:
        return None
    parsed = _parse(request, process, _sheet(request, entry))
    stored = services.ballot_already_cast(
        process=process,
        entry_id=entry.pk,
        receipt=promise["receipt"],
        choices_by_pot=parsed.choices,
    )
    if not stored:
        return None
    return _receipt_page(request, city, process, promise["receipt"], changed=promise["change"])


@never_cache
@require_POST
def vote_change(request, city_slug: str, process_id: int):
    """The receipt typed: the ballot screen with the voter's current choices."""
    city, process = _vote(request, city_slug, process_id)
    entry, refusal = _voter(request, city, process)
    if refusal is not None:
        return refusal
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return _voted_page(request, city, process, form=form, status=400)
    try:
        current = services.ballot_choices_for_receipt(
            process=process, entry=entry, receipt=form.cleaned_data["receipt"]
        )
    except ReceiptRefused as error:
        form.add_error("receipt", error.message)
        return _voted_page(request, city, process, form=form, status=400)
    return _ballot_page(
        request,
        city,
        process,
        _sheet(request, entry),
        choices=current,
        receipt=codes.normalise(form.cleaned_data["receipt"]),
    )


@require_POST
def vote_leave(request, city_slug: str, process_id: int) -> HttpResponse:
    """Forget the proven code in this browser (a shared computer, or the wrong letter)."""
    city, process = _vote(request, city_slug, process_id)
    request.session.pop(SESSION_KEY % process.pk, None)
    messages.info(request, _("This browser no longer holds your voting code."))
    return redirect("budget_vote", city.slug, process.pk)


urlpatterns = [
    path("<int:process_id>/vote/", vote_start, name="budget_vote"),
    path("<int:process_id>/vote/ballot/", vote_ballot, name="budget_vote_ballot"),
    path("<int:process_id>/vote/cast/", vote_cast, name="budget_vote_cast"),
    path("<int:process_id>/vote/change/", vote_change, name="budget_vote_change"),
    path("<int:process_id>/vote/leave/", vote_leave, name="budget_vote_leave"),
]
