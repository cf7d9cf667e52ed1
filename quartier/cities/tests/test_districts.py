import json

import pytest

from quartier.cities.errors import InvalidGeoData, PointOutsideCity
from quartier.cities.models import District, Hotspot
from quartier.cities.services import (
    district_for_idea_location,
    districts_import_geojson,
    hotspots_import_csv,
)
from quartier.conftest import BORSIGPLATZ, PARIS

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[7.0, 51.0], [7.1, 51.0], [7.1, 51.1], [7.0, 51.1], [7.0, 51.0]]],
}
# Metres (UTM), not degrees: a typical mistake when exporting from a GIS.
PROJECTED = {
    "type": "Polygon",
    "coordinates": [[[400000, 5700000], [400100, 5700000], [400100, 5700100], [400000, 5700000]]],
}
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[7, 51], [7.1, 51.1], [7.1, 51], [7, 51.1], [7, 51]]],
}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def feature(name="Mitte", geometry=SQUARE, **properties):
    return {"type": "Feature", "geometry": geometry, "properties": {"name": name, **properties}}


def test_demo_city_has_the_twelve_stadtbezirke(dortmund):
    names = set(District.objects.filter(city=dortmund).values_list("name", flat=True))
    assert len(names) == 12
    assert {"Innenstadt-Nord", "Hörde", "Lütgendortmund", "Mengede"} <= names
    nord = District.objects.get(city=dortmund, name="Innenstadt-Nord")
    assert nord.population == 61065
    assert "approximate" in nord.geometry_quality


def test_borsigplatz_lies_in_innenstadt_nord(dortmund):
    district = district_for_idea_location(city=dortmund, lat=BORSIGPLATZ[0], lon=BORSIGPLATZ[1])
    assert district.name == "Innenstadt-Nord"


def test_a_point_in_paris_is_refused_with_a_message(dortmund):
    with pytest.raises(PointOutsideCity) as error:
        district_for_idea_location(city=dortmund, lat=PARIS[0], lon=PARIS[1])
    assert "Dortmund" in error.value.message


def test_coordinates_out_of_range_are_refused(dortmund):
    with pytest.raises(PointOutsideCity):
        district_for_idea_location(city=dortmund, lat=123.0, lon=7.4)


def test_hotspots_without_coordinates_are_kept_without_a_made_up_location(dortmund):
    dezentrale = Hotspot.objects.get(city=dortmund, name="DEZENTRALE")
    assert dezentrale.lat is None and dezentrale.lon is None and dezentrale.district is None
    borsigplatz = Hotspot.objects.get(city=dortmund, name="Borsigplatz")
    assert borsigplatz.district.name == "Innenstadt-Nord"


def test_import_uses_configurable_property_names(dortmund):
    districts = districts_import_geojson(
        city=dortmund,
        collection=collection(feature(name=None, bezeichnung="Neu-Bezirk", einwohner="1234")),
        name_property="bezeichnung",
        population_property="einwohner",
    )
    assert districts[0].name == "Neu-Bezirk"
    assert districts[0].population == 1234


def test_import_after_change_reassigns_points(dortmund):
    # The per-process index must notice the new version after an import.
    districts_import_geojson(city=dortmund, collection=collection(feature(name="Testfeld")))
    assert district_for_idea_location(city=dortmund, lat=51.05, lon=7.05).name == "Testfeld"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"type": "Feature"}, "FeatureCollection"),
        (collection(), "no features"),
        (collection(feature(geometry={"type": "Point", "coordinates": [7, 51]})), "Polygon"),
        (collection(feature(name="")), "name"),
        (collection(feature(), feature()), "twice"),
        (collection(feature(population=-5)), "negative"),
        (collection(feature(population="many")), "whole number"),
        (collection(feature(geometry=PROJECTED)), "WGS84"),
        (collection(feature(geometry=BOW_TIE)), "invalid geometry"),
    ],
)
def test_bad_geojson_is_refused_and_changes_nothing(dortmund, bad, message):
    before = list(District.objects.order_by("id").values_list("id", "name", "population"))
    with pytest.raises(InvalidGeoData) as error:
        districts_import_geojson(city=dortmund, collection=bad)
    assert message in error.value.message
    assert list(District.objects.order_by("id").values_list("id", "name", "population")) == before


def test_import_districts_command_reads_a_file(dortmund, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "official.geojson"
    path.write_text(json.dumps(collection(feature(name="Amtlich", einwohner=7))), "utf-8")
    out = StringIO()
    call_command(
        "import_districts", "dortmund", str(path), "--population-property=einwohner", stdout=out
    )
    assert "Imported 1 districts" in out.getvalue()
    assert District.objects.get(city=dortmund, name="Amtlich").population == 7


def test_hotspot_csv_with_bad_coordinate_names_the_line(dortmund):
    with pytest.raises(InvalidGeoData) as error:
        hotspots_import_csv(
            city=dortmund, text="name,kind,lat,lon\nA,lab,51.5,7.4\nB,lab,abc,7.4\n"
        )
    assert "Line 3" in error.value.message
    assert not Hotspot.objects.filter(city=dortmund, name="A", kind="lab").exists()


@pytest.mark.realdata
def test_demo_copy_matches_the_shared_dortmund_data(shared_data):
    from quartier.pages.management.commands.load_demo import DEMO_DATA

    for name in ["stadtbezirke-approx.geojson", "districts.csv", "hotspots.csv"]:
        assert (DEMO_DATA / name).read_bytes() == (shared_data / "dortmund" / name).read_bytes()
