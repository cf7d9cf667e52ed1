from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from quartier.accounts.consent import ConsentDocument
from quartier.cities.models import City

from .models import CONSENT_KINDS, LegalKind, LegalPage


def legal_page_get(*, city, kind: str) -> LegalPage | None:
    """The page's current text, or None while the city has not written it."""
    return LegalPage.objects.filter(city=city, kind=kind).first()


def legal_links(*, city_slug: str) -> list[dict]:
    """The footer's links: every kind, written or not (an unwritten page says so); no query."""
    urls = _legal_urls(city_slug, get_script_prefix(), get_urlconf())
    return [{"label": kind.label, "url": url} for kind, url in zip(LegalKind, urls, strict=True)]


@lru_cache(maxsize=256)
def _legal_urls(city_slug: str, _prefix: str, _urlconf) -> tuple[str, ...]:
    # Every page's footer asks for these; an address depends only on its arguments, the
    # script prefix and the URL configuration, which are the cache's key.
    return tuple(reverse("legal_page", args=[city_slug, kind.value]) for kind in LegalKind)


def consent_documents(*, city) -> list[ConsentDocument]:
    """The published texts a person agrees to in this city, with their current versions."""
    versions = dict(
        LegalPage.objects.filter(city=city, kind__in=CONSENT_KINDS).values_list("kind", "version")
    )
    return [
        ConsentDocument(
            document=kind.value,
            version=versions[kind.value],
            label=str(kind.label),
            url=reverse("legal_page", args=[city.slug, kind.value]),
        )
        for kind in CONSENT_KINDS
        if kind.value in versions
    ]


def legal_city(request):
    """The city whose texts apply: the one in the URL, else the last one visited (kept in a
    cookie), else the installation's default city."""
    match = getattr(request, "resolver_match", None)
    slug = (match.kwargs.get("city_slug") if match else None) or request.COOKIES.get(
        LAST_CITY_COOKIE
    )
    city = getattr(request, "city", None)
    if city is not None and (slug is None or city.slug == slug):
        return city
    found = City.objects.filter(slug=slug).first() if slug else None
    return found or City.objects.filter(slug=settings.DEFAULT_CITY_SLUG).first()


LAST_CITY_COOKIE = "quartier_city"


def consent_documents_for_request(request):
    city = legal_city(request)
    return city, (consent_documents(city=city) if city is not None else [])
