"""Form fields more than one app needs (ideas and the prize-money vote take a place)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# A plain decimal number: sign, digits, and at most one decimal point or comma. No exponent
# ("1e400" is infinity), no digit grouping ("51.513.6"), nothing a person would not type.
COORDINATE = re.compile(r"[+-]?[0-9]{1,3}(?:[.,][0-9]{1,20})?")


class CoordinateField(forms.FloatField):
    """A latitude or longitude as people type it: "51.5136" or, in German, "51,5136"."""

    # A text box, not type=number: browsers drop a number they cannot read in their own locale
    # (a German "51,5136" in an English browser) and the form would say "required".
    widget = forms.TextInput
    default_error_messages = {
        "invalid": _(
            "Enter a decimal number, for example 51.5136 or 7.4653 (a decimal comma is fine too)."
        ),
    }

    def widget_attrs(self, widget):
        # The phone keyboard with digits and a decimal separator.
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        if not COORDINATE.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return float(text.replace(",", "."))
