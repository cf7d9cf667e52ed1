"""The account pages and allauth's messages address people as "Sie", like the rest of the site."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from quartier.accounts.allauth_wording import ALLAUTH_MESSAGES

# Informal address in German: pronouns and the verb forms allauth uses with them.
DU = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|bist|hast|kannst|musst|"
    r"möchtest|willst|erhältst|gib|bestätige|kontaktiere|lass|klick|folge|erstelle|"
    r"überprüfe|versuche|wähle)\b",
    re.IGNORECASE,
)


def informal(text: str) -> list[str]:
    return DU.findall(re.sub(r"<[^>]+>", " ", text))


@pytest.mark.parametrize("message", ALLAUTH_MESSAGES)
def test_every_allauth_message_we_show_says_sie(message):
    with translation.override("de"):
        german = translation.gettext(message)
    assert german != message, "not translated"
    assert informal(german) == []
    assert "Sie" in german or "Ihr" in german or "Bitte" in german, german


def _german(client):
    client.cookies["django_language"] = "de"
    return client


@pytest.mark.parametrize(
    "url",
    [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "wrong-key"}),
        reverse("account_confirm_email", kwargs={"key": "wrong-key"}),
        reverse("account_email_verification_sent"),
    ],
)
def test_the_account_pages_say_sie(client, dortmund, url):
    response = _german(client).get(url)
    assert response.status_code == 200
    assert informal(response.content.decode()) == []


@pytest.mark.parametrize(
    "name", ["account_logout", "account_email", "account_change_password", "profile"]
)
def test_the_pages_of_a_signed_in_person_say_sie(client, resident, name):
    _german(client).force_login(resident)
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert informal(body) == []
    if name == "account_logout":
        assert "Möchten Sie sich wirklich abmelden?" in body


def test_signing_out_says_sie(client, resident):
    _german(client).force_login(resident)
    response = client.post(reverse("account_logout"), follow=True)
    body = response.content.decode()
    assert "Sie haben sich abgemeldet." in body
    assert informal(body) == []


def test_form_errors_say_sie(client, resident):
    _german(client).force_login(resident)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "ein neues Passwort 1", "password2": "anders 2"},
    )
    body = response.content.decode()
    assert "Bitte geben Sie Ihr aktuelles Passwort ein." in body
    assert informal(body) == []
