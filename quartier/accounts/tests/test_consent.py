import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from quartier.accounts.models import Consent, User
from quartier.accounts.permissions import can_participate
from quartier.legal.models import LegalPage
from quartier.legal.services import legal_page_save

PASSWORD = "correct horse battery staple"  # the fixtures' (quartier/conftest.py)

SIGNUP = {
    "email": "carla@example.org",
    "password1": "ein langes Passwort 42",
    "password2": "ein langes Passwort 42",
    "display_name": "Carla aus Eving",
    "innovator_type": "science",
}


def _versions(city) -> dict[str, int]:
    return dict(
        LegalPage.objects.filter(
            city=city, kind__in=["nutzungsbedingungen", "datenschutz"]
        ).values_list("kind", "version")
    )


def test_signup_without_consent_creates_no_account(client, dortmund):
    for missing in ("accept_terms", "accept_privacy"):
        data = {**SIGNUP, "accept_terms": "on", "accept_privacy": "on"}
        del data[missing]
        response = client.post(reverse("account_signup"), data)
        assert response.status_code == 200
        assert not User.objects.filter(email="carla@example.org").exists()
    assert mail.outbox == []


def test_signup_records_the_versions_and_time_of_consent(client, dortmund):
    client.get("/dortmund/")  # the last city visited is the one whose texts apply
    data = {**SIGNUP, "accept_terms": "on", "accept_privacy": "on"}
    assert client.post(reverse("account_signup"), data).status_code == 302
    user = User.objects.get(email="carla@example.org")
    given = {c.document: c.version for c in Consent.objects.filter(user=user, city=dortmund)}
    assert given == _versions(dortmund) and len(given) == 2
    assert all(c.given_at for c in Consent.objects.filter(user=user))


def test_the_signup_page_links_the_texts_next_to_labelled_checkboxes(client, dortmund):
    html = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/dortmund/legal/nutzungsbedingungen/"' in html
    assert 'href="/dortmund/legal/datenschutz/"' in html
    # The checkbox sits inside its label.
    assert '<label for="id_accept_terms"><input type="checkbox" name="accept_terms"' in html


@pytest.fixture
def agreed(dortmund, resident):
    from quartier.accounts.consent import ConsentDocument
    from quartier.accounts.services import consent_record

    documents = [
        ConsentDocument(document=kind, version=version, label=kind, url="")
        for kind, version in _versions(dortmund).items()
    ]
    consent_record(user=resident, city=dortmund, documents=documents)
    return resident


def test_a_new_version_of_the_terms_asks_again_before_anything_else(
    client, dortmund, agreed, city_admin
):
    client.force_login(agreed)
    assert client.get("/dortmund/ideas/").status_code == 200
    legal_page_save(
        city=dortmund,
        kind="nutzungsbedingungen",
        text="Neue Regeln",
        contact_email="",
        editor=city_admin,
    )
    response = client.get("/dortmund/ideas/new/")
    assert response.status_code == 302
    assert response["Location"] == "/dortmund/legal/consent/?next=%2Fdortmund%2Fideas%2Fnew%2F"
    # A write is stopped as well, before the view runs.
    idea_count = dortmund.ideas.count()
    assert client.post("/dortmund/ideas/new/", {"title": "x"}).status_code == 302
    assert dortmund.ideas.count() == idea_count
    # The texts themselves stay readable.
    assert client.get("/dortmund/legal/nutzungsbedingungen/").status_code == 200

    consent_page = client.get(response["Location"])
    assert consent_page.status_code == 200
    assert client.post(response["Location"], {"next": "/dortmund/ideas/new/"}).status_code == 400
    done = client.post(response["Location"], {"accept": "on", "next": "/dortmund/ideas/new/"})
    assert done.status_code == 302 and done["Location"] == "/dortmund/ideas/new/"
    assert client.get("/dortmund/ideas/new/").status_code == 200
    latest = Consent.objects.filter(user=agreed, document="nutzungsbedingungen").latest("pk")
    assert latest.version == _versions(dortmund)["nutzungsbedingungen"]


def test_the_consent_page_never_sends_elsewhere(client, dortmund, agreed, city_admin):
    legal_page_save(
        city=dortmund, kind="datenschutz", text="Neu", contact_email="", editor=city_admin
    )
    client.force_login(agreed)
    response = client.post(
        "/dortmund/legal/consent/", {"accept": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/dortmund/"


def test_consent_is_in_the_export(client, agreed):
    client.force_login(agreed)
    data = json.loads(client.get(reverse("profile_export")).content)
    assert {c["document"] for c in data["consents"]} == {"nutzungsbedingungen", "datenschutz"}
    assert all(c["city"] == "dortmund" and c["version"] >= 1 for c in data["consents"])


def test_deleting_asks_for_the_password_and_a_wrong_one_keeps_the_account(client, resident):
    client.force_login(resident)
    page = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot be undone" in page and 'name="password"' in page
    response = client.post(reverse("profile_delete"), {"password": "wrong password"})
    assert response.status_code == 302 and response["Location"] == reverse("profile")
    assert User.objects.filter(pk=resident.pk).exists()
    assert client.get(reverse("profile")).status_code == 200  # still signed in
    assert client.post(reverse("profile_delete"), {"password": PASSWORD}).status_code == 302
    assert not User.objects.filter(pk=resident.pk).exists()


def test_guessing_the_password_to_delete_is_limited(client, resident):
    client.force_login(resident)
    for _ in range(5):
        client.post(reverse("profile_delete"), {"password": "wrong"})
    client.post(reverse("profile_delete"), {"password": PASSWORD})
    assert User.objects.filter(pk=resident.pk).exists()


def test_the_first_staff_account_without_prompts_still_verifies_its_email(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "ein langes Passwort 42")
    call_command(
        "createsuperuser",
        "--noinput",
        "--email",
        "root@stadt.example",
        "--display_name",
        "Root",
        verbosity=0,
    )
    root = User.objects.get(email="root@stadt.example")
    assert root.is_superuser and root.check_password("ein langes Passwort 42")
    assert not can_participate(user=root)  # no verified address yet
    # Its first sign-in sends the verification mail (as README says) and does not let it in.
    client = Client()
    client.post(
        reverse("account_login"),
        {"login": "root@stadt.example", "password": "ein langes Passwort 42"},
    )
    assert len(mail.outbox) == 1 and "/accounts/confirm-email/" in mail.outbox[0].body
    assert not can_participate(user=root)


def test_verification_mail_names_the_platform_and_comes_from_the_sender(client, dortmund, settings):
    settings.DEFAULT_FROM_EMAIL = "Quartier Dortmund <quartier@stadt.example>"
    data = {**SIGNUP, "accept_terms": "on", "accept_privacy": "on"}
    client.post(reverse("account_signup"), data, HTTP_ACCEPT_LANGUAGE="en")
    (message,) = mail.outbox
    assert message.from_email == "Quartier Dortmund <quartier@stadt.example>"
    assert message.subject.startswith("[Quartier Dortmund] ")
    assert "Quartier Dortmund" in message.body and "example.com" not in message.body
    assert "/accounts/confirm-email/" in message.body
