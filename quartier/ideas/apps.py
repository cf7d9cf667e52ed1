from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "quartier.ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        from quartier.core import personal_data
        from quartier.moderation.registry import ContentKind, register

        from . import services, teams
        from .models import Comment, Idea

        register(
            ContentKind(
                key="idea",
                model=Idea,
                city_lookup="city",
                excerpt=lambda idea: f"{idea.title} – {idea.summary}",
                url=lambda idea: f"/{idea.city.slug}/ideas/{idea.pk}/",
                after_change=services.idea_after_moderation,
            )
        )
        register(
            ContentKind(
                key="comment",
                model=Comment,
                city_lookup="idea__city",
                excerpt=lambda comment: comment.body,
                url=lambda comment: (
                    f"/{comment.idea.city.slug}/ideas/{comment.idea_id}/#comment-{comment.pk}"
                ),
                after_change=services.comment_after_moderation,
                # A comment under a hidden idea is as hidden as the idea.
                is_hidden=lambda comment: (
                    comment.hidden_at is not None or comment.idea.hidden_at is not None
                ),
            )
        )
        personal_data.register(
            "ideas", export=services.personal_data_ideas, erase=services.personal_data_erase
        )
        personal_data.register("idea_revisions", export=services.personal_data_idea_revisions)
        personal_data.register("comments", export=services.personal_data_comments)
        personal_data.register("supports", export=services.personal_data_supports)
        personal_data.register(
            "teams", export=teams.personal_data_team, erase=teams.personal_data_erase_team
        )
