"""Reads of opinion maps: what a participant sees next, progress, results, moderation queue."""

import random
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, When
from django.shortcuts import get_object_or_404

from opinion_clustering.routing import next_statement
from quartier.cities.models import City
from quartier.ideas.models import Idea

from .models import Conversation, Participant, Statement, StatementStatus, Vote


def conversation_list(*, city: City) -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(city=city)
        .select_related("idea")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-opens_at", "-id")
    )


def conversations_on_idea(*, idea: Idea) -> QuerySet[Conversation]:
    return Conversation.objects.filter(idea=idea).order_by("-opens_at", "-id")


def conversation_get(*, city: City, conversation_id: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("idea", "city"), city=city, pk=conversation_id
    )


@dataclass(frozen=True)
class Progress:
    voted: int
    total: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.voted, 0)

    @property
    def percent(self) -> int:
        return round(100 * self.voted / self.total) if self.total else 100


def _open_statement_ids(conversation: Conversation) -> list[int]:
    return list(
        conversation.statements.filter(status=StatementStatus.ACCEPTED)
        .order_by("id")
        .values_list("id", flat=True)
    )


def participant_progress(
    *, participant: Participant | None, conversation: Conversation
) -> Progress:
    open_ids = _open_statement_ids(conversation)
    if participant is None:
        return Progress(voted=0, total=len(open_ids))
    voted = Vote.objects.filter(participant=participant, statement_id__in=open_ids).count()
    return Progress(voted=voted, total=len(open_ids))


def statement_next(*, participant: Participant) -> Statement | None:
    """The next statement to show, drawn in proportion to Polis' routing priority.

    Statements added since the last analysis have no priority yet; they get the highest known
    one, so that new statements are seen soon (Polis' formula favours little-seen statements).
    The draw is seeded by participant and progress: a reload shows the same statement.
    """
    conversation = participant.conversation
    voted = set(participant.votes.values_list("statement_id", flat=True))
    open_ids = _open_statement_ids(conversation)
    stored = (conversation.results or {}).get("priorities", {})
    fallback = max(stored.values(), default=1.0) or 1.0
    priorities = {sid: float(stored.get(str(sid), fallback)) for sid in open_ids}
    draw = random.Random(f"{participant.pk}:{len(voted)}").random()  # routing, not security
    chosen = next_statement(priorities, already_voted=voted, draw=draw)
    return None if chosen is None else Statement.objects.get(pk=chosen)


def statement_texts(*, conversation: Conversation) -> dict[int, Statement]:
    return {statement.pk: statement for statement in conversation.statements.all()}


def moderation_queue(
    *, conversation: Conversation, status: str | None = None, query: str | None = None
) -> QuerySet[Statement]:
    statements = conversation.statements.annotate(
        vote_count=Count("votes"),
        pass_count=Count("votes", filter=Q(votes__choice=0)),
        agree_count=Count("votes", filter=Q(votes__choice=1)),
        disagree_count=Count("votes", filter=Q(votes__choice=-1)),
    )
    if status:
        statements = statements.filter(status=status)
    if query:
        statements = statements.filter(text__icontains=query)
    # Waiting statements first: they block participants from seeing them.
    waiting_first = Case(When(status=StatementStatus.PENDING, then=0), default=1)
    return statements.order_by(waiting_first, "-id")
