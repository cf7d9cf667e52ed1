import pytest
from django.contrib.contenttypes.models import ContentType

from quartier.conftest import make_user
from quartier.core.errors import PermissionDenied
from quartier.deliberation import services as deliberation
from quartier.deliberation.models import Conversation, Statement
from quartier.ideas import services as ideas
from quartier.ideas.models import Comment, Idea, Source
from quartier.ideas.tests.test_services import submit as submit_idea
from quartier.moderation import services
from quartier.moderation.errors import ModerationError
from quartier.moderation.models import Report
from quartier.participation.models import AuditEntry

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def target(request, idea, comment, statement):
    """The kind under test: an idea, a comment, an opinion-map statement."""
    return {"idea": idea, "comment": comment, "statement": statement}[request.param]


KINDS = pytest.mark.parametrize("target", ["idea", "comment", "statement"], indirect=True)


def kind_key(obj) -> str:
    return {Idea: "idea", Comment: "comment", Statement: "statement"}[type(obj)]


def reports_of(obj):
    return Report.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )


def is_hidden(obj) -> bool:
    obj.refresh_from_db()
    if isinstance(obj, Statement):
        return obj.status == "rejected"
    return obj.hidden_at is not None


def act(client, obj, action, reason=""):
    return client.post(
        f"/dortmund/moderation/{kind_key(obj)}/{obj.pk}/{action}/", {"reason": reason}, **EN
    )


def last_entry() -> AuditEntry:
    return AuditEntry.objects.latest("id")


# --- reports ---------------------------------------------------------------------------------


@KINDS
def test_any_registered_content_can_be_reported(dortmund, resident, target):
    report = services.report_create(
        reporter=resident, target=target, reason="abuse", details="  Beleidigend  "
    )
    assert report.target == target
    assert (report.city, report.reporter, report.reason, report.details) == (
        dortmund,
        resident,
        "abuse",
        "Beleidigend",
    )
    assert report.resolved_at is None


@KINDS
def test_content_is_reported_through_the_report_page(client, dortmund, resident, target):
    client.force_login(resident)
    url = f"/dortmund/report/{kind_key(target)}/{target.pk}/"
    page = client.get(url, **EN)
    assert page.status_code == 200
    excerpt = target.title if isinstance(target, Idea) else getattr(target, "body", None)
    assert (excerpt or target.text) in page.content.decode()
    response = client.post(url, {"reason": "spam", "details": "Werbung"})
    assert response.status_code == 302
    assert response["Location"].startswith("/dortmund/")
    report = reports_of(target).get()
    assert (report.reporter, report.reason, report.details) == (resident, "spam", "Werbung")


def test_the_report_page_checks_its_input(client, dortmund, resident, idea):
    client.force_login(resident)
    url = f"/dortmund/report/idea/{idea.pk}/"
    assert client.post(url, {"reason": "boring"}).status_code == 400
    assert client.post(url, {"reason": "spam", "details": "x" * 1_001}).status_code == 400
    assert not reports_of(idea).exists()


def test_reporting_needs_a_verified_account(client, dortmund, unverified, idea):
    with pytest.raises(PermissionDenied):
        services.report_create(reporter=unverified, target=idea, reason="spam")
    client.force_login(unverified)
    response = client.post(f"/dortmund/report/idea/{idea.pk}/", {"reason": "spam"}, **EN)
    assert response.status_code == 400
    assert "verified email address" in response.content.decode()
    client.logout()
    response = client.get(f"/dortmund/report/idea/{idea.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not reports_of(idea).exists()


def test_an_unknown_reason_is_refused(resident, idea):
    with pytest.raises(ModerationError, match="choose a reason"):
        services.report_create(reporter=resident, target=idea, reason="boring")


def test_the_same_person_reporting_twice_makes_one_open_report(resident, moderator, idea):
    first = services.report_create(reporter=resident, target=idea, reason="spam")
    second = services.report_create(reporter=resident, target=idea, reason="abuse")
    assert first.pk == second.pk and reports_of(idea).count() == 1
    # Once it is closed, a new report is a new one.
    services.reports_dismiss(target=idea, moderator=moderator, resolution="Alles in Ordnung")
    third = services.report_create(reporter=resident, target=idea, reason="abuse")
    assert third.pk != first.pk
    assert reports_of(idea).filter(resolved_at__isnull=True).count() == 1


@pytest.mark.parametrize("kind", ["ideas", "unknown"])
def test_an_unknown_kind_in_the_url_is_404(client, dortmund, resident, moderator, idea, kind):
    client.force_login(resident)
    assert client.get(f"/dortmund/report/{kind}/{idea.pk}/").status_code == 404
    client.force_login(moderator)
    assert (
        client.post(f"/dortmund/moderation/{kind}/{idea.pk}/hide/", {"reason": "x"}).status_code
        == 404
    )


def test_content_of_another_city_in_the_url_is_404(
    client, dortmund, resident, moderator, bochum_idea
):
    client.force_login(resident)
    assert client.get(f"/dortmund/report/idea/{bochum_idea.pk}/").status_code == 404
    assert (
        client.post(f"/dortmund/report/idea/{bochum_idea.pk}/", {"reason": "spam"}).status_code
        == 404
    )
    assert client.get("/dortmund/report/idea/999999/").status_code == 404
    client.force_login(moderator)
    response = client.post(f"/dortmund/moderation/idea/{bochum_idea.pk}/hide/", {"reason": "x"})
    assert response.status_code == 404
    assert client.post("/bochum/moderation/idea/1/hide/", {"reason": "x"}).status_code == 404
    bochum_idea.refresh_from_db()
    assert bochum_idea.hidden_at is None and not reports_of(bochum_idea).exists()


@KINDS
def test_hidden_content_cannot_be_reported(client, dortmund, resident, moderator, target):
    services.content_hide(target=target, moderator=moderator, reason="Spam")
    with pytest.raises(ModerationError, match="already hidden"):
        services.report_create(reporter=resident, target=target, reason="spam")
    client.force_login(resident)
    url = f"/dortmund/report/{kind_key(target)}/{target.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 404
    assert not reports_of(target).exists()


def test_a_statement_waiting_for_moderation_cannot_be_reported(
    client, dortmund, resident, conversation
):
    participant = deliberation.participant_join(conversation=conversation, user=resident)
    conversation.statement_moderation = "before"
    conversation.save(update_fields=["statement_moderation"])
    pending = deliberation.statement_submit(participant=participant, text="Noch geheim")
    assert pending.status == "pending"
    reader = make_user("reader@example.org")
    client.force_login(reader)
    response = client.get(f"/dortmund/report/statement/{pending.pk}/")
    assert response.status_code == 404
    assert "Noch geheim" not in response.content.decode()


# --- the queue -------------------------------------------------------------------------------


def test_two_people_reporting_make_one_queue_item(
    client, dortmund, moderator, reporters, idea, comment
):
    services.report_create(reporter=reporters[0], target=idea, reason="spam", details="Werbung!")
    services.report_create(reporter=reporters[1], target=idea, reason="abuse")
    services.report_create(reporter=reporters[2], target=idea, reason="spam")
    services.report_create(reporter=reporters[0], target=comment, reason="personal_data")
    client.force_login(moderator)
    response = client.get("/dortmund/moderation/", **EN)
    assert response.status_code == 200
    text = response.content.decode()
    # One item per piece of content, each with one link to it.
    assert text.count(f'href="/dortmund/ideas/{idea.pk}/"') == 1
    assert text.count(f'href="/dortmund/ideas/{comment.idea_id}/#comment-{comment.pk}"') == 1
    assert "3 reports" in text and "1 report" in text
    # The most reported first, with the reasons and the reporters' details.
    assert text.index(idea.title) < text.index(comment.body)
    assert "Insulting, discriminating or threatening, Spam or advertising" in text
    assert "Werbung!" in text
    assert "Reveals personal data" in text


def test_the_queue_groups_by_content_with_counts(dortmund, moderator, reporters, idea, statement):
    from quartier.moderation.selectors import queue_items, report_groups

    for reporter in reporters[:2]:
        services.report_create(reporter=reporter, target=statement, reason="abuse")
    services.report_create(reporter=reporters[2], target=idea, reason="spam")
    items = queue_items(city=dortmund, groups=report_groups(city=dortmund, viewer=moderator))
    assert [(item.kind.key, item.target.pk, item.report_count) for item in items] == [
        ("statement", statement.pk, 2),
        ("idea", idea.pk, 1),
    ]
    assert [item.reasons for item in items] == [
        ["Insulting, discriminating or threatening"],
        ["Spam or advertising"],
    ]


@pytest.mark.parametrize("who", ["moderator", "city_admin", "system_admin"])
def test_the_citys_moderators_see_the_queue(client, dortmund, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/dortmund/moderation/").status_code == 200


def test_the_queue_is_404_for_everyone_else(client, dortmund, bochum, resident, idea):
    staff = make_user("staff@example.org")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    bochum_admin = make_user("admin@bochum.example.org", city=bochum, role="admin")
    jury = make_user("jury@example.org", city=dortmund, role="evaluator")
    for user in (resident, staff, bochum_admin, jury):
        client.force_login(user)
        assert client.get("/dortmund/moderation/").status_code == 404, user.email
        assert act(client, idea, "hide", "Weg damit").status_code == 404, user.email
    assert not is_hidden(idea)


@KINDS
def test_hiding_from_the_queue_resolves_every_open_report(
    client, dortmund, moderator, reporters, target
):
    for reporter in reporters[:2]:
        services.report_create(reporter=reporter, target=target, reason="abuse")
    client.force_login(moderator)
    response = act(client, target, "hide", "Beleidigung (Regel 2)")
    assert response.status_code == 302 and response["Location"] == "/dortmund/moderation/"
    assert is_hidden(target)
    reports = reports_of(target)
    assert reports.filter(resolved_at__isnull=False).count() == 2
    assert set(reports.values_list("resolution", flat=True)) == {"Beleidigung (Regel 2)"}
    assert set(reports.values_list("resolved_by", flat=True)) == {moderator.pk}
    entry = last_entry()
    assert (entry.action, entry.actor_id, entry.target_id, entry.reason) == (
        "hide",
        moderator.pk,
        target.pk,
        "Beleidigung (Regel 2)",
    )
    assert entry.detail == {"reports_resolved": 2}
    assert entry.target_type == target._meta.label_lower
    if not isinstance(target, Statement):
        assert target.hidden_reason == "Beleidigung (Regel 2)" and target.hidden_by == moderator
    # Nothing open: the queue is empty again.
    assert "No open reports" in client.get("/dortmund/moderation/", **EN).content.decode()


def test_hiding_needs_a_reason(client, dortmund, moderator, idea):
    with pytest.raises(ModerationError, match="Reason must not be empty"):
        services.content_hide(target=idea, moderator=moderator, reason="   ")
    client.force_login(moderator)
    act(client, idea, "hide", "")
    assert not is_hidden(idea)


def test_dismissing_closes_the_reports_without_hiding(
    client, dortmund, moderator, reporters, comment
):
    for reporter in reporters[:2]:
        services.report_create(reporter=reporter, target=comment, reason="spam")
    client.force_login(moderator)
    act(client, comment, "dismiss", "")
    assert not is_hidden(comment)
    assert not reports_of(comment).filter(resolved_at__isnull=True).exists()
    assert set(reports_of(comment).values_list("resolution", flat=True)) == {"No violation found"}
    entry = last_entry()
    assert (entry.action, entry.detail) == ("dismiss", {"reports_resolved": 2})


@KINDS
def test_unhiding_shows_content_again(client, dortmund, moderator, target):
    services.content_hide(target=target, moderator=moderator, reason="Versehen")
    client.force_login(moderator)
    act(client, target, "unhide", "War doch in Ordnung")
    assert not is_hidden(target)
    entry = last_entry()
    assert (entry.action, entry.reason, entry.target_id) == (
        "unhide",
        "War doch in Ordnung",
        target.pk,
    )


def test_an_unknown_action_is_404_and_get_is_405(client, dortmund, moderator, idea):
    client.force_login(moderator)
    assert act(client, idea, "delete", "x").status_code == 404
    assert client.get(f"/dortmund/moderation/idea/{idea.pk}/hide/").status_code == 405
    assert not is_hidden(idea)


def test_only_the_citys_moderators_use_the_services(dortmund, resident, bochum, idea, reporters):
    bochum_admin = make_user("admin@bochum.example.org", city=bochum, role="admin")
    services.report_create(reporter=reporters[0], target=idea, reason="spam")
    for user in (resident, bochum_admin):
        with pytest.raises(PermissionDenied):
            services.content_hide(target=idea, moderator=user, reason="Weg")
        with pytest.raises(PermissionDenied):
            services.reports_dismiss(target=idea, moderator=user, resolution="Nichts")
    assert not is_hidden(idea)
    assert reports_of(idea).filter(resolved_at__isnull=True).count() == 1


def test_a_statement_hidden_through_moderation_is_moderated_out_and_recomputed(
    dortmund, moderator, resident, conversation, statement, django_capture_on_commit_callbacks
):
    participant = deliberation.participant_join(conversation=conversation, user=resident)
    with django_capture_on_commit_callbacks(execute=True):
        deliberation.vote_cast(participant=participant, statement=statement, choice=1)
    conversation.refresh_from_db()
    assert conversation.computed_votes == 1 and not conversation.recompute_pending
    computed_before = conversation.computed_at
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.content_hide(target=statement, moderator=moderator, reason="Beleidigung")
    statement.refresh_from_db()
    assert statement.status == "rejected"
    assert Conversation.objects.get(pk=conversation.pk).recompute_pending
    assert len(callbacks) == 1
    callbacks[0]()
    conversation.refresh_from_db()
    assert conversation.computed_at > computed_before and not conversation.recompute_pending


# --- pre-moderation --------------------------------------------------------------------------


@pytest.fixture
def premoderated(dortmund, city_admin):
    return services.premoderation_set(city=dortmund, enabled=True, actor=city_admin)


def test_a_city_admin_switches_premoderation_on_and_off(client, dortmund, city_admin):
    client.force_login(city_admin)
    response = client.post("/dortmund/moderation/pre-moderation/", {"enabled": "1"})
    assert response.status_code == 302
    dortmund.refresh_from_db()
    assert dortmund.premoderation
    entry = last_entry()
    assert (entry.action, entry.actor_id, entry.detail) == (
        "premoderation",
        city_admin.pk,
        {"enabled": True},
    )
    client.post("/dortmund/moderation/pre-moderation/", {"enabled": "0"})
    dortmund.refresh_from_db()
    assert not dortmund.premoderation and last_entry().detail == {"enabled": False}


def test_moderators_cannot_switch_premoderation(client, dortmund, moderator, resident):
    log_size = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.premoderation_set(city=dortmund, enabled=True, actor=moderator)
    for user in (moderator, resident):
        client.force_login(user)
        response = client.post("/dortmund/moderation/pre-moderation/", {"enabled": "1"})
        assert response.status_code == 404
    assert client.get("/dortmund/moderation/pre-moderation/").status_code == 405
    dortmund.refresh_from_db()
    assert not dortmund.premoderation and AuditEntry.objects.count() == log_size


def _idea_is_public(client, idea) -> bool:
    listing = client.get("/dortmund/ideas/").content.decode()
    geojson = client.get("/api/v1/cities/dortmund/ideas.geojson").json()
    api_list = client.get("/api/v1/cities/dortmund/ideas", {"page_size": 100}).json()
    api_detail = client.get(f"/api/v1/cities/dortmund/ideas/{idea.pk}")
    found = [
        idea.title in listing,
        idea.pk in {feature["id"] for feature in geojson["features"]},
        idea.pk in {row["id"] for row in api_list["results"]},
        api_detail.status_code == 200,
    ]
    assert len(set(found)) == 1, found  # every channel agrees
    return found[0]


def test_under_premoderation_a_new_idea_waits_for_review(
    client, dortmund, premoderated, resident, neighbour, moderator
):
    idea = submit_idea(dortmund, resident, title="Eine wartende Idee")
    assert idea.awaiting_review and idea.hidden_at is not None
    assert not _idea_is_public(client, idea)
    # Never public: others cannot even learn that it exists.
    assert client.get(f"/dortmund/ideas/{idea.pk}/").status_code == 404
    client.force_login(neighbour)
    assert not _idea_is_public(client, idea)
    assert client.get(f"/dortmund/ideas/{idea.pk}/").status_code == 404
    # The author sees the page, with a note.
    client.force_login(resident)
    page = client.get(f"/dortmund/ideas/{idea.pk}/", **EN)
    assert page.status_code == 200
    assert "Waiting for review" in page.content.decode()
    # The moderators see it in the queue's waiting section.
    client.force_login(moderator)
    queue = client.get("/dortmund/moderation/", **EN).content.decode()
    waiting = queue[queue.index('id="awaiting-heading"') : queue.index('id="reports-heading"')]
    assert "1 item waiting for review" in waiting and "Eine wartende Idee" in waiting


def test_under_premoderation_a_new_comment_waits_for_review(
    client, dortmund, premoderated, idea, resident, neighbour, moderator
):
    comment = ideas.comment_add(idea=idea, author=resident, body="Ein wartender Kommentar")
    assert comment.awaiting_review and comment.hidden_at is not None
    url = f"/dortmund/ideas/{idea.pk}/"
    assert "Ein wartender Kommentar" not in client.get(url).content.decode()
    client.force_login(neighbour)
    assert "Ein wartender Kommentar" not in client.get(url).content.decode()
    client.force_login(resident)
    own = client.get(url, **EN).content.decode()
    assert "Ein wartender Kommentar" in own and "Waiting for review" in own
    client.force_login(moderator)
    queue = client.get("/dortmund/moderation/", **EN).content.decode()
    waiting = queue[queue.index('id="awaiting-heading"') : queue.index('id="reports-heading"')]
    assert "Ein wartender Kommentar" in waiting


def test_approving_publishes_and_is_logged(
    client, dortmund, premoderated, resident, neighbour, moderator, idea
):
    waiting_idea = submit_idea(dortmund, resident, title="Bald sichtbar")
    waiting_comment = ideas.comment_add(idea=idea, author=resident, body="Bald zu lesen")
    client.force_login(moderator)
    for obj in (waiting_idea, waiting_comment):
        assert act(client, obj, "approve").status_code == 302
        obj.refresh_from_db()
        assert not obj.awaiting_review and obj.hidden_at is None
        entry = last_entry()
        assert (entry.action, entry.actor_id, entry.target_id) == ("approve", moderator.pk, obj.pk)
    client.force_login(neighbour)
    assert _idea_is_public(client, waiting_idea)
    assert "Bald zu lesen" in client.get(f"/dortmund/ideas/{idea.pk}/").content.decode()


def test_rejecting_keeps_it_hidden_with_a_reason(
    client, dortmund, premoderated, resident, neighbour, moderator, idea
):
    waiting_idea = submit_idea(dortmund, resident, title="Wird abgelehnt")
    waiting_comment = ideas.comment_add(idea=idea, author=resident, body="Wird auch abgelehnt")
    client.force_login(moderator)
    act(client, waiting_idea, "reject", "")  # a reason is needed
    waiting_idea.refresh_from_db()
    assert waiting_idea.awaiting_review
    for obj in (waiting_idea, waiting_comment):
        act(client, obj, "reject", "Werbung")
        obj.refresh_from_db()
        assert obj.hidden_at is not None and obj.hidden_reason == "Werbung"
        assert not obj.awaiting_review and obj.hidden_by == moderator
        entry = last_entry()
        assert (entry.action, entry.reason, entry.target_id) == ("reject", "Werbung", obj.pk)
    client.force_login(neighbour)
    assert not _idea_is_public(client, waiting_idea)
    # Never published: for others it does not exist, not even as "hidden".
    assert client.get(f"/dortmund/ideas/{waiting_idea.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/dortmund/ideas/{waiting_idea.pk}/versions/").status_code == 404
    # The author learns why.
    client.force_login(resident)
    page = client.get(f"/dortmund/ideas/{waiting_idea.pk}/", **EN)
    assert page.status_code == 410
    assert "Werbung" in page.content.decode()
    assert "Your idea was not published" in page.content.decode()
    # Nothing waits any more.
    client.force_login(moderator)
    assert (
        "Nothing is waiting for review."
        in client.get("/dortmund/moderation/", **EN).content.decode()
    )


def test_a_new_statement_waits_under_premoderation_even_on_a_map_that_moderates_afterwards(
    client, dortmund, premoderated, conversation, resident, moderator
):
    assert conversation.statement_moderation == "after"
    participant = deliberation.participant_join(conversation=conversation, user=resident)
    statement = deliberation.statement_submit(participant=participant, text="Bänke mit Lehne!")
    assert statement.status == "pending"
    client.force_login(moderator)
    queue = client.get("/dortmund/moderation/", **EN).content.decode()
    assert "Bänke mit Lehne!" in queue
    act(client, statement, "approve")
    statement.refresh_from_db()
    assert statement.status == "accepted" and last_entry().action == "approve"


def test_without_premoderation_a_statement_on_an_after_map_is_published(conversation, resident):
    participant = deliberation.participant_join(conversation=conversation, user=resident)
    statement = deliberation.statement_submit(participant=participant, text="Sofort sichtbar")
    assert statement.status == "accepted"


def test_a_pending_statement_can_be_rejected(
    dortmund, premoderated, conversation, resident, moderator
):
    participant = deliberation.participant_join(conversation=conversation, user=resident)
    statement = deliberation.statement_submit(participant=participant, text="Unsinn")
    services.content_reject(target=statement, moderator=moderator, reason="Off-topic")
    statement.refresh_from_db()
    assert statement.status == "rejected"
    assert (last_entry().action, last_entry().reason) == ("reject", "Off-topic")


@KINDS
def test_approve_and_reject_need_content_that_waits(client, dortmund, moderator, target):
    log_size = AuditEntry.objects.count()
    with pytest.raises(ModerationError, match="not waiting for review"):
        services.content_approve(target=target, moderator=moderator)
    with pytest.raises(ModerationError, match="not waiting for review"):
        services.content_reject(target=target, moderator=moderator, reason="Nein")
    client.force_login(moderator)
    page = client.post(
        f"/dortmund/moderation/{kind_key(target)}/{target.pk}/reject/",
        {"reason": "Nein"},
        follow=True,
        **EN,
    )
    assert "not waiting for review" in page.content.decode()
    assert not is_hidden(target)
    assert AuditEntry.objects.count() == log_size


def test_only_moderators_approve_or_reject(dortmund, premoderated, resident, neighbour):
    idea = submit_idea(dortmund, resident)
    for user in (resident, neighbour):
        with pytest.raises(PermissionDenied):
            services.content_approve(target=idea, moderator=user)
        with pytest.raises(PermissionDenied):
            services.content_reject(target=idea, moderator=user, reason="Nein")
    idea.refresh_from_db()
    assert idea.awaiting_review


def test_analog_ideas_and_demo_examples_are_not_held_back(dortmund, premoderated, moderator):
    analog = submit_idea(
        dortmund, moderator, source=Source.ANALOG, analog_origin="Stadtteilfest", title="Papier"
    )
    example = submit_idea(dortmund, moderator, is_example=True, title="Beispiel")
    for idea in (analog, example):
        assert not idea.awaiting_review and idea.hidden_at is None


def test_without_premoderation_new_content_is_published(dortmund, resident, idea):
    new = submit_idea(dortmund, resident)
    comment = ideas.comment_add(idea=idea, author=resident, body="Gleich sichtbar")
    assert new.hidden_at is None and not new.awaiting_review
    assert comment.hidden_at is None and not comment.awaiting_review


def test_the_queue_costs_no_query_per_item(client, dortmund, premoderated, moderator, statement):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [make_user(f"person{n}@example.org") for n in range(8)]
    targets = list(Idea.objects.filter(city=dortmund, hidden_at__isnull=True))

    def add(batch):
        for n, person in batch:
            services.report_create(reporter=person, target=targets[n % len(targets)], reason="spam")
            services.report_create(reporter=person, target=statement, reason="abuse")
            ideas.comment_add(idea=targets[0], author=person, body=f"Wartet {n}")
            waiting = ideas.comment_add(idea=targets[1], author=person, body=f"Gemeldet {n}")
            services.content_approve(target=waiting, moderator=moderator)
            services.report_create(reporter=people[n - 1], target=waiting, reason="spam")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dortmund/moderation/").status_code == 200
        return len(captured)

    client.force_login(moderator)
    add(list(enumerate(people))[:2])
    few = queries()
    add(list(enumerate(people))[2:])
    assert queries() == few
