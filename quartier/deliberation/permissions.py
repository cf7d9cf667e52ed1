from quartier.accounts.permissions import can_moderate, can_participate
from quartier.ideas.models import Idea

from .models import Conversation


def can_open_conversation(*, user, idea: Idea | None = None) -> bool:
    """Staff open opinion maps on any question; an idea's author opens one on the idea."""
    if can_moderate(user=user):
        return True
    return idea is not None and can_participate(user=user) and idea.author_id == user.pk


def can_moderate_conversation(*, user, conversation: Conversation) -> bool:
    if can_moderate(user=user):
        return True
    return can_participate(user=user) and conversation.created_by_id == user.pk


def can_join_conversation(*, user, conversation: Conversation) -> bool:
    """Verified accounts always; people without an account only where the opener allows it."""
    return can_participate(user=user) or conversation.allow_anonymous
