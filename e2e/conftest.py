"""Real-browser journeys: Debian Chromium driven by Playwright against the live server."""

import io
import os
import re
import shutil

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "ein sicheres Passwort 2026"


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        message = "Debian chromium is not installed (make test installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, settings, live_server):
    # Tiles from the live server itself: they 404, which also proves the page survives
    # without a background map (and no request leaves the machine).
    settings.MAP_TILE_URL = live_server.url + "/static/no-tiles/{z}/{x}/{y}.png"
    call_command("load_demo", stdout=io.StringIO())
    return live_server


@pytest.fixture
def page(browser, demo):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = demo.url
    yield page
    context.close()


def make_verified_user(email: str, name: str, *, role: str | None = None, city: str = "dortmund"):
    """A verified account; ``role`` (admin, moderator, evaluator) in ``city`` if given."""
    from quartier.accounts.models import User
    from quartier.cities.models import City
    from quartier.participation.services import role_grant_by_system

    user = User.objects.create_user(email=email, password=PASSWORD, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if role is not None:
        role_grant_by_system(city=City.objects.get(slug=city), user=user, role=role)
    return user


def sign_in(page, email: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def confirmation_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert match, body
    return match.group(1)
