from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InnovatorType


class ProfileSignupForm(forms.Form):
    """Extra fields on allauth's signup form: the public name and the innovator type."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("Shown publicly next to your ideas and comments. A pseudonym is fine."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    innovator_type = forms.ChoiceField(
        label=_("I take part as"), choices=InnovatorType.choices, initial=InnovatorType.RESIDENT
    )

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.innovator_type = self.cleaned_data["innovator_type"]
        user.save(update_fields=["display_name", "innovator_type"])


class ProfileForm(forms.Form):
    display_name = ProfileSignupForm.base_fields["display_name"]
    innovator_type = ProfileSignupForm.base_fields["innovator_type"]
