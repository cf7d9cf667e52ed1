"""Setting up a prize-money vote in a real browser, by keyboard: a city administrator creates the
vote, adds two pots, tries the population calculator, issues three voting codes and downloads
the print shop's CSV. Every page on the way passes axe and fits a phone."""

import csv
import io
import re

from playwright.sync_api import expect

from e2e.conftest import make_verified_user, sign_in
from e2e.test_accessibility import NARROW, WIDE, horizontal_overflow, violations


def _checked(page, what: str) -> None:
    """axe at any impact and no sideways scroll, at 390 px and at 1280 px."""
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)
        assert violations(page) == [], f"{what} at {size['width']} px"
        assert horizontal_overflow(page) == [], f"{what} at {size['width']} px"
    page.set_viewport_size(WIDE)


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element is focused (a keyboard user's way there)."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _type_into(page, selector: str, text: str) -> None:
    _tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_an_administrator_sets_up_a_vote_with_two_pots_and_codes(page):
    from quartier.budgeting import codes
    from quartier.budgeting.models import CodeBatch, Pot, RegisterEntry
    from quartier.budgeting.services import _secret
    from quartier.participation.models import Process

    make_verified_user("verwaltung@example.org", "Verwaltung", role="admin")
    sign_in(page, "verwaltung@example.org")

    # A new vote: the usual phases and the compute tool's defaults are preset; a title is typed.
    page.goto(f"{page.base_url}/dortmund/prize-money/new/")
    _checked(page, "the new vote form")
    _type_into(page, "#id_title", "Preisgeld für Eving")
    _type_into(page, "#id_description", "Eine Abstimmung im Browser-Test.")
    _tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/prize-money/\d+/pots/$"))
    vote = Process.objects.get(title="Preisgeld für Eving")
    assert vote.options["rule_options"]["completion"] == "add1u"
    _checked(page, "the pots page")

    # Two pots: one city-wide, one for Eving (chosen in the list by typing its name).
    _type_into(page, "#id_name", "Ganz Dortmund")
    _type_into(page, "#id_amount", "50000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/pots/$"))
    _type_into(page, "#id_name", "Eving")
    _tab_to(page, "#id_district")
    page.keyboard.type("Eving")
    expect(page.locator("#id_district option:checked")).to_have_text("Eving")
    _type_into(page, "#id_amount", "20000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/pots/$"))
    assert sorted(Pot.objects.filter(process=vote).values_list("name", "amount")) == [
        ("Eving", 20_000),
        ("Ganz Dortmund", 50_000),
    ]
    assert Pot.objects.get(process=vote, name="Eving").district.name == "Eving"

    # The calculator shows each district's share with its arithmetic; nothing is set yet.
    _type_into(page, "#id_total", "600000")
    _type_into(page, "#id_unit", "1000")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?total=600000&unit=1000"))
    rows = page.locator("#split-table tbody tr")
    expect(rows).to_have_count(12)
    expect(rows.first).to_contain_text("600.000 × ")
    _checked(page, "the calculator's table")
    assert Pot.objects.filter(process=vote).count() == 2

    # The settings page, and a pot's edit page, pass the same checks.
    page.goto(f"{page.base_url}/dortmund/prize-money/{vote.pk}/settings/")
    _checked(page, "the settings")
    pot = Pot.objects.get(process=vote, name="Eving")
    page.goto(f"{page.base_url}/dortmund/prize-money/{vote.pk}/pots/{pot.pk}/")
    _checked(page, "a pot's edit page")

    # Three codes, CSV only, downloaded at once.
    page.goto(f"{page.base_url}/dortmund/prize-money/{vote.pk}/codes/")
    _checked(page, "the voting codes page")
    _type_into(page, "#id_count", "3")
    _tab_to(page, "#id_export_0")
    page.keyboard.press("ArrowDown")  # the radio group: "CSV only"
    expect(page.locator("#id_export_1")).to_be_checked()
    _tab_to(page, "main form button[type=submit]")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert re.fullmatch(r"voting-codes-\d+-\d+\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as file:
        rows_read = list(csv.DictReader(io.StringIO(file.read())))
    assert len(rows_read) == 3
    batch = CodeBatch.objects.get(process=vote)
    hashes = set(RegisterEntry.objects.filter(batch=batch).values_list("code_hash", flat=True))
    for row in rows_read:
        assert codes.code_hash(codes.normalise(row["code"]), secret=_secret(vote)) in hashes
        assert "#code=" + row["code"] in row["vote_url"]

    # The batch is listed (without its codes); voiding asks first.
    page.goto(f"{page.base_url}/dortmund/prize-money/{vote.pk}/codes/")
    content = page.content()
    assert all(row["code"] not in content for row in rows_read)
    page.goto(f"{page.base_url}/dortmund/prize-money/{vote.pk}/codes/{batch.pk}/void/")
    _checked(page, "voiding a batch")

    # The overview, as the public sees it: what a voter needs, the pots, the phases.
    page.goto(f"{page.base_url}/dortmund/prize-money/{vote.pk}/")
    _checked(page, "the overview (administrator)")
    expect(page.locator("main")).to_contain_text("50.000")
    expect(page.locator("main .timeline")).to_be_visible()


def test_the_demo_vote_overview_for_a_visitor(page):
    from quartier.participation.models import Process

    vote = Process.objects.get(city__slug="dortmund", kind="prize_money", options__is_example=True)
    page.goto(f"{page.base_url}/dortmund/processes/")
    page.locator(f'main a[href="/dortmund/prize-money/{vote.pk}/"]').first.click()
    page.wait_for_url(re.compile(rf"/prize-money/{vote.pk}/$"))
    expect(page.locator("h1")).to_contain_text("1.000.000 €")
    expect(page.locator("main .badge-example")).to_be_visible()
    expect(page.locator("main table tbody tr")).to_have_count(12)
    _checked(page, "the demo vote's overview")
    expect(page.locator("main")).to_contain_text("1.000.000\N{NO-BREAK SPACE}€")
    # In English: the money the English way, the page as clean.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(f"{page.base_url}/dortmund/prize-money/{vote.pk}/")
    expect(page.locator("main")).to_contain_text("€1,000,000 in all")
    expect(page.locator("main")).to_contain_text("What you need to vote")
    _checked(page, "the demo vote's overview in English")
