from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render

from quartier.cities.selectors import city_get, city_list, district_list, hotspot_list
from quartier.ideas.models import InnovationKind
from quartier.ideas.selectors import idea_counts_by_kind, idea_list


def city_for_request(request, city_slug: str):
    """The city named in the URL (404 if unknown), remembered for the navigation."""
    city = city_get(slug=city_slug)
    request.city = city
    return city


def root(request):
    cities = list(city_list()[:2])
    if len(cities) == 1:
        return redirect("city_home", city_slug=cities[0].slug)
    if any(city.slug == settings.DEFAULT_CITY_SLUG for city in cities):
        return redirect("city_home", city_slug=settings.DEFAULT_CITY_SLUG)
    return render(request, "core/cities.html", {"cities": city_list()})


def health(request):
    """The framework's floor for the benchmark, and a liveness probe: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def city_home(request, city_slug: str):
    city = city_for_request(request, city_slug)
    ideas = idea_list(city=city)
    by_kind = idea_counts_by_kind(city=city)
    return render(
        request,
        "core/city_home.html",
        {
            "city": city,
            "latest_ideas": ideas[:6],
            "idea_total": sum(by_kind.values()),
            "ideas_by_kind": [
                (label, by_kind.get(value, 0)) for value, label in InnovationKind.choices
            ],
            "district_count": district_list(city=city).count(),
            "hotspot_count": hotspot_list(city=city).count(),
            "map_config": map_config(city),
        },
    )


def city_map(request, city_slug: str):
    city = city_for_request(request, city_slug)
    return render(
        request,
        "core/city_map.html",
        {
            "city": city,
            "districts": district_list(city=city),
            "hotspots": hotspot_list(city=city),
            "map_config": map_config(city),
        },
    )


def map_config(city) -> dict:
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
