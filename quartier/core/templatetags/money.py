"""Money in the page's language: "12.500 €" in German, "€12,500" in English.

The one ``euros`` filter of every app ({% load money %}); the digits follow the active locale's
grouping, cents appear only when there are any.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


@register.filter
def euros(value) -> str:
    if value is None or value == "":
        return ""
    try:
        if isinstance(value, Fraction) or (isinstance(value, str) and "/" in value):
            # Exact shares of a payment ("54180000/2257511"), shown to the cent.
            exact = Fraction(value)
            amount = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        else:
            amount = Decimal(str(value))
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return ""
    places = 0 if amount == amount.to_integral_value() else 2
    text = formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    if amount < 0:
        text = "−" + text.lstrip("-")  # a real minus sign
    if (get_language() or "de").startswith("en"):
        return f"€{text}" if amount >= 0 else f"−€{text[1:]}"
    return f"{text}\N{NO-BREAK SPACE}€"
