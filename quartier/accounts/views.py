import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.core.errors import RateLimited
from quartier.core.rate_limits import rate_limit_check

from . import services
from .forms import AccountDeleteForm, ProfileForm


@login_required
def profile(request):
    form = ProfileForm(
        request.POST or None,
        initial={
            name: getattr(request.user, name)
            for name in (
                "display_name",
                "innovator_type",
                "profile_public",
                "profile_about",
                "profile_shows_ideas",
                "profile_shows_teams",
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "delete_form": AccountDeleteForm(user=request.user)},
    )


@login_required
def profile_export(request):
    document = json.dumps(services.profile_export(user=request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="quartier-my-data.json"'
    return response


@require_POST
@login_required
def profile_delete(request):
    """Deleting the account asks for the password: a session left open is not enough."""
    try:
        # Before the password is checked: a stolen session cannot guess it at leisure.
        rate_limit_check(
            action="account_delete", actor_id=request.user.pk, limit=5, period_seconds=300
        )
    except RateLimited as error:
        messages.error(request, error.message)
        return redirect("profile")
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(
            request, _("The password is not correct. Your account has not been deleted.")
        )
        return redirect("profile")
    user = request.user
    logout(request)
    services.account_erase(user=user)
    messages.success(request, _("Your account has been deleted."))
    return redirect("root")
