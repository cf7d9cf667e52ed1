"""Who may do what with ideas. A city's idea channel is always open: it has no phases."""

from quartier.accounts.permissions import can_participate
from quartier.participation.permissions import can_moderate


def can_submit_idea(*, user, city) -> bool:
    return can_participate(user=user)


def can_enter_analog_idea(*, user, city) -> bool:
    """Paper cards from neighbourhood events are typed in by the city's moderators."""
    return can_moderate(user=user, city=city)


def can_see_idea(*, user, idea) -> bool:
    """Hidden ideas show their reason only; an idea waiting for review is its author's."""
    if not idea.is_hidden or can_moderate(user=user, city=idea.city_id):
        return True
    own = getattr(user, "is_authenticated", False) and idea.author_id == user.pk
    return bool(idea.awaiting_review and own)


def can_comment(*, user, idea) -> bool:
    return can_participate(user=user) and not idea.is_hidden and not idea.is_withdrawn


def can_support(*, user, idea) -> bool:
    return can_participate(user=user) and not idea.is_hidden and not idea.is_withdrawn


def can_edit_idea(*, user, idea) -> bool:
    """The author edits their own idea while it is public and not withdrawn (later the idea's
    team too). Moderators hide content; they do not rewrite other people's texts."""
    if not getattr(user, "is_authenticated", False) or idea.author_id != user.pk:
        return False
    return can_participate(user=user) and not idea.is_hidden and not idea.is_withdrawn


def can_answer_for_idea(*, user, idea) -> bool:
    """Mark the idea's questions answered, its concerns addressed, its suggestions taken up:
    whoever edits the idea (its author; later its team), while it is public."""
    return can_edit_idea(user=user, idea=idea)


def can_withdraw_idea(*, user, idea) -> bool:
    return can_edit_idea(user=user, idea=idea)


def can_moderate_idea(*, user, idea) -> bool:
    return can_moderate(user=user, city=idea.city_id)
