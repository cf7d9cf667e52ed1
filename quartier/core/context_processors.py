from django.conf import settings

from quartier.cities.models import City


def platform(request) -> dict:
    """The current city (from the URL) for the navigation; one query, only on city pages."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("city_slug") if match else None
    city = None
    if slug:
        city = getattr(request, "city", None) or City.objects.filter(slug=slug).first()
    return {"current_city": city, "default_city_slug": settings.DEFAULT_CITY_SLUG}
