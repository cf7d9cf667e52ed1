"""The permission matrix: every URL and API operation × every role × every phase.

Each row names a URL (by its name) or an API operation, and says for each role (and, for an
opinion map's URLs, for each phase of its process) what the answer is: the status, where a
redirect goes, and for a form whether its write happened. A URL or operation without a row fails
``test_every_url_has_a_row`` / ``test_every_api_operation_has_a_row``; a row whose URL is gone
fails ``test_every_row_names_a_url_that_exists``.

Every response is also searched for hidden content (a hidden idea, a hidden and a pending
comment, a rejected and a pending statement, an idea waiting for pre-moderation, a report's
details), each with its own marker, and for other people's email addresses. Only the city's
moderators may see hidden content, and only on the pages meant for it (``staff_see_hidden``);
a row's ``may_see`` names what a role may see there as its own (an author's waiting idea).

The data is built once for the module inside a transaction that is rolled back at the end; each
request runs in a savepoint that is rolled back after it, so one role's write never reaches the
next role's request.
"""

import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from quartier.accounts.models import Consent, User
from quartier.api.api import api
from quartier.budgeting import codes as voting_codes
from quartier.budgeting import services as budgeting
from quartier.budgeting.funded import funded_projects
from quartier.budgeting.models import Ballot, CodeBatch, PaperSheet, Pot, Proposal, Result
from quartier.cities.models import City
from quartier.conftest import BORSIGPLATZ, make_user
from quartier.core.rate_limits import address_key
from quartier.deliberation.models import Conversation, Statement, Vote
from quartier.deliberation.services import (
    conversation_open,
    conversation_recompute,
    opinion_map_phases,
    participant_join,
    statement_moderate,
    statement_submit,
    vote_cast,
)
from quartier.ideas import lifecycle, teams
from quartier.ideas.models import (
    Comment,
    Idea,
    IdeaRevision,
    IdeaRules,
    JoinRequest,
    OpenRole,
    Stage,
    Support,
    TeamMember,
)
from quartier.ideas.services import comment_add, idea_submit, idea_update
from quartier.implementation import services as implementation
from quartier.implementation.models import LedgerEntry, Milestone, ProgressUpdate
from quartier.labs import services as labs
from quartier.labs.models import Feedback, LabTest
from quartier.labs.models import TesterSignup as Signup
from quartier.labs.tests.lab_helpers import through_the_lab
from quartier.legal.models import LegalPage
from quartier.moderation.models import Report
from quartier.moderation.services import content_hide, premoderation_set, report_create
from quartier.notifications import services as notifications
from quartier.notifications.models import Follow, Notification, Preferences
from quartier.participation.models import CityRole, Phase, Process
from quartier.participation.services import PhaseSpec, process_create, role_grant
from quartier.participation.vocabulary import ProcessKind

from .conftest import MUSTERSTADT_CENTRE, forget_district_shapes, musterstadt_create

# --- Roles and phases -------------------------------------------------------------------------

ANONYMOUS = "anonymous"
UNVERIFIED = "unverified"
RESIDENT = "resident"
AUTHOR = "author"  # of the ideas concerned (their team's lead), the opener of the opinion map
MEMBER = "team_member"  # of the author's two public ideas' teams, not a lead
EVALUATOR = "evaluator"  # of Dortmund: its jury (prize-money reviews, the ideas' gates)
MODERATOR = "moderator"  # of Dortmund, where every row's content lives
OTHER_MODERATOR = "other_moderator"  # of Musterstadt
CITY_ADMIN = "city_admin"  # of Dortmund
SYSTEM_ADMIN = "system_admin"
ROLES = (
    ANONYMOUS,
    UNVERIFIED,
    RESIDENT,
    AUTHOR,
    MEMBER,
    EVALUATOR,
    MODERATOR,
    OTHER_MODERATOR,
    CITY_ADMIN,
    SYSTEM_ADMIN,
)
SIGNED_IN = tuple(role for role in ROLES if role != ANONYMOUS)
VERIFIED = tuple(role for role in SIGNED_IN if role != UNVERIFIED)
CITY_STAFF = (MODERATOR, CITY_ADMIN, SYSTEM_ADMIN)  # can_moderate in Dortmund
CITY_ADMINS = (CITY_ADMIN, SYSTEM_ADMIN)
JURY = (EVALUATOR, *CITY_ADMINS)  # can_evaluate in Dortmund: administrators judge too

ALWAYS = "always"
BEFORE, OPEN, CLOSED = "before it opens", "while open", "after it closed"
PROCESS_PHASES = (BEFORE, OPEN, CLOSED)

# URLs of a process (an opinion map): their rows run in every phase.
PROCESS_URLS = frozenset(
    {
        "conversation_detail",
        "conversation_vote",
        "conversation_statement_add",
        "conversation_results",
        "conversation_export",
        "conversation_moderation",
        # The prize-money vote's pages for voters (phases: proposals, vote, result).
        "budget_vote",
        "budget_vote_ballot",
        "budget_vote_cast",
        "budget_vote_change",
        "budget_vote_leave",
    }
)
# A prize-money vote's proposal pages: in its proposals (before), vote (open), result (closed).
PROCESS_URLS |= {
    "budget_proposals",
    "budget_proposal",
    "budget_propose",
    "budget_review_queue",
    "budget_review",
}

# URLs of an idea's work (#11): their rows run in every stage of the idea's life.
IDEA_STAGE_URLS = frozenset(
    {
        "idea_detail",
        "idea_edit",
        "idea_team",
        "team_join",
        "idea_stage",
        "lab_tests",
        "lab_test",
        "lab_test_new",
        "lab_signup",
    }
)

# --- Hidden content and private fields ----------------------------------------------------------

HIDDEN_IDEA = "ZZHIDDENIDEA"
PENDING_IDEA = "ZZPENDINGIDEA"
HIDDEN_COMMENT = "ZZHIDDENCOMMENT"
PENDING_COMMENT = "ZZPENDINGCOMMENT"
REJECTED_STATEMENT = "ZZREJECTEDSTATEMENT"
PENDING_STATEMENT = "ZZPENDINGSTATEMENT"
REPORT_DETAILS = "ZZREPORTDETAILS"
MARKERS = (
    HIDDEN_IDEA,
    PENDING_IDEA,
    HIDDEN_COMMENT,
    PENDING_COMMENT,
    REJECTED_STATEMENT,
    PENDING_STATEMENT,
    REPORT_DETAILS,
)

PUBLIC_REASON = "Breaks rule 2 of the netiquette"


# --- The data, built once -----------------------------------------------------------------------


@dataclass
class World:
    dortmund: City
    musterstadt: City
    users: dict[str, User | None]
    bystander: User  # writes the comments and statements; holds an evaluator role
    idea: Idea  # the author's, public
    hidden_idea: Idea  # the author's, hidden by a moderator
    pending_idea: Idea  # the author's, waiting for pre-moderation
    comment: Comment  # public, reported (the report's details are private)
    question: Comment  # public, a question to the idea's author, not answered yet
    hidden_comment: Comment
    pending_comment: Comment
    conversation: Conversation  # opened by the author on the idea; accounts only
    seed: Statement
    rejected_statement: Statement
    pending_statement: Statement
    hidden_idea_conversation: Conversation  # on the hidden idea
    demo_conversation: Conversation  # the demo's: anonymous participation allowed
    demo_seed: Statement
    process: Process
    bystander_role: CityRole
    other_idea: Idea
    edited_idea: Idea  # the author's, public, in two versions
    other_comment: Comment
    other_process: Process
    open_role: OpenRole  # of the idea's team
    join_request: JoinRequest  # the resident's, to the edited idea's team, waiting
    membership: TeamMember  # the member's in the idea's team
    judged_idea: Idea  # the author's, waiting for the jury (in evaluation)
    lab_test: LabTest  # iteration 1 of the idea, running; the resident is a tester
    unsubscribe_token: str  # the author's, for e-mails about comments
    other_role: CityRole
    prize_money: Process  # Dortmund's prize-money vote: one pot, two projects on the ballot
    prize_money_code: str  # a voting code of it, unused (codes are stored only as hashes)
    counted_vote: Process  # a counted vote with one funded project and one milestone
    funded_proposal_id: int
    milestone_id: int
    emails: list[str] = field(default_factory=list)
    # The vote's secrets: code hashes of the register and change tags of the ballots. No page,
    # export or API answer may hold them, for anyone (ADR 0005).
    vote_secrets: list[str] = field(default_factory=list)
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key, signed in

    @property
    def lab_question_ids(self) -> list[int]:
        return list(self.lab_test.questions.values_list("pk", flat=True))

    @property
    def prize_money_pot_id(self) -> int:
        return Pot.objects.filter(process=self.prize_money).values_list("pk", flat=True)[0]

    @property
    def prize_money_batch_id(self) -> int:
        return CodeBatch.objects.filter(process=self.prize_money).values_list("pk", flat=True)[0]

    @property
    def counted_pot_id(self) -> int:
        return Pot.objects.filter(process=self.counted_vote).values_list("pk", flat=True)[0]

    @property
    def prize_money_proposal_id(self) -> int:
        return Proposal.objects.filter(process=self.prize_money).values_list("pk", flat=True)[0]


def _idea(city: City, author: User, title: str, *, at: tuple[float, float] = BORSIGPLATZ) -> Idea:
    return idea_submit(
        city=city,
        author=author,
        title=title,
        summary=f"Summary of {title}",
        description=f"Description of {title}",
        kind="social",
        innovator_type="resident",
        lat=at[0],
        lon=at[1],
    )


def world_build() -> World:
    call_command("load_demo", stdout=io.StringIO())
    dortmund = City.objects.get(slug="dortmund")
    musterstadt = musterstadt_create()
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        UNVERIFIED: make_user("unverified.matrix@example.org", verified=False, name="Unverified"),
        RESIDENT: make_user("resident.matrix@example.org", name="Resident"),
        AUTHOR: make_user("author.matrix@example.org", name="Author"),
        MEMBER: make_user("member.matrix@example.org", name="Member"),
        EVALUATOR: make_user(
            "jury.matrix@example.org", name="Jury", city=dortmund, role="evaluator"
        ),
        MODERATOR: make_user(
            "moderator.matrix@example.org", name="Moderator", city=dortmund, role="moderator"
        ),
        OTHER_MODERATOR: make_user(
            "moderator.musterstadt@example.org", name="Other", city=musterstadt, role="moderator"
        ),
        CITY_ADMIN: make_user(
            "admin.matrix@example.org", name="Admin", city=dortmund, role="admin"
        ),
        SYSTEM_ADMIN: make_user("root.matrix@example.org", name="Root", superuser=True),
    }
    author, moderator, city_admin = users[AUTHOR], users[MODERATOR], users[CITY_ADMIN]
    assert author is not None and moderator is not None and city_admin is not None
    bystander = make_user("bystander.matrix@example.org", name="Bystander")
    reporter = make_user("reporter.matrix@example.org", name="Reporter")

    idea = _idea(dortmund, author, "A bench under the lime tree")
    hidden_idea = _idea(dortmund, author, f"Secret {HIDDEN_IDEA}")
    # Opened while the idea was public; the idea is hidden afterwards.
    hidden_idea_conversation = conversation_open(
        city=dortmund,
        creator=moderator,
        idea=hidden_idea,
        question="What do you think of this proposal?",
        seed_statements=["It is a good idea.", "It costs too much."],
    )
    content_hide(target=hidden_idea, moderator=moderator, reason=PUBLIC_REASON)
    comment = comment_add(idea=idea, author=bystander, body="Where exactly would it stand?")
    question = comment_add(idea=idea, author=bystander, body="How loud is it?", kind="question")
    report_create(
        reporter=reporter, target=comment, reason="abuse", details=f"Details {REPORT_DETAILS}"
    )
    hidden_comment = comment_add(idea=idea, author=bystander, body=f"Rude {HIDDEN_COMMENT}")
    content_hide(target=hidden_comment, moderator=moderator, reason=PUBLIC_REASON)
    premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    pending_idea = _idea(dortmund, author, f"Waiting {PENDING_IDEA}")
    pending_comment = comment_add(idea=idea, author=bystander, body=f"Waiting {PENDING_COMMENT}")
    premoderation_set(city=dortmund, enabled=False, actor=city_admin)
    dortmund.refresh_from_db()

    conversation = conversation_open(
        city=dortmund,
        creator=author,
        idea=idea,
        question="Should the bench stand in the shade?",
        seed_statements=["Shade matters in summer.", "Sun matters in winter.", "Both."],
    )
    voter = participant_join(conversation=conversation, user=bystander)
    second_voter = participant_join(conversation=conversation, user=reporter)
    rejected_statement = statement_submit(participant=voter, text=f"Insult {REJECTED_STATEMENT}")
    statement_moderate(statement=rejected_statement, moderator=author, status="accepted")
    for participant in (voter, second_voter):
        for statement in conversation.statements.filter(status="accepted"):
            vote_cast(participant=participant, statement=statement, choice=1)
    content_hide(target=rejected_statement, moderator=moderator, reason=PUBLIC_REASON)
    pending_statement = statement_submit(participant=second_voter, text=f"New {PENDING_STATEMENT}")
    # The analysis runs on commit in production; here it runs now, so the results page and
    # the export show counts that include the rejected statement's votes.
    conversation_recompute(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert str(rejected_statement.pk) in (conversation.results or {})["counts"]

    demo_conversation = Conversation.objects.get(city=dortmund, allow_anonymous=True)
    yesterday = timezone.now() - timedelta(days=1)
    process = process_create(
        city=dortmund,
        kind=ProcessKind.CALL_FOR_IDEAS,
        title="Call for bench ideas",
        phases=[PhaseSpec(name="Proposals", starts_at=yesterday, allows=("propose",))],
        creator=city_admin,
    )
    bystander_role = role_grant(
        city=dortmund, user=bystander, role="evaluator", granted_by=city_admin
    )

    other_idea = _idea(musterstadt, bystander, "A fountain in Musterstadt", at=MUSTERSTADT_CENTRE)
    edited_idea = _idea(dortmund, author, "A mural on the bunker")
    idea_update(
        idea=edited_idea,
        **{name: getattr(edited_idea, name) for name in ("summary", "kind", "lat", "lon")},
        title="A mural on the old bunker",
        description=edited_idea.description,
        editor=author,
    )
    other_comment = comment_add(idea=other_idea, author=bystander, body="Nice fountain.")
    other_process = process_create(
        city=musterstadt,
        kind=ProcessKind.CALL_FOR_IDEAS,
        title="Musterstadt call",
        phases=[PhaseSpec(name="Proposals", starts_at=yesterday, allows=("propose",))],
        creator=users[SYSTEM_ADMIN],
    )
    member, resident = users[MEMBER], users[RESIDENT]
    assert member is not None and resident is not None
    # The author shows a public profile (which lists their ideas: never the hidden or the
    # waiting one); the member's is off.
    author.profile_public = True
    author.save(update_fields=["profile_public"])
    for team_of in (idea, edited_idea):
        asked = teams.join_ask(idea=team_of, user=member, message="Matrix member")
        teams.join_decide(request=asked, actor=author, accept=True)
    open_role = teams.open_role_publish(idea=idea, actor=author, title="Matrix role")
    # The lifecycle: no supports needed here; one idea waits for the jury.
    IdeaRules.objects.create(city=dortmund, discussion_team_size=2, discussion_supports=0)
    # A living-lab test of the idea, running since yesterday; the resident signed up.
    lab_test = labs.lab_test_plan(
        idea=Idea.objects.get(pk=idea.pk),
        actor=author,
        plan=labs.Plan(
            hypothesis="Shade keeps people on the square.",
            measures="Minutes stayed.",
            place_name="Borsigplatz",
            starts_on=timezone.localdate() - timedelta(days=1),
            ends_on=timezone.localdate() + timedelta(days=6),
            testers_wanted=50,
            questions=["How pleasant?", "Would you come back?"],
        ),
    )
    labs.tester_signup(test=lab_test, user=resident)
    judged_idea = _idea(dortmund, author, "A repair café in the library")
    asked = teams.join_ask(idea=judged_idea, user=member)
    teams.join_decide(request=asked, actor=author, accept=True)
    through_the_lab(judged_idea, lead=author, tester=city_admin)
    join_request = teams.join_ask(idea=edited_idea, user=resident)
    # Everyone has a notification waiting (to mark read); the author's unsubscribe link.
    Notification.objects.bulk_create(
        Notification(
            user=u, city=dortmund, category="comments", event="comment", title="Matrix", url="/"
        )
        for u in users.values()
        if u is not None
    )
    prize_money, prize_money_code = _prize_money(dortmund, users[CITY_ADMIN], author, bystander)
    counted_vote, funded_proposal_id, milestone_id = _counted_vote(
        dortmund, users[CITY_ADMIN], author, bystander
    )
    return World(
        dortmund=dortmund,
        musterstadt=musterstadt,
        users=users,
        bystander=bystander,
        idea=idea,
        hidden_idea=hidden_idea,
        pending_idea=pending_idea,
        comment=comment,
        question=question,
        hidden_comment=hidden_comment,
        pending_comment=pending_comment,
        conversation=conversation,
        seed=conversation.statements.filter(is_seed=True).earliest("id"),
        rejected_statement=rejected_statement,
        pending_statement=pending_statement,
        hidden_idea_conversation=hidden_idea_conversation,
        demo_conversation=demo_conversation,
        demo_seed=demo_conversation.statements.filter(status="accepted").earliest("id"),
        process=process,
        bystander_role=bystander_role,
        other_idea=other_idea,
        other_comment=other_comment,
        edited_idea=edited_idea,
        other_process=other_process,
        open_role=open_role,
        join_request=join_request,
        membership=TeamMember.objects.get(idea=idea, user=member),
        judged_idea=judged_idea,
        lab_test=lab_test,
        unsubscribe_token=notifications.unsubscribe_token(user_id=author.pk, category="comments"),
        other_role=CityRole.objects.get(city=musterstadt, user=users[OTHER_MODERATOR]),
        prize_money=prize_money,
        prize_money_code=prize_money_code,
        counted_vote=counted_vote,
        funded_proposal_id=funded_proposal_id,
        milestone_id=milestone_id,
        emails=list(User.objects.values_list("email", flat=True)),
        vote_secrets=_vote_secrets(),
        sessions=_sessions(users),
    )


def _prize_money(city: City, admin, author: User, evaluator: User) -> tuple[Process, str]:
    vote = budgeting.prize_money_create(
        city=city,
        creator=admin,
        title="Matrix prize money",
        phases=prize_money_phases_at(BEFORE),
        ballot={"kind": "approval", "min_projects": 1, "max_projects": 2},
    )
    pot = budgeting.pot_save(process=vote, actor=admin, name="City-wide", amount=100_000)
    for title, cost in (("Matrix benches", 30_000), ("Matrix fountain", 50_000)):
        proposal = budgeting.proposal_submit(
            process=vote, author=author, pot=pot, title=title, description="…", estimate=cost
        )
        budgeting.proposal_review(proposal=proposal, reviewer=evaluator, feasible=True, reason="")
    _batch, issued = budgeting.codes_issue(process=vote, actor=admin, count=1)
    return vote, issued[0]


def _counted_vote(city: City, admin, author: User, evaluator: User) -> tuple[Process, int, int]:
    """A vote past its close: one ballot for one project, counted; the project has a milestone."""
    vote = budgeting.prize_money_create(
        city=city,
        creator=admin,
        title="Matrix counted vote",
        phases=prize_money_phases_at(BEFORE),
        ballot={"kind": "approval", "min_projects": 1, "max_projects": 1},
    )
    pot = budgeting.pot_save(process=vote, actor=admin, name="Counted pot", amount=10_000)
    proposal = budgeting.proposal_submit(
        process=vote, author=author, pot=pot, title="Matrix funded", description="…", estimate=5_000
    )
    budgeting.proposal_review(proposal=proposal, reviewer=evaluator, feasible=True, reason="")
    _batch, (code,) = budgeting.codes_issue(process=vote, actor=admin, count=1)
    phases_move(vote, OPEN)
    entry = budgeting.register_entry_for_code(process=vote, typed=code)
    budgeting.ballot_cast(process=vote, entry=entry, choices_by_pot={pot.pk: [(proposal.pk, 1)]})
    phases_move(vote, CLOSED)
    budgeting.vote_close(process=vote, actor=admin)
    (funded,) = funded_projects(process=vote)
    milestone = implementation.milestone_add(funded=funded, actor=admin, title="Matrix milestone")
    return vote, proposal.pk, milestone.pk


def _vote_secrets() -> list[str]:
    from quartier.budgeting.models import Ballot, RegisterEntry

    hashes = RegisterEntry.objects.exclude(code_hash=None).values_list("code_hash", flat=True)
    tags = Ballot.objects.values_list("change_tag", flat=True)
    secrets = [secret for secret in [*hashes, *tags] if secret]
    assert secrets, "the world has a register and ballots"
    return secrets


def _sessions(users: dict[str, User | None]) -> dict[str, str]:
    # Signed in once for the module; each test's clients reuse the session cookies.
    keys = {}
    for role, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def _client(world: World, role: str) -> Client:
    client = Client()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    # One build for the whole module, rolled back at its end: each test's own transaction
    # (the db fixture) is a savepoint inside this one.
    with django_db_blocker.unblock(), transaction.atomic():
        built = world_build()
        yield built
        transaction.set_rollback(True)
        forget_district_shapes(built.musterstadt)


def prize_money_phases_at(phase: str) -> list[PhaseSpec]:
    """A prize-money vote's usual course, moved so that now is in its proposals (before the
    vote), its vote (open) or its result (closed) phase."""
    weeks = (4, 3, 3, 1)  # prize_money_phases' default
    into = {BEFORE: 0, OPEN: sum(weeks[:2]), CLOSED: sum(weeks[:3])}[phase]
    return budgeting.prize_money_phases(
        starts_at=timezone.now() - timedelta(weeks=into, days=1), weeks=weeks
    )


def phases_move(conversation: Conversation | Process, phase: str) -> None:
    """Put the map's process in ``phase`` (as its administration would move the dates)."""
    if isinstance(conversation, Process):  # a prize-money vote
        Phase.objects.filter(process=conversation).delete()
        Phase.objects.bulk_create(
            Phase(
                process=conversation,
                position=position,
                name=spec.name,
                starts_at=spec.starts_at,
                ends_at=spec.ends_at,
                allows=list(spec.allows),
            )
            for position, spec in enumerate(prize_money_phases_at(phase), start=1)
        )
        return
    now = timezone.now()
    opens_at, closes_at = {
        BEFORE: (now + timedelta(days=1), now + timedelta(days=2)),
        OPEN: (now - timedelta(days=1), now + timedelta(days=1)),
        CLOSED: (now - timedelta(days=2), now - timedelta(days=1)),
    }[phase]
    Phase.objects.filter(process=conversation.process).delete()
    Phase.objects.bulk_create(
        Phase(
            process=conversation.process,
            position=position,
            name=spec.name,
            starts_at=spec.starts_at,
            ends_at=spec.ends_at,
            allows=list(spec.allows),
        )
        for position, spec in enumerate(
            opinion_map_phases(opens_at=opens_at, closes_at=closes_at), start=1
        )
    )


# --- Answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    allowed: bool
    # A redirect's target, "{w....}" filled in from the world; a trailing "*" matches a prefix.
    location: str | None = None


OK = Answer(200, True)
LOGIN = Answer(302, False, "/accounts/login/?next=*")
NOT_FOUND = Answer(404, False)
GONE = Answer(410, False)
FORBIDDEN = Answer(403, False)
INVALID = Answer(400, False)
POST_ONLY = Answer(405, False)


def went(location: str) -> Answer:
    """Allowed: done, and redirected (the write must have happened)."""
    return Answer(302, True, location)


def sent_back(location: str) -> Answer:
    """Denied with a message on the page it came from (the write must not have happened)."""
    return Answer(302, False, location)


def by_role(*pairs: tuple[str | Iterable[str], Answer]) -> dict[str, Answer]:
    """Answers per role; later pairs override earlier ones; every role must be named."""
    table: dict[str, Answer] = {}
    for roles, answer in pairs:
        for role in [roles] if isinstance(roles, str) else roles:
            table[role] = answer
    assert set(table) == set(ROLES), f"roles without an answer: {set(ROLES) - set(table)}"
    return table


def everyone(answer: Answer) -> dict[str, Answer]:
    return by_role((ROLES, answer))


def signed_in(answer: Answer) -> dict[str, Answer]:
    """A login_required view: anonymous visitors go to the login page."""
    return by_role((SIGNED_IN, answer), (ANONYMOUS, LOGIN))


def only(roles: Iterable[str], answer: Answer, *, others: Answer = NOT_FOUND) -> dict[str, Answer]:
    """A login_required view some roles may use; the others get ``others``."""
    return by_role((SIGNED_IN, others), (roles, answer), (ANONYMOUS, LOGIN))


def team_answers(roles: Iterable[str], anchor: str, *, team: str = "") -> dict[str, Answer]:
    """A team write: ``roles`` do it, every other account is sent back to the team page with
    a message, visitors sign in first."""
    page = (team or TEAM) + anchor
    return by_role((SIGNED_IN, sent_back(page)), (roles, went(page)), (ANONYMOUS, LOGIN))


# --- Rows ---------------------------------------------------------------------------------------

State = Callable[[World, User | None], Any]


@dataclass(frozen=True)
class Row:
    name: str  # the URL name (for an API operation: its URL name in the "api" namespace)
    method: str
    path: str  # "{w....}" filled in from the world
    answers: dict[str, dict[str, Answer]]  # phase -> role -> answer
    label: str = ""
    data: dict[str, str] = field(default_factory=dict)
    # POST: what the write changes; allowed answers must change it, denied ones must not.
    state: State | None = None
    process: str | None = None  # the world's conversation whose phases move
    stage_of: str | None = None  # the world's idea whose stage moves (its answers by stage)
    operation: tuple[str, str] | None = None  # API: (method, OpenAPI path)
    staff_see_hidden: bool = False  # a page meant for moderators: they may see hidden content
    may_see: dict[str, frozenset[str]] = field(default_factory=dict)  # role -> own markers
    # Markers that must be there for a role: the search for them finds what it looks for.
    shows: dict[str, frozenset[str]] = field(default_factory=dict)
    emails_shown_to: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.name} {self.method}" + (f" ({self.label})" if self.label else "")


def url_row(name, method, path, answers, **options) -> Row:
    return Row(name=name, method=method, path=path, answers={ALWAYS: answers}, **options)


def process_row(name, method, path, answers_by_phase, *, process="conversation", **options) -> Row:
    assert set(answers_by_phase) == set(PROCESS_PHASES)
    return Row(
        name=name, method=method, path=path, answers=answers_by_phase, process=process, **options
    )


def stage_row(name, method, path, answers_by_stage, **options) -> Row:
    """A row of an idea's URL, asked in every stage of the world's idea."""
    assert set(answers_by_stage) == set(Stage.values)
    return Row(
        name=name, method=method, path=path, answers=answers_by_stage, stage_of="idea", **options
    )


def in_every_stage(answers: dict[str, Answer]) -> dict[str, dict[str, Answer]]:
    return dict.fromkeys(Stage.values, answers)


def seen_by(roles: Iterable[str], *markers: str) -> dict[str, frozenset[str]]:
    return dict.fromkeys(roles, frozenset(markers))


def in_every_phase(answers: dict[str, Answer]) -> dict[str, dict[str, Answer]]:
    return dict.fromkeys(PROCESS_PHASES, answers)


def api_row(operation_path: str, path: str, name: str, answers, label: str = "") -> Row:
    return Row(
        name=f"api:{name}",
        method="GET",
        path=path,
        answers={ALWAYS: answers},
        operation=("GET", operation_path),
        label=label,
    )


D = "/dortmund"
IDEA = D + "/ideas/{w.idea.pk}/"
TEAM = IDEA + "team/"
EDITED_TEAM = D + "/ideas/{w.edited_idea.pk}/team/"
JUDGED = D + "/ideas/{w.judged_idea.pk}/"
LAB = IDEA + "tests/1/"
HIDDEN_IDEA_URL = D + "/ideas/{w.hidden_idea.pk}/"
MAP = D + "/opinion-maps/{w.conversation.pk}/"
DEMO_MAP = D + "/opinion-maps/{w.demo_conversation.pk}/"
HIDDEN_IDEA_MAP = D + "/opinion-maps/{w.hidden_idea_conversation.pk}/"
QUEUE = D + "/moderation/"
ROLES_PAGE = D + "/roles/"

IMPLEMENTATION = D + "/prize-money/{w.counted_vote.pk}/implementation/"
PM = D + "/prize-money/{w.prize_money.pk}/"
VOTE = PM + "vote/"
COUNTED = D + "/prize-money/{w.counted_vote.pk}/"


PROPOSALS = PM + "proposals/"
PROPOSAL = PROPOSALS + "{w.prize_money_proposal_id}/"
REVIEW = PM + "review/"
EMAIL_FIRST = Answer(302, False, "/accounts/email/")


def proposal_rows() -> list[Row]:
    """Proposals are taken in the proposal phase (before the vote) from verified accounts, and
    reviewed by the jury until the vote; the lists and pages are public in every phase."""
    proposing = by_role((VERIFIED, OK), (UNVERIFIED, EMAIL_FIRST), (ANONYMOUS, LOGIN))
    closed = by_role(
        (VERIFIED, sent_back(PROPOSALS)), (UNVERIFIED, EMAIL_FIRST), (ANONYMOUS, LOGIN)
    )
    jury_only = in_every_phase(only(JURY, OK))
    new = {
        "title": "Matrix proposal from the form",
        "description": "Text.",
        "estimate": "12.500",
        "pot": "{w.prize_money_pot_id}",
    }
    return [
        process_row(
            "budget_proposals",
            "GET",
            PROPOSALS,
            in_every_phase(everyone(OK)),
            process="prize_money",
        ),
        process_row(
            "budget_proposals",
            "GET",
            PROPOSALS + "?status=won",
            in_every_phase(everyone(INVALID)),
            process="prize_money",
            label="a status that does not exist",
        ),
        process_row(
            "budget_proposal", "GET", PROPOSAL, in_every_phase(everyone(OK)), process="prize_money"
        ),
        process_row(
            "budget_proposal",
            "GET",
            COUNTED + "proposals/{w.prize_money_proposal_id}/",
            in_every_phase(everyone(NOT_FOUND)),
            process="prize_money",
            label="of another vote",
        ),
        process_row(
            "budget_propose",
            "GET",
            PM + "propose/",
            {BEFORE: proposing, OPEN: closed, CLOSED: closed},
            process="prize_money",
        ),
        process_row(
            "budget_propose",
            "POST",
            PM + "propose/",
            {
                BEFORE: by_role(
                    (VERIFIED, went(PROPOSALS + "*")),
                    (UNVERIFIED, EMAIL_FIRST),
                    (ANONYMOUS, LOGIN),
                ),
                OPEN: closed,
                CLOSED: closed,
            },
            process="prize_money",
            data=new,
            state=lambda w, user: Proposal.objects.filter(title=new["title"]).count(),
        ),
        process_row(
            "budget_propose",
            "POST",
            PM + "propose/",
            {
                BEFORE: by_role((VERIFIED, INVALID), (UNVERIFIED, EMAIL_FIRST), (ANONYMOUS, LOGIN)),
                OPEN: closed,
                CLOSED: closed,
            },
            process="prize_money",
            data={**new, "estimate": "12,5"},
            state=lambda w, user: Proposal.objects.filter(title=new["title"]).count(),
            label="cents",
        ),
        process_row("budget_review_queue", "GET", REVIEW, jury_only, process="prize_money"),
        process_row(
            "budget_review",
            "GET",
            REVIEW + "{w.prize_money_proposal_id}/",
            jury_only,
            process="prize_money",
        ),
        process_row(
            "budget_review",
            "POST",
            REVIEW + "{w.prize_money_proposal_id}/",
            {
                BEFORE: only(JURY, went(REVIEW)),
                OPEN: only(JURY, sent_back(REVIEW)),
                CLOSED: only(JURY, sent_back(REVIEW)),
            },
            process="prize_money",
            data={"action": "review", "decision": "infeasible", "reason": "Matrix reason"},
            state=lambda w, user: Proposal.objects.get(pk=w.prize_money_proposal_id).status,
        ),
    ]


def _new_vote_form() -> dict[str, str]:
    # Five phases a week each, from next week on (Berlin time, as the form reads them).
    start = timezone.localtime(timezone.now() + timedelta(days=7)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    form = {
        "title": "Matrix vote from the form",
        "ballot_kind": "approval",
        "min_projects": "1",
        "max_projects": "3",
        "rule": "equalshares",
        "completion": "add1u",
        "add1_exhaustive": "on",
        "add1_integral": "on",
        "comparison": "satisfaction",
        "min_age": "14",
        "residence": "city",
        "proof": "code",
    }
    for number in range(5):
        begins = start + timedelta(weeks=number)
        form[f"phase_{number}_starts"] = begins.strftime("%Y-%m-%dT%H:%M")
        form[f"phase_{number}_ends"] = (
            (begins + timedelta(weeks=1)).strftime("%Y-%m-%dT%H:%M") if number < 4 else ""
        )
    return form


NEW_VOTE_FORM = _new_vote_form()
FUNDED = IMPLEMENTATION + "{w.funded_proposal_id}/"


def reporters(location: str) -> dict[str, Answer]:
    """Progress reports of a funded project: the city's administrators and its jury write them."""
    return by_role((ANONYMOUS, LOGIN), (SIGNED_IN, NOT_FOUND), (JURY, went(location)))


IDEA_FORM = {
    "title": "Matrix idea from the form",
    "summary": "A summary.",
    "description": "A description.",
    "kind": "social",
    "innovator_type": "resident",
    "lat": str(BORSIGPLATZ[0]),
    "lon": str(BORSIGPLATZ[1]),
}
MAP_FORM = {
    "question": "Matrix question from the form?",
    "seed_statements": "First statement.\nSecond statement.",
    "statement_moderation": "before",
}
NEW_STATEMENT = "A statement from the matrix."
NEW_COMMENT = "A comment from the matrix."


def _hidden(model, pk: int) -> bool:
    return model.objects.get(pk=pk).hidden_at is not None


def _votes(statement_attr: str) -> State:
    return lambda w, user: Vote.objects.filter(statement=getattr(w, statement_attr)).count()


# Well formed, in no register.
UNKNOWN_CODE = voting_codes.formatted(next(voting_codes.codes_generate(1)))


def _unknown_codes(w: World, user: User | None) -> int:
    # Unknown codes counted for the test client's address (a keyed hash), as the page does.
    return cache.get(f"ratelimit-failures:voting_code:{address_key('127.0.0.1')}", 0)


def _ballots(w: World, user: User | None) -> int:
    return Ballot.objects.filter(process=w.prize_money).count()


def _statement_added(w: World, user: User | None) -> bool:
    return Statement.objects.filter(text=NEW_STATEMENT).exists()


def _map_opened(w: World, user: User | None) -> bool:
    return Conversation.objects.filter(question=MAP_FORM["question"]).exists()


def _open_reports(model, attr: str) -> State:
    def count(w: World, user: User | None) -> int:
        target = getattr(w, attr)
        return Report.objects.filter(
            content_type__model=model._meta.model_name, object_id=target.pk, resolved_at=None
        ).count()

    return count


def vote_answers(anonymous_allowed: bool, location: str) -> dict[str, dict[str, Answer]]:
    """Votes and statements: taken while the map is open, from those who may join it."""
    joiners = ROLES if anonymous_allowed else VERIFIED
    return {
        BEFORE: everyone(sent_back(location)),
        OPEN: by_role((ROLES, sent_back(location)), (joiners, went(location))),
        CLOSED: everyone(sent_back(location)),
    }


def moderation_act_row(label: str, kind: str, attr: str, action: str, state: State, **data):
    return url_row(
        "moderation_act",
        "POST",
        D + f"/moderation/{kind}/{{w.{attr}.pk}}/{action}/",
        only(CITY_STAFF, went(QUEUE)),
        label=label,
        data=data,
        state=state,
    )


def report_row(label: str, kind: str, attr: str) -> Row:
    """The report form of content that is not public (hidden or waiting): not found."""
    return url_row(
        "report_content",
        "GET",
        D + f"/report/{kind}/{{w.{attr}.pk}}/",
        only((), OK),
        label=label,
    )


def results_rows() -> list[Row]:
    """Paper ballots, the close, the results, the .pb and receipts ("results" helper).

    ``PM`` is a vote before its vote phase (no results), ``COUNTED`` one past its close."""
    paper_state = lambda w, user: PaperSheet.objects.count()  # noqa: E731
    result_state = lambda w, user: Result.objects.filter(pot__process=w.prize_money).count()  # noqa: E731
    return [
        url_row("budget_paper", "GET", PM + "paper/", only(JURY, OK)),
        url_row("budget_paper", "GET", COUNTED + "paper/", signed_in(NOT_FOUND), label="closed"),
        url_row(
            "budget_paper",
            "POST",
            PM + "paper/",
            only(JURY, INVALID),
            label="without a sheet number",
            data={"number": "", "pot": "0"},
            state=paper_state,
        ),
        url_row(
            "budget_paper_import",
            "POST",
            PM + "paper/import/",
            only(JURY, INVALID),
            label="without a file",
            state=paper_state,
        ),
        url_row("budget_paper_import", "GET", PM + "paper/import/", everyone(POST_ONLY)),
        url_row("budget_paper_discard", "GET", PM + "paper/0/discard/", everyone(POST_ONLY)),
        url_row(
            "budget_paper_discard",
            "POST",
            PM + "paper/0/discard/",
            signed_in(NOT_FOUND),
            label="an unknown sheet",
            state=paper_state,
        ),
        url_row("budget_close", "GET", PM + "close/", only(CITY_ADMINS, OK)),
        url_row("budget_close", "GET", COUNTED + "close/", only(CITY_ADMINS, OK), label="counted"),
        url_row(
            "budget_close",
            "POST",
            PM + "close/",
            only(CITY_ADMINS, sent_back(PM + "close/")),
            label="before the vote",
            state=result_state,
        ),
        url_row(
            "budget_close",
            "POST",
            COUNTED + "close/",
            only(CITY_ADMINS, sent_back(COUNTED + "close/")),
            label="counted already",
            state=lambda w, user: Result.objects.filter(pot__process=w.counted_vote).count(),
        ),
        url_row("budget_results", "GET", COUNTED + "results/", everyone(OK)),
        url_row("budget_results", "GET", PM + "results/", everyone(NOT_FOUND), label="not counted"),
        url_row(
            "budget_results_pb", "GET", COUNTED + "results/{w.counted_pot_id}.pb", everyone(OK)
        ),
        url_row(
            "budget_results_pb",
            "GET",
            PM + "results/{w.prize_money_pot_id}.pb",
            everyone(NOT_FOUND),
            label="not counted",
        ),
        url_row("budget_receipt", "GET", COUNTED + "results/receipt/", everyone(OK)),
        url_row(
            "budget_receipt",
            "POST",
            COUNTED + "results/receipt/",
            everyone(INVALID),
            label="a receipt with a typo",
            data={"receipt": "nonsense"},
            # A lookup writes nothing: the ballots stay as they are.
            state=lambda w, user: sorted(
                Ballot.objects.filter(process=w.counted_vote).values_list("choices", flat=True)
            ),
        ),
        url_row(
            "budget_receipt",
            "GET",
            PM + "results/receipt/",
            everyone(NOT_FOUND),
            label="not counted",
        ),
    ]


URL_ROWS: list[Row] = [
    # Pages of the installation and the city.
    url_row("root", "GET", "/", everyone(went("/dortmund/"))),
    url_row("health", "GET", "/healthz", everyone(OK)),
    url_row("city_home", "GET", D + "/", everyone(OK)),
    url_row("city_map", "GET", D + "/map/", everyone(OK)),
    url_row("process_list", "GET", D + "/processes/", everyone(OK)),
    url_row("process_detail", "GET", D + "/processes/{w.process.pk}/", everyone(OK)),
    url_row(
        "process_detail",
        "GET",
        D + "/processes/{w.other_process.pk}/",
        everyone(NOT_FOUND),
        label="another city's process",
    ),
    # Ideas.
    url_row("idea_list", "GET", D + "/ideas/", everyone(OK)),
    url_row("idea_list", "GET", D + "/ideas/?q=ZZ", everyone(OK), label="search for hidden"),
    url_row(
        "idea_submit",
        "GET",
        D + "/ideas/new/",
        by_role((VERIFIED, OK), (UNVERIFIED, sent_back("/accounts/email/")), (ANONYMOUS, LOGIN)),
    ),
    url_row(
        "idea_submit",
        "POST",
        D + "/ideas/new/",
        by_role(
            (VERIFIED, went(D + "/ideas/*")),
            (UNVERIFIED, sent_back("/accounts/email/")),
            (ANONYMOUS, LOGIN),
        ),
        data=IDEA_FORM,
        state=lambda w, user: Idea.objects.filter(title=IDEA_FORM["title"]).exists(),
    ),
    url_row("idea_submit", "GET", D + "/ideas/new/?analog=1", only(CITY_STAFF, OK), label="analog"),
    url_row(
        "idea_submit",
        "POST",
        D + "/ideas/new/",
        only(CITY_STAFF, went(D + "/ideas/*")),
        label="analog",
        data={**IDEA_FORM, "analog": "1", "analog_origin": "Street festival"},
        state=lambda w, user: Idea.objects.filter(title=IDEA_FORM["title"]).exists(),
    ),
    stage_row(
        "idea_detail",
        "GET",
        IDEA,
        in_every_stage(everyone(OK)),
        staff_see_hidden=True,
        shows=seen_by(CITY_STAFF, PENDING_COMMENT),
    ),
    url_row(
        "idea_detail",
        "GET",
        HIDDEN_IDEA_URL,
        by_role((ROLES, GONE), (CITY_STAFF, OK)),
        label="hidden",
        staff_see_hidden=True,
        shows=seen_by(CITY_STAFF, HIDDEN_IDEA),
    ),
    url_row(
        "idea_detail",
        "GET",
        D + "/ideas/{w.pending_idea.pk}/",
        # Never public: it does not exist for anyone but its author and the city's staff.
        by_role((ROLES, NOT_FOUND), ((*CITY_STAFF, AUTHOR), OK)),
        label="waiting for pre-moderation",
        staff_see_hidden=True,
        may_see={AUTHOR: frozenset({PENDING_IDEA})},
        shows=seen_by((*CITY_STAFF, AUTHOR), PENDING_IDEA),
    ),
    url_row(
        "idea_detail",
        "GET",
        D + "/ideas/{w.other_idea.pk}/",
        everyone(NOT_FOUND),
        label="another city's idea",
    ),
    url_row(
        "idea_support",
        "POST",
        IDEA + "support/",
        by_role((VERIFIED, went(IDEA)), (UNVERIFIED, sent_back(IDEA)), (ANONYMOUS, LOGIN)),
        state=lambda w, user: Support.objects.filter(idea=w.idea).count(),
    ),
    url_row(
        "idea_support",
        "POST",
        HIDDEN_IDEA_URL + "support/",
        signed_in(sent_back(HIDDEN_IDEA_URL)),
        label="hidden idea",
        state=lambda w, user: Support.objects.filter(idea=w.hidden_idea).count(),
    ),
    url_row("idea_support", "GET", IDEA + "support/", everyone(POST_ONLY)),
    url_row(
        "comment_add",
        "POST",
        IDEA + "comments/",
        by_role(
            (VERIFIED, went(IDEA + "#comment-*")),
            (UNVERIFIED, sent_back(IDEA + "#comments")),
            (ANONYMOUS, LOGIN),
        ),
        data={"body": NEW_COMMENT},
        state=lambda w, user: Comment.objects.filter(body=NEW_COMMENT).exists(),
    ),
    url_row(
        "comment_add",
        "POST",
        HIDDEN_IDEA_URL + "comments/",
        signed_in(sent_back(HIDDEN_IDEA_URL + "#comments")),
        label="hidden idea",
        data={"body": NEW_COMMENT},
        state=lambda w, user: Comment.objects.filter(body=NEW_COMMENT).exists(),
    ),
    url_row("comment_add", "GET", IDEA + "comments/", everyone(POST_ONLY)),
    url_row(
        "idea_report", "GET", IDEA + "report/", signed_in(went(D + "/report/idea/{w.idea.pk}/"))
    ),
    url_row(
        "comment_report",
        "GET",
        IDEA + "comments/{w.comment.pk}/report/",
        signed_in(went(D + "/report/comment/{w.comment.pk}/")),
    ),
    url_row(
        "idea_hide",
        "POST",
        IDEA + "hide/",
        by_role((SIGNED_IN, sent_back(IDEA)), (CITY_STAFF, went(IDEA)), (ANONYMOUS, LOGIN)),
        data={"reason": PUBLIC_REASON},
        state=lambda w, user: _hidden(Idea, w.idea.pk),
    ),
    url_row("idea_hide", "GET", IDEA + "hide/", everyone(POST_ONLY)),
    # Merging a duplicate into another idea (#11): the city's staff.
    url_row(
        "idea_merge",
        "POST",
        IDEA + "merge/",
        by_role(
            (SIGNED_IN, sent_back(IDEA)),
            (CITY_STAFF, went(D + "/ideas/{w.edited_idea.pk}/")),
            (ANONYMOUS, LOGIN),
        ),
        data={"into": "{w.edited_idea.pk}", "reason": PUBLIC_REASON},
        state=lambda w, user: Idea.objects.get(pk=w.idea.pk).merged_into_id,
    ),
    url_row("idea_merge", "GET", IDEA + "merge/", everyone(POST_ONLY)),
    url_row(
        "comment_hide",
        "POST",
        IDEA + "comments/{w.comment.pk}/hide/",
        by_role(
            (SIGNED_IN, sent_back(IDEA + "#comment-{w.comment.pk}")),
            (CITY_STAFF, went(IDEA + "#comment-{w.comment.pk}")),
            (ANONYMOUS, LOGIN),
        ),
        data={"reason": PUBLIC_REASON},
        state=lambda w, user: _hidden(Comment, w.comment.pk),
    ),
    url_row("comment_hide", "GET", IDEA + "comments/{w.comment.pk}/hide/", everyone(POST_ONLY)),
    # Questioning an idea (#11): its author marks a question answered; nobody else does.
    url_row(
        "comment_resolve",
        "POST",
        IDEA + "comments/{w.question.pk}/resolve/",
        by_role(
            (SIGNED_IN, sent_back(IDEA + "#comment-{w.question.pk}")),
            ((AUTHOR, MEMBER), went(IDEA + "#comment-{w.question.pk}")),
            (ANONYMOUS, LOGIN),
        ),
        data={"revision": "1"},
        state=lambda w, user: Comment.objects.get(pk=w.question.pk).resolved_at,
    ),
    url_row(
        "comment_resolve",
        "POST",
        IDEA + "comments/{w.hidden_comment.pk}/resolve/",
        by_role(
            (SIGNED_IN, sent_back(IDEA + "#comment-{w.hidden_comment.pk}")),
            (ANONYMOUS, LOGIN),
        ),
        label="a hidden comment",
        state=lambda w, user: Comment.objects.get(pk=w.hidden_comment.pk).resolved_at,
    ),
    url_row(
        "comment_resolve", "GET", IDEA + "comments/{w.question.pk}/resolve/", everyone(POST_ONLY)
    ),
    # What residents expect (#9): the author edits and withdraws their idea; versions are public.
    stage_row("idea_edit", "GET", IDEA + "edit/", in_every_stage(only((AUTHOR, MEMBER), OK))),
    url_row(
        "idea_edit",
        "POST",
        IDEA + "edit/",
        only((AUTHOR, MEMBER), went(IDEA)),
        data={
            **{k: v for k, v in IDEA_FORM.items() if k != "innovator_type"},
            "title": "Edited in the matrix",
            "based_on": "1",
        },
        state=lambda w, user: Idea.objects.get(pk=w.idea.pk).title,
    ),
    url_row("idea_edit", "GET", HIDDEN_IDEA_URL + "edit/", only((), OK), label="hidden idea"),
    url_row("idea_withdraw", "GET", IDEA + "withdraw/", only((AUTHOR,), OK)),
    url_row(
        "idea_withdraw",
        "POST",
        IDEA + "withdraw/",
        only((AUTHOR,), went(IDEA)),
        data={"reason": "Solved otherwise"},
        state=lambda w, user: Idea.objects.get(pk=w.idea.pk).withdrawn_at is not None,
    ),
    url_row(
        "idea_withdraw",
        "POST",
        HIDDEN_IDEA_URL + "withdraw/",
        only((), OK),
        label="hidden idea",
        data={"reason": "Solved otherwise"},
        state=lambda w, user: Idea.objects.get(pk=w.hidden_idea.pk).withdrawn_at is not None,
    ),
    url_row("idea_revisions", "GET", IDEA + "versions/", everyone(OK)),
    # The team (#11): public; its leads publish roles and decide who joins; members co-edit.
    stage_row("idea_team", "GET", TEAM, in_every_stage(everyone(OK))),
    url_row(
        "idea_team",
        "GET",
        HIDDEN_IDEA_URL + "team/",
        by_role((ROLES, GONE), (CITY_STAFF, OK)),
        label="hidden idea",
        staff_see_hidden=True,
        shows=seen_by(CITY_STAFF, HIDDEN_IDEA),
    ),
    url_row(
        "team_role_add",
        "POST",
        TEAM + "roles/",
        team_answers((AUTHOR,), "#roles"),
        data={"title": "Another matrix role", "skills": "Matrix"},
        state=lambda w, user: OpenRole.objects.filter(idea=w.idea).count(),
    ),
    url_row("team_role_add", "GET", TEAM + "roles/", everyone(POST_ONLY)),
    url_row(
        "team_role_close",
        "POST",
        TEAM + "roles/{w.open_role.pk}/close/",
        team_answers((AUTHOR,), "#roles"),
        state=lambda w, user: OpenRole.objects.get(pk=w.open_role.pk).closed_at,
    ),
    url_row("team_role_close", "GET", TEAM + "roles/{w.open_role.pk}/close/", everyone(POST_ONLY)),
    stage_row(
        "team_join",
        "POST",
        TEAM + "join/",
        # The team's members need not ask; unverified accounts take no part; in every stage.
        in_every_stage(
            team_answers((RESIDENT, EVALUATOR, MODERATOR, OTHER_MODERATOR, *CITY_ADMINS), "#join")
        ),
        data={"role": "{w.open_role.pk}", "message": "Matrix request"},
        state=lambda w, user: JoinRequest.objects.filter(idea=w.idea, user=user).count(),
    ),
    url_row("team_join", "GET", TEAM + "join/", everyone(POST_ONLY)),
    url_row(
        "team_join_withdraw",
        "POST",
        EDITED_TEAM + "join/withdraw/",
        by_role(
            (SIGNED_IN, sent_back(EDITED_TEAM)),
            (RESIDENT, went(EDITED_TEAM + "#join")),
            (ANONYMOUS, LOGIN),
        ),
        state=lambda w, user: JoinRequest.objects.get(pk=w.join_request.pk).status,
    ),
    url_row("team_join_withdraw", "GET", EDITED_TEAM + "join/withdraw/", everyone(POST_ONLY)),
    url_row(
        "team_request_decide",
        "POST",
        EDITED_TEAM + "requests/{w.join_request.pk}/",
        team_answers((AUTHOR,), "#requests", team=EDITED_TEAM),
        data={"decision": "accept"},
        state=lambda w, user: JoinRequest.objects.get(pk=w.join_request.pk).status,
    ),
    url_row(
        "team_request_decide",
        "GET",
        EDITED_TEAM + "requests/{w.join_request.pk}/",
        everyone(POST_ONLY),
    ),
    url_row(
        "team_member",
        "POST",
        TEAM + "members/{w.membership.pk}/",
        team_answers((AUTHOR,), "#members"),
        label="removed by a lead",
        data={"action": "remove"},
        state=lambda w, user: TeamMember.objects.filter(pk=w.membership.pk).exists(),
    ),
    url_row(
        "team_member",
        "POST",
        TEAM + "members/{w.membership.pk}/",
        team_answers((AUTHOR, MEMBER), "#members"),
        label="their role described",
        data={"action": "describe", "contribution": "Matrix contribution"},
        state=lambda w, user: TeamMember.objects.get(pk=w.membership.pk).contribution,
    ),
    url_row("team_member", "GET", TEAM + "members/{w.membership.pk}/", everyone(POST_ONLY)),
    url_row(
        "team_self",
        "POST",
        TEAM + "me/",
        # The author is the team's last lead: they hand over before leaving.
        team_answers((MEMBER,), "#members"),
        data={"action": "leave"},
        state=lambda w, user: TeamMember.objects.filter(idea=w.idea).count(),
    ),
    url_row("team_self", "GET", TEAM + "me/", everyone(POST_ONLY)),
    # The lifecycle (#11): public history; the team's leads take its steps, the jury decides.
    stage_row("idea_stage", "GET", IDEA + "stage/", in_every_stage(everyone(OK))),
    url_row(
        "idea_stage",
        "GET",
        HIDDEN_IDEA_URL + "stage/",
        by_role((ROLES, GONE), (CITY_STAFF, OK)),
        label="hidden idea",
        staff_see_hidden=True,
        shows=seen_by(CITY_STAFF, HIDDEN_IDEA),
    ),
    stage_row(
        "idea_stage",
        "POST",
        IDEA + "stage/",
        # Into the discussion: the lead's step, and only from the idea stage.
        {
            **in_every_stage(by_role((SIGNED_IN, sent_back(IDEA + "stage/")), (ANONYMOUS, LOGIN))),
            Stage.IDEA: by_role(
                (SIGNED_IN, sent_back(IDEA + "stage/")),
                (AUTHOR, went(IDEA + "stage/")),
                (ANONYMOUS, LOGIN),
            ),
        },
        label="the team's step",
        data={"to": "discussion"},
        state=lambda w, user: Idea.objects.get(pk=w.idea.pk).stage,
    ),
    url_row(
        "idea_stage",
        "POST",
        JUDGED + "stage/",
        by_role(
            (SIGNED_IN, sent_back(JUDGED + "stage/")),
            (JURY, went(JUDGED + "stage/")),
            (ANONYMOUS, LOGIN),
        ),
        label="the jury's decision",
        data={"to": "implementation", "reason": "Tested and wanted."},
        state=lambda w, user: Idea.objects.get(pk=w.judged_idea.pk).stage,
    ),
    url_row("idea_evaluation_queue", "GET", D + "/ideas/evaluation/", only(JURY, OK)),
    url_row("idea_rules", "GET", D + "/ideas/rules/", only(CITY_ADMINS, OK)),
    url_row(
        "idea_rules",
        "POST",
        D + "/ideas/rules/",
        only(CITY_ADMINS, went(D + "/ideas/rules/")),
        data={"discussion_team_size": "3", "discussion_supports": "4"},
        state=lambda w, user: lifecycle.rules_for(w.dortmund).discussion_team_size,
    ),
    # Living-lab tests (#11): public; leads plan and record, residents sign up and answer.
    stage_row("lab_tests", "GET", IDEA + "tests/", in_every_stage(everyone(OK))),
    url_row(
        "lab_tests",
        "GET",
        HIDDEN_IDEA_URL + "tests/",
        by_role((ROLES, NOT_FOUND), (CITY_STAFF, OK)),
        label="hidden idea",
        staff_see_hidden=True,
        shows=seen_by(CITY_STAFF, HIDDEN_IDEA),
    ),
    stage_row("lab_test", "GET", LAB, in_every_stage(everyone(OK))),
    stage_row("lab_test_new", "GET", IDEA + "tests/new/", in_every_stage(only((AUTHOR,), OK))),
    url_row(
        "lab_test_new",
        "POST",
        D + "/ideas/{w.edited_idea.pk}/tests/new/",
        only((AUTHOR,), went(D + "/ideas/{w.edited_idea.pk}/tests/1/")),
        data={
            "hypothesis": "A matrix hypothesis.",
            "measures": "Matrix measures.",
            "place_name": "Matrix place",
            "starts_on": str(timezone.localdate()),
            "ends_on": str(timezone.localdate() + timedelta(days=14)),
            "testers_wanted": "5",
            "questions": "Matrix question?",
        },
        state=lambda w, user: LabTest.objects.filter(idea=w.edited_idea).count(),
    ),
    stage_row(
        "lab_signup",
        "POST",
        LAB + "signup/",
        # Already signed up (the resident), the idea's own team and unverified accounts: no.
        in_every_stage(
            by_role(
                (SIGNED_IN, sent_back(LAB)),
                ((EVALUATOR, MODERATOR, OTHER_MODERATOR, *CITY_ADMINS), went(LAB)),
                (ANONYMOUS, LOGIN),
            )
        ),
        state=lambda w, user: Signup.objects.filter(test=w.lab_test, user=user).exists(),
    ),
    url_row("lab_signup", "GET", LAB + "signup/", everyone(POST_ONLY)),
    url_row(
        "lab_feedback",
        "POST",
        LAB + "feedback/",
        by_role(
            (SIGNED_IN, sent_back(LAB + "#feedback")),
            (RESIDENT, went(LAB + "#feedback")),
            (ANONYMOUS, LOGIN),
        ),
        data={"q{w.lab_question_ids[0]}": "4", "q{w.lab_question_ids[1]}": "5"},
        state=lambda w, user: Feedback.objects.filter(test=w.lab_test, tester=user).count(),
    ),
    url_row("lab_feedback", "GET", LAB + "feedback/", everyone(POST_ONLY)),
    url_row(
        "lab_results",
        "POST",
        LAB + "results/",
        by_role(
            (SIGNED_IN, sent_back(LAB + "#results")),
            (AUTHOR, went(LAB + "#results")),
            (ANONYMOUS, LOGIN),
        ),
        data={"results": "Matrix results."},
        state=lambda w, user: LabTest.objects.get(pk=w.lab_test.pk).results_recorded_at,
    ),
    url_row("lab_results", "GET", LAB + "results/", everyone(POST_ONLY)),
    # Follow and be notified (#11): one's own notifications; the e-mail link needs no account.
    url_row("notifications", "GET", "/notifications/", signed_in(OK)),
    url_row(
        "notifications_read",
        "POST",
        "/notifications/read/",
        signed_in(went("/notifications/")),
        state=lambda w, user: Notification.objects.filter(user=user, read_at=None).count(),
    ),
    url_row("notifications_read", "GET", "/notifications/read/", everyone(POST_ONLY)),
    url_row(
        "notifications_settings",
        "POST",
        "/notifications/settings/",
        signed_in(went("/notifications/")),
        data={"email_mode": "each", "digest_hour": "9", "wanted": "comments"},
        state=lambda w, user: list(Preferences.objects.filter(user=user).values_list("email_mode")),
    ),
    url_row("notifications_settings", "GET", "/notifications/settings/", everyone(POST_ONLY)),
    url_row(
        "notifications_unsubscribe",
        "GET",
        "/notifications/unsubscribe/{w.unsubscribe_token}/",
        everyone(OK),
    ),
    url_row(
        "notifications_unsubscribe",
        "POST",
        "/notifications/unsubscribe/{w.unsubscribe_token}/",
        everyone(OK),
        state=lambda w, user: list(
            Preferences.objects.filter(user=w.users[AUTHOR]).values_list("muted")
        ),
    ),
    url_row(
        "notifications_unsubscribe",
        "POST",
        "/notifications/unsubscribe/forged/",
        everyone(INVALID),
        label="a forged link",
        state=lambda w, user: Preferences.objects.count(),
    ),
    url_row(
        "follow",
        "POST",
        D + "/follow/",
        signed_in(went(IDEA)),
        data={"topic": "kind:cultural", "action": "follow", "next": IDEA},
        state=lambda w, user: Follow.objects.filter(user=user, topic="kind:cultural").exists(),
    ),
    url_row("follow", "GET", D + "/follow/", everyone(POST_ONLY)),
    url_row("person", "GET", D + "/people/{w.users[author].pk}/", everyone(OK), label="public"),
    url_row(
        "person",
        "GET",
        D + "/people/{w.users[team_member].pk}/",
        by_role((ROLES, NOT_FOUND), (MEMBER, OK)),
        label="switched off: its owner's preview",
    ),
    # Similar ideas while typing a new one: public ideas only, for everyone.
    url_row("idea_similar", "GET", D + "/ideas/similar/?title=bench+lime+tree", everyone(OK)),
    # Comparing versions is public as the versions are; restoring one is the author's edit.
    url_row("idea_compare", "GET", IDEA + "versions/compare/?from=1&to=1", everyone(OK)),
    url_row(
        "idea_compare",
        "GET",
        IDEA + "versions/compare/?from=7",
        everyone(INVALID),
        label="an unknown version",
    ),
    url_row(
        "idea_compare",
        "GET",
        HIDDEN_IDEA_URL + "versions/compare/",
        by_role((ROLES, GONE), (CITY_STAFF, OK)),
        label="hidden",
        staff_see_hidden=True,
        shows=seen_by(CITY_STAFF, HIDDEN_IDEA),
    ),
    url_row(
        "idea_restore",
        "POST",
        D + "/ideas/{w.edited_idea.pk}/versions/1/restore/",
        only((AUTHOR,), went(D + "/ideas/{w.edited_idea.pk}/")),
        data={"based_on": "2"},
        state=lambda w, user: IdeaRevision.objects.filter(idea=w.edited_idea).count(),
    ),
    url_row("idea_restore", "GET", IDEA + "versions/1/restore/", everyone(POST_ONLY)),
    url_row(
        "idea_revisions",
        "GET",
        HIDDEN_IDEA_URL + "versions/",
        by_role((ROLES, GONE), (CITY_STAFF, OK)),
        label="hidden",
        staff_see_hidden=True,
        shows=seen_by(CITY_STAFF, HIDDEN_IDEA),
    ),
    # Opinion maps: opening one.
    url_row("conversation_list", "GET", D + "/opinion-maps/", everyone(OK)),
    url_row("conversation_new", "GET", D + "/opinion-maps/new/", only(CITY_STAFF, OK)),
    url_row(
        "conversation_new",
        "POST",
        D + "/opinion-maps/new/",
        only(CITY_STAFF, went(D + "/opinion-maps/*")),
        data=MAP_FORM,
        state=_map_opened,
    ),
    url_row(
        "conversation_new",
        "GET",
        D + "/opinion-maps/new/?idea={w.idea.pk}",
        only((*CITY_STAFF, AUTHOR), OK),
        label="on the author's idea",
    ),
    url_row(
        "conversation_new",
        "POST",
        D + "/opinion-maps/new/",
        only((*CITY_STAFF, AUTHOR), went(D + "/opinion-maps/*")),
        label="on the author's idea",
        data={**MAP_FORM, "idea": "{w.idea.pk}"},
        state=_map_opened,
    ),
    # The author of a hidden idea must not republish it as an opinion map; moderators may.
    url_row(
        "conversation_new",
        "GET",
        D + "/opinion-maps/new/?idea={w.hidden_idea.pk}",
        only(CITY_STAFF, OK),
        label="on the author's hidden idea",
        staff_see_hidden=True,
    ),
    url_row(
        "conversation_new",
        "POST",
        D + "/opinion-maps/new/",
        only(CITY_STAFF, went(D + "/opinion-maps/*")),
        label="on the author's hidden idea",
        data={**MAP_FORM, "idea": "{w.hidden_idea.pk}"},
        state=_map_opened,
    ),
    # Opinion maps: taking part, in every phase of the map's process.
    process_row("conversation_detail", "GET", MAP, in_every_phase(everyone(OK))),
    process_row(
        "conversation_detail",
        "GET",
        HIDDEN_IDEA_MAP,
        in_every_phase(everyone(OK)),
        process="hidden_idea_conversation",
        label="on a hidden idea",
    ),
    process_row(
        "conversation_vote",
        "POST",
        MAP + "vote/",
        vote_answers(anonymous_allowed=False, location=MAP),
        data={"statement": "{w.seed.pk}", "choice": "1"},
        state=_votes("seed"),
    ),
    process_row(
        "conversation_vote",
        "POST",
        DEMO_MAP + "vote/",
        vote_answers(anonymous_allowed=True, location=DEMO_MAP),
        process="demo_conversation",
        label="anonymous participation allowed",
        data={"statement": "{w.demo_seed.pk}", "choice": "-1"},
        state=_votes("demo_seed"),
    ),
    process_row("conversation_vote", "GET", MAP + "vote/", in_every_phase(everyone(POST_ONLY))),
    process_row(
        "conversation_statement_add",
        "POST",
        MAP + "statements/",
        vote_answers(anonymous_allowed=False, location=MAP),
        data={"text": NEW_STATEMENT},
        state=_statement_added,
    ),
    process_row(
        "conversation_statement_add",
        "POST",
        DEMO_MAP + "statements/",
        vote_answers(anonymous_allowed=True, location=DEMO_MAP),
        process="demo_conversation",
        label="anonymous participation allowed",
        data={"text": NEW_STATEMENT},
        state=_statement_added,
    ),
    process_row(
        "conversation_statement_add",
        "GET",
        MAP + "statements/",
        in_every_phase(everyone(POST_ONLY)),
    ),
    # Results: public from the start of voting on; before that for the map's moderators only.
    process_row(
        "conversation_results",
        "GET",
        MAP + "results/",
        {
            BEFORE: by_role((ROLES, FORBIDDEN), ((*CITY_STAFF, AUTHOR), OK)),
            OPEN: everyone(OK),
            CLOSED: everyone(OK),
        },
    ),
    process_row(
        "conversation_export",
        "GET",
        MAP + "export.zip",
        {
            BEFORE: by_role((ROLES, NOT_FOUND), ((*CITY_STAFF, AUTHOR), OK)),
            OPEN: everyone(OK),
            CLOSED: everyone(OK),
        },
    ),
    # The map's own moderation: its opener and the city's moderators, in every phase.
    process_row(
        "conversation_moderation",
        "GET",
        MAP + "moderation/",
        in_every_phase(only((*CITY_STAFF, AUTHOR), OK)),
        staff_see_hidden=True,
        may_see={AUTHOR: frozenset({REJECTED_STATEMENT, PENDING_STATEMENT})},
        shows=seen_by((*CITY_STAFF, AUTHOR), REJECTED_STATEMENT, PENDING_STATEMENT),
    ),
    process_row(
        "conversation_moderation",
        "POST",
        MAP + "moderation/",
        in_every_phase(only((*CITY_STAFF, AUTHOR), went(MAP + "moderation/"))),
        data={"statement": "{w.pending_statement.pk}", "status": "accepted"},
        state=lambda w, user: Statement.objects.get(pk=w.pending_statement.pk).status,
    ),
    # The city's moderation.
    url_row(
        "moderation_queue",
        "GET",
        QUEUE,
        only(CITY_STAFF, OK),
        staff_see_hidden=True,
        shows=seen_by(CITY_STAFF, REPORT_DETAILS, PENDING_IDEA, PENDING_COMMENT, PENDING_STATEMENT),
    ),
    url_row(
        "moderation_premoderation",
        "POST",
        QUEUE + "pre-moderation/",
        only(CITY_ADMINS, went(QUEUE)),
        data={"enabled": "1"},
        state=lambda w, user: City.objects.get(pk=w.dortmund.pk).premoderation,
    ),
    url_row("moderation_premoderation", "GET", QUEUE + "pre-moderation/", everyone(POST_ONLY)),
    moderation_act_row(
        "hide a comment",
        "comment",
        "comment",
        "hide",
        lambda w, user: _hidden(Comment, w.comment.pk),
        reason=PUBLIC_REASON,
    ),
    moderation_act_row(
        "show a hidden comment again",
        "comment",
        "hidden_comment",
        "unhide",
        lambda w, user: _hidden(Comment, w.hidden_comment.pk),
    ),
    moderation_act_row(
        "dismiss the reports",
        "comment",
        "comment",
        "dismiss",
        _open_reports(Comment, "comment"),
        reason="No violation",
    ),
    moderation_act_row(
        "approve a waiting comment",
        "comment",
        "pending_comment",
        "approve",
        lambda w, user: Comment.objects.get(pk=w.pending_comment.pk).awaiting_review,
    ),
    moderation_act_row(
        "reject a waiting idea",
        "idea",
        "pending_idea",
        "reject",
        lambda w, user: Idea.objects.get(pk=w.pending_idea.pk).awaiting_review,
        reason=PUBLIC_REASON,
    ),
    moderation_act_row(
        "moderate out a statement",
        "statement",
        "seed",
        "hide",
        lambda w, user: Statement.objects.get(pk=w.seed.pk).status,
        reason=PUBLIC_REASON,
    ),
    url_row(
        "moderation_act",
        "POST",
        D + "/moderation/comment/{w.comment.pk}/delete/",
        only((), OK),
        label="unknown action",
        state=lambda w, user: Comment.objects.filter(pk=w.comment.pk).exists(),
    ),
    url_row(
        "moderation_act",
        "POST",
        D + "/moderation/comment/{w.other_comment.pk}/hide/",
        only((), OK),
        label="another city's comment in this city's URL",
        data={"reason": PUBLIC_REASON},
        state=lambda w, user: _hidden(Comment, w.other_comment.pk),
    ),
    url_row(
        "moderation_act", "GET", D + "/moderation/comment/{w.comment.pk}/hide/", everyone(POST_ONLY)
    ),
    # Reports: the form for verified accounts; hidden content cannot be reported (or seen).
    url_row("report_content", "GET", D + "/report/idea/{w.idea.pk}/", signed_in(OK)),
    url_row(
        "report_content",
        "POST",
        D + "/report/idea/{w.idea.pk}/",
        by_role((VERIFIED, went(IDEA)), (UNVERIFIED, INVALID), (ANONYMOUS, LOGIN)),
        data={"reason": "spam", "details": "Advertising."},
        state=_open_reports(Idea, "idea"),
    ),
    report_row("hidden idea", "idea", "hidden_idea"),
    report_row("idea waiting for pre-moderation", "idea", "pending_idea"),
    report_row("hidden comment", "comment", "hidden_comment"),
    report_row("comment waiting for pre-moderation", "comment", "pending_comment"),
    report_row("rejected statement", "statement", "rejected_statement"),
    report_row("statement waiting for moderation", "statement", "pending_statement"),
    # Roles and the audit log.
    url_row("city_roles", "GET", ROLES_PAGE, only(CITY_ADMINS, OK), emails_shown_to=CITY_ADMINS),
    url_row(
        "city_roles",
        "POST",
        ROLES_PAGE,
        only(CITY_ADMINS, went(ROLES_PAGE)),
        data={"email": "resident.matrix@example.org", "role": "evaluator"},
        state=lambda w, user: CityRole.objects.filter(
            city=w.dortmund, user__email="resident.matrix@example.org", role="evaluator"
        ).exists(),
    ),
    url_row(
        "city_role_revoke",
        "POST",
        ROLES_PAGE + "{w.bystander_role.pk}/revoke/",
        only(CITY_ADMINS, went(ROLES_PAGE)),
        state=lambda w, user: CityRole.objects.filter(pk=w.bystander_role.pk).exists(),
    ),
    url_row(
        "city_role_revoke",
        "POST",
        ROLES_PAGE + "{w.other_role.pk}/revoke/",
        only((), OK),
        label="another city's role in this city's URL",
        state=lambda w, user: CityRole.objects.filter(pk=w.other_role.pk).exists(),
    ),
    url_row(
        "city_role_revoke", "GET", ROLES_PAGE + "{w.bystander_role.pk}/revoke/", everyone(POST_ONLY)
    ),
    url_row(
        "audit_log", "GET", D + "/moderation/log/", only(CITY_STAFF, OK), staff_see_hidden=True
    ),
    # The person's own account.
    url_row("profile", "GET", "/accounts/profile/", signed_in(OK)),
    url_row(
        "profile",
        "POST",
        "/accounts/profile/",
        signed_in(went("/accounts/profile/")),
        data={"display_name": "Renamed by the matrix", "innovator_type": "student"},
        state=lambda w, user: user and User.objects.get(pk=user.pk).display_name,
    ),
    # The author's export holds their own hidden and waiting ideas (GDPR: all they wrote).
    url_row(
        "profile_export",
        "GET",
        "/accounts/profile/export/",
        signed_in(OK),
        may_see={AUTHOR: frozenset({HIDDEN_IDEA, PENDING_IDEA})},
        shows=seen_by([AUTHOR], HIDDEN_IDEA, PENDING_IDEA),
    ),
    url_row(
        "profile_delete",
        "POST",
        "/accounts/profile/delete/",
        signed_in(went("/")),
        data={"password": "correct horse battery staple"},  # the fixtures' (quartier/conftest.py)
        state=lambda w, user: user and User.objects.filter(pk=user.pk).exists(),
    ),
    url_row("profile_delete", "GET", "/accounts/profile/delete/", everyone(POST_ONLY)),
    # Going live (issue #9): the city's legal pages, their edit page, consent to a new version.
    url_row("legal_page", "GET", D + "/legal/impressum/", everyone(OK)),
    url_row("legal_page", "GET", D + "/legal/agb/", everyone(NOT_FOUND), label="unknown page"),
    url_row("legal_page_edit", "GET", D + "/legal/impressum/edit/", only(CITY_ADMINS, OK)),
    url_row(
        "legal_page_edit",
        "POST",
        D + "/legal/impressum/edit/",
        only(CITY_ADMINS, went(D + "/legal/impressum/")),
        data={"text": "Imprint written by the matrix", "contact_email": ""},
        state=lambda w, user: LegalPage.objects.get(city=w.dortmund, kind="impressum").text,
    ),
    url_row(
        "legal_page_edit",
        "POST",
        "/musterstadt/legal/impressum/edit/",
        only((SYSTEM_ADMIN,), went("/musterstadt/legal/impressum/")),
        label="another city's page",
        data={"text": "Imprint written by the matrix", "contact_email": ""},
        state=lambda w, user: LegalPage.objects.filter(city=w.musterstadt).count(),
    ),
    # The world's accounts never agreed to Dortmund's texts: the page asks, the POST records it.
    url_row("legal_consent", "GET", D + "/legal/consent/", signed_in(OK)),
    url_row(
        "legal_consent",
        "POST",
        D + "/legal/consent/",
        signed_in(went(D + "/")),
        data={"accept": "on"},
        state=lambda w, user: user and Consent.objects.filter(user=user).count(),
    ),
    # Third-party groups, one representative row each (see EXEMPT below).
    url_row(
        "admin:index",
        "GET",
        "/admin/",
        by_role((ROLES, sent_back("/admin/login/?next=/admin/")), (SYSTEM_ADMIN, OK)),
        staff_see_hidden=True,
    ),
    url_row(
        "account_login",
        "GET",
        "/accounts/login/",
        by_role((SIGNED_IN, went("/")), (ANONYMOUS, OK)),
    ),
    # Setting up a prize-money vote (the overview is public; the rest for the city's admins).
    url_row("budget_overview", "GET", PM, everyone(OK)),
    url_row("budget_overview", "GET", COUNTED, everyone(OK), label="counted"),
    url_row(
        "budget_overview",
        "GET",
        D + "/prize-money/{w.process.pk}/",
        everyone(NOT_FOUND),
        label="a process of another kind",
    ),
    url_row("budget_new", "GET", D + "/prize-money/new/", only(CITY_ADMINS, OK)),
    url_row(
        "budget_new",
        "POST",
        D + "/prize-money/new/",
        only(CITY_ADMINS, went(D + "/prize-money/*")),
        data=NEW_VOTE_FORM,
        state=lambda w, user: Process.objects.filter(title=NEW_VOTE_FORM["title"]).exists(),
    ),
    url_row("budget_settings", "GET", PM + "settings/", only(CITY_ADMINS, OK)),
    url_row(
        "budget_settings",
        "POST",
        PM + "settings/",
        only(CITY_ADMINS, INVALID),
        label="without a title",
        data={"title": ""},
        state=lambda w, user: Process.objects.get(pk=w.prize_money.pk).title,
    ),
    url_row(
        "budget_settings",
        "POST",
        PM + "settings/",
        only(CITY_ADMINS, went(PM)),
        label="saved",
        data=NEW_VOTE_FORM | {"title": "Renamed by the matrix"},
        state=lambda w, user: Process.objects.get(pk=w.prize_money.pk).title,
    ),
    url_row("budget_pots", "GET", PM + "pots/", only(CITY_ADMINS, OK)),
    url_row("budget_pots", "GET", PM + "pots/?total=1200&unit=1", only(CITY_ADMINS, OK)),
    url_row(
        "budget_pots",
        "POST",
        COUNTED + "pots/",
        only(CITY_ADMINS, INVALID),
        label="settings locked by a ballot",
        data={"name": "Matrix pot", "amount": "5", "district": ""},
        state=lambda w, user: Pot.objects.filter(process=w.counted_vote).count(),
    ),
    url_row(
        "budget_pots_split",
        "POST",
        PM + "pots/split/",
        only(CITY_ADMINS, went(PM + "pots/")),
        data={"total": "1200", "unit": "1"},
        state=lambda w, user: Pot.objects.filter(process=w.prize_money).count(),
    ),
    url_row("budget_pots_split", "GET", PM + "pots/split/", everyone(POST_ONLY)),
    url_row("budget_pot_edit", "GET", PM + "pots/{w.prize_money_pot_id}/", only(CITY_ADMINS, OK)),
    url_row(
        "budget_pot_edit",
        "POST",
        PM + "pots/{w.prize_money_pot_id}/",
        only(CITY_ADMINS, went(PM + "pots/")),
        data={"name": "Renamed by the matrix", "amount": "100000", "district": ""},
        state=lambda w, user: Pot.objects.get(pk=w.prize_money_pot_id).name,
    ),
    url_row(
        "budget_pot_delete",
        "POST",
        PM + "pots/{w.prize_money_pot_id}/delete/",
        only(CITY_ADMINS, INVALID),
        label="proposals filed under it",
        state=lambda w, user: Pot.objects.filter(pk=w.prize_money_pot_id).exists(),
    ),
    url_row(
        "budget_pot_delete", "GET", PM + "pots/{w.prize_money_pot_id}/delete/", everyone(POST_ONLY)
    ),
    url_row("budget_codes", "GET", PM + "codes/", only(CITY_ADMINS, OK)),
    url_row(
        "budget_codes",
        "POST",
        PM + "codes/",
        only(CITY_ADMINS, Answer(200, True)),  # the print shop's file, in this response only
        data={"count": "2", "export": "csv", "district": "", "label": "Matrix batch"},
        state=lambda w, user: CodeBatch.objects.filter(process=w.prize_money).count(),
    ),
    url_row(
        "budget_batch_void",
        "GET",
        PM + "codes/{w.prize_money_batch_id}/void/",
        only(CITY_ADMINS, OK),
    ),
    url_row(
        "budget_batch_void",
        "POST",
        PM + "codes/{w.prize_money_batch_id}/void/",
        only(CITY_ADMINS, went(PM + "codes/")),
        state=lambda w, user: CodeBatch.objects.get(pk=w.prize_money_batch_id).voided_at,
    ),
    # Voting: the vote page is everyone's in every phase and takes a code only while the vote
    # is open (an unknown code is looked up and counted against the client's limit). Without
    # a proven code in the session the later steps go back to the vote page and cast nothing;
    # test_voting_views walks them with a code.
    process_row("budget_vote", "GET", VOTE, in_every_phase(everyone(OK)), process="prize_money"),
    process_row(
        "budget_vote",
        "POST",
        VOTE,
        {
            BEFORE: everyone(sent_back(VOTE)),
            OPEN: everyone(Answer(400, True)),
            CLOSED: everyone(sent_back(VOTE)),
        },
        process="prize_money",
        data={"code": UNKNOWN_CODE},
        state=_unknown_codes,
        label="an unknown code",
    ),
    process_row(
        "budget_vote_ballot",
        "GET",
        VOTE + "ballot/",
        in_every_phase(everyone(sent_back(VOTE))),
        process="prize_money",
    ),
    *(
        process_row(
            name,
            "POST",
            VOTE + step,
            in_every_phase(everyone(sent_back(VOTE))),
            process="prize_money",
            data=data,
            state=_ballots,
        )
        for name, step, data in (
            ("budget_vote_ballot", "ballot/", {"step": "check"}),
            ("budget_vote_cast", "cast/", {}),
            ("budget_vote_change", "change/", {"receipt": "{w.prize_money_code}"}),
            ("budget_vote_leave", "leave/", {}),
        )
    ),
    *(
        process_row(
            name,
            "GET",
            VOTE + step,
            in_every_phase(everyone(POST_ONLY)),
            process="prize_money",
        )
        for name, step in (
            ("budget_vote_cast", "cast/"),
            ("budget_vote_change", "change/"),
            ("budget_vote_leave", "leave/"),
        )
    ),
    # Carrying out the funded projects: public pages; reports by the city's administrators
    # (and its jury, which no role of the matrix holds).
    url_row("implementation_overview", "GET", IMPLEMENTATION, everyone(OK)),
    url_row(
        "implementation_overview",
        "GET",
        D + "/prize-money/{w.prize_money.pk}/implementation/",
        everyone(OK),
        label="not counted yet",
    ),
    url_row("implementation_project", "GET", FUNDED, everyone(OK)),
    url_row(
        "implementation_project",
        "GET",
        D + "/prize-money/{w.prize_money.pk}/implementation/{w.funded_proposal_id}/",
        everyone(NOT_FOUND),
        label="of another vote",
    ),
    url_row("implementation_update_add", "GET", FUNDED + "updates/", everyone(POST_ONLY)),
    url_row("implementation_milestone_add", "GET", FUNDED + "milestones/", everyone(POST_ONLY)),
    url_row(
        "implementation_milestone_reached",
        "GET",
        FUNDED + "milestones/{w.milestone_id}/reached/",
        everyone(POST_ONLY),
    ),
    url_row("implementation_ledger_add", "GET", FUNDED + "ledger/", everyone(POST_ONLY)),
    url_row(
        "implementation_update_add",
        "POST",
        FUNDED + "updates/",
        reporters(FUNDED + "#updates"),
        data={"text": "Matrix update"},
        state=lambda w, user: ProgressUpdate.objects.filter(text="Matrix update").exists(),
    ),
    url_row(
        "implementation_milestone_add",
        "POST",
        FUNDED + "milestones/",
        reporters(FUNDED + "#milestones"),
        data={"title": "Matrix second milestone"},
        state=lambda w, user: Milestone.objects.filter(title="Matrix second milestone").exists(),
    ),
    url_row(
        "implementation_milestone_reached",
        "POST",
        FUNDED + "milestones/{w.milestone_id}/reached/",
        reporters(FUNDED + "#milestones"),
        data={"done_on": str(timezone.localdate())},
        state=lambda w, user: Milestone.objects.get(pk=w.milestone_id).done_on is not None,
    ),
    url_row(
        "implementation_ledger_add",
        "POST",
        FUNDED + "ledger/",
        reporters(FUNDED + "#ledger"),
        data={
            "kind": "payment",
            "amount": "100",
            "booked_on": str(timezone.localdate()),
            "note": "x",
        },
        state=lambda w, user: LedgerEntry.objects.filter(note="x").exists(),
    ),
    # Proposals and the jury (its evaluators; city admins judge too).
    *proposal_rows(),
    *results_rows(),
    url_row("api:openapi-json", "GET", "/api/v1/openapi.json", everyone(OK)),
]

API = "/api/v1/cities/{city}"
A = "/api/v1/cities/dortmund"
API_ROWS: list[Row] = [
    api_row(API + "/districts", A + "/districts", "districts", everyone(OK)),
    api_row(API + "/hotspots", A + "/hotspots", "hotspots", everyone(OK)),
    api_row(API + "/ideas", A + "/ideas", "ideas", everyone(OK)),
    api_row(API + "/ideas", A + "/ideas?q=ZZ", "ideas", everyone(OK), label="search for hidden"),
    api_row(API + "/ideas.geojson", A + "/ideas.geojson", "ideas_geojson", everyone(OK)),
    api_row(API + "/ideas/{idea_id}", A + "/ideas/{w.idea.pk}", "idea", everyone(OK)),
    api_row(
        API + "/ideas/{idea_id}",
        A + "/ideas/{w.hidden_idea.pk}",
        "idea",
        everyone(NOT_FOUND),
        label="hidden",
    ),
    api_row(
        API + "/ideas/{idea_id}",
        A + "/ideas/{w.pending_idea.pk}",
        "idea",
        everyone(NOT_FOUND),
        label="waiting for pre-moderation",
    ),
    api_row(
        API + "/ideas/{idea_id}",
        A + "/ideas/{w.other_idea.pk}",
        "idea",
        everyone(NOT_FOUND),
        label="another city's idea",
    ),
]
ROWS = URL_ROWS + API_ROWS

# URL groups of third-party packages, exempt from one row per URL (by route prefix). Each has a
# representative row above; none of them may route to a view of ours.
EXEMPT = {
    "admin/": "Django's admin, for system administrators only (config/urls.py): admin:index",
    "accounts/": "allauth's sign-in, sign-up, email and password pages: account_login",
    "i18n/": "Django's language switch (set_language): no data behind it",
    "api/v1/": "django-ninja: its operations are rows by the OpenAPI schema; docs and schema",
}
NOT_EXEMPT = ("accounts/profile/",)  # ours, below allauth's prefix


# --- The URL table is complete ------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    module: str


def routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Route(prefix + str(pattern.pattern), name, pattern.callback.__module__)


def is_exempt(route: Route) -> bool:
    return route.route.startswith(tuple(EXEMPT)) and not route.route.startswith(NOT_EXEMPT)


def test_every_url_has_a_row():
    named = {row.name for row in ROWS}
    ours = [route for route in routes() if not is_exempt(route)]
    assert [route.route for route in ours if route.name is None] == [], "name every URL of ours"
    missing = sorted({route.name for route in ours if route.name not in named})
    assert missing == [], f"URLs without a row in the permission matrix: {missing}"
    # The exempt groups are third-party code: a view of ours there needs a row too.
    ours_in_exempt = [
        route.route
        for route in routes()
        if is_exempt(route) and route.module.startswith("quartier")
    ]
    assert ours_in_exempt == []


def test_every_row_names_a_url_that_exists():
    names = {route.name for route in routes()}
    assert sorted({row.name for row in ROWS} - names) == []
    for row in ROWS:
        # The path template really is the named URL (ids filled with 1).
        path = row.path.split("?")[0]
        for attribute in {part.split("}")[0] for part in path.split("{w.")[1:]}:
            path = path.replace("{w." + attribute + "}", "1")
        assert resolve(path).view_name == row.name, row.id


def test_every_api_operation_has_a_row():
    schema = api.get_openapi_schema()
    methods = {"get", "post", "put", "patch", "delete"}
    operations = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in methods
    }
    covered = {row.operation for row in API_ROWS}
    assert sorted(operations - covered) == [], "API operations without a row"
    assert sorted(covered - operations) == [], "rows of API operations that are gone"  # type: ignore[type-var]


def test_process_urls_run_in_every_phase_and_writes_have_an_effect():
    staged = {row.name for row in ROWS if row.stage_of is not None}
    assert staged == IDEA_STAGE_URLS, "every URL of an idea's work has a row in every stage"
    for row in ROWS:
        phases = set(row.answers)
        if row.name in PROCESS_URLS:
            assert phases == set(PROCESS_PHASES) and row.process, row.id
        elif row.stage_of is not None:
            assert phases == set(Stage.values) and row.name in IDEA_STAGE_URLS, row.id
        else:
            assert phases == {ALWAYS} and row.process is None, row.id
        if row.method == "POST":
            assert row.state is not None, f"{row.id}: a POST row must check its effect"
        for answers in row.answers.values():
            assert set(answers) == set(ROLES), row.id


# --- The matrix -------------------------------------------------------------------------------


def _filled(template: str, world: World) -> str:
    return template.format(w=world)


def _body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())
    text = content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        json.loads(text)  # an API answer is JSON, and its text is what we search
    return text


def _leaks(row: Row, role: str, user: User | None, text: str, world: World) -> list[str]:
    found = []
    if not (row.staff_see_hidden and role in CITY_STAFF):
        own = row.may_see.get(role, frozenset())
        found += [
            f"hidden content {marker}" for marker in MARKERS if marker not in own and marker in text
        ]
    if role not in row.emails_shown_to:
        mine = user.email if user else None
        found += [f"email {email}" for email in world.emails if email != mine and email in text]
    found += [f"vote secret {secret[:12]}…" for secret in world.vote_secrets if secret in text]
    return found


def _location_matches(expected: str, actual: str) -> bool:
    if expected.endswith("*"):
        return actual.startswith(expected[:-1])
    return actual == expected


def _ask(row: Row, role: str, answer: Answer, world: World, client: Client) -> list[str]:
    user = world.users[role]
    path = _filled(row.path, world)
    data = {_filled(key, world): _filled(value, world) for key, value in row.data.items()}
    problems = []
    with transaction.atomic():
        before = row.state(world, user) if row.state else None
        response = client.post(path, data) if row.method == "POST" else client.get(path)
        after = row.state(world, user) if row.state else None
        text = _body_text(response)
        transaction.set_rollback(True)
    if response.status_code != answer.status:
        problems.append(f"status {response.status_code}, expected {answer.status}")
    if answer.location is not None:
        location = response.get("Location", "")
        if not _location_matches(_filled(answer.location, world), location):
            problems.append(f"redirected to {location!r}, expected {answer.location!r}")
    if row.state is not None and (before != after) != answer.allowed:
        happened = "did not happen" if answer.allowed else "happened"
        problems.append(f"the write {happened} ({before!r} -> {after!r})")
    problems += _leaks(row, role, user, text, world)
    problems += [f"{marker} is missing" for marker in row.shows.get(role, ()) if marker not in text]
    return problems


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_permission_matrix(row: Row, world: World, db):
    clients = {role: _client(world, role) for role in ROLES}
    failures = []
    for phase, answers in row.answers.items():
        if row.process is not None:
            phases_move(getattr(world, row.process), phase)
        if row.stage_of is not None:  # as if idea_advance had taken it there
            Idea.objects.filter(pk=getattr(world, row.stage_of).pk).update(stage=phase)
        for role in ROLES:
            for problem in _ask(row, role, answers[role], world, clients[role]):
                failures.append(f"{role}, {phase}: {problem}")
    assert failures == [], f"{row.id} {row.path}\n" + "\n".join(failures)
