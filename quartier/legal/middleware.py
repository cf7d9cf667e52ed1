"""The city's legal texts follow a person across the site.

* The last city visited is kept in a cookie for the browser session, so the account pages
  (which have no city in their URL) show that city's navigation and legal links, and sign-up
  records consent to that city's texts.
* Someone who agreed to an earlier version of a city's terms of use or privacy notice is asked
  to agree to the new one at the next page view in that city, before anything else there.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from quartier.accounts import selectors as account_selectors
from quartier.cities.models import City

from .selectors import LAST_CITY_COOKIE, consent_documents

# Views a person must reach while asked to agree: the texts themselves, the consent form.
_EXEMPT_VIEWS = frozenset({"legal_page", "legal_consent", "legal_page_edit"})


class LegalMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        slug = match.kwargs.get("city_slug") if match else None
        # Only a city that exists (the view answered 200) is remembered. A cookie for the
        # browser session, not the session store: no session row (and no query) per visitor.
        if slug and response.status_code == 200 and request.COOKIES.get(LAST_CITY_COOKIE) != slug:
            response.set_cookie(LAST_CITY_COOKIE, slug, samesite="Lax", httponly=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("city_slug")
        user = getattr(request, "user", None)
        if not slug or user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in _EXEMPT_VIEWS:
            return None
        city = _city(request, slug)
        if city is None:
            return None
        documents = consent_documents(city=city)
        if not documents:
            return None
        if not account_selectors.consent_given_before(user=user, city=city):
            # Accounts that never agreed in this city (made by a command, or signed up in
            # another city) are not stopped; see docs: the city decides how to ask them.
            return None
        if account_selectors.consent_missing(user=user, city=city, documents=documents):
            target = reverse("legal_consent", args=[city.slug])
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return None


def _city(request, slug: str):
    city = getattr(request, "city", None)
    if city is not None and city.slug == slug:
        return city
    city = City.objects.filter(slug=slug).first()
    if city is not None:
        # The view looks the city up again through city_for_request; one row, no harm.
        request.city = city
    return city
