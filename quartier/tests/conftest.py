"""Installation-wide tests: a second city beside Dortmund, on the same installation."""

import pytest

from quartier.cities import geography
from quartier.cities.models import City
from quartier.cities.services import city_upsert, districts_import_geojson

# One square district around (50.0 N, 10.0 E): far from Dortmund, so no point lies in both.
MUSTERSTADT_CENTRE = (50.0, 10.0)
MUSTERSTADT_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[9.99, 49.99], [10.01, 49.99], [10.01, 50.01], [9.99, 50.01], [9.99, 49.99]]],
}


def musterstadt_create() -> City:
    city = city_upsert(
        slug="musterstadt",
        name="Musterstadt",
        centre_lat=MUSTERSTADT_CENTRE[0],
        centre_lon=MUSTERSTADT_CENTRE[1],
        boundary=MUSTERSTADT_SQUARE,
    )
    districts_import_geojson(
        city=city,
        collection={
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": "Mitte"}, "geometry": MUSTERSTADT_SQUARE}
            ],
        },
    )
    city.refresh_from_db()
    return city


def forget_district_shapes(city: City) -> None:
    # The point-in-polygon index is cached per process by city id and districts version; a later
    # test's city with the same id and version (the rows are rolled back) must not find ours.
    geography._cache.pop(city.pk, None)


@pytest.fixture
def musterstadt(db):
    city = musterstadt_create()
    yield city
    forget_district_shapes(city)
