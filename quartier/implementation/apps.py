from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "quartier.implementation"
    verbose_name = _("Implementation of funded projects")

    def ready(self) -> None:
        from quartier.core import personal_data

        from . import services

        personal_data.register(
            "implementation_updates",
            export=services.personal_data_updates,
            erase=services.personal_data_erase,
        )
