"""Writes and lookups for cities, districts and hotspots."""

import csv
import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, ProtectedError
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

from quartier.core.translated import (
    InvalidTranslations,
    translations_cleaned,
    translations_from_columns,
)

from .errors import DistrictInUse, InvalidGeoData, PointOutsideCity
from .geography import district_shapes
from .models import GEOMETRY_QUALITY_MAX_LENGTH, City, District, Hotspot

Translations = Mapping[str, str] | str

# Coordinates as WGS84 degrees; anything else is a typo or a projected CRS.
LAT_RANGE = (-90.0, 90.0)
LON_RANGE = (-180.0, 180.0)


def reserved_city_slugs() -> frozenset[str]:
    """First path segments the site itself uses (admin, accounts, api, ...): a city with
    such a slug would be unreachable, its URLs shadowed by the site's own. Read from the root
    URLconf, so that a new top-level path is reserved without a list to keep up to date."""
    reserved = set()
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLPattern | URLResolver):
            continue
        route = str(pattern.pattern)
        first = route.lstrip("^/").split("/", 1)[0]
        if first and not any(mark in first for mark in "<(\\[$?"):
            reserved.add(first.lower())
    # Served by the web server in production, so not always in the URLconf.
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        first = str(url or "").strip("/").split("/", 1)[0]
        if first and "//" not in str(url):
            reserved.add(first.lower())
    return frozenset(reserved)


def city_slug_validate(slug: str) -> str:
    if slug.lower() in reserved_city_slugs():
        raise InvalidGeoData(
            _("The address /%(slug)s/ belongs to the site itself; please choose another slug.")
            % {"slug": slug}
        )
    return slug


def city_language_validated(language: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise InvalidGeoData(
            _("%(language)s is not one of this site's languages (%(codes)s).")
            % {"language": language, "codes": ", ".join(sorted(codes))}
        )
    return language


def _translations(value: Any, *, language: str, label: str, max_length: int | None = None):
    try:
        return translations_cleaned(value, language=language, label=label, max_length=max_length)
    except InvalidTranslations as error:
        raise InvalidGeoData(error.message) from error


def city_upsert(
    *,
    slug: str,
    name: str,
    centre_lat: float,
    centre_lon: float,
    default_zoom: int = 11,
    country_code: str = "DE",
    language: str | None = None,
    boundary: dict | None = None,
    data_attribution: Translations = "",
    districts_note: Translations = "",
) -> City:
    """Create or change a city. ``language`` is the language its texts are written in (kept
    when not given); the texts are ``{"de": …, "en": …}`` or a string in that language."""
    existing = City.objects.filter(slug=slug).first()
    if existing is None:
        city_slug_validate(slug)
    if language is None:
        language = existing.language if existing is not None else settings.LANGUAGE_CODE
    language = city_language_validated(language)
    city, _created = City.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "centre_lat": centre_lat,
            "centre_lon": centre_lon,
            "default_zoom": default_zoom,
            "country_code": country_code,
            "language": language,
            "boundary": boundary,
            "data_attribution_i18n": _translations(
                data_attribution, language=language, label=_("Attribution of map data")
            ),
            "districts_note_i18n": _translations(
                districts_note, language=language, label=_("Note on district boundaries")
            ),
        },
    )
    return city


def _validated_polygon(geometry: Any, *, feature_label: str) -> dict:
    if not isinstance(geometry, Mapping) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise InvalidGeoData(
            _("%(feature)s: geometry must be a Polygon or MultiPolygon.")
            % {"feature": feature_label}
        )
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as error:
        raise InvalidGeoData(
            _("%(feature)s: unreadable geometry (%(error)s).")
            % {"feature": feature_label, "error": error}
        ) from error
    if polygon.is_empty or not polygon.is_valid:
        raise InvalidGeoData(
            _("%(feature)s: invalid geometry (%(reason)s).")
            % {"feature": feature_label, "reason": explain_validity(polygon)}
        )
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    if not (LON_RANGE[0] <= min_lon and max_lon <= LON_RANGE[1]) or not (
        LAT_RANGE[0] <= min_lat and max_lat <= LAT_RANGE[1]
    ):
        raise InvalidGeoData(
            _("%(feature)s: coordinates are not WGS84 longitude/latitude.")
            % {"feature": feature_label}
        )
    return dict(geometry)


def _optional_int(value: Any, *, field: str, feature_label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise InvalidGeoData(
            _("%(feature)s: %(field)s must be a whole number, not %(value)r.")
            % {"feature": feature_label, "field": field, "value": value}
        ) from error
    if number < 0:
        raise InvalidGeoData(
            _("%(feature)s: %(field)s must not be negative.")
            % {"feature": feature_label, "field": field}
        )
    return number


@transaction.atomic
def districts_import_geojson(
    *,
    city: City,
    collection: Any,
    name_property: str = "name",
    population_property: str | None = "population",
    population_year_property: str | None = "population_year",
    quality_property: str | None = "geometry_quality",
    language: str | None = None,
) -> list[District]:
    """Create or update the city's districts from a GeoJSON FeatureCollection.

    The quality note is in ``language`` (the city's if not given); properties such as
    ``geometry_quality_en`` hold it in other languages. Everything is validated before the
    first write, so a bad file changes nothing.
    """
    language = language or city.language
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise InvalidGeoData(_("The file is not a GeoJSON FeatureCollection."))
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise InvalidGeoData(_("The FeatureCollection has no features."))

    parsed: list[dict[str, Any]] = []
    seen_names: set[str] = set()
    for number, feature in enumerate(features, start=1):
        label = _("Feature %(number)d") % {"number": number}
        if not isinstance(feature, Mapping):
            raise InvalidGeoData(_("%(feature)s is not an object.") % {"feature": label})
        properties = feature.get("properties") or {}
        name = str(properties.get(name_property, "")).strip()
        if not name:
            raise InvalidGeoData(
                _("%(feature)s has no %(property)s property.")
                % {"feature": label, "property": name_property}
            )
        label = f"{label} ({name})"
        if name in seen_names:
            raise InvalidGeoData(_("%(feature)s appears twice.") % {"feature": label})
        seen_names.add(name)
        parsed.append(
            {
                "name": name,
                "geometry": _validated_polygon(feature.get("geometry"), feature_label=label),
                "population": _optional_int(
                    properties.get(population_property) if population_property else None,
                    field=population_property or "",
                    feature_label=label,
                ),
                "population_year": _optional_int(
                    properties.get(population_year_property) if population_year_property else None,
                    field=population_year_property or "",
                    feature_label=label,
                ),
                "geometry_quality": _translations(
                    translations_from_columns(properties, quality_property, language=language)
                    if quality_property
                    else {},
                    language=language,
                    label=label,
                    max_length=GEOMETRY_QUALITY_MAX_LENGTH,
                ),
            }
        )

    districts: list[District] = []
    for row in parsed:
        district, _created = District.objects.update_or_create(
            city=city,
            name=row["name"],
            defaults={
                "slug": slugify(row["name"]) or f"district-{len(districts) + 1}",
                "population": row["population"],
                "population_year": row["population_year"],
                "geometry": row["geometry"],
                "geometry_quality_i18n": row["geometry_quality"],
            },
        )
        districts.append(district)
    City.objects.filter(pk=city.pk).update(districts_version=F("districts_version") + 1)
    city.refresh_from_db(fields=["districts_version"])
    return districts


def _parse_coordinate(value: str, *, bounds: tuple[float, float], line: int) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not bounds[0] <= number <= bounds[1]:  # also false for NaN
        raise InvalidGeoData(
            _("Line %(line)d: invalid coordinate %(value)s.") % {"line": line, "value": value}
        )
    return number


@transaction.atomic
def hotspots_import_csv(*, city: City, text: str, language: str | None = None) -> list[Hotspot]:
    """Import hotspots from CSV with columns name, kind, address, lat, lon, description, source.

    ``description`` and ``source`` are in ``language`` (the city's if not given);
    ``description_en``, ``source_de`` and so on hold them in other languages. Rows without
    coordinates are kept without a location; the district comes from the point.
    """
    language = language or city.language
    reader = csv.DictReader(io.StringIO(text))
    required = {"name", "kind"}
    if not reader.fieldnames or not required.issubset(reader.fieldnames):
        raise InvalidGeoData(_("The hotspot file needs the columns name and kind."))
    rows: list[dict[str, Any]] = []
    for line_number, row in enumerate(reader, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            raise InvalidGeoData(_("Line %(line)d: the name is empty.") % {"line": line_number})
        lat = _parse_coordinate(row.get("lat", ""), bounds=LAT_RANGE, line=line_number)
        lon = _parse_coordinate(row.get("lon", ""), bounds=LON_RANGE, line=line_number)
        if (lat is None) != (lon is None):
            lat = lon = None  # half a coordinate is no location; list the place without one
        rows.append(
            {
                "name": name[:200],
                "kind": slugify((row.get("kind") or "other").replace("_", "-")) or "other",
                "address": (row.get("address") or "").strip()[:300],
                "lat": lat,
                "lon": lon,
                "description_i18n": _translations(
                    translations_from_columns(row, "description", language=language),
                    language=language,
                    label=_("Line %(line)d") % {"line": line_number},
                ),
                "source_i18n": _translations(
                    translations_from_columns(row, "source", language=language),
                    language=language,
                    label=_("Line %(line)d") % {"line": line_number},
                ),
            }
        )
    hotspots = []
    for row in rows:
        district = None
        if row["lat"] is not None:
            district = district_at(city=city, lat=row["lat"], lon=row["lon"])
        hotspot, _created = Hotspot.objects.update_or_create(
            city=city, name=row["name"], defaults={**row, "district": district}
        )
        hotspots.append(hotspot)
    return hotspots


def district_at(*, city: City, lat: float, lon: float) -> District | None:
    shapes = district_shapes(
        city_id=city.pk,
        version=city.districts_version,
        load=lambda: list(District.objects.filter(city=city).values_list("id", "geometry")),
    )
    district_id = shapes.district_id_at(lat, lon)
    if district_id is None:
        return None
    return District.objects.get(pk=district_id)


def district_for_idea_location(*, city: City, lat: float, lon: float) -> District:
    """The district an idea at this point belongs to; a point outside the city is refused."""
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        raise PointOutsideCity(_("These are not valid map coordinates."))
    district = district_at(city=city, lat=lat, lon=lon)
    if district is None:
        raise PointOutsideCity(
            _("This place lies outside %(city)s. Please choose a place within the city.")
            % {"city": city.name}
        )
    return district


def city_touch_ideas(*, city: City) -> None:
    """Mark the public idea layer as changed (invalidates cached GeoJSON on every server)."""
    City.objects.filter(pk=city.pk).update(ideas_changed_at=timezone.now())


def polygon_validated(geometry: Any, *, label: str) -> dict:
    """A GeoJSON Polygon or MultiPolygon in WGS84 degrees, checked as the import checks it."""
    return _validated_polygon(geometry, feature_label=label)


def district_validate(*, district: District, name: str, geometry: Any) -> tuple[str, dict]:
    """The cleaned name and geometry of a district change, or InvalidGeoData.

    Separate from ``district_update`` so that a form can show the same refusal as a field error
    before anything is written (the admin's district form calls it in ``clean``)."""
    name = " ".join((name or "").replace("\x00", "").split())
    if not name:
        raise InvalidGeoData(_("A district needs a name."))
    if len(name) > 120:
        raise InvalidGeoData(_("A district name has at most 120 characters."))
    # The (city, name) constraint is not checked by a form that cannot change the city.
    if (
        District.objects.filter(city_id=district.city_id, name=name)
        .exclude(pk=district.pk)
        .exists()
    ):
        raise InvalidGeoData(
            _("%(city)s already has a district called %(name)s.")
            % {"city": district.city.name, "name": name}
        )
    return name, polygon_validated(geometry, label=name)


@transaction.atomic
def district_update(
    *,
    district: District,
    name: str,
    geometry: Any,
    population: int | None = None,
    population_year: int | None = None,
    geometry_quality: Translations = "",
) -> District:
    """Change one district; every process's point-in-district index follows.

    Ideas keep the district they were filed under (as after a re-import); the slug, which
    appears in URLs and the open-data API, never changes."""
    name, geometry = district_validate(district=district, name=name, geometry=geometry)
    renamed = name != District.objects.filter(pk=district.pk).values_list("name", flat=True).get()
    district.name = name
    district.geometry = geometry
    district.population = _optional_int(population, field="population", feature_label=name)
    district.population_year = _optional_int(
        population_year, field="population_year", feature_label=name
    )
    district.geometry_quality_i18n = _translations(
        geometry_quality,
        language=district.city.language,
        label=name,
        max_length=GEOMETRY_QUALITY_MAX_LENGTH,
    )
    district.save(
        update_fields=["name", "geometry", "population", "population_year", "geometry_quality_i18n"]
    )
    City.objects.filter(pk=district.city_id).update(districts_version=F("districts_version") + 1)
    if renamed:
        # The idea layer and the idea lists carry district names.
        city_touch_ideas(city=district.city)
    district.city.refresh_from_db(fields=["districts_version"])
    return district


@transaction.atomic
def district_delete(*, district: District) -> None:
    """Delete a district nothing lies in (ideas, a vote's pots protect theirs); hotspots lose it."""
    city = district.city
    try:
        district.delete()
    except ProtectedError as error:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise DistrictInUse(
            _("%(district)s is in use (%(kinds)s), so it cannot be deleted.")
            % {"district": district.name, "kinds": ", ".join(kinds)}
        ) from error
    # A stale index would still answer with the deleted district's id.
    City.objects.filter(pk=city.pk).update(districts_version=F("districts_version") + 1)
    city.refresh_from_db(fields=["districts_version"])


def hotspot_coordinates_validated(
    *, lat: float | None, lon: float | None
) -> tuple[float | None, float | None]:
    """Both or neither (a place without a citable coordinate is listed, never guessed)."""
    if (lat is None) != (lon is None):
        raise InvalidGeoData(_("Give both latitude and longitude, or neither."))
    if (
        lat is not None
        and lon is not None
        and not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1])
    ):
        raise InvalidGeoData(_("These are not valid map coordinates."))
    return lat, lon


def hotspot_validate(*, hotspot: Hotspot, name: str, lat: float | None, lon: float | None) -> str:
    """The cleaned name of a hotspot change, or InvalidGeoData (a form calls it in ``clean``)."""
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise InvalidGeoData(_("A hotspot needs a name."))
    if len(name) > 200:
        raise InvalidGeoData(_("A hotspot name has at most 200 characters."))
    if Hotspot.objects.filter(city_id=hotspot.city_id, name=name).exclude(pk=hotspot.pk).exists():
        raise InvalidGeoData(
            _("%(city)s already has a hotspot called %(name)s.")
            % {"city": hotspot.city.name, "name": name}
        )
    hotspot_coordinates_validated(lat=lat, lon=lon)
    return name


@transaction.atomic
def hotspot_save(
    *,
    hotspot: Hotspot,
    name: str,
    kind: str,
    lat: float | None,
    lon: float | None,
    address: str = "",
    description: Translations = "",
    source: Translations = "",
) -> Hotspot:
    """Create (an unsaved hotspot with its city) or change a hotspot; the district follows
    from the point, as in the import. ``description`` and ``source`` are ``{"de": …}`` or a
    string in the city's language."""
    name = hotspot_validate(hotspot=hotspot, name=name, lat=lat, lon=lon)
    kind = slugify((kind or "other").replace("_", "-"))[:60] or "other"
    hotspot.name, hotspot.kind, hotspot.lat, hotspot.lon = name, kind, lat, lon
    hotspot.address = (address or "").replace("\x00", "").strip()[:300]
    language = hotspot.city.language
    hotspot.description_i18n = _translations(description, language=language, label=name)
    hotspot.source_i18n = _translations(source, language=language, label=name)
    hotspot.district = (
        district_at(city=hotspot.city, lat=lat, lon=lon)
        if lat is not None and lon is not None
        else None
    )
    hotspot.save()
    return hotspot
