"""Ideas render Markdown with the shared renderer in core (legal pages use it too)."""

from quartier.core.markdown import render_markdown

__all__ = ["render_markdown"]
