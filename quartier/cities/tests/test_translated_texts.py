"""A city's texts (data credits, district note, geometry quality, hotspot notes) per language:
shown in the page's language, else in the city's own language marked with its ``lang``."""

import json
import pickle
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from quartier.cities.errors import InvalidGeoData
from quartier.cities.models import City, District, Hotspot
from quartier.cities.selectors import city_map_config
from quartier.cities.services import (
    city_upsert,
    district_update,
    hotspot_save,
    hotspots_import_csv,
    reserved_city_slugs,
)
from quartier.core.translated import (
    InvalidTranslations,
    LocalText,
    localized,
    translations_cleaned,
    translations_from_columns,
)
from quartier.pages.management.commands.load_demo import ATTRIBUTION, DISTRICTS_NOTE

# --- the helper -----------------------------------------------------------------------------


def test_the_page_language_wins_and_is_not_marked():
    text = localized({"de": "Hallo", "en": "Hello"}, default="de", language="en")
    assert (text, text.lang, text.fallback, text.lang_attr) == ("Hello", "en", False, "")


def test_without_a_translation_the_city_language_is_shown_and_marked():
    text = localized({"de": "Hallo", "fr": "Bonjour"}, default="de", language="en")
    assert (text, text.lang, text.fallback) == ("Hallo", "de", True)
    assert text.lang_attr == ' lang="de"'


def test_a_regional_page_language_uses_its_base_language():
    assert localized({"de": "Hallo", "en": "Hello"}, default="en", language="de-at") == "Hallo"
    assert not localized({"de": "Hallo"}, default="en", language="de-at").fallback


def test_any_language_is_better_than_nothing():
    text = localized({"fr": "Bonjour"}, default="de", language="en")
    assert (text, text.lang, text.fallback) == ("Bonjour", "fr", True)
    empty = localized({"de": "", "en": ""}, default="de", language="en")
    assert not empty and empty.lang_attr == ""


def test_the_active_language_is_the_default():
    values = {"de": "Hallo", "en": "Hello"}
    with translation.override("de"):
        assert localized(values, default="en") == "Hallo"
    with translation.override("en"):
        assert localized(values, default="de") == "Hello"


def test_local_text_is_a_string_that_serialises_as_its_words():
    text = LocalText("Hallo", "de", fallback=True)
    assert json.dumps({"t": text}) == '{"t": "Hallo"}'
    assert "all" in text and text.text == "Hallo" and type(text.text) is str
    copy = pickle.loads(pickle.dumps(text))  # noqa: S301 - our own bytes
    assert (copy, copy.lang, copy.fallback) == ("Hallo", "de", True)


def test_stored_values_of_the_wrong_shape_show_nothing():
    assert localized(["Hallo"], default="de") == ""  # type: ignore[arg-type]
    assert localized({"de": 3, "en": "Hello"}, default="de", language="de") == "Hello"


def test_translations_are_cleaned_at_the_boundary():
    assert translations_cleaned("  Hallo ", language="de") == {"de": "Hallo"}
    assert translations_cleaned({"DE": "Hallo", "en": "  ", "pt_BR": "Olá"}, language="de") == {
        "de": "Hallo",
        "pt-br": "Olá",
    }
    with pytest.raises(InvalidTranslations, match="xx is not a language code"):
        translations_cleaned({"xx": "?"}, language="de")
    with pytest.raises(InvalidTranslations, match="control characters"):
        translations_cleaned({"de": "a\x1bb"}, language="de")
    with pytest.raises(InvalidTranslations, match="at most 5 characters"):
        translations_cleaned({"de": "zu lang"}, language="de", max_length=5)
    with pytest.raises(InvalidTranslations, match="a text per language"):
        translations_cleaned({"de": 3}, language="de")  # type: ignore[dict-item]


def test_import_columns_name_their_language():
    row = {"description": "Hallo", "description_en": "Hello", "description_url": "https://x"}
    assert translations_from_columns(row, "description", language="de") == {
        "de": "Hallo",
        "en": "Hello",
    }


# --- the demo and the pages --------------------------------------------------------------------


def test_the_demo_has_its_interface_like_texts_in_both_languages(dortmund):
    assert dortmund.language == "de"
    for texts in (dortmund.data_attribution_i18n, dortmund.districts_note_i18n):
        assert set(texts) == {"de", "en"}
    # The boundary's source note, as BKG requires it (README section 2).
    assert "© GeoBasis-DE / BKG 2013 (Daten verändert)" in ATTRIBUTION["de"]
    assert "© GeoBasis-DE / BKG 2013 (data modified)" in ATTRIBUTION["en"]
    assert "/ District" not in DISTRICTS_NOTE["de"]  # no English tacked onto the German
    for district in District.objects.filter(city=dortmund):
        assert set(district.geometry_quality_i18n) == {"de", "en"}
    for hotspot in Hotspot.objects.filter(city=dortmund):
        assert set(hotspot.description_i18n) == {"de", "en"}, hotspot.name
        assert hotspot.description_i18n["de"] != hotspot.description_i18n["en"]
        assert set(hotspot.source_i18n) == {"en"}  # research notes, kept as written


def _page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    return response.content.decode()


def _footer_credits(html: str) -> str:
    match = re.search(r'<p class="attribution"([^>]*)>([^<]*)</p>', html)
    assert match, "no data credits in the footer"
    return match.group(1) + "|" + match.group(2)


def _district_note(html: str) -> str:
    match = re.search(
        r'<p class="map-note"><strong>[^<]*</strong> <span([^>]*)>([^<]*)</span>', html
    )
    assert match, "no district note on the map"
    return match.group(1) + "|" + match.group(2)


def _unescaped(text: str) -> str:
    from html import escape

    return escape(text)


def test_an_english_page_shows_english_credits_and_note(client, dortmund):
    html = _page(client, "/dortmund/map/", "en")
    assert _footer_credits(html) == "|" + _unescaped(ATTRIBUTION["en"])
    assert _district_note(html) == "|" + _unescaped(DISTRICTS_NOTE["en"])
    assert "Stadtgrenze" not in html and "Näherung" not in html


def test_a_german_page_shows_german_credits_and_note(client, dortmund):
    html = _page(client, "/dortmund/map/", "de")
    assert _footer_credits(html) == "|" + _unescaped(ATTRIBUTION["de"])
    assert _district_note(html) == "|" + _unescaped(DISTRICTS_NOTE["de"])
    assert "City boundary" not in html and "approximation" not in html


def test_an_untranslated_text_is_shown_in_the_city_language_with_its_lang(client, dortmund):
    city_upsert(
        slug="dortmund",
        name="Dortmund",
        centre_lat=dortmund.centre_lat,
        centre_lon=dortmund.centre_lon,
        data_attribution={"de": "Daten: Stadt Dortmund"},
        districts_note={"de": "Grenzen ungefähr"},
    )
    html = _page(client, "/dortmund/map/", "en")
    assert _footer_credits(html) == ' lang="de"|Daten: Stadt Dortmund'
    assert _district_note(html) == ' lang="de"|Grenzen ungefähr'
    # The German page shows the same texts as its own: no lang of their own.
    html = _page(client, "/dortmund/", "de")
    assert _footer_credits(html) == "|Daten: Stadt Dortmund"


def test_the_map_credits_follow_the_language(dortmund):
    with translation.override("en"):
        config = city_map_config(dortmund)
        assert (config["dataAttribution"], config["dataAttributionLang"]) == (ATTRIBUTION["en"], "")
    with translation.override("de"):
        assert city_map_config(dortmund)["dataAttribution"] == ATTRIBUTION["de"]
    dortmund.data_attribution_i18n = {"de": "Nur Deutsch"}
    with translation.override("en"):
        config = city_map_config(dortmund)
        assert (config["dataAttribution"], config["dataAttributionLang"]) == ("Nur Deutsch", "de")


# --- the API -------------------------------------------------------------------------------


def _feature(client, path: str, name: str, language: str) -> dict:
    response = client.get(f"/api/v1/cities/dortmund/{path}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return next(f for f in response.json()["features"] if f["properties"]["name"] == name)


def test_the_api_gives_hotspot_notes_in_the_asked_language(client, dortmund):
    u = Hotspot.objects.get(city=dortmund, name="Dortmunder U")
    english = _feature(client, "hotspots", "Dortmunder U", "en")["properties"]
    assert english["description"] == u.description_i18n["en"]
    assert english["languages"] == {"description": "en", "source": "en"}
    german = _feature(client, "hotspots", "Dortmunder U", "de")["properties"]
    assert german["description"].startswith("Ehemaliges Kellerhochhaus der Union-Brauerei")
    assert german["kind_label"] == "Zentrum für Kultur und Kreativwirtschaft"
    # The source exists in English only: given as it is, and said to be English.
    assert german["source"] == u.source_i18n["en"]
    assert german["languages"] == {"description": "de", "source": "en"}


def test_the_api_gives_the_geometry_quality_in_the_asked_language(client, dortmund):
    english = _feature(client, "districts", "Hörde", "en")["properties"]
    assert english["geometry_quality"].startswith("approximate: Voronoi cells")
    assert english["languages"] == {"geometry_quality": "en"}
    german = _feature(client, "districts", "Hörde", "de")["properties"]
    assert german["geometry_quality"].startswith("Näherung: Voronoi-Zellen")
    assert german["languages"] == {"geometry_quality": "de"}


def test_a_text_without_any_language_has_no_language(client, dortmund):
    hotspot = Hotspot.objects.get(city=dortmund, name="Borsigplatz")
    hotspot_save(
        hotspot=hotspot, name=hotspot.name, kind=hotspot.kind, lat=hotspot.lat, lon=hotspot.lon
    )
    properties = _feature(client, "hotspots", "Borsigplatz", "en")["properties"]
    assert (properties["description"], properties["source"], properties["languages"]) == (
        "",
        "",
        {},
    )


# --- writes ---------------------------------------------------------------------------------


def test_services_take_a_string_in_the_city_language_or_a_text_per_language(dortmund):
    hotspot = Hotspot.objects.get(city=dortmund, name="Borsigplatz")
    hotspot_save(
        hotspot=hotspot,
        name=hotspot.name,
        kind=hotspot.kind,
        lat=hotspot.lat,
        lon=hotspot.lon,
        description="Ein runder Platz",
        source={"en": "Wikipedia", "de": ""},
    )
    hotspot.refresh_from_db()
    assert (hotspot.description_i18n, hotspot.source_i18n) == (
        {"de": "Ein runder Platz"},
        {"en": "Wikipedia"},
    )
    district = District.objects.get(city=dortmund, name="Hörde")
    with pytest.raises(InvalidGeoData, match="x is not a language code"):
        district_update(
            district=district,
            name="Hörde",
            geometry=district.geometry,
            geometry_quality={"xx": "?"},
        )
    with pytest.raises(InvalidGeoData, match="at most 300 characters"):
        district_update(
            district=district, name="Hörde", geometry=district.geometry, geometry_quality="x" * 301
        )


def test_a_city_language_must_be_one_of_the_site_languages(db):
    with pytest.raises(InvalidGeoData, match="not one of this site's languages"):
        city_upsert(slug="lyon", name="Lyon", centre_lat=45.76, centre_lon=4.83, language="fr")
    city = city_upsert(
        slug="bochum", name="Bochum", centre_lat=51.48, centre_lon=7.21, data_attribution="Daten"
    )
    assert (city.language, city.data_attribution_i18n) == ("de", {"de": "Daten"})
    # Changing other settings keeps the city's language.
    city_upsert(slug="bochum", name="Bochum", centre_lat=51.48, centre_lon=7.21, language="en")
    city = city_upsert(slug="bochum", name="Bochum Mitte", centre_lat=51.48, centre_lon=7.21)
    assert city.language == "en"


def test_the_hotspot_import_reads_a_column_per_language(dortmund):
    text = (
        "name,kind,description,description_en,source_fr\n"
        "Neues Labor,makerspace,Ein Labor,A lab,Journal\n"
    )
    (hotspot,) = hotspots_import_csv(city=dortmund, text=text)
    assert hotspot.description_i18n == {"de": "Ein Labor", "en": "A lab"}
    assert hotspot.source_i18n == {"fr": "Journal"}
    (hotspot,) = hotspots_import_csv(city=dortmund, text=text, language="en")
    assert hotspot.description_i18n == {"en": "A lab"}  # the column named for it wins


# --- admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client_en(client, system_admin):
    client.force_login(system_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _change_form(client, url: str) -> tuple[dict, str]:
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        data[name] = (
            field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
        )
    return data, response.content.decode()


def test_the_admin_edits_a_city_text_in_each_language(admin_client_en, dortmund):
    url = f"/admin/cities/city/{dortmund.pk}/change/"
    data, html = _change_form(admin_client_en, url)
    assert data["districts_note_de"] == DISTRICTS_NOTE["de"]
    assert data["districts_note_en"] == DISTRICTS_NOTE["en"]
    assert 'name="districts_note_en"' in html and 'lang="en"' in html
    assert "Note on district boundaries (English)" in html
    data.pop("boundary")  # unchanged; posted as it was loaded, below
    data["boundary"] = json.dumps(dortmund.boundary)
    data["districts_note_en"] = "Approximate boundaries"
    data["data_attribution_de"] = ""
    response = admin_client_en.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    city = City.objects.get(pk=dortmund.pk)
    assert city.districts_note_i18n == {"de": DISTRICTS_NOTE["de"], "en": "Approximate boundaries"}
    assert city.data_attribution_i18n == {"en": ATTRIBUTION["en"]}
    # A control character is a form error, never a server error.
    data["districts_note_de"] = "Grenzen\x1b"
    response = admin_client_en.post(url, data)
    assert response.status_code == 200
    assert "must not contain control characters" in response.content.decode()


def test_the_admin_edits_hotspot_and_district_texts_in_each_language(admin_client_en, dortmund):
    hotspot = Hotspot.objects.get(city=dortmund, name="Borsigplatz")
    url = f"/admin/cities/hotspot/{hotspot.pk}/change/"
    data, html = _change_form(admin_client_en, url)
    assert data["description_de"] == hotspot.description_i18n["de"]
    assert 'name="source_de"' in html
    data["description_en"] = "A round square"
    data["source_de"] = "Wikipedia (deutsch)"
    assert admin_client_en.post(url, data).status_code == 302
    hotspot.refresh_from_db()
    assert hotspot.description_i18n["en"] == "A round square"
    assert hotspot.source_i18n == {"de": "Wikipedia (deutsch)", "en": hotspot.source_i18n["en"]}

    district = District.objects.get(city=dortmund, name="Hörde")
    url = f"/admin/cities/district/{district.pk}/change/"
    data, html = _change_form(admin_client_en, url)
    assert data["geometry_quality_en"].startswith("approximate")
    data["geometry"] = json.dumps(district.geometry)
    data["geometry_quality_de"] = "amtlich"
    assert admin_client_en.post(url, data).status_code == 302
    district.refresh_from_db()
    assert district.geometry_quality_i18n["de"] == "amtlich"


# --- the migration -------------------------------------------------------------------------

BEFORE = [("cities", "0002_city_premoderation")]
AFTER = [("cities", "0005_remove_city_single_language_texts")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_text_as_the_city_language_text():
    try:
        apps = _migrate(BEFORE)
        city = apps.get_model("cities", "City").objects.create(
            slug="altstadt", name="Altstadt", centre_lat=51.5, centre_lon=7.4,
            data_attribution="Daten: Stadt", districts_note="",
        )  # fmt: skip
        district = apps.get_model("cities", "District").objects.create(
            city=city, name="Mitte", slug="mitte", geometry={}, geometry_quality="amtlich"
        )
        apps.get_model("cities", "Hotspot").objects.create(
            city=city, name="Labor", kind="makerspace", district=district,
            description="Ein Labor", source="Presse",
        )  # fmt: skip

        apps = _migrate(AFTER)
        city = apps.get_model("cities", "City").objects.get(slug="altstadt")
        assert city.language == "de"
        assert (city.data_attribution_i18n, city.districts_note_i18n) == (
            {"de": "Daten: Stadt"},
            {},
        )
        district = apps.get_model("cities", "District").objects.get(name="Mitte")
        assert district.geometry_quality_i18n == {"de": "amtlich"}
        hotspot = apps.get_model("cities", "Hotspot").objects.get(name="Labor")
        assert (hotspot.description_i18n, hotspot.source_i18n) == (
            {"de": "Ein Labor"},
            {"de": "Presse"},
        )

        # Back again: the city's language, else any text there is.
        hotspot.description_i18n = {"en": "A lab"}
        hotspot.save()
        apps = _migrate(BEFORE)
        hotspot = apps.get_model("cities", "Hotspot").objects.get(name="Labor")
        assert (hotspot.description, hotspot.source) == ("A lab", "Presse")
        assert apps.get_model("cities", "City").objects.get().data_attribution == "Daten: Stadt"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- city slugs ----------------------------------------------------------------------------


def test_the_site_paths_are_reserved_from_the_root_urlconf():
    reserved = reserved_city_slugs()
    assert {"admin", "accounts", "api", "i18n", "healthz", "static", "media"} <= reserved
    assert "dortmund" not in reserved and "" not in reserved


@pytest.mark.parametrize("slug", ["admin", "api", "Static", "healthz", "i18n"])
def test_a_city_cannot_take_a_site_path_as_its_slug(db, slug):
    with pytest.raises(InvalidGeoData, match="belongs to the site itself"):
        city_upsert(slug=slug, name="X", centre_lat=51.0, centre_lon=7.0)
    assert not City.objects.filter(slug=slug).exists()


def test_the_admin_refuses_a_site_path_as_slug(admin_client_en):
    response = admin_client_en.post(
        "/admin/cities/city/add/",
        {"slug": "accounts", "name": "Accounts", "country_code": "DE", "language": "de",
         "centre_lat": 51.48, "centre_lon": 7.21, "default_zoom": 11, "boundary": "null"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "belongs to the site itself" in response.content.decode()
    assert not City.objects.filter(slug="accounts").exists()


def test_the_district_import_command_reads_a_property_per_language(dortmund, tmp_path):
    import io

    from django.core.management import call_command

    district = District.objects.get(city=dortmund, name="Hörde")
    path = tmp_path / "bezirke.geojson"
    properties = {"name": "Hörde", "geometry_quality": "official", "geometry_quality_de": "amtlich"}
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": district.geometry, "properties": properties}
                ],
            }
        ),
        encoding="utf-8",
    )
    call_command("import_districts", "dortmund", str(path), "--language=en", stdout=io.StringIO())
    district.refresh_from_db()
    assert district.geometry_quality_i18n == {"en": "official", "de": "amtlich"}
