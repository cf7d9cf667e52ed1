from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import City, District, Hotspot


def city_get(*, slug: str) -> City:
    return get_object_or_404(City, slug=slug)


def city_for_request(request, city_slug: str) -> City:
    """The city named in the URL (404 if unknown), remembered for the navigation."""
    city = city_get(slug=city_slug)
    request.city = city
    return city


def city_map_config(city: City) -> dict:
    """What the map script needs, passed with json_script (never string-built JavaScript).
    The credits are in the page's language where the city wrote them in it; otherwise
    ``dataAttributionLang`` names the language they are in."""
    attribution = city.data_attribution
    return {
        "centre": [city.centre_lat, city.centre_lon],
        "zoom": city.default_zoom,
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "dataAttribution": attribution.text,
        "dataAttributionLang": attribution.lang if attribution.fallback else "",
        "districtsUrl": f"/api/v1/cities/{city.slug}/districts",
        "hotspotsUrl": f"/api/v1/cities/{city.slug}/hotspots",
        "ideasUrl": f"/api/v1/cities/{city.slug}/ideas.geojson",
        "ideaUrlTemplate": f"/{city.slug}/ideas/0/",
    }


def city_list() -> QuerySet[City]:
    return City.objects.all()


def district_list(*, city: City) -> QuerySet[District]:
    return District.objects.filter(city=city).select_related("city").order_by("name")


def hotspot_list(*, city: City) -> QuerySet[Hotspot]:
    # With the city: each hotspot's texts fall back to the city's language.
    return Hotspot.objects.filter(city=city).select_related("city", "district").order_by("name")
