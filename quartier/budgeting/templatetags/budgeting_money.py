"""Whole euros in the page's language: "12.500 €" in German, "€12,500" in English."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def euros(value) -> str:
    if value is None or value == "":
        return ""
    # The digits follow the active locale's grouping (USE_THOUSAND_SEPARATOR's format).
    amount = number_format(int(value), force_grouping=True, use_l10n=True)
    if (get_language() or "de").startswith("en"):
        return f"€{amount}"
    return f"{amount}\N{NO-BREAK SPACE}€"
