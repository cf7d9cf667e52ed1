import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(
        request.POST or None,
        initial={
            "display_name": request.user.display_name,
            "innovator_type": request.user.innovator_type,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def profile_export(request):
    document = json.dumps(services.profile_export(user=request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="quartier-my-data.json"'
    return response


@require_POST
@login_required
def profile_delete(request):
    if request.POST.get("confirm") != "delete":
        messages.error(request, _("Please tick the box to confirm that the account should go."))
        return redirect("profile")
    user = request.user
    logout(request)
    services.account_erase(user=user)
    messages.success(request, _("Your account has been deleted."))
    return redirect("root")
