"""Money in the active language: "12.500 €" in German, "€12,500" in English."""

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


@register.filter
def euros(value) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    text = formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    if (get_language() or "de").startswith("en"):
        return f"€{text}"
    return f"{text}\N{NO-BREAK SPACE}€"
