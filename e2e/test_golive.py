"""Going live: sign-up with consent by keyboard, the legal pages in every footer, and the
legal and account pages reachable by Tab."""

import pytest

from e2e.conftest import PASSWORD, confirmation_path
from e2e.test_accessibility import NARROW, WIDE, horizontal_overflow, unreachable_by_tab, violations

LEGAL_PAGES = [
    "/dortmund/legal/impressum/",
    "/dortmund/legal/datenschutz/",
    "/dortmund/legal/nutzungsbedingungen/",
    "/dortmund/legal/barrierefreiheit/",
]
ACCOUNT_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


def test_sign_up_with_consent_by_keyboard(page, mailoutbox):
    from quartier.accounts.models import Consent

    page.goto(page.base_url + "/dortmund/")
    # The footer links the city's legal pages.
    footer = page.locator("footer")
    for path in LEGAL_PAGES:
        assert footer.locator(f'a[href="{path}"]').count() == 1
    page.goto(page.base_url + "/accounts/signup/")
    page.focus("#id_email")
    page.keyboard.type("kim@example.org")
    for value in (PASSWORD, PASSWORD, "Kim"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Tab")  # the innovator type keeps its default
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_accept_terms"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_accept_privacy"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/confirm-email/" in page.url, page.locator("main").inner_text()
    assert len(mailoutbox) == 1
    assert "Quartier Dortmund" in mailoutbox[0].subject
    assert Consent.objects.filter(user__email="kim@example.org").count() == 2
    page.goto(page.base_url + confirmation_path(mailoutbox[0].body))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    # Still in Dortmund: the account pages keep the city's navigation.
    page.goto(page.base_url + "/accounts/profile/")
    assert page.locator("header .brand-city").inner_text() == "Dortmund"


def test_the_signup_refuses_without_consent(page):
    from quartier.accounts.models import User

    page.goto(page.base_url + "/accounts/signup/")
    page.fill("#id_email", "nein@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.fill("#id_display_name", "Nein")
    # The browser's own check stops the form first; without it the server refuses too.
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert not User.objects.filter(email="nein@example.org").exists()
    assert violations(page) == []


# axe and the phone width of these pages: e2e/test_every_page.py walks every page.
@pytest.mark.parametrize("path", LEGAL_PAGES + ACCOUNT_PAGES)
def test_legal_and_account_pages_work_by_keyboard(page, path):
    page.goto(page.base_url + path)
    page.wait_for_load_state()
    assert unreachable_by_tab(page) == []


def test_the_legal_edit_page_passes_axe(page):
    from e2e.conftest import make_verified_user, sign_in

    make_verified_user("stadt@example.org", "Stadt", role="admin")
    sign_in(page, "stadt@example.org")
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        page.goto(page.base_url + "/dortmund/legal/impressum/edit/")
        assert violations(page) == []
        assert horizontal_overflow(page) == []
    page.set_viewport_size(WIDE)
    assert unreachable_by_tab(page) == []
    page.fill("#id_text", "## Anbieter\n\nStadt Dortmund, Friedensplatz 1")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Friedensplatz 1" in page.locator("main").inner_text()
