"""Where a process is taken part in: the app that owns a kind of process registers a link."""

from collections.abc import Callable

from django.db.models import Prefetch

_links: dict[str, Callable[..., str | None]] = {}
_prefetches: dict[str, Callable[[], str | Prefetch]] = {}


def register(
    kind: str,
    url: Callable[..., str | None],
    *,
    prefetch: Callable[[], str | Prefetch] | None = None,
) -> None:
    """``url(process=...)`` returns the page of the process, or None. ``prefetch()`` returns
    the lookup ``url`` reads (the process's conversation, say): the process selectors prefetch
    it, so that a list of processes costs no query per row."""
    _links[kind] = url
    if prefetch is not None:
        _prefetches[kind] = prefetch


def prefetches() -> list[str | Prefetch]:
    return [make() for make in _prefetches.values()]


def process_url(process) -> str | None:
    link = _links.get(process.kind)
    return link(process=process) if link is not None else None
