"""Every page, walked: no sideways scroll and axe clean (any impact) at 390 px and at 1280 px.

The list of pages comes from the URL configuration: a GET page that is neither walked below
(``VISITS``) nor excluded with a reason (``EXCLUDED``, or a rule of ``excluded_by_rule``) fails
``test_every_page_is_walked_or_excluded``, so a page added later cannot be forgotten.

Each page is filled with real content that is hard to lay out: an idea whose title is 120
characters with a 60-character word, a long comment, a display name without a space, reports in
the moderation queue, an opinion map with groups, a process with three phases. Each role walks
its pages in one browser context (German, as the demo), signed in by a session cookie.
"""

import os
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from e2e.conftest import make_verified_user
from e2e.test_accessibility import NARROW, WIDE, horizontal_overflow, violations
from quartier.tests.test_permission_matrix import POST_ONLY, ROWS, Route, routes

ANONYMOUS = "anonymous"
RESIDENT = "resident"  # the author of the long idea
MODERATOR = "moderator"
CITY_ADMIN = "city admin"
SYSTEM_ADMIN = "system admin"  # created without a password, as `createsuperuser --noinput`
ROLES = (ANONYMOUS, RESIDENT, MODERATOR, CITY_ADMIN, SYSTEM_ADMIN)
NOT_FOUND = "404"  # the error page: not a URL name

# One unbroken 60-character word: German compounds (and pasted links) are that long.
LONG_WORD = "Nachbarschaftsgartenbewässerungsanlagenwartungsvertragsentwurf"[:60]
LONG_TITLE = (LONG_WORD + " für den Borsigplatz und alle Höfe rundherum, bitte bald")[:120]
LONG_NAME = "Maximilianekonstanzevonhohenlimburgbrackelundwickede"  # no space to break at
LONG_URL = "https://www.dortmund.de/" + "unterseite-" * 8 + "ende.html"
D = "/dortmund"
SCREENSHOTS = os.environ.get("WALK_SCREENSHOTS", "")


@dataclass(frozen=True)
class Visit:
    name: str  # the URL's name (or NOT_FOUND)
    role: str
    path: str  # "{...}" filled in from the content
    label: str = ""
    status: int = 200

    @property
    def id(self) -> str:
        return f"{self.name}{' (' + self.label + ')' if self.label else ''} as {self.role}"


VISITS = [
    # Everyone's pages.
    Visit("city_home", ANONYMOUS, D + "/"),
    Visit("city_map", ANONYMOUS, D + "/map/"),
    Visit("idea_list", ANONYMOUS, D + "/ideas/"),
    Visit("idea_list", ANONYMOUS, D + "/ideas/?q=Zeppelinlandeplatz", label="no match"),
    Visit("idea_list", ANONYMOUS, D + "/ideas/?district={empty_district}", label="empty district"),
    Visit("idea_detail", ANONYMOUS, D + "/ideas/{long_idea}/", label="long title"),
    Visit("idea_detail", ANONYMOUS, D + "/ideas/{withdrawn}/", label="withdrawn"),
    Visit("idea_detail", ANONYMOUS, D + "/ideas/{hidden}/", label="hidden", status=410),
    Visit("idea_revisions", ANONYMOUS, D + "/ideas/{long_idea}/versions/"),
    Visit("idea_team", ANONYMOUS, D + "/ideas/{long_idea}/team/"),
    Visit("idea_stage", ANONYMOUS, D + "/ideas/{long_idea}/stage/", label="timeline"),
    Visit("idea_stage", ANONYMOUS, D + "/ideas/{demo_idea}/stage/", label="a checklist"),
    Visit("lab_tests", ANONYMOUS, D + "/ideas/{long_idea}/tests/", label="chart and table"),
    Visit("lab_test", ANONYMOUS, D + "/ideas/{long_idea}/tests/1/", label="with results"),
    Visit("person", ANONYMOUS, D + "/people/{resident_id}/", label="public, long texts"),
    Visit("notifications_unsubscribe", ANONYMOUS, "/notifications/unsubscribe/{unsubscribe}/"),
    Visit(
        "notifications_unsubscribe",
        ANONYMOUS,
        "/notifications/unsubscribe/forged/",
        label="forged",
        status=400,
    ),
    Visit("idea_revisions", RESIDENT, D + "/ideas/{long_idea}/versions/", label="own: restore"),
    Visit("idea_compare", ANONYMOUS, D + "/ideas/{long_idea}/versions/compare/"),
    Visit(
        "idea_compare",
        ANONYMOUS,
        D + "/ideas/{long_idea}/versions/compare/?from=99",
        label="unknown version",
        status=400,
    ),
    Visit("conversation_list", ANONYMOUS, D + "/opinion-maps/"),
    Visit("conversation_detail", ANONYMOUS, D + "/opinion-maps/{demo_map}/"),
    Visit("conversation_detail", ANONYMOUS, D + "/opinion-maps/{long_map}/", label="accounts only"),
    Visit("conversation_results", ANONYMOUS, D + "/opinion-maps/{demo_map}/results/"),
    Visit(
        "conversation_results",
        ANONYMOUS,
        D + "/opinion-maps/{long_map}/results/",
        label="early counts, long texts",
    ),
    Visit(
        "conversation_results",
        ANONYMOUS,
        D + "/opinion-maps/{future_map}/results/",
        label="not yet",
        status=403,
    ),
    Visit("process_list", ANONYMOUS, D + "/processes/"),
    Visit("process_detail", ANONYMOUS, D + "/processes/{process}/"),
    *(
        Visit("legal_page", ANONYMOUS, f"{D}/legal/{kind}/", label=kind)
        for kind in ("impressum", "datenschutz", "nutzungsbedingungen", "barrierefreiheit")
    ),
    Visit(NOT_FOUND, ANONYMOUS, D + "/ideas/999999/", status=404),
    Visit(NOT_FOUND, ANONYMOUS, "/no-such-page/", label="outside a city", status=404),
    # allauth's pages for visitors.
    Visit("account_login", ANONYMOUS, "/accounts/login/"),
    Visit("account_signup", ANONYMOUS, "/accounts/signup/"),
    Visit("account_reset_password", ANONYMOUS, "/accounts/password/reset/"),
    Visit("account_reset_password_done", ANONYMOUS, "/accounts/password/reset/done/"),
    Visit("account_reset_password_from_key", ANONYMOUS, "{reset_key_path}"),
    Visit("account_reset_password_from_key_done", ANONYMOUS, "/accounts/password/reset/key/done/"),
    Visit("account_email_verification_sent", ANONYMOUS, "/accounts/confirm-email/"),
    Visit("account_confirm_email", ANONYMOUS, "{confirm_email_path}"),
    Visit("account_inactive", ANONYMOUS, "/accounts/inactive/"),
    # A resident, the author of the long idea.
    Visit("idea_detail", RESIDENT, D + "/ideas/{long_idea}/", label="own idea"),
    Visit("idea_submit", RESIDENT, D + "/ideas/new/"),
    Visit("idea_edit", RESIDENT, D + "/ideas/{long_idea}/edit/"),
    Visit("idea_team", RESIDENT, D + "/ideas/{long_idea}/team/", label="lead: roles, requests"),
    Visit("person", RESIDENT, D + "/people/{resident_id}/", label="own"),
    Visit("notifications", RESIDENT, "/notifications/", label="with long titles"),
    Visit("idea_stage", RESIDENT, D + "/ideas/{long_idea}/stage/", label="lead: archive form"),
    Visit("lab_test_new", RESIDENT, D + "/ideas/{long_idea}/tests/new/"),
    Visit("lab_test", RESIDENT, D + "/ideas/{long_idea}/tests/1/", label="lead: results form"),
    Visit("lab_test", CITY_ADMIN, D + "/ideas/{lab_idea}/tests/1/", label="tester: feedback form"),
    Visit("idea_withdraw", RESIDENT, D + "/ideas/{long_idea}/withdraw/"),
    Visit("conversation_detail", RESIDENT, D + "/opinion-maps/{long_map}/", label="long texts"),
    Visit("report_content", RESIDENT, D + "/report/idea/{demo_idea}/", label="idea"),
    Visit("report_content", RESIDENT, D + "/report/comment/{long_comment}/", label="comment"),
    Visit("report_content", RESIDENT, D + "/report/statement/{long_statement}/", label="statement"),
    Visit("legal_consent", RESIDENT, D + "/legal/consent/"),
    Visit("profile", RESIDENT, "/accounts/profile/"),
    Visit("account_email", RESIDENT, "/accounts/email/"),
    Visit("account_change_password", RESIDENT, "/accounts/password/change/"),
    Visit("account_reauthenticate", RESIDENT, "/accounts/reauthenticate/"),
    Visit("account_logout", RESIDENT, "/accounts/logout/"),  # GET asks; only POST signs out
    # The city's moderators.
    Visit("moderation_queue", MODERATOR, D + "/moderation/"),
    Visit("moderation_queue", MODERATOR, D + "/moderation/?resolved=1", label="resolved"),
    Visit("audit_log", MODERATOR, D + "/moderation/log/"),
    Visit("idea_detail", MODERATOR, D + "/ideas/{long_idea}/", label="with moderation"),
    Visit("idea_team", MODERATOR, D + "/ideas/{long_idea}/team/", label="own request waiting"),
    Visit("idea_submit", MODERATOR, D + "/ideas/new/?analog=1", label="paper card"),
    Visit("conversation_new", MODERATOR, D + "/opinion-maps/new/"),
    Visit("conversation_moderation", MODERATOR, D + "/opinion-maps/{long_map}/moderation/"),
    # The city's administrators.
    Visit("city_roles", CITY_ADMIN, D + "/roles/"),
    Visit("moderation_queue", CITY_ADMIN, D + "/moderation/", label="with pre-moderation"),
    Visit("legal_page_edit", CITY_ADMIN, D + "/legal/impressum/edit/", label="impressum"),
    Visit(
        "legal_page_edit", CITY_ADMIN, D + "/legal/barrierefreiheit/edit/", label="barrierefreiheit"
    ),
    Visit(
        "conversation_new", CITY_ADMIN, D + "/opinion-maps/new/?idea={long_idea}", label="on idea"
    ),
    # The system administrator, without a password yet.
    Visit("account_set_password", SYSTEM_ADMIN, "/accounts/password/set/"),
    Visit("city_home", SYSTEM_ADMIN, D + "/", label="staff navigation"),
    # A prize-money vote's proposals (the demo's vote, in its proposal phase).
    Visit("budget_proposals", ANONYMOUS, D + "/prize-money/{prize_vote}/proposals/"),
    Visit(
        "budget_proposals",
        ANONYMOUS,
        D + "/prize-money/{prize_vote}/proposals/?district={empty_district}",
        label="empty district",
    ),
    Visit(
        "budget_proposals",
        ANONYMOUS,
        D + "/prize-money/{prize_vote}/proposals/?status=won",
        label="a bad filter",
        status=400,
    ),
    Visit(
        "budget_proposal",
        ANONYMOUS,
        D + "/prize-money/{prize_vote}/proposals/{long_proposal}/",
        label="long, reviewed, merged from",
    ),
    Visit(
        "budget_proposal",
        ANONYMOUS,
        D + "/prize-money/{prize_vote}/proposals/{infeasible_proposal}/",
        label="not feasible",
    ),
    Visit(
        "budget_propose",
        RESIDENT,
        D + "/prize-money/{prize_vote}/propose/?idea={long_idea}",
        label="from an idea",
    ),
    Visit("budget_vote", ANONYMOUS, D + "/prize-money/{prize_vote}/vote/", label="not open yet"),
    Visit("budget_vote", RESIDENT, D + "/prize-money/{assen_vote}/vote/", label="closed"),
    Visit("budget_review_queue", CITY_ADMIN, D + "/prize-money/{prize_vote}/review/"),
    Visit("idea_evaluation_queue", CITY_ADMIN, D + "/ideas/evaluation/"),
    Visit("idea_stage", CITY_ADMIN, D + "/ideas/{long_idea}/stage/", label="the jury's forms"),
    Visit("idea_rules", CITY_ADMIN, D + "/ideas/rules/"),
    # Results: the demo's real past vote (Assen 2024); paper ballots and the close for staff.
    Visit("budget_results", ANONYMOUS, D + "/prize-money/{assen_vote}/results/"),
    Visit("budget_receipt", ANONYMOUS, D + "/prize-money/{assen_vote}/results/receipt/"),
    # Carrying out the funded projects of the counted vote.
    Visit("implementation_overview", ANONYMOUS, D + "/prize-money/{assen_vote}/implementation/"),
    Visit(
        "implementation_overview",
        ANONYMOUS,
        D + "/prize-money/{prize_vote}/implementation/",
        label="not counted yet",
    ),
    Visit(
        "implementation_project",
        CITY_ADMIN,
        D + "/prize-money/{assen_vote}/implementation/{funded_proposal}/",
        label="with the reporting forms",
    ),
    Visit(
        "implementation_project",
        ANONYMOUS,
        D + "/prize-money/{assen_vote}/implementation/{funded_proposal}/",
    ),
    Visit("budget_paper", CITY_ADMIN, D + "/prize-money/{prize_vote}/paper/", label="flagged"),
    Visit("budget_close", CITY_ADMIN, D + "/prize-money/{prize_vote}/close/", label="not yet"),
    Visit("budget_close", CITY_ADMIN, D + "/prize-money/{assen_vote}/close/", label="counted"),
    Visit("budget_review", CITY_ADMIN, D + "/prize-money/{prize_vote}/review/{long_proposal}/"),
    # Setting up a prize-money vote: the public overview, the administrators' pages.
    Visit("budget_overview", ANONYMOUS, D + "/prize-money/{prize_vote}/"),
    Visit("budget_overview", CITY_ADMIN, D + "/prize-money/{prize_vote}/", label="staff links"),
    Visit("budget_overview", ANONYMOUS, D + "/prize-money/{process}/", label="long title"),
    Visit("budget_new", CITY_ADMIN, D + "/prize-money/new/"),
    Visit("budget_settings", CITY_ADMIN, D + "/prize-money/{prize_vote}/settings/"),
    Visit("budget_pots", CITY_ADMIN, D + "/prize-money/{prize_vote}/pots/"),
    Visit(
        "budget_pots",
        CITY_ADMIN,
        D + "/prize-money/{prize_vote}/pots/?total=1000000&unit=100",
        label="the calculator",
    ),
    Visit("budget_pot_edit", CITY_ADMIN, D + "/prize-money/{prize_vote}/pots/{prize_pot}/"),
    Visit("budget_codes", CITY_ADMIN, D + "/prize-money/{prize_vote}/codes/"),
    Visit(
        "budget_batch_void", CITY_ADMIN, D + "/prize-money/{prize_vote}/codes/{prize_batch}/void/"
    ),
]

EXCLUDED = {
    "health": "a plain-text answer for the load balancer, not a page",
    "set_language": "Django's language switch: a form target that redirects, no page",
    "account_request_reauthentication_code": "sign-in by code is off (allauth: not found)",
    "account_confirm_reauthentication_code": "sign-in by code is off (allauth: not found)",
    "account_confirm_login_code": "sign-in by code is off (allauth: not found)",
    "budget_results_pb": "a download (the pabulib .pb text file), not a page",
    "idea_similar": "an HTML fragment the idea form loads while typing (its e2e test checks it)",
}


def excluded_by_rule(route: Route) -> str | None:
    """Why a route is no page to walk, by a rule that also covers routes added later."""
    name = route.name or ""
    if name.startswith("admin:") or route.route.startswith("admin/"):
        return "Django's admin: system administrators only, in Django's own design"
    if name.startswith("api:"):
        return "the JSON API and its schema documentation (schemathesis checks it)"
    if route.route.endswith((".zip", ".csv", ".json", ".geojson")) or "export" in name:
        return "a download, not a page"
    answers = [
        answer
        for row in ROWS
        if row.name == name and row.method == "GET"
        for by_role in row.answers.values()
        for answer in by_role.values()
    ]
    if answers and all(answer == POST_ONLY for answer in answers):
        return "POST only: the permission matrix answers 405 to a GET"
    if answers and all(300 <= answer.status < 400 for answer in answers):
        return "a redirect for everyone (the permission matrix): its target is walked"
    return None


def test_every_page_is_walked_or_excluded():
    all_routes = list(routes())
    walked = {visit.name for visit in VISITS} - {NOT_FOUND}
    forgotten = [
        f"{route.route} ({route.name})"
        for route in all_routes
        if route.name not in walked
        and route.name not in EXCLUDED
        and excluded_by_rule(route) is None
    ]
    assert forgotten == [], "walk these pages in VISITS or exclude them with a reason"
    names = {route.name for route in all_routes}
    assert sorted((walked | set(EXCLUDED)) - names) == [], "names of URLs that are gone"
    assert sorted(walked & set(EXCLUDED)) == [], "walked and excluded at once"
    ruled = {route.name for route in all_routes if excluded_by_rule(route)}
    assert sorted(walked & ruled) == [], "walked, though a rule says it is no page"
    assert {visit.role for visit in VISITS} == set(ROLES)


# --- The content ---------------------------------------------------------------------------------


def content_build() -> tuple[dict, dict[str, object]]:
    """The signed-in roles' accounts, and demo objects for the URL parameters: the hard cases
    for the layout."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    from quartier.accounts.models import User
    from quartier.cities.models import City
    from quartier.deliberation.models import Conversation
    from quartier.deliberation.services import (
        conversation_open,
        conversation_recompute,
        participant_join,
        statement_submit,
        vote_cast,
    )
    from quartier.ideas import lifecycle, teams
    from quartier.ideas.models import Idea
    from quartier.ideas.services import (
        comment_add,
        comment_resolve,
        idea_submit,
        idea_update,
        idea_withdraw,
    )
    from quartier.labs import services as labs
    from quartier.labs.tests.lab_helpers import lab_plan, through_the_lab
    from quartier.moderation.services import content_hide, premoderation_set, report_create
    from quartier.notifications import services as notifications
    from quartier.participation.services import PhaseSpec, process_create

    city = City.objects.get(slug="dortmund")
    resident = make_verified_user("resi@example.org", "Resi")
    neighbour = make_verified_user("nachbar@example.org", LONG_NAME)
    moderator = make_verified_user("moderation@example.org", LONG_NAME[:40], role="moderator")
    admin = make_verified_user("stadt@example.org", "Stadtverwaltung", role="admin")
    root = User.objects.create_superuser(email="root@example.org", display_name="Root")
    EmailAddress.objects.create(user=root, email=root.email, verified=True, primary=True)
    newcomer = User.objects.create_user(email="neu@example.org", display_name="Neu")
    unconfirmed = EmailAddress.objects.create(user=newcomer, email=newcomer.email, primary=True)

    demo_idea = Idea.objects.earliest("id")

    def submit(author, title: str, summary: str, description: str) -> Idea:
        return idea_submit(
            city=city, author=author, title=title, summary=summary, description=description,
            kind="social", innovator_type="resident", lat=demo_idea.lat, lon=demo_idea.lon,
        )  # fmt: skip

    long_idea = submit(
        resident,
        LONG_TITLE,
        f"{LONG_WORD} – {LONG_WORD}. Mehr unter {LONG_URL}",
        f"## {LONG_WORD}\n\n{LONG_WORD * 2}\n\n{LONG_URL}\n\n`{LONG_WORD}`",
    )
    idea_update(
        idea=long_idea,
        title=LONG_TITLE,
        summary=long_idea.summary,
        description=long_idea.description + f"\n\nErgänzt: {LONG_WORD}",
        kind="ecological",
        lat=demo_idea.lat,
        lon=demo_idea.lon,
        editor=resident,
        note=f"Ergänzt um {LONG_WORD}",
    )
    long_comment = comment_add(
        idea=long_idea, author=neighbour, body=f"{LONG_WORD}{LONG_WORD} – siehe {LONG_URL} " * 3
    )
    comment_add(idea=long_idea, author=resident, body=LONG_WORD, parent=long_comment)
    # A question still open (its author sees the form to mark it answered) and an answered
    # concern that links the version answering it.
    comment_add(idea=long_idea, author=neighbour, body=f"Wer pflegt {LONG_WORD}?", kind="question")
    concern = comment_add(idea=long_idea, author=neighbour, body="Zu laut?", kind="concern")
    comment_resolve(comment=concern, actor=resident, revision_number=2)
    withdrawn = submit(resident, "Ein Bücherschrank", "Bücher zum Tauschen.", "-")
    idea_withdraw(idea=withdrawn, user=resident, reason=f"Gibt es schon: {LONG_URL}")
    # A team: the neighbour (long name) works on the long idea with a long role; a long open
    # role; a request with a long message waits for the resident, who leads.
    role = teams.open_role_publish(
        idea=long_idea, actor=resident, title=LONG_WORD[:80], skills=f"{LONG_WORD} {LONG_URL}"[:200]
    )
    asked = teams.join_ask(idea=long_idea, user=neighbour, role=role, message=LONG_WORD)
    teams.join_decide(request=asked, actor=resident, accept=True)
    teams.join_ask(idea=long_idea, user=moderator, message=f"{LONG_WORD} {LONG_URL}")
    # Its life: through the discussion and the test to the jury, with long reasons.
    lifecycle.rules_save(city=city, actor=admin, discussion_team_size=2, discussion_supports=0)
    through_the_lab(long_idea, lead=resident, tester=admin, reason=f"{LONG_WORD} {LONG_URL}")
    # A test running, with long questions, that the city's administrator tests (the form).
    lab_idea = submit(resident, "Schattenbank", "Eine Bank im Schatten.", "-")
    lab_run = labs.lab_test_plan(
        idea=lab_idea,
        actor=resident,
        plan=lab_plan(
            questions=[f"{LONG_WORD}?", "Würden Sie wiederkommen?"],
            lat=demo_idea.lat,
            lon=demo_idea.lon,
        ),
    )
    labs.tester_signup(test=lab_run, user=admin)
    # Notifications with long titles for the resident (made at once: no worker here).
    for event in ("comment", "stage", "join_request"):
        notifications.fan_out_run(
            city_id=city.pk, event=event, category="comments", title=LONG_TITLE,
            url=f"/dortmund/ideas/{long_idea.pk}/", topics=[], user_ids=[resident.pk],
            exclude_id=None,
        )  # fmt: skip
    resident.profile_public, resident.profile_about = True, f"{LONG_WORD} {LONG_URL}"[:300]
    resident.save(update_fields=["profile_public", "profile_about"])
    hidden = submit(neighbour, "Werbung", "Kaufen!", "-")
    content_hide(target=hidden, moderator=moderator, reason=f"Werbung {LONG_WORD}")

    # The demo's opinion map with two groups of four, and results computed.
    demo_map = Conversation.objects.get(city=city, allow_anonymous=True)
    statements = list(demo_map.statements.filter(status="accepted").order_by("id"))
    for number in range(8):
        voter = make_verified_user(f"stimme{number}@example.org", f"Stimme {number}")
        participant = participant_join(conversation=demo_map, user=voter)
        for position, statement in enumerate(statements):
            agree = (position % 2 == 0) == (number < 4)
            vote_cast(participant=participant, statement=statement, choice=1 if agree else -1)
    conversation_recompute(conversation_id=demo_map.pk)

    # A map on the long idea with long statements, one waiting for review.
    long_map = conversation_open(
        city=city,
        creator=resident,
        idea=long_idea,
        question=f"Wie finden Sie den {LONG_WORD}?",
        description=f"{LONG_WORD} {LONG_URL}",
        seed_statements=[f"{LONG_WORD} ist gut.", f"{LONG_WORD} ist zu teuer."],
    )
    speaker = participant_join(conversation=long_map, user=neighbour)
    long_statement = long_map.statements.earliest("id")
    for statement in long_map.statements.all():
        vote_cast(participant=speaker, statement=statement, choice=1)
    conversation_recompute(conversation_id=long_map.pk)  # one voter: counts, no groups yet
    statement_submit(participant=speaker, text=f"{LONG_WORD}{LONG_WORD} wartet.")
    now = timezone.now()
    future_map = conversation_open(
        city=city, creator=moderator, question="Später?", opens_at=now + timedelta(days=3)
    )

    prize = {
        **_prize_money_proposals(city, resident, admin, long_idea),
        **_prize_money_setup(city, admin),
    }

    prize.update(_prize_money_results(city, admin, root, prize))

    # Reports for the queue (long details), and a comment waiting for pre-moderation.
    report_create(reporter=neighbour, target=demo_idea, reason="spam", details=LONG_WORD * 5)
    report_create(reporter=resident, target=long_comment, reason="abuse", details=LONG_URL)
    report_create(reporter=neighbour, target=long_statement, reason="personal_data")
    premoderation_set(city=city, enabled=True, actor=admin)
    comment_add(idea=long_idea, author=neighbour, body=f"Wartet: {LONG_WORD} {LONG_URL}")

    days = timedelta(days=1)
    process = process_create(
        city=city,
        kind="prize_money",
        title=f"Quartiersgeld {LONG_WORD}",
        description=f"Zehntausend Euro für Ideen. {LONG_URL}",
        creator=admin,
        phases=[
            PhaseSpec("Vorschläge", now - 30 * days, now - 10 * days, ["propose"]),
            PhaseSpec(LONG_WORD, now - 10 * days, now + 5 * days, ["review"]),
            PhaseSpec("Abstimmung", now + 5 * days, None, ["vote", "show_results"]),
        ],
    )
    reset_key_path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(resident),
            "key": default_token_generator.make_token(resident),
        },
    )
    confirm_email_path = reverse(
        "account_confirm_email", args=[EmailConfirmationHMAC(unconfirmed).key]
    )
    users = {RESIDENT: resident, MODERATOR: moderator, CITY_ADMIN: admin, SYSTEM_ADMIN: root}
    return users, {
        "demo_idea": demo_idea.pk,
        "empty_district": city.districts.exclude(ideas__isnull=False).order_by("name")[0].slug,
        "long_idea": long_idea.pk,
        "resident_id": resident.pk,
        "lab_idea": lab_idea.pk,
        "unsubscribe": notifications.unsubscribe_token(user_id=resident.pk, category="comments"),
        "long_comment": long_comment.pk,
        "withdrawn": withdrawn.pk,
        "hidden": hidden.pk,
        "demo_map": demo_map.pk,
        "long_map": long_map.pk,
        "long_statement": long_statement.pk,
        "future_map": future_map.pk,
        "process": process.pk,
        **prize,
        "reset_key_path": reset_key_path,
        "confirm_email_path": confirm_email_path,
    }


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- The walk ------------------------------------------------------------------------------------


def problems_of(page, visit: Visit, url: str) -> list[str]:
    """What is wrong with one page: its status and language, sideways scroll and axe at 390 px
    and at 1280 px."""
    page.set_viewport_size(NARROW)
    response = page.goto(url)
    # Only the maps fetch after the load (tiles, districts, ideas): waiting for the network to
    # go quiet costs half a second a page, so the other pages do not wait for it.
    if page.locator("[data-quartier-map]").count():
        page.wait_for_load_state("networkidle")
    # What is folded away (the phases, a reply box, the statement form) is checked unfolded.
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    problems = []
    status = response.status if response is not None else None
    if status != visit.status:
        problems.append(f"status {status}, not {visit.status} ({page.url})")
    language = page.evaluate("document.documentElement.lang")
    if not language.startswith("de"):
        problems.append(f"in {language!r}, not German")
    problems += [f"390 px, sticks out: {element}" for element in horizontal_overflow(page)]
    if SCREENSHOTS:  # to look at the phone layout by eye: WALK_SCREENSHOTS=/some/dir
        name = re.sub(r"[^\w]+", "-", visit.id).strip("-")
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
    problems += [f"390 px, axe: {violation}" for violation in violations(page)]
    page.set_viewport_size(WIDE)
    problems += [f"1280 px, sticks out: {element}" for element in horizontal_overflow(page)]
    problems += [f"1280 px, axe: {violation}" for violation in violations(page)]
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(browser, demo, role):
    users, content = content_build()
    context = browser.new_context(locale="de-DE", viewport=NARROW)
    context.set_default_timeout(15_000)
    user = users.get(role)
    if user is not None:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie(user),
                    "url": demo.url,
                }
            ]
        )
    page = context.new_page()
    found: dict[str, list[str]] = {}
    visits = [visit for visit in VISITS if visit.role == role]
    # Signing out is asked last, should the page ever sign out on GET.
    visits.sort(key=lambda visit: visit.name == "account_logout")
    for visit in visits:
        url = demo.url + visit.path.format(**content)
        problems = problems_of(page, visit, url)
        if problems:
            found[f"{visit.id}: {url}"] = problems
    context.close()
    report = "\n".join(
        f"{where}\n" + "\n".join(f"  - {problem}" for problem in problems)
        for where, problems in found.items()
    )
    assert found == {}, report


def _prize_money_setup(city, admin) -> dict[str, int]:
    """The demo vote's set-up pages: a batch of codes with a long label, its city-wide pot."""
    from quartier.budgeting import services as budgeting
    from quartier.budgeting.models import Pot
    from quartier.participation.models import Process

    vote = Process.objects.get(city=city, kind="prize_money", options__is_example=True)
    district = city.districts.order_by("name")[0]
    batch, _codes = budgeting.codes_issue(
        process=vote, actor=admin, count=3, district=district, label=LONG_WORD * 2
    )
    return {
        "prize_pot": Pot.objects.get(process=vote, district__isnull=True).pk,
        "prize_batch": batch.pk,
    }


def _prize_money_results(city, admin, root, prize) -> dict[str, int]:
    """The demo's imported Assen vote, and a paper sheet of the demo's vote whose two entries
    differ (a long sheet number)."""
    from quartier.budgeting import services as budgeting
    from quartier.budgeting.demo import ASSEN_FILE
    from quartier.budgeting.models import Proposal
    from quartier.budgeting.selectors import imported_vote

    assen = imported_vote(city=city, source=ASSEN_FILE.name)
    long_proposal = Proposal.objects.get(pk=prize["long_proposal"])
    other = (
        Proposal.objects.filter(pot=long_proposal.pot, status="feasible")
        .exclude(pk=long_proposal.pk)
        .first()
    )
    for person, proposal in ((admin, long_proposal), (root, other or long_proposal)):
        budgeting.paper_ballot_enter(
            process=long_proposal.process,
            pot=long_proposal.pot,
            number=LONG_WORD[:40],
            entered_by=person,
            choices=[(proposal.pk, 1)],
        )
    return {"assen_vote": assen.pk, **_implementation(assen, admin)}


def _implementation(vote, admin) -> dict[str, int]:
    """A funded project of the counted vote with a long milestone, update and ledger note."""
    from django.utils import timezone

    from quartier.budgeting.funded import funded_projects
    from quartier.implementation import services as implementation

    funded = funded_projects(process=vote)[0]
    implementation.milestone_add(funded=funded, actor=admin, title=LONG_TITLE)
    implementation.update_post(
        funded=funded, author=admin, text=f"## {LONG_WORD}\n\n{LONG_URL}", progress=40
    )
    implementation.ledger_book(
        funded=funded,
        actor=admin,
        kind="payment",
        amount=1_234_567,
        booked_on=timezone.localdate(),
        note=LONG_WORD,
    )
    return {"funded_proposal": funded.proposal.pk}


def _prize_money_proposals(city, resident, admin, long_idea) -> dict[str, int]:
    """The demo's vote with hard cases: a long proposal from the long idea, reviewed at a lower
    cost, with one merged into it, and one not feasible with a long reason."""
    from quartier.budgeting import services as budgeting
    from quartier.budgeting.models import Pot
    from quartier.cities.services import district_for_idea_location
    from quartier.participation.models import Process

    vote = Process.objects.get(city=city, kind="prize_money", options__is_example=True)
    district = district_for_idea_location(city=city, lat=long_idea.lat, lon=long_idea.lon)
    pot = Pot.objects.get(process=vote, district=district)

    def propose(title: str, **place):
        return budgeting.proposal_submit(
            process=vote, author=resident, pot=pot, title=title,
            description=f"## {LONG_WORD}\n\n{LONG_WORD * 2}\n\n{LONG_URL}", estimate=12_500,
            **place,
        )  # fmt: skip

    long_proposal = propose(LONG_TITLE, idea=long_idea, lat=long_idea.lat, lon=long_idea.lon)
    budgeting.proposal_review(
        proposal=long_proposal, reviewer=admin, feasible=True, reason=LONG_WORD, cost=9_800
    )
    twin = propose(f"{LONG_WORD} noch einmal")
    budgeting.proposal_merge(proposal=twin, into=long_proposal, reviewer=admin, reason=LONG_URL)
    infeasible = propose(f"{LONG_WORD} auf Privatgrund")
    budgeting.proposal_review(
        proposal=infeasible, reviewer=admin, feasible=False, reason=f"{LONG_WORD} {LONG_URL}"
    )
    return {
        "prize_vote": vote.pk,
        "long_proposal": long_proposal.pk,
        "infeasible_proposal": infeasible.pk,
    }
