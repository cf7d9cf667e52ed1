from django import forms
from django.utils.translation import gettext_lazy as _

from .vocabulary import EntryKind


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("What happened?"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown publicly with today's date. Markdown: **bold**, lists with -."),
    )
    progress = forms.IntegerField(
        label=_("Progress (%) (optional)"), min_value=0, max_value=100, required=False
    )
    image = forms.FileField(label=_("Photo (optional)"), required=False)
    alt_text = forms.CharField(
        label=_("What the photo shows (for people who cannot see it)"),
        max_length=200,
        required=False,
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(
        label=_("Planned for (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MilestoneReachedForm(forms.Form):
    done_on = forms.DateField(label=_("Reached on"), widget=forms.DateInput(attrs={"type": "date"}))


class LedgerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    amount = forms.IntegerField(label=_("Amount (EUR)"), min_value=1, max_value=10**12)
    booked_on = forms.DateField(
        label=_("Booked on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("What for"), max_length=300)
