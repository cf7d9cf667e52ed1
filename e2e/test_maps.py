"""The city maps by keyboard and screen reader: shapes and markers are no tab stops, Leaflet's
controls speak the page's language, and typed coordinates (also "51,5136") place the idea."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from e2e.conftest import make_verified_user, sign_in
from e2e.test_accessibility import unreachable_by_tab, violations

DISTRICTS_LOADED = "(id) => document.querySelectorAll(`#${id} path.map-district`).length >= 12"
IDEAS_LOADED = "(id) => document.getElementById(id).dataset.ideaCount !== undefined"


def open_map_page(page, path="/dortmund/map/", map_id="city-map"):
    page.goto(page.base_url + path)
    page.wait_for_function(DISTRICTS_LOADED, arg=map_id)
    page.wait_for_function(IDEAS_LOADED, arg=map_id)


def open_idea_form(page, email="karte@example.org"):
    make_verified_user(email, "Karte")
    sign_in(page, email)
    page.goto(page.base_url + "/dortmund/ideas/new/")
    page.wait_for_function(DISTRICTS_LOADED, arg="pick-map")


def focusable_inside(page, map_id: str) -> list[str]:
    """Elements in the map that Tab would stop at, other than Leaflet's controls."""
    return page.evaluate(
        """(id) => [...document.getElementById(id).querySelectorAll('*')]
          .filter((el) => !el.closest('.leaflet-control-container'))
          .filter((el) => el.tabIndex >= 0 || (el.hasAttribute('tabindex')
                          && el.getAttribute('tabindex') !== '-1'))
          .map((el) => el.outerHTML.slice(0, 80))""",
        map_id,
    )


def tab_stops_in_map(page, map_id: str) -> list[str]:
    """Focus the map, then Tab until the focus leaves it: every stop on the way."""
    page.focus(f"#{map_id}")
    stops: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """(id) => {
              const el = document.activeElement;
              if (!document.getElementById(id).contains(el)) return null;
              const control = el.closest('.leaflet-control-container') ? 'control' : 'MAP CONTENT';
              return control + ': ' + el.tagName.toLowerCase() + ' '
                + (el.getAttribute('aria-label') || el.title || el.textContent.trim()).slice(0, 40);
            }""",
            map_id,
        )
        if stop is None:
            return stops
        stops.append(stop)
    raise AssertionError(f"the focus never leaves the map: {stops}")


def test_district_shapes_and_markers_are_not_tab_stops_on_the_map_page(page):
    open_map_page(page)
    # Before this fix: 12 district shapes and a cluster icon were tab stops (32 presses from the
    # top of the page to the district list; now 19).
    for zoom_in in (0, 3):  # zoomed in, clusters split into single markers and new icons
        page.evaluate(
            "(steps) => { const m = document.getElementById('city-map').quartierMap;"
            " m.setZoom(m.getZoom() + steps, { animate: false }); }",
            zoom_in,
        )
        page.wait_for_timeout(400)
        assert focusable_inside(page, "city-map") == []
        stops = tab_stops_in_map(page, "city-map")
        assert [stop for stop in stops if not stop.startswith("control")] == []
        # The real controls stay: zoom in, zoom out, three layers, the attribution links.
        assert len([stop for stop in stops if "checkbox" in stop or " input" in stop]) == 3
        assert sum(stop.startswith("control: a ") for stop in stops) >= 3, stops
    assert page.locator("#city-map path").count() >= 12
    # The keyboard way to the districts: the list beside the map.
    expect(page.locator("#districts-heading ~ table a").first).to_be_visible()


def test_the_map_page_and_the_home_page_work_by_keyboard_with_focus_rings(page):
    open_map_page(page)
    assert unreachable_by_tab(page) == []
    open_map_page(page, "/dortmund/", "home-map")
    assert focusable_inside(page, "home-map") == []


def test_the_place_picker_has_no_tab_stops_but_its_controls(page):
    open_idea_form(page)
    assert focusable_inside(page, "pick-map") == []
    stops = tab_stops_in_map(page, "pick-map")
    assert all(stop.startswith("control") for stop in stops), stops
    # Zoom in, zoom out, the districts' checkbox, the Leaflet and OpenStreetMap links.
    assert len(stops) <= 5, stops
    assert page.evaluate("document.activeElement.id") == "id_lat"


def open_district_popup(page) -> None:
    page.locator("#city-map path.map-district").first.dispatch_event("click")
    # Popups fade in: axe would measure the contrast of a half-transparent text.
    page.wait_for_function(
        "() => { const p = document.querySelector('#city-map .leaflet-popup');"
        " return p && getComputedStyle(p).opacity === '1'; }"
    )


def zoom_titles(page, map_id: str) -> list[str | None]:
    return [
        page.locator(f"#{map_id} .leaflet-control-zoom-{which}").get_attribute(attribute)
        for which in ("in", "out")
        for attribute in ("title", "aria-label")
    ]


def german(message: str) -> str:
    with translation.override("de"):
        return str(translation.gettext(message))


def test_leaflet_controls_speak_german_on_a_german_page(page):
    open_map_page(page)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    zoom_in, zoom_out = german("Zoom in on the map"), german("Zoom out of the map")
    assert zoom_titles(page, "city-map") == [zoom_in, zoom_in, zoom_out, zoom_out]
    layers = page.locator("#city-map .leaflet-control-layers-list")
    expect(layers).to_have_attribute("role", "group")
    expect(layers).to_have_attribute("aria-label", german("Map layers"))
    # The layer names are Django's German ones.
    expect(layers).to_contain_text("Stadtbezirke")
    # Leaflet's English link title is replaced; a district's popup closes with "Schließen".
    leaflet_link = page.locator("#city-map .leaflet-control-attribution a").first
    expect(leaflet_link).to_have_text("Leaflet")
    expect(leaflet_link).to_have_attribute(
        "title", german("Leaflet, the software that shows this map")
    )
    open_district_popup(page)
    expect(page.locator("#city-map .leaflet-popup-close-button")).to_have_attribute(
        "aria-label", "Schließen"
    )


@pytest.fixture
def english_page(page):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    return page


def test_leaflet_controls_speak_english_on_an_english_page(english_page):
    page = english_page
    open_map_page(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # Not Leaflet's "Zoom in": the text comes from the page.
    assert zoom_titles(page, "city-map") == [
        "Zoom in on the map",
        "Zoom in on the map",
        "Zoom out of the map",
        "Zoom out of the map",
    ]
    expect(page.locator("#city-map .leaflet-control-layers-list")).to_have_attribute(
        "aria-label", "Map layers"
    )
    expect(page.locator("#city-map .leaflet-control-layers-list")).to_contain_text("Districts")
    open_district_popup(page)
    expect(page.locator("#city-map .leaflet-popup-close-button")).to_have_attribute(
        "aria-label", "Close"
    )


def marker_position(page) -> list[float] | None:
    return page.evaluate(
        """() => { const img = document.querySelector('#pick-map .leaflet-marker-icon');
          if (!img) return null;
          const map = document.getElementById('pick-map').quartierMap;
          let found = null;
          map.eachLayer((layer) => { if (layer.getElement && layer.getElement() === img)
            found = [layer.getLatLng().lat, layer.getLatLng().lng]; });
          return found; }"""
    )


def type_coordinates(page, lat: str, lon: str) -> None:
    page.locator("#id_lat").fill(lat)
    page.keyboard.press("Tab")
    page.locator("#id_lon").fill(lon)
    page.keyboard.press("Tab")  # leaving the box is a change, as for a person typing


def test_typed_coordinates_with_a_decimal_comma_announce_the_district(page):
    open_idea_form(page)
    expect(page.locator("#id_lat")).to_have_attribute("inputmode", "decimal")
    type_coordinates(page, "51,5136", "7,4653")
    # The same message as a click on the map (its German text is translated already).
    expect(page.locator("#pick-map-status")).to_have_text(
        # Template msgids double the percent sign (makemessages does the same).
        german("Place chosen in the district %%s.").replace("%%s", "Innenstadt-West")
    )
    assert marker_position(page) == [51.5136, 7.4653]
    # Read as 515136 the marker would be nowhere near; outside the city it says so.
    type_coordinates(page, "48,8566", "2,3522")
    expect(page.locator("#pick-map-status")).to_have_text(
        german("This place lies outside the city. Please choose a place within the city.")
    )
    assert marker_position(page) == [48.8566, 2.3522]
    # What a click writes, typed by hand with points, is the same place.
    type_coordinates(page, "51.523333", "7.481667")
    expect(page.locator("#pick-map-status")).to_contain_text("Innenstadt-Nord")
    # Garbage is not a place: the marker stays where it was and the status says why.
    type_coordinates(page, "51.513.6", "1e400")
    expect(page.locator("#pick-map-status")).to_have_text(
        german(
            "Please type the latitude and longitude as decimal numbers, for example 51.5136 "
            "and 7.4653 (a decimal comma is fine too)."
        )
    )
    assert marker_position(page) == [51.523333, 7.481667]


def test_an_idea_typed_with_decimal_commas_is_created_in_its_district(page):
    from quartier.ideas.models import Idea

    open_idea_form(page, "komma@example.org")
    page.fill("#id_title", "Sitzbank am Westenhellweg")
    page.fill("#id_summary", "Eine Bank zum Ausruhen beim Einkaufen.")
    page.fill("#id_description", "Mitten in der Fußgängerzone.")
    page.check("input[name=kind][value=social]")
    type_coordinates(page, "51,5136", "7,4653")
    expect(page.locator("#pick-map-status")).to_contain_text("Innenstadt-West")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Sitzbank am Westenhellweg")
    idea = Idea.objects.get(title="Sitzbank am Westenhellweg")
    assert (idea.lat, idea.lon) == (51.5136, 7.4653)
    assert idea.district.name == "Innenstadt-West"


def test_a_returned_form_shows_and_announces_its_place(page):
    open_idea_form(page, "zurueck@example.org")
    type_coordinates(page, "51,5136", "7,4653")
    page.locator("main form button[type=submit]").click()  # the texts are missing
    expect(page.locator("#form-errors")).to_be_visible()
    page.wait_for_function(DISTRICTS_LOADED, arg="pick-map")
    expect(page.locator("#pick-map-status")).to_contain_text("Innenstadt-West")
    assert marker_position(page) == [51.5136, 7.4653]


def test_axe_finds_nothing_on_the_map_page(page):
    open_map_page(page)
    assert violations(page) == []
    open_district_popup(page)
    expect(page.locator("#city-map .leaflet-popup")).to_contain_text(german("Population"))
    assert violations(page) == []


def test_axe_finds_nothing_on_the_idea_form(page):
    open_idea_form(page, "axe-karte@example.org")
    assert violations(page) == []
    type_coordinates(page, "51,5136", "7,4653")
    expect(page.locator("#pick-map .leaflet-marker-icon")).to_be_visible()
    assert violations(page) == []
