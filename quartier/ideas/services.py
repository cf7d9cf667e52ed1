"""Every write on ideas, comments, supports and reports goes through one of these functions."""

from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from quartier.accounts.models import InnovatorType, User
from quartier.accounts.permissions import can_participate
from quartier.cities.models import City
from quartier.cities.services import city_touch_ideas, district_for_idea_location
from quartier.core.errors import PermissionDenied
from quartier.core.rate_limits import rate_limit_check
from quartier.moderation.services import premoderation_fields

from .errors import IdeaError
from .images import image_check_size, image_process
from .markdown import render_markdown
from .models import Comment, Idea, IdeaImage, InnovationKind, Source, Support
from .permissions import can_comment, can_enter_analog_idea, can_submit_idea, can_support


def _require_participant(user: User) -> None:
    if not can_participate(user=user):
        raise PermissionDenied(_("Please sign in with a verified email address to take part."))


def _require_analog_editor(user: User, city: City) -> None:
    if not can_enter_analog_idea(user=user, city=city):
        raise PermissionDenied(_("Only this city's moderators can do this."))


def _clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise IdeaError(_("%(field)s must not be empty.") % {"field": field})
    if len(text) > max_length:
        raise IdeaError(
            _("%(field)s is too long (%(length)d characters; at most %(max)d).")
            % {"field": field, "length": len(text), "max": max_length}
        )
    return text


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
    title = _clean_text(title, field=_("Title"), max_length=120)
    summary = _clean_text(summary, field=_("Summary"), max_length=300)
    description = _clean_text(description, field=_("Description"), max_length=10_000)
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
            is_example=is_example,
            # Paper cards were read by staff already; demo examples are the city's own.
            **({} if source == Source.ANALOG or is_example else premoderation_fields(city=city)),
        )
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
    return idea


def idea_support(*, idea: Idea, user: User) -> bool:
    """Support an idea once; returns False when this person already supported it."""
    _require_participant(user)
    if not can_support(user=user, idea=idea):
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


def comment_add(*, idea: Idea, author: User, body: str, parent: Comment | None = None) -> Comment:
    _require_participant(author)
    if not can_comment(user=author, idea=idea):
        raise IdeaError(_("This idea is hidden and cannot be commented on."))
    body = _clean_text(body, field=_("Comment"), max_length=2_000)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise IdeaError(_("The comment you reply to belongs to another idea."))
        # Replies to replies attach to the thread's top comment: one level of nesting.
        if parent.parent_id is not None:
            parent = parent.parent
    rate_limit_check(action="comment_add", actor_id=author.pk, limit=30, period_seconds=600)
    with transaction.atomic():
        held_back = premoderation_fields(city=idea.city)
        comment = Comment.objects.create(
            idea=idea, author=author, body=body, parent=parent, **held_back
        )
        # The count is of what the thread shows: a comment waiting for review counts once a
        # moderator has decided (see comment_after_moderation).
        if not held_back:
            Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
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
) -> Idea:
    """Change an idea's texts, kind or place: the HTML, the district and the map layer follow.

    The permission is the caller's (the admin's system administrators today; the idea's team
    with the lifecycle issue)."""
    if kind not in InnovationKind.values:
        raise IdeaError(_("Unknown kind of innovation."))
    title = _clean_text(title, field=_("Title"), max_length=120)
    summary = _clean_text(summary, field=_("Summary"), max_length=300)
    description = _clean_text(description, field=_("Description"), max_length=10_000)
    district = district_for_idea_location(city=idea.city, lat=lat, lon=lon)
    with transaction.atomic():
        idea.title, idea.summary, idea.description, idea.kind = title, summary, description, kind
        idea.description_html = render_markdown(description)
        idea.lat, idea.lon, idea.district = lat, lon, district
        idea.save(
            update_fields=[
                "title", "summary", "description", "description_html", "kind",
                "lat", "lon", "district", "updated_at",
            ]
        )  # fmt: skip
        city_touch_ideas(city=idea.city)
    return idea


def comment_after_moderation(comment: Comment) -> None:
    """A decision on a comment that waited for review puts it in the thread (published, or as a
    'hidden' note): now it counts."""
    if comment.awaiting_review:
        Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") + 1)


def idea_after_moderation(idea: Idea) -> None:
    """Hiding or showing an idea changes the public layer (map, counts)."""
    city_touch_ideas(city=idea.city)


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


def personal_data_comments(*, user: User) -> list[dict]:
    return [
        {
            "id": comment.pk,
            "idea": comment.idea_id,
            "body": comment.body,
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
