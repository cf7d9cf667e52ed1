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


def test_a_network_past_its_pseudonym_limits_is_told_why_and_keeps_its_statement(
    page, browser, settings
):
    from quartier.cities.models import City
    from quartier.deliberation import services
    from quartier.deliberation.models import StatementModeration

    # Three fresh browsers on one machine: one address for the server.
    settings.OPINION_MAP_PSEUDONYMS_PER_ADDRESS = 2
    settings.OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_ADDRESS = 1
    moderator = make_verified_user("moderation@example.org", "Moderation", role="moderator")
    conversation = services.conversation_open(
        city=City.objects.get(slug="dortmund"),
        creator=moderator,
        question="Was fehlt am Hafen?",
        seed_statements=STATEMENTS[:3],
        statement_moderation=StatementModeration.AFTER,
        allow_anonymous=True,
    )
    url = f"{page.base_url}/dortmund/opinion-maps/{conversation.pk}/"

    def fresh_browser():
        visitor = browser.new_context(locale="de-DE").new_page()
        visitor.goto(url)
        return visitor

    def write(visitor, text: str) -> None:
        visitor.locator("details.add-statement summary").click()
        visitor.fill("#id_text", text)
        visitor.locator("details.add-statement button[type=submit]").click()

    first = fresh_browser()
    write(first, "Ein Trinkbrunnen am Kai.")
    expect(first.locator(".messages .message-success")).to_be_visible()

    # The second pseudonym may join, but the network has written its statement for now.
    second = fresh_browser()
    write(second, "Mein sorgfältig getippter Satz.")
    expect(second.locator(".messages .message-error")).to_be_visible()
    expect(second.locator("details.add-statement")).to_have_attribute("open", "")
    expect(second.locator("#id_text")).to_have_value("Mein sorgfältig getippter Satz.")

    # A third fresh browser is one pseudonym too many: its vote is refused with the reason,
    # swapped in although the answer is a 429.
    third = fresh_browser()
    before = third.locator("#progress-text").inner_text()
    third.locator(".vote-agree").click()
    expect(third.locator("#voting [role=alert]")).to_be_visible()
    expect(third.locator("#progress-text")).to_have_text(before)
    assert serious_violations(third) == []
    for visitor in (first, second, third):
        visitor.context.close()
