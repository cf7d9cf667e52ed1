"""Forms of the vote: the voting code, the declaration of an account, the receipt, the ballot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.cities.models import District

from .vocabulary import BallotKind

# A typed code is 16 symbols, grouped as printed; room for spaces and hyphens around them.
CODE_MAX_LENGTH = 40


def _code_widget() -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "autocorrect": "off",
            "placeholder": "XXXX-XXXX-XXXX-XXXX",
        }
    )


class CodeForm(forms.Form):
    elsewhere_url = ""  # set when the code belongs to another vote: a link to it
    code = forms.CharField(
        label=gettext_lazy("Your voting code"),
        help_text=gettext_lazy(
            "16 characters as printed in your letter, e.g. 7K3M-Q9TX-WB2D-E5HR; capitals or "
            "small letters, with or without hyphens."
        ),
        max_length=CODE_MAX_LENGTH,
        required=False,  # an empty code gets the service's own message
        widget=_code_widget(),
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=gettext_lazy("Your receipt"),
        help_text=gettext_lazy("The 16 characters you received when you voted."),
        max_length=CODE_MAX_LENGTH,
        widget=_code_widget(),
    )


class DeclarationForm(forms.Form):
    """A verified account declares that it may vote; the district decides the district pot."""

    district = forms.ModelChoiceField(
        label=gettext_lazy("The district you live in"),
        queryset=District.objects.none(),
        required=False,
        empty_label=gettext_lazy("(choose)"),
    )
    declaration = forms.BooleanField(label="", required=True)

    def __init__(self, *args, city, statement: str, district_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.statement = statement
        self.fields["declaration"].label = statement
        self.fields["declaration"].error_messages["required"] = _(
            "Please confirm the declaration to vote."
        )
        districts = District.objects.filter(city=city).order_by("name")
        district = self.fields["district"]
        assert isinstance(district, forms.ModelChoiceField)
        district.queryset = districts
        self.fields["district"].required = district_required
        if district_required:
            self.fields["district"].error_messages["required"] = _(
                "Please choose the district you live in."
            )
        else:
            self.fields["district"].help_text = _(
                "Optional: with it you can also vote for your district's projects."
            )


# --- The ballot -------------------------------------------------------------------------------


def field_name(pot_id: int, proposal_id: int | None = None) -> str:
    """``pot-3`` (the checkboxes of pot 3) or ``pot-3-17`` (the points for project 17)."""
    return f"pot-{pot_id}" if proposal_id is None else f"pot-{pot_id}-{proposal_id}"


@dataclass
class ParsedBallot:
    choices: dict[int, list[tuple[int, int]]]  # pot id -> [(proposal id, points)]
    problems: dict[int, list[str]]  # pot id -> what could not be read


def ballot_from_post(
    data: Mapping, *, kind: str, pots: Sequence, projects: Mapping[int, Sequence[int]]
) -> ParsedBallot:
    """The choices in a submitted ballot form, pot by pot; the service checks the rules.

    Checkboxes carry proposal ids (anything else is "not on this ballot", said by the
    service); points are whole numbers, an empty or 0 field meaning "not chosen"."""
    choices: dict[int, list[tuple[int, int]]] = {}
    problems: dict[int, list[str]] = {}
    for pot in pots:
        chosen: list[tuple[int, int]] = []
        if kind == BallotKind.CUMULATIVE:
            for proposal_id in projects.get(pot.pk, ()):
                raw = str(data.get(field_name(pot.pk, proposal_id), "")).strip()
                if raw in ("", "0"):
                    continue
                if not raw.isdigit() or len(raw) > 6:
                    problems.setdefault(pot.pk, []).append(_("Points are whole numbers, e.g. 3."))
                    continue
                chosen.append((proposal_id, int(raw)))
        else:
            getlist = getattr(data, "getlist", None)
            values = getlist(field_name(pot.pk)) if getlist else data.get(field_name(pot.pk), [])
            for value in values:
                value = str(value).strip()
                # An id that is no number is no project of this ballot either: -1 is refused
                # by the service as "not on this ballot".
                chosen.append((int(value) if value.isdigit() and len(value) < 12 else -1, 1))
        choices[pot.pk] = chosen
    return ParsedBallot(choices=choices, problems=problems)


def ballot_as_hidden_fields(
    choices: Mapping[int, Sequence[tuple[int, int]]], *, kind: str
) -> list[tuple[str, str]]:
    """The choices as (name, value) pairs, to carry them through the confirmation step."""
    fields = []
    for pot_id, chosen in choices.items():
        for proposal_id, points in chosen:
            if kind == BallotKind.CUMULATIVE:
                fields.append((field_name(pot_id, proposal_id), str(points)))
            else:
                fields.append((field_name(pot_id), str(proposal_id)))
    return fields
