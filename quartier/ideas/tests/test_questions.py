"""Questioning an idea (#11): a comment can be a question, a concern or a suggestion; the idea's
author marks it answered (by a version of the idea, if one does); open ones come first; the
thread is paginated and sorted."""

import re

import pytest
from django.urls import reverse

from quartier.core.errors import PermissionDenied
from quartier.ideas import services
from quartier.ideas.errors import IdeaError
from quartier.ideas.models import Comment, CommentKind
from quartier.ideas.tests.test_residents import edit_data, edit_url
from quartier.ideas.tests.test_services import submit
from quartier.ideas.views import COMMENTS_PER_PAGE


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def idea(dortmund, resident):
    return submit(dortmund, resident)


def page_url(idea, **query):
    url = reverse("idea_detail", args=[idea.city.slug, idea.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def resolve_url(comment):
    return reverse("comment_resolve", args=[comment.idea.city.slug, comment.idea_id, comment.pk])


def ask(idea, who, body="How much water does it use?", kind=CommentKind.QUESTION):
    return services.comment_add(idea=idea, author=who, body=body, kind=kind)


def test_a_comment_is_posted_as_a_question_and_shown_as_open(client, idea, neighbour):
    client.force_login(neighbour)
    answer = client.post(
        reverse("comment_add", args=["dortmund", idea.pk]),
        {"body": "Who maintains it?", "kind": "question"},
    )
    assert answer.status_code == 302
    question = Comment.objects.get(idea=idea)
    assert question.kind == CommentKind.QUESTION and question.awaits_answer
    page = client.get(page_url(idea)).content.decode()
    assert "Question" in page and "Open" in page
    assert "1 question, concern or suggestion waits for an answer." in page


def test_without_a_kind_it_is_a_plain_comment_and_a_made_up_kind_is_refused(
    client, idea, neighbour
):
    client.force_login(neighbour)
    client.post(reverse("comment_add", args=["dortmund", idea.pk]), {"body": "Nice."})
    assert Comment.objects.get(idea=idea).kind == CommentKind.COMMENT
    refused = client.post(
        reverse("comment_add", args=["dortmund", idea.pk]), {"body": "Hm.", "kind": "rant"}
    )
    assert refused.status_code == 400
    assert "comment, question, concern or suggestion" in refused.content.decode()
    assert Comment.objects.filter(idea=idea).count() == 1
    with pytest.raises(IdeaError):
        services.comment_add(idea=idea, author=neighbour, body="x", kind="rant")


def test_a_reply_is_always_a_comment(client, idea, neighbour, resident):
    question = ask(idea, neighbour)
    with pytest.raises(IdeaError):
        services.comment_add(
            idea=idea, author=resident, body="x", parent=question, kind=CommentKind.CONCERN
        )
    client.force_login(resident)
    client.post(
        reverse("comment_add", args=["dortmund", idea.pk]),
        {"body": "About 200 litres a day.", "parent": question.pk, "kind": "concern"},
    )
    reply = Comment.objects.get(parent=question)
    assert reply.kind == CommentKind.COMMENT


def test_the_author_marks_a_question_answered_by_a_version(client, idea, resident, neighbour):
    question = ask(idea, neighbour)
    client.force_login(resident)
    client.post(edit_url(idea), edit_data(idea, description="Now with a water meter."))
    done = client.post(resolve_url(question), {"revision": "2"})
    assert done.status_code == 302
    question.refresh_from_db()
    assert question.resolved_at is not None and question.resolved_by == resident
    assert question.resolved_revision.number == 2
    page = client.get(page_url(idea)).content.decode()
    assert "Answered" in page and "version 2</a> of the idea" in page
    assert "waits for an answer" not in page
    # Opened again: waiting once more.
    client.post(resolve_url(question), {"reopen": "on"})
    question.refresh_from_db()
    assert question.awaits_answer and question.resolved_revision is None


def test_only_the_author_marks_and_only_what_can_be_answered(
    client, idea, resident, neighbour, moderator
):
    question = ask(idea, neighbour)
    for who in (neighbour, moderator):
        with pytest.raises(PermissionDenied):
            services.comment_resolve(comment=question, actor=who)
        client.force_login(who)
        client.post(resolve_url(question), {})
    question.refresh_from_db()
    assert question.resolved_at is None
    plain = ask(idea, neighbour, kind=CommentKind.COMMENT)
    with pytest.raises(IdeaError):
        services.comment_resolve(comment=plain, actor=resident)
    with pytest.raises(IdeaError):
        services.comment_resolve(comment=question, actor=resident, revision_number=7)
    question.refresh_from_db()
    assert question.resolved_at is None


def test_a_bad_version_number_gets_a_message_and_changes_nothing(client, idea, resident, neighbour):
    question = ask(idea, neighbour)
    client.force_login(resident)
    for revision in ("-1", "abc", "99"):
        answer = client.post(resolve_url(question), {"revision": revision}, follow=True)
        assert answer.status_code == 200
        assert re.search(r"version", answer.content.decode())
    question.refresh_from_db()
    assert question.resolved_at is None


def test_open_questions_come_first_and_the_thread_sorts(client, idea, resident, neighbour):
    first = ask(idea, neighbour, body="First: a plain remark.", kind=CommentKind.COMMENT)
    answered = ask(idea, neighbour, body="Second: answered already.")
    services.comment_resolve(comment=answered, actor=resident)
    concern = ask(idea, neighbour, body="Third: a concern.", kind=CommentKind.CONCERN)

    def order(**query):
        text = client.get(page_url(idea, **query)).content.decode()
        return [int(pk) for pk in re.findall(r'class="comment" id="comment-(\d+)"', text)]

    assert order() == [concern.pk, first.pk, answered.pk]
    assert order(comments="oldest") == [first.pk, answered.pk, concern.pk]
    assert order(comments="newest") == [concern.pk, answered.pk, first.pk]
    assert order(comments="<script>") == order()


def test_the_thread_is_paginated(client, idea, neighbour, settings):
    for number in range(COMMENTS_PER_PAGE + 3):
        Comment.objects.create(idea=idea, author=neighbour, body=f"Remark {number:02}")
    first = client.get(page_url(idea, comments="oldest")).content.decode()
    assert "Remark 00" in first and f"Remark {COMMENTS_PER_PAGE:02}" not in first
    assert "Page 1 of 2" in first
    second = client.get(page_url(idea, comments="oldest", page=2)).content.decode()
    assert f"Remark {COMMENTS_PER_PAGE:02}" in second and "Remark 00" not in second
    # A page past the end, or no number, is the nearest page, not an error.
    assert client.get(page_url(idea, page=99)).status_code == 200
    assert client.get(page_url(idea, page="x")).status_code == 200
