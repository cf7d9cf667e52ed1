"""Forms of the proposals area: propose, filter the list, review and merge."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.core.form_fields import CoordinateField

from .templatetags.budgeting_money import euros
from .vocabulary import ProposalStatus

# An amount of money as people type it, in German or in English, read as whole euros:
#   "12500", "12.500", "12 500", "12,500" (digit groups of three: a thousands separator),
#   "12.500,00", "12,500.00", "12500,-" (cents that are zero), "12.500 €", "EUR 12500".
# Refused, with a message that says why: cents that are not zero ("12,5" and "12,50" are
# twelve and a half euros in German, not twelve thousand five hundred), groups of another size
# ("1.25.000", "1000.000": no reading is sure), mixed or repeated decimal marks, signs,
# exponents, letters and amounts beyond any pot.
_CURRENCY = re.compile(r"^(?:€|eur(?:o)?)\s*|\s*(?:€|eur(?:o)?)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_GROUPED = {
    sep: re.compile(rf"[1-9][0-9]{{0,2}}(?:{re.escape(sep)}[0-9]{{3}})+")
    for sep in (".", ",", " ", "'")
}
_PLAIN = re.compile(r"[0-9]+")
_CENTS = re.compile(r"(?P<whole>.+?)(?P<mark>[.,])(?P<cents>[0-9]{1,2}|-{1,2})")
MONEY_MAX = 10**12  # beyond any pot; keeps the number an integer the database can hold


class MoneyField(forms.IntegerField):
    """Whole euros typed as a person types them (see above); never a float."""

    # A text box with a digit keyboard: type=number would drop "12.500" in a German browser.
    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter an amount in whole euros, for example 12500 or 12.500."),
        "cents": _(
            "Please give whole euros without cents: %(typed)s is not a whole amount. "
            "For twelve thousand five hundred euros type 12500 or 12.500."
        ),
    }

    def __init__(self, *, min_value: int = 1, max_value: int = MONEY_MAX, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # IntegerField adds min/max/step for number inputs only; a text box needs none.
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        return {**attrs, "inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        typed = str(value).strip()
        if not typed:
            return None
        amount = money_parse(typed)
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if amount == "cents":
            raise forms.ValidationError(
                self.error_messages["cents"], code="cents", params={"typed": typed}
            )
        return amount


def money_parse(typed: str) -> int | str | None:
    """Whole euros from ``typed``; "cents" when it has cents that are not zero; else None."""
    text = _CURRENCY.sub("", typed.strip()).strip()
    if not text or len(text) > 40:
        return None
    text = _SPACES.sub(" ", text)
    whole, cents = text, ""
    match = _CENTS.fullmatch(text)
    if match is not None:
        whole, mark, cents = match["whole"], match["mark"], match["cents"]
        if mark in whole:
            return None  # "12.500.00", "1,2,50": the decimal mark used again as a group mark
    whole = whole.strip()
    if _PLAIN.fullmatch(whole):
        if len(whole) > 1 and whole.startswith("0"):
            return None
    elif not any(pattern.fullmatch(whole) for pattern in _GROUPED.values()):
        return None
    if cents.strip("0-"):
        return "cents"
    amount = int(re.sub(r"[^0-9]", "", whole))
    return amount if amount <= MONEY_MAX else None


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A few words that say what the project is."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What should be done, where, for whom, and what is needed? "
            "You can use Markdown: **bold**, *italic*, lists with -."
        ),
    )
    estimate = MoneyField(
        label=_("Cost estimate in euros"),
        help_text=_(
            "Your best guess of the whole cost, in whole euros, for example 12500 or 12.500. "
            "The administration checks it."
        ),
    )
    pot = forms.TypedChoiceField(label=_("Pot"), coerce=int)
    lat = CoordinateField(
        label=_("Latitude (optional)"), min_value=-90, max_value=90, required=False
    )
    lon = CoordinateField(
        label=_("Longitude (optional)"), min_value=-180, max_value=180, required=False
    )
    idea = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1
    )

    def __init__(self, *args, pots, **kwargs):
        super().__init__(*args, **kwargs)
        self.pots = {pot.pk: pot for pot in pots}
        self.fields["pot"].choices = [  # type: ignore[attr-defined]
            (pk, _pot_label(pot)) for pk, pot in self.pots.items()
        ]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None) and not self.errors:
            raise forms.ValidationError(
                _("Give both latitude and longitude, or neither."), code="place"
            )
        return data


def _pot_label(pot) -> str:
    return f"{pot.name} ({euros(pot.amount)})"


class ProposalFilterForm(forms.Form):
    """The list's query string; unknown values get a message (400) instead of a 500."""

    pot = forms.TypedChoiceField(label=_("Pot"), required=False, coerce=int, empty_value=None)
    district = forms.ChoiceField(label=_("District"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ProposalStatus.choices],
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=1_000_000)

    def __init__(self, *args, pots, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.pots = {pot.pk: pot for pot in pots}
        self.districts = {district.slug: district for district in districts}
        self.fields["pot"].choices = [  # type: ignore[attr-defined]
            ("", _("All pots")),
            *((pk, pot.name) for pk, pot in self.pots.items()),
        ]
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("All districts")),
            *((slug, district.name) for slug, district in self.districts.items()),
        ]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound else {}
        return {
            "pot": self.pots.get(data.get("pot")) if data.get("pot") else None,
            "district": self.districts.get(data.get("district") or ""),
            "status": data.get("status") or None,
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("feasible", _("Feasible: it goes on the ballot")),
            ("infeasible", _("Not feasible")),
        ],
    )
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown with the proposal. Required when it is not feasible."),
    )
    cost = MoneyField(
        label=_("The administration's cost in euros (optional)"),
        required=False,
        help_text=_("Replaces the estimate on the ballot. Leave empty to keep the estimate."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "infeasible" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please say publicly why the proposal is not feasible."))
        return data


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(label=_("Merge into"), coerce=int)
    merge_reason = forms.CharField(
        label=_("Public reason for the merge"),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.others = {proposal.pk: proposal for proposal in others}
        self.fields["into"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a proposal")),
            *(
                (pk, f"{proposal.title} ({proposal.pot.name})")
                for pk, proposal in self.others.items()
            ),
        ]
