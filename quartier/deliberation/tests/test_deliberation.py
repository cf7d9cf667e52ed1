import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quartier.conftest import make_user
from quartier.core.errors import PermissionDenied
from quartier.deliberation import services
from quartier.deliberation.errors import ConversationClosed, ConversationError
from quartier.deliberation.models import Conversation, Statement, Vote
from quartier.deliberation.selectors import participant_progress, statement_next
from quartier.ideas.models import Idea

SEEDS = [
    "Der Borsigplatz braucht mehr Grün.",
    "Parkplätze sind für Geschäfte wichtig.",
    "Ein Pocket-Park lädt zum Verweilen ein.",
    "Lieferverkehr braucht Halteflächen.",
    "Bäume senken die Temperatur im Sommer.",
    "Weniger Parkplätze vertreiben Kundschaft.",
    "Kinder brauchen sichere Spielflächen.",
    "Das Geld ist anderswo besser angelegt.",
]


@pytest.fixture
def conversation(dortmund, moderator) -> Conversation:
    return services.conversation_open(
        city=dortmund,
        creator=moderator,
        question="Parkplätze am Borsigplatz in einen Pocket-Park umwandeln?",
        seed_statements=SEEDS,
    )


def reschedule(conversation, *, opens_at, closes_at):
    """Move the map's phases (as the city's administration would)."""
    from quartier.participation.models import Phase

    Phase.objects.filter(process=conversation.process).delete()
    for position, phase in enumerate(
        services.opinion_map_phases(opens_at=opens_at, closes_at=closes_at), start=1
    ):
        Phase.objects.create(
            process=conversation.process,
            position=position,
            name=phase.name,
            starts_at=phase.starts_at,
            ends_at=phase.ends_at,
            allows=list(phase.allows),
        )
    conversation.refresh_from_db()


def join(conversation, email):
    return services.participant_join(conversation=conversation, user=make_user(email))


def test_only_staff_or_the_ideas_author_open_an_opinion_map(dortmund, resident, moderator):
    with pytest.raises(PermissionDenied):
        services.conversation_open(
            city=dortmund, creator=resident, question="Frage?", seed_statements=["a", "b"]
        )
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    idea.author = resident
    idea.save()
    conversation = services.conversation_open(
        city=dortmund, creator=resident, question="Frage?", seed_statements=["a", "b"], idea=idea
    )
    assert conversation.statements.filter(is_seed=True, status="accepted").count() == 2


def test_a_vote_counts_once_and_can_be_changed(conversation):
    participant = join(conversation, "p1@example.org")
    statement = conversation.statements.first()
    services.vote_cast(participant=participant, statement=statement, choice=1)
    services.vote_cast(participant=participant, statement=statement, choice=1)
    services.vote_cast(participant=participant, statement=statement, choice=-1)
    assert Vote.objects.filter(participant=participant).count() == 1
    assert Vote.objects.get(participant=participant).choice == -1


def test_votes_on_closed_maps_and_unpublished_statements_are_refused(conversation, moderator):
    participant = join(conversation, "p1@example.org")
    pending = Statement.objects.create(conversation=conversation, text="Neu", status="pending")
    with pytest.raises(ConversationError):
        services.vote_cast(participant=participant, statement=pending, choice=1)
    with pytest.raises(ConversationError):
        services.vote_cast(
            participant=participant, statement=conversation.statements.first(), choice=5
        )
    now = timezone.now()
    reschedule(conversation, opens_at=now - timedelta(days=1), closes_at=now - timedelta(seconds=1))
    with pytest.raises(ConversationClosed):
        services.vote_cast(
            participant=participant, statement=conversation.statements.first(), choice=1
        )


def test_statements_wait_for_moderation_when_asked_to(conversation, moderator):
    participant = join(conversation, "p1@example.org")
    statement = services.statement_submit(participant=participant, text="  Mehr   Bänke!  ")
    assert statement.status == "pending" and statement.text == "Mehr Bänke!"
    with pytest.raises(ConversationError):
        services.statement_submit(participant=participant, text="x" * 281)
    with pytest.raises(ConversationError):
        services.statement_submit(participant=participant, text="mehr bänke!")  # duplicate
    with pytest.raises(PermissionDenied):
        services.statement_moderate(
            statement=statement, moderator=participant.user, status="accepted"
        )
    services.statement_moderate(statement=statement, moderator=moderator, status="accepted")
    statement.refresh_from_db()
    assert statement.status == "accepted"


def test_anonymous_participation_only_where_allowed(conversation, db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.participant_join(
            conversation=conversation, user=AnonymousUser(), anonymous_key="k" * 20
        )
    conversation.allow_anonymous = True
    conversation.save()
    first = services.participant_join(
        conversation=conversation, user=AnonymousUser(), anonymous_key="k" * 20
    )
    again = services.participant_join(
        conversation=conversation, user=AnonymousUser(), anonymous_key="k" * 20
    )
    assert first == again


def planted_blocs(conversation, people=24):
    """Two blocs: the first half agrees with the odd statements, the second with the even ones."""
    statements = list(conversation.statements.order_by("id"))
    for number in range(people):
        participant = join(conversation, f"person{number}@example.org")
        bloc = number % 2
        for index, statement in enumerate(statements):
            # Everyone agrees on the last statement: the common ground.
            common_ground = index == len(statements) - 1
            choice = 1 if common_ground or index % 2 == bloc else -1
            Vote.objects.create(participant=participant, statement=statement, choice=choice)
    return statements


def test_recompute_finds_two_planted_blocs_and_their_common_ground(conversation):
    statements = planted_blocs(conversation)
    assert services.conversation_recompute(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    results = conversation.results
    assert results["participants"] == 24
    assert results["k"] == 2
    assert sorted(group["size"] for group in results["groups"]) == [12, 12]
    gic = results["group_informed_consensus"]
    best = max(gic, key=gic.get)
    assert int(best) == statements[-1].pk
    assert conversation.engine_state and conversation.computed_at


def test_meta_statements_are_left_out_of_consensus(conversation, moderator):
    statements = planted_blocs(conversation)
    services.statement_moderate(
        statement=statements[-1], moderator=moderator, status="accepted", is_meta=True
    )
    services.conversation_recompute(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    agreed = [item["statement"] for item in conversation.results["consensus"]["agree"]]
    assert statements[-1].pk not in agreed


def test_only_one_run_at_a_time_and_a_dead_run_is_taken_over(conversation):
    planted_blocs(conversation, people=4)
    Conversation.objects.filter(pk=conversation.pk).update(computing_since=timezone.now())
    assert services.conversation_recompute(conversation_id=conversation.pk) is False
    Conversation.objects.filter(pk=conversation.pk).update(
        computing_since=timezone.now() - timedelta(hours=1)
    )
    assert services.conversation_recompute(conversation_id=conversation.pk) is True
    conversation.refresh_from_db()
    assert conversation.computing_since is None


def test_a_failed_run_keeps_the_last_results(conversation, monkeypatch):
    planted_blocs(conversation, people=4)
    services.conversation_recompute(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    before = conversation.results

    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(services, "analyze", broken)
    services.conversation_recompute(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert conversation.results == before
    assert "engine exploded" in conversation.compute_error


def test_votes_trigger_a_background_recompute(conversation, django_capture_on_commit_callbacks):
    participant = join(conversation, "p1@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(
            participant=participant, statement=conversation.statements.first(), choice=1
        )
    conversation.refresh_from_db()
    # The test settings run tasks immediately: the vote is already in the results.
    assert conversation.results["votes"] == 1
    assert conversation.recompute_pending is False


def test_next_statement_skips_answered_ones_and_progress_counts(conversation):
    participant = join(conversation, "p1@example.org")
    seen = set()
    for _ in range(len(SEEDS)):
        statement = statement_next(participant=participant)
        assert statement is not None and statement.pk not in seen
        seen.add(statement.pk)
        services.vote_cast(participant=participant, statement=statement, choice=0)
    assert statement_next(participant=participant) is None
    progress = participant_progress(participant=participant, conversation=conversation)
    assert (progress.voted, progress.total, progress.percent) == (8, 8, 100)


def test_vote_page_and_vote_through_the_view(client, conversation, resident):
    url = reverse("conversation_detail", args=["dortmund", conversation.pk])
    client.cookies["django_language"] = "en"
    assert "Sign in to take part" in client.get(url).content.decode()
    client.force_login(resident)
    body = client.get(url).content.decode()
    statement = conversation.statements.order_by("id").first()
    assert statement.text in body
    response = client.post(
        reverse("conversation_vote", args=["dortmund", conversation.pk]),
        {"statement": statement.pk, "choice": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "1 of 8" in response.content.decode()
    bad = client.post(
        reverse("conversation_vote", args=["dortmund", conversation.pk]),
        {"statement": statement.pk, "choice": "yes"},
    )
    assert bad.status_code == 302
    assert Vote.objects.filter(participant__user=resident).count() == 1


def test_anonymous_browser_gets_a_pseudonym_cookie(client, conversation):
    conversation.allow_anonymous = True
    conversation.save()
    statement = conversation.statements.order_by("id").first()
    response = client.post(
        reverse("conversation_vote", args=["dortmund", conversation.pk]),
        {"statement": statement.pk, "choice": "-1"},
    )
    assert "quartier_pseudonym" in response.cookies
    second = conversation.statements.order_by("id")[1]
    client.post(
        reverse("conversation_vote", args=["dortmund", conversation.pk]),
        {"statement": second.pk, "choice": "1"},
    )
    assert conversation.participants.count() == 1
    assert Vote.objects.filter(statement__conversation=conversation).count() == 2


def test_results_page_shows_groups_consensus_and_a_text_alternative(client, conversation):
    planted_blocs(conversation)
    services.conversation_recompute(conversation_id=conversation.pk)
    body = client.get(
        reverse("conversation_results", args=["dortmund", conversation.pk])
    ).content.decode()
    assert '<svg viewBox="0 0 400 400"' in body
    assert 'role="group"' in body and "<desc" in body
    assert 'href="#group-A"' in body and 'id="group-B"' in body
    assert SEEDS[-1] in body
    # Coordinates keep a decimal point even in German, or the browser drops the dots.
    assert re.search(r'<circle cx="\d+(\.\d+)?" cy="\d+(\.\d+)?" r="4"', body)


def test_results_page_before_any_votes(client, conversation):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("conversation_results", args=["dortmund", conversation.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" not in body  # no map without votes
    assert conversation.question in body
    assert "No votes yet." in body


def test_export_in_the_polis_opendata_layout(client, conversation):
    planted_blocs(conversation, people=3)
    response = client.get(reverse("conversation_export", args=["dortmund", conversation.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"votes.csv", "comments.csv", "participants-votes.csv", "summary.csv"} <= names
    comments = archive.read("comments.csv").decode()
    assert SEEDS[0] in comments
    votes = archive.read("votes.csv").decode().splitlines()
    assert votes[0] == "timestamp,datetime,comment-id,voter-id,vote"
    assert len(votes) == 1 + 3 * len(SEEDS)


def test_moderation_queue_is_searchable_and_for_moderators(
    client, conversation, resident, moderator
):
    url = reverse("conversation_moderation", args=["dortmund", conversation.pk])
    client.force_login(resident)
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    body = client.get(url, {"q": "Bäume"}).content.decode()
    assert "Bäume senken" in body and "Lieferverkehr" not in body
    statement = conversation.statements.get(text__startswith="Lieferverkehr")
    client.post(url, {"statement": statement.pk, "status": "rejected"})
    statement.refresh_from_db()
    assert statement.status == "rejected"


def test_export_leaves_out_unpublished_text(client, conversation):
    participant = join(conversation, "p1@example.org")
    services.statement_submit(participant=participant, text="Noch nicht geprüfter Text")
    response = client.get(reverse("conversation_export", args=["dortmund", conversation.pk]))
    comments = zipfile.ZipFile(io.BytesIO(response.content)).read("comments.csv").decode()
    assert "Noch nicht geprüfter Text" not in comments


def test_a_map_that_opens_later_says_when(client, conversation, resident):
    reschedule(conversation, opens_at=timezone.now() + timedelta(days=2), closes_at=None)
    client.force_login(resident)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("conversation_detail", args=["dortmund", conversation.pk])).content
    assert "This opinion map opens on" in body.decode()
