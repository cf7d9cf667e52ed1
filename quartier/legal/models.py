from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalKind(models.TextChoices):
    """The pages a German platform must publish; the values are the URLs' (German) slugs."""

    IMPRINT = "impressum", _("Imprint")
    PRIVACY = "datenschutz", _("Privacy notice")
    TERMS = "nutzungsbedingungen", _("Terms of use")
    ACCESSIBILITY = "barrierefreiheit", _("Accessibility statement")


# The texts a person agrees to when signing up; a new version of either asks again.
CONSENT_KINDS = (LegalKind.TERMS, LegalKind.PRIVACY)


class LegalPage(models.Model):
    """The current text of one of a city's legal pages; every edit is in the audit log."""

    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="legal_pages")
    kind = models.CharField(_("page"), max_length=30, choices=LegalKind.choices)
    # Bumped by every change of the text: consent is given to one version.
    version = models.PositiveIntegerField(_("version"), default=1)
    text = models.TextField(_("text (Markdown)"))
    contact_email = models.EmailField(
        _("contact for feedback"),
        blank=True,
        help_text=_("Accessibility statement: where people report barriers (BITV 2.0)."),
    )
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        constraints = [
            models.UniqueConstraint(fields=["city", "kind"], name="legal_page_one_per_city_kind")
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.kind} v{self.version}"
