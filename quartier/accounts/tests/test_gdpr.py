"""The GDPR rights through the personal-data registry: export everything, erase the person."""

import json

import pytest
from django.urls import reverse

from quartier.accounts.models import User
from quartier.accounts.services import account_erase, profile_export
from quartier.conftest import BORSIGPLATZ, make_user
from quartier.core import personal_data
from quartier.deliberation import services as deliberation
from quartier.deliberation.models import Conversation, Participant, Statement, Vote
from quartier.ideas import services as ideas
from quartier.ideas.models import Comment, Idea, Support
from quartier.moderation.models import Report
from quartier.moderation.services import report_create
from quartier.participation.models import AuditEntry, CityRole, Process
from quartier.participation.services import role_grant

PASSWORD = "correct horse battery staple"  # the fixtures' (quartier/conftest.py)

SECTIONS = {
    "account",
    "ideas",
    "comments",
    "supports",
    "reports",
    "city_roles",
    "processes_created",
    "opinion_maps",
    "opinion_maps_opened",
}


def vote(conversation, user, choices):
    participant = deliberation.participant_join(conversation=conversation, user=user)
    statements = list(conversation.statements.filter(status="accepted").order_by("id"))
    for statement, choice in zip(statements, choices, strict=False):
        deliberation.vote_cast(participant=participant, statement=statement, choice=choice)
    return participant


@pytest.fixture
def traces(dortmund, resident, neighbour, city_admin, django_capture_on_commit_callbacks):
    """Anna leaves a trace everywhere; Bo is active beside her."""
    with django_capture_on_commit_callbacks(execute=True):
        idea = ideas.idea_submit(
            city=dortmund,
            author=resident,
            title="Annas Trinkbrunnen",
            summary="Wasser für alle.",
            description="Ein Trinkbrunnen am Borsigplatz.",
            kind="ecological",
            innovator_type="resident",
            lat=BORSIGPLATZ[0],
            lon=BORSIGPLATZ[1],
        )
        other_idea = Idea.objects.filter(city=dortmund, is_example=True).earliest("id")
        comment = ideas.comment_add(idea=other_idea, author=resident, body="Annas Kommentar")
        ideas.comment_add(idea=idea, author=neighbour, body="Bos geheimer Kommentar")
        ideas.idea_support(idea=other_idea, user=resident)
        ideas.idea_support(idea=other_idea, user=neighbour)
        report = report_create(
            reporter=resident, target=other_idea, reason="other", details="Ich bin Annas Nachbarin"
        )
        role_grant(city=dortmund, user=resident, role="evaluator", granted_by=city_admin)
        # Anna opens a map on her own idea; she, Bo and a third person vote.
        opened = deliberation.conversation_open(
            city=dortmund,
            creator=resident,
            idea=idea,
            question="Wohin mit dem Trinkbrunnen?",
            seed_statements=["Mitten auf den Platz.", "An den Spielplatz.", "Neben die Bank."],
            statement_moderation="after",
        )
        participant = vote(opened, resident, [1, -1, 0])
        statement = deliberation.statement_submit(
            participant=participant, text="Am besten zwei Brunnen."
        )
        vote(opened, neighbour, [1, 1, -1])
        vote(opened, make_user("carla@example.org"), [-1, 1])
    opened.refresh_from_db()
    return {
        "idea": idea,
        "other_idea": other_idea,
        "comment": comment,
        "report": report,
        "conversation": opened,
        "participant": participant,
        "statement": statement,
    }


# --- export ----------------------------------------------------------------------------------


def test_the_export_walks_the_registry(resident, traces):
    document = profile_export(user=resident)
    assert set(document) == {"account"} | {section.name for section in personal_data.sections()}
    assert set(document) >= SECTIONS


def test_a_section_registered_by_an_app_is_exported_and_erased(monkeypatch, resident):
    erased = []
    monkeypatch.setitem(
        personal_data._sections,
        "zz_newsletter",
        personal_data.PersonalDataSection(
            name="zz_newsletter",
            export=lambda *, user: {"subscribed": user.email},
            erase=lambda *, user: erased.append(user.pk),
        ),
    )
    assert profile_export(user=resident)["zz_newsletter"] == {"subscribed": "anna@example.org"}
    pk = resident.pk
    account_erase(user=resident)
    assert erased == [pk]


def test_the_export_holds_everything_about_the_person(client, resident, traces):
    client.force_login(resident)
    response = client.get(reverse("profile_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "anna@example.org"
    assert data["account"]["display_name"] == "Anna"
    assert [idea["title"] for idea in data["ideas"]] == ["Annas Trinkbrunnen"]
    assert [comment["body"] for comment in data["comments"]] == ["Annas Kommentar"]
    assert data["supports"] == [traces["other_idea"].pk]
    assert data["reports"] == [
        {
            "content": "idea",
            "id": traces["other_idea"].pk,
            "reason": "other",
            "details": "Ich bin Annas Nachbarin",
            "created_at": data["reports"][0]["created_at"],
            "resolved_at": None,
        }
    ]
    assert [(role["city"], role["role"]) for role in data["city_roles"]] == [
        ("dortmund", "evaluator")
    ]
    assert [process["title"] for process in data["processes_created"]] == [
        "Wohin mit dem Trinkbrunnen?"
    ]
    assert [item["question"] for item in data["opinion_maps_opened"]] == [
        "Wohin mit dem Trinkbrunnen?"
    ]
    (participation,) = data["opinion_maps"]
    assert participation["conversation"] == traces["conversation"].pk
    assert [(v["statement"], v["choice"]) for v in participation["votes"]] == [
        ("Mitten auf den Platz.", 1),
        ("An den Spielplatz.", -1),
        ("Neben die Bank.", 0),
    ]
    assert participation["statements"] == ["Am besten zwei Brunnen."]


def test_the_export_holds_nothing_of_anyone_else(client, resident, neighbour, traces):
    client.force_login(resident)
    text = client.get(reverse("profile_export")).content.decode()
    assert "Bos geheimer Kommentar" not in text
    assert neighbour.email not in text and "carla@example.org" not in text
    assert "Bo" not in json.loads(text)["account"].values()


def test_the_export_of_someone_who_did_nothing_is_well_formed(client, db):
    quiet = make_user("quiet@example.org", name="Quiet")
    document = profile_export(user=quiet)
    assert set(document) >= SECTIONS
    assert document["account"]["last_login"] is None
    for name in SECTIONS - {"account"}:
        assert document[name] == [], name
    client.force_login(quiet)
    response = client.get(reverse("profile_export"))
    assert response.status_code == 200 and json.loads(response.content)["ideas"] == []


# --- erasure ---------------------------------------------------------------------------------


def erase(user, capture):
    with capture(execute=True):
        account_erase(user=user)


def test_erasure_keeps_ideas_and_comments_without_the_author(
    resident, traces, django_capture_on_commit_callbacks
):
    erase(resident, django_capture_on_commit_callbacks)
    assert not User.objects.filter(email="anna@example.org").exists()
    idea = Idea.objects.get(pk=traces["idea"].pk)
    comment = Comment.objects.get(pk=traces["comment"].pk)
    assert idea.author is None and idea.title == "Annas Trinkbrunnen"
    assert comment.author is None and comment.body == "Annas Kommentar"
    # The map she opened and its process stay, without her.
    conversation = Conversation.objects.get(pk=traces["conversation"].pk)
    assert conversation.created_by is None
    assert Process.objects.get(pk=conversation.process_id).created_by is None


def test_erasure_keeps_support_counters_true(
    resident, neighbour, traces, django_capture_on_commit_callbacks
):
    other_idea = traces["other_idea"]
    other_idea.refresh_from_db()
    assert other_idea.support_count == 2
    erase(resident, django_capture_on_commit_callbacks)
    other_idea.refresh_from_db()
    assert other_idea.support_count == 1 == Support.objects.filter(idea=other_idea).count()


def test_erasure_keeps_the_fact_of_a_report_but_not_the_reporter(
    resident, traces, django_capture_on_commit_callbacks
):
    erase(resident, django_capture_on_commit_callbacks)
    report = Report.objects.get(pk=traces["report"].pk)
    assert report.reporter is None and report.details == ""
    assert report.reason == "other" and report.object_id == traces["other_idea"].pk


def test_erasure_removes_the_roles_and_logs_it(
    dortmund, resident, traces, django_capture_on_commit_callbacks
):
    pk = resident.pk
    erase(resident, django_capture_on_commit_callbacks)
    assert not CityRole.objects.filter(user_id=pk).exists()
    entry = AuditEntry.objects.filter(subject_id=pk, action="role_revoke").get()
    assert (entry.city, entry.actor_id, entry.detail) == (dortmund, None, {"role": "evaluator"})
    assert entry.reason == "account erased"
    # The grant stays in the log as it was.
    assert AuditEntry.objects.filter(subject_id=pk, action="role_grant").exists()


def test_erasure_removes_the_votes_and_the_results_follow(
    resident, traces, django_capture_on_commit_callbacks
):
    conversation = traces["conversation"]
    participant = traces["participant"]
    assert conversation.results["participants"] == 3
    assert conversation.computed_votes == 3 + 3 + 2
    erase(resident, django_capture_on_commit_callbacks)
    assert not Participant.objects.filter(pk=participant.pk).exists()
    assert not Vote.objects.filter(participant_id=participant.pk).exists()
    conversation.refresh_from_db()
    assert conversation.results["participants"] == 2
    assert conversation.computed_votes == 3 + 2 == conversation.results["votes"]
    assert not conversation.recompute_pending
    # Her statement stays for the others, without an author.
    statement = Statement.objects.get(pk=traces["statement"].pk)
    assert statement.author is None and statement.text == "Am besten zwei Brunnen."


def test_erasure_through_the_profile_page(
    client, resident, traces, django_capture_on_commit_callbacks
):
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("profile_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(email="anna@example.org").exists()
    assert Comment.objects.get(pk=traces["comment"].pk).author is None
    conversation = Conversation.objects.get(pk=traces["conversation"].pk)
    assert conversation.results["participants"] == 2
    # Signed out: the profile asks for a sign-in again.
    assert client.get(reverse("profile")).status_code == 302


def test_erasure_without_confirmation_keeps_everything(client, resident, traces):
    client.force_login(resident)
    client.post(reverse("profile_delete"), {"confirm": "delete", "password": "not her password"})
    assert User.objects.filter(pk=resident.pk).exists()
    assert Participant.objects.filter(pk=traces["participant"].pk).exists()
    assert client.get(reverse("profile_delete")).status_code == 405


def test_erasing_someone_who_did_nothing(db, django_capture_on_commit_callbacks):
    quiet = make_user("quiet@example.org")
    erase(quiet, django_capture_on_commit_callbacks)
    assert not User.objects.filter(email="quiet@example.org").exists()


def test_a_map_whose_only_voter_is_erased_keeps_nothing_derived_from_the_votes(
    dortmund, moderator, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversation = deliberation.conversation_open(
            city=dortmund,
            creator=moderator,
            question="Ein Brunnen?",
            seed_statements=["Ja.", "Nein.", "Vielleicht."],
        )
        participant = vote(conversation, resident, [1, -1, 1])
    conversation.refresh_from_db()
    assert participant.pk in conversation.engine_state["in_conversation"]
    erase(resident, django_capture_on_commit_callbacks)
    conversation.refresh_from_db()
    assert conversation.results["participants"] == 0 and conversation.computed_votes == 0
    # The warm-start state (PCA axes, clusters, members) came from her votes alone.
    assert participant.pk not in (conversation.engine_state or {}).get("in_conversation", [])
    assert not (conversation.engine_state or {}).get("components")


def test_the_export_holds_the_persons_uploads(dortmund, resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quartier.conftest import image_bytes

    idea = ideas.idea_submit(
        city=dortmund,
        author=resident,
        title="Mit Foto",
        summary="Ein Foto vom Platz.",
        description="Siehe Foto.",
        kind="social",
        innovator_type="student",
        lat=BORSIGPLATZ[0],
        lon=BORSIGPLATZ[1],
        images=[SimpleUploadedFile("platz.jpg", image_bytes(), content_type="image/jpeg")],
        image_alt_texts=["Der Platz im Sommer"],
    )
    (exported,) = profile_export(user=resident)["ideas"]
    image = idea.images.get()
    assert exported["images"] == [{"url": image.image.url, "description": "Der Platz im Sommer"}]
    assert (exported["kind"], exported["submitted_as"]) == ("social", "student")
