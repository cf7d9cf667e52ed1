from quartier.accounts.permissions import can_participate
from quartier.participation.permissions import can_moderate, process_allows
from quartier.participation.vocabulary import Action

from .models import Conversation


def can_open_conversation(*, user, city, idea=None) -> bool:
    """The city's moderators open opinion maps on any question; an idea's author on the idea
    while it is public (a map on a hidden idea would publish it again)."""
    if can_moderate(user=user, city=city):
        return True
    return (
        idea is not None
        and not idea.is_hidden
        and can_participate(user=user)
        and idea.author_id == user.pk
    )


def can_moderate_conversation(*, user, conversation: Conversation) -> bool:
    if can_moderate(user=user, city=conversation.city_id):
        return True
    return can_participate(user=user) and conversation.created_by_id == user.pk


def can_join_conversation(*, user, conversation: Conversation) -> bool:
    """Verified accounts always; people without an account only where the opener allows it."""
    return can_participate(user=user) or conversation.allow_anonymous


def can_vote_in_conversation(*, user, conversation: Conversation) -> bool:
    return can_join_conversation(user=user, conversation=conversation) and process_allows(
        process=conversation.process, action=Action.VOTE
    )


def can_view_conversation_results(*, user, conversation: Conversation) -> bool:
    """Results are public from the start of voting on; before that only its moderators look."""
    if process_allows(process=conversation.process, action=Action.SHOW_RESULTS):
        return True
    return can_moderate_conversation(user=user, conversation=conversation)
