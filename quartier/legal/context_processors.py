from .selectors import legal_city, legal_links


def legal(request) -> dict:
    """The footer's legal links, and on pages without a city in the URL (the account pages)
    the city last visited, or the default one, for the navigation."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("city_slug") if match else None
    if slug:
        return {"legal_links": legal_links(city_slug=slug)}
    city = legal_city(request)
    if city is None:
        return {"legal_links": []}
    return {"current_city": city, "legal_links": legal_links(city_slug=city.slug)}
