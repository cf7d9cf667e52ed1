from django import forms
from django.utils.translation import gettext_lazy as _

from .services import TEXT_MAX_LENGTH


class LegalPageForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_("Markdown: ## for headings, * for lists, [text](https://…) for links."),
    )
    contact_email = forms.EmailField(
        label=_("Contact for feedback"),
        required=False,
        help_text=_("Accessibility statement: where people report barriers (BITV 2.0)."),
    )


class ConsentForm(forms.Form):
    """Asked again when a city publishes a new version of its terms or privacy notice."""

    accept = forms.BooleanField(
        label=_("I accept the new version of these texts."),
        error_messages={"required": _("Please accept the new texts to continue.")},
    )
