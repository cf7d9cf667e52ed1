"""What a person agrees to at sign-up: a registry that the legal pages fill.

Accounts sit below the legal pages, so they cannot ask them directly; the legal app registers
in its ``AppConfig.ready()`` a function that names, for a request, its city and the published
texts (terms, privacy notice) with their current versions (no signals, as the GDPR registry).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConsentDocument:
    document: str  # the legal page's kind, e.g. "nutzungsbedingungen"
    version: int
    label: str
    url: str


# request -> (the city, or None, and its published documents)
DocumentsProvider = Callable[[Any], tuple[Any, list[ConsentDocument]]]

_provider: list[DocumentsProvider] = []


def register_documents(provider: DocumentsProvider) -> None:
    _provider[:] = [provider]


def documents_for_request(request) -> tuple[Any, list[ConsentDocument]]:
    if not _provider:
        return None, []
    return _provider[0](request)
