"""The notifications page with its settings, following a topic, and unsubscribing by link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from quartier.cities.selectors import city_for_request
from quartier.core.errors import DomainError

from . import services
from .forms import FollowForm, PreferencesForm
from .models import Notification
from .vocabulary import Category

PER_PAGE = 30


@login_required
def notifications_view(request):
    prefs = services.preferences_of(request.user)
    form = PreferencesForm(
        initial={
            "email_mode": prefs.email_mode,
            "digest_hour": prefs.digest_hour,
            "wanted": [c for c in Category.values if c not in (prefs.muted or [])],
        }
    )
    page = Paginator(
        Notification.objects.filter(user=request.user).select_related("city"), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"notifications": page, "form": form, "unread": services.unread_count(user=request.user)},
    )


@require_POST
@login_required
def notifications_read_view(request):
    services.read_all(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")


@require_POST
@login_required
def notifications_settings_view(request):
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose how and when e-mails come."))
        return redirect("notifications")
    data = form.cleaned_data
    services.preferences_save(
        user=request.user,
        email_mode=data["email_mode"],
        digest_hour=data["digest_hour"],
        muted=[c for c in Category.values if c not in data["wanted"]],
    )
    messages.success(request, _("Your notification settings are saved."))
    return redirect("notifications")


# Mail programs post the one-click unsubscribe (RFC 8058) without a CSRF token; the signed
# link is what authorises it, and it only ever switches e-mails off.
@csrf_exempt
def notifications_unsubscribe_view(request, token: str):
    read = services.unsubscribe_read(token)
    if request.method == "POST":
        try:
            _user, category = services.unsubscribe(token=token)
        except DomainError as error:
            return render(
                request, "notifications/unsubscribe.html", {"error": error.message}, status=400
            )
        return render(
            request, "notifications/unsubscribe.html", {"done": True, "category": category}
        )
    if read is None:
        return render(
            request,
            "notifications/unsubscribe.html",
            {"error": _("This unsubscribe link is not valid (any more).")},
            status=400,
        )
    # A GET only asks: mail scanners open links, and must not unsubscribe anybody.
    label = Category(read[1]).label if read[1] in Category.values else None
    return render(request, "notifications/unsubscribe.html", {"token": token, "label": label})


@require_POST
@login_required
def follow_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    form = FollowForm(request.POST)
    back = request.POST.get("next", "")
    # Back to a page of this site only (a path: redirect() would take other words for names).
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = f"/{city.slug}/ideas/"
    if not form.is_valid():
        messages.error(request, _("This cannot be followed."))
        return HttpResponseRedirect(back)
    try:
        if form.cleaned_data["action"] == "follow":
            services.follow(user=request.user, city=city, topic=form.cleaned_data["topic"])
            messages.success(request, _("You follow it now: news come in your notifications."))
        else:
            services.unfollow(user=request.user, city=city, topic=form.cleaned_data["topic"])
            messages.success(request, _("You no longer follow it."))
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(back)
