"""Untrusted input at the boundary, a busy demo database, client addresses behind a proxy."""

import sqlite3

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path, reverse

from quartier.core.middleware import DatabaseBusyMiddleware
from quartier.core.text import TextRefused, display_name_check, text_check
from quartier.deliberation import services as deliberation_services


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def opinion_map(dortmund, moderator):
    return deliberation_services.conversation_open(
        city=dortmund,
        creator=moderator,
        question="Mehr Bänke am Borsigplatz?",
        seed_statements=["Bänke helfen Älteren.", "Bänke ziehen Lärm an."],
    )


# --- Moderation of a map's statements: a bad statement id is a 400 with a message ---


@pytest.mark.parametrize("value", ["abc", "", "1e3", "١٢", "9" * 40])
def test_moderating_a_statement_that_is_no_number_is_a_400(client, opinion_map, moderator, value):
    client.force_login(moderator)
    url = reverse("conversation_moderation", args=["dortmund", opinion_map.pk])
    response = client.post(
        url, {"statement": value, "status": "rejected"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "Please choose a statement of this opinion map." in response.content.decode()
    assert not opinion_map.statements.filter(status="rejected").exists()


def test_moderating_a_statement_of_another_map_is_refused(client, opinion_map, dortmund, moderator):
    other = deliberation_services.conversation_open(
        city=dortmund, creator=moderator, question="Andere Karte?", seed_statements=["Ja."]
    )
    foreign = other.statements.get()
    client.force_login(moderator)
    url = reverse("conversation_moderation", args=["dortmund", opinion_map.pk])
    response = client.post(url, {"statement": foreign.pk, "status": "rejected"})
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.status == "accepted"


def test_moderating_a_real_statement_still_works(client, opinion_map, moderator):
    statement = opinion_map.statements.first()
    client.force_login(moderator)
    url = reverse("conversation_moderation", args=["dortmund", opinion_map.pk])
    response = client.post(url, {"statement": statement.pk, "status": "rejected"})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == "rejected"


def test_a_new_map_for_an_idea_that_is_no_number_is_no_500(client, dortmund, moderator):
    client.force_login(moderator)
    response = client.get("/dortmund/opinion-maps/new/", {"idea": "abc"})
    assert response.status_code in {200, 400, 404}


# --- NUL and control characters in the API and in paths (PostgreSQL refuses them: a 500) ---


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cities/dort%00mund/districts",
        "/api/v1/cities/dort%00mund/hotspots",
        "/api/v1/cities/dort%00mund/ideas",
        "/api/v1/cities/dort%00mund/ideas.geojson",
        "/api/v1/cities/dort%00mund/ideas/1",
        "/api/v1/cities/dort%01mund/ideas",
        "/dort%00mund/",
        "/dortmund/ideas/%00/",
    ],
)
def test_a_control_character_in_the_path_is_a_404(client, dortmund, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("parameter", ["q", "district"])
@pytest.mark.parametrize("value", ["Brunnen\x00", "\x00", "a\x1bb"])
def test_a_control_character_in_an_api_parameter_is_a_400(client, dortmund, parameter, value):
    response = client.get("/api/v1/cities/dortmund/ideas", {parameter: value})
    assert response.status_code == 400
    assert "control characters" in response.json()["detail"]


def test_the_api_still_searches(client, dortmund):
    response = client.get("/api/v1/cities/dortmund/ideas", {"q": "Brunnen"})
    assert response.status_code == 200


def test_the_idea_list_page_refuses_a_nul_in_its_search(client, dortmund):
    client.cookies["django_language"] = "en"
    response = client.get("/dortmund/ideas/", {"q": "Brunnen\x00"})
    assert response.status_code == 400
    assert "Some filters are not valid" in response.content.decode()
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.parametrize(
    ("headers", "cookie", "expected"),
    [
        ({}, None, "Seite nicht gefunden"),
        ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, None, "Page not found"),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "de", "Seite nicht gefunden"),
    ],
)
def test_the_boundary_answers_in_the_visitors_language(client, dortmund, headers, cookie, expected):
    # The boundary runs before LocaleMiddleware; it reads the language cookie and the header.
    if cookie:
        client.cookies["django_language"] = cookie
    response = client.get("/dort%00mund/", **headers)
    assert response.status_code == 404
    assert expected in response.content.decode()
    assert f'lang="{"en" if expected == "Page not found" else "de"}"' in response.content.decode()


# --- Request size: refused before the body is read ---


@override_settings(REQUEST_MAX_BYTES=1000)
def test_a_request_larger_than_any_form_is_refused_before_it_is_read(client, dortmund, resident):
    client.force_login(resident)
    response = client.post(
        reverse("idea_submit", kwargs={"city_slug": "dortmund"}), {"title": "x" * 2000}
    )
    assert response.status_code == 413


# --- SQLite under a held write lock: a 503 with Retry-After, not a 500 ---


def test_the_sqlite_demo_waits_for_a_writer_before_giving_up():
    from config.settings import base

    database = base.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        assert database["OPTIONS"]["timeout"] >= 10


LOCK_HOLDER_DB: dict[str, str] = {}


def _locked_view(request):
    raise OperationalError("database is locked")


def _write_under_a_held_lock(request):
    # A second writer on a file database whose write lock another connection holds.
    waiting = sqlite3.connect(LOCK_HOLDER_DB["path"], timeout=0.2, isolation_level=None)
    try:
        waiting.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise OperationalError(str(error)) from error  # as Django's wrapper does
    finally:
        waiting.close()
    return HttpResponse("written")


urlpatterns = [
    path("locked/", _locked_view),
    path("held/", _write_under_a_held_lock),
]


@override_settings(ROOT_URLCONF=__name__)
def test_database_is_locked_becomes_a_503_with_retry_after(client):
    response = client.post("/locked/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Please try again in a moment" in body
    assert "Traceback" not in body


@override_settings(ROOT_URLCONF=__name__)
def test_a_real_held_lock_ends_in_a_503(tmp_path, client):
    LOCK_HOLDER_DB["path"] = str(tmp_path / "locked.sqlite3")
    holder = sqlite3.connect(LOCK_HOLDER_DB["path"], isolation_level=None)
    try:
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO t VALUES (1)")
        response = client.post("/held/")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_other_database_errors_are_left_alone():
    middleware = DatabaseBusyMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None
    assert middleware.process_exception(request, ValueError("database is locked")) is None


# --- Login limits per client address behind a reverse proxy ---

LIMITS = {"login_failed": "2/m/ip", "signup": "20/m/ip"}


def _fail_login(client, address: str, number: int):
    return client.post(
        reverse("account_login"),
        {"login": f"nobody{number}@example.org", "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR=address,
        HTTP_ACCEPT_LANGUAGE="en",
        REMOTE_ADDR="10.0.0.1",  # the proxy
    )


def _limited(response) -> bool:
    assert response.status_code in {200, 429}
    return response.status_code == 429 or "Too many failed login attempts" in (
        response.content.decode()
    )


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_two_clients_behind_a_trusted_proxy_are_limited_separately(client, db):
    for number in range(2):
        assert not _limited(_fail_login(client, "203.0.113.7", number))
    assert _limited(_fail_login(client, "203.0.113.7", 2))
    # The second person behind the same proxy is not locked out by the first.
    assert not _limited(_fail_login(client, "198.51.100.4", 3))
    # A client cannot escape its limit by sending its own X-Forwarded-For: the proxy appends
    # the real address, and only the last entry counts.
    assert _limited(_fail_login(client, "192.0.2.99, 203.0.113.7", 4))


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS, ALLAUTH_TRUSTED_PROXY_COUNT=0)
def test_x_forwarded_for_is_ignored_when_no_proxy_is_trusted(client, db):
    for number in range(2):
        assert not _limited(_fail_login(client, f"203.0.113.{number}", number))
    # A made-up X-Forwarded-For does not buy a fresh limit: the connecting address counts.
    assert _limited(_fail_login(client, "198.51.100.4", 2))


def test_the_trusted_proxy_count_comes_from_the_environment(monkeypatch):
    import importlib

    from config.settings import base

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    monkeypatch.setenv("TRUSTED_CLIENT_IP_HEADER", "X-Real-IP")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.ALLAUTH_TRUSTED_PROXY_COUNT == 1
        assert reloaded.ALLAUTH_TRUSTED_CLIENT_IP_HEADER == "X-Real-IP"
    finally:
        monkeypatch.delenv("TRUSTED_PROXY_COUNT")
        monkeypatch.delenv("TRUSTED_CLIENT_IP_HEADER")
        reloaded = importlib.reload(base)
    assert reloaded.ALLAUTH_TRUSTED_PROXY_COUNT == 0


# --- Headers and production settings ---


def test_every_page_has_a_strict_content_security_policy(client, dortmund):
    policy = client.get("/dortmund/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "https://tile.openstreetmap.org" in directives["img-src"]
    assert "unsafe-eval" not in policy


def test_the_api_answers_with_the_policy_too(client, dortmund):
    response = client.get("/api/v1/cities/dortmund/districts")
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.org/{z}/{x}/{y}.png", "https://*.tiles.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("javascript:alert(1)", ""),
    ],
)
def test_the_tile_servers_origin_goes_into_the_policy(template, origin):
    from config.settings.base import tile_origin

    assert tile_origin(template) == origin


STRONG_KEY = "k7Qz-9vR2mXpL4sT8wY1bN6cF3hJ0dG5aE_uI2oP7qW4eR9tY6uI3oP0aS8dF1gH"


def _prod(*args: str, secret: str = STRONG_KEY, tmp_path=None):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "quartier.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _prod("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


WEAK_KEYS = ["short-key", "a" * 60, "abab" * 20, "django-insecure-" + "x1y2z3w4v5" * 5]


@pytest.mark.parametrize("secret", WEAK_KEYS)
def test_production_refuses_a_weak_secret_key(tmp_path, secret):
    result = _prod("check", secret=secret, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_cookies_and_https(monkeypatch):
    import importlib

    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    from config.settings import prod

    prod = importlib.reload(prod)
    assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
    assert prod.SECURE_SSL_REDIRECT
    assert prod.SECURE_HSTS_SECONDS >= 365 * 24 * 3600


def test_the_pseudonym_cookie_is_secure_when_sessions_are(client, opinion_map, settings):
    settings.SESSION_COOKIE_SECURE = True
    opinion_map.allow_anonymous = True
    opinion_map.save()
    statement = opinion_map.statements.order_by("id").first()
    response = client.post(
        reverse("conversation_vote", args=["dortmund", opinion_map.pk]),
        {"statement": statement.pk, "choice": "1"},
    )
    assert response.cookies["quartier_pseudonym"]["secure"]


# --- Text that hides what it says, and names that pose as staff (quartier/core/text.py) ---

ZERO_WIDTH_ONLY = "\u200b\u200c\u200d\u2060\ufeff"
RLO_TITLE = "Spielplatz \u202eredeiw\u202c"
HANGUL_FILLER = "\u3164\u3164"


@pytest.mark.parametrize("value", [ZERO_WIDTH_ONLY, HANGUL_FILLER, " \u200b ", "\u2800"])
def test_text_of_invisible_characters_only_is_refused(value):
    with pytest.raises(TextRefused) as error:
        text_check(value, field="Title")
    assert "visible characters" in error.value.message


@pytest.mark.parametrize("value", [RLO_TITLE, "a\u202db", "a\u2066b\u2069"])
def test_direction_overrides_are_refused(value):
    with pytest.raises(TextRefused) as error:
        text_check(value, field="Title")
    assert "direction" in error.value.message


@pytest.mark.parametrize(
    "value",
    ["Trinkbrunnen am Borsigplatz", "مرحبا Dortmund\u200f", "Zeile 1\nZeile 2\tTab", "Ünal 👋"],
)
def test_ordinary_text_passes(value):
    assert text_check(value, field="Title") == value


@pytest.mark.parametrize(
    "name",
    [
        "Moderation",
        "moderator",
        "Moderatorin Anna",
        "ADMIN",
        "Admin1",
        "4dmin",
        "Adm\u200bin",
        "Administrator",
        "Staff",
        "Stadt Dortmund",
        "Quartier-Team",
        "Mitarbeiter der Stadt",
        "Verwaltung",
        "m0derator",
        "Аdmin",  # a Cyrillic А
        "Àdmin",
    ],
)
def test_a_display_name_may_not_pose_as_staff(name):
    with pytest.raises(TextRefused) as error:
        display_name_check(name)
    assert "kept for the city's staff" in error.value.message


@pytest.mark.parametrize(
    "name", ["Erika M.", "Altstadtliebe", "Nordstadt-Gärtnerin", "Modellbau Kai", "Adminah"]
)
def test_ordinary_display_names_pass(name):
    assert display_name_check(name) == name


def _idea(city, author, **overrides):
    from quartier.conftest import BORSIGPLATZ
    from quartier.ideas import services as idea_services

    data = {
        "city": city,
        "author": author,
        "title": "Trinkbrunnen",
        "summary": "Wasser für alle.",
        "description": "Ein Brunnen hilft bei Hitze.",
        "kind": "ecological",
        "innovator_type": "resident",
        "lat": BORSIGPLATZ[0],
        "lon": BORSIGPLATZ[1],
    }
    data.update(overrides)
    return idea_services.idea_submit(**data)


@pytest.mark.parametrize("title", [ZERO_WIDTH_ONLY, RLO_TITLE])
def test_an_idea_title_that_hides_itself_is_refused(dortmund, resident, title):
    from quartier.ideas.models import Idea

    with pytest.raises(TextRefused):
        _idea(dortmund, resident, title=title)
    assert not Idea.objects.filter(author=resident).exists()


def test_a_comment_of_zero_width_spaces_is_refused(dortmund, resident):
    from quartier.ideas import services as idea_services

    idea = _idea(dortmund, resident)
    with pytest.raises(TextRefused):
        idea_services.comment_add(idea=idea, author=resident, body=ZERO_WIDTH_ONLY)
    assert idea.comments.count() == 0


@pytest.mark.parametrize("text", [ZERO_WIDTH_ONLY, RLO_TITLE])
def test_a_statement_that_hides_itself_is_refused(opinion_map, resident, text):
    participant = deliberation_services.participant_join(conversation=opinion_map, user=resident)
    with pytest.raises(TextRefused):
        deliberation_services.statement_submit(participant=participant, text=text)
    assert not opinion_map.statements.filter(author=participant).exists()


def test_a_question_with_an_override_is_refused(dortmund, moderator):
    with pytest.raises(TextRefused):
        deliberation_services.conversation_open(
            city=dortmund, creator=moderator, question=RLO_TITLE, seed_statements=[]
        )


def test_a_report_reason_of_zero_width_spaces_is_refused(dortmund, resident, neighbour, moderator):
    from quartier.moderation.services import content_hide

    idea = _idea(dortmund, resident)
    with pytest.raises(TextRefused):
        content_hide(target=idea, moderator=moderator, reason=ZERO_WIDTH_ONLY)
    idea.refresh_from_db()
    assert idea.hidden_at is None


def test_the_profile_refuses_a_staff_name(client, resident):
    client.force_login(resident)
    response = client.post(
        reverse("profile"),
        {"display_name": "Moderation", "innovator_type": "resident"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "kept for the city" in response.content.decode()
    resident.refresh_from_db()
    assert resident.display_name != "Moderation"


def test_the_profile_service_refuses_an_invisible_name(resident):
    from quartier.accounts.services import profile_update

    with pytest.raises(TextRefused):
        profile_update(user=resident, display_name=ZERO_WIDTH_ONLY, innovator_type="resident")


def test_sign_up_refuses_a_staff_name(client, db):
    from quartier.accounts.models import User

    response = client.post(
        reverse("account_signup"),
        {
            "email": "neu@example.org",
            "password1": "a-long-Passw0rd!",
            "password2": "a-long-Passw0rd!",
            "display_name": "Stadt Dortmund",
            "innovator_type": "resident",
            "accept_terms": "on",
            "accept_privacy": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "kept for the city" in response.content.decode()
    assert not User.objects.filter(email="neu@example.org").exists()
