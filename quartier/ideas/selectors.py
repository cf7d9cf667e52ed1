"""Reads of ideas: visibility, filters and prefetching are decided here, never in views."""

import hashlib
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, When
from django.http import Http404

from quartier.accounts.models import User
from quartier.cities.models import City, District
from quartier.participation.permissions import can_moderate

from .models import (
    Comment,
    CommentKind,
    Idea,
    IdeaRevision,
    JoinRequest,
    JoinStatus,
    OpenRole,
    Support,
    TeamMember,
)

SORT_ORDERS = {
    "newest": ("-created_at", "-id"),
    "supported": ("-support_count", "-id"),
    "discussed": ("-comment_count", "-id"),
}


# A count can go stale only through writes that bypass the services (admin, shell): bounded here.
COUNT_CACHE_SECONDS = 300
# From this offset on, a page is found by ids first (see IdeaListQuerySet.__getitem__).
DEFERRED_JOIN_OFFSET = 1_000


class IdeaListQuerySet(QuerySet):
    """A city's idea list whose ``count()`` is cached until the city's idea layer changes.

    The paginator's COUNT(*) visits every visible idea (about 20 ms at 100,000 ideas, most of a
    list page's time), yet the number changes only when an idea is submitted, hidden or shown
    again, and each of those bumps ``City.ideas_changed_at``. The cache key carries that
    timestamp and the query's SQL, so any other filter or a later write gets its own count.

    Deep pages: OFFSET 50,000 makes PostgreSQL fetch and discard 50,000 full rows (80-180 ms at
    100,000 ideas). From ``DEFERRED_JOIN_OFFSET`` on, a slice first picks the page's ids with the
    same filters and order (an index-only scan of the sort index, a few ms), then loads those rows.
    """

    _count_version: str | None = None

    def _clone(self):
        clone = super()._clone()
        clone._count_version = self._count_version
        return clone

    def __getitem__(self, k):
        if (
            isinstance(k, slice)
            and k.step is None
            and k.stop is not None
            and (k.start or 0) >= DEFERRED_JOIN_OFFSET
            and self._fields is None  # model instances, not values(): values() comes here
            and self._result_cache is None
        ):
            page_ids = self.values_list("pk", flat=True)
            page_ids.query.set_limits(k.start, k.stop)
            return self.filter(pk__in=page_ids)
        return super().__getitem__(k)

    def count(self) -> int:
        if self._count_version is None or self._result_cache is not None:
            return super().count()
        sql, params = self.query.sql_with_params()
        digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
        key = f"idea-count:{self._count_version}:{digest}"
        count = cache.get(key)
        if count is None:
            count = super().count()
            cache.set(key, count, timeout=COUNT_CACHE_SECONDS)
        return count


@dataclass(frozen=True)
class IdeaFilters:
    district: District | None = None
    kind: str | None = None
    stage: str | None = None
    query: str | None = None
    sort: str = "newest"
    # Withdrawn ideas are out of the default list (and the map and counts); this shows only them.
    withdrawn: bool = False


_WEB_SEARCH_OPERATOR = re.compile(r'"|(?:^|\s)-|\bor\b', re.IGNORECASE)


def _search(ideas: QuerySet[Idea], query: str) -> QuerySet[Idea]:
    if connection.vendor == "postgresql":
        # Both conditions have an index (migration 0002): the stored German full-text vector
        # with the web search syntax, every word also as a prefix ("Repar" finds "Reparatur"),
        # and the title as a substring (German compounds).
        matches = SearchQuery(query, config="german", search_type="websearch")
        words = re.findall(r"[^\W_]+", query)
        # With web search operators ("phrase", -excluded, or) the words are not all wanted, so
        # no prefix query: it would bring back what "-word" excludes.
        if words and not _WEB_SEARCH_OPERATOR.search(query):
            prefixes = " & ".join(f"{word}:*" for word in words)
            matches |= SearchQuery(prefixes, config="german", search_type="raw")
        return ideas.filter(Q(search_vector=matches) | Q(title__icontains=query))
    # Elsewhere (the SQLite demo): every word somewhere in the idea's texts.
    for word in query.split():
        ideas = ideas.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
    return ideas


def idea_list(*, city: City, filters: IdeaFilters | None = None) -> QuerySet[Idea]:
    """Visible ideas of a city, filtered and sorted, ready for a list page (one join, no N+1)."""
    filters = filters or IdeaFilters()
    base = IdeaListQuerySet(Idea)
    if not filters.query:  # searches are too varied to be worth caching
        base._count_version = f"{city.pk}:{city.ideas_changed_at.timestamp()}"
    ideas: QuerySet[Idea] = (
        base.filter(city=city, hidden_at__isnull=True)
        .select_related("district")
        # A list shows the district's name; its polygon is JSON that would be parsed per row,
        # and the search vector is a few KiB per idea.
        .defer("description", "description_html", "search_vector", "district__geometry")
    )
    ideas = ideas.filter(withdrawn_at__isnull=not filters.withdrawn)
    if filters.district is not None:
        ideas = ideas.filter(district=filters.district)
    if filters.kind:
        ideas = ideas.filter(kind=filters.kind)
    if filters.stage:
        ideas = ideas.filter(stage=filters.stage)
    if filters.query:
        ideas = _search(ideas, filters.query)
    return ideas.order_by(*SORT_ORDERS.get(filters.sort, SORT_ORDERS["newest"]))


def idea_counts_by_kind(*, city: City) -> dict[str, int]:
    """Visible ideas per kind, cached like the list's count until the idea layer changes."""
    key = f"idea-kinds:{city.pk}:{city.ideas_changed_at.timestamp()}"
    counts = cache.get(key)
    if counts is None:
        counts = dict(
            Idea.objects.filter(city=city, hidden_at__isnull=True, withdrawn_at__isnull=True)
            .order_by()
            .values_list("kind")
            .annotate(n=Count("id"))
        )
        cache.set(key, counts, timeout=COUNT_CACHE_SECONDS)
    return counts


def idea_get(*, city: City, idea_id: int, viewer) -> Idea:
    """One idea; hidden ideas are returned too (the page shows the reason, not the content)."""
    try:
        return (
            Idea.objects.select_related("district", "author", "city")
            .prefetch_related("images")
            .get(city=city, pk=idea_id)
        )
    except Idea.DoesNotExist as error:
        raise Http404 from error


def _comments_visible_to(comments: QuerySet[Comment], *, viewer, city: City) -> QuerySet[Comment]:
    # Comments never published (waiting for pre-moderation, or rejected there) are shown to
    # their author and the moderators only; one hidden after it was public leaves a note.
    if can_moderate(user=viewer, city=city):
        return comments
    mine = Q(author_id=viewer.pk) if getattr(viewer, "is_authenticated", False) else Q(pk__in=[])
    return comments.filter(Q(ever_published=True) | mine)


# How a thread can be sorted; the first is the default.
COMMENT_ORDERS = ("open", "oldest", "newest")


def idea_comments(*, idea: Idea, viewer, order: str = "open") -> QuerySet[Comment]:
    """Top-level comments with their replies (two queries for a page of them). ``open``: the
    questions, concerns and suggestions still waiting for an answer first, then oldest first;
    ``oldest``; ``newest``. Replies are always oldest first, under their comment."""
    replies = _comments_visible_to(
        Comment.objects.select_related("author").order_by("created_at", "id"),
        viewer=viewer,
        city=idea.city,
    )
    top = (
        _comments_visible_to(
            Comment.objects.filter(idea=idea, parent__isnull=True), viewer=viewer, city=idea.city
        )
        .select_related("author", "resolved_revision")
        .prefetch_related(Prefetch("replies", queryset=replies))
    )
    if order == "newest":
        return top.order_by("-created_at", "-id")
    if order == "oldest":
        return top.order_by("created_at", "id")
    waiting = Q(resolved_at__isnull=True) & ~Q(kind=CommentKind.COMMENT)
    return top.annotate(
        answered_or_plain=Case(When(waiting, then=0), default=1, output_field=IntegerField())
    ).order_by("answered_or_plain", "created_at", "id")


def idea_open_questions(*, idea: Idea, viewer) -> int:
    """How many questions, concerns and suggestions still wait for the idea's people."""
    return _comments_visible_to(
        Comment.objects.filter(idea=idea, parent__isnull=True, resolved_at__isnull=True)
        .exclude(kind=CommentKind.COMMENT)
        .filter(hidden_at__isnull=True),
        viewer=viewer,
        city=idea.city,
    ).count()


def idea_by_number(*, city: City, number: int) -> Idea | None:
    """The city's idea with this number (its id), whatever its state, or None."""
    return Idea.objects.filter(city=city, pk=number).first()


def idea_supported_by(*, idea: Idea, user) -> bool:
    if not user.is_authenticated:
        return False
    return Support.objects.filter(idea=idea, user=user).exists()


def idea_geojson_rows(*, city: City) -> QuerySet:
    """The minimum per idea for the map layer, as tuples: no model instances for 100,000 rows."""
    return (
        Idea.objects.filter(city=city, hidden_at__isnull=True, withdrawn_at__isnull=True)
        .order_by("id")
        .values_list("id", "lat", "lon", "title", "kind", "district__name")
    )


def idea_revisions(*, idea: Idea) -> QuerySet[IdeaRevision]:
    """An idea's saved versions, newest first, with their authors (one query)."""
    return IdeaRevision.objects.filter(idea=idea).select_related("author").order_by("-number")


def idea_revision_number(*, idea: Idea) -> int:
    """The number of the idea's latest revision (0 if it has none): what an edit is based on."""
    latest = IdeaRevision.objects.filter(idea=idea).order_by("-number").first()
    return latest.number if latest else 0


# --- Teams --------------------------------------------------------------------------------------

_TEAM = "_team_members"  # where an idea keeps its team for the rest of the request


def team_members(*, idea: Idea) -> list[TeamMember]:
    """The idea's team, leads first, with their accounts: one query, then kept on the idea
    (the permissions ask for it several times per page). Writes forget it (``team_forget``)."""
    members = idea.__dict__.get(_TEAM)
    if members is None:
        members = list(TeamMember.objects.filter(idea=idea).select_related("user"))
        idea.__dict__[_TEAM] = members
    return members


def team_forget(idea: Idea) -> None:
    idea.__dict__.pop(_TEAM, None)


def team_membership(*, idea: Idea, user) -> TeamMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return next((m for m in team_members(idea=idea) if m.user_id == user.pk), None)


def team_open_roles(*, idea: Idea) -> QuerySet[OpenRole]:
    return OpenRole.objects.filter(idea=idea, closed_at__isnull=True).order_by("created_at", "id")


def team_requests_pending(*, idea: Idea) -> QuerySet[JoinRequest]:
    """Requests waiting for the team's leads, oldest first, with who asked and for what."""
    return (
        JoinRequest.objects.filter(idea=idea, status=JoinStatus.PENDING)
        .select_related("user", "role")
        .order_by("created_at", "id")
    )


def team_request_of(*, idea: Idea, user) -> JoinRequest | None:
    """This person's request to join waiting for an answer, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        JoinRequest.objects.filter(idea=idea, user=user, status=JoinStatus.PENDING)
        .select_related("role")
        .first()
    )


# --- Public profiles ----------------------------------------------------------------------------

PROFILE_ITEMS = 50  # of each kind on a profile page: the newest first


def person_public_get(*, user_id: int, viewer) -> User | None:
    """The account whose public profile page this is, or None: it exists for others only when
    its owner switched it on (and for its owner, as a preview)."""
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        return None
    own = getattr(viewer, "is_authenticated", False) and viewer.pk == person.pk
    return person if person.profile_public or own else None


def person_ideas(*, city: City, person) -> QuerySet[Idea]:
    """The public ideas this person started in the city (never a paper card they typed in)."""
    return (
        Idea.objects.filter(city=city, author=person, source="online", hidden_at__isnull=True)
        .select_related("district")
        .defer("description", "description_html", "search_vector", "district__geometry")
        .order_by("-created_at", "-id")[:PROFILE_ITEMS]
    )


def person_teams(*, city: City, person) -> QuerySet[TeamMember]:
    """The teams of public ideas this person is in, with their role."""
    return (
        TeamMember.objects.filter(idea__city=city, user=person, idea__hidden_at__isnull=True)
        .select_related("idea")
        .defer("idea__description", "idea__description_html", "idea__search_vector")
        .order_by("-joined_at", "-id")[:PROFILE_ITEMS]
    )
