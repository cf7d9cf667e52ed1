import pytest

from quartier.cities.models import City, District
from quartier.conftest import make_user
from quartier.deliberation import services as deliberation
from quartier.deliberation.models import Conversation, StatementModeration
from quartier.ideas import services as ideas
from quartier.ideas.models import Comment, Idea

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[7.1, 51.4], [7.3, 51.4], [7.3, 51.6], [7.1, 51.6], [7.1, 51.4]]],
}


@pytest.fixture
def idea(dortmund) -> Idea:
    return Idea.objects.filter(city=dortmund).earliest("id")


@pytest.fixture
def comment(idea, neighbour) -> Comment:
    return ideas.comment_add(idea=idea, author=neighbour, body="Ein Kommentar von Bo")


@pytest.fixture
def conversation(dortmund, moderator) -> Conversation:
    """A fresh map (the demo's one has a recompute request pending from loading it)."""
    return deliberation.conversation_open(
        city=dortmund,
        creator=moderator,
        question="Mehr Bänke am Borsigplatz?",
        seed_statements=["Bänke laden zum Verweilen ein.", "Bänke ziehen Lärm an."],
        statement_moderation=StatementModeration.AFTER,
    )


@pytest.fixture
def statement(conversation):
    return conversation.statements.order_by("id").first()


@pytest.fixture
def reporters(db):
    return [make_user(f"reporter{n}@example.org", name=f"Reporter {n}") for n in range(3)]


@pytest.fixture
def bochum(db) -> City:
    return City.objects.create(slug="bochum", name="Bochum", centre_lat=51.48, centre_lon=7.22)


@pytest.fixture
def bochum_idea(bochum) -> Idea:
    district = District.objects.create(city=bochum, name="Mitte", slug="mitte", geometry=SQUARE)
    return Idea.objects.create(
        city=bochum,
        district=district,
        title="Eine Idee in Bochum",
        summary="Nur in Bochum",
        description="Nur in Bochum",
        kind="social",
        innovator_type="resident",
        lat=51.48,
        lon=7.22,
    )
