from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "quartier.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from quartier.core import personal_data

        from .services import consents_export

        personal_data.register("consents", export=consents_export)
