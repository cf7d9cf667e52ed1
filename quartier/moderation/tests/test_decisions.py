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


def test_a_comment_waiting_for_review_counts_once_decided(
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
    assert idea.comment_count == before + 2  # one published, one shown as hidden
    services.content_hide(target=first, moderator=moderator, reason="Doch nicht")
    services.content_unhide(target=first, moderator=moderator)
    idea.refresh_from_db()
    assert idea.comment_count == before + 2  # later decisions change nothing


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
