"""Similar ideas on the idea page (#11): found in the same city, kept up to date through the
city's idea layer version (submission, edit, hiding), never hidden or of another city."""

import pytest
from django.urls import reverse

from quartier.ideas import services, similar
from quartier.ideas.tests.test_services import submit
from quartier.moderation.services import content_hide
from quartier.tests.conftest import musterstadt_create


@pytest.fixture(autouse=True)
def english(client, settings):
    # Each test starts without indexes (quartier/conftest.py forgets them).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def benches(city, author, title="Neue Bänke im Westpark"):
    return submit(
        city,
        author,
        title=title,
        summary="Mehr Sitzbänke für ältere Menschen im Westpark.",
        description="Im Westpark fehlen Bänke zum Ausruhen.",
    )


def fountain(city, author):
    return submit(
        city,
        author,
        title="Trinkbrunnen am Borsigplatz",
        summary="Kostenloses Wasser im Sommer.",
        description="Ein Brunnen hilft bei Hitze.",
    )


def test_a_paraphrase_is_found_and_an_unrelated_idea_is_not(dortmund, resident, neighbour):
    first = benches(dortmund, resident)
    second = benches(dortmund, neighbour, title="Sitzbank im Westpark aufstellen")
    water = fountain(dortmund, neighbour)
    assert similar.similar_to(idea=first) == [second]
    assert water not in similar.similar_to(idea=second)


def test_the_page_shows_similar_ideas_and_follows_new_edited_and_hidden_ones(
    client, dortmund, resident, neighbour, moderator
):
    first = benches(dortmund, resident)
    url = reverse("idea_detail", args=["dortmund", first.pk])
    assert "Similar ideas" not in client.get(url).content.decode()
    second = benches(dortmund, neighbour, title="Sitzbank im Westpark aufstellen")
    page = client.get(url).content.decode()
    assert "Similar ideas" in page and "Sitzbank im Westpark aufstellen" in page
    # Edited away from benches: no longer similar.
    services.idea_update(
        idea=second,
        title="Trinkbrunnen am Hafen",
        summary="Wasser für alle am Hafen.",
        description="Ein Brunnen am Hafen.",
        kind=second.kind,
        lat=second.lat,
        lon=second.lon,
        editor=neighbour,
    )
    assert "Trinkbrunnen am Hafen" not in client.get(url).content.decode()
    third = benches(dortmund, neighbour, title="Parkbänke im Westpark")
    assert "Parkbänke im Westpark" in client.get(url).content.decode()
    content_hide(target=third, moderator=moderator, reason="Doppelt")
    assert "Parkbänke im Westpark" not in client.get(url).content.decode()


def test_ideas_of_another_city_are_never_similar(dortmund, resident, neighbour):
    other = musterstadt_create()
    first = benches(dortmund, resident)
    elsewhere = submit(
        other,
        neighbour,
        title="Neue Bänke im Westpark",
        summary="Mehr Sitzbänke für ältere Menschen im Westpark.",
        description="Im Westpark fehlen Bänke zum Ausruhen.",
        lat=other.centre_lat,
        lon=other.centre_lon,
    )
    assert elsewhere not in similar.similar_to(idea=first)
    assert similar.similar_to(idea=first) == []


# --- While typing a new idea -------------------------------------------------------------------


def similar_url(**query):
    from urllib.parse import urlencode

    return reverse("idea_similar", args=["dortmund"]) + "?" + urlencode(query)


def test_typing_a_new_idea_shows_the_similar_ones(client, dortmund, resident, neighbour):
    first = benches(dortmund, resident)
    fountain(dortmund, neighbour)
    answer = client.get(similar_url(title="Bänke für den Westpark", summary="Zum Ausruhen"))
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "A similar idea exists already" in page and first.title in page
    assert "Trinkbrunnen" not in page
    assert 'target="_blank"' in page and "(opens in a new tab)" in page
    # Nothing like it, too short, or nothing typed: an empty fragment.
    for query in ({"title": "Quantencomputer"}, {"title": "ab"}, {}):
        assert client.get(similar_url(**query)).content.decode().strip() == ""


def test_typing_hostile_input_is_cut_short_escaped_and_counted(client, dortmund, resident):
    benches(dortmund, resident)
    page = client.get(
        similar_url(title="<script>alert(1)</script> Westpark Bänke" + "x" * 5000, summary="\\x00")
    )
    assert page.status_code == 200 and "<script>alert" not in page.content.decode()
    from quartier.ideas.views import SIMILAR_LOOKUPS_PER_ADDRESS

    for _ in range(SIMILAR_LOOKUPS_PER_ADDRESS):
        client.get(similar_url(title="Westpark"))
    assert client.get(similar_url(title="Westpark")).status_code == 429


def test_the_form_asks_for_similar_ideas_while_typing(client, dortmund, resident):
    client.force_login(resident)
    page = client.get(reverse("idea_submit", args=["dortmund"])).content.decode()
    assert 'id="similar-while-typing" aria-live="polite"' in page
    assert reverse("idea_similar", args=["dortmund"]) in page


def test_what_strangers_type_never_grows_the_index(client, dortmund, resident):
    benches(dortmund, resident)
    client.get(similar_url(title="Westpark"))
    index = similar._index_for(dortmund)
    size, vocabulary = len(index), len(index._term_ids)
    for number in range(20):
        client.get(similar_url(title=f"Unsinn{number} Wort{number}x", summary=f"zzz{number}"))
    assert (len(index), len(index._term_ids)) == (size, vocabulary)
