"""Every write on an idea's team goes through one of these functions.

A team always keeps a lead while it has members: the last lead cannot leave or step down
without handing over first (they may leave when they are the only member). Two leads
answering the same request at once cannot make two members: the request row is locked and
answered once.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.core.errors import PermissionDenied
from quartier.core.rate_limits import rate_limit_check
from quartier.notifications import services as notifications
from quartier.notifications.vocabulary import Category

from .errors import IdeaError
from .models import Idea, JoinRequest, JoinStatus, OpenRole, TeamMember
from .permissions import can_ask_to_join, can_lead_team
from .selectors import team_forget, team_members
from .text import clean_text

# A team's open roles at once, and a person's requests waiting at once: enough for real work,
# too few to flood leads or the database.
OPEN_ROLES_MAX = 20
PENDING_REQUESTS_MAX = 20


class TeamError(IdeaError):
    pass


def _require_lead(user: User, idea: Idea) -> None:
    if not can_lead_team(user=user, idea=idea):
        raise PermissionDenied(_("Only the team's leads can do this while the idea is public."))


def open_role_publish(
    *, idea: Idea, actor: User, title: str, skills: str = "", description: str = ""
) -> OpenRole:
    """A lead publishes a role the team is looking for."""
    _require_lead(actor, idea)
    title = clean_text(title, field=_("Role"), max_length=80)
    skills = clean_text(skills, field=_("Skills wanted"), max_length=200, required=False)
    description = clean_text(
        description, field=_("What the role does"), max_length=1_000, required=False
    )
    rate_limit_check(action="open_role", actor_id=actor.pk, limit=30, period_seconds=3600)
    with transaction.atomic():
        Idea.objects.select_for_update().filter(pk=idea.pk).first()  # one count at a time
        if OpenRole.objects.filter(idea=idea, closed_at__isnull=True).count() >= OPEN_ROLES_MAX:
            raise TeamError(
                _("A team can look for at most %(count)d roles at once: close one first.")
                % {"count": OPEN_ROLES_MAX}
            )
        return OpenRole.objects.create(
            idea=idea, title=title, skills=skills, description=description, created_by=actor
        )


def open_role_close(*, role: OpenRole, actor: User) -> OpenRole:
    """Filled or no longer needed. Requests for it that wait stay, as requests in general."""
    _require_lead(actor, role.idea)
    OpenRole.objects.filter(pk=role.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    role.refresh_from_db(fields=["closed_at"])
    return role


def join_ask(
    *, idea: Idea, user: User, role: OpenRole | None = None, message: str = ""
) -> JoinRequest:
    """Ask to join the team, for one of its open roles or in general."""
    if not can_ask_to_join(user=user, idea=idea):
        if idea.is_hidden or idea.is_withdrawn:
            raise PermissionDenied(_("This idea takes no new team members."))
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))
    if role is not None and (role.idea_id != idea.pk or not role.is_open):
        raise TeamError(_("The team is no longer looking for this role."))
    message = clean_text(message, field=_("Message"), max_length=1_000, required=False)
    rate_limit_check(action="join_ask", actor_id=user.pk, limit=30, period_seconds=3600)
    pending = JoinRequest.objects.filter(user=user, status=JoinStatus.PENDING)
    if pending.filter(idea=idea).exists():
        raise TeamError(_("You have asked to join this team already; the leads will answer."))
    if pending.count() >= PENDING_REQUESTS_MAX:
        raise TeamError(
            _("You have %(count)d requests waiting for an answer: wait for some, or withdraw one.")
            % {"count": PENDING_REQUESTS_MAX}
        )
    try:
        with transaction.atomic():
            asked = JoinRequest.objects.create(idea=idea, user=user, role=role, message=message)
            notifications.announce(
                city=idea.city,
                event="join_request",
                category=Category.TEAM,
                title=idea.title,
                url=f"/{idea.city.slug}/ideas/{idea.pk}/team/#requests",
                users=[m.user_id for m in team_members(idea=idea) if m.is_lead],
            )
            return asked
    except IntegrityError as error:  # the same request sent twice at once
        raise TeamError(
            _("You have asked to join this team already; the leads will answer.")
        ) from error


def join_withdraw(*, request: JoinRequest, user: User) -> None:
    if request.user_id != user.pk:
        raise PermissionDenied(_("This is not your request."))
    updated = JoinRequest.objects.filter(pk=request.pk, status=JoinStatus.PENDING).update(
        status=JoinStatus.WITHDRAWN, decided_at=timezone.now()
    )
    if not updated:
        raise TeamError(_("This request has been answered already."))


def join_decide(*, request: JoinRequest, actor: User, accept: bool) -> JoinRequest:
    """A lead accepts (the person joins, with the role they asked for) or declines."""
    idea = request.idea
    _require_lead(actor, idea)
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().filter(pk=request.pk).first()
        if locked is None or locked.status != JoinStatus.PENDING:
            raise TeamError(_("This request has been answered already."))
        locked.status = JoinStatus.ACCEPTED if accept else JoinStatus.DECLINED
        locked.decided_at, locked.decided_by = timezone.now(), actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        if accept:
            role = locked.role
            TeamMember.objects.get_or_create(
                idea=idea,
                user_id=locked.user_id,
                defaults={"contribution": role.title if role is not None else ""},
            )
            notifications.follow(user=locked.user, city=idea.city, topic=f"idea:{idea.pk}")
        notifications.announce(
            city=idea.city,
            event="join_accepted" if accept else "join_declined",
            category=Category.TEAM,
            title=idea.title,
            url=f"/{idea.city.slug}/ideas/{idea.pk}/team/",
            users=[locked.user_id],
        )
        team_forget(idea)
    return locked


def _member(idea: Idea, member_id: int) -> TeamMember:
    member = TeamMember.objects.select_for_update().filter(pk=member_id, idea=idea).first()
    if member is None:
        raise TeamError(_("This person is not in the team (any more)."))
    return member


def _leads_left(idea: Idea, *, without: TeamMember) -> int:
    return TeamMember.objects.filter(idea=idea, is_lead=True).exclude(pk=without.pk).count()


def member_make_lead(*, idea: Idea, member_id: int, actor: User) -> TeamMember:
    """A lead makes another member a lead too (a team may have several)."""
    _require_lead(actor, idea)
    with transaction.atomic():
        member = _member(idea, member_id)
        member.is_lead = True
        member.save(update_fields=["is_lead"])
        team_forget(idea)
    return member


def member_step_down(*, idea: Idea, user: User) -> TeamMember:
    """A lead becomes a plain member; another lead must remain."""
    with transaction.atomic():
        _lock_team(idea)
        member = TeamMember.objects.filter(idea=idea, user=user, is_lead=True).first()
        if member is None:
            raise TeamError(_("You are not a lead of this team."))
        if not _leads_left(idea, without=member):
            raise TeamError(_("You are the team's last lead: make another member a lead first."))
        member.is_lead = False
        member.save(update_fields=["is_lead"])
        team_forget(idea)
    return member


def member_leave(*, idea: Idea, user: User) -> None:
    """A member leaves the team. The last lead of a team with other members hands over first."""
    with transaction.atomic():
        _lock_team(idea)
        member = TeamMember.objects.filter(idea=idea, user=user).first()
        if member is None:
            raise TeamError(_("You are not in this team."))
        others = TeamMember.objects.filter(idea=idea).exclude(pk=member.pk).exists()
        if member.is_lead and others and not _leads_left(idea, without=member):
            raise TeamError(
                _("You are the team's last lead: make another member a lead before you leave.")
            )
        member.delete()
        team_forget(idea)


def member_remove(*, idea: Idea, member_id: int, actor: User) -> None:
    """A lead takes a member who is not a lead out of the team."""
    _require_lead(actor, idea)
    with transaction.atomic():
        member = _member(idea, member_id)
        if member.is_lead:
            raise TeamError(_("A lead leaves the team themselves; nobody removes them."))
        member.delete()
        team_forget(idea)


def member_describe(*, idea: Idea, member_id: int, actor: User, contribution: str) -> TeamMember:
    """What a member does in the team ("Grafik"): set by a lead, or by the member."""
    with transaction.atomic():
        member = _member(idea, member_id)
        if member.user_id != actor.pk:
            _require_lead(actor, idea)
        member.contribution = clean_text(
            contribution, field=_("Role in the team"), max_length=80, required=False
        )
        member.save(update_fields=["contribution"])
        team_forget(idea)
    return member


def _lock_team(idea: Idea) -> None:
    # Leaving and stepping down count the leads that remain: one change to a team at a time.
    Idea.objects.select_for_update().filter(pk=idea.pk).first()


def team_move(*, source: Idea, target: Idea) -> None:
    """A merge: the source's members join the target (a member of both stays once, and keeps
    being a lead if they led either); its open roles and waiting requests move too (someone
    who asked both teams asks once; a member of the target need not ask). A lead of both
    stays a lead; the duplicate's other leads lead the merged team only if it had none."""
    on_target = dict(TeamMember.objects.filter(idea=target).values_list("user_id", "is_lead"))
    target_led = any(on_target.values())
    for member in TeamMember.objects.filter(idea=source):
        if member.user_id in on_target:
            if member.is_lead and not on_target[member.user_id]:
                TeamMember.objects.filter(idea=target, user_id=member.user_id).update(is_lead=True)
            member.delete()
        else:
            # The duplicate's leads lead the merged team only if it had none.
            member.idea, member.is_lead = target, member.is_lead and not target_led
            member.save(update_fields=["idea", "is_lead"])
    members = TeamMember.objects.filter(idea=target).values_list("user_id", flat=True)
    asked = JoinRequest.objects.filter(idea=target, status=JoinStatus.PENDING).values_list(
        "user_id", flat=True
    )
    waiting = JoinRequest.objects.filter(idea=source, status=JoinStatus.PENDING)
    waiting.filter(user_id__in=members).update(
        status=JoinStatus.WITHDRAWN, decided_at=timezone.now()
    )
    waiting.filter(user_id__in=asked).update(status=JoinStatus.WITHDRAWN, decided_at=timezone.now())
    JoinRequest.objects.filter(idea=source, status=JoinStatus.PENDING).update(idea=target)
    OpenRole.objects.filter(idea=source, closed_at__isnull=True).update(idea=target)
    team_forget(source)
    team_forget(target)


def personal_data_team(*, user: User) -> dict:
    return {
        "memberships": [
            {
                "idea": member.idea_id,
                "role": member.contribution,
                "lead": member.is_lead,
                "joined_at": member.joined_at.isoformat(),
            }
            for member in TeamMember.objects.filter(user=user).order_by("idea_id")
        ],
        "requests_to_join": [
            {
                "idea": request.idea_id,
                "role": request.role.title if request.role else "",
                "message": request.message,
                "status": request.status,
                "asked_at": request.created_at.isoformat(),
            }
            for request in JoinRequest.objects.filter(user=user)
            .select_related("role")
            .order_by("created_at")
        ],
    }


def personal_data_erase_team(*, user: User) -> None:
    """Memberships and requests go with the account (their rows cascade); a team whose last
    lead this was is then led by the city's moderators until a member becomes lead."""
    TeamMember.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
