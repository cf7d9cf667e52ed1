import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.ideas import selectors
from quartier.ideas.models import Idea
from quartier.ideas.selectors import IdeaFilters, idea_list
from quartier.ideas.tests.test_services import submit

DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


@pytest.mark.parametrize("sort", ["newest", "supported", "discussed"])
def test_deep_pages_found_by_ids_first_are_the_same_pages(
    dortmund, resident, monkeypatch, settings, sort
):
    settings.CACHES = {alias: {"BACKEND": DUMMY_CACHE} for alias in settings.CACHES}
    for number in range(7):
        submit(dortmund, resident, title=f"Idee {number}")
    monkeypatch.setattr(selectors, "DEFERRED_JOIN_OFFSET", 2)
    ideas = idea_list(city=dortmund, filters=IdeaFilters(sort=sort))
    expected = list(
        Idea.objects.filter(city=dortmund, hidden_at__isnull=True)
        .order_by(*selectors.SORT_ORDERS[sort])
        .values_list("pk", flat=True)
    )
    paginator = Paginator(ideas, 3)
    seen = []
    for number in paginator.page_range:
        with CaptureQueriesContext(connection) as context:
            seen += [idea.pk for idea in paginator.page(number).object_list]
        assert len(context.captured_queries) == 1
    assert seen == expected
    deep = str(ideas[3:6].query)
    assert "LIMIT 3 OFFSET 3" in deep.replace("  ", " ") and " IN (SELECT" in deep
    assert "OFFSET" not in str(ideas[0:3].query)


def test_deep_search_pages_and_values_are_plain_slices(dortmund, monkeypatch):
    monkeypatch.setattr(selectors, "DEFERRED_JOIN_OFFSET", 1)
    found = idea_list(city=dortmund, filters=IdeaFilters(query="Reparatur"))
    assert [idea.title for idea in found[0:5]] == ["Reparatur-Café im Makerspace"]
    assert list(found[1:5]) == []
    titles = idea_list(city=dortmund).values_list("title", flat=True)
    assert list(titles[1:3]) == list(
        Idea.objects.filter(city=dortmund)
        .order_by("-created_at", "-id")
        .values_list("title", flat=True)[1:3]
    )
