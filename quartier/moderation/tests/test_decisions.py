"""Decisions that must not contradict each other: a map's opener and the city's moderators,
pre-moderation and the comment count, hidden ideas and their comments."""

import pytest
from django.urls import reverse

from quartier.core.errors import PermissionDenied
from quartier.deliberation import services as deliberation
from quartier.deliberation.models import StatementModeration
from quartier.ideas import services as ideas
from quartier.moderation import services
from quartier.moderation.models import Report
from quartier.participation.models import AuditEntry
from quartier.participation.vocabulary import AuditAction


@pytest.fixture
def opened_by_resident(dortmund, resident, idea):
    idea.author = resident
    idea.save(update_fields=["author"])
    return deliberation.conversation_open(
        city=dortmund,
        creator=resident,
        idea=idea,
        question="Wohin mit den Bänken?",
        seed_statements=["An den Rand.", "In die Mitte."],
        statement_moderation=StatementModeration.BEFORE,
    )


def test_the_opener_cannot_publish_what_the_city_moderated_out(
    opened_by_resident, resident, moderator
):
    statement = opened_by_resident.statements.order_by("id").first()
    services.content_hide(target=statement, moderator=moderator, reason="Beleidigend")
    statement.refresh_from_db()
    with pytest.raises(PermissionDenied):
        deliberation.statement_moderate(statement=statement, moderator=resident, status="accepted")
    statement.refresh_from_db()
    assert statement.status == "rejected"
    deliberation.statement_moderate(statement=statement, moderator=moderator, status="accepted")
    statement.refresh_from_db()
    assert statement.status == "accepted"


def test_the_maps_own_moderation_resolves_reports_and_logs_the_decision(
    opened_by_resident, resident, neighbour
):
    participant = deliberation.participant_join(conversation=opened_by_resident, user=neighbour)
    waiting = deliberation.statement_submit(participant=participant, text="Bänke ans Wasser!")
    deliberation.statement_moderate(statement=waiting, moderator=resident, status="accepted")
    assert AuditEntry.objects.filter(target_id=waiting.pk).latest("id").action == (
        AuditAction.APPROVE
    )
    published = opened_by_resident.statements.order_by("id").first()
    report = services.report_create(reporter=neighbour, target=published, reason="spam")
    deliberation.statement_moderate(statement=published, moderator=resident, status="rejected")
    report.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == resident
    assert AuditEntry.objects.filter(target_id=published.pk).latest("id").action == (
        AuditAction.HIDE
    )


def test_a_comment_waiting_for_review_counts_once_published(
    dortmund, city_admin, moderator, resident, neighbour, idea
):
    services.premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    before = idea.comment_count
    first = ideas.comment_add(idea=idea, author=neighbour, body="Wartet noch")
    second = ideas.comment_add(idea=idea, author=resident, body="Wartet auch")
    idea.refresh_from_db()
    assert idea.comment_count == before  # nothing the public sees yet
    services.content_approve(target=first, moderator=moderator)
    services.content_reject(target=second, moderator=moderator, reason="Werbung")
    idea.refresh_from_db()
    assert idea.comment_count == before + 1  # the rejected one never shows in the thread
    services.content_hide(target=first, moderator=moderator, reason="Doch nicht")
    services.content_unhide(target=first, moderator=moderator)
    idea.refresh_from_db()
    assert idea.comment_count == before + 1  # hidden later, it left a note: still counted
    # The city's moderators publish the rejected one after all: now the public sees it.
    services.content_unhide(target=second, moderator=moderator)
    idea.refresh_from_db()
    assert idea.comment_count == before + 2


def test_showing_again_what_waits_for_review_is_an_approval(
    dortmund, city_admin, moderator, neighbour, idea
):
    services.premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    waiting = ideas.comment_add(idea=idea, author=neighbour, body="Bitte freigeben")
    services.content_unhide(target=waiting, moderator=moderator)
    waiting.refresh_from_db()
    assert not waiting.is_hidden and not waiting.awaiting_review
    assert AuditEntry.objects.latest("id").action == AuditAction.APPROVE


def test_a_comment_under_a_hidden_idea_cannot_be_reported_or_read(
    client, dortmund, resident, moderator, idea, comment
):
    services.content_hide(target=idea, moderator=moderator, reason="Werbung")
    client.force_login(resident)
    page = client.get(reverse("report_content", args=["dortmund", "comment", comment.pk]))
    assert page.status_code == 404
    assert comment.body not in page.content.decode()
    with pytest.raises(services.ModerationError):
        services.report_create(reporter=resident, target=comment, reason="spam")
    assert not Report.objects.filter(object_id=comment.pk).exists()


# --- Content rejected in pre-moderation was never public: it leaves no note in the thread ---


def _thread(client, idea, user=None) -> str:
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    return client.get(
        reverse("idea_detail", args=["dortmund", idea.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()


def test_a_comment_rejected_in_review_shows_only_to_its_author_and_the_moderators(
    client, dortmund, city_admin, moderator, resident, neighbour, idea
):
    services.premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    rejected = ideas.comment_add(idea=idea, author=resident, body="Kauft bei uns ein!")
    services.content_reject(target=rejected, moderator=moderator, reason="Werbung")
    # A neighbour and a visitor see neither the comment nor a note where it would have been.
    for viewer in (neighbour, None):
        page = _thread(client, idea, viewer)
        assert f'id="comment-{rejected.pk}"' not in page
        assert "Werbung" not in page and "Kauft bei uns ein!" not in page
    # Its author sees it with the reason, and so do the moderators; nobody can reply to it.
    for viewer in (resident, moderator):
        page = _thread(client, idea, viewer)
        assert "Not published: the moderators rejected this comment (reason: Werbung)" in page
        assert "Kauft bei uns ein!" in page
        assert f'name="parent" value="{rejected.pk}"' not in page


def test_a_comment_hidden_after_it_was_public_still_leaves_its_note(
    client, dortmund, moderator, resident, neighbour, idea
):
    published = ideas.comment_add(idea=idea, author=resident, body="Erst sichtbar")
    services.content_hide(target=published, moderator=moderator, reason="Beleidigend")
    page = _thread(client, idea, neighbour)
    assert "This comment was hidden by moderation: Beleidigend" in page
    assert "Erst sichtbar" not in page


def test_a_rejected_reply_leaves_no_note_under_its_thread(
    client, dortmund, city_admin, moderator, resident, neighbour, idea, comment
):
    services.premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    idea.city.refresh_from_db()  # the comment fixture read the city before
    reply = ideas.comment_add(idea=idea, author=resident, body="Antwort", parent=comment)
    services.content_reject(target=reply, moderator=moderator, reason="Off-Topic")
    page = _thread(client, idea, neighbour)
    assert f'id="comment-{comment.pk}"' in page and f'id="comment-{reply.pk}"' not in page
    assert "Off-Topic" in _thread(client, idea, resident)


def test_a_rejected_comment_shown_again_by_the_city_is_an_ordinary_one(
    client, dortmund, city_admin, moderator, resident, neighbour, idea
):
    services.premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    rejected = ideas.comment_add(idea=idea, author=resident, body="Doch in Ordnung")
    services.content_reject(target=rejected, moderator=moderator, reason="Unklar")
    services.content_unhide(target=rejected, moderator=moderator)
    rejected.refresh_from_db()
    assert rejected.ever_published and not rejected.is_hidden
    assert "Doch in Ordnung" in _thread(client, idea, neighbour)
    # Hidden afterwards, it was public once: the note takes its place.
    services.content_hide(target=rejected, moderator=moderator, reason="Doch nicht")
    assert "This comment was hidden by moderation: Doch nicht" in _thread(client, idea, neighbour)


def test_the_migration_tells_rejections_from_later_hiding(
    dortmund, city_admin, moderator, resident, idea
):
    import importlib

    from django.apps import apps as django_apps

    from quartier.ideas.models import Comment, Idea

    migration = importlib.import_module("quartier.ideas.migrations.0007_ever_published")
    services.premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    waiting = ideas.comment_add(idea=idea, author=resident, body="Wartet")
    rejected = ideas.comment_add(idea=idea, author=resident, body="Abgelehnt")
    services.content_reject(target=rejected, moderator=moderator, reason="Werbung")
    services.premoderation_set(city=dortmund, enabled=False, actor=city_admin)
    hidden = ideas.comment_add(idea=idea, author=resident, body="Später verborgen")
    services.content_hide(target=hidden, moderator=moderator, reason="Beleidigend")
    # As before the field: every row "published", the rejection counted in the thread.
    Comment.objects.update(ever_published=True)
    Idea.objects.filter(pk=idea.pk).update(comment_count=999)
    migration.never_published_mark(django_apps, None)
    flags = dict(Comment.objects.filter(idea=idea).values_list("body", "ever_published"))
    assert (flags["Wartet"], flags["Abgelehnt"], flags["Später verborgen"]) == (False, False, True)
    shown = Comment.objects.filter(idea=idea, ever_published=True).count()
    assert Idea.objects.get(pk=idea.pk).comment_count == shown
    assert waiting.pk and shown == Comment.objects.filter(idea=idea).count() - 2


def test_a_hidden_or_rejected_comment_cannot_be_answered(
    client, dortmund, city_admin, moderator, resident, neighbour, idea, comment
):
    services.premoderation_set(city=dortmund, enabled=True, actor=city_admin)
    idea.city.refresh_from_db()
    rejected = ideas.comment_add(idea=idea, author=resident, body="Abgelehnt")
    services.content_reject(target=rejected, moderator=moderator, reason="Werbung")
    services.content_hide(target=comment, moderator=moderator, reason="Beleidigend")
    before = idea.comments.count()
    client.force_login(neighbour)
    for parent in (rejected, comment):
        response = client.post(
            reverse("comment_add", args=["dortmund", idea.pk]),
            {"body": "Meine Antwort", "parent": parent.pk},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        assert "This comment is hidden and cannot be answered." in response.content.decode()
        assert "Meine Antwort</textarea>" in response.content.decode()
    assert idea.comments.count() == before
