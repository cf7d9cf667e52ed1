"""Who may do what with ideas. A city's idea channel is always open: it has no phases.

An idea is worked on by its team: every member co-edits it and answers its questions; its
leads also publish open roles, decide who joins, restore versions and withdraw it. An online
idea's initiator is its first lead. A paper card's idea has no team at first: the staff member
who typed it in keeps editing it, and the city's moderators decide who joins until a member
leads; the same holds for any team whose leads are gone (their accounts erased).
"""

from quartier.accounts.permissions import can_participate
from quartier.participation.permissions import can_moderate

from .models import Source
from .selectors import team_members, team_membership


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


def _open_for_work(user, idea) -> bool:
    return can_participate(user=user) and not idea.is_hidden and not idea.is_withdrawn


def _typed_in_by(user, idea) -> bool:
    """The staff member who typed in a paper card works on its idea as its author would."""
    return idea.source == Source.ANALOG and idea.author_id == user.pk


def is_team_member(*, user, idea) -> bool:
    return team_membership(idea=idea, user=user) is not None


def is_team_lead(*, user, idea) -> bool:
    membership = team_membership(idea=idea, user=user)
    return membership is not None and membership.is_lead


def team_has_lead(*, idea) -> bool:
    return any(member.is_lead for member in team_members(idea=idea))


def can_edit_idea(*, user, idea) -> bool:
    """The idea's team co-edits it while it is public and not withdrawn. Moderators hide
    content; they do not rewrite other people's texts."""
    if not _open_for_work(user, idea):
        return False
    return is_team_member(user=user, idea=idea) or _typed_in_by(user, idea)


def can_answer_for_idea(*, user, idea) -> bool:
    """Mark the idea's questions answered, its concerns addressed, its suggestions taken up:
    whoever edits the idea (its team), while it is public."""
    return can_edit_idea(user=user, idea=idea)


def can_restore_revision(*, user, idea) -> bool:
    """Bring back an earlier version (as a new one): the team's leads."""
    if not _open_for_work(user, idea):
        return False
    return is_team_lead(user=user, idea=idea) or _typed_in_by(user, idea)


def can_withdraw_idea(*, user, idea) -> bool:
    return can_restore_revision(user=user, idea=idea)


def can_lead_team(*, user, idea) -> bool:
    """Publish open roles, accept or decline requests to join, hand over the lead: the team's
    leads; for a team without a lead, the city's moderators."""
    if not _open_for_work(user, idea):
        return False
    if is_team_lead(user=user, idea=idea):
        return True
    return not team_has_lead(idea=idea) and can_moderate(user=user, city=idea.city_id)


def can_ask_to_join(*, user, idea) -> bool:
    return _open_for_work(user, idea) and not is_team_member(user=user, idea=idea)


def can_moderate_idea(*, user, idea) -> bool:
    return can_moderate(user=user, city=idea.city_id)
