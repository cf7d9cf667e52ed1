from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "quartier.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from quartier.core import personal_data

        from . import services

        personal_data.register(
            "notifications",
            export=services.personal_data_export,
            erase=services.personal_data_erase,
        )
