"""An opinion map through the UI: seeds, simulated participants, groups and consensus."""

from playwright.sync_api import expect

from e2e.conftest import make_verified_user, sign_in
from e2e.test_accessibility import serious_violations

STATEMENTS = [
    "Mehr Bäume am Platz.",
    "Mehr Parkplätze am Platz.",
    "Ein Spielplatz für Kinder.",
    "Eine Ladezone für Geschäfte.",
    "Ein Trinkbrunnen für alle.",
    "Sitzbänke im Schatten.",
    "Ein Wochenmarkt am Samstag.",
    "Alles soll bleiben, wie es ist.",
]


def test_opinion_map_from_seeds_to_groups_and_consensus(page, browser):
    make_verified_user("moderation@example.org", "Moderation", role="moderator")
    sign_in(page, "moderation@example.org")
    page.goto(page.base_url + "/dortmund/opinion-maps/new/")
    page.fill("#id_question", "Was braucht der Nordmarkt?")
    page.fill("#id_seed_statements", "\n".join(STATEMENTS))
    page.check("#id_allow_anonymous")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Was braucht der Nordmarkt?")
    conversation_url = page.url
    assert serious_violations(page) == []

    # Eight people without accounts, in two blocs; everyone wants the drinking fountain.
    for person in range(8):
        context = browser.new_context(locale="de-DE")
        visitor = context.new_page()
        visitor.goto(conversation_url)
        for _ in STATEMENTS:
            text = visitor.locator(".statement-text").inner_text()
            index = STATEMENTS.index(text)
            agrees = "Trinkbrunnen" in text or index % 2 == person % 2
            button = ".vote-agree" if agrees else ".vote-disagree"
            before = visitor.locator("#progress-text").inner_text()
            visitor.locator(button).click()
            expect(visitor.locator("#progress-text")).not_to_have_text(before)
        expect(visitor.locator("#voting [role=status]")).to_be_visible()
        context.close()

    page.goto(conversation_url + "results/")
    expect(page.locator("svg.opinion-map")).to_be_visible()
    expect(page.locator("#group-A")).to_be_visible()
    expect(page.locator("#group-B")).to_be_visible()
    expect(page.locator("#consensus-heading + ol li").first).to_contain_text("Trinkbrunnen")
    # The groups on the map are reachable with the keyboard and lead to their description.
    page.locator("svg.opinion-map a").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") in {"#group-A", "#group-B"}
    assert serious_violations(page) == []
