"""What the implementation pages read of a counted vote: the funded projects and their grants."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Pot, Proposal, Result


@dataclass(frozen=True)
class FundedProject:
    proposal: Proposal
    pot: Pot
    granted: int  # the cost that won, whole euros


def funded_projects(*, process) -> list[FundedProject]:
    """The winners of every counted pot, in pot order and then in the order they were chosen."""
    results = Result.objects.filter(pot__process=process).select_related("pot__district")
    winners = {int(pid) for result in results for pid in result.winners}
    proposals = {
        p.pk: p for p in Proposal.objects.filter(pk__in=winners).select_related("pot", "idea")
    }
    funded = []
    for result in sorted(results, key=lambda r: (r.pot.position, r.pot.pk)):
        for pid in result.winners:
            proposal = proposals.get(int(pid))
            if proposal is not None:
                funded.append(
                    FundedProject(
                        proposal=proposal, pot=result.pot, granted=proposal.effective_cost
                    )
                )
    return funded


def funded_project(*, process, proposal_id: int) -> FundedProject | None:
    return next((f for f in funded_projects(process=process) if f.proposal.pk == proposal_id), None)


def pots_of(*, process) -> list[Pot]:
    return list(Pot.objects.filter(process=process).select_related("district"))
