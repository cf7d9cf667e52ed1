from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from quartier.accounts import selectors as account_selectors
from quartier.accounts import services as account_services
from quartier.cities.selectors import city_for_request
from quartier.core.markdown import render_markdown

from . import services
from .forms import ConsentForm, LegalPageForm
from .models import LegalKind
from .permissions import can_edit_legal_pages
from .selectors import consent_documents, legal_page_get


def _kind(kind: str) -> LegalKind:
    if kind not in LegalKind.values:
        raise Http404
    return LegalKind(kind)


def legal_page(request, city_slug: str, kind: str):
    city = city_for_request(request, city_slug)
    page_kind = _kind(kind)
    page = legal_page_get(city=city, kind=page_kind)
    return render(
        request,
        "legal/page.html",
        {
            "city": city,
            "kind": page_kind,
            "page": page,
            "html": render_markdown(page.text) if page else "",
            "can_edit": can_edit_legal_pages(user=request.user, city=city),
        },
    )


@login_required
def legal_page_edit(request, city_slug: str, kind: str):
    city = city_for_request(request, city_slug)
    if not can_edit_legal_pages(user=request.user, city=city):
        raise Http404
    page_kind = _kind(kind)
    page = legal_page_get(city=city, kind=page_kind)
    form = LegalPageForm(
        request.POST or None,
        initial={"text": page.text, "contact_email": page.contact_email} if page else None,
    )
    if request.method == "POST" and form.is_valid():
        services.legal_page_save(
            city=city, kind=page_kind, editor=request.user, **form.cleaned_data
        )
        messages.success(request, _("The page has been saved."))
        return redirect("legal_page", city_slug=city.slug, kind=page_kind.value)
    return render(
        request,
        "legal/edit.html",
        {"city": city, "kind": page_kind, "page": page, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
def legal_consent(request, city_slug: str):
    """A new version of the terms or the privacy notice: agree before writing again."""
    city = city_for_request(request, city_slug)
    missing = account_selectors.consent_missing(
        user=request.user, city=city, documents=consent_documents(city=city)
    )
    next_url = _safe_next(request) or f"/{city.slug}/"
    if not missing:
        return redirect(next_url)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.consent_record(user=request.user, city=city, documents=missing)
        messages.success(request, _("Thank you. You can take part again."))
        return redirect(next_url)
    return render(
        request,
        "legal/consent.html",
        {
            "city": city,
            "documents": missing,
            "form": form,
            "form_attrs": {"form": form},
            "next": next_url,
        },
        status=400 if request.method == "POST" else 200,
    )
