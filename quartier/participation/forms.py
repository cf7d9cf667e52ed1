from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CityRole


class RoleGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the account"),
        help_text=_("The person needs an account on this platform already."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=CityRole.Role.choices)
