"""The GDPR registry: each app declares what it exports about a person and how it erases it.

A plain registry filled in each app's ``AppConfig.ready()`` (no signals, no central module that
knows every app). Exporters return JSON-ready data; erasers run inside the erasure's
transaction, before the account itself is deleted, and schedule with ``transaction.on_commit``
whatever has to follow (recomputing a result that counted the person).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[..., Any]
Eraser = Callable[..., None]


@dataclass(frozen=True)
class PersonalDataSection:
    name: str
    export: Exporter
    erase: Eraser | None


_sections: dict[str, PersonalDataSection] = {}


def register(name: str, *, export: Exporter, erase: Eraser | None = None) -> None:
    """Declare a section of a person's data; registering a name again replaces it."""
    _sections[name] = PersonalDataSection(name=name, export=export, erase=erase)


def sections() -> list[PersonalDataSection]:
    return [_sections[name] for name in sorted(_sections)]
