"""Every write of the prize-money vote: set-up, proposals, review, the register, ballots, the close.

Secrecy rules (ADR 0005) that every function here keeps:
* a ballot is written with no reference to the register entry or the account, and the entry
  learns only ``voted = True``, in the same transaction;
* nothing is logged or audited that names both a voter and a ballot;
* the plain voting codes leave ``codes_issue`` once, for the print shop, and are not stored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import voting_rules
from quartier.accounts.permissions import can_participate
from quartier.cities.services import district_for_idea_location
from quartier.core.errors import PermissionDenied, RateLimited
from quartier.core.rate_limits import failure_count, failures_exceeded, rate_limit_check
from quartier.core.text import text_check
from quartier.moderation.services import premoderation_fields
from quartier.participation.permissions import (
    can_administer_city,
    can_evaluate,
    process_allows,
)
from quartier.participation.services import (
    PhaseSpec,
    audit_record,
    process_create,
    process_lock_settings,
    process_update_settings,
)
from quartier.participation.vocabulary import Action, AuditAction, ProcessKind

from . import ballots as ballot_rules
from . import codes
from .allocation import split_by_population
from .cast_statement import cast_first
from .errors import (
    AlreadyVoted,
    BallotInvalid,
    BudgetingError,
    CodeRefused,
    ImportInvalid,
    PaperImportError,
    ReceiptRefused,
    SettingsInvalid,
)
from .models import (
    Ballot,
    CodeBatch,
    PaperEntry,
    PaperSheet,
    Pot,
    Proposal,
    RegisterEntry,
    Result,
)
from .register_bulk import register_codes_insert
from .selectors import BallotSheet, ballot_sheet
from .vocabulary import BallotChannel, BallotKind, PaperSheetStatus, ProposalStatus, Rule

# --- Settings --------------------------------------------------------------------------------

# The compute tool's defaults (equalshares.net): Add1 from a whole per-voter budget, stopping at
# the first exhaustive outcome, greedy completion ("add1u"), then the comparison with greedy.
RULE_OPTION_DEFAULTS = {
    "completion": "add1u",
    "add1_exhaustive": True,
    "add1_integral": True,
    "comparison": "satisfaction",
    "lot_seed": None,
}
# The compute tool's completions: "none" (equal shares at B/n), "utilitarian" (then greedy with
# the money left), "add1" (Add1 alone: how Assen 2024 and Świecie 2023 counted), "add1u" (Add1,
# then greedy); "add1-no-greedy" is Add1 as pabutools runs it (from B/n, exhaustive among the
# projects equal shares can buy), which gives the same winners on both.
COMPLETIONS = ("none", "utilitarian", "add1", "add1u", "add1-no-greedy")
MAX_CODES_PER_BATCH = 1_000_000
# Unknown voting codes one client network may type per hour (typos are caught before that).
CODE_FAILURES_PER_HOUR = 20
PROOFS = ("code", "account")


def _whole(value, *, name: str, minimum: int = 0, optional: bool = False) -> int | None:
    if value is None or value == "":
        if optional:
            return None
        raise SettingsInvalid(_("%(name)s is missing.") % {"name": name})
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsInvalid(_("%(name)s must be a whole number.") % {"name": name})
    if value < minimum:
        raise SettingsInvalid(
            _("%(name)s must be at least %(minimum)d.") % {"name": name, "minimum": minimum}
        )
    return value


def ballot_settings_validated(ballot: Mapping) -> dict:
    kind = ballot.get("kind")
    if kind not in BallotKind.values:
        raise SettingsInvalid(_("Please choose a kind of ballot."))
    clean: dict = {"kind": kind}
    clean["min_projects"] = _whole(ballot.get("min_projects", 0), name=_("The minimum"))
    clean["max_projects"] = _whole(
        ballot.get("max_projects"), name=_("The maximum"), minimum=1, optional=True
    )
    if clean["max_projects"] is not None and clean["max_projects"] < clean["min_projects"]:
        raise SettingsInvalid(_("The maximum number of projects is below the minimum."))
    if kind == BallotKind.CUMULATIVE:
        clean["max_points"] = _whole(ballot.get("max_points"), name=_("Points"), minimum=1)
        clean["max_points_per_project"] = _whole(
            ballot.get("max_points_per_project"),
            name=_("Points per project"),
            minimum=1,
            optional=True,
        )
    return clean


def rule_options_validated(rule: str, options: Mapping | None) -> dict:
    if rule not in Rule.values:
        raise SettingsInvalid(_("Unknown rule."))
    if rule == Rule.GREEDY:
        return {"lot_seed": (options or {}).get("lot_seed")}
    clean = {**RULE_OPTION_DEFAULTS, **(options or {})}
    unknown = set(clean) - set(RULE_OPTION_DEFAULTS)
    if unknown:
        raise SettingsInvalid(
            _("Unknown rule options: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    if clean["completion"] not in COMPLETIONS:
        raise SettingsInvalid(_("Unknown completion of equal shares."))
    if clean["comparison"] not in voting_rules.rules.COMPARISONS:
        raise SettingsInvalid(_("Unknown comparison step."))
    if not isinstance(clean["add1_exhaustive"], bool) or not isinstance(
        clean["add1_integral"], bool
    ):
        raise SettingsInvalid(_("The Add1 options are either on or off."))
    if clean["lot_seed"] is not None:
        _whole(clean["lot_seed"], name=_("The lot"))
    return clean


def eligibility_validated(eligibility: Mapping | None) -> dict:
    clean = {"min_age": 14, "residence": "city", "proof": "code", **(eligibility or {})}
    _whole(clean["min_age"], name=_("The minimum age"))
    if clean["residence"] not in ("city", "district"):
        raise SettingsInvalid(_("Residence must be in the city or in a district."))
    if clean["proof"] not in PROOFS:
        raise SettingsInvalid(_("Unknown proof of eligibility."))
    return {key: clean[key] for key in ("min_age", "residence", "proof")}


def prize_money_phases(
    *, starts_at: datetime, weeks: Sequence[int] = (4, 3, 3, 1)
) -> list[PhaseSpec]:
    """The usual course: proposals, review, vote, result, then implementation (open-ended)."""
    names = [
        (_("Proposals"), [Action.PROPOSE, Action.COMMENT, Action.SUPPORT]),
        (_("Review"), [Action.REVIEW, Action.COMMENT]),
        (_("Vote"), [Action.VOTE]),
        (_("Result"), [Action.SHOW_RESULTS]),
    ]
    phases, start = [], starts_at
    for (name, allows), length in zip(names, weeks, strict=True):
        end = start + timedelta(weeks=length)
        phases.append(PhaseSpec(name=name, starts_at=start, ends_at=end, allows=allows))
        start = end
    phases.append(
        PhaseSpec(name=_("Implementation"), starts_at=start, allows=[Action.SHOW_RESULTS])
    )
    return phases


@transaction.atomic
def prize_money_create(
    *,
    city,
    creator,
    title: str,
    phases: Sequence[PhaseSpec],
    ballot: Mapping,
    rule: str = Rule.EQUAL_SHARES,
    rule_options: Mapping | None = None,
    eligibility: Mapping | None = None,
    description: str = "",
):
    if not can_administer_city(user=creator, city=city):
        raise PermissionDenied(_("Only the city's administrators can set up processes."))
    options = {
        "ballot": ballot_settings_validated(ballot),
        "rule": rule,
        "rule_options": rule_options_validated(rule, rule_options),
        "eligibility": eligibility_validated(eligibility),
    }
    return process_create(
        city=city,
        kind=ProcessKind.PRIZE_MONEY,
        title=title,
        phases=phases,
        creator=creator,
        description=description,
        options=options,
        check_permission=False,
    )


def prize_money_configure(*, process, actor, changes: Mapping):
    """Change ballot, rule, rule options or eligibility; refused once ballots exist."""
    _require_kind(process)
    clean: dict = {}
    if "ballot" in changes:
        clean["ballot"] = ballot_settings_validated(changes["ballot"])
    rule = changes.get("rule", process.options.get("rule", Rule.EQUAL_SHARES))
    if "rule" in changes or "rule_options" in changes:
        clean["rule"] = rule
        clean["rule_options"] = rule_options_validated(
            rule, changes.get("rule_options", process.options.get("rule_options"))
        )
    if "eligibility" in changes:
        clean["eligibility"] = eligibility_validated(changes["eligibility"])
    return process_update_settings(process=process, actor=actor, changes=clean)


def _require_kind(process) -> None:
    if process.kind != ProcessKind.PRIZE_MONEY:
        raise BudgetingError(_("This is not a prize-money vote."))


def _require_unlocked(process, *, actor) -> None:
    if not can_administer_city(user=actor, city=process.city):
        raise PermissionDenied(_("Only the city's administrators can change processes."))
    process.refresh_from_db(fields=["settings_locked_at"])
    if process.settings_locked_at is not None:
        raise SettingsInvalid(_("Ballots have been cast, so the pots can no longer be changed."))


# --- Pots ------------------------------------------------------------------------------------


@transaction.atomic
def pot_save(
    *, process, actor, name: str, amount: int, district=None, pot: Pot | None = None
) -> Pot:
    """Create a pot (or change ``pot``): one city-wide pot and one per district at most."""
    _require_kind(process)
    _require_unlocked(process, actor=actor)
    name = " ".join(text_check(name or "", field=_("Name")).split())
    if not name:
        raise SettingsInvalid(_("A pot needs a name."))
    _whole(amount, name=_("The amount"), minimum=1)
    if district is not None and district.city_id != process.city_id:
        raise SettingsInvalid(_("The district belongs to another city."))
    clash = Pot.objects.filter(process=process, district=district)
    if pot is not None:
        clash = clash.exclude(pk=pot.pk)
    if clash.exists():
        raise SettingsInvalid(
            _("There is a pot for this district already.")
            if district is not None
            else _("There is a city-wide pot already.")
        )
    if pot is None:
        pot = Pot(process=process, position=Pot.objects.filter(process=process).count())
    pot.name, pot.amount, pot.district = name[:120], amount, district
    pot.save()
    audit_record(
        city=process.city,
        actor=actor,
        action=AuditAction.PROCESS_CHANGE,
        target=process,
        detail={"pot": pot.name, "amount": amount},
    )
    return pot


@transaction.atomic
def pot_delete(*, pot: Pot, actor) -> None:
    _require_unlocked(pot.process, actor=actor)
    if pot.proposals.exists():
        raise SettingsInvalid(_("Proposals are filed under this pot, so it cannot be deleted."))
    pot.delete()


@transaction.atomic
def pots_split_by_population(*, process, actor, total: int, districts, unit: int = 1) -> list[Pot]:
    """One pot per district, its amount in proportion to the district's population."""
    _require_kind(process)
    _require_unlocked(process, actor=actor)
    by_key = {str(district.pk): district for district in districts}
    missing = [d.name for d in by_key.values() if d.population is None]
    if missing:
        raise SettingsInvalid(
            _("These districts have no population figure: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    try:
        shares = split_by_population(
            total, {key: district.population for key, district in by_key.items()}, unit=unit
        )
    except ValueError as error:
        raise SettingsInvalid(str(error)) from None
    pots = []
    for share in shares:
        district = by_key[share.key]
        existing = Pot.objects.filter(process=process, district=district).first()
        pots.append(
            pot_save(
                process=process,
                actor=actor,
                name=existing.name if existing else district.name,
                amount=share.amount,
                district=district,
                pot=existing,
            )
        )
    return pots


# --- Proposals -------------------------------------------------------------------------------


def _text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    text = text_check((value or "").replace("\x00", "").strip(), field=field)
    if required and not text:
        raise BudgetingError(_("%(field)s must not be empty.") % {"field": field})
    if len(text) > max_length:
        raise BudgetingError(
            _("%(field)s is too long (%(length)d characters; at most %(max)d).")
            % {"field": field, "length": len(text), "max": max_length}
        )
    return text


@transaction.atomic
def proposal_submit(
    *,
    process,
    author,
    pot: Pot,
    title: str,
    description: str,
    estimate: int,
    idea=None,
    lat: float | None = None,
    lon: float | None = None,
) -> Proposal:
    _require_kind(process)
    if not can_participate(user=author):
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))
    if not process_allows(process=process, action=Action.PROPOSE):
        raise BudgetingError(_("Proposals are not taken at the moment."))
    if pot.process_id != process.pk:
        raise BudgetingError(_("This pot belongs to another vote."))
    if idea is not None and (idea.city_id != process.city_id or idea.is_hidden):
        raise BudgetingError(_("This idea cannot be proposed here."))
    title = _text(title, field=_("Title"), max_length=200)
    description = _text(description, field=_("Description"), max_length=5_000)
    _whole(estimate, name=_("The cost estimate"), minimum=1)
    if estimate > pot.amount:
        raise BudgetingError(
            _("The estimate is more than the whole pot (%(amount)s EUR).") % {"amount": pot.amount}
        )
    if (lat is None) != (lon is None):
        raise BudgetingError(_("Give both latitude and longitude, or neither."))
    rate_limit_check(action="proposal_submit", actor_id=author.pk, limit=10, period_seconds=3600)
    district_id = pot.district_id or (idea.district_id if idea is not None else None)
    if lat is not None and lon is not None:
        district = district_for_idea_location(city=process.city, lat=lat, lon=lon)
        if pot.district_id is not None and district.pk != pot.district_id:
            raise BudgetingError(
                _("This place lies in %(district)s, not in the pot's district.")
                % {"district": district.name}
            )
        district_id = district.pk
    # Like ideas: under the city's pre-moderation a proposal waits hidden for a moderator.
    return Proposal.objects.create(
        process=process,
        pot=pot,
        idea=idea,
        author=author,
        title=title,
        description=description,
        estimate=estimate,
        lat=lat,
        lon=lon,
        district_id=district_id,
        **premoderation_fields(city=process.city),
    )


@transaction.atomic
def proposal_review(
    *, proposal: Proposal, reviewer, feasible: bool, reason: str, cost: int | None = None
) -> Proposal:
    """Feasible (on the ballot, at the administration's cost) or not, with a public reason.

    A reviewed proposal may be reviewed again until the vote (the jury corrects itself); each
    decision is an entry in the city's audit log."""
    process = proposal.process
    if not can_evaluate(user=reviewer, city=process.city):
        raise PermissionDenied(_("Only the city's evaluators can review proposals."))
    if not (
        process_allows(process=process, action=Action.REVIEW)
        or process_allows(process=process, action=Action.PROPOSE)
    ):
        raise BudgetingError(_("Proposals can be reviewed only before the vote."))
    reason = _text(reason, field=_("Reason"), max_length=2_000, required=not feasible)
    if cost is not None:
        _whole(cost, name=_("The cost"), minimum=1)
        if cost > proposal.pot.amount:
            raise BudgetingError(_("The cost is more than the whole pot."))
    if proposal.status == ProposalStatus.MERGED:
        raise BudgetingError(_("This proposal was merged into another one."))
    proposal.status = ProposalStatus.FEASIBLE if feasible else ProposalStatus.INFEASIBLE
    proposal.review_reason = reason
    proposal.cost = cost
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.save()
    audit_record(
        city=process.city,
        actor=reviewer,
        action=AuditAction.PROCESS_CHANGE,
        target=proposal,
        reason=reason,
        detail={"proposal": proposal.pk, "decision": proposal.status, "cost": cost},
    )
    return proposal


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal, reviewer, reason: str) -> Proposal:
    """A duplicate joins another proposal; it stays visible with a link and the reason."""
    process = proposal.process
    if not can_evaluate(user=reviewer, city=process.city):
        raise PermissionDenied(_("Only the city's evaluators can review proposals."))
    if not (
        process_allows(process=process, action=Action.REVIEW)
        or process_allows(process=process, action=Action.PROPOSE)
    ):
        raise BudgetingError(_("Proposals can be reviewed only before the vote."))
    if into.pk == proposal.pk or into.process_id != proposal.process_id:
        raise BudgetingError(_("Please choose another proposal of this vote."))
    if proposal.status == ProposalStatus.MERGED:
        raise BudgetingError(_("This proposal was merged into another one."))
    if into.status == ProposalStatus.MERGED:
        raise BudgetingError(_("That proposal was itself merged; please choose the one it joined."))
    reason = _text(reason, field=_("Reason"), max_length=2_000)
    proposal.status = ProposalStatus.MERGED
    proposal.merged_into = into
    proposal.review_reason = reason
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.save()
    # Those merged into this one before now join the same proposal: no chains to follow.
    Proposal.objects.filter(merged_into=proposal).update(merged_into=into)
    audit_record(
        city=process.city,
        actor=reviewer,
        action=AuditAction.PROCESS_CHANGE,
        target=proposal,
        reason=reason,
        detail={"proposal": proposal.pk, "decision": "merged", "merged_into": into.pk},
    )
    return proposal


def proposal_after_moderation(proposal: Proposal) -> None:
    """Hiding or showing a proposal changes only its own rows; nothing is cached."""


def personal_data_proposals(*, user) -> list[dict]:
    """The proposals this person made (an author is personal data; the jury is staff)."""
    return [
        {
            "id": proposal.pk,
            "process": proposal.process_id,
            "city": proposal.process.city.slug,
            "title": proposal.title,
            "description": proposal.description,
            "estimate": proposal.estimate,
            "pot": proposal.pot.name,
            "idea": proposal.idea_id,
            "lat": proposal.lat,
            "lon": proposal.lon,
            "status": proposal.status,
            "created_at": proposal.created_at.isoformat(),
        }
        for proposal in Proposal.objects.filter(author=user)
        .select_related("process__city", "pot")
        .order_by("pk")
    ]


def personal_data_erase_proposals(*, user) -> None:
    """A proposal is part of a public vote: it stays, without its author."""
    Proposal.objects.filter(author=user).update(author=None)


# --- The register: voting codes and accounts ------------------------------------------------


def _secret(process) -> bytes:
    """The key of this vote's code hashes: a code is valid in one vote only."""
    return _secret_for(process.pk)


def _secret_for(process_id: int) -> bytes:
    base = getattr(settings, "VOTING_CODE_SECRET", "") or settings.SECRET_KEY
    return hmac.new(
        base.encode(), f"quartier voting codes {process_id}".encode(), hashlib.sha256
    ).digest()


def codes_issue(
    *, process, actor, count: int, district=None, label: str = ""
) -> tuple[CodeBatch, list[str]]:
    """``count`` new voting codes: their hashes go into the register, the codes to the caller
    (for the print shop) and nowhere else."""
    _require_kind(process)
    if not can_administer_city(user=actor, city=process.city):
        raise PermissionDenied(_("Only the city's administrators can issue voting codes."))
    _whole(count, name=_("The number of codes"), minimum=1)
    if count > MAX_CODES_PER_BATCH:
        raise SettingsInvalid(_("At most 1,000,000 codes can be issued at once."))
    if district is not None and district.city_id != process.city_id:
        raise SettingsInvalid(_("The district belongs to another city."))
    secret = _secret(process)
    issued = list(codes.codes_generate(count))
    with transaction.atomic():
        batch = CodeBatch.objects.create(
            process=process, district=district, size=count, label=label[:120], created_by=actor
        )
        # Plain rows, not model instances: 600,000 codes in seconds (register_bulk.py).
        register_codes_insert(
            process_id=process.pk,
            batch_id=batch.pk,
            district_id=getattr(district, "pk", None),
            hashes=(codes.code_hash(code, secret=secret) for code in issued),
        )
        audit_record(
            city=process.city,
            actor=actor,
            action=AuditAction.PROCESS_CHANGE,
            target=process,
            detail={"codes_issued": count, "district": getattr(district, "name", "")},
        )
    return batch, issued


def register_entry_for_code(*, process, typed: str, client_key: str = "") -> RegisterEntry:
    """The register entry a typed voting code opens, or a message saying what is wrong.

    A mistyped code is caught by its check symbol and costs nothing; unknown codes are counted
    per client (``client_key``, e.g. a keyed hash of the address) so codes cannot be guessed."""
    try:
        code = codes.normalise(typed)
    except codes.CodeError as error:
        raise CodeRefused(
            {
                codes.CodeError.EMPTY: _("Please type the voting code from your letter."),
                codes.CodeError.LENGTH: _(
                    "A voting code has 16 characters, e.g. 7K3M-Q9TX-WB2D-E5HR."
                ),
                codes.CodeError.SYMBOL: _("A voting code has only digits and the letters A to Z."),
                codes.CodeError.CHECKSUM: _(
                    "This code has a typo: please compare it with your letter, character by "
                    "character."
                ),
            }[error.reason]
        ) from None
    # Only unknown codes count against the client: a whole school class may vote from one
    # address, but guessing 75-bit codes needs wrong guesses, and those are stopped.
    if client_key and failures_exceeded(
        action="voting_code", actor_id=client_key, limit=CODE_FAILURES_PER_HOUR
    ):
        raise RateLimited(
            _("Too many unknown codes were typed from your network. Please try again in an hour.")
        )
    entry = (
        RegisterEntry.objects.filter(
            process=process, code_hash=codes.code_hash(code, secret=_secret(process))
        )
        .select_related("batch")
        .first()
    )
    if entry is None or (entry.batch is not None and entry.batch.voided_at is not None):
        if client_key:
            failure_count(action="voting_code", actor_id=client_key, period_seconds=3600)
        raise CodeRefused(_("This code is not valid for this vote."))
    return entry


@transaction.atomic
def register_entry_for_account(
    *, process, user, district=None, declaration: str = ""
) -> RegisterEntry:
    """A verified account with a declaration of residence, where the city allows that proof."""
    _require_kind(process)
    eligibility = process.options.get("eligibility", {})
    if eligibility.get("proof") != "account":
        raise PermissionDenied(_("This vote needs the voting code from your letter."))
    if not can_participate(user=user):
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))
    if eligibility.get("residence") == "district" and district is None:
        raise BudgetingError(_("Please choose the district you live in."))
    if district is not None and district.city_id != process.city_id:
        raise BudgetingError(_("The district belongs to another city."))
    declaration = _text(declaration, field=_("Declaration"), max_length=300)
    entry, created = RegisterEntry.objects.get_or_create(
        process=process, user=user, defaults={"district": district, "declaration": declaration}
    )
    if not created and not entry.voted and entry.district_id != getattr(district, "pk", None):
        entry.district = district
        entry.save(update_fields=["district"])
    return entry


# --- Ballots ---------------------------------------------------------------------------------

Choices = Sequence[tuple[int, int]]  # (proposal id, points)


def _rules_for(process, pot: Pot) -> ballot_rules.BallotRules:
    ballot = process.options["ballot"]
    return ballot_rules.BallotRules(
        kind=ballot["kind"],
        budget=pot.amount,
        min_projects=ballot.get("min_projects", 0),
        max_projects=ballot.get("max_projects"),
        max_points=ballot.get("max_points"),
        max_points_per_project=ballot.get("max_points_per_project"),
    )


def ballot_costs(*, pot: Pot) -> dict[str, int]:
    """The projects on a pot's ballot (feasible proposals) with the cost that counts."""
    return {
        str(proposal.pk): proposal.effective_cost
        for proposal in Proposal.objects.filter(
            pot=pot, status=ProposalStatus.FEASIBLE, hidden_at__isnull=True
        )
    }


_PROBLEM_MESSAGES = {
    "not_on_ballot": lambda v: _("A chosen project is not on this ballot."),
    "twice": lambda v: _("A project was chosen twice."),
    "points_not_positive": lambda v: _("Points must be at least 1."),
    "too_many_points_for_project": lambda v: _("At most %(max)s points per project.") % v,
    "points_not_allowed": lambda v: _("This ballot takes no points, only a choice."),
    "empty": lambda v: _("Please choose at least one project."),
    "too_few": lambda v: _("Please choose at least %(min)s projects.") % v,
    "too_many": lambda v: _("Please choose at most %(max)s projects.") % v,
    "over_budget": lambda v: (
        _("The chosen projects cost %(cost)s EUR, more than the %(budget)s EUR of the pot.") % v
    ),
    "too_many_points": lambda v: _("You gave %(points)s points; at most %(max)s are allowed.") % v,
}


def ballot_check(
    *, process, pot: Pot, choices: Choices, costs: Mapping[str, int] | None = None
) -> list[tuple[str, int]]:
    """The choices as stored, or ``BallotInvalid`` naming every problem. ``costs``: the
    pot's projects as read for this request already (``BallotSheet.costs``)."""
    as_text = [(str(proposal_id), int(points)) for proposal_id, points in choices]
    problems = ballot_rules.ballot_problems(
        _rules_for(process, pot), as_text, ballot_costs(pot=pot) if costs is None else costs
    )
    if problems:
        messages = [str(_PROBLEM_MESSAGES[p.code](p.values)) for p in problems]
        raise BallotInvalid(" ".join(messages), messages)
    return as_text


def ballot_cast(
    *,
    process,
    entry: RegisterEntry,
    choices_by_pot: Mapping[int, Choices],
    receipt: str | None = None,
    new_receipt: str | None = None,
    sheet: BallotSheet | None = None,
) -> str:
    """Cast (or, with the receipt, change) this voter's ballots; returns the receipt.

    Only pots with choices get a ballot; a voter may leave a pot out. ``new_receipt``: the
    receipt a first ballot gets, drawn when the voter was shown the confirmation (so that a
    retried cast can be recognised, ``ballot_already_cast``); drawn here without it.
    ``sheet``: the voter's ballot paper as read for this request already."""
    _require_kind(process)
    if not process_allows(process=process, action=Action.VOTE):
        raise BudgetingError(_("The vote is not open."))
    checked = _ballots_checked(
        process=process,
        sheet=sheet or ballot_sheet(process=process, entry=entry),
        choices_by_pot=choices_by_pot,
    )
    if receipt is None:
        first = codes.receipt_new() if new_receipt is None else codes.normalise(new_receipt)
        return _ballot_first(process=process, entry=entry, checked=checked, receipt=first)
    return _ballot_change(process=process, entry=entry, checked=checked, receipt=receipt)


def _ballots_checked(
    *, process, sheet: BallotSheet, choices_by_pot: Mapping[int, Choices]
) -> dict[int, list[tuple[str, int]]]:
    if not choices_by_pot or not any(choices_by_pot.values()):
        raise BallotInvalid(_("Please choose at least one project."))
    checked = {}
    for pot_id, choices in choices_by_pot.items():
        pot = sheet.pot(pot_id)
        if pot is None:
            raise BallotInvalid(_("You cannot vote in this pot."))
        if choices:
            checked[pot_id] = ballot_check(
                process=process, pot=pot, choices=choices, costs=sheet.costs(pot_id)
            )
    return checked


def ballot_already_cast(
    *, process, entry_id: int, receipt: str, choices_by_pot: Mapping[int, Choices]
) -> bool:
    """These very ballots are stored under this receipt for this entry: a cast sent again
    (a reload after a lost answer, a second press of the button) is answered with the same
    receipt instead of "already voted"."""
    try:
        receipt = codes.normalise(receipt)
    except codes.CodeError:
        return False
    tag = codes.change_tag(receipt, entry_id=entry_id)
    stored = {
        ballot.pot_id: ballot.choices
        for ballot in Ballot.objects.filter(
            process=process, receipt_hash=codes.receipt_hash(receipt)
        ).only("pot_id", "choices", "change_tag")
        if hmac.compare_digest(ballot.change_tag, tag)
    }
    sent = {
        pot_id: sorted([str(pid), int(points)] for pid, points in choices)
        for pot_id, choices in choices_by_pot.items()
        if choices
    }
    return bool(stored) and {pot: sorted(c) for pot, c in stored.items()} == sent


def _already_voted() -> AlreadyVoted:
    return AlreadyVoted(
        _("This code has been used to vote. With your receipt you can change the ballot.")
    )


def _ballot_first(
    *, process, entry: RegisterEntry, checked: Mapping[int, list], receipt: str
) -> str:
    ballots = _ballots_new(
        process=process,
        checked=checked,
        receipt=receipt,
        tag=codes.change_tag(receipt, entry_id=entry.pk),
    )
    if connection.vendor == "postgresql" and process.settings_locked_at is not None:
        # Every cast but a vote's first: the mark and the ballots in one statement.
        if not cast_first(entry_id=entry.pk, ballots=ballots):
            raise _already_voted()
        return receipt
    with transaction.atomic():
        # The guard and the mark in one statement: two requests with the same code cannot both
        # pass it, on PostgreSQL and on SQLite alike.
        marked = RegisterEntry.objects.filter(pk=entry.pk, voted=False).update(voted=True)
        if not marked:
            raise _already_voted()
        process_lock_settings(process=process)
        Ballot.objects.bulk_create(ballots)
    return receipt


def _ballots_new(*, process, checked: Mapping[int, list], receipt: str, tag: str) -> list[Ballot]:
    # One row per pot; no time, no reference to the entry: only the receipt's hash and the tag.
    return [
        Ballot(
            process=process,
            pot_id=pot_id,
            choices=choices,
            receipt_hash=codes.receipt_hash(receipt),
            change_tag=tag,
        )
        for pot_id, choices in checked.items()
    ]


def _ballot_change(
    *, process, entry: RegisterEntry, checked: Mapping[int, list], receipt: str
) -> str:
    receipt = _receipt_normalised(receipt)
    with transaction.atomic():
        entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
        if not entry.voted:
            raise ReceiptRefused(_("This code has not voted yet."))
        mine = list(
            Ballot.objects.select_for_update().filter(
                process=process, receipt_hash=codes.receipt_hash(receipt)
            )
        )
        tag = codes.change_tag(receipt, entry_id=entry.pk)
        if not mine or any(not hmac.compare_digest(b.change_tag, tag) for b in mine):
            raise ReceiptRefused(_("This receipt does not belong to this code."))
        Ballot.objects.filter(pk__in=[b.pk for b in mine]).delete()
        Ballot.objects.bulk_create(
            _ballots_new(process=process, checked=checked, receipt=receipt, tag=tag)
        )
    return receipt


def _receipt_normalised(receipt: str) -> str:
    try:
        return codes.normalise(receipt)
    except codes.CodeError:
        raise ReceiptRefused(
            _("This receipt has a typo: please compare it character by character.")
        ) from None


def ballot_choices_for_receipt(
    *, process, entry: RegisterEntry, receipt: str
) -> dict[int, list[tuple[int, int]]]:
    """The current choices, pot by pot, of the ballot this receipt belongs to, for the voter
    who wants to change it: only when the receipt's change tag matches their own entry."""
    _require_kind(process)
    receipt = _receipt_normalised(receipt)
    if not RegisterEntry.objects.filter(pk=entry.pk, voted=True).exists():
        raise ReceiptRefused(_("This code has not voted yet."))
    mine = list(
        Ballot.objects.filter(
            process=process,
            receipt_hash=codes.receipt_hash(receipt),
            channel=BallotChannel.ONLINE,
        )
    )
    tag = codes.change_tag(receipt, entry_id=entry.pk)
    if not mine or any(not hmac.compare_digest(b.change_tag, tag) for b in mine):
        raise ReceiptRefused(_("This receipt does not belong to this code."))
    return {
        ballot.pot_id: [(int(proposal), int(points)) for proposal, points in ballot.choices]
        for ballot in mine
    }


def vote_for_code(*, typed: str):
    """The vote a (well-formed) voting code belongs to, whichever city's it is, or None: to
    send someone with another vote's letter to the right page. Keyed hashes are per vote, so
    this hashes the code once per vote that has codes."""
    try:
        code = codes.normalise(typed)
    except codes.CodeError:
        return None
    process_ids = set(CodeBatch.objects.values_list("process_id", flat=True).distinct())
    hashes = {
        codes.code_hash(code, secret=_secret_for(process_id)): process_id
        for process_id in process_ids
    }
    entry = (
        RegisterEntry.objects.filter(code_hash__in=list(hashes))
        .select_related("process__city")
        .first()
    )
    return entry.process if entry is not None else None


# --- Paper ballots: entered twice --------------------------------------------------------------


@dataclass(frozen=True)
class PaperOutcome:
    sheet: PaperSheet
    counted: bool
    mismatch: bool


def _paper_open(process) -> None:
    if Result.objects.filter(pot__process=process).exists():
        raise BudgetingError(_("The vote has been closed; paper ballots can no longer be entered."))


def _same_entry(entry: PaperEntry, choices: Sequence, code_hash: str) -> bool:
    return sorted(map(tuple, entry.choices)) == sorted(map(tuple, choices)) and (
        entry.code_hash == code_hash
    )


@transaction.atomic
def paper_ballot_enter(
    *, process, pot: Pot, number: str, entered_by, choices: Choices, code: str = ""
) -> PaperOutcome:
    """One staff member's entry of a paper ballot. The second entry, by someone else, counts the
    sheet when it agrees with the first and flags it otherwise; nothing counts before.

    A flagged sheet is settled by a third look: a third staff member enters it again, and the
    sheet counts as soon as this entry agrees with one of the two before (two people then read
    it alike). Otherwise it stays flagged, or ``paper_sheet_discard`` clears every entry so the
    sheet is entered afresh."""
    _require_kind(process)
    if not can_evaluate(user=entered_by, city=process.city):
        raise PermissionDenied(_("Only the city's staff can enter paper ballots."))
    if pot.process_id != process.pk:
        raise BudgetingError(_("This pot belongs to another vote."))
    _paper_open(process)
    number = _text(number, field=_("Sheet number"), max_length=40)
    stored = ballot_check(process=process, pot=pot, choices=choices)
    code_hash = ""
    if code.strip():
        try:
            code_hash = codes.code_hash(codes.normalise(code), secret=_secret(process))
        except codes.CodeError:
            raise CodeRefused(_("The code on the sheet has a typo.")) from None
    sheet, _created = PaperSheet.objects.select_for_update().get_or_create(
        process=process, number=number, defaults={"pot": pot}
    )
    if sheet.status == PaperSheetStatus.AGREED:
        raise BudgetingError(_("This sheet is counted already."))
    if sheet.pot_id != pot.pk:
        raise BudgetingError(_("This sheet was entered for another pot."))
    entries = list(sheet.entries.order_by("pk"))
    if any(e.entered_by_id == entered_by.pk for e in entries):
        raise BudgetingError(
            _("You entered this sheet already; a colleague enters it the second time.")
        )
    PaperEntry.objects.create(
        sheet=sheet, entered_by=entered_by, choices=stored, code_hash=code_hash
    )
    if not entries:
        return PaperOutcome(sheet=sheet, counted=False, mismatch=False)
    if not any(_same_entry(entry, stored, code_hash) for entry in entries):
        sheet.status = PaperSheetStatus.MISMATCH
        sheet.save(update_fields=["status"])
        return PaperOutcome(sheet=sheet, counted=False, mismatch=True)
    if code_hash:
        used = RegisterEntry.objects.filter(
            process=process, code_hash=code_hash, voted=False
        ).update(voted=True)
        if not used:
            raise AlreadyVoted(_("The code on this sheet is unknown or has voted already."))
    process_lock_settings(process=process)
    receipt = codes.receipt_new()  # nobody holds it: a paper ballot cannot be changed online
    Ballot.objects.create(
        process=process,
        pot=pot,
        choices=stored,
        receipt_hash=codes.receipt_hash(receipt),
        change_tag=codes.change_tag(receipt, entry_id=0),
        channel=BallotChannel.PAPER,
    )
    sheet.status = PaperSheetStatus.AGREED
    sheet.save(update_fields=["status"])
    return PaperOutcome(sheet=sheet, counted=True, mismatch=False)


@transaction.atomic
def paper_sheet_discard(*, sheet: PaperSheet, actor) -> None:
    """Clear a sheet that is not counted yet (e.g. flagged twice), so it is entered afresh."""
    process = sheet.process
    if not can_evaluate(user=actor, city=process.city):
        raise PermissionDenied(_("Only the city's staff can enter paper ballots."))
    _paper_open(process)
    sheet = PaperSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status == PaperSheetStatus.AGREED:
        raise BudgetingError(_("This sheet is counted already."))
    audit_record(
        city=process.city,
        actor=actor,
        action=AuditAction.PROCESS_CHANGE,
        target=process,
        detail={"paper_sheet_discarded": sheet.number},
    )
    sheet.delete()


# The CSV import of paper ballots (docs/paper-ballots.md): limits checked before parsing.
PAPER_CSV_MAX_BYTES = 1_000_000
PAPER_CSV_MAX_ROWS = 5_000
PAPER_CSV_COLUMNS = ("sheet", "pot", "choices", "code")


def _paper_choices(text: str, *, cumulative: bool, line: int) -> list[tuple[int, int]]:
    picks = []
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        proposal, _sep, points = part.partition(":")
        if not proposal.isdigit() or (points and not points.isdigit()):
            raise PaperImportError(
                _("Line %(line)d: “%(value)s” is not a project number (e.g. 12 or 12:3).")
                % {"line": line, "value": part[:40]}
            )
        if points and not cumulative:
            raise PaperImportError(
                _("Line %(line)d: this ballot takes no points, only project numbers.")
                % {"line": line}
            )
        picks.append((int(proposal), int(points) if points else 1))
    return picks


def paper_csv_import(*, process, entered_by, data: bytes) -> list[PaperOutcome]:
    """Every line of the file as one entry by ``entered_by``; all lines or none."""
    import csv
    import io

    _require_kind(process)
    if not can_evaluate(user=entered_by, city=process.city):
        raise PermissionDenied(_("Only the city's staff can enter paper ballots."))
    if len(data) > PAPER_CSV_MAX_BYTES:
        raise PaperImportError(_("The file is larger than 1 MB; please split it."))
    if data.count(b"\n") > PAPER_CSV_MAX_ROWS + 1:
        raise PaperImportError(_("The file has more than 5,000 lines; please split it."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PaperImportError(
            _("Line %(line)d: the file is not UTF-8; please save it as “CSV UTF-8”.")
            % {"line": line}
        ) from None
    if "\x00" in text:
        raise PaperImportError(_("The file contains a NUL character; it is not a CSV file."))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    if not rows or [c.strip().lower() for c in rows[0]][:3] != list(PAPER_CSV_COLUMNS[:3]):
        raise PaperImportError(
            _("Line 1: the first line must be the header “sheet;pot;choices;code”.")
        )
    pots = {str(p.pk): p for p in Pot.objects.filter(process=process)}
    by_name = {p.name.casefold(): p for p in pots.values()}
    cumulative = process.options["ballot"]["kind"] == BallotKind.CUMULATIVE
    outcomes = []
    with transaction.atomic():
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) not in (3, 4):
                raise PaperImportError(
                    _("Line %(line)d: expected 3 or 4 columns separated by “;”, found %(n)d.")
                    % {"line": number, "n": len(row)}
                )
            sheet, pot_key, choices = (cell.strip() for cell in row[:3])
            code = row[3].strip() if len(row) == 4 else ""
            pot = pots.get(pot_key) or by_name.get(pot_key.casefold())
            if pot is None:
                raise PaperImportError(
                    _("Line %(line)d: there is no pot “%(pot)s” in this vote.")
                    % {"line": number, "pot": pot_key[:60]}
                )
            try:
                outcomes.append(
                    paper_ballot_enter(
                        process=process,
                        pot=pot,
                        number=sheet,
                        entered_by=entered_by,
                        choices=_paper_choices(choices, cumulative=cumulative, line=number),
                        code=code,
                    )
                )
            except PaperImportError:
                raise
            except BudgetingError as error:
                raise PaperImportError(
                    _("Line %(line)d: %(problem)s") % {"line": number, "problem": error}
                ) from None
    return outcomes


# --- The close: results computed once --------------------------------------------------------


def pot_election(*, pot: Pot) -> voting_rules.Election:
    """The pot's ballots as a pabulib election, ballots ordered by receipt hash (random)."""
    process = pot.process
    ballot = process.options["ballot"]
    projects = {
        project_id: voting_rules.Project(project_id=project_id, cost=Fraction(cost))
        for project_id, cost in ballot_costs(pot=pot).items()
    }
    cumulative = ballot["kind"] == BallotKind.CUMULATIVE
    rows = (
        Ballot.objects.filter(pot=pot)
        .order_by("receipt_hash")
        .values_list("receipt_hash", "choices")
    )
    ballots = tuple(
        voting_rules.Ballot(
            voter_id=receipt_hash,
            projects=tuple(project for project, _points in choices if project in projects),
            points=tuple(Fraction(points) for project, points in choices if project in projects)
            if cumulative
            else (),
        )
        for receipt_hash, choices in rows
    )
    meta = {
        "description": f"{process.title} – {pot.name}",
        "country": process.city.country_code,
        "unit": process.city.name,
        "subunit": pot.name,
        "instance": str(timezone.localtime(process.created_at).year),
        "num_projects": str(len(projects)),
        "num_votes": str(len(ballots)),
        "budget": str(pot.amount),
        "vote_type": "cumulative" if cumulative else "approval",
        "rule": process.options.get("rule", Rule.EQUAL_SHARES),
        "currency": "EUR",
    }
    if ballot.get("max_projects"):
        meta["max_length"] = str(ballot["max_projects"])
    if ballot.get("min_projects"):
        meta["min_length"] = str(ballot["min_projects"])
    if cumulative:
        meta["max_sum_points"] = str(ballot["max_points"])
        if ballot.get("max_points_per_project"):
            meta["max_points"] = str(ballot["max_points_per_project"])
    if ballot["kind"] == BallotKind.KNAPSACK:
        meta["max_sum_cost"] = str(pot.amount)
    columns = ("voter_id", "vote", "points") if cumulative else ("voter_id", "vote")
    return voting_rules.Election(
        meta=meta, projects=projects, ballots=ballots, vote_columns=columns
    )


def rule_for(process) -> tuple[str, voting_rules.Options]:
    """The voting_rules rule name and options a process's settings stand for."""
    rule = process.options.get("rule", Rule.EQUAL_SHARES)
    options = process.options.get("rule_options", {})
    seed = options.get("lot_seed")
    if rule == Rule.GREEDY:
        return "greedy", voting_rules.Options(lot_seed=seed)
    completion = options.get("completion", "add1u")
    if completion == "add1-no-greedy":
        return "mes-add1", voting_rules.Options(lot_seed=seed, explain=True)
    return "equalshares", voting_rules.Options(
        lot_seed=seed,
        explain=True,
        comparison=options.get("comparison", "satisfaction"),
        completion=completion,
        add1_exhaustive=options.get("add1_exhaustive", True),
        add1_integral=options.get("add1_integral", True),
    )


def _money(value: Fraction | None) -> str | None:
    """Exact: a decimal where it has a finite expansion, otherwise "numerator/denominator"
    (``Fraction(text)`` reads both back)."""
    if value is None:
        return None
    try:
        return voting_rules.election.format_decimal(value)
    except ValueError:
        return f"{value.numerator}/{value.denominator}"


def _explanation_data(explanation: voting_rules.Explanation) -> dict:
    return {
        "selected": explanation.selected,
        "reason": explanation.reason,
        "round": explanation.round,
        "score": _money(explanation.score),
        "effective_votes": _money(explanation.effective_votes),
        "payments": [
            {"amount": _money(payment.amount), "voters": payment.voters}
            for payment in explanation.payments
        ],
        "remaining_budget": _money(explanation.remaining_budget),
        "more_supporters_needed": explanation.more_supporters_needed,
        "winning_cost": _money(explanation.winning_cost),
        "round_winner": explanation.round_winner,
    }


@transaction.atomic
def vote_close(*, process, actor) -> list[Result]:
    """Count every pot once, after the vote has closed, and keep the results and the .pb."""
    _require_kind(process)
    if not can_administer_city(user=actor, city=process.city):
        raise PermissionDenied(_("Only the city's administrators can close the vote."))
    if process_allows(process=process, action=Action.VOTE):
        raise BudgetingError(_("The vote is still open."))
    from .permissions import vote_ended  # the close and its page ask the same question

    if not vote_ended(process=process):
        raise BudgetingError(_("The vote has not taken place yet."))
    results = _results_compute(process)
    audit_record(
        city=process.city,
        actor=actor,
        action=AuditAction.PROCESS_CHANGE,
        target=process,
        detail={"closed": True, "ballots": sum(r.ballots for r in results)},
    )
    _ballots_reorder(process)
    return results


def _ballots_reorder(process) -> None:
    """Rewrite the ballots in receipt-hash order (random), so that where a ballot sits on disk
    says nothing about when it was cast (ADR 0005).

    PostgreSQL appends rows to the heap in the order they are written, as it does the register's
    ``voted`` updates: ``CLUSTER`` writes a new heap sorted by (vote, receipt hash) and drops the
    old one. SQLite numbers rows by an implicit rowid in the order of insertion (the UUID key does
    not change that): the vote's ballots are deleted and inserted again in receipt order. Freed
    pages keep old bytes until ``VACUUM`` (docs/paper-ballots.md); SQLite is for trying out."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # CLUSTER refuses a table with deferred foreign-key checks still pending in this
            # transaction (the results just written): run them now, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"CLUSTER {Ballot._meta.db_table} USING ballot_receipt")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    ballots = list(Ballot.objects.filter(process=process).order_by("receipt_hash"))
    Ballot.objects.filter(process=process).delete()
    Ballot.objects.bulk_create(ballots, batch_size=2_000)


def _results_compute(process) -> list[Result]:
    if Result.objects.filter(pot__process=process).exists():
        raise BudgetingError(_("The results have been computed already."))
    rule, options = rule_for(process)
    results = []
    for pot in Pot.objects.filter(process=process).select_related("process__city"):
        election = pot_election(pot=pot)
        if election.projects and election.ballots:
            outcome = voting_rules.tally(election, rule, options)
            greedy = voting_rules.tally(
                election, "greedy", voting_rules.Options(lot_seed=options.lot_seed)
            )
            winners, spent = list(outcome.selection_order), int(outcome.cost)
            explanations = {pid: _explanation_data(e) for pid, e in outcome.explanations.items()}
            greedy_winners = list(greedy.selection_order)
        else:
            winners, spent, explanations, greedy_winners = [], 0, {}, []
        selected = set(winners)
        published = voting_rules.Election(
            meta={**election.meta, "rule": rule},
            projects={
                pid: voting_rules.Project(
                    project_id=pid,
                    cost=project.cost,
                    extra={"selected": "1" if pid in selected else "0"},
                )
                for pid, project in election.projects.items()
            },
            ballots=election.ballots,
            project_columns=("project_id", "cost", "selected"),
            vote_columns=election.vote_columns,
        )
        results.append(
            Result.objects.create(
                pot=pot,
                rule=rule,
                rule_options=process.options.get("rule_options", {}),
                ballots=len(election.ballots),
                winners=winners,
                spent=spent,
                explanations=explanations,
                greedy_winners=greedy_winners,
                pabulib=voting_rules.format_election(published),
            )
        )
    return results


# --- Importing a published vote (pabulib) ------------------------------------------------------

IMPORT_MAX_BYTES = 50_000_000


def _whole_money(value: Fraction, *, what: str) -> int:
    if value.denominator != 1 or value < 1:
        raise ImportInvalid(
            _("%(what)s must be a whole positive amount; this file has %(value)s.")
            % {"what": what, "value": _money(value)}
        )
    return int(value)


def _import_ballot_settings(election: voting_rules.Election) -> dict:
    meta = election.meta
    kind = meta.get("vote_type", "approval")
    if kind == "cumulative":
        ballot: dict = {"kind": BallotKind.CUMULATIVE, "max_points": int(meta["max_sum_points"])}
        if meta.get("max_points"):
            ballot["max_points_per_project"] = int(meta["max_points"])
    elif kind == "approval" and meta.get("max_sum_cost"):
        ballot = {"kind": BallotKind.KNAPSACK}
    elif kind == "approval":
        ballot = {"kind": BallotKind.APPROVAL}
    else:
        raise ImportInvalid(
            _("Ballots of type “%(kind)s” cannot be imported (approval, knapsack and points can).")
            % {"kind": kind[:40]}
        )
    ballot["min_projects"] = int(meta.get("min_length") or 0)
    if meta.get("max_length"):
        ballot["max_projects"] = int(meta["max_length"])
    try:
        return ballot_settings_validated(ballot)
    except (SettingsInvalid, ValueError) as error:
        raise ImportInvalid(str(error)) from None


@transaction.atomic
def prize_money_import_ballots(
    *,
    city,
    pabulib_text: str,
    title: str = "",
    rule: str = Rule.EQUAL_SHARES,
    rule_options: Mapping | None = None,
    source: str = "",
    bulk: bool = True,
):
    """A published pabulib vote as a prize-money process whose vote is over, not yet counted.

    One city-wide pot with the file's budget, each project a feasible proposal, each ballot a
    ballot with a fresh random receipt hash: the file's voter ids (and extra voter columns) are
    not kept."""
    if len(pabulib_text) > IMPORT_MAX_BYTES:
        raise ImportInvalid(_("The file is larger than 50 MB."))
    try:
        election = voting_rules.parse_election(pabulib_text)
    except voting_rules.PabulibError as error:
        raise ImportInvalid(str(error)) from None
    meta = election.meta
    ballot = _import_ballot_settings(election)
    budget = _whole_money(election.budget, what=_("The budget"))
    year = meta.get("instance", "")[:4]
    vote_ends = timezone.now() - timedelta(days=1)
    for key in ("date_end", "date_begin"):
        try:
            moment = datetime.strptime(meta.get(key, ""), "%d.%m.%Y")
        except ValueError:
            continue
        vote_ends = timezone.make_aware(moment) + timedelta(days=1 if key == "date_end" else 14)
        break
    vote_ends = min(vote_ends, timezone.now() - timedelta(minutes=1))
    phases = [
        PhaseSpec(
            name=_("Vote"),
            starts_at=vote_ends - timedelta(days=14),
            ends_at=vote_ends,
            allows=[Action.VOTE],
        ),
        PhaseSpec(name=_("Result"), starts_at=vote_ends, allows=[Action.SHOW_RESULTS]),
    ]
    title = title or " ".join(p for p in (meta.get("description", ""), year) if p) or "Pabulib"
    options = {
        "ballot": ballot,
        "rule": rule,
        "rule_options": rule_options_validated(rule, rule_options),
        "eligibility": eligibility_validated(None),
        "imported": {
            "source": source[:200],
            "unit": meta.get("unit", "")[:120],
            "instance": meta.get("instance", "")[:40],
            "official_rule": meta.get("rule", "")[:60],
        },
    }
    process = process_create(
        city=city,
        kind=ProcessKind.PRIZE_MONEY,
        title=title,
        phases=phases,
        options=options,
        check_permission=False,
    )
    pot = Pot.objects.create(
        process=process, name=meta.get("subunit") or meta.get("unit") or title[:120], amount=budget
    )
    ids = {}
    for project in election.projects.values():
        name = " ".join((project.extra.get("name") or "").split()) or project.project_id
        cost = _whole_money(project.cost, what=_("A project's cost"))
        proposal = Proposal.objects.create(
            process=process,
            pot=pot,
            title=name[:200],
            description=(project.extra.get("description") or name)[:5_000],
            estimate=cost,
            status=ProposalStatus.FEASIBLE,
        )
        ids[project.project_id] = proposal.pk
    if any(p.officially_selected is not None for p in election.projects.values()):
        # The city's own outcome, to show beside the recount.
        process.options["imported"]["official_winners"] = sorted(
            str(ids[pid]) for pid, p in election.projects.items() if p.officially_selected
        )
        process.save(update_fields=["options"])
    cumulative = ballot["kind"] == BallotKind.CUMULATIVE

    def rows():
        for vote in election.ballots:
            points = vote.points if cumulative and vote.points else (1,) * len(vote.projects)
            pairs = zip(vote.projects, points, strict=True)
            choices = [[str(ids[project]), int(p)] for project, p in pairs]
            receipt = codes.receipt_new()
            yield Ballot(
                process=process,
                pot=pot,
                choices=choices,
                receipt_hash=codes.receipt_hash(receipt),
                change_tag=codes.change_tag(receipt, entry_id=0),
                channel=BallotChannel.ONLINE,
            )

    Ballot.objects.bulk_create(rows(), batch_size=2_000 if bulk else 1)
    process_lock_settings(process=process)
    return process


def prize_money_import(
    *,
    city,
    pabulib_text: str,
    title: str = "",
    rule: str = Rule.EQUAL_SHARES,
    rule_options: Mapping | None = None,
    source: str = "",
):
    """``prize_money_import_ballots`` and the count: a finished vote with its results."""
    with transaction.atomic():
        process = prize_money_import_ballots(
            city=city,
            pabulib_text=pabulib_text,
            title=title,
            rule=rule,
            rule_options=rule_options,
            source=source,
        )
        _results_compute(process)
        audit_record(
            city=city,
            actor=None,
            action=AuditAction.PROCESS_CHANGE,
            target=process,
            detail={"imported": source[:200], "ballots": process.ballots.count()},
        )
    return process


def result_verify(*, pabulib_text: str, rule: str, options: voting_rules.Options) -> list[str]:
    """Recompute a published .pb: the winners its ``selected`` column claims, or the difference."""
    election = voting_rules.parse_election(pabulib_text)
    claimed = election.officially_selected() or frozenset()
    computed = frozenset(voting_rules.tally(election, rule, options).winners)
    return sorted(claimed ^ computed)


# --- Set-up pages: description and voiding codes ---------------------------------------------


@transaction.atomic
def prize_money_describe(*, process, actor, title: str, description: str):
    """Title and description; they do not change what a ballot means, so they never lock."""
    _require_kind(process)
    if not can_administer_city(user=actor, city=process.city):
        raise PermissionDenied(_("Only the city's administrators can change processes."))
    title = " ".join(_text(title, field=_("Title"), max_length=200).split())
    description = _text(description, field=_("Description"), max_length=5_000, required=False)
    if (title, description) != (process.title, process.description):
        process.title, process.description = title, description
        process.save(update_fields=["title", "description"])
        audit_record(
            city=process.city,
            actor=actor,
            action=AuditAction.PROCESS_CHANGE,
            target=process,
            detail={"settings": ["title", "description"]},
        )
    return process


@transaction.atomic
def code_batch_void(*, batch: CodeBatch, actor) -> CodeBatch:
    """Void a batch (letters lost in the post, printed wrongly): its unused codes open nothing
    any more. Ballots already cast with them stay, as nothing links a ballot to its code."""
    process = batch.process
    if not can_administer_city(user=actor, city=process.city):
        raise PermissionDenied(_("Only the city's administrators can void voting codes."))
    batch = CodeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.voided_at is not None:
        raise SettingsInvalid(_("This batch has been voided already."))
    if Result.objects.filter(pot__process=process).exists():
        raise SettingsInvalid(_("The vote has been counted; its codes can no longer be voided."))
    batch.voided_at = timezone.now()
    batch.save(update_fields=["voided_at"])
    audit_record(
        city=process.city,
        actor=actor,
        action=AuditAction.PROCESS_CHANGE,
        target=process,
        detail={"codes_voided": batch.size, "batch": batch.label or str(batch.pk)},
    )
    return batch
