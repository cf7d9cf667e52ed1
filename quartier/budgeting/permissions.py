"""Who may do what in a prize-money vote: predicates the views ask (never roles or dates)."""

from django.utils import timezone

from quartier.accounts.permissions import can_participate
from quartier.participation.permissions import (
    can_administer_city,
    can_evaluate,
    can_moderate,
    process_allows,
)
from quartier.participation.vocabulary import Action

from .models import Result


def results_computed(*, process) -> bool:
    return Result.objects.filter(pot__process=process).exists()


def vote_ended(*, process) -> bool:
    """Whether the vote took place and is over: it has vote phases and every one has ended."""
    now = timezone.now()
    phases = [phase for phase in process.phases.all() if Action.VOTE in phase.allows]
    return bool(phases) and all(p.ends_at is not None and p.ends_at <= now for p in phases)


def can_enter_paper_ballots(*, user, process) -> bool:
    """The city's evaluators and administrators, until the close."""
    return can_evaluate(user=user, city=process.city) and not results_computed(process=process)


def can_close_vote(*, user, process) -> bool:
    """The city's administrators, once the vote phase has ended and before the count."""
    return (
        can_administer_city(user=user, city=process.city)
        and vote_ended(process=process)
        and not results_computed(process=process)
    )


def can_view_results(*, user, process) -> bool:
    """Everyone, once the close has run and a phase shows results; nobody earlier, staff
    included (the results are published, not previewed)."""
    return process_allows(process=process, action=Action.SHOW_RESULTS) and results_computed(
        process=process
    )


def can_set_up_votes(*, user, city) -> bool:
    """Set up a new prize-money vote in this city: its administrators."""
    return can_administer_city(user=user, city=city)


def can_manage_vote(*, user, process) -> bool:
    """Change a vote's settings and pots, issue and void its voting codes: the city's
    administrators (what the settings lock refuses is the services' answer, not a 404)."""
    return can_administer_city(user=user, city=process.city)


def settings_changeable(*, process) -> bool:
    """Ballot, rule and pots can change until the first ballot locks them (ADR 0004)."""
    return process.settings_locked_at is None


# --- Proposals (the proposals area) -------------------------------------------------------------


def can_propose(*, user, process) -> bool:
    """Verified accounts, while the vote takes proposals."""
    return can_participate(user=user) and process_allows(process=process, action=Action.PROPOSE)


def proposals_taken(*, process) -> bool:
    return process_allows(process=process, action=Action.PROPOSE)


def can_see_review_queue(*, user, process) -> bool:
    """The jury: the city's evaluators and administrators (in every phase; see can_review)."""
    return can_evaluate(user=user, city=process.city)


def can_review(*, user, process) -> bool:
    """The jury decides until the vote: while proposals are taken and in the review phase."""
    return can_evaluate(user=user, city=process.city) and (
        process_allows(process=process, action=Action.REVIEW)
        or process_allows(process=process, action=Action.PROPOSE)
    )


# --- The vote (the voting area) ------------------------------------------------------------------


def vote_open(*, process) -> bool:
    """Ballots are taken now (the vote phase); before and after, the page explains why not."""
    return process_allows(process=process, action=Action.VOTE)


def vote_proof(*, process) -> str:
    """How voters prove that they may vote: "code" (the letter) or "account" (+ declaration)."""
    return (process.options.get("eligibility") or {}).get("proof", "code")


def can_vote_with_account(*, user, process) -> bool:
    """Where the city chose accounts: a verified account, while the vote is open."""
    return (
        vote_proof(process=process) == "account"
        and can_participate(user=user)
        and vote_open(process=process)
    )


def can_see_proposal(*, user, proposal) -> bool:
    """Hidden proposals show their reason only; a proposal waiting for pre-moderation is its
    author's and the moderators'."""
    if proposal.hidden_at is None or can_moderate(user=user, city=proposal.process.city_id):
        return True
    own = getattr(user, "is_authenticated", False) and proposal.author_id == user.pk
    return bool(proposal.awaiting_review and own)
