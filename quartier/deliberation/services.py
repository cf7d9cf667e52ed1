"""Every write on opinion maps: opening, joining, statements, votes, moderation, recomputation."""

import hashlib
import hmac
import io
import logging
import secrets
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opinion_clustering import ClusteringState, VoteEvent, VoteMatrix, analyze
from opinion_clustering.opendata import ExportedAnalysis, write_conversation
from opinion_clustering.opendata import Statement as OpenDataStatement
from quartier.accounts.models import User
from quartier.accounts.permissions import can_participate
from quartier.cities.models import City
from quartier.core.errors import PermissionDenied
from quartier.core.rate_limits import address_key, rate_limit_check
from quartier.core.text import text_check
from quartier.moderation.services import reports_resolve
from quartier.participation.permissions import can_moderate, process_allows
from quartier.participation.services import (
    PhaseSpec,
    audit_record,
    process_create,
    process_lock_settings,
)
from quartier.participation.vocabulary import Action, AuditAction, ProcessKind

from .errors import ConversationClosed, ConversationError
from .models import (
    STATEMENT_MAX_LENGTH,
    Conversation,
    Participant,
    Statement,
    StatementModeration,
    StatementStatus,
    Vote,
    VoteChoice,
)
from .permissions import can_moderate_conversation, can_open_conversation
from .results import analysis_to_results

logger = logging.getLogger(__name__)

# Votes arriving within this window are analysed together in one background run.
RECOMPUTE_DELAY = timedelta(seconds=5)
# A run that holds the lock longer than this is taken to have died with its worker, and a request
# still pending this long after its task was due to have lost its task: both are queued again.
RECOMPUTE_STALE_AFTER = timedelta(minutes=10)


def _statement_text(text: str) -> str:
    text = " ".join((text or "").replace("\x00", "").split())
    if not text:
        raise ConversationError(_("A statement must not be empty."))
    text_check(text, field=_("A statement"))
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ConversationError(
            _("A statement has at most %(max)d characters (this one has %(length)d).")
            % {"max": STATEMENT_MAX_LENGTH, "length": len(text)}
        )
    return text


@transaction.atomic
def conversation_open(
    *,
    city: City,
    creator: User,
    question: str,
    description: str = "",
    seed_statements: Sequence[str] = (),
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    allow_statements: bool = True,
    statement_moderation: str = StatementModeration.BEFORE,
    allow_anonymous: bool = False,
    idea=None,
) -> Conversation:
    """Open an opinion map: a process of kind ``opinion_map`` whose phases carry its dates."""
    if not can_open_conversation(user=creator, city=city, idea=idea):
        raise PermissionDenied(_("Only moderators or the idea's author can open an opinion map."))
    if idea is not None and idea.city_id != city.pk:
        raise ConversationError(_("The idea belongs to another city."))
    question = " ".join((question or "").split())
    if not question:
        raise ConversationError(_("Please ask a question."))
    text_check(question, field=_("The question"))
    opens_at = opens_at or timezone.now()
    if closes_at is not None and closes_at <= opens_at:
        raise ConversationError(_("The end must lie after the start."))
    if statement_moderation not in StatementModeration.values:
        raise ConversationError(_("Unknown kind of moderation."))
    seeds = [_statement_text(text) for text in seed_statements if text.strip()]
    process = process_create(
        city=city,
        kind=ProcessKind.OPINION_MAP,
        title=question[:200],
        creator=creator,
        phases=opinion_map_phases(opens_at=opens_at, closes_at=closes_at),
        check_permission=False,  # checked above: moderators, or the idea's author
    )
    conversation = Conversation.objects.create(
        city=city,
        process=process,
        idea=idea,
        question=question[:200],
        description=(description or "").strip()[:3_000],
        created_by=creator,
        allow_statements=allow_statements,
        statement_moderation=statement_moderation,
        allow_anonymous=allow_anonymous,
    )
    Statement.objects.bulk_create(
        Statement(conversation=conversation, text=text, status="accepted", is_seed=True)
        for text in dict.fromkeys(seeds)  # the same seed twice would split its votes
    )
    return conversation


def conversation_update(
    *,
    conversation: Conversation,
    description: str,
    allow_statements: bool,
    statement_moderation: str,
    allow_anonymous: bool,
) -> Conversation:
    """Change an opinion map's description and switches (the admin's system administrators).

    Only these columns are written: a background run may be writing the results and its lock
    meanwhile. The question stays: it is what people answered, and the process's title."""
    if statement_moderation not in StatementModeration.values:
        raise ConversationError(_("Unknown kind of moderation."))
    description = (description or "").replace("\x00", "").strip()
    if len(description) > 3_000:
        raise ConversationError(_("The description has at most 3,000 characters."))
    conversation.description = description
    conversation.allow_statements = allow_statements
    conversation.statement_moderation = statement_moderation
    conversation.allow_anonymous = allow_anonymous
    conversation.save(
        update_fields=["description", "allow_statements", "statement_moderation", "allow_anonymous"]
    )
    return conversation


def opinion_map_phases(*, opens_at: datetime, closes_at: datetime | None) -> list[PhaseSpec]:
    """Votes and statements while it is open, results from the first vote on and after."""
    phases = [
        PhaseSpec(
            name=_("Taking part"),
            starts_at=opens_at,
            ends_at=closes_at,
            allows=(Action.VOTE, Action.PROPOSE, Action.SHOW_RESULTS),
        )
    ]
    if closes_at is not None:
        phases.append(
            PhaseSpec(name=_("Results"), starts_at=closes_at, allows=(Action.SHOW_RESULTS,))
        )
    return phases


def new_anonymous_key() -> str:
    return secrets.token_urlsafe(24)


def anonymous_key_for(*, browser_secret: str | None, conversation: Conversation) -> str:
    """One secret per browser, a different key per conversation: pseudonyms cannot be linked."""
    if not browser_secret:
        return ""
    return hmac.new(
        browser_secret.encode(), f"conversation:{conversation.pk}".encode(), hashlib.sha256
    ).hexdigest()[:48]


def participant_join_browser(
    *, conversation: Conversation, user, browser_secret: str | None, client_address: str | None
) -> tuple[Participant, str | None]:
    """The participant for this account or browser; returns a new browser secret to keep
    (as a cookie) when an anonymous visitor takes part for the first time."""
    new_secret = None
    if not browser_secret and conversation.allow_anonymous and not can_participate(user=user):
        browser_secret = new_secret = new_anonymous_key()
    participant = participant_join(
        conversation=conversation,
        user=user,
        anonymous_key=anonymous_key_for(browser_secret=browser_secret, conversation=conversation),
        client_address=client_address,
    )
    return participant, new_secret


def _pseudonymous_limit(
    *, action: str, conversation: Conversation, client_address: str, limit: int, message: str
) -> None:
    """Count per map and client network: a fresh cookie does not reset it."""
    rate_limit_check(
        action=f"{action}:map{conversation.pk}",
        actor_id=address_key(client_address),
        limit=limit,
        period_seconds=settings.OPINION_MAP_LIMIT_SECONDS,
        message=message,
    )


def participant_join(
    *,
    conversation: Conversation,
    user,
    anonymous_key: str = "",
    client_address: str | None = None,
) -> Participant:
    """The participant for this account or browser, created on first use.

    ``client_address`` is the request's (``quartier.core.rate_limits.client_address``): a new
    pseudonym counts against it. Only callers outside a request (the demo, tests) leave it out.
    """
    if can_participate(user=user):
        lookup: dict = {"conversation": conversation, "user": user}
    elif conversation.allow_anonymous:
        if not anonymous_key or len(anonymous_key) > 64:
            raise ConversationError(
                _("Your browser did not keep your pseudonym; please allow cookies.")
            )
        lookup = {"conversation": conversation, "anonymous_key": anonymous_key}
        # Checked before the row exists: refused browsers add no participants to the map.
        if client_address is not None and not Participant.objects.filter(**lookup).exists():
            _pseudonymous_limit(
                action="pseudonym_new",
                conversation=conversation,
                client_address=client_address,
                limit=settings.OPINION_MAP_PSEUDONYMS_PER_ADDRESS,
                message=_(
                    "Many people have recently taken part in this opinion map from your "
                    "network without signing in. Please try again later, or sign in to take part."
                ),
            )
    else:
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))
    try:
        with transaction.atomic():
            participant, _created = Participant.objects.get_or_create(**lookup)
    except IntegrityError:  # two tabs joined at the same moment
        participant = Participant.objects.get(**lookup)
    return participant


def vote_cast(*, participant: Participant, statement: Statement, choice: int) -> Vote:
    """Record (or change) a vote; the analysis follows in the background."""
    conversation = participant.conversation
    if statement.conversation_id != conversation.pk:
        raise ConversationError(_("This statement belongs to another opinion map."))
    if not process_allows(process=conversation.process, action=Action.VOTE):
        raise ConversationClosed(_("This opinion map is closed."))
    if statement.status != StatementStatus.ACCEPTED:
        raise ConversationError(_("This statement is not open for votes."))
    if choice not in VoteChoice.values:
        raise ConversationError(_("Please agree, disagree or pass."))
    with transaction.atomic():
        # One row per (participant, statement), enforced by the database: a double click or a
        # second tab changes the vote instead of counting it twice.
        vote, created = Vote.objects.select_for_update().get_or_create(
            participant=participant, statement=statement, defaults={"choice": choice}
        )
        if not created and vote.choice != choice:
            vote.choice = choice
            vote.save(update_fields=["choice", "updated_at"])
        process_lock_settings(process=conversation.process)
        conversation_request_recompute(conversation=conversation)
    return vote


def statement_submit(
    *, participant: Participant, text: str, client_address: str | None = None
) -> Statement:
    """A new statement, published or waiting for moderation: both count against the limits.

    A pseudonymous participant is counted three times: as this participant, per client
    network on this map (``client_address`` is the request's; a fresh cookie does not reset
    it) and in the map's ceiling for all pseudonymous statements. The counts run in that order
    and stop at the first refusal, so one network refused does not use up the map's ceiling.
    """
    conversation = participant.conversation
    if not conversation.allow_statements:
        raise ConversationError(_("This opinion map does not take new statements."))
    if not process_allows(process=conversation.process, action=Action.PROPOSE):
        raise ConversationClosed(_("This opinion map is closed."))
    text = _statement_text(text)
    period = settings.OPINION_MAP_LIMIT_SECONDS
    rate_limit_check(
        action="statement_submit",
        actor_id=participant.pk,
        limit=settings.OPINION_MAP_STATEMENTS_PER_PARTICIPANT,
        period_seconds=period,
    )
    if participant.user_id is None and client_address is not None:
        _pseudonymous_limit(
            action="statement_pseudonymous",
            conversation=conversation,
            client_address=client_address,
            limit=settings.OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_ADDRESS,
            message=_(
                "Many statements have recently come to this opinion map from your network "
                "without signing in. Please try again later, or sign in to add yours."
            ),
        )
    if participant.user_id is None:
        rate_limit_check(
            action="statement_pseudonymous_map",
            actor_id=conversation.pk,
            limit=settings.OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_MAP,
            period_seconds=period,
            message=_(
                "This opinion map has recently received many statements from people who are "
                "not signed in. Please try again later, or sign in to add yours."
            ),
        )
    if conversation.statements.filter(text__iexact=text).exists():
        raise ConversationError(_("This statement is already there."))
    # The city's pre-moderation holds every new statement, whatever the map's own setting.
    status = (
        StatementStatus.PENDING
        if conversation.statement_moderation == StatementModeration.BEFORE
        or conversation.city.premoderation
        else StatementStatus.ACCEPTED
    )
    return Statement.objects.create(
        conversation=conversation, text=text, author=participant, status=status
    )


def _statement_audit_action(previous: str, status: str) -> str:
    if previous == StatementStatus.PENDING:
        return AuditAction.APPROVE if status == StatementStatus.ACCEPTED else AuditAction.REJECT
    return AuditAction.UNHIDE if status == StatementStatus.ACCEPTED else AuditAction.HIDE


def statement_moderate(
    *, statement: Statement, moderator: User, status: str, is_meta: bool | None = None
) -> Statement:
    """The map's own moderation (its opener or the city's moderators): publish, moderate out,
    mark as meta. Only the city's moderators publish again what was moderated out, so an
    opener cannot undo the city's decision."""
    conversation = statement.conversation
    if not can_moderate_conversation(user=moderator, conversation=conversation):
        raise PermissionDenied(_("Only the moderators of this opinion map can do this."))
    if status not in StatementStatus.values:
        raise ConversationError(_("Unknown moderation status."))
    previous = statement.status
    if (
        previous == StatementStatus.REJECTED
        and status != StatementStatus.REJECTED
        and not can_moderate(user=moderator, city=conversation.city_id)
    ):
        raise PermissionDenied(
            _("Only the city's moderators can publish a statement that was moderated out.")
        )
    statement.status = status
    if is_meta is not None:
        statement.is_meta = is_meta
    with transaction.atomic():
        statement.save(update_fields=["status", "is_meta"])
        if previous != status:
            if status == StatementStatus.REJECTED:
                reports_resolve(
                    target=statement, moderator=moderator, resolution=_("Moderated out")
                )
            audit_record(
                city=conversation.city,
                actor=moderator,
                action=_statement_audit_action(previous, status),
                target=statement,
                detail={"status": status, "was": previous},
            )
        # Moderated-out and meta statements are zeroed in the math: the map must follow.
        conversation_request_recompute(conversation=conversation)
    return statement


def conversation_request_recompute(*, conversation: Conversation) -> None:
    """Ask for one background run; further requests until it starts are folded into it.

    Only the request that sets the pending flag queues a task (debouncing). Every other request
    checks, once its transaction has committed, that a run will still read what it wrote: a run
    may have taken the flag in between, or the run that should come may have died with its worker.
    """
    conversation_id = conversation.pk
    due = timezone.now() + RECOMPUTE_DELAY
    claimed = Conversation.objects.filter(pk=conversation_id, recompute_pending=False).update(
        recompute_pending=True, recompute_due_at=due
    )
    if claimed:
        transaction.on_commit(lambda: _enqueue_recompute(conversation_id, at=due))
    else:
        transaction.on_commit(lambda: _recompute_ensure_queued(conversation_id))


def _enqueue_recompute(conversation_id: int, *, at: datetime | None = None) -> None:
    from .tasks import recompute_conversation

    runner = recompute_conversation
    if runner.get_backend().supports_defer:
        runner = runner.using(run_after=at or timezone.now() + RECOMPUTE_DELAY)
    runner.enqueue(conversation_id)


def _recompute_lost(now: datetime) -> Q:
    """Work is owed, no live run holds the lock, and no task is due any more: it was lost.

    A lock older than RECOMPUTE_STALE_AFTER died with its worker (the votes it read were never
    stored); a pending request whose task was due that long ago lost its task (a worker killed
    before the run's last step, an enqueue that failed after the commit).
    """
    overdue = now - RECOMPUTE_STALE_AFTER
    no_live_run = Q(computing_since__isnull=True, recompute_pending=True) | Q(
        computing_since__lt=overdue
    )
    no_task_due = Q(recompute_due_at__isnull=True) | Q(recompute_due_at__lt=overdue)
    return no_live_run & no_task_due


def _recompute_requeue(
    conversation_id: int, condition: Q, *, at: datetime, pending: bool = True
) -> bool:
    """Queue a run if ``condition`` still holds; one conditional UPDATE decides who queues it."""
    marks = {"recompute_pending": True} if pending else {}
    requeued = Conversation.objects.filter(condition, pk=conversation_id).update(
        recompute_due_at=at, **marks
    )
    if requeued:
        _enqueue_recompute(conversation_id, at=at)
    return bool(requeued)


def _recompute_ensure_queued(conversation_id: int) -> None:
    """After the commit of a request that found the flag already set."""
    now = timezone.now()
    # A flag cleared meanwhile means a run took it after our transaction looked, and may have read
    # the votes before our commit: one more run. A lost run or task: queue it again.
    _recompute_requeue(
        conversation_id,
        Q(recompute_pending=False) | _recompute_lost(now),
        at=now + RECOMPUTE_DELAY,
    )


def conversation_recompute_sweep() -> int:
    """Queue a run for every map whose run or task was lost (the worker calls this regularly).

    Returns how many runs were queued.
    """
    now = timezone.now()
    lost = Conversation.objects.filter(_recompute_lost(now)).values_list("pk", flat=True)
    return sum(
        _recompute_requeue(conversation_id, _recompute_lost(now), at=now)
        for conversation_id in list(lost)
    )


def conversation_recompute(*, conversation_id: int) -> bool:
    """Run the opinion analysis now, unless another live run holds the lock.

    Returns False when another run holds the lock (it will pick up the pending request).
    A failed run keeps the previous results and records the error.
    """
    now = timezone.now()
    free = Q(computing_since__isnull=True) | Q(computing_since__lt=now - RECOMPUTE_STALE_AFTER)
    if not _recompute_lock(conversation_id, free, now):
        return False
    return _recompute_run(conversation_id, locked_at=now)


def conversation_recompute_requested(*, conversation_id: int) -> bool:
    """The background task: run if a run is owed and no live run holds the lock.

    A task that finds the lock held does not just end: should the holder have died, the
    request it folded in would never run. It queues a follow-up for when that lock goes stale
    (a no-op if the holder finished and nothing is pending by then).
    """
    now = timezone.now()
    owed = Q(computing_since__isnull=True, recompute_pending=True) | Q(
        computing_since__lt=now - RECOMPUTE_STALE_AFTER
    )
    if _recompute_lock(conversation_id, owed, now):
        return _recompute_run(conversation_id, locked_at=now)
    holder = (
        Conversation.objects.filter(pk=conversation_id, computing_since__isnull=False)
        .values_list("computing_since", flat=True)
        .first()
    )
    from .tasks import recompute_conversation

    # Without deferred tasks (the immediate backend of the tests) the holder runs in this process.
    if holder is not None and recompute_conversation.get_backend().supports_defer:
        stale_at = holder + RECOMPUTE_STALE_AFTER
        _recompute_requeue(
            conversation_id,
            Q(computing_since=holder)
            & (Q(recompute_due_at__isnull=True) | Q(recompute_due_at__lt=stale_at)),
            at=stale_at,
            # Only a takeover of that lock is owed: a live holder's own requests stay its own.
            pending=False,
        )
    return False


def _recompute_lock(conversation_id: int, condition: Q, now: datetime) -> bool:
    # The conditional UPDATE is the lock: at most one run per conversation. The lock's time is
    # also the run's token: a run whose lock was taken over writes nothing.
    return bool(
        Conversation.objects.filter(condition, pk=conversation_id).update(
            computing_since=now, recompute_pending=False
        )
    )


def _recompute_run(conversation_id: int, *, locked_at: datetime) -> bool:
    conversation = Conversation.objects.get(pk=conversation_id)
    mine = Conversation.objects.filter(pk=conversation_id, computing_since=locked_at)
    try:
        results, state, vote_count = _analyse(conversation)
    except Exception as error:
        logger.exception("Opinion analysis of conversation %s failed", conversation_id)
        mine.update(computing_since=None, compute_error=f"{type(error).__name__}: {error}"[:2_000])
    else:
        stored = mine.update(
            results=results,
            engine_state=state,
            # The results are as of the lock: the votes were read right after it.
            computed_at=locked_at,
            computed_votes=vote_count,
            compute_error="",
            computing_since=None,
        )
        if not stored:
            logger.warning(
                "Opinion analysis of conversation %s was taken over as stale; result dropped",
                conversation_id,
            )
    # Requests that came in during this run (or a failed one) were folded into this lock; a run
    # that was taken over leaves them to the run that holds the lock now.
    _recompute_requeue(
        conversation_id,
        Q(recompute_pending=True, computing_since__isnull=True),
        at=timezone.now() + RECOMPUTE_DELAY,
    )
    return True


def conversation_vote_events(conversation: Conversation) -> list[VoteEvent]:
    return [
        VoteEvent(participant_id, statement_id, choice, int(updated.timestamp() * 1000))
        for participant_id, statement_id, choice, updated in Vote.objects.filter(
            statement__conversation=conversation
        )
        .order_by("updated_at", "id")
        .values_list("participant_id", "statement_id", "choice", "updated_at")
    ]


def _analyse(conversation: Conversation) -> tuple[dict, dict, int]:
    events = conversation_vote_events(conversation)
    statements = list(conversation.statements.values_list("id", "status", "is_meta"))
    # Only published statements take part as statements. A moderated-out one, and one set back
    # to waiting for moderation after people voted on it, is zeroed like Polis' moderated-out
    # comments: its votes still count as votes, but it represents no group and no consensus.
    moderated_out = {sid for sid, status, _meta in statements if status != StatementStatus.ACCEPTED}
    meta = {sid for sid, _status, is_meta in statements if is_meta}
    state = (
        ClusteringState.from_json(conversation.engine_state) if conversation.engine_state else None
    )
    if not events:
        # No votes left (the last voter's account was erased, say): nothing derived from
        # earlier votes (axes, clusters, their members) may stay behind as warm-start state.
        return analysis_to_results(None, events), {}, 0
    analysis = analyze(
        VoteMatrix.from_events(events), moderated_out=moderated_out, meta=meta, state=state
    )
    return analysis_to_results(analysis, events), analysis.state.to_json(), len(events)


def statement_set_visibility(statement: Statement, visible: bool, moderator, reason: str) -> None:
    """Moderation's hide/show for a statement: published or moderated out, then recompute."""
    Statement.objects.filter(pk=statement.pk).update(
        status=StatementStatus.ACCEPTED if visible else StatementStatus.REJECTED
    )
    conversation_request_recompute(conversation=statement.conversation)


def conversation_export_archive(*, conversation: Conversation, url: str) -> bytes:
    """The conversation in Polis' openData layout (votes, comments, participants-votes,
    summary) as a ZIP."""
    statements = [
        OpenDataStatement(
            id=statement.pk,
            author_id=statement.author_id,
            moderated={"accepted": 1, "pending": 0, "rejected": -1}[statement.status],
            is_meta=statement.is_meta,
            is_seed=statement.is_seed,
            # Only published text leaves the platform; ids and flags keep the math reproducible.
            body=statement.text if statement.status == StatementStatus.ACCEPTED else "",
            timestamp=int(statement.created_at.timestamp() * 1000),
        )
        for statement in conversation.statements.order_by("id")
    ]
    # The stored analysis, not a new run: the export must say what the results page says.
    results = conversation.results or {}
    analysis = ExportedAnalysis(
        groups={int(pid): int(gid) for pid, gid in results.get("membership", {}).items()},
        group_informed_consensus={
            int(sid): float(value)
            for sid, value in results.get("group_informed_consensus", {}).items()
        },
        in_conversation=int(results.get("in_conversation", 0)),
        group_count=len(results.get("groups", [])),
        computed_at=conversation.computed_at.isoformat() if conversation.computed_at else "",
        votes=conversation.computed_votes if conversation.computed_at else None,
    )
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        write_conversation(
            Path(folder),
            votes=conversation_vote_events(conversation),
            statements=statements,
            analysis=analysis,
            summary={"topic": conversation.question, "url": url},
        )
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, arcname=path.name)
    return buffer.getvalue()


def personal_data_participations(*, user: User) -> list[dict]:
    return [
        {
            "conversation": participant.conversation_id,
            "question": participant.conversation.question,
            "votes": [
                {
                    "statement": vote.statement.text,
                    "choice": vote.choice,
                    "at": vote.updated_at.isoformat(),
                }
                for vote in participant.votes.all()
            ],
            "statements": [statement.text for statement in participant.statements.all()],
        }
        for participant in Participant.objects.filter(user=user)
        .select_related("conversation")
        .prefetch_related("votes__statement", "statements")
    ]


def personal_data_opened(*, user: User) -> list[dict]:
    return [
        {
            "conversation": conversation.pk,
            "city": conversation.city.slug,
            "question": conversation.question,
            "description": conversation.description,
            "created_at": conversation.created_at.isoformat(),
        }
        for conversation in Conversation.objects.filter(created_by=user).select_related("city")
    ]


def personal_data_erase(*, user: User) -> None:
    """The person's votes go (their statements stay, without an author), and every map they
    voted in is recomputed so its results no longer count them."""
    participants = Participant.objects.filter(user=user).select_related("conversation")
    conversations = {participant.conversation for participant in participants}
    participants.delete()
    for conversation in conversations:
        conversation_request_recompute(conversation=conversation)
