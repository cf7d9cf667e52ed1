"""Adding statements (moderated before or after publishing), the list of maps, rate limits."""

import pytest
from django.urls import reverse

from quartier.conftest import make_user
from quartier.core.errors import RateLimited
from quartier.deliberation import services
from quartier.deliberation.models import Conversation, StatementModeration


@pytest.fixture
def open_map(dortmund, moderator) -> Conversation:
    return services.conversation_open(
        city=dortmund,
        creator=moderator,
        question="Was fehlt am Hafen?",
        seed_statements=["Mehr Bänke.", "Mehr Schatten."],
        statement_moderation=StatementModeration.AFTER,
    )


def test_a_statement_added_to_a_map_moderated_afterwards_is_published_at_once(
    client, open_map, resident
):
    client.force_login(resident)
    url = reverse("conversation_statement_add", args=["dortmund", open_map.pk])
    response = client.post(url, {"text": "Ein Trinkbrunnen am Kai."})
    assert response.status_code == 302
    statement = open_map.statements.get(text="Ein Trinkbrunnen am Kai.")
    assert statement.status == "accepted" and not statement.is_seed
    assert statement.author.user == resident


def test_a_statement_that_is_too_long_or_empty_is_refused_with_nothing_stored(
    client, open_map, resident
):
    client.force_login(resident)
    url = reverse("conversation_statement_add", args=["dortmund", open_map.pk])
    before = open_map.statements.count()
    for text in ["", "   ", "x" * 281]:
        response = client.post(url, {"text": text})
        assert response.status_code == 400
        assert f">\n{text}</textarea>" in response.content.decode()  # kept, to shorten it
    assert open_map.statements.count() == before


def test_statements_are_rate_limited_per_participant(open_map):
    participant = services.participant_join(
        conversation=open_map, user=make_user("viel@example.org")
    )
    for number in range(10):
        services.statement_submit(participant=participant, text=f"Vorschlag Nummer {number}")
    with pytest.raises(RateLimited):
        services.statement_submit(participant=participant, text="Einer zu viel")
    assert open_map.statements.filter(author=participant).count() == 10


def test_the_list_shows_each_map_with_its_participants_and_state(client, open_map, resident):
    participant = services.participant_join(conversation=open_map, user=resident)
    services.vote_cast(participant=participant, statement=open_map.statements.first(), choice=1)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("conversation_list", args=["dortmund"])).content.decode()
    assert open_map.question in body
    assert "1 participant" in body
    card = body[body.index(open_map.question) :]
    assert "open" in card[:600]
