from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "quartier.budgeting"
    verbose_name = _("Prize-money vote")

    def ready(self) -> None:
        from django.urls import reverse

        from quartier.participation import links
        from quartier.participation.vocabulary import ProcessKind

        def overview_url(*, process) -> str:
            # The city's process list links a vote to its overview page (no query per row).
            return reverse(
                "budget_overview", kwargs={"city_slug": process.city.slug, "process_id": process.pk}
            )

        links.register(ProcessKind.PRIZE_MONEY, overview_url)
