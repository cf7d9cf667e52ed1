"""Reads of the prize-money vote."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q
from django.http import Http404

from quartier.participation.permissions import can_moderate, process_allows
from quartier.participation.selectors import process_get, process_list
from quartier.participation.vocabulary import Action, ProcessKind

from . import codes
from .models import Ballot, PaperSheet, Pot, Proposal, RegisterEntry, Result
from .vocabulary import BallotChannel, ProposalStatus


def prize_money_get(*, city, process_id: int, with_links: bool = True):
    """The city's prize-money vote with this id, or 404 (another city's, another kind)."""
    process = process_get(city=city, process_id=process_id, with_links=with_links)
    if process.kind != ProcessKind.PRIZE_MONEY:
        raise Http404
    return process


def prize_money_find(*, process_id: int):
    """A prize-money vote by its id alone, in whichever city (for commands), or None."""
    from quartier.cities.selectors import city_list

    for city in city_list():
        try:
            return prize_money_get(city=city, process_id=process_id)
        except Http404:
            continue
    return None


# --- The vote (the voting area) ----------------------------------------------------------------


def entry_id_or_none(value) -> int | None:
    """A register entry id as a session holds it, or None for anything else."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def register_entry_get(*, process, entry_id) -> RegisterEntry | None:
    """The register entry a voter's session points at, if it is still this vote's."""
    if entry_id_or_none(entry_id) is None:
        return None
    return RegisterEntry.objects.filter(process=process, pk=entry_id).first()


def on_ballot():
    """The proposals on a ballot, as ``services.ballot_costs`` counts them: feasible and
    public, by title."""
    return Proposal.objects.filter(status=ProposalStatus.FEASIBLE, hidden_at__isnull=True).order_by(
        "title", "pk"
    )


@dataclass(frozen=True)
class BallotSheet:
    """One voter's ballot paper: the pots they may vote in (the city-wide pot and their
    district's) and the projects on each. A vote step reads it once (two queries) and hands it
    to the parsing, the checks and the cast."""

    pots: list[Pot]
    projects: dict[int, list[Proposal]]  # pot id -> the projects on its ballot, by title

    def pot(self, pot_id: int) -> Pot | None:
        return next((pot for pot in self.pots if pot.pk == pot_id), None)

    def costs(self, pot_id: int) -> dict[str, int]:
        """The cost that counts of each project, by its id as the ballot rules take it."""
        return {str(p.pk): p.effective_cost for p in self.projects.get(pot_id, [])}


def ballot_sheet(*, process, entry: RegisterEntry) -> BallotSheet:
    pots = list(
        Pot.objects.filter(process=process).filter(
            Q(district__isnull=True) | Q(district_id=entry.district_id)
        )
    )
    projects: dict[int, list[Proposal]] = {pot.pk: [] for pot in pots}
    for proposal in on_ballot().filter(pot__in=pots):
        projects[proposal.pot_id].append(proposal)
    return BallotSheet(pots=pots, projects=projects)


def vote_phase_dates(*, process):
    """(start, end) of the vote's first phase that takes ballots, or (None, None)."""
    phases = [p for p in process.phases.all() if Action.VOTE in p.allowed_actions()]
    if not phases:
        return None, None
    first, last = min(phases, key=lambda p: p.starts_at), max(phases, key=lambda p: p.starts_at)
    return first.starts_at, last.ends_at


# --- Paper ballots and counts -----------------------------------------------------------------


def paper_sheets(*, process):
    return (
        PaperSheet.objects.filter(process=process)
        .select_related("pot")
        .prefetch_related("entries__entered_by")
        .order_by("status", "number")
    )


@dataclass(frozen=True)
class PotCount:
    pot: Pot
    online: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper


def ballot_counts(*, process) -> list[PotCount]:
    counts: dict = defaultdict(dict)
    for row in (
        Ballot.objects.filter(process=process).values("pot", "channel").annotate(n=Count("pk"))
    ):
        counts[row["pot"]][row["channel"]] = row["n"]
    return [
        PotCount(
            pot=pot,
            online=counts[pot.pk].get(BallotChannel.ONLINE, 0),
            paper=counts[pot.pk].get(BallotChannel.PAPER, 0),
        )
        for pot in Pot.objects.filter(process=process).select_related("district")
    ]


def participants(*, process) -> dict[str, int]:
    """People who voted, online and on paper: one receipt covers a voter's ballots in every
    pot online; every counted paper sheet has its own."""
    rows = (
        Ballot.objects.filter(process=process)
        .values("channel")
        .annotate(n=Count("receipt_hash", distinct=True))
    )
    by_channel = {row["channel"]: row["n"] for row in rows}
    online = by_channel.get(BallotChannel.ONLINE, 0)
    paper = by_channel.get(BallotChannel.PAPER, 0)
    return {"online": online, "paper": paper, "total": online + paper}


# --- Results ----------------------------------------------------------------------------------


def _exact(text: str | None) -> Decimal | None:
    """A stored exact figure ("12.5" or "54180000/2257511") rounded to cents for display."""
    if text is None:
        return None
    value = Fraction(text)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass
class ProjectResult:
    proposal: Proposal
    cost: int
    selected: bool
    greedy_selected: bool
    reason: str = ""
    round: int | None = None
    score: Decimal | None = None
    effective_votes: Decimal | None = None
    payments: list[dict] = field(default_factory=list)
    remaining_budget: Decimal | None = None
    more_supporters_needed: int | None = None
    winning_cost: Decimal | None = None
    round_winner: Proposal | None = None
    official: bool | None = None  # an imported vote: the city's own outcome
    url: str = ""  # the proposal's page and its idea's, filled in by the view
    idea_url: str = ""


@dataclass
class PotResult:
    pot: Pot
    result: Result
    winners: list[ProjectResult]
    others: list[ProjectResult]
    greedy: list[ProjectResult]
    greedy_spent: int

    @property
    def left(self) -> int:
        return self.pot.amount - self.result.spent

    @property
    def greedy_left(self) -> int:
        return self.pot.amount - self.greedy_spent

    @property
    def same_as_greedy(self) -> bool:
        return set(self.result.winners) == set(self.result.greedy_winners)


def _project(proposal: Proposal, data: dict, result: Result, proposals: dict, official):
    cost = proposal.effective_cost
    winner = proposals.get(str(data.get("round_winner"))) if data.get("round_winner") else None
    return ProjectResult(
        proposal=proposal,
        cost=cost,
        selected=str(proposal.pk) in result.winners,
        greedy_selected=str(proposal.pk) in result.greedy_winners,
        reason=data.get("reason", "no supporters"),
        round=data.get("round"),
        score=_exact(data.get("score")),
        effective_votes=_exact(data.get("effective_votes")),
        payments=[
            {"amount": _exact(p["amount"]), "voters": p["voters"]} for p in data.get("payments", [])
        ],
        remaining_budget=_exact(data.get("remaining_budget")),
        more_supporters_needed=data.get("more_supporters_needed"),
        winning_cost=_exact(data.get("winning_cost")),
        round_winner=winner,
        official=None if official is None else str(proposal.pk) in official,
    )


def results_for(*, process) -> list[PotResult]:
    official = (process.options.get("imported") or {}).get("official_winners")
    results = (
        Result.objects.filter(pot__process=process)
        .select_related("pot__district")
        .order_by("pot__position", "pot__id")
    )
    proposals = {
        str(p.pk): p
        for p in Proposal.objects.filter(process=process).select_related(
            "idea", "idea__district", "pot", "district"
        )
    }
    out = []
    for result in results:
        on_ballot = [p for p in proposals.values() if p.pot_id == result.pot_id]
        rows = {
            str(p.pk): _project(
                p, result.explanations.get(str(p.pk), {}), result, proposals, official
            )
            for p in on_ballot
            if str(p.pk) in result.explanations or str(p.pk) in result.greedy_winners
        }
        winners = [rows[pid] for pid in result.winners if pid in rows]
        others = sorted(
            (row for row in rows.values() if not row.selected),
            key=lambda row: (row.round is None, row.round or 0, row.proposal.title),
        )
        greedy = [rows[pid] for pid in result.greedy_winners if pid in rows]
        out.append(
            PotResult(
                pot=result.pot,
                result=result,
                winners=winners,
                others=others,
                greedy=greedy,
                greedy_spent=sum(row.cost for row in greedy),
            )
        )
    return out


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: float  # of the largest value, 0..1, for the bar's width

    @property
    def width(self) -> int:
        """The bar's length in the chart's units (0 to 100)."""
        return round(100 * self.share)


def _bars(values: dict[str, int]) -> list[Bar]:
    largest = max(values.values(), default=0) or 1
    return [
        Bar(label=label, value=value, share=value / largest)
        for label, value in sorted(values.items(), key=lambda item: (-item[1], item[0]))
    ]


def result_charts(*, pot_results: list[PotResult], city_wide: str, no_idea: str) -> dict:
    """Ballots by district (by pot), money by district and by kind of idea."""
    ballots: dict[str, int] = {}
    money_district: dict[str, int] = defaultdict(int)
    money_kind: dict[str, int] = defaultdict(int)
    for pot_result in pot_results:
        pot = pot_result.pot
        ballots[pot.district.name if pot.district else pot.name] = pot_result.result.ballots
        for row in pot_result.winners:
            idea = row.proposal.idea
            if pot.district is not None:
                district = pot.district.name
            elif row.proposal.district is not None:
                district = row.proposal.district.name
            elif idea is not None:
                district = idea.district.name
            else:
                district = city_wide
            money_district[district] += row.cost
            money_kind[idea.get_kind_display() if idea is not None else no_idea] += row.cost
    return {
        "ballots": _bars(ballots),
        "money_district": _bars(dict(money_district)),
        "money_kind": _bars(dict(money_kind)),
    }


# --- Receipts -----------------------------------------------------------------------------------


def ballots_for_receipt(*, process, receipt: str) -> list[tuple[Pot, list[tuple[Proposal, int]]]]:
    """The published ballots that carry this receipt's hash (as in the .pb files)."""
    digest = codes.receipt_hash(receipt)
    found = list(Ballot.objects.filter(process=process, receipt_hash=digest).select_related("pot"))
    titles = {str(p.pk): p for p in Proposal.objects.filter(process=process)}
    return [
        (
            ballot.pot,
            [(titles[str(pid)], points) for pid, points in ballot.choices if str(pid) in titles],
        )
        for ballot in sorted(found, key=lambda b: (b.pot.position, b.pot_id))
    ]


# --- Proposals (the proposals area) -------------------------------------------------------------


def _proposals_visible(proposals, *, viewer, city):
    """What the public sees, plus what a moderator may see and an author's own waiting ones."""
    if can_moderate(user=viewer, city=city):
        return proposals
    mine = Q(author_id=viewer.pk, awaiting_review=True) if viewer.is_authenticated else Q(pk=None)
    return proposals.filter(Q(hidden_at__isnull=True) | mine)


def proposal_list(*, process, viewer, pot=None, district=None, status=None):
    """The vote's proposals by pot (then title), with what each row shows in one query."""
    proposals = Proposal.objects.filter(process=process).select_related(
        "pot__district", "idea", "merged_into"
    )
    if pot is not None:
        proposals = proposals.filter(pot=pot)
    if district is not None:
        # The district's own pot, and the city-wide projects placed in it.
        proposals = proposals.filter(
            Q(pot__district=district) | Q(pot__district__isnull=True, district=district)
        )
    if status:
        proposals = proposals.filter(status=status)
    return _proposals_visible(proposals, viewer=viewer, city=process.city).order_by(
        "pot__position", "pot_id", "title", "pk"
    )


def proposal_get(*, process, proposal_id: int) -> Proposal:
    """One proposal of this vote (hidden ones too: the page decides what it shows), or 404."""
    try:
        return Proposal.objects.select_related(
            "pot__district", "idea", "merged_into", "process__city"
        ).get(process=process, pk=proposal_id)
    except Proposal.DoesNotExist as error:
        raise Http404 from error


def proposal_merged_from(*, proposal: Proposal):
    return proposal.merged_from.filter(hidden_at__isnull=True).order_by("title", "pk")


def proposal_review_queue(*, process):
    """Proposals still to review, oldest first (they wait for the jury); public ones only."""
    return (
        Proposal.objects.filter(
            process=process, status=ProposalStatus.SUBMITTED, hidden_at__isnull=True
        )
        .select_related("pot", "idea")
        .order_by("created_at", "pk")
    )


def proposals_reviewed(*, process):
    return (
        Proposal.objects.filter(process=process, hidden_at__isnull=True)
        .exclude(status=ProposalStatus.SUBMITTED)
        .select_related("pot", "merged_into")
        .order_by("-reviewed_at", "-pk")
    )


def proposal_merge_targets(*, proposal: Proposal):
    """Where a duplicate can go: the vote's other public proposals that were not merged."""
    return (
        Proposal.objects.filter(process_id=proposal.process_id, hidden_at__isnull=True)
        .exclude(pk=proposal.pk)
        .exclude(status=ProposalStatus.MERGED)
        .select_related("pot")
        .order_by("pot__position", "title", "pk")
    )


def proposals_on_idea(*, idea):
    """The public proposals made from an idea, in every vote of its city."""
    return (
        Proposal.objects.filter(idea=idea, hidden_at__isnull=True)
        .select_related("process", "pot")
        .order_by("-created_at", "-pk")
    )


def prize_money_votes_taking_proposals(*, city):
    """The city's prize-money votes whose proposal phase is open now."""
    return [
        process
        for process in process_list(city=city).filter(kind=ProcessKind.PRIZE_MONEY)
        if process_allows(process=process, action=Action.PROPOSE)
    ]


def pots_of(*, process):
    return list(Pot.objects.filter(process=process).select_related("district"))


def imported_vote(*, city, source: str):
    """The city's vote imported from this pabulib file, if it was imported already."""
    from quartier.participation.selectors import process_list

    return (
        process_list(city=city)
        .filter(kind=ProcessKind.PRIZE_MONEY, options__imported__source=source)
        .first()
    )
