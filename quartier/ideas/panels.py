"""Sections other apps add to an idea's page (opinion maps today; tests, partners later).

Apps above ideas register a panel in ``AppConfig.ready()``; the idea page renders each one
with the context its function returns, so ideas never imports the apps built on it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IdeaPanel:
    key: str
    template: str
    context: Callable[..., dict[str, Any]]  # (*, idea, user) -> the template's context
    order: int = 100


_panels: dict[str, IdeaPanel] = {}


def register(panel: IdeaPanel) -> None:
    _panels[panel.key] = panel


def panels_for(*, idea, user) -> list[tuple[str, dict[str, Any]]]:
    ordered = sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))
    return [(panel.template, panel.context(idea=idea, user=user)) for panel in ordered]
