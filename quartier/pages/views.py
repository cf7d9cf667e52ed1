"""The city's own pages on top of every domain: the home page, the map, the city chooser."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render

from quartier.cities.selectors import (
    city_for_request,
    city_list,
    city_map_config,
    district_list,
    hotspot_list,
)
from quartier.ideas.models import InnovationKind
from quartier.ideas.selectors import idea_counts_by_kind, idea_list


def root(request):
    cities = list(city_list()[:2])
    if len(cities) == 1:
        return redirect("city_home", city_slug=cities[0].slug)
    if any(city.slug == settings.DEFAULT_CITY_SLUG for city in cities):
        return redirect("city_home", city_slug=settings.DEFAULT_CITY_SLUG)
    return render(request, "pages/cities.html", {"cities": city_list()})


def health(request):
    """The framework's floor for the benchmark, and a liveness probe: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def city_home(request, city_slug: str):
    city = city_for_request(request, city_slug)
    ideas = idea_list(city=city)
    by_kind = idea_counts_by_kind(city=city)
    return render(
        request,
        "pages/city_home.html",
        {
            "city": city,
            "latest_ideas": ideas[:6],
            "idea_total": sum(by_kind.values()),
            "ideas_by_kind": [
                (label, by_kind.get(value, 0)) for value, label in InnovationKind.choices
            ],
            "district_count": district_list(city=city).count(),
            "hotspot_count": hotspot_list(city=city).count(),
            "map_config": city_map_config(city),
        },
    )


def city_map(request, city_slug: str):
    city = city_for_request(request, city_slug)
    return render(
        request,
        "pages/city_map.html",
        {
            "city": city,
            "districts": district_list(city=city),
            "hotspots": hotspot_list(city=city),
            "map_config": city_map_config(city),
        },
    )
