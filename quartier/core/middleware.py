"""Middleware that keeps untrusted requests and a busy database from ending in a 500."""

from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .text import has_control_characters

# How long a browser (or a script) should wait before it tries a write again.
RETRY_AFTER_SECONDS = 5


def _page(status: int, title: str, text: str) -> HttpResponse:
    # A page of its own, without the site's template: rendering that could need the very
    # database that is busy.
    body = (
        f'<!doctype html><html lang="{escape(get_language() or "de")}"><head>'
        f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, '
        f'initial-scale=1"><title>{escape(title)}</title></head><body><main>'
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>"
    )
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


class RequestBoundaryMiddleware:
    """Refuse a request whose path holds control characters (PostgreSQL refuses a NUL in a
    query, a 500) or whose body is larger than any form here accepts, before a view reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        # This runs before LocaleMiddleware: answer in the language the visitor chose (cookie)
        # or their browser asks for, which needs neither the session nor the database.
        language = translation.get_language_from_request(request)
        with translation.override(language):
            return self._check(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if has_control_characters(request.path):
            return _page(404, _("Page not found"), _("This address does not exist."))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return _page(
                413,
                _("Too much data"),
                _("The request is larger than %(limit)d MB. Please send fewer or smaller files.")
                % {"limit": settings.REQUEST_MAX_BYTES // 1_048_576},
            )
        return None


class DatabaseBusyMiddleware:
    """SQLite (the demo) allows one writer at a time. A write that waited out the busy timeout
    gets a 503 with Retry-After and a message instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError) or "database is locked" not in str(
            exception
        ):
            return None
        response = _page(
            503,
            _("Please try again in a moment"),
            _(
                "Many people are writing at the same time and your change was not saved. "
                "Please go back and send it again in a few seconds."
            ),
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
