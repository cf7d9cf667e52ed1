"""Idea search: what it finds, and that PostgreSQL serves it from indexes, not a scan."""

import pytest
from django.db import connection

from quartier.ideas.models import Idea
from quartier.ideas.selectors import IdeaFilters, _search, idea_list
from quartier.ideas.tests.test_services import submit


def titles(city, query):
    return {idea.title for idea in idea_list(city=city, filters=IdeaFilters(query=query))}


@pytest.fixture
def workshop(dortmund, resident):
    return submit(
        dortmund,
        resident,
        title="Fahrradwerkstatt im Hinterhof",
        summary="Werkzeug zum Teilen.",
        description="Auch ein Lastenrad steht bereit, für Einkäufe in der Nachbarschaft.",
    )


@pytest.mark.parametrize(
    "query",
    [
        "Fahrradwerkstatt",  # the whole word
        "werkstatt",  # part of a German compound in the title
        "Fahrradwerk",  # the start of a word
        "Lastenrad",  # a word of the description only
        "lastenrad hinterhof",  # every word, in any order and case
    ],
)
def test_search_finds_an_idea_by_words_and_parts_of_words(dortmund, workshop, query):
    assert workshop.title in titles(dortmund, query)


def test_an_excluded_word_stays_excluded(dortmund, workshop):
    assert workshop.title in titles(dortmund, "Lastenrad")
    assert workshop.title not in titles(dortmund, "Lastenrad -Hinterhof")


def test_search_leaves_out_ideas_without_the_words(dortmund, workshop):
    found = titles(dortmund, "Lastenrad")
    assert found == {workshop.title}
    assert titles(dortmund, "Unterwasserbasis") == set()


def test_search_follows_edits_of_the_texts(dortmund, workshop):
    """On PostgreSQL the stored vector is rewritten by a trigger, bulk updates included."""
    Idea.objects.filter(pk=workshop.pk).update(description="Jetzt mit Werkbank für Kinder.")
    assert workshop.title in titles(dortmund, "Werkbank")
    assert workshop.title not in titles(dortmund, "Lastenrad")


@pytest.mark.parametrize("query", ["der", "& | ! :*", "'\"", "ä_ß"])
def test_search_syntax_and_stop_words_never_break_the_list(client, dortmund, workshop, query):
    # Neither the selector nor the page fails on operators or stop words: the words are quoted
    # before PostgreSQL sees them. Operators alone are no words, so they find nothing; "der" is
    # a stop word in PostgreSQL's German and a plain substring on SQLite, so only the page counts.
    found = titles(dortmund, query)
    if query != "der":
        assert workshop.title not in found
    response = client.get("/dortmund/ideas/", {"q": query})
    assert response.status_code == 200
    assert (workshop.title in response.content.decode()) == (workshop.title in found)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's plans; make test runs it there"
)
def test_postgresql_search_uses_the_full_text_and_trigram_indexes(dortmund, workshop):
    with connection.cursor() as cursor:
        # A tiny table is read whole anyway; forbid whole reads (a scan of the table or of an
        # unrelated index) so that the plan shows which indexes can answer the search itself.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = _search(Idea.objects.order_by(), "werkstatt").explain()
    assert "idea_search_vector" in plan
    assert "idea_title_trigram" in plan
