from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "quartier.participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from quartier.core import personal_data

        from . import services

        personal_data.register(
            "city_roles", export=services.personal_data_roles, erase=services.personal_data_erase
        )
        personal_data.register("processes_created", export=services.personal_data_processes)
