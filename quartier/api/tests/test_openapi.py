"""The OpenAPI document says what the API really answers, and stays a valid document."""

import re

import jsonschema_rs
import pytest

# The OpenAPI 3.1 description schema, as schemathesis ships it (pinned in requirements-dev.lock).
from schemathesis.specs.openapi.definitions import OPENAPI_31

from quartier.api.openapi import PLAIN_TEXT_PATTERN, SLUG_PATTERN
from quartier.core.text import has_control_characters

API = "/api/v1/cities/{city}"
GEOJSON_OPERATIONS = [API + "/districts", API + "/hotspots", API + "/ideas.geojson"]
JSON_OPERATIONS = [API + "/ideas", API + "/ideas/{idea_id}"]


@pytest.fixture
def spec(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _responses(spec, path):
    return spec["paths"][path]["get"]["responses"]


def test_the_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    errors = [error.message for error in jsonschema_rs.validator_for(OPENAPI_31).iter_errors(spec)]
    assert errors == []


@pytest.mark.parametrize("path", GEOJSON_OPERATIONS)
def test_geojson_operations_declare_geo_json(spec, path):
    ok = _responses(spec, path)["200"]["content"]
    assert list(ok) == ["application/geo+json"]
    name = ok["application/geo+json"]["schema"]["$ref"].rsplit("/", 1)[1]
    collection = spec["components"]["schemas"][name]
    assert collection["properties"]["type"]["const"] == "FeatureCollection"


@pytest.mark.parametrize("path", JSON_OPERATIONS)
def test_json_operations_declare_json(spec, path):
    assert list(_responses(spec, path)["200"]["content"]) == ["application/json"]


def _error_schema(spec, response):
    ref = response["content"]["application/json"]["schema"]["$ref"]
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.parametrize("path", GEOJSON_OPERATIONS + JSON_OPERATIONS)
def test_every_operation_documents_its_errors_and_the_middlewares(spec, path):
    responses = _responses(spec, path)
    not_found = responses["404"]
    assert "detail" in _error_schema(spec, not_found)["required"]
    # The boundary middleware answers before the API, in HTML.
    assert "text/html" in not_found["content"]
    assert set(responses["413"]["content"]) == {"text/html"}
    assert set(responses["503"]["content"]) == {"text/html"}
    assert "Retry-After" in responses["503"]["headers"]


def test_the_list_of_ideas_documents_400_and_422_with_their_bodies(spec):
    responses = _responses(spec, API + "/ideas")
    assert _error_schema(spec, responses["400"])["required"] == ["detail"]
    invalid = _error_schema(spec, responses["422"])
    assert set(invalid["required"]) == {"detail", "errors"}
    assert "422" in _responses(spec, API + "/ideas/{idea_id}")
    # A layer has no parameter that could be invalid or bad: nothing promised that cannot come.
    for path in GEOJSON_OPERATIONS:
        assert not {"400", "422"} & set(_responses(spec, path))


def test_documented_patterns_are_the_ones_the_api_applies():
    for code in range(0x250):
        character = chr(code)
        assert bool(re.fullmatch(PLAIN_TEXT_PATTERN, character)) != has_control_characters(
            character
        ), hex(code)
    assert re.fullmatch(SLUG_PATTERN, "innenstadt-nord")
    assert not re.fullmatch(SLUG_PATTERN, "dort\x00mund")
