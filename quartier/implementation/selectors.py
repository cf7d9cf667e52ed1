"""Reads for the implementation pages: each funded project's money, milestones and updates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from quartier.budgeting.funded import FundedProject, funded_project, funded_projects, pots_of

from .models import LedgerEntry, Milestone, ProgressUpdate


@dataclass
class ProjectStatus:
    funded: FundedProject
    paid: int = 0
    milestones: list[Milestone] = field(default_factory=list)
    latest: ProgressUpdate | None = None

    @property
    def granted(self) -> int:
        return self.funded.granted

    @property
    def left(self) -> int:
        return self.granted - self.paid

    @property
    def overspent(self) -> bool:
        return self.paid > self.granted

    @property
    def overspent_by(self) -> int:
        return max(0, self.paid - self.granted)

    @property
    def paid_percent(self) -> int:
        return min(100, round(100 * self.paid / self.granted)) if self.granted else 0

    @property
    def milestones_done(self) -> int:
        return sum(1 for m in self.milestones if m.done_on is not None)

    @property
    def progress(self) -> int | None:
        return self.latest.progress if self.latest is not None else None


@dataclass
class PotLedger:
    pot: Any  # budgeting's Pot, read through its selectors only
    projects: list[ProjectStatus]

    @property
    def granted(self) -> int:
        return sum(p.granted for p in self.projects)

    @property
    def paid(self) -> int:
        return sum(p.paid for p in self.projects)

    @property
    def unallocated(self) -> int:
        return self.pot.amount - self.granted


def implementation_overview(*, process) -> list[PotLedger]:
    """Every pot with its funded projects' money and progress; a fixed number of queries."""
    funded = funded_projects(process=process)
    ids = [f.proposal.pk for f in funded]
    paid: dict[int, int] = defaultdict(int)
    for entry in LedgerEntry.objects.filter(proposal_id__in=ids):
        paid[entry.proposal_id] += entry.signed_amount
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(proposal_id__in=ids):
        milestones[milestone.proposal_id].append(milestone)
    latest: dict[int, ProgressUpdate] = {}
    for update in ProgressUpdate.objects.filter(proposal_id__in=ids).order_by(
        "proposal_id", "-created_at", "-id"
    ):
        latest.setdefault(update.proposal_id, update)
    by_pot: dict[int, list[ProjectStatus]] = defaultdict(list)
    for f in funded:
        pk = f.proposal.pk
        by_pot[f.pot.pk].append(
            ProjectStatus(funded=f, paid=paid[pk], milestones=milestones[pk], latest=latest.get(pk))
        )
    return [PotLedger(pot=pot, projects=by_pot[pot.pk]) for pot in pots_of(process=process)]


def implementation_project(*, process, proposal_id: int) -> ProjectStatus:
    """One funded project, or 404 (not funded, or of another vote)."""
    funded = funded_project(process=process, proposal_id=proposal_id)
    if funded is None:
        raise Http404
    entries = LedgerEntry.objects.filter(proposal=funded.proposal)
    return ProjectStatus(
        funded=funded,
        paid=sum(e.signed_amount for e in entries),
        milestones=list(Milestone.objects.filter(proposal=funded.proposal)),
        latest=ProgressUpdate.objects.filter(proposal=funded.proposal).first(),
    )


def project_updates(*, funded: FundedProject):
    return ProgressUpdate.objects.filter(proposal=funded.proposal).select_related("author")


def project_ledger(*, funded: FundedProject):
    return LedgerEntry.objects.filter(proposal=funded.proposal)


def pot_ledger(*, process):
    """Every booking of the vote, oldest first: the public ledger."""
    return (
        LedgerEntry.objects.filter(pot__process=process)
        .select_related("proposal", "pot")
        .order_by("booked_on", "id")
    )
