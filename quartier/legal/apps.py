from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "quartier.legal"
    verbose_name = _("Legal pages")

    def ready(self) -> None:
        from quartier.accounts import consent

        from .selectors import consent_documents_for_request

        consent.register_documents(consent_documents_for_request)
