"""Two cities on one installation: a city's staff act in their city only; system admins in both.

Dortmund (the demo) and Musterstadt (one square district) each get a moderator, an
administrator and the same content: an idea, a reported comment, a hidden comment, a comment and
an idea waiting for pre-moderation, an opinion map with a statement. Each city's staff then try
everything on the other city, by URL and by service, in both directions.
"""

from dataclasses import dataclass

import pytest

from quartier.accounts.models import User
from quartier.cities.models import City
from quartier.conftest import BORSIGPLATZ, make_user
from quartier.core.errors import PermissionDenied
from quartier.deliberation.models import Conversation, Statement
from quartier.deliberation.services import conversation_open, statement_moderate
from quartier.ideas.models import Comment, Idea
from quartier.ideas.services import comment_add, idea_submit
from quartier.moderation.models import Report
from quartier.moderation.selectors import awaiting_review, report_groups
from quartier.moderation.services import (
    content_approve,
    content_hide,
    content_reject,
    content_unhide,
    premoderation_set,
    report_create,
    reports_dismiss,
)
from quartier.participation.models import AuditEntry, CityRole
from quartier.participation.permissions import (
    can_administer_city,
    can_manage_roles,
    can_moderate,
    can_view_audit_log,
)
from quartier.participation.selectors import audit_log
from quartier.participation.services import role_grant, role_revoke

from .conftest import MUSTERSTADT_CENTRE


@dataclass
class CityContent:
    slug: str
    moderator: User
    admin: User
    moderator_role: CityRole
    idea: Idea
    comment: Comment  # reported
    hidden_comment: Comment
    pending_comment: Comment
    pending_idea: Idea
    conversation: Conversation
    statement: Statement
    report_details: str
    hide_reason: str


def _content(city, *, at, author: User, reporter: User) -> CityContent:
    name = city.name
    moderator = make_user(f"mod@{city.slug}.example", name=f"Moderation {name}")
    admin = make_user(f"admin@{city.slug}.example", name=f"Admin {name}")
    moderator_role = CityRole.objects.create(city=city, user=moderator, role="moderator")
    CityRole.objects.create(city=city, user=admin, role="admin")

    def idea(title: str) -> Idea:
        return idea_submit(
            city=city,
            author=author,
            title=title,
            summary="Summary.",
            description="Description.",
            kind="social",
            innovator_type="resident",
            lat=at[0],
            lon=at[1],
        )

    public_idea = idea(f"Bench in {name}")
    comment = comment_add(idea=public_idea, author=author, body=f"Comment in {name}")
    report_details = f"Report details from {name}"
    report_create(reporter=reporter, target=comment, reason="abuse", details=report_details)
    hide_reason = f"{name} netiquette, rule 2"
    hidden_comment = comment_add(idea=public_idea, author=author, body=f"Rude in {name}")
    content_hide(target=hidden_comment, moderator=moderator, reason=hide_reason)
    premoderation_set(city=city, enabled=True, actor=admin)
    pending_idea = idea(f"Waiting idea in {name}")
    pending_comment = comment_add(idea=public_idea, author=author, body=f"Waiting in {name}")
    premoderation_set(city=city, enabled=False, actor=admin)
    city.refresh_from_db()
    conversation = conversation_open(
        city=city,
        creator=moderator,
        question=f"Shade in {name}?",
        seed_statements=[f"Shade matters in {name}.", "Sun matters."],
    )
    return CityContent(
        slug=city.slug,
        moderator=moderator,
        admin=admin,
        moderator_role=moderator_role,
        idea=public_idea,
        comment=comment,
        hidden_comment=hidden_comment,
        pending_comment=pending_comment,
        pending_idea=pending_idea,
        conversation=conversation,
        statement=conversation.statements.get(text=f"Shade matters in {name}."),
        report_details=report_details,
        hide_reason=hide_reason,
    )


@pytest.fixture
def cities(dortmund, musterstadt, resident, neighbour) -> dict[str, CityContent]:
    return {
        "dortmund": _content(dortmund, at=BORSIGPLATZ, author=resident, reporter=neighbour),
        "musterstadt": _content(
            musterstadt, at=MUSTERSTADT_CENTRE, author=resident, reporter=neighbour
        ),
    }


BOTH_WAYS = pytest.mark.parametrize(
    ("own", "other"), [("dortmund", "musterstadt"), ("musterstadt", "dortmund")]
)


def snapshot(content: CityContent) -> dict:
    """Everything a moderator's act could change in a city's content."""
    ideas = (content.idea, content.pending_idea)
    comments = (content.comment, content.hidden_comment, content.pending_comment)
    return {
        "ideas": list(
            Idea.objects.filter(pk__in=[i.pk for i in ideas])
            .order_by("pk")
            .values_list("pk", "hidden_at", "hidden_reason", "awaiting_review")
        ),
        "comments": list(
            Comment.objects.filter(pk__in=[c.pk for c in comments])
            .order_by("pk")
            .values_list("pk", "hidden_at", "hidden_reason", "awaiting_review")
        ),
        "statements": list(
            content.conversation.statements.order_by("pk").values_list("pk", "status", "is_meta")
        ),
        "open reports": Report.objects.filter(city__slug=content.slug, resolved_at=None).count(),
        "audit entries": AuditEntry.objects.filter(city__slug=content.slug).count(),
        "premoderation": City.objects.get(slug=content.slug).premoderation,
        "roles": list(
            CityRole.objects.filter(city__slug=content.slug).order_by("pk").values_list("pk")
        ),
    }


def test_roles_hold_in_their_own_city_only(cities, system_admin):
    dortmund, musterstadt = cities["dortmund"], cities["musterstadt"]
    for mine, theirs in ((dortmund, musterstadt), (musterstadt, dortmund)):
        own_city, other_city = mine.idea.city, theirs.idea.city
        assert can_moderate(user=mine.moderator, city=own_city)
        assert not can_moderate(user=mine.moderator, city=other_city)
        assert not can_view_audit_log(user=mine.moderator, city=other_city)
        assert can_administer_city(user=mine.admin, city=own_city)
        assert not can_administer_city(user=mine.admin, city=other_city)
        assert not can_moderate(user=mine.admin, city=other_city)
        assert not can_manage_roles(user=mine.admin, city=other_city)
        assert can_moderate(user=system_admin, city=own_city)
        assert can_manage_roles(user=system_admin, city=own_city)


@BOTH_WAYS
def test_a_moderator_cannot_open_the_other_citys_moderation_pages(client, cities, own, other):
    mine, theirs = cities[own], cities[other]
    client.force_login(mine.moderator)
    assert client.get(f"/{own}/moderation/").status_code == 200
    assert client.get(f"/{own}/moderation/log/").status_code == 200
    for page in (
        "moderation/",
        "moderation/?resolved=1",
        "moderation/log/",
        "roles/",
        f"opinion-maps/{theirs.conversation.pk}/moderation/",
    ):
        response = client.get(f"/{other}/{page}")
        assert response.status_code == 404, page
        assert theirs.report_details not in response.content.decode()


@BOTH_WAYS
def test_a_moderator_cannot_act_on_the_other_citys_content_by_url(client, cities, own, other):
    mine, theirs = cities[own], cities[other]
    before = snapshot(theirs)
    client.force_login(mine.moderator)
    acts = [
        ("comment", theirs.comment, "hide"),
        ("comment", theirs.hidden_comment, "unhide"),
        ("comment", theirs.comment, "dismiss"),
        ("comment", theirs.pending_comment, "approve"),
        ("comment", theirs.pending_comment, "reject"),
        ("idea", theirs.idea, "hide"),
        ("idea", theirs.pending_idea, "approve"),
        ("statement", theirs.statement, "hide"),
    ]
    for kind, target, action in acts:
        # In the other city's URL, and with the other city's id in the own city's URL.
        for slug in (other, own):
            url = f"/{slug}/moderation/{kind}/{target.pk}/{action}/"
            response = client.post(url, {"reason": "Not yours"})
            assert response.status_code == 404, url
    response = client.post(f"/{other}/moderation/pre-moderation/", {"enabled": "1"})
    assert response.status_code == 404
    # The buttons on the idea page go through the same services.
    idea_url = f"/{other}/ideas/{theirs.idea.pk}/"
    assert client.post(idea_url + "hide/", {"reason": "Not yours"}).url == idea_url
    response = client.post(idea_url + f"comments/{theirs.comment.pk}/hide/", {"reason": "No"})
    assert response.url == idea_url + f"#comment-{theirs.comment.pk}"
    response = client.post(
        f"/{other}/opinion-maps/{theirs.conversation.pk}/moderation/",
        {"statement": theirs.statement.pk, "status": "rejected"},
    )
    assert response.status_code == 404
    assert snapshot(theirs) == before


@BOTH_WAYS
def test_a_moderator_cannot_act_on_the_other_citys_content_by_service(cities, own, other):
    mine, theirs = cities[own], cities[other]
    before = snapshot(theirs)
    moderator = mine.moderator
    acts = {
        "hide": lambda: content_hide(target=theirs.comment, moderator=moderator, reason="No"),
        "unhide": lambda: content_unhide(target=theirs.hidden_comment, moderator=moderator),
        "dismiss": lambda: reports_dismiss(
            target=theirs.comment, moderator=moderator, resolution="No"
        ),
        "approve": lambda: content_approve(target=theirs.pending_comment, moderator=moderator),
        "reject": lambda: content_reject(
            target=theirs.pending_idea, moderator=moderator, reason="No"
        ),
        "hide an idea": lambda: content_hide(target=theirs.idea, moderator=moderator, reason="No"),
        "hide a statement": lambda: content_hide(
            target=theirs.statement, moderator=moderator, reason="No"
        ),
        "moderate a statement": lambda: statement_moderate(
            statement=theirs.statement, moderator=moderator, status="rejected"
        ),
        "pre-moderation": lambda: premoderation_set(
            city=theirs.idea.city, enabled=True, actor=moderator
        ),
    }
    allowed = []
    for name, act in acts.items():
        try:
            act()
        except PermissionDenied:
            continue
        allowed.append(name)
    assert allowed == []
    assert snapshot(theirs) == before


@BOTH_WAYS
def test_a_city_admin_cannot_manage_the_other_citys_roles_or_pre_moderation(
    client, cities, own, other, resident
):
    mine, theirs = cities[own], cities[other]
    before = snapshot(theirs)
    client.force_login(mine.admin)
    assert client.get(f"/{own}/roles/").status_code == 200
    assert client.get(f"/{other}/roles/").status_code == 404
    grant = {"email": resident.email, "role": "moderator"}
    assert client.post(f"/{other}/roles/", grant).status_code == 404
    for slug in (other, own):
        revoke = f"/{slug}/roles/{theirs.moderator_role.pk}/revoke/"
        assert client.post(revoke).status_code == 404, revoke
    assert client.post(f"/{other}/moderation/pre-moderation/", {"enabled": "1"}).status_code == 404
    assert client.get(f"/{other}/moderation/log/").status_code == 404
    other_city = theirs.idea.city
    with pytest.raises(PermissionDenied):
        role_grant(city=other_city, user=resident, role="moderator", granted_by=mine.admin)
    with pytest.raises(PermissionDenied):
        role_revoke(city_role=theirs.moderator_role, revoked_by=mine.admin)
    with pytest.raises(PermissionDenied):
        premoderation_set(city=other_city, enabled=True, actor=mine.admin)
    with pytest.raises(PermissionDenied):
        content_hide(target=theirs.comment, moderator=mine.admin, reason="No")
    assert snapshot(theirs) == before


def test_a_system_admin_moderates_both_cities(client, cities, system_admin):
    client.force_login(system_admin)
    for slug, content in cities.items():
        for page in ("moderation/", "moderation/log/", "roles/"):
            assert client.get(f"/{slug}/{page}").status_code == 200, (slug, page)
        act = f"/{slug}/moderation/comment/"
        client.post(f"{act}{content.comment.pk}/dismiss/", {"reason": "Fine"})
        assert not Report.objects.filter(city__slug=slug, resolved_at=None).exists()
        client.post(f"{act}{content.comment.pk}/hide/", {"reason": "Rule 3"})
        client.post(f"{act}{content.hidden_comment.pk}/unhide/")
        client.post(f"/{slug}/moderation/pre-moderation/", {"enabled": "1"})
        content_approve(target=content.pending_comment, moderator=system_admin)
        content_reject(target=content.pending_idea, moderator=system_admin, reason="Off topic")
        content_hide(target=content.statement, moderator=system_admin, reason="Rule 1")
        role_revoke(city_role=content.moderator_role, revoked_by=system_admin)

        content.comment.refresh_from_db()
        content.hidden_comment.refresh_from_db()
        content.pending_comment.refresh_from_db()
        content.pending_idea.refresh_from_db()
        content.statement.refresh_from_db()
        assert content.comment.is_hidden
        assert not content.hidden_comment.is_hidden
        assert not content.pending_comment.is_hidden
        assert not content.pending_idea.awaiting_review and content.pending_idea.is_hidden
        assert content.statement.status == "rejected"
        assert City.objects.get(slug=slug).premoderation
        assert not CityRole.objects.filter(pk=content.moderator_role.pk).exists()
        actions = set(
            AuditEntry.objects.filter(city__slug=slug, actor_id=system_admin.pk).values_list(
                "action", flat=True
            )
        )
        assert actions == {
            "dismiss", "hide", "unhide", "premoderation", "approve", "reject", "role_revoke"
        }  # fmt: skip


@BOTH_WAYS
def test_a_citys_queue_and_audit_log_show_only_its_own(client, cities, own, other, system_admin):
    mine, theirs = cities[own], cities[other]
    for viewer in (mine.moderator, system_admin):
        client.force_login(viewer)
        queue = client.get(f"/{own}/moderation/").content.decode()
        assert mine.report_details in queue
        assert mine.pending_comment.body in queue and mine.pending_idea.title in queue
        assert theirs.report_details not in queue
        assert theirs.comment.body not in queue
        assert theirs.pending_comment.body not in queue and theirs.pending_idea.title not in queue
        resolved = client.get(f"/{own}/moderation/?resolved=1").content.decode()
        assert theirs.report_details not in resolved
        log = client.get(f"/{own}/moderation/log/").content.decode()
        assert mine.hide_reason in log
        assert theirs.hide_reason not in log
        assert theirs.moderator.display_name not in log
    # The selectors behind the pages, for a viewer who may see both cities.
    own_city = mine.idea.city
    groups = list(report_groups(city=own_city, viewer=system_admin, include_resolved=True))
    assert [group["object_id"] for group in groups] == [mine.comment.pk]
    waiting = awaiting_review(city=own_city, viewer=system_admin)
    assert {item.target for item in waiting} == {mine.pending_comment, mine.pending_idea}
    entries = audit_log(city=own_city, viewer=system_admin)
    assert entries.exists()
    assert set(entries.values_list("city_id", flat=True)) == {own_city.pk}
