from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "quartier.labs"
    verbose_name = _("Living-lab tests")

    def ready(self) -> None:
        from quartier.core import personal_data
        from quartier.ideas import lifecycle, panels

        from . import services
        from .selectors import idea_panel

        # The gates of the idea's life that tests open (ADR 0008).
        lifecycle.requirement_register(lifecycle.Stage.LIVING_LAB, services.gate_test_plan)
        lifecycle.requirement_register(lifecycle.Stage.EVALUATION, services.gate_tester_feedback)
        lifecycle.requirement_register(lifecycle.Stage.EVALUATION, services.gate_results)
        panels.register(
            panels.IdeaPanel(
                key="lab_tests", template="labs/_idea_panel.html", context=idea_panel, order=50
            )
        )
        personal_data.register(
            "living_lab_tests",
            export=services.personal_data_export,
            erase=services.personal_data_erase,
        )
