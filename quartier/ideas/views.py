from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.cities.selectors import city_for_request, city_map_config
from quartier.core.errors import DomainError, PermissionDenied, RateLimited
from quartier.core.rate_limits import address_key, client_address, rate_limit_check
from quartier.moderation import services as moderation
from quartier.moderation.forms import HideForm
from quartier.notifications.selectors import is_following

from . import services
from .diffs import word_diff
from .errors import EditConflict
from .forms import (
    AnalogIdeaForm,
    CommentForm,
    IdeaEditForm,
    IdeaFilterForm,
    IdeaForm,
    MergeForm,
    ResolveForm,
    WithdrawForm,
)
from .lifecycle import PATH
from .models import Comment, CommentKind, Idea, InnovationKind, Source
from .panels import panels_for
from .permissions import (
    can_answer_for_idea,
    can_ask_to_join,
    can_comment,
    can_edit_idea,
    can_enter_analog_idea,
    can_moderate_idea,
    can_restore_revision,
    can_see_idea,
    can_submit_idea,
    can_withdraw_idea,
)
from .selectors import (
    COMMENT_ORDERS,
    idea_by_number,
    idea_comments,
    idea_get,
    idea_list,
    idea_open_questions,
    idea_revision_number,
    idea_revisions,
    idea_supported_by,
    team_members,
    team_open_roles,
)
from .similar import similar_to, similar_to_draft

IDEAS_PER_PAGE = 20


def idea_list_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    form = IdeaFilterForm(request.GET or None, city=city)
    status = 200
    page = None
    filters = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.to_filters() if form.is_bound else None
        paginator = Paginator(idea_list(city=city, filters=filters), IDEAS_PER_PAGE)
        requested = form.cleaned_data.get("page") if form.is_bound else None
        page = paginator.get_page(requested or 1)
    template = "ideas/partials/_results.html" if request.htmx else "ideas/idea_list.html"
    return render(
        request,
        template,
        {
            "city": city,
            "form": form,
            "page": page,
            "filters": filters,
            "active_filters": form.active_filters() if page is not None and not page else [],
            "follow_topics": _follow_topics(request, city, filters),
        },
        status=status,
    )


def _follow_topics(request, city, filters) -> list[dict]:
    """A list filtered by a district or a kind can be followed: new ideas there are told."""
    if filters is None or not request.user.is_authenticated:
        return []
    topics = []
    if filters.district is not None:
        topic, name = f"district:{filters.district.slug}", filters.district.name
        topics.append(
            {
                "topic": topic,
                "following": is_following(user=request.user, city=city, topic=topic),
                "follow": _("Follow new ideas in %(district)s") % {"district": name},
                "unfollow": _("Stop following %(district)s") % {"district": name},
            }
        )
    if filters.kind:
        topic, label = f"kind:{filters.kind}", InnovationKind(filters.kind).label
        topics.append(
            {
                "topic": topic,
                "following": is_following(user=request.user, city=city, topic=topic),
                "follow": _("Follow new ideas of the kind “%(kind)s”") % {"kind": label},
                "unfollow": _("Stop following the kind “%(kind)s”") % {"kind": label},
            }
        )
    return topics


def idea_detail(request, city_slug: str, idea_id: int):
    city = city_for_request(request, city_slug)
    idea = idea_get(city=city, idea_id=idea_id, viewer=request.user)
    if idea.merged_into_id is not None and can_see_idea(user=request.user, idea=idea):
        # Merged: the conversation goes on at the other idea (its versions stay reachable).
        messages.info(
            request, _("“%(title)s” has been merged into this idea.") % {"title": idea.title}
        )
        return redirect(
            "idea_detail", city_slug=city.slug, idea_id=idea.merged_into_id, permanent=True
        )
    return _idea_page(request, idea)


def idea_not_shown(request, idea: Idea):
    """A hidden idea says why (410). One that was never public (waiting for review, or rejected
    in pre-moderation) does not exist for anyone but its author, who sees the reason."""
    own = request.user.is_authenticated and idea.author_id == request.user.pk
    if not idea.ever_published and not own:
        raise Http404
    return render(request, "ideas/idea_hidden.html", {"city": idea.city, "idea": idea}, status=410)


COMMENTS_PER_PAGE = 20
OPEN_ROLES_SHOWN = 3  # on the idea page; the team page lists them all
STAGE_PATH = [(stage.value, stage.label) for stage in PATH]


def _idea_page(request, idea: Idea, *, comment_form: CommentForm | None = None, status=200):
    """The idea page; a refused comment comes back in ``comment_form`` with its typed text.
    ``?comments=`` sorts the thread (an unknown order is the default), ``?page=`` pages it."""
    city = idea.city
    if not can_see_idea(user=request.user, idea=idea):
        return idea_not_shown(request, idea)
    order = request.GET.get("comments", "")
    order = order if order in COMMENT_ORDERS else COMMENT_ORDERS[0]
    comments = Paginator(
        idea_comments(idea=idea, viewer=request.user, order=order), COMMENTS_PER_PAGE
    )
    return render(
        request,
        "ideas/idea_detail.html",
        {
            "city": city,
            "idea": idea,
            "comments": comments.get_page(request.GET.get("page")),
            "comment_order": order,
            "comment_orders": [
                ("open", _("Open questions first")),
                ("oldest", _("Oldest first")),
                ("newest", _("Newest first")),
            ],
            "open_questions": idea_open_questions(idea=idea, viewer=request.user),
            "can_answer": can_answer_for_idea(user=request.user, idea=idea),
            "resolve_form": ResolveForm(),
            "comment_form": comment_form or CommentForm(),
            "revision_count": idea_revision_number(idea=idea),
            "can_edit": can_edit_idea(user=request.user, idea=idea),
            "can_withdraw": can_withdraw_idea(user=request.user, idea=idea),
            "idea_topic": f"idea:{idea.pk}",
            "following_idea": is_following(user=request.user, city=city, topic=f"idea:{idea.pk}"),
            "team": team_members(idea=idea),
            "path": STAGE_PATH,
            "open_roles": list(team_open_roles(idea=idea)[: OPEN_ROLES_SHOWN + 1]),
            "open_roles_shown": OPEN_ROLES_SHOWN,
            "can_ask_to_join": can_ask_to_join(user=request.user, idea=idea),
            "supported": idea_supported_by(idea=idea, user=request.user),
            "can_participate": can_comment(user=request.user, idea=idea),
            "can_moderate": can_moderate_idea(user=request.user, idea=idea),
            "hide_form": HideForm(),
            "map_config": city_map_config(city),
            "panels": panels_for(idea=idea, user=request.user),
            # Only for a public idea: a hidden one is no invitation to join forces.
            "similar": similar_to(idea=idea) if not idea.is_hidden else [],
            "merged_from": list(idea.merged_from.order_by("pk")),
            "merge_form": MergeForm(),
        },
        status=status,
    )


SIMILAR_LOOKUPS_PER_ADDRESS = 120  # per 10 minutes: a lookup a few seconds of typing apart


def idea_similar_view(request, city_slug: str):
    """While someone types a new idea: the city's public ideas like it, as a fragment for the
    form (htmx). Public data, counted per client network; short or empty input finds nothing."""
    city = city_for_request(request, city_slug)
    try:
        rate_limit_check(
            action="idea_similar",
            actor_id=address_key(client_address(request)),
            limit=SIMILAR_LOOKUPS_PER_ADDRESS,
            period_seconds=600,
        )
    except RateLimited:
        return HttpResponse(status=429)
    title = str(request.GET.get("title", ""))[:120]
    summary = str(request.GET.get("summary", ""))[:300]
    found = (
        similar_to_draft(city=city, title=title, text=summary)
        if len(f"{title}{summary}".strip()) >= 3
        else []
    )
    return render(request, "ideas/partials/_similar_draft.html", {"city": city, "ideas": found})


@login_required
def idea_submit_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    analog = request.GET.get("analog") == "1" or request.POST.get("analog") == "1"
    if analog and not can_enter_analog_idea(user=request.user, city=city):
        raise Http404
    if not analog and not can_submit_idea(user=request.user, city=city):
        messages.warning(request, _("Please confirm your email address before you submit ideas."))
        return redirect("account_email")
    form_class = AnalogIdeaForm if analog else IdeaForm
    initial = {"innovator_type": request.user.innovator_type}
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            idea = services.idea_submit(
                city=city,
                author=request.user,
                title=data["title"],
                summary=data["summary"],
                description=data["description"],
                kind=data["kind"],
                innovator_type=data["innovator_type"],
                lat=data["lat"],
                lon=data["lon"],
                images=data["images"],
                image_alt_texts=[data.get("image_alt_text") or ""] * len(data["images"]),
                source=Source.ANALOG if analog else Source.ONLINE,
                analog_origin=data.get("analog_origin", ""),
                analog_author_name=data.get("analog_author_name", ""),
            )
        except DomainError as error:
            form.add_error(_field_for(error), error.message)
        else:
            if idea.awaiting_review:
                messages.success(
                    request,
                    _(
                        "Thank you! Your idea appears on the map as soon as a moderator has "
                        "looked at it."
                    ),
                )
            else:
                messages.success(request, _("Thank you! Your idea is now on the map."))
            return redirect("idea_detail", city_slug=city.slug, idea_id=idea.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ideas/idea_form.html",
        {"city": city, "form": form, "analog": analog, "map_config": city_map_config(city)},
        status=status,
    )


def _field_for(error: DomainError) -> str | None:
    return {"outside_city": "lat", "invalid_image": "images"}.get(error.code)


def _idea_for_write(request, city_slug: str, idea_id: int) -> Idea:
    city = city_for_request(request, city_slug)
    return idea_get(city=city, idea_id=idea_id, viewer=request.user)


@require_POST
@login_required
def idea_support_view(request, city_slug: str, idea_id: int):
    idea = _idea_for_write(request, city_slug, idea_id)
    try:
        if request.POST.get("action") == "withdraw":
            services.idea_unsupport(idea=idea, user=request.user)
        else:
            services.idea_support(idea=idea, user=request.user)
    except DomainError as error:
        if request.htmx:
            return HttpResponseBadRequest(error.message)
        messages.error(request, error.message)
    if request.htmx:
        return render(
            request,
            "ideas/partials/_support.html",
            {
                "city": idea.city,
                "idea": idea,
                "supported": idea_supported_by(idea=idea, user=request.user),
                "can_participate": True,
            },
        )
    return redirect("idea_detail", city_slug=city_slug, idea_id=idea.pk)


@require_POST
@login_required
def comment_add_view(request, city_slug: str, idea_id: int):
    idea = _idea_for_write(request, city_slug, idea_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        # The page comes back with the typed text: a redirect would lose it.
        if "kind" in form.errors:
            messages.error(
                request,
                _("Please choose whether this is a comment, question, concern or suggestion."),
            )
        else:
            messages.error(request, _("Please write a comment of at most 2,000 characters."))
        return _idea_page(request, idea, comment_form=form, status=400)
    parent = None
    if form.cleaned_data.get("parent"):
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], idea=idea).first()
    try:
        comment = services.comment_add(
            idea=idea,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=parent,
            kind=CommentKind.COMMENT if parent is not None else form.cleaned_data["kind"],
        )
    except PermissionDenied as error:
        messages.error(request, error.message)
        return redirect(f"{idea_url(idea)}#comments")
    except DomainError as error:
        messages.error(request, error.message)
        if not can_comment(user=request.user, idea=idea):
            return redirect(f"{idea_url(idea)}#comments")  # hidden or withdrawn: no form
        status = 429 if error.code == "rate_limited" else 400
        return _idea_page(request, idea, comment_form=form, status=status)
    if comment.awaiting_review:
        messages.success(
            request, _("Thank you! Your comment appears once a moderator has seen it.")
        )
    else:
        messages.success(request, _("Your comment has been published."))
    return redirect(f"{idea_url(idea)}#comment-{comment.pk}")


@login_required
def idea_edit_view(request, city_slug: str, idea_id: int):
    idea = _idea_for_write(request, city_slug, idea_id)
    if not can_edit_idea(user=request.user, idea=idea):
        raise Http404
    current = idea_revision_number(idea=idea)
    initial = {
        "title": idea.title, "summary": idea.summary, "description": idea.description,
        "kind": idea.kind, "lat": idea.lat, "lon": idea.lon, "based_on": current,
    }  # fmt: skip
    form = IdeaEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.idea_update(
                idea=idea,
                editor=request.user,
                title=data["title"],
                summary=data["summary"],
                description=data["description"],
                kind=data["kind"],
                lat=data["lat"],
                lon=data["lon"],
                note=data["note"],
                based_on=data["based_on"],
            )
        except EditConflict as error:
            conflict = error
            # The next save is based on what is saved now; the typed text stays in the form.
            form = IdeaEditForm({**request.POST.dict(), "based_on": error.latest.number})
            form.is_valid()
        except DomainError as error:
            form.add_error(_field_for(error), error.message)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(idea_url(idea))
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render(
        request,
        "ideas/idea_edit.html",
        {
            "city": idea.city,
            "idea": idea,
            "form": form,
            "conflict": conflict,
            # What the newer version says, field by field, beside the editor's own text.
            "conflict_fields": [
                (IdeaEditForm.base_fields[name].label, _display(conflict.latest, name))
                for name in conflict.changed
            ]
            if conflict
            else [],
            "map_config": city_map_config(idea.city),
        },
        status=status,
    )


def _display(revision, name: str):
    return revision.get_kind_display() if name == "kind" else getattr(revision, name)


@login_required
def idea_withdraw_view(request, city_slug: str, idea_id: int):
    idea = _idea_for_write(request, city_slug, idea_id)
    if not can_withdraw_idea(user=request.user, idea=idea):
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_withdraw(idea=idea, user=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("Your idea has been withdrawn."))
            return redirect(idea_url(idea))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ideas/idea_withdraw.html",
        {"city": idea.city, "idea": idea, "form": form},
        status=status,
    )


def idea_revisions_view(request, city_slug: str, idea_id: int):
    city = city_for_request(request, city_slug)
    idea = idea_get(city=city, idea_id=idea_id, viewer=request.user)
    if not can_see_idea(user=request.user, idea=idea):
        return idea_not_shown(request, idea)
    revisions = list(idea_revisions(idea=idea))
    return render(
        request,
        "ideas/idea_revisions.html",
        {
            "city": city,
            "idea": idea,
            "revisions": revisions,
            "latest": revisions[0].number if revisions else 0,
            "can_restore": can_restore_revision(user=request.user, idea=idea),
        },
    )


def _version_number(raw) -> int | None:
    raw = str(raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


def idea_compare_view(request, city_slug: str, idea_id: int):
    """Two versions side by side, word by word: ``?from=&to=`` (by default the latest and the
    one before it). An unknown version number is said, not replaced by another."""
    city = city_for_request(request, city_slug)
    idea = idea_get(city=city, idea_id=idea_id, viewer=request.user)
    if not can_see_idea(user=request.user, idea=idea):
        return idea_not_shown(request, idea)
    revisions = {revision.number: revision for revision in idea_revisions(idea=idea)}
    latest = max(revisions, default=0)
    asked = {
        side: request.GET.get(side) for side in ("from", "to") if request.GET.get(side) is not None
    }
    chosen = {
        "from": _version_number(asked["from"]) if "from" in asked else max(latest - 1, 1),
        "to": _version_number(asked["to"]) if "to" in asked else latest,
    }
    missing = [
        str(asked.get(side, number))[:12]
        for side, number in chosen.items()
        if number not in revisions
    ]
    context = {
        "city": city,
        "idea": idea,
        "numbers": sorted(revisions, reverse=True),
        "chosen": chosen,
        "missing": missing,
    }
    old, new = revisions.get(chosen["from"] or 0), revisions.get(chosen["to"] or 0)
    if missing or old is None or new is None:
        return render(request, "ideas/idea_compare.html", context, status=400 if latest else 200)
    context.update(
        old=old,
        new=new,
        fields=[
            (_("Title"), word_diff(old.title, new.title)),
            (_("Summary"), word_diff(old.summary, new.summary)),
            (_("Description"), word_diff(old.description, new.description)),
        ],
        kind_changed=old.kind != new.kind,
        place_changed=(old.lat, old.lon) != (new.lat, new.lon),
    )
    return render(request, "ideas/idea_compare.html", context)


@require_POST
@login_required
def idea_restore_view(request, city_slug: str, idea_id: int, number: int):
    idea = _idea_for_write(request, city_slug, idea_id)
    if not can_restore_revision(user=request.user, idea=idea):
        raise Http404
    try:
        restored = services.idea_restore(
            idea=idea,
            number=number,
            editor=request.user,
            based_on=_version_number(request.POST.get("based_on")),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("idea_revisions", city_slug=idea.city.slug, idea_id=idea.pk)
    if restored:
        messages.success(request, _("Version %(number)s is restored.") % {"number": number})
    else:
        messages.info(
            request, _("The idea reads like version %(number)s already.") % {"number": number}
        )
    return redirect(idea_url(idea))


def idea_url(idea: Idea) -> str:
    return reverse("idea_detail", kwargs={"city_slug": idea.city.slug, "idea_id": idea.pk})


@login_required
def report_view(request, city_slug: str, idea_id: int, comment_id: int | None = None):
    """The idea page's report links; the form and its handling are moderation's."""
    idea = _idea_for_write(request, city_slug, idea_id)
    if comment_id:
        comment = get_object_or_404(Comment, pk=comment_id, idea=idea)
        return redirect("report_content", city_slug=city_slug, kind="comment", object_id=comment.pk)
    return redirect("report_content", city_slug=city_slug, kind="idea", object_id=idea.pk)


@require_POST
@login_required
def comment_hide_view(request, city_slug: str, idea_id: int, comment_id: int):
    idea = _idea_for_write(request, city_slug, idea_id)
    comment = get_object_or_404(Comment, pk=comment_id, idea=idea)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for hiding."))
    else:
        try:
            moderation.content_hide(
                target=comment, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The comment is hidden."))
    return redirect(f"{idea_url(idea)}#comment-{comment.pk}")


@require_POST
@login_required
def comment_resolve_view(request, city_slug: str, idea_id: int, comment_id: int):
    """The idea's author marks a question answered (by a version of the idea, if one does) or
    opens it again."""
    idea = _idea_for_write(request, city_slug, idea_id)
    comment = get_object_or_404(Comment, pk=comment_id, idea=idea)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the number of a version of this idea."))
        return redirect(f"{idea_url(idea)}#comment-{comment.pk}")
    try:
        if form.cleaned_data["reopen"]:
            services.comment_reopen(comment=comment, actor=request.user)
            messages.success(request, _("It is open again."))
        else:
            services.comment_resolve(
                comment=comment,
                actor=request.user,
                revision_number=form.cleaned_data["revision"],
            )
            messages.success(request, _("Marked as answered."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(f"{idea_url(idea)}#comment-{comment.pk}")


@require_POST
@login_required
def idea_merge_view(request, city_slug: str, idea_id: int):
    """The city's moderators merge this idea into another of the city (by its number)."""
    idea = _idea_for_write(request, city_slug, idea_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the number of the other idea and a reason."))
        return redirect(idea_url(idea))
    target = idea_by_number(city=idea.city, number=form.cleaned_data["into"])
    if target is None:
        messages.error(request, _("This city has no idea with that number."))
        return redirect(idea_url(idea))
    try:
        services.idea_merge(
            source=idea, target=target, moderator=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(idea_url(idea))
    messages.success(request, _("The ideas are merged."))
    return redirect(idea_url(target))


@require_POST
@login_required
def idea_hide_view(request, city_slug: str, idea_id: int):
    idea = _idea_for_write(request, city_slug, idea_id)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for hiding."))
    else:
        try:
            moderation.content_hide(
                target=idea, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The idea is hidden."))
    return redirect(idea_url(idea))
