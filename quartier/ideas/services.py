"""Every write on ideas, comments, supports and reports goes through one of these functions."""

from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import InnovatorType, User
from quartier.accounts.permissions import can_participate
from quartier.cities.models import City
from quartier.cities.services import city_touch_ideas, district_for_idea_location
from quartier.core.errors import PermissionDenied
from quartier.core.rate_limits import rate_limit_check
from quartier.moderation.services import premoderation_fields
from quartier.notifications import services as notifications
from quartier.notifications.vocabulary import Category
from quartier.participation.permissions import can_moderate
from quartier.participation.services import audit_record
from quartier.participation.vocabulary import AuditAction

from .errors import EditConflict, IdeaError
from .images import image_check_size, image_process
from .markdown import render_markdown
from .models import (
    Comment,
    CommentKind,
    Idea,
    IdeaImage,
    IdeaRevision,
    InnovationKind,
    Source,
    Support,
    TeamMember,
)
from .permissions import (
    can_answer_for_idea,
    can_comment,
    can_edit_idea,
    can_enter_analog_idea,
    can_restore_revision,
    can_submit_idea,
    can_support,
    can_withdraw_idea,
)
from .teams import team_move
from .text import clean_text

# The fields a revision keeps; an edit changes some of them.
REVISED_FIELDS = ("title", "summary", "description", "kind", "lat", "lon")


def _require_participant(user: User) -> None:
    if not can_participate(user=user):
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))


def _require_analog_editor(user: User, city: City) -> None:
    if not can_enter_analog_idea(user=user, city=city):
        raise PermissionDenied(_("Only this city's moderators can do this."))


def idea_submit(
    *,
    city: City,
    author: User,
    title: str,
    summary: str,
    description: str,
    kind: str,
    innovator_type: str,
    lat: float,
    lon: float,
    images: Sequence[UploadedFile] = (),
    image_alt_texts: Sequence[str] = (),
    source: str = Source.ONLINE,
    analog_origin: str = "",
    analog_author_name: str = "",
    is_example: bool = False,
) -> Idea:
    """Submit an idea at a place on the map; its district is found from the point."""
    if source == Source.ANALOG:
        # Paper cards from neighbourhood events are typed in by staff, who vouch for them.
        _require_analog_editor(author, city)
    elif not can_submit_idea(user=author, city=city):
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))
    if kind not in InnovationKind.values:
        raise IdeaError(_("Unknown kind of innovation."))
    if innovator_type not in InnovatorType.values:
        raise IdeaError(_("Unknown innovator type."))
    if len(images) > settings.IDEA_IMAGE_MAX_COUNT:
        raise IdeaError(
            _("At most %(count)d images per idea.") % {"count": settings.IDEA_IMAGE_MAX_COUNT}
        )
    for upload in images:
        image_check_size(upload, max_bytes=settings.IDEA_IMAGE_MAX_BYTES)
    title = clean_text(title, field=_("Title"), max_length=120)
    summary = clean_text(summary, field=_("Summary"), max_length=300)
    description = clean_text(description, field=_("Description"), max_length=10_000)
    # The card's writer is credited, never the staff member who typed it in; empty: anonymous.
    analog_author_name = (
        clean_text(analog_author_name, field=_("Name on the card"), max_length=100, required=False)
        if source == Source.ANALOG
        else ""
    )
    # The limit comes before the expensive work (the district lookup, decoding the images).
    rate_limit_check(action="idea_submit", actor_id=author.pk, limit=10, period_seconds=3600)
    district = district_for_idea_location(city=city, lat=lat, lon=lon)
    # Process every image before writing anything: one bad file refuses the whole submission.
    processed = [
        image_process(upload, max_bytes=settings.IDEA_IMAGE_MAX_BYTES) for upload in images
    ]

    with transaction.atomic():
        idea = Idea.objects.create(
            city=city,
            district=district,
            author=author,
            title=title,
            summary=summary,
            description=description,
            description_html=render_markdown(description),
            kind=kind,
            innovator_type=innovator_type,
            lat=lat,
            lon=lon,
            source=source,
            analog_origin=analog_origin.strip()[:200] if source == Source.ANALOG else "",
            analog_author_name=analog_author_name,
            is_example=is_example,
            stage_changed_at=timezone.now(),
            # Paper cards were read by staff already; demo examples are the city's own.
            **({} if source == Source.ANALOG or is_example else premoderation_fields(city=city)),
        )
        _revision_add(idea=idea, number=1, author=author, note="")
        if source == Source.ONLINE:
            TeamMember.objects.create(idea=idea, user=author, is_lead=True)
        for position, picture in enumerate(processed):
            alt_text = image_alt_texts[position] if position < len(image_alt_texts) else ""
            IdeaImage.objects.create(
                idea=idea,
                image=picture.image,
                thumbnail=picture.thumbnail,
                width=picture.width,
                height=picture.height,
                position=position,
                alt_text=alt_text.strip()[:200],
            )
        city_touch_ideas(city=city)
        if source == Source.ONLINE:
            notifications.follow(user=author, city=city, topic=f"idea:{idea.pk}")
        if not idea.is_hidden and not is_example:
            notifications.announce(
                city=city,
                event="new_idea",
                category=Category.NEW_IDEAS,
                title=idea.title,
                url=f"/{city.slug}/ideas/{idea.pk}/",
                topics=[f"district:{district.slug}", f"kind:{idea.kind}"],
                exclude=author.pk,
            )
    return idea


def idea_support(*, idea: Idea, user: User) -> bool:
    """Support an idea once; returns False when this person already supported it."""
    _require_participant(user)
    if not can_support(user=user, idea=idea):
        if idea.is_withdrawn:
            raise IdeaError(_("This idea has been withdrawn and cannot be supported."))
        raise IdeaError(_("This idea is hidden and cannot be supported."))
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=user)
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False  # the unique constraint caught a double click or a second tab
    idea.refresh_from_db(fields=["support_count"])
    return True


def idea_unsupport(*, idea: Idea, user: User) -> bool:
    _require_participant(user)
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(idea=idea, user=user).delete()
        if deleted:
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") - 1)
    idea.refresh_from_db(fields=["support_count"])
    return bool(deleted)


def comment_add(
    *,
    idea: Idea,
    author: User,
    body: str,
    parent: Comment | None = None,
    kind: str = CommentKind.COMMENT,
) -> Comment:
    """A comment, or (at the top level) a question, concern or suggestion for the idea."""
    _require_participant(author)
    if kind not in CommentKind.values:
        raise IdeaError(
            _("Please choose whether this is a comment, question, concern or suggestion.")
        )
    if parent is not None and kind != CommentKind.COMMENT:
        raise IdeaError(_("A reply is a comment; ask a question or raise a concern at the top."))
    if not can_comment(user=author, idea=idea):
        if idea.is_withdrawn:
            raise IdeaError(_("This idea has been withdrawn and takes no new comments."))
        raise IdeaError(_("This idea is hidden and cannot be commented on."))
    body = clean_text(body, field=_("Comment"), max_length=2_000)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise IdeaError(_("The comment you reply to belongs to another idea."))
        # Replies to replies attach to the thread's top comment: one level of nesting.
        if parent.parent is not None:
            parent = parent.parent
        # As on the page, which offers no reply there: a reply under a hidden comment (or one
        # never published) would be hidden with it, yet counted.
        if parent.is_hidden:
            raise IdeaError(_("This comment is hidden and cannot be answered."))
    rate_limit_check(action="comment_add", actor_id=author.pk, limit=30, period_seconds=600)
    with transaction.atomic():
        held_back = premoderation_fields(city=idea.city)
        comment = Comment.objects.create(
            idea=idea, author=author, body=body, parent=parent, kind=kind, **held_back
        )
        # The count is of what the thread shows: a comment waiting for review counts once a
        # moderator has decided (see comment_after_moderation).
        if not held_back:
            Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
            notifications.announce(
                city=idea.city,
                event="comment",
                category=Category.COMMENTS,
                title=idea.title,
                url=f"/{idea.city.slug}/ideas/{idea.pk}/#comment-{comment.pk}",
                topics=[f"idea:{idea.pk}"],
                exclude=author.pk,
            )
    return comment


def comment_resolve(
    *, comment: Comment, actor: User, revision_number: int | None = None
) -> Comment:
    """The question answered, the concern addressed, the suggestion taken up; optionally by a
    revision of the idea (which the page links). Marking again moves the mark."""
    idea = comment.idea
    if not can_answer_for_idea(user=actor, idea=idea):
        raise PermissionDenied(_("Only the idea's author marks its questions as answered."))
    if comment.kind == CommentKind.COMMENT or comment.parent_id is not None:
        raise IdeaError(_("Only questions, concerns and suggestions are marked as answered."))
    if comment.is_hidden:
        raise IdeaError(_("This comment is hidden and cannot be answered."))
    revision = None
    if revision_number is not None:
        revision = IdeaRevision.objects.filter(idea=idea, number=revision_number).first()
        if revision is None:
            raise IdeaError(_("This idea has no version %(number)s.") % {"number": revision_number})
    Comment.objects.filter(pk=comment.pk).update(
        resolved_at=timezone.now(), resolved_by=actor, resolved_revision=revision
    )
    comment.refresh_from_db()
    return comment


def comment_reopen(*, comment: Comment, actor: User) -> Comment:
    """Open again: the answer did not settle it after all."""
    if not can_answer_for_idea(user=actor, idea=comment.idea):
        raise PermissionDenied(_("Only the idea's author marks its questions as answered."))
    Comment.objects.filter(pk=comment.pk).update(
        resolved_at=None, resolved_by=None, resolved_revision=None
    )
    comment.refresh_from_db()
    return comment


def idea_update(
    *,
    idea: Idea,
    title: str,
    summary: str,
    description: str,
    kind: str,
    lat: float,
    lon: float,
    editor: User | None = None,
    note: str = "",
    based_on: int | None = None,
) -> Idea:
    """Change an idea's texts, kind or place: the HTML, the district and the map layer follow,
    and the change is kept as the next revision.

    With an ``editor`` the permission is checked here (the author today; the idea's team with
    the lifecycle issue); without one the caller is the admin of the system administrators.
    ``based_on`` is the revision number the editor's form showed: when another revision was
    saved since, nothing is written and ``EditConflict`` names what changed meanwhile."""
    if editor is not None and not can_edit_idea(user=editor, idea=idea):
        raise PermissionDenied(_("Only the idea's team can edit it while it is public."))
    if kind not in InnovationKind.values:
        raise IdeaError(_("Unknown kind of innovation."))
    title = clean_text(title, field=_("Title"), max_length=120)
    summary = clean_text(summary, field=_("Summary"), max_length=300)
    description = clean_text(description, field=_("Description"), max_length=10_000)
    note = clean_text(note, field=_("Note"), max_length=300, required=False)
    district = district_for_idea_location(city=idea.city, lat=lat, lon=lon)
    if editor is not None:
        rate_limit_check(action="idea_update", actor_id=editor.pk, limit=30, period_seconds=3600)
    with transaction.atomic():
        # The row lock orders concurrent saves: the second one sees the first one's revision.
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        latest = idea_revision_latest(idea=locked)
        if based_on is not None and latest is not None and latest.number != based_on:
            base = IdeaRevision.objects.filter(idea=locked, number=based_on).first()
            raise EditConflict(
                _(
                    "Someone saved a newer version of this idea while you were editing it. "
                    "Nothing was overwritten: please compare and save again."
                ),
                latest=latest,
                changed=[
                    name
                    for name in REVISED_FIELDS
                    if base is None or getattr(base, name) != getattr(latest, name)
                ],
            )
        new_values = {
            "title": title, "summary": summary, "description": description,
            "kind": kind, "lat": lat, "lon": lon,
        }  # fmt: skip
        if all(getattr(locked, name) == value for name, value in new_values.items()):
            return locked  # nothing changed: no empty revision
        for name, value in new_values.items():
            setattr(idea, name, value)
        idea.description_html = render_markdown(description)
        idea.district = district
        idea.save(
            update_fields=[
                "title", "summary", "description", "description_html", "kind",
                "lat", "lon", "district", "updated_at",
            ]
        )  # fmt: skip
        _revision_add(
            idea=idea, number=(latest.number if latest else 0) + 1, author=editor, note=note
        )
        city_touch_ideas(city=idea.city)
    return idea


def idea_restore(*, idea: Idea, number: int, editor: User, based_on: int | None = None) -> bool:
    """Bring back version ``number``: its texts, kind and place become a new version (history
    is never rewritten). False when the idea reads like that version already."""
    if not can_restore_revision(user=editor, idea=idea):
        raise PermissionDenied(_("Only the team's leads restore a version while it is public."))
    old = IdeaRevision.objects.filter(idea=idea, number=number).first()
    if old is None:
        raise IdeaError(_("This idea has no version %(number)s.") % {"number": number})
    before = idea_revision_latest(idea=idea)
    idea_update(
        idea=idea,
        title=old.title,
        summary=old.summary,
        description=old.description,
        kind=old.kind,
        lat=old.lat,
        lon=old.lon,
        editor=editor,
        note=_("Version %(number)s restored.") % {"number": number},
        based_on=based_on,
    )
    after = idea_revision_latest(idea=idea)
    return (after.number if after else 0) != (before.number if before else 0)


def _revision_add(*, idea: Idea, number: int, author: User | None, note: str) -> IdeaRevision:
    return IdeaRevision.objects.create(
        idea=idea,
        number=number,
        author=author,
        note=note,
        **{name: getattr(idea, name) for name in REVISED_FIELDS},
    )


def idea_revision_latest(*, idea: Idea) -> IdeaRevision | None:
    return IdeaRevision.objects.filter(idea=idea).order_by("-number").first()


def idea_withdraw(*, idea: Idea, user: User, reason: str) -> Idea:
    """The author withdraws their idea with a public reason. It stays readable (with its
    comments) as withdrawn, takes no new comments or supports and leaves the map layer."""
    if not can_withdraw_idea(user=user, idea=idea):
        raise PermissionDenied(
            _("Only the team's leads can withdraw this idea while it is public.")
        )
    reason = clean_text(reason, field=_("Reason"), max_length=500)
    with transaction.atomic():
        updated = Idea.objects.filter(pk=idea.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_reason=reason
        )
        if not updated:
            raise IdeaError(_("This idea has already been withdrawn."))
        city_touch_ideas(city=idea.city)
    idea.refresh_from_db(fields=["withdrawn_at", "withdrawn_reason"])
    return idea


def idea_merge(*, source: Idea, target: Idea, moderator: User, reason: str) -> Idea:
    """The city's staff merge a duplicate into the idea that goes on: its comments move over,
    its supporters too (someone who supported both counts once), its team joins the other
    (``team_move``), and it is withdrawn with a
    public note pointing at the other idea; its versions stay with it. Logged."""
    if not can_moderate(user=moderator, city=source.city_id):
        raise PermissionDenied(_("Only the city's moderators merge ideas."))
    if source.pk == target.pk:
        raise IdeaError(_("An idea cannot be merged into itself."))
    if source.city_id != target.city_id:
        raise IdeaError(_("Ideas of different cities cannot be merged."))
    reason = clean_text(reason, field=_("Reason"), max_length=300)
    with transaction.atomic():
        # Both rows locked, in id order (no deadlock with a merge the other way round).
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id is not None:
            raise IdeaError(_("This idea has been merged already."))
        if target.is_hidden or target.is_withdrawn:
            raise IdeaError(_("An idea can only be merged into a public idea that goes on."))
        both = Support.objects.filter(idea=target).values_list("user_id", flat=True)
        Support.objects.filter(idea=source).exclude(user_id__in=both).update(idea=target)
        Support.objects.filter(idea=source).delete()
        Comment.objects.filter(idea=source).update(idea=target)
        team_move(source=source, target=target)
        notifications.topic_move(
            city=source.city, source=f"idea:{source.pk}", target=f"idea:{target.pk}"
        )
        Idea.objects.filter(pk=target.pk).update(
            support_count=Support.objects.filter(idea=target).count(),
            comment_count=F("comment_count") + source.comment_count,
        )
        Idea.objects.filter(pk=source.pk).update(
            merged_into=target,
            withdrawn_at=timezone.now(),
            withdrawn_reason=_("Merged into “%(title)s”: %(reason)s")
            % {"title": target.title, "reason": reason},
            support_count=0,
            comment_count=0,
        )
        audit_record(
            city=source.city,
            actor=moderator,
            action=AuditAction.MERGE,
            target=source,
            reason=reason,
            detail={"merged_into": target.pk},
        )
        city_touch_ideas(city=source.city)
    target.refresh_from_db()
    return target


def comment_after_moderation(comment: Comment) -> None:
    """A comment counts from when the public first sees it: approved, or shown again after a
    rejection. Waiting or rejected, it never shows in the thread and does not count.
    (``comment`` is as it was before the decision.)"""
    if comment.ever_published:
        return
    if Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).exists():
        Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") + 1)


def idea_after_moderation(idea: Idea) -> None:
    """Hiding or showing an idea changes the public layer (map, counts); hidden, its title
    leaves everyone's notifications too. (``idea`` is as it was before the decision.)"""
    city_touch_ideas(city=idea.city)
    if Idea.objects.filter(pk=idea.pk, hidden_at__isnull=False).exists():
        notifications.notifications_forget(
            city=idea.city, url_prefix=f"/{idea.city.slug}/ideas/{idea.pk}/"
        )


def personal_data_ideas(*, user: User) -> list[dict]:
    return [
        {
            "id": idea.pk,
            "city": idea.city.slug,
            "title": idea.title,
            "summary": idea.summary,
            "description": idea.description,
            "kind": idea.kind,
            "submitted_as": idea.innovator_type,
            "lat": idea.lat,
            "lon": idea.lon,
            "created_at": idea.created_at.isoformat(),
            # The person's uploads are theirs too (stored without their metadata).
            "images": [
                {"url": image.image.url, "description": image.alt_text}
                for image in idea.images.all()
            ],
        }
        for idea in Idea.objects.filter(author=user)
        .select_related("city")
        .prefetch_related("images")
        .order_by("id")
    ]


def personal_data_idea_revisions(*, user: User) -> list[dict]:
    """Every version of an idea this person saved (their submissions are revision 1). Erasing
    the account keeps the revisions without the person (the foreign key sets null)."""
    return [
        {
            "idea": revision.idea_id,
            "number": revision.number,
            "saved_at": revision.created_at.isoformat(),
            "note": revision.note,
            **{name: getattr(revision, name) for name in REVISED_FIELDS},
        }
        for revision in IdeaRevision.objects.filter(author=user).order_by("idea_id", "number")
    ]


def personal_data_comments(*, user: User) -> list[dict]:
    return [
        {
            "id": comment.pk,
            "idea": comment.idea_id,
            "body": comment.body,
            "kind": comment.kind,
            "created_at": comment.created_at.isoformat(),
        }
        for comment in Comment.objects.filter(author=user)
    ]


def personal_data_supports(*, user: User) -> list[int]:
    return list(
        Support.objects.filter(user=user).order_by("idea_id").values_list("idea_id", flat=True)
    )


def personal_data_erase(*, user: User) -> None:
    """Ideas and comments stay for the public record without the person (the foreign keys set
    null); supports go with the account, so the counters must follow."""
    for idea_id in Support.objects.filter(user=user).values_list("idea_id", flat=True):
        Idea.objects.filter(pk=idea_id, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
