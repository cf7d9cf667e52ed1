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
    """What the map script needs, passed with json_script (never string-built JavaScript)."""
    return {
        "centre": [city.centre_lat, city.centre_lon],
        "zoom": city.default_zoom,
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "dataAttribution": city.data_attribution,
        "districtsUrl": f"/api/v1/cities/{city.slug}/districts",
        "hotspotsUrl": f"/api/v1/cities/{city.slug}/hotspots",
        "ideasUrl": f"/api/v1/cities/{city.slug}/ideas.geojson",
        "ideaUrlTemplate": f"/{city.slug}/ideas/0/",
    }


def city_list() -> QuerySet[City]:
    return City.objects.all()


def district_list(*, city: City) -> QuerySet[District]:
    return District.objects.filter(city=city).order_by("name")


def hotspot_list(*, city: City) -> QuerySet[Hotspot]:
    return Hotspot.objects.filter(city=city).select_related("district").order_by("name")
