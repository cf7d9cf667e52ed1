from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CityRole


class RoleGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the account"),
        help_text=_("The person needs an account on this platform already."),
    )
    # No preselected role: granting "City administrator" by accident must not be one click away.
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("Choose a role")), *CityRole.Role.choices]
    )
