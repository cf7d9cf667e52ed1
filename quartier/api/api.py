"""Read API v1: open data for researchers, journalists and other cities' installations."""

import json
from datetime import datetime
from typing import Annotated

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import WithJsonSchema

from quartier.accounts.models import InnovatorType
from quartier.cities.models import City, hotspot_kind_label
from quartier.cities.selectors import district_list, hotspot_list
from quartier.core.text import has_control_characters
from quartier.core.translated import LocalText
from quartier.ideas.models import Idea, InnovationKind, Stage
from quartier.ideas.selectors import SORT_ORDERS, IdeaFilters, idea_list

from .geojson import ideas_geojson_response
from .openapi import (
    PLAIN_TEXT_PATTERN,
    SLUG_OR_EMPTY_PATTERN,
    SLUG_PATTERN,
    DistrictCollection,
    HotspotCollection,
    IdeaCollection,
    QuartierAPI,
    documented,
)

api = QuartierAPI(
    title="Quartier API",
    version="1.0.0",
    description=(
        "Open data of a Quartier installation: districts, innovation hotspots and ideas. "
        "GeoJSON in WGS84. Read-only and without personal data. "
        "Texts a city writes (geometry quality, hotspot descriptions and sources) come in the "
        "language the request asks for (Accept-Language; German or English), else in the "
        "city's own language; the property `languages` names the language of each such text."
    ),
    urls_namespace="api",
)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    messages = []
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", []) if part != "query")
        messages.append(f"{location}: {error.get('msg')}" if location else str(error.get("msg")))
    return api.create_response(
        request, {"detail": "; ".join(messages), "errors": exc.errors}, status=422
    )


# Documented, not enforced by validation: any other value is simply no city (404), and a
# control character gets the same 404 as in every other path of the site.
CitySlug = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": SLUG_PATTERN,
            "description": "The city's slug",
            "example": "dortmund",
        }
    ),
]


def _city(slug: str) -> City:
    # PostgreSQL refuses a NUL in a query (a 500); no slug holds a control character anyway.
    if has_control_characters(slug):
        raise HttpError(404, "Unknown city.")
    return get_object_or_404(City, slug=slug)


def _plain(value: str | None, name: str) -> str | None:
    if value is not None and has_control_characters(value):
        raise HttpError(400, f"{name} must not contain control characters.")
    return value


def _texts(**texts: LocalText) -> dict:
    # Each city text in the request's language, and which language it really is in.
    values: dict = {name: text.text for name, text in texts.items()}
    values["languages"] = {name: text.lang for name, text in texts.items() if text}
    return values


def _geojson_response(document: str | dict) -> HttpResponse:
    body = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8")


@api.get(
    "/cities/{city}/districts",
    url_name="districts",
    summary="Districts as a GeoJSON FeatureCollection",
    **documented(DistrictCollection),
)
def districts(request: HttpRequest, city: CitySlug):
    the_city = _city(city)
    features = [
        {
            "type": "Feature",
            "id": district.pk,
            "geometry": district.geometry,
            "properties": {
                "name": district.name,
                "slug": district.slug,
                "population": district.population,
                "population_year": district.population_year,
                **_texts(geometry_quality=district.geometry_quality),
            },
        }
        for district in district_list(city=the_city)
    ]
    return _geojson_response({"type": "FeatureCollection", "features": features})


@api.get(
    "/cities/{city}/hotspots",
    url_name="hotspots",
    summary="Innovation hotspots as GeoJSON (places without a known location have no geometry)",
    **documented(HotspotCollection),
)
def hotspots(request: HttpRequest, city: CitySlug):
    the_city = _city(city)
    features = [
        {
            "type": "Feature",
            "id": hotspot.pk,
            # RFC 7946 allows a null geometry: we never invent a location.
            "geometry": (
                {"type": "Point", "coordinates": [hotspot.lon, hotspot.lat]}
                if hotspot.has_location
                else None
            ),
            "properties": {
                "name": hotspot.name,
                "kind": hotspot.kind,
                "kind_label": hotspot_kind_label(hotspot.kind),
                "address": hotspot.address,
                "district": hotspot.district.name if hotspot.district else None,
                **_texts(description=hotspot.description, source=hotspot.source),
            },
        }
        for hotspot in hotspot_list(city=the_city)
    ]
    return _geojson_response({"type": "FeatureCollection", "features": features})


class IdeaQuery(Schema):
    district: str | None = Field(
        None,
        description="A district's slug (see the districts layer); another gives 404, none all",
        # "example", not "examples": ninja copies it to the parameter, where OpenAPI wants a map.
        json_schema_extra={"pattern": SLUG_OR_EMPTY_PATTERN, "example": "innenstadt-nord"},
    )
    kind: InnovationKind | None = None
    stage: Stage | None = None
    q: str | None = Field(
        None,
        max_length=200,
        description="Full-text search; a control character (but tab and line breaks) gives 400",
        json_schema_extra={"pattern": PLAIN_TEXT_PATTERN, "example": "Brunnen"},
    )
    sort: str = Field("newest", pattern="^(newest|supported|discussed)$")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(20, ge=1, le=100)


class IdeaOut(Schema):
    id: int
    title: str
    summary: str
    kind: InnovationKind
    stage: Stage
    innovator_type: InnovatorType
    source: str
    district: str
    lat: float
    lon: float
    support_count: int
    comment_count: int
    is_example: bool
    created_at: datetime
    url: str

    @staticmethod
    def resolve_district(obj: Idea) -> str:
        return obj.district.name

    @staticmethod
    def resolve_url(obj: Idea) -> str:
        return f"/{obj.city.slug}/ideas/{obj.pk}/"


class IdeaDetailOut(IdeaOut):
    description: str
    description_html: str


class IdeaPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[IdeaOut]


def _filters(city: City, params: IdeaQuery) -> IdeaFilters:
    _plain(params.q, "q")
    _plain(params.district, "district")
    district = None
    if params.district:
        district = city.districts.filter(slug=params.district).first()
        if district is None:
            # Like an unknown city: the place asked for is not there.
            raise HttpError(404, f"Unknown district {params.district!r} in {city.name}.")
    return IdeaFilters(
        district=district,
        kind=params.kind.value if params.kind else None,
        stage=params.stage.value if params.stage else None,
        query=(params.q or "").strip() or None,
        sort=params.sort if params.sort in SORT_ORDERS else "newest",
    )


@api.get(
    "/cities/{city}/ideas",
    url_name="ideas",
    summary="Ideas, paginated",
    **documented(
        IdeaPage,
        not_found="No city with this slug, no such district in it, or a page after the last one.",
        bad_request="A control character in q or district.",
        invalid="A parameter out of its range or of the wrong type.",
    ),
)
def ideas(request: HttpRequest, city: CitySlug, params: Query[IdeaQuery]):
    the_city = _city(city)
    queryset = idea_list(city=the_city, filters=_filters(the_city, params)).select_related("city")
    paginator = Paginator(queryset, params.page_size)
    if params.page > paginator.num_pages and paginator.count:
        raise HttpError(404, f"Page {params.page} does not exist; there are {paginator.num_pages}.")
    page = paginator.get_page(params.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": params.page_size,
        "results": list(page.object_list),
    }


@api.get(
    "/cities/{city}/ideas.geojson",
    url_name="ideas_geojson",
    summary="All visible ideas of the city as GeoJSON points (cached)",
    **documented(IdeaCollection),
)
def ideas_geojson(request: HttpRequest, city: CitySlug):
    return ideas_geojson_response(city=_city(city), request=request)


@api.get(
    "/cities/{city}/ideas/{idea_id}",
    url_name="idea",
    summary="One visible idea",
    **documented(
        IdeaDetailOut,
        not_found="No city with this slug, or no visible idea with this id in the city.",
        invalid="An idea_id that is not an integer.",
    ),
)
def idea(request: HttpRequest, city: CitySlug, idea_id: int):
    the_city = _city(city)
    found = get_object_or_404(
        Idea.objects.select_related("district", "city"),
        city=the_city,
        pk=idea_id,
        hidden_at__isnull=True,
    )
    return found
