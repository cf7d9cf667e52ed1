from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.cities.selectors import city_for_request
from quartier.core.errors import DomainError, PermissionDenied
from quartier.core.rate_limits import client_address
from quartier.ideas.selectors import idea_get

from . import services
from .errors import ConversationClosed
from .forms import ConversationForm, ModerationFilterForm, StatementForm
from .models import Conversation, Participant, Statement, StatementStatus, VoteChoice
from .permissions import (
    can_join_conversation,
    can_moderate_conversation,
    can_open_conversation,
    can_view_conversation_results,
)
from .selectors import (
    conversation_get,
    conversation_list,
    conversation_results_summary,
    conversation_votes_not_in_results,
    moderation_queue,
    participant_find,
    participant_progress,
    statement_next,
)

PSEUDONYM_COOKIE = "quartier_pseudonym"
PSEUDONYM_MAX_AGE = 365 * 24 * 3600


def _browser_secret(request) -> str | None:
    return request.get_signed_cookie(PSEUDONYM_COOKIE, default=None)


def _existing_participant(request, conversation: Conversation) -> Participant | None:
    return participant_find(
        conversation=conversation,
        user=request.user,
        anonymous_key=services.anonymous_key_for(
            browser_secret=_browser_secret(request), conversation=conversation
        ),
    )


def _join(request, response_cookies: dict, conversation: Conversation) -> Participant:
    participant, new_secret = services.participant_join_browser(
        conversation=conversation,
        user=request.user,
        browser_secret=_browser_secret(request),
        client_address=client_address(request),
    )
    if new_secret:
        response_cookies[PSEUDONYM_COOKIE] = new_secret
    return participant


def _with_cookies(response: HttpResponse, cookies: dict) -> HttpResponse:
    for name, value in cookies.items():
        response.set_signed_cookie(
            name,
            value,
            max_age=PSEUDONYM_MAX_AGE,
            httponly=True,
            samesite="Lax",
            # Like the session cookie: only over HTTPS in production.
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def conversation_list_view(request, city_slug: str):
    city = city_for_request(request, city_slug)
    page = Paginator(conversation_list(city=city), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "deliberation/conversation_list.html",
        {
            "city": city,
            "page": page,
            "can_open": can_open_conversation(user=request.user, city=city),
        },
    )


@login_required
def conversation_new(request, city_slug: str):
    city = city_for_request(request, city_slug)
    idea = None
    idea_id = request.GET.get("idea") or request.POST.get("idea")
    if idea_id:
        if not str(idea_id).isdigit():
            raise Http404
        idea = idea_get(city=city, idea_id=int(idea_id), viewer=request.user)
    if not can_open_conversation(user=request.user, city=city, idea=idea):
        raise Http404
    initial = {"question": idea.title + "?" if idea else ""}
    form = ConversationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.conversation_open(
                city=city,
                creator=request.user,
                question=data["question"],
                description=data["description"],
                seed_statements=data["seed_statements"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                allow_statements=data["allow_statements"],
                statement_moderation=data["statement_moderation"],
                allow_anonymous=data["allow_anonymous"],
                idea=idea,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The opinion map is open."))
            return redirect(
                "conversation_detail", city_slug=city.slug, conversation_id=conversation.pk
            )
    return render(
        request,
        "deliberation/conversation_form.html",
        {"city": city, "form": form, "idea": idea},
        status=400 if request.method == "POST" else 200,
    )


def _voting_context(
    request,
    conversation: Conversation,
    participant: Participant | None,
    *,
    statement_form: StatementForm | None = None,
    vote_error: str = "",
) -> dict:
    if participant is not None:
        statement = statement_next(participant=participant)
    else:
        statement = (
            conversation.statements.filter(status=StatementStatus.ACCEPTED).order_by("id").first()
        )
    return {
        "now": timezone.now(),
        "conversation": conversation,
        "statement": statement,
        "progress": participant_progress(participant=participant, conversation=conversation),
        "can_join": can_join_conversation(user=request.user, conversation=conversation),
        "choices": VoteChoice,
        "statement_form": statement_form or StatementForm(),
        # A refused statement comes back in its form, opened, with the reason beside it.
        "statement_refused": statement_form is not None,
        "vote_error": vote_error,
    }


def _detail_page(
    request,
    city,
    conversation: Conversation,
    *,
    statement_form: StatementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    participant = _existing_participant(request, conversation)
    context = {
        "city": city,
        "can_moderate": can_moderate_conversation(user=request.user, conversation=conversation),
        **_voting_context(request, conversation, participant, statement_form=statement_form),
    }
    return render(request, "deliberation/conversation_detail.html", context, status=status)


def conversation_detail(request, city_slug: str, conversation_id: int):
    city = city_for_request(request, city_slug)
    conversation = conversation_get(city=city, conversation_id=conversation_id)
    return _detail_page(request, city, conversation)


@require_POST
def vote_view(request, city_slug: str, conversation_id: int):
    city = city_for_request(request, city_slug)
    conversation = conversation_get(city=city, conversation_id=conversation_id)
    cookies: dict = {}
    participant: Participant | None
    error_message, status = "", 200
    try:
        statement = get_object_or_404(
            Statement, pk=request.POST.get("statement"), conversation=conversation
        )
        choice = int(request.POST.get("choice", "x"))
        participant = _join(request, cookies, conversation)
        services.vote_cast(participant=participant, statement=statement, choice=choice)
    except (ValueError, TypeError):
        error_message = _("Please agree, disagree or pass.")
        participant = _existing_participant(request, conversation)
    except DomainError as error:
        error_message = error.message
        if error.code == "rate_limited":
            status = 429
        participant = _existing_participant(request, conversation)
    if request.htmx:
        # The reason goes into the swapped part: a message would only show on the next page.
        context = {
            "city": city,
            **_voting_context(request, conversation, participant, vote_error=error_message),
        }
        response = render(request, "deliberation/partials/_voting.html", context, status=status)
    else:
        if error_message:
            messages.error(request, error_message)
        response = redirect(
            "conversation_detail", city_slug=city.slug, conversation_id=conversation.pk
        )
    return _with_cookies(response, cookies)


@require_POST
def statement_add_view(request, city_slug: str, conversation_id: int):
    city = city_for_request(request, city_slug)
    conversation = conversation_get(city=city, conversation_id=conversation_id)
    form = StatementForm(request.POST)
    cookies: dict = {}
    if not form.is_valid():
        messages.error(request, _("A statement has between 1 and 280 characters."))
        return _detail_page(request, city, conversation, statement_form=form, status=400)
    try:
        participant = _join(request, cookies, conversation)
        statement = services.statement_submit(
            participant=participant,
            text=form.cleaned_data["text"],
            client_address=client_address(request),
        )
    except (PermissionDenied, ConversationClosed) as error:
        messages.error(request, error.message)  # no form to bring back
    except DomainError as error:
        # Refused for now (too often, a duplicate): the page comes back with the typed text.
        messages.error(request, error.message)
        status = 429 if error.code == "rate_limited" else 400
        response = _detail_page(request, city, conversation, statement_form=form, status=status)
        return _with_cookies(response, cookies)
    else:
        if statement.status == StatementStatus.PENDING:
            messages.success(request, _("Thank you! Your statement appears after moderation."))
        else:
            messages.success(request, _("Thank you! Your statement is published."))
    response = redirect("conversation_detail", city_slug=city.slug, conversation_id=conversation.pk)
    return _with_cookies(response, cookies)


def conversation_results(request, city_slug: str, conversation_id: int):
    city = city_for_request(request, city_slug)
    conversation = conversation_get(city=city, conversation_id=conversation_id)
    if not can_view_conversation_results(user=request.user, conversation=conversation):
        return render(
            request,
            "deliberation/results_not_yet.html",
            {"city": city, "conversation": conversation},
            status=403,
        )
    return render(
        request,
        "deliberation/conversation_results.html",
        {
            "city": city,
            "conversation": conversation,
            **conversation_results_summary(conversation=conversation),
            "newer_votes": conversation_votes_not_in_results(conversation=conversation),
        },
    )


def conversation_export(request, city_slug: str, conversation_id: int):
    """The conversation in Polis' openData layout (votes, comments, participants-votes, summary)."""
    city = city_for_request(request, city_slug)
    conversation = conversation_get(city=city, conversation_id=conversation_id)
    if not can_view_conversation_results(user=request.user, conversation=conversation):
        raise Http404
    archive = services.conversation_export_archive(
        conversation=conversation,
        url=request.build_absolute_uri(
            reverse("conversation_detail", args=[city.slug, conversation.pk])
        ),
    )
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="quartier-{city.slug}-opinion-map-{conversation.pk}.zip"'
    )
    return response


@login_required
def moderation_view(request, city_slug: str, conversation_id: int):
    city = city_for_request(request, city_slug)
    conversation = conversation_get(city=city, conversation_id=conversation_id)
    if not can_moderate_conversation(user=request.user, conversation=conversation):
        raise Http404
    status = 200
    if request.method == "POST":
        statement_id = request.POST.get("statement", "")
        # "abc" or "" would raise in the query (a 500): only a plain number names a statement.
        statement = (
            Statement.objects.filter(pk=int(statement_id), conversation=conversation).first()
            if statement_id.isascii() and statement_id.isdigit() and len(statement_id) < 19
            else None
        )
        if statement is None:
            messages.error(request, _("Please choose a statement of this opinion map."))
            status = 400
        else:
            try:
                services.statement_moderate(
                    statement=statement,
                    moderator=request.user,
                    status=request.POST.get("status", statement.status),
                    is_meta=(
                        request.POST.get("is_meta") == "1" if "is_meta" in request.POST else None
                    ),
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    form = ModerationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    statements = moderation_queue(
        conversation=conversation,
        status=filters.get("status") or None,
        query=filters.get("q") or None,
    )
    page = Paginator(statements, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "deliberation/moderation.html",
        {"city": city, "conversation": conversation, "page": page, "form": form,
         "statuses": StatementStatus},
        status=status,
    )  # fmt: skip
