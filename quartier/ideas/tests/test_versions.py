"""Improving an idea together (#11): a readable diff between any two versions, words not lines;
the author restores an earlier version as a new one, and no version is ever lost."""

import pytest
from django.urls import reverse

from quartier.core.errors import PermissionDenied
from quartier.ideas import services
from quartier.ideas.diffs import MAX_WORD_TOKENS, Piece, changed, word_diff
from quartier.ideas.errors import EditConflict, IdeaError
from quartier.ideas.models import IdeaRevision
from quartier.ideas.tests.test_services import submit


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def both_sides(pieces):
    old = "".join(p.text for p in pieces if p.op != "added")
    new = "".join(p.text for p in pieces if p.op != "removed")
    return old, new


# --- The word diff (plain Python) -------------------------------------------------------------


def test_words_not_lines_are_marked():
    pieces = word_diff("Ein Brunnen hilft bei Hitze.", "Zwei Brunnen helfen bei Hitze.")
    assert [p for p in pieces if p.op != "same"] == [
        Piece("removed", "Ein"),
        Piece("added", "Zwei"),
        Piece("removed", "hilft"),
        Piece("added", "helfen"),
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),
        ("", "Neu."),
        ("Alt.", ""),
        ("Eins\nZwei\nDrei", "Eins\nZwo\nDrei\nVier"),
        ("Gleich", "Gleich"),
        ("Ümläute, ß & <b>Tags</b>", "Umlaute, ss & <i>Tags</i>"),
        ("a\r\nb", "a\nb"),
    ],
)
def test_the_pieces_give_back_both_texts(old, new):
    pieces = word_diff(old, new)
    assert both_sides(pieces) == (old, new)
    assert changed(pieces) == (old != new)


def test_a_huge_paragraph_shows_whole_instead_of_taking_seconds():
    old = " ".join(f"w{i % 7}" for i in range(MAX_WORD_TOKENS))
    new = " ".join(f"w{i % 5}" for i in range(MAX_WORD_TOKENS))
    pieces = word_diff(old, new)
    assert pieces == [Piece("removed", old), Piece("added", new)]


# --- Comparing and restoring on the site -------------------------------------------------------


@pytest.fixture
def edited(dortmund, resident):
    idea = submit(dortmund, resident, description="Ein Brunnen hilft bei Hitze.")
    services.idea_update(
        idea=idea,
        title=idea.title,
        summary=idea.summary,
        description="Zwei Brunnen helfen bei Hitze.",
        kind="social",
        lat=idea.lat,
        lon=idea.lon,
        editor=resident,
        note="Zwei statt einer",
    )
    return idea


def compare_url(idea, **query):
    url = reverse("idea_compare", args=[idea.city.slug, idea.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_compare_page_marks_removed_and_added_words(client, edited):
    page = client.get(compare_url(edited)).content.decode()
    assert '<del><span class="visually-hidden">removed: </span>Ein</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>Zwei</ins>' in page
    assert "The kind changed from Ecological to Social." in page
    assert "The place on the map stayed the same." in page
    # Any two versions, either way round.
    back = client.get(compare_url(edited, **{"from": 2, "to": 1})).content.decode()
    assert '<ins><span class="visually-hidden">added: </span>Ein</ins>' in back


@pytest.mark.parametrize("asked", ["9", "0", "-1", "x", "1" * 40])
def test_an_unknown_version_is_said_and_nothing_else_compared(client, edited, asked):
    answer = client.get(compare_url(edited, **{"from": asked, "to": 2}))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "This idea has no version" in page and "<del>" not in page
    assert f"This idea has no version {asked[:12]}. Please" in page  # echoed short


def test_the_author_restores_an_old_version_as_a_new_one(client, edited, resident):
    client.force_login(resident)
    versions = client.get(reverse("idea_revisions", args=["dortmund", edited.pk])).content.decode()
    assert "Restore version 1" in versions and "Restore version 2" not in versions
    answer = client.post(
        reverse("idea_restore", args=["dortmund", edited.pk, 1]), {"based_on": "2"}
    )
    assert answer.status_code == 302
    edited.refresh_from_db()
    assert edited.description == "Ein Brunnen hilft bei Hitze." and edited.kind == "ecological"
    numbers = list(edited.revisions.order_by("number").values_list("number", "note"))
    assert numbers == [(1, ""), (2, "Zwei statt einer"), (3, "Version 1 restored.")]
    # Restoring what the idea already reads like adds nothing.
    assert services.idea_restore(idea=edited, number=3, editor=resident) is False
    assert edited.revisions.count() == 3


def test_restoring_on_an_old_page_is_refused_when_someone_saved_since(edited, resident):
    with pytest.raises(EditConflict):
        services.idea_restore(idea=edited, number=1, editor=resident, based_on=1)
    assert IdeaRevision.objects.filter(idea=edited).count() == 2


def test_only_the_author_restores(client, edited, neighbour, moderator):
    for who in (neighbour, moderator):
        with pytest.raises(PermissionDenied):
            services.idea_restore(idea=edited, number=1, editor=who)
        client.force_login(who)
        answer = client.post(reverse("idea_restore", args=["dortmund", edited.pk, 1]))
        assert answer.status_code == 404
    assert edited.revisions.count() == 2
    with pytest.raises(IdeaError):
        services.idea_restore(idea=edited, number=9, editor=edited.author)
