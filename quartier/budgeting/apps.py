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
        _register_proposals()


def _register_proposals() -> None:
    """Proposals are reportable content, their authors personal data, and an idea's page shows
    the projects made from it and offers to propose it where a vote takes proposals."""
    from quartier.core import personal_data
    from quartier.ideas import panels
    from quartier.moderation.registry import ContentKind, register

    from . import services
    from .models import Proposal
    from .permissions import can_propose
    from .selectors import prize_money_votes_taking_proposals, proposals_on_idea

    register(
        ContentKind(
            key="proposal",
            model=Proposal,
            city_lookup="process__city",
            excerpt=lambda proposal: f"{proposal.title} – {proposal.description[:300]}",
            url=lambda proposal: (
                f"/{proposal.process.city.slug}/prize-money/{proposal.process_id}"
                f"/proposals/{proposal.pk}/"
            ),
            after_change=services.proposal_after_moderation,
        )
    )

    def idea_panel(*, idea, user) -> dict:
        public = not idea.is_hidden and not idea.is_withdrawn
        votes = prize_money_votes_taking_proposals(city=idea.city) if public else []
        return {
            "proposals": list(proposals_on_idea(idea=idea)),
            # Shown to visitors too (the link leads to the sign-in); not to unverified accounts.
            "votes": [
                vote
                for vote in votes
                if not user.is_authenticated or can_propose(user=user, process=vote)
            ],
        }

    panels.register(
        panels.IdeaPanel(
            key="prize_money_proposals",
            template="budgeting/proposals/_idea_panel.html",
            context=idea_panel,
            order=50,
        )
    )
    personal_data.register(
        "prize_money_proposals",
        export=services.personal_data_proposals,
        erase=services.personal_data_erase_proposals,
    )
