from django.conf import settings

from quartier.cities.models import City
from quartier.notifications.services import unread_count
from quartier.participation.permissions import can_administer_city, can_evaluate, can_moderate


def platform(request) -> dict:
    """The current city (from the URL) and the viewer's duties in it, for the navigation."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("city_slug") if match else None
    city = None
    if slug:
        city = getattr(request, "city", None) or City.objects.filter(slug=slug).first()
    user = getattr(request, "user", None)
    moderates = bool(city and user is not None and can_moderate(user=user, city=city))
    return {
        "current_city": city,
        "default_city_slug": settings.DEFAULT_CITY_SLUG,
        "city_moderator": moderates,
        "city_admin": bool(moderates and can_administer_city(user=user, city=city)),
        "city_evaluator": bool(city and user is not None and can_evaluate(user=user, city=city)),
        # One COUNT per page for a signed-in person; none for visitors.
        "unread_notifications": unread_count(user=user),
    }
