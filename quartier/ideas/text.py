"""Text typed by people, checked once for every field of ideas and their teams."""

from django.utils.translation import gettext as _

from quartier.core.text import text_check

from .errors import IdeaError


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Stripped of NUL bytes and surrounding space; refused when empty (if required) or too
    long, with the field named in the message."""
    text = text_check((value or "").replace("\x00", "").strip(), field=field)
    if required and not text:
        raise IdeaError(_("%(field)s must not be empty.") % {"field": field})
    if len(text) > max_length:
        raise IdeaError(
            _("%(field)s is too long (%(length)d characters; at most %(max)d).")
            % {"field": field, "length": len(text), "max": max_length}
        )
    return text
