from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.accounts.models import User
from quartier.cities.selectors import city_for_request
from quartier.core.errors import DomainError

from . import services
from .forms import RoleGrantForm
from .models import CityRole
from .permissions import can_manage_roles, can_view_audit_log, phase_current
from .selectors import audit_log, audit_rows, process_get, process_list, role_list


@login_required
def city_roles(request, city_slug: str):
    city = city_for_request(request, city_slug)
    if not can_manage_roles(user=request.user, city=city):
        raise Http404
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            form.add_error("email", _("There is no account with this email address."))
        else:
            try:
                services.role_grant(
                    city=city, user=person, role=form.cleaned_data["role"], granted_by=request.user
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The role has been granted."))
                return redirect("city_roles", city_slug=city.slug)
    return render(
        request,
        "participation/roles.html",
        {"city": city, "roles": role_list(city=city, viewer=request.user), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def city_role_revoke(request, city_slug: str, role_id: int):
    city = city_for_request(request, city_slug)
    if not can_manage_roles(user=request.user, city=city):
        raise Http404
    city_role = get_object_or_404(CityRole.objects.select_related("user"), pk=role_id, city=city)
    try:
        services.role_revoke(city_role=city_role, revoked_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The role has been revoked."))
    return redirect("city_roles", city_slug=city.slug)


@login_required
def audit_log_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    if not can_view_audit_log(user=request.user, city=city):
        raise Http404
    page = Paginator(audit_log(city=city, viewer=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "participation/audit_log.html",
        {"city": city, "page": page, "rows": audit_rows(list(page.object_list))},
    )


def process_list_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    now = timezone.now()
    processes = [
        (process, phase_current(process=process, at=now))
        for process in process_list(city=city)[:200]
    ]
    return render(
        request,
        "participation/process_list.html",
        {"city": city, "processes": processes, "now": now},
    )


def process_detail(request, city_slug: str, process_id: int):
    city = city_for_request(request, city_slug)
    process = process_get(city=city, process_id=process_id)
    now = timezone.now()
    return render(
        request,
        "participation/process_detail.html",
        {
            "city": city,
            "process": process,
            "current": phase_current(process=process, at=now),
            "now": now,
        },
    )
