from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "quartier.moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from quartier.core import personal_data

        from .services import personal_data_erase, personal_data_export

        personal_data.register("reports", export=personal_data_export, erase=personal_data_erase)
