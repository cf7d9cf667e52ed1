from django import forms
from django.utils.translation import gettext_lazy as _

from .models import STATEMENT_MAX_LENGTH, StatementModeration, StatementStatus


class ConversationForm(forms.Form):
    question = forms.CharField(
        label=_("Question"),
        max_length=200,
        help_text=_("For example: What should the prize money be used for?"),
    )
    description = forms.CharField(
        label=_("Background (optional)"),
        required=False,
        max_length=3_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    seed_statements = forms.CharField(
        label=_("Seed statements, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Short statements people can agree or disagree with, at most 280 characters."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: now."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: open until closed by a moderator."),
    )
    allow_statements = forms.BooleanField(
        label=_("Participants may add statements"), required=False, initial=True
    )
    statement_moderation = forms.ChoiceField(
        label=_("New statements are"),
        choices=StatementModeration.choices,
        initial=StatementModeration.BEFORE,
    )
    allow_anonymous = forms.BooleanField(
        label=_("Allow participation without an account (pseudonym in the browser)"),
        required=False,
    )

    def clean_seed_statements(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["seed_statements"].splitlines()]
        statements = [line for line in lines if line]
        too_long = [line for line in statements if len(line) > STATEMENT_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Statement too long (at most %(max)d characters): %(text)s"),
                params={"max": STATEMENT_MAX_LENGTH, "text": too_long[0][:60] + "…"},
            )
        if len(statements) < 2:
            raise forms.ValidationError(_("Please give at least two statements."))
        return statements


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your own statement"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": STATEMENT_MAX_LENGTH}),
        help_text=_("One clear thought others can agree or disagree with. At most 280 characters."),
    )


class ModerationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *StatementStatus.choices]
    )
