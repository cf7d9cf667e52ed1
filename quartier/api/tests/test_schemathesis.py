"""schemathesis against the read API, in process over WSGI, on the Dortmund demo.

Every answer must be documented in the OpenAPI document (status code, media type, body) and none
may be a 5xx. Deterministic: derandomized Hypothesis and schemathesis' deterministic mode, so a
failure shows again on the next run and on the other database.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from quartier.ideas.models import Idea

SCHEMA_PATH = "/api/v1/openapi.json"
API = "/api/v1/cities/{city}"
DEMO_DISTRICTS = ["innenstadt-nord", "innenstadt-west", "mengede", "hombruch"]

UNCOMPRESSED = {"Accept-Encoding": "identity"}
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261202,
        # The WSGI transport does not undo a Content-Encoding as an HTTP client does; the gzip
        # answer of ideas.geojson has tests of its own (test_geojson.py).
        "headers": UNCOMPRESSED,
        "generation": {"deterministic": True},
        # Most cases ask for the demo city and often for one of its districts: a random slug
        # only ever meets "unknown city", and the answers with data would go untested.
        "dictionaries": {
            "cities": {"values": ["dortmund"]},
            "districts": {"values": DEMO_DISTRICTS},
        },
        "parameters": {
            "path.city": {"dictionary": "cities", "probability": 0.8},
            "query.district": {"dictionary": "districts", "probability": 0.5},
        },
    }
)
schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application(), config=CONFIG)

# The four the task is about; call_and_validate runs them besides the version's default checks.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

SETTINGS = settings(
    max_examples=60,  # per operation, besides the examples and coverage phases' own cases
    derandomize=True,
    deadline=None,  # the first request of a test builds caches; time is not what is tested
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def in_test_transaction():
    # The requests run in this thread, inside the test's transaction, as with Django's test
    # client: closing "old" connections at each request would close the test's own.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@SETTINGS
def test_api_conforms_to_its_schema(case, dortmund, in_test_transaction):
    case.call_and_validate(additional_checks=CHECKS)


Hostile = tuple[str, dict[str, object], dict[str, object], int]


def _hostile_cases() -> list[Hostile]:
    """(operation path, path parameters, query, expected status): what a fuzzer rarely draws."""
    cases: list[Hostile] = []
    every_city_path = ["/districts", "/hotspots", "/ideas", "/ideas.geojson", "/ideas/{idea_id}"]
    for suffix in every_city_path:
        for city, status in [
            ("dort\x00mund", 404),  # PostgreSQL refuses a NUL in a query
            ("\x00", 404),
            ("dort\x1bmund", 404),
            ("dort\x7fmund", 404),
            ("atlantis", 404),
            ("Dortmund", 404),
            ("dortmund%00", 404),  # sent as %2500: a literal percent sign
            ("d" * 5000, 404),
            ("dort/mund", 404),
        ]:
            path_parameters: dict[str, object] = {"city": city}
            if "{idea_id}" in suffix:
                path_parameters["idea_id"] = 1
            cases.append((API + suffix, path_parameters, {}, status))
    ideas = API + "/ideas"
    dortmund: dict[str, object] = {"city": "dortmund"}
    queries: list[tuple[dict[str, object], int]] = [
        ({"q": "\x00"}, 400),
        ({"q": "Brunnen\x00"}, 400),
        ({"q": "\x01\x02"}, 400),
        ({"q": "Brunnen\x9b"}, 400),  # a C1 control character
        ({"q": "\u202eBrunnen"}, 200),  # not a control character for a search: no match
        ({"q": "' OR 1=1 --"}, 200),
        ({"q": "a:* & !b | (c"}, 200),  # tsquery syntax is not PostgreSQL's to parse
        ({"q": "x" * 201}, 422),
        ({"district": "\x00"}, 400),
        ({"district": "innenstadt\x00nord"}, 400),
        ({"district": "atlantis"}, 404),
        ({"district": "Innenstadt-Nord"}, 404),  # a name, not a slug
        ({"district": "innenstadt-nord"}, 200),
        ({"page": 10**30}, 422),
        ({"page": -(10**30)}, 422),
        ({"page": 1_000_000}, 404),
        ({"page": "1e3"}, 422),
        ({"page": "\x00"}, 422),
        ({"page_size": 10**30}, 422),
        ({"page_size": 0}, 422),
        ({"kind": "\x00"}, 422),
        ({"stage": "x" * 5000}, 422),
        ({"sort": "newest\x00"}, 422),
    ]
    for query, status in queries:
        cases.append((ideas, dortmund, query, status))
    idea = API + "/ideas/{idea_id}"
    for idea_id, status in [
        (10**30, 404),  # beyond a 64-bit id: no such idea, not an overflow
        (2**63, 404),
        (-(2**63) - 1, 404),
        (0, 404),
        ("1\x00", 404),  # a control character in the path: the site's 404
        ("\x00", 404),
        ("1e3", 422),
    ]:
        cases.append((idea, {"city": "dortmund", "idea_id": idea_id}, {}, status))
    return cases


@pytest.mark.parametrize(
    ("path", "path_parameters", "query", "status"),
    _hostile_cases(),
    ids=lambda value: repr(value)[:40] if not isinstance(value, int) else str(value),
)
def test_hostile_input_gets_a_documented_4xx(
    path, path_parameters, query, status, dortmund, in_test_transaction
):
    case = schema[path]["GET"].Case(path_parameters=path_parameters, query=query)
    response = case.call_and_validate(checks=CHECKS, headers=UNCOMPRESSED)
    assert response.status_code == status, (path_parameters, query, response.text[:200])


def test_a_real_idea_matches_its_schema(dortmund, in_test_transaction):
    idea = Idea.objects.filter(city=dortmund, hidden_at__isnull=True).earliest("id")
    case = schema[API + "/ideas/{idea_id}"]["GET"].Case(
        path_parameters={"city": "dortmund", "idea_id": idea.pk}
    )
    response = case.call_and_validate(checks=CHECKS, headers=UNCOMPRESSED)
    assert response.status_code == 200
    assert response.json()["title"] == idea.title


@pytest.mark.parametrize("suffix", ["/districts", "/hotspots", "/ideas.geojson"])
def test_geojson_layers_match_their_schema(suffix, dortmund, in_test_transaction):
    case = schema[API + suffix]["GET"].Case(path_parameters={"city": "dortmund"})
    response = case.call_and_validate(checks=CHECKS, headers=UNCOMPRESSED)
    assert response.status_code == 200
    assert response.headers["content-type"][0].startswith("application/geo+json")
    assert response.json()["features"]
