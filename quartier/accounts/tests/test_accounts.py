import json

from django.core import mail
from django.urls import reverse

from quartier.accounts.models import User
from quartier.accounts.permissions import can_participate
from quartier.ideas import services
from quartier.ideas.models import Idea
from quartier.participation.permissions import can_moderate

PASSWORD = "correct horse battery staple"  # the fixtures' (quartier/conftest.py)


def test_permissions_by_role(dortmund, resident, unverified, moderator, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not can_participate(user=anonymous) and not can_moderate(user=anonymous, city=dortmund)
    assert not can_participate(user=unverified)
    assert can_participate(user=resident) and not can_moderate(user=resident, city=dortmund)
    assert can_participate(user=moderator) and can_moderate(user=moderator, city=dortmund)
    resident.is_active = False
    assert not can_participate(user=resident)


def test_signup_sends_a_verification_mail_and_stores_the_profile(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "carla@example.org",
            "password1": "ein langes Passwort 42",
            "password2": "ein langes Passwort 42",
            "display_name": "Carla aus Eving",
            "innovator_type": "science",
            "accept_terms": "on",
            "accept_privacy": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="carla@example.org")
    assert user.display_name == "Carla aus Eving" and user.innovator_type == "science"
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert not can_participate(user=user)


def test_export_contains_what_we_store(client, dortmund, resident):
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    services.comment_add(idea=idea, author=resident, body="Meine Meinung")
    services.idea_support(idea=idea, user=resident)
    client.force_login(resident)
    response = client.get(reverse("profile_export"))
    data = json.loads(response.content)
    assert data["account"]["email"] == "anna@example.org"
    assert data["comments"][0]["body"] == "Meine Meinung"
    assert data["supports"] == [idea.pk]
    assert data["opinion_maps"] == []


def test_export_contains_opinion_map_votes(client, dortmund, resident):
    from quartier.deliberation.models import Conversation
    from quartier.deliberation.services import participant_join, vote_cast

    conversation = Conversation.objects.get(city=dortmund)
    statement = conversation.statements.order_by("id").first()
    participant = participant_join(conversation=conversation, user=resident)
    vote_cast(participant=participant, statement=statement, choice=-1)
    client.force_login(resident)
    data = json.loads(client.get(reverse("profile_export")).content)
    vote = participant.votes.get()
    assert data["opinion_maps"][0]["votes"] == [
        {"statement": statement.text, "choice": -1, "at": vote.updated_at.isoformat()}
    ]


def test_erasing_an_account_keeps_content_and_counts_true(client, dortmund, resident):
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    services.idea_support(idea=idea, user=resident)
    comment = services.comment_add(idea=idea, author=resident, body="Bleibt stehen")
    client.force_login(resident)
    response = client.post(reverse("profile_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(email="anna@example.org").exists()
    comment.refresh_from_db()
    idea.refresh_from_db()
    assert comment.author is None and comment.body == "Bleibt stehen"
    assert idea.support_count == 0


def test_delete_without_confirmation_does_nothing(client, resident):
    client.force_login(resident)
    client.post(reverse("profile_delete"), {})
    assert User.objects.filter(pk=resident.pk).exists()
