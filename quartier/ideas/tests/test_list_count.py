from django.db import connection
from django.test.utils import CaptureQueriesContext

from quartier.ideas.models import Idea
from quartier.ideas.selectors import IdeaFilters, idea_list
from quartier.ideas.tests.test_services import submit
from quartier.moderation.services import content_hide


def count_queries(queryset) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        count = queryset.count()
    return count, len(context.captured_queries)


def test_list_count_is_cached_until_the_idea_layer_changes(dortmund, resident, moderator):
    visible = Idea.objects.filter(city=dortmund, hidden_at__isnull=True).count()
    assert count_queries(idea_list(city=dortmund)) == (visible, 1)
    assert count_queries(idea_list(city=dortmund)) == (visible, 0)

    submit(dortmund, resident, title="Noch eine Idee")
    dortmund.refresh_from_db()
    assert count_queries(idea_list(city=dortmund)) == (visible + 1, 1)

    idea = Idea.objects.filter(city=dortmund).first()
    content_hide(target=idea, moderator=moderator, reason="Test")
    dortmund.refresh_from_db()
    assert count_queries(idea_list(city=dortmund)) == (visible, 1)


def test_list_count_is_cached_per_filter(dortmund):
    nord = dortmund.districts.get(slug="innenstadt-nord")
    everything = idea_list(city=dortmund).count()
    in_nord = idea_list(city=dortmund, filters=IdeaFilters(district=nord)).count()
    expected = Idea.objects.filter(city=dortmund, district=nord, hidden_at__isnull=True).count()
    assert in_nord == expected < everything
    further = idea_list(city=dortmund).filter(kind="ecological")
    assert further.count() == Idea.objects.filter(city=dortmund, kind="ecological").count()


def test_search_counts_are_not_cached(dortmund):
    filters = IdeaFilters(query="Reparatur")
    assert count_queries(idea_list(city=dortmund, filters=filters))[1] == 1
    assert count_queries(idea_list(city=dortmund, filters=filters))[1] == 1
