"""Forms of the results area: a paper ballot, the CSV import, a receipt."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services import PAPER_CSV_MAX_BYTES
from ..vocabulary import BallotKind


class PaperBallotForm(forms.Form):
    """One sheet: its number, its pot, the projects marked on it and the code, if printed."""

    number = forms.CharField(label=_("Sheet number"), max_length=40)
    pot = forms.TypedChoiceField(label=_("Pot"), coerce=int)
    code = forms.CharField(
        label=_("Voting code on the sheet (if any)"),
        max_length=40,
        required=False,
        help_text=_("Leave empty when the sheet carries no code."),
    )

    def __init__(self, *args, pots, proposals, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        pot_field = self.fields["pot"]
        assert isinstance(pot_field, forms.TypedChoiceField)
        pot_field.choices = [(pot.pk, pot.name) for pot in pots]
        self.cumulative = kind == BallotKind.CUMULATIVE
        self.project_fields = []
        for proposal in proposals:
            name = f"p{proposal.pk}"
            label = f"{proposal.title} ({proposal.pot.name})"
            if self.cumulative:
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=0, max_value=1_000, required=False
                )
            else:
                self.fields[name] = forms.BooleanField(label=label, required=False)
            self.project_fields.append((proposal, name))

    def choices(self) -> list[tuple[int, int]]:
        picked = []
        for proposal, name in self.project_fields:
            value = self.cleaned_data.get(name)
            if self.cumulative and value:
                picked.append((proposal.pk, int(value)))
            elif not self.cumulative and value:
                picked.append((proposal.pk, 1))
        return picked

    def project_bound_fields(self):
        return [self[name] for _proposal, name in self.project_fields]


class PaperImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file (UTF-8, separated by semicolons)"),
        help_text=_("At most 1 MB and 5,000 lines: sheet;pot;choices;code."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > PAPER_CSV_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB; please split it."))
        return upload


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=40,
        help_text=_("The 16 characters you were shown after voting, e.g. 7K3M-Q9TX-WB2D-E5HR."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
