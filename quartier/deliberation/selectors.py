"""Reads of opinion maps: what a participant sees next, progress, results, moderation queue."""

import random
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.shortcuts import get_object_or_404

from opinion_clustering.routing import next_statement
from opinion_clustering.statistics import COMMON_GROUND_MAJORITY, COMMON_GROUND_MIN_VOTES
from quartier.accounts.permissions import can_participate
from quartier.cities.models import City

from .models import Conversation, Participant, Statement, StatementStatus, Vote
from .opinion_map import GROUP_COLOURS, opinion_map


def _with_process(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    # Whether a map is open is asked of its phases: fetched once for the whole list.
    return conversations.select_related("process").prefetch_related(Prefetch("process__phases"))


def conversation_list(*, city: City) -> QuerySet[Conversation]:
    return (
        _with_process(Conversation.objects.filter(city=city))
        .select_related("idea")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-created_at", "-id")
    )


def conversations_on_idea(*, idea) -> QuerySet[Conversation]:
    return _with_process(Conversation.objects.filter(idea=idea)).order_by("-created_at", "-id")


def conversation_get(*, city: City, conversation_id: int) -> Conversation:
    return get_object_or_404(
        _with_process(Conversation.objects.select_related("idea", "city")),
        city=city,
        pk=conversation_id,
    )


def participant_find(*, conversation: Conversation, user, anonymous_key: str) -> Participant | None:
    """The participant this account (or this browser's pseudonym) already is, if any."""
    if can_participate(user=user):
        return Participant.objects.filter(conversation=conversation, user=user).first()
    if conversation.allow_anonymous and anonymous_key:
        return Participant.objects.filter(
            conversation=conversation, anonymous_key=anonymous_key
        ).first()
    return None


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


def conversation_results_summary(*, conversation: Conversation) -> dict[str, Any]:
    """The stored analysis shaped for the results page: early counts, common ground, groups, map.

    Only published statements are shown, whatever the stored analysis holds (a statement may
    have been moderated since it ran). ``common_ground`` is None for results stored before the
    analysis knew common ground: the page then waits for the next run instead of guessing.
    """
    results = conversation.results or {}
    texts = statement_texts(conversation=conversation)

    def published(sid: Any) -> Statement | None:
        statement = texts.get(int(sid))
        return statement if statement and statement.status == StatementStatus.ACCEPTED else None

    early = [
        {
            "statement": statement,
            "agree": row[0],
            "disagree": row[1],
            "pass": row[2],
            "total": sum(row),
        }
        for sid, row in results.get("counts", {}).items()
        if (statement := published(sid)) is not None
    ]
    early.sort(key=lambda item: (-item["total"], item["statement"].pk))
    stored_ground = results.get("common_ground")
    common_ground = (
        None
        if stored_ground is None
        else {
            direction: [
                {**item, "statement": statement}
                for item in stored_ground.get(direction, [])
                if (statement := published(item["statement"])) is not None and not statement.is_meta
            ]
            for direction in ("agree", "disagree")
        }
    )
    groups = [
        {
            **group,
            "colour": GROUP_COLOURS.get(group["label"]),
            "representative": [
                {**item, "text": statement.text}
                for item in group["representative"]
                if (statement := published(item["statement"])) is not None
            ],
        }
        for group in results.get("groups", [])
    ]
    return {
        "results": results,
        "early": early,
        "common_ground": common_ground,
        "has_common_ground": bool(
            common_ground and (common_ground["agree"] or common_ground["disagree"])
        ),
        "rule": {
            "majority": round(100 * COMMON_GROUND_MAJORITY),
            "min_votes": COMMON_GROUND_MIN_VOTES,
        },
        "groups": groups,
        "map": opinion_map(results),
    }


def conversation_votes_not_in_results(*, conversation: Conversation) -> int:
    """Votes cast or changed after the stored results read the votes (the results page says so).

    With no request pending, no run holding the lock and no failed run, the last run read every
    vote (services.conversation_request_recompute): no query is needed.
    """
    if not (
        conversation.recompute_pending or conversation.computing_since or conversation.compute_error
    ):
        return 0
    votes = Vote.objects.filter(statement__conversation=conversation)
    if conversation.computed_at is not None:
        votes = votes.filter(updated_at__gt=conversation.computed_at)
    return votes.count()
