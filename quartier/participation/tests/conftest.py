import pytest

from quartier.cities.models import City
from quartier.conftest import make_user


@pytest.fixture
def bochum(db) -> City:
    """A second city: nothing of Dortmund's may reach into it, nor the reverse."""
    return City.objects.create(slug="bochum", name="Bochum", centre_lat=51.48, centre_lon=7.22)


@pytest.fixture
def bochum_admin(bochum):
    return make_user("admin@bochum.example.org", name="Bochum Admin", city=bochum, role="admin")
