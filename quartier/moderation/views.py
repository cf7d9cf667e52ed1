from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.cities.selectors import city_for_request
from quartier.core.errors import DomainError
from quartier.participation.permissions import can_administer_city, can_moderate

from . import services
from .forms import ReportForm
from .selectors import awaiting_review, moderated_target, queue_items, report_groups

GROUPS_PER_PAGE = 25


def _back(request, fallback: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@login_required
def moderation_queue(request, city_slug: str):
    city = city_for_request(request, city_slug)
    if not can_moderate(user=request.user, city=city):
        raise Http404
    show_resolved = request.GET.get("resolved") == "1"
    groups = report_groups(city=city, viewer=request.user, include_resolved=show_resolved)
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/queue.html",
        {
            "city": city,
            "page": page,
            "items": queue_items(
                city=city, groups=page.object_list, include_resolved=show_resolved
            ),
            "awaiting": awaiting_review(city=city, viewer=request.user),
            "show_resolved": show_resolved,
            "can_administer": can_administer_city(user=request.user, city=city),
        },
    )


@require_POST
@login_required
def moderation_act(request, city_slug: str, kind: str, object_id: int, action: str):
    """Hide, show again, dismiss the reports, approve or reject one piece of content."""
    city = city_for_request(request, city_slug)
    if not can_moderate(user=request.user, city=city):
        raise Http404
    found = moderated_target(city=city, kind_key=kind, object_id=object_id)
    if found is None:
        raise Http404
    _kind, target = found
    text = request.POST.get("reason", "")
    try:
        if action == "hide":
            services.content_hide(target=target, moderator=request.user, reason=text)
            messages.success(request, _("The content is hidden."))
        elif action == "unhide":
            services.content_unhide(target=target, moderator=request.user, reason=text)
            messages.success(request, _("The content is visible again."))
        elif action == "dismiss":
            services.reports_dismiss(
                target=target,
                moderator=request.user,
                resolution=text.strip() or _("No violation found"),
            )
            messages.success(request, _("The reports are closed."))
        elif action == "approve":
            services.content_approve(target=target, moderator=request.user)
            messages.success(request, _("Published."))
        elif action == "reject":
            services.content_reject(target=target, moderator=request.user, reason=text)
            messages.success(request, _("Rejected; it stays hidden."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return _back(request, f"/{city.slug}/moderation/")


@login_required
def report_content(request, city_slug: str, kind: str, object_id: int):
    city = city_for_request(request, city_slug)
    found = moderated_target(city=city, kind_key=kind, object_id=object_id)
    if found is None:
        raise Http404
    content_kind, target = found
    if content_kind.hidden(target):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. The moderators will look at your report."))
            return redirect(content_kind.url(target))
    return render(
        request,
        "moderation/report_form.html",
        {
            "city": city,
            "kind": content_kind,
            "target": target,
            "excerpt": content_kind.excerpt(target),
            "back_url": content_kind.url(target),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def premoderation_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    if not can_administer_city(user=request.user, city=city):
        raise Http404
    enabled = request.POST.get("enabled") == "1"
    try:
        services.premoderation_set(city=city, enabled=enabled, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Pre-moderation is on: new content waits for a moderator.")
            if enabled
            else _("Pre-moderation is off: new content is published at once."),
        )
    return redirect("moderation_queue", city_slug=city.slug)
