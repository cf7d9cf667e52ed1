from django import forms
from django.utils.translation import gettext_lazy as _

from .vocabulary import Category, EmailMode


class PreferencesForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("E-mails"), choices=EmailMode.choices, widget=forms.RadioSelect
    )
    digest_hour = forms.TypedChoiceField(
        label=_("Hour of the daily digest"),
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        coerce=int,
    )
    wanted = forms.MultipleChoiceField(
        label=_("What I am told about"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class FollowForm(forms.Form):
    topic = forms.CharField(max_length=80)
    action = forms.ChoiceField(choices=[("follow", "follow"), ("unfollow", "unfollow")])
    next = forms.CharField(max_length=500, required=False)
