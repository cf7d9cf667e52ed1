"""The participation spine in a real browser: roles, pre-moderation, reports and the audit log.

Every person has a browser context of their own, so that "the anonymous visitor does not see
it" is a second visitor, not the same one after signing out. Texts are matched in English and
German: the interface is German (``locale="de-DE"``) once the translations are compiled.
"""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import make_verified_user, sign_in
from e2e.test_journeys import tab_to


@pytest.fixture
def visitor(browser, demo):
    """``visitor(email)`` opens a new browser context, signed in as ``email`` unless None."""
    contexts = []

    def open_page(email: str | None = None):
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        new_page = context.new_page()
        new_page.base_url = demo.url
        if email is not None:
            sign_in(new_page, email)
        return new_page

    yield open_page
    for context in contexts:
        context.close()


def press_enter_on(locator) -> None:
    locator.focus()
    expect(locator).to_be_focused()
    locator.page.keyboard.press("Enter")
    locator.page.wait_for_load_state()


def messages(page):
    return page.locator(".messages")


def demo_idea():
    from quartier.ideas.models import Idea

    return Idea.objects.earliest("id")


def test_admin_grants_moderator_premoderation_holds_a_comment_until_approved(visitor):
    make_verified_user("stadt@example.org", "Stadtverwaltung", role="admin")
    make_verified_user("helga@example.org", "Helga Beispiel")
    make_verified_user("resi@example.org", "Resi")
    idea = demo_idea()
    comment_text = "Bitte auch an Schatten für die Bänke denken."

    # The city admin grants "Moderator" with the keyboard only.
    admin = visitor("stadt@example.org")
    admin.goto(admin.base_url + "/dortmund/roles/")
    expect(admin.locator("main tbody")).not_to_contain_text("helga@example.org")
    tab_to(admin, "#id_email")
    admin.keyboard.type("helga@example.org")
    tab_to(admin, "#id_role")
    admin.keyboard.type("M")  # type-ahead: the first role starting with M
    assert admin.input_value("#id_role") == "moderator"
    tab_to(admin, "main form:has(#id_email) button[type=submit]")
    admin.keyboard.press("Enter")
    admin.wait_for_load_state()
    expect(messages(admin)).to_contain_text(
        re.compile("The role has been granted|Die Rolle wurde vergeben")
    )
    expect(admin.locator("main tbody tr", has_text="helga@example.org")).to_contain_text(
        re.compile("Moderator|Moderation")
    )

    # ... and switches pre-moderation on in the moderation page.
    admin.goto(admin.base_url + "/dortmund/moderation/")
    switch = admin.locator("form[action$='/pre-moderation/'] button")
    tab_to(admin, "form[action$='/pre-moderation/'] button")
    admin.keyboard.press("Enter")
    admin.wait_for_load_state()
    expect(messages(admin)).to_contain_text(
        re.compile("Pre-moderation is on|Die Vorabmoderation ist an")
    )
    expect(admin.locator("form[action$='/pre-moderation/'] input[name=enabled]")).to_have_value("0")
    expect(switch).to_contain_text(re.compile("off|aus", re.IGNORECASE))

    # A resident comments; the comment waits and says so.
    resident = visitor("resi@example.org")
    idea_url = f"{resident.base_url}/dortmund/ideas/{idea.pk}/"
    resident.goto(idea_url)
    tab_to(resident, "#id_body")
    resident.keyboard.type(comment_text)
    tab_to(resident, ".comment-form button[type=submit]")
    resident.keyboard.press("Enter")
    resident.wait_for_load_state()
    expect(messages(resident)).to_contain_text(
        re.compile("appears once a moderator has seen it|erscheint, sobald die Moderation")
    )
    waiting = resident.locator(".comment", has_text=comment_text)
    expect(waiting.locator(".hidden-note")).to_contain_text(
        re.compile("Waiting for review|Wartet auf Prüfung")
    )

    # Somebody else, not signed in, does not see it.
    anonymous = visitor()
    anonymous.goto(idea_url)
    expect(anonymous.locator("#comments")).to_be_visible()
    expect(anonymous.locator("main")).not_to_contain_text(comment_text)

    # The new moderator finds it in the queue and approves it.
    moderator = visitor("helga@example.org")
    moderator.goto(moderator.base_url + "/dortmund/moderation/")
    # A moderator sees the state of pre-moderation but only city admins switch it.
    expect(moderator.locator("#premoderation-heading")).to_be_visible()
    expect(moderator.locator("form[action$='/pre-moderation/']")).to_have_count(0)
    expect(moderator.locator("main a[href$='/roles/']")).to_have_count(0)
    card = moderator.locator("section[aria-labelledby=awaiting-heading] li", has_text=comment_text)
    expect(card).to_have_count(1)
    press_enter_on(
        card.get_by_role("button", name=re.compile("Approve and publish|Freigeben und veröff"))
    )
    expect(messages(moderator)).to_contain_text(re.compile("Published|Veröffentlicht"))
    expect(moderator.locator("section[aria-labelledby=awaiting-heading]")).not_to_contain_text(
        comment_text
    )

    anonymous.reload()
    expect(anonymous.locator(".comment", has_text=comment_text)).to_be_visible()
    expect(
        anonymous.locator(".comment", has_text=comment_text).locator(".hidden-note")
    ).to_have_count(0)

    # The audit log has the grant, the switch and the approval, each with who did it.
    moderator.goto(moderator.base_url + "/dortmund/moderation/log/")
    rows = moderator.locator("main tbody tr")
    grant = rows.filter(has_text=re.compile("Role granted|Rolle vergeben")).filter(
        has_text="Helga Beispiel"
    )
    expect(grant).to_have_count(1)
    expect(grant).to_contain_text("Stadtverwaltung")
    switched = rows.filter(has_text=re.compile("Pre-moderation switched|Vorabmoderation umgesch"))
    expect(switched).to_have_count(1)
    expect(switched).to_contain_text("Stadtverwaltung")
    expect(switched).to_contain_text(re.compile(r":\s*(on|an)\b"))
    approved = rows.filter(has_text=re.compile(r"Approved \(pre-moderation\)|Freigegeben"))
    expect(approved).to_have_count(1)
    expect(approved).to_contain_text("Helga Beispiel")
    # Newest first: the approval is above the switch, the switch above the grant.
    texts = rows.all_inner_texts()
    positions = [
        next(i for i, text in enumerate(texts) if pattern.search(text))
        for pattern in (
            re.compile(r"Approved \(pre-moderation\)|Freigegeben"),
            re.compile("Pre-moderation switched|Vorabmoderation umgesch"),
            re.compile("(Role granted|Rolle vergeben).*Helga Beispiel", re.DOTALL),
        )
    ]
    assert positions == sorted(positions), texts


def test_resident_reports_a_comment_and_the_moderator_hides_it_from_the_queue(visitor):
    from quartier.ideas.services import comment_add

    make_verified_user("resi@example.org", "Resi")
    make_verified_user("moderation@example.org", "Moderation", role="moderator")
    author = make_verified_user("pöbel@example.org", "Pöbel")
    idea = demo_idea()
    rude = "Wer so etwas vorschlägt, hat keine Ahnung, ihr Deppen."
    comment = comment_add(idea=idea, author=author, body=rude)

    # The resident reports it, with the keyboard only.
    resident = visitor("resi@example.org")
    idea_url = f"{resident.base_url}/dortmund/ideas/{idea.pk}/"
    resident.goto(idea_url)
    tab_to(resident, f"#comment-{comment.pk} a[href$='/report/comment/{comment.pk}/']")
    resident.keyboard.press("Enter")
    resident.wait_for_load_state()
    expect(resident.locator("main blockquote")).to_contain_text(rude)
    tab_to(resident, "input[name=reason]")
    resident.keyboard.press("ArrowDown")  # from the first reason (spam) to the next (abuse)
    expect(resident.locator("input[name=reason][value=abuse]")).to_be_checked()
    tab_to(resident, "#id_details")
    resident.keyboard.type("Beleidigt alle, die die Idee gut finden.")
    tab_to(resident, "main form button[type=submit]")
    resident.keyboard.press("Enter")
    resident.wait_for_load_state()
    expect(messages(resident)).to_contain_text(
        re.compile("The moderators will look at your report|Die Moderation sieht sich")
    )
    assert resident.url.startswith(idea_url)

    # The moderator sees one item, with the reason and the details, and hides it.
    moderator = visitor("moderation@example.org")
    moderator.goto(moderator.base_url + "/dortmund/moderation/")
    cards = moderator.locator("section[aria-labelledby=reports-heading] li.card")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text(rude)
    expect(cards).to_contain_text(
        re.compile("Insulting, discriminating or threatening|Beleidigend, diskriminierend")
    )
    expect(cards).to_contain_text("Beleidigt alle, die die Idee gut finden.")
    reason_field = cards.locator(f"#hide-comment-{comment.pk}")
    reason_field.focus()
    moderator.keyboard.type("Beleidigung (Regel 2 der Netiquette)")
    moderator.keyboard.press("Enter")  # submits the hide form
    moderator.wait_for_load_state()
    expect(messages(moderator)).to_contain_text(
        re.compile("The content is hidden|ausgeblendet", re.IGNORECASE)
    )
    expect(cards).to_have_count(0)

    # The public idea page shows the reason, not the text.
    anonymous = visitor()
    anonymous.goto(idea_url)
    hidden = anonymous.locator(f"#comment-{comment.pk}")
    expect(hidden).to_contain_text("Beleidigung (Regel 2 der Netiquette)")
    expect(hidden).not_to_contain_text("keine Ahnung")
    expect(anonymous.locator("main")).not_to_contain_text(rude)


def test_resident_reports_an_opinion_map_statement_from_the_voting_card(visitor):
    from quartier.deliberation.models import Conversation
    from quartier.moderation.models import Report

    resident_account = make_verified_user("resi@example.org", "Resi")
    make_verified_user("moderation@example.org", "Moderation", role="moderator")
    conversation = Conversation.objects.get(city__slug="dortmund")

    resident = visitor("resi@example.org")
    conversation_url = f"{resident.base_url}/dortmund/opinion-maps/{conversation.pk}/"
    resident.goto(conversation_url)
    statement = resident.locator("#voting .statement-text").inner_text()
    press_enter_on(
        resident.locator("#voting").get_by_role(
            "link", name=re.compile("Report this statement|Diese Aussage melden")
        )
    )
    expect(resident.locator("main blockquote")).to_contain_text(statement)
    resident.check("input[name=reason][value=personal_data]")
    press_enter_on(resident.locator("main form button[type=submit]"))
    expect(messages(resident)).to_contain_text(
        re.compile("The moderators will look at your report|Die Moderation sieht sich")
    )
    assert resident.url == conversation_url
    report = Report.objects.get(reporter=resident_account)
    assert (report.reason, report.target.text) == ("personal_data", statement)

    moderator = visitor("moderation@example.org")
    moderator.goto(moderator.base_url + "/dortmund/moderation/")
    card = moderator.locator("section[aria-labelledby=reports-heading] li.card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(statement)
    expect(card).to_contain_text(re.compile("Reveals personal data|Gibt persönliche Daten preis"))
