"""Where a process is taken part in: the app that owns a kind of process registers a link."""

from collections.abc import Callable

_links: dict[str, Callable[..., str | None]] = {}


def register(kind: str, url: Callable[..., str | None]) -> None:
    """``url(process=...)`` returns the page of the process, or None."""
    _links[kind] = url


def process_url(process) -> str | None:
    link = _links.get(process.kind)
    return link(process=process) if link is not None else None
