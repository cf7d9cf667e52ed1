"""Profile changes and the GDPR rights: export what we hold, erase the person."""

from django.db import transaction
from django.db.models import F

from .models import User


def profile_update(*, user: User, display_name: str, innovator_type: str) -> User:
    user.display_name = display_name.strip()[:60]
    user.innovator_type = innovator_type
    user.save(update_fields=["display_name", "innovator_type"])
    return user


def profile_export(*, user: User) -> dict:
    """Everything stored about this person, as one JSON-ready document."""
    from quartier.deliberation.models import Participant

    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "innovator_type": user.innovator_type,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "ideas": [
            {
                "id": idea.pk,
                "city": idea.city.slug,
                "title": idea.title,
                "summary": idea.summary,
                "description": idea.description,
                "created_at": idea.created_at.isoformat(),
            }
            for idea in user.ideas.select_related("city")
        ],
        "comments": [
            {"id": comment.pk, "idea": comment.idea_id, "body": comment.body,
             "created_at": comment.created_at.isoformat()}
            for comment in user.comments.all()
        ],
        "supports": [support.idea_id for support in user.supports.all()],
        "reports": [
            {"idea": report.idea_id, "comment": report.comment_id, "reason": report.reason,
             "details": report.details, "created_at": report.created_at.isoformat()}
            for report in user.reports.all()
        ],
        "opinion_maps": [
            {"conversation": participant.conversation_id,
             "question": participant.conversation.question,
             "votes": [{"statement": vote.statement.text, "choice": vote.choice,
                        "at": vote.updated_at.isoformat()} for vote in participant.votes.all()],
             "statements": [statement.text for statement in participant.statements.all()]}
            for participant in Participant.objects.filter(user=user)
            .select_related("conversation")
            .prefetch_related("votes__statement", "statements")
        ],
    }  # fmt: skip


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Delete the account. Ideas and comments stay for the public record, without the person."""
    from quartier.ideas.models import Idea, Support

    # Support counters must stay true after the person's supports disappear with the account.
    for idea_id in Support.objects.filter(user=user).values_list("idea_id", flat=True):
        Idea.objects.filter(pk=idea_id, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
    user.delete()
