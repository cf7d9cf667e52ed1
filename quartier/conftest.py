import io

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.utils import translation
from PIL import Image

from quartier.accounts.models import User
from quartier.budgeting.papers import forget_vote_papers
from quartier.cities.models import City
from quartier.ideas.similar import forget_indexes
from quartier.participation.services import role_grant_by_system

BORSIGPLATZ = (51.523333, 7.481667)
PARIS = (48.8566, 2.3522)


@pytest.fixture(autouse=True)
def _english_messages():
    # Services' messages are asserted in English; pages choose their language per request.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits, the GeoJSON cache and the layout's fragments live in the caches: no test may
    # see another's; the similar-ideas indexes and the vote papers live in the process and are
    # built again for each test too.
    for alias in settings.CACHES:
        caches[alias].clear()
    forget_indexes()
    forget_vote_papers()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()
    forget_indexes()
    forget_vote_papers()


@pytest.fixture
def dortmund(db) -> City:
    # Without the imported Assen vote: its 84 ballots would be in every test's counts.
    call_command("load_demo", "--without-past-vote", stdout=io.StringIO())
    return City.objects.get(slug="dortmund")


def make_user(
    email: str,
    *,
    verified: bool = True,
    name: str = "",
    city: City | None = None,
    role: str | None = None,
    superuser: bool = False,
) -> User:
    """An account; ``role`` in ``city`` (admin, moderator, evaluator) if given."""
    user = User.objects.create_user(
        email=email,
        password="correct horse battery staple",  # noqa: S106
        display_name=name or email.split("@")[0],
    )
    if superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if role is not None:
        assert city is not None, "a role is held in a city"
        role_grant_by_system(city=city, user=user, role=role)
    return user


@pytest.fixture
def resident(db) -> User:
    return make_user("anna@example.org", name="Anna")


@pytest.fixture
def neighbour(db) -> User:
    return make_user("bo@example.org", name="Bo")


@pytest.fixture
def unverified(db) -> User:
    return make_user("new@example.org", verified=False)


@pytest.fixture
def moderator(dortmund) -> User:
    """Dortmund's moderator (and nobody else's)."""
    return make_user("mod@example.org", name="Moderation", city=dortmund, role="moderator")


@pytest.fixture
def city_admin(dortmund) -> User:
    return make_user("admin@example.org", name="Stadt Admin", city=dortmund, role="admin")


@pytest.fixture
def system_admin(db) -> User:
    return make_user("root@example.org", name="System", superuser=True)


def image_bytes(image_format: str = "JPEG", size=(64, 48), exif: bool = False) -> bytes:
    picture = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "SpyCam Inc."  # Make
        info[0x0110] = "Model X"  # Model
        picture.save(buffer, image_format, exif=info.tobytes())
    else:
        picture.save(buffer, image_format)
    return buffer.getvalue()
