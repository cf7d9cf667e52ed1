"""Pseudonymous participation is limited per client network and per map, not only per browser:
a fresh cookie is a fresh pseudonym, and must not buy a fresh limit."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from quartier.core import rate_limits
from quartier.core.rate_limits import address_key, client_address
from quartier.deliberation import services
from quartier.deliberation.models import (
    Conversation,
    Participant,
    Statement,
    StatementModeration,
    StatementStatus,
)

HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.4"
PROXY = "10.0.0.1"


def _open(dortmund, moderator, question: str, **options) -> Conversation:
    return services.conversation_open(
        city=dortmund,
        creator=moderator,
        question=question,
        seed_statements=["Mehr Bänke.", "Mehr Schatten."],
        allow_anonymous=True,
        **{"statement_moderation": StatementModeration.AFTER, **options},
    )


@pytest.fixture
def harbour(dortmund, moderator) -> Conversation:
    return _open(dortmund, moderator, "Was fehlt am Hafen?")


@pytest.fixture
def park(dortmund, moderator) -> Conversation:
    return _open(dortmund, moderator, "Was fehlt im Park?")


def _fresh_browser_writes(conversation: Conversation, text: str, **headers):
    """A browser without the pseudonym cookie: a new participant each time."""
    headers.setdefault("REMOTE_ADDR", HOME)
    return Client().post(
        reverse("conversation_statement_add", args=["dortmund", conversation.pk]),
        {"text": text},
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


def _fresh_browser_votes(conversation: Conversation, **headers):
    headers.setdefault("REMOTE_ADDR", HOME)
    browser = Client()
    response = browser.post(
        reverse("conversation_vote", args=["dortmund", conversation.pk]),
        {"statement": conversation.statements.order_by("pk")[0].pk, "choice": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_HX_REQUEST="true",
        **headers,
    )
    return browser, response


def _published(conversation: Conversation) -> int:
    return conversation.statements.filter(is_seed=False).count()


# --- Statements per network, per map ------------------------------------------------------------


def test_twelve_fresh_browsers_from_one_address_are_refused_after_the_limit(harbour):
    # The attack as found: twelve fresh browsers, twelve statements at once. The default is 10.
    answers = [_fresh_browser_writes(harbour, f"Aussage Nummer {n}").status_code for n in range(12)]
    assert answers == [302] * 10 + [429] * 2
    assert _published(harbour) == 10
    assert Participant.objects.filter(conversation=harbour).count() == 12

    refused = _fresh_browser_writes(harbour, "Mein sorgfältig getippter Satz")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "from your network without signing in" in body
    # The typed statement comes back in its form, which is open.
    assert ">\nMein sorgfältig getippter Satz</textarea>" in body
    assert '<details class="add-statement" open>' in body
    assert not harbour.statements.filter(text="Mein sorgfältig getippter Satz").exists()


def test_a_different_address_is_not_refused(harbour):
    for number in range(10):
        assert _fresh_browser_writes(harbour, f"Aussage {number}").status_code == 302
    assert _fresh_browser_writes(harbour, "Von zu Hause zu viel").status_code == 429
    assert _fresh_browser_writes(harbour, "Vom Nachbarn", REMOTE_ADDR=ELSEWHERE).status_code == 302
    assert harbour.statements.filter(text="Vom Nachbarn").exists()


def test_two_maps_are_counted_apart_per_address(harbour, park):
    for number in range(10):
        assert _fresh_browser_writes(harbour, f"Hafen {number}").status_code == 302
    assert _fresh_browser_writes(harbour, "Hafen zu viel").status_code == 429
    assert _fresh_browser_writes(park, "Im Park fehlt ein Brunnen.").status_code == 302
    assert _published(park) == 1


def test_statements_waiting_for_moderation_count_too(dortmund, moderator):
    held = _open(dortmund, moderator, "Was fehlt am Markt?", **{
        "statement_moderation": StatementModeration.BEFORE})  # fmt: skip
    answers = [_fresh_browser_writes(held, f"Markt {n}").status_code for n in range(11)]
    assert answers == [302] * 10 + [429]
    assert held.statements.filter(status=StatementStatus.PENDING).count() == 10


@override_settings(OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_ADDRESS=2)
def test_signed_in_participants_are_not_counted_per_address(client, harbour, resident):
    for number in range(2):
        assert _fresh_browser_writes(harbour, f"Anonym {number}").status_code == 302
    assert _fresh_browser_writes(harbour, "Anonym zu viel").status_code == 429
    client.force_login(resident)
    url = reverse("conversation_statement_add", args=["dortmund", harbour.pk])
    assert client.post(url, {"text": "Mit Konto"}, REMOTE_ADDR=HOME).status_code == 302


# --- The map's ceiling for pseudonymous statements ----------------------------------------------


@override_settings(OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_MAP=3)
def test_a_map_takes_a_limited_number_of_pseudonymous_statements_per_period(
    client, harbour, park, resident
):
    for number in range(3):
        address = f"192.0.2.{number + 1}"
        assert _fresh_browser_writes(
            harbour, f"Netz {number}", REMOTE_ADDR=address
        ).status_code == (302)
    refused = _fresh_browser_writes(harbour, "Noch ein Netz", REMOTE_ADDR="192.0.2.50")
    assert refused.status_code == 429
    assert "many statements from people who are not signed in" in refused.content.decode()
    assert _published(harbour) == 3
    # Another map has its own ceiling, and accounts are not under it.
    assert _fresh_browser_writes(park, "Im Park", REMOTE_ADDR="192.0.2.50").status_code == 302
    client.force_login(resident)
    url = reverse("conversation_statement_add", args=["dortmund", harbour.pk])
    assert client.post(url, {"text": "Mit Konto am Hafen"}).status_code == 302


@override_settings(
    OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_ADDRESS=2, OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_MAP=3
)
def test_a_refused_network_does_not_use_up_the_maps_ceiling(harbour):
    answers = [_fresh_browser_writes(harbour, f"Flut {n}").status_code for n in range(6)]
    assert answers == [302, 302, 429, 429, 429, 429]
    # Only the two accepted ones count in the ceiling: one more network still gets in.
    assert _fresh_browser_writes(harbour, "Nachbar", REMOTE_ADDR=ELSEWHERE).status_code == 302
    assert _fresh_browser_writes(harbour, "Dritter", REMOTE_ADDR="192.0.2.9").status_code == 429


# --- Votes: new pseudonyms per network ----------------------------------------------------------


@override_settings(OPINION_MAP_PSEUDONYMS_PER_ADDRESS=3)
def test_fresh_browsers_voting_from_one_address_are_refused_after_the_limit(harbour):
    answers = [_fresh_browser_votes(harbour)[1].status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    _browser, refused = _fresh_browser_votes(harbour)
    assert refused.status_code == 429  # swapped in all the same: see the page's htmx-config
    assert 'role="alert"' in refused.content.decode()
    assert "Many people have recently taken part" in refused.content.decode()
    # The refused browser adds no participant: the map's count of participants stays honest.
    assert Participant.objects.filter(conversation=harbour).count() == 3
    assert _fresh_browser_votes(harbour, REMOTE_ADDR=ELSEWHERE)[1].status_code == 200


@override_settings(OPINION_MAP_PSEUDONYMS_PER_ADDRESS=1)
def test_a_pseudonym_already_taking_part_goes_on_voting(harbour):
    browser, first = _fresh_browser_votes(harbour)
    assert first.status_code == 200
    url = reverse("conversation_vote", args=["dortmund", harbour.pk])
    for statement in harbour.statements.all():
        response = browser.post(
            url,
            {"statement": statement.pk, "choice": "-1"},
            REMOTE_ADDR=HOME,
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
    participant = Participant.objects.get(conversation=harbour)
    assert participant.votes.count() == harbour.statements.count()
    # Without htmx the refusal is a message on the page the browser is sent back to.
    response = Client().post(
        url,
        {"statement": harbour.statements.all()[0].pk, "choice": "1"},
        REMOTE_ADDR=HOME,
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Many people have recently taken part" in response.content.decode()


# --- The client address: trusted proxies only ---------------------------------------------------


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1, OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_ADDRESS=2)
def test_behind_a_trusted_proxy_the_forwarded_address_counts(harbour):
    def write(text: str, forwarded: str):
        return _fresh_browser_writes(
            harbour, text, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    assert [write(f"Eins {n}", HOME) for n in range(3)] == [302, 302, 429]
    # Everyone comes through the same proxy; the neighbour is counted apart.
    assert write("Nachbar", ELSEWHERE) == 302
    # A client's own X-Forwarded-For entry comes before the proxy's: only the last one counts.
    assert write("Verkleidet", f"192.0.2.99, {HOME}") == 429


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0, OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_ADDRESS=2)
def test_without_a_trusted_proxy_a_made_up_forwarded_address_is_ignored(harbour):
    answers = [
        _fresh_browser_writes(harbour, f"Gefälscht {n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n in range(3)
    ]
    assert [response.status_code for response in answers] == [302, 302, 429]


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_the_client_address_is_allauths():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {HOME}")
    assert client_address(request) == HOME
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=0):
        assert client_address(request) == PROXY
    with override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP"):
        assert client_address(RequestFactory().get("/", HTTP_X_REAL_IP=ELSEWHERE)) == ELSEWHERE
        # The trusted header missing: one shared count instead of an error or no limit.
        assert client_address(RequestFactory().get("/")) == rate_limits.UNKNOWN_ADDRESS


# --- No address is kept -------------------------------------------------------------------------


def test_counts_are_kept_under_keyed_hashes_that_expire_with_the_period(harbour, monkeypatch):
    added: dict[str, int] = {}
    real_add = cache.add

    def add(key, value, timeout):
        added[key] = timeout
        return real_add(key, value, timeout=timeout)

    monkeypatch.setattr(rate_limits.cache, "add", add)
    browser, _response = _fresh_browser_votes(harbour)
    browser.post(
        reverse("conversation_statement_add", args=["dortmund", harbour.pk]),
        {"text": "Ein Satz"},
        REMOTE_ADDR=HOME,
    )
    assert harbour.statements.filter(text="Ein Satz").exists()
    assert {key.split(":")[1] for key in added} == {
        "pseudonym_new",
        "statement_submit",
        "statement_pseudonymous",
        "statement_pseudonymous_map",
    }
    assert set(added.values()) == {3600}
    stored = [str(key) for key in getattr(cache, "_cache", {})] + list(added)
    assert stored and not [key for key in stored if HOME in key or "203.0.113" in key]
    assert f":{address_key(HOME)}" in next(key for key in added if "pseudonym_new" in key)


def test_the_address_key_is_a_keyed_hash_of_the_network():
    assert address_key(HOME) == address_key(HOME) != address_key(ELSEWHERE)
    assert HOME not in address_key(HOME) and len(address_key(HOME)) == 32
    # One IPv6 client holds a /64: picking another address in it does not give a new count.
    assert address_key("2001:db8:0:1::1") == address_key("2001:db8:0:1:ffff::42")
    assert address_key("2001:db8:0:1::1") != address_key("2001:db8:0:2::1")
    assert address_key(f"::ffff:{HOME}") == address_key(HOME)
    # Keyed with the installation's secret: without it the key cannot be recomputed.
    here = address_key(HOME)
    with override_settings(SECRET_KEY="another installation's secret key, long enough to pass"):
        assert address_key(HOME) != here


def test_the_statement_limit_per_participant_follows_the_setting(harbour):
    participant = services.participant_join(
        conversation=harbour, user=AnonymousUser(), anonymous_key="k" * 48
    )
    with override_settings(OPINION_MAP_STATEMENTS_PER_PARTICIPANT=2):
        for number in range(2):
            services.statement_submit(participant=participant, text=f"Satz {number}")
        with pytest.raises(rate_limits.RateLimited):
            services.statement_submit(participant=participant, text="Satz zu viel")
    assert Statement.objects.filter(author=participant).count() == 2
