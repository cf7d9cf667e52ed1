from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "quartier.deliberation"
    verbose_name = _("Opinion maps")

    def ready(self) -> None:
        from django.db.models import Prefetch, Q

        from quartier.core import personal_data
        from quartier.ideas import panels
        from quartier.moderation.registry import ContentKind, register
        from quartier.participation import links
        from quartier.participation.vocabulary import ProcessKind

        from . import services
        from .models import Conversation, Statement, StatementStatus
        from .permissions import can_open_conversation
        from .selectors import conversations_on_idea

        register(
            ContentKind(
                key="statement",
                model=Statement,
                city_lookup="conversation__city",
                excerpt=lambda statement: statement.text,
                url=lambda statement: (
                    f"/{statement.conversation.city.slug}/opinion-maps/{statement.conversation_id}/"
                ),
                set_visibility=services.statement_set_visibility,
                # Waiting or moderated out: either way not public (and not reportable).
                is_hidden=lambda statement: statement.status != StatementStatus.ACCEPTED,
                pending=Q(status=StatementStatus.PENDING),
            )
        )
        panels.register(
            panels.IdeaPanel(
                key="opinion_maps",
                template="deliberation/_idea_panel.html",
                context=lambda *, idea, user: {
                    "conversations": conversations_on_idea(idea=idea),
                    "can_open": can_open_conversation(user=user, city=idea.city, idea=idea),
                },
            )
        )

        def conversation_url(*, process):
            # Prefetched with the processes by the process selectors (prefetch= below).
            conversation = getattr(process, "conversation", None)
            if conversation is None:
                return None
            return f"/{process.city.slug}/opinion-maps/{conversation.pk}/"

        links.register(
            ProcessKind.OPINION_MAP,
            conversation_url,
            prefetch=lambda: Prefetch(
                "conversation", queryset=Conversation.objects.only("pk", "process_id")
            ),
        )
        personal_data.register(
            "opinion_maps",
            export=services.personal_data_participations,
            erase=services.personal_data_erase,
        )
        personal_data.register("opinion_maps_opened", export=services.personal_data_opened)
