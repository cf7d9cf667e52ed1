"""What the OpenAPI document says beyond django-ninja's defaults: every answer an operation can
give, with the media type it really has.

* A GeoJSON document (RFC 7946) is served as ``application/geo+json``; ninja would call every
  model ``application/json``.
* Errors from the API are JSON (``{"detail": ...}``); a validation error adds pydantic's list.
* The site's middleware answers some requests before any operation runs, in HTML:
  a path with a control character or one that routes nowhere (404), a request body over
  ``REQUEST_MAX_BYTES`` (413), and on SQLite a database locked past its busy timeout (503).
"""

from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Field, NinjaAPI, Schema

# A Django slug, as city and district slugs are.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SLUG_OR_EMPTY_PATTERN = r"^[-a-zA-Z0-9_]*$"
# Text without the control characters that quartier.core.text refuses (tab and line breaks pass).
PLAIN_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"


class ErrorOut(Schema):
    detail: str = Field(description="What is wrong with the request, in English")


class ValidationErrorItem(Schema):
    type: str
    loc: list[str | int] = Field(description='Where: e.g. ["query", "page"]')
    msg: str


class ValidationErrorOut(ErrorOut):
    errors: list[ValidationErrorItem]


class PointGeometry(Schema):
    type: Literal["Point"]
    coordinates: Annotated[list[float], Field(min_length=2, max_length=2)] = Field(
        description="[longitude, latitude], WGS84"
    )


class AreaGeometry(Schema):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(description="Rings of [longitude, latitude], WGS84")


class FeatureCollection(Schema):
    """A GeoJSON document: each subclass is documented as application/geo+json."""

    type: Literal["FeatureCollection"]


def _languages() -> Any:
    return Field(
        description="The language of each city text above that is not empty, e.g. "
        '{"description": "de"}: the one asked for (Accept-Language), else the city\'s own'
    )


class DistrictProperties(Schema):
    name: str
    slug: str
    population: int | None
    population_year: int | None
    geometry_quality: str = Field(description="How exact the boundary is, and its source")
    languages: dict[str, str] = _languages()


class DistrictFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: AreaGeometry
    properties: DistrictProperties


class DistrictCollection(FeatureCollection):
    features: list[DistrictFeature]


class HotspotProperties(Schema):
    name: str
    kind: str
    kind_label: str
    address: str
    district: str | None
    description: str
    source: str
    languages: dict[str, str] = _languages()


class HotspotFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: PointGeometry | None = Field(description="null where the location is not known")
    properties: HotspotProperties


class HotspotCollection(FeatureCollection):
    features: list[HotspotFeature]


class IdeaPointProperties(Schema):
    title: str
    kind: str
    district: str


class IdeaPointFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: PointGeometry
    properties: IdeaPointProperties


class IdeaCollection(FeatureCollection):
    features: list[IdeaPointFeature]


UNKNOWN_CITY = "No city with this slug."


def documented(
    ok: type[Schema],
    *,
    not_found: str = UNKNOWN_CITY,
    bad_request: str | None = None,
    invalid: str | None = None,
) -> dict[str, Any]:
    """``response`` and ``openapi_extra`` of an operation: its own answers, each described."""
    response: dict[int, type[Schema]] = {200: ok, 404: ErrorOut}
    descriptions = {404: not_found}
    if bad_request:
        response[400] = ErrorOut
        descriptions[400] = bad_request
    if invalid:
        response[422] = ValidationErrorOut
        descriptions[422] = invalid
    return {
        "response": response,
        "openapi_extra": {
            "responses": {status: {"description": text} for status, text in descriptions.items()}
        },
    }


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {HTML: {"schema": {"type": "string"}}}}


def _boundary_responses() -> dict[int, dict[str, Any]]:
    # quartier.core.middleware: answered before the operation, for every path under the API.
    return {
        404: _html(
            "A path with a control character, or one that routes to no operation (a city slug "
            "with a slash): the site's HTML page."
        ),
        413: _html(
            f"The request is larger than {settings.REQUEST_MAX_BYTES // 1_048_576} MB "
            "(no operation here reads a body)."
        ),
        503: {
            **_html(
                "SQLite only: the database stayed locked by writers past its busy timeout. "
                "Try again after Retry-After seconds."
            ),
            "headers": {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}
            },
        },
    }


class QuartierAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        geojson_refs = {
            f"#/components/schemas/{model.__name__}" for model in FeatureCollection.__subclasses__()
        }
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                responses = operation["responses"]
                for answer in responses.values():
                    content = answer.get("content", {})
                    if content.get(JSON, {}).get("schema", {}).get("$ref") in geojson_refs:
                        content[GEOJSON] = content.pop(JSON)
                for status, boundary in _boundary_responses().items():
                    own = responses.get(status)
                    if own is None:
                        responses[status] = boundary
                    else:
                        own["description"] += " " + boundary["description"]
                        own.setdefault("content", {}).update(boundary["content"])
        return schema
