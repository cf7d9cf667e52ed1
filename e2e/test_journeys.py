import re

from playwright.sync_api import expect

from e2e.conftest import PASSWORD, confirmation_path, make_verified_user, sign_in

IDEA_TITLE = "Trinkbrunnen für den Nordmarkt"


def register_and_verify(page, mailoutbox, email="resi@example.org", name="Resi"):
    page.goto(page.base_url + "/accounts/signup/")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.fill("#id_display_name", name)
    page.select_option("#id_innovator_type", "resident")
    page.check("#id_accept_terms")
    page.check("#id_accept_privacy")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert len(mailoutbox) == 1
    page.goto(page.base_url + confirmation_path(mailoutbox[0].body))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def fill_idea_texts(page, title):
    page.fill("#id_title", title)
    page.fill("#id_summary", "Frisches Wasser an heißen Tagen, für alle kostenlos.")
    page.fill("#id_description", "Ein **Trinkbrunnen** neben dem Spielplatz.\n\n- Sommer\n- Hitze")
    page.check("input[name=kind][value=ecological]")


def test_register_submit_on_map_comment_support_and_moderate(page, mailoutbox):
    register_and_verify(page, mailoutbox)

    page.goto(page.base_url + "/dortmund/ideas/new/")
    fill_idea_texts(page, IDEA_TITLE)
    pick_map = page.locator("#pick-map")
    expect(pick_map).to_have_class(re.compile("leaflet-container"))
    # Wait until the district outlines are loaded, then click near the centre of the map.
    page.wait_for_function(
        # A function, not an expression: Playwright evals an expression in the page while
        # it polls, which the site's CSP (no unsafe-eval) refuses.
        "() => document.querySelectorAll('#pick-map path').length >= 12"
    )
    pick_map.scroll_into_view_if_needed()
    box = pick_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2 - 20)
    expect(page.locator("#pick-map-status")).to_contain_text("Innenstadt")
    assert page.input_value("#id_lat") and page.input_value("#id_lon")
    page.get_by_role("button", name=re.compile("Publish idea|Idee veröffentlichen")).click()
    expect(page.locator("h1")).to_have_text(IDEA_TITLE)
    idea_url = page.url
    expect(page.locator(".description strong")).to_have_text("Trinkbrunnen")

    page.goto(page.base_url + "/dortmund/ideas/")
    expect(page.locator(".cards")).to_contain_text(IDEA_TITLE)

    page.goto(page.base_url + "/dortmund/map/")
    page.wait_for_function(
        "(title) => { const m = document.querySelector('#city-map');"
        " return m.quartierIdeaLayer && m.quartierIdeaLayer.getLayers().some("
        "   (marker) => marker.getPopup().getContent().includes(title)); }",
        arg=IDEA_TITLE,
    )

    # A neighbour comments and supports.
    make_verified_user("nachbar@example.org", "Nachbar")
    page.context.clear_cookies()
    sign_in(page, "nachbar@example.org")
    page.goto(idea_url)
    page.fill("#id_body", "Super, ich helfe beim Aufstellen!")
    page.get_by_role("button", name=re.compile("Publish comment|Kommentar veröffentlichen")).click()
    expect(page.locator(".comment")).to_contain_text("ich helfe beim Aufstellen")
    page.locator("#support button").click()
    expect(page.locator("#support button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".support-count")).to_contain_text("1")

    # A moderator hides the comment; the public sees the reason instead.
    make_verified_user("moderation@example.org", "Moderation", role="moderator")
    page.context.clear_cookies()
    sign_in(page, "moderation@example.org")
    page.goto(idea_url)
    page.locator(".comment input[name=reason]").fill("Test der Moderation")
    page.get_by_role("button", name=re.compile("Hide comment|Kommentar ausblenden")).click()
    page.context.clear_cookies()
    page.goto(idea_url)
    expect(page.locator(".comment")).to_contain_text("Test der Moderation")
    expect(page.locator(".comment")).not_to_contain_text("ich helfe beim Aufstellen")


def tab_to(page, selector: str, limit: int = 80) -> int:
    """Press Tab until the focus is on ``selector``; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_submit_an_idea_with_the_keyboard_only(page):
    make_verified_user("tastatur@example.org", "Tastatur")
    sign_in(page, "tastatur@example.org")
    page.goto(page.base_url + "/dortmund/ideas/new/")
    page.wait_for_function(
        # A function, not an expression: Playwright evals an expression in the page while
        # it polls, which the site's CSP (no unsafe-eval) refuses.
        "() => document.querySelectorAll('#pick-map path.map-district').length >= 12"
    )
    tab_to(page, "#id_title")
    page.keyboard.type("Bücherschrank an der Haltestelle")
    tab_to(page, "#id_summary")
    page.keyboard.type("Bücher tauschen beim Warten auf den Bus.")
    tab_to(page, "#id_description")
    page.keyboard.type("Ein wetterfester Schrank, von der Nachbarschaft gepflegt.")
    tab_to(page, "input[name=kind]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # moves the choice to the next kind
    tab_to(page, "#pick-map")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # places the idea at the centre of the map
    expect(page.locator("#pick-map-status")).to_contain_text("Innenstadt-West")
    assert page.input_value("#id_lat")
    # From the map to the submit button in a handful of presses: the map's controls (zoom,
    # districts layer, attribution links), the coordinates and the optional images. Before,
    # each of the 12 district shapes was a tab stop too (22 presses).
    presses = tab_to(page, "button[type=submit]:not(.link-button)")
    assert presses <= 12
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Bücherschrank an der Haltestelle")
    from quartier.ideas.models import Idea

    idea = Idea.objects.get(title="Bücherschrank an der Haltestelle")
    # Space chose the first kind, ArrowDown the next; Enter on the map placed it at the centre.
    assert idea.kind == "ecological" and idea.author.email == "tastatur@example.org"
    assert abs(idea.lat - 51.5136) < 0.01 and abs(idea.lon - 7.4653) < 0.01
    assert idea.district.name == "Innenstadt-West"
    expect(page.locator(".badge").first).to_have_text("Ökologisch")


def test_language_switch(page):
    page.goto(page.base_url + "/dortmund/ideas/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_contain_text("Ideen")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Ideas for Dortmund")
    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_skip_link_is_the_first_stop_and_moves_focus(page):
    page.goto(page.base_url + "/dortmund/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_map_page_stays_usable_without_tiles(page):
    page.goto(page.base_url + "/dortmund/map/")
    page.wait_for_function(
        # A function, not an expression: Playwright evals an expression in the page while
        # it polls, which the site's CSP (no unsafe-eval) refuses.
        "() => document.querySelectorAll('#city-map path').length >= 12"
    )
    expect(page.locator("#hotspots-heading")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("DEZENTRALE")
    expect(page.locator(".map-note", has_text="Näherung")).to_be_visible()
    # The tiles 404 in this test: the page says so and keeps working.
    expect(page.locator("#city-map-tiles")).not_to_be_empty()
    expect(page.locator("#city-map-status")).to_have_text("5 Ideen auf der Karte.")
