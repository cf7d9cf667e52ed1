from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.core.text import TextRefused, display_name_check, text_check

from . import consent, services
from .models import InnovatorType, User


def _display_name_allowed(value: str) -> None:
    try:
        display_name_check(value.strip())
    except TextRefused as error:
        raise forms.ValidationError(error.message) from error


def _about_allowed(value: str) -> None:
    try:
        text_check(value.strip(), field=str(_("About me")))
    except TextRefused as error:
        raise forms.ValidationError(error.message) from error


class ProfileSignupForm(forms.Form):
    """Extra fields on allauth's signup form: the public name, the innovator type and the
    consent to the city's terms of use and privacy notice (recorded with their versions)."""

    # allauth orders its subclass by this: the consent last, right before the button.
    field_order = [
        "email", "password1", "password2", "display_name", "innovator_type",
        "accept_terms", "accept_privacy",
    ]  # fmt: skip

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("Shown publicly next to your ideas and comments. A pseudonym is fine."),
        validators=[_display_name_allowed],
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    innovator_type = forms.ChoiceField(
        label=_("I take part as"), choices=InnovatorType.choices, initial=InnovatorType.RESIDENT
    )
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of use."),
        error_messages={"required": _("Please accept the terms of use to register.")},
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        error_messages={"required": _("Please agree to the privacy notice to register.")},
    )

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.innovator_type = self.cleaned_data["innovator_type"]
        user.save(update_fields=["display_name", "innovator_type"])
        # Both boxes are required fields: reaching here means both were ticked.
        city, documents = consent.documents_for_request(request)
        if city is not None and documents:
            services.consent_record(user=user, city=city, documents=documents)


class ProfileForm(forms.Form):
    display_name = ProfileSignupForm.base_fields["display_name"]
    innovator_type = ProfileSignupForm.base_fields["innovator_type"]
    profile_public = forms.BooleanField(
        label=User._meta.get_field("profile_public").verbose_name,
        help_text=User._meta.get_field("profile_public").help_text,
        required=False,
    )
    profile_about = forms.CharField(
        label=User._meta.get_field("profile_about").verbose_name,
        max_length=300,
        required=False,
        validators=[_about_allowed],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    profile_shows_ideas = forms.BooleanField(
        label=User._meta.get_field("profile_shows_ideas").verbose_name, required=False
    )
    profile_shows_teams = forms.BooleanField(
        label=User._meta.get_field("profile_shows_teams").verbose_name, required=False
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
