"""What residents expect: editing and withdrawing their own ideas (with revisions and a guard
against concurrent edits), empty states that say what to do, paper ideas credited to the card's
author, a map legend as text, and a refused comment that keeps its typed text."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from quartier.accounts.services import account_erase
from quartier.cities.models import District
from quartier.conftest import BORSIGPLATZ, make_user
from quartier.core import personal_data
from quartier.core.errors import PermissionDenied, RateLimited
from quartier.ideas import services
from quartier.ideas.errors import EditConflict, IdeaError
from quartier.ideas.models import Comment, Idea, IdeaRevision
from quartier.ideas.permissions import can_edit_idea
from quartier.ideas.selectors import idea_counts_by_kind, idea_geojson_rows, idea_list
from quartier.ideas.tests.test_services import submit


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages are asserted in English (German is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def edit_data(idea, **overrides):
    data = {
        "title": idea.title,
        "summary": idea.summary,
        "description": idea.description,
        "kind": idea.kind,
        "lat": str(idea.lat),
        "lon": str(idea.lon),
        "note": "",
        "based_on": str(idea.revisions.count()),
    }
    data.update(overrides)
    return data


def edit_url(idea):
    return reverse("idea_edit", args=[idea.city.slug, idea.pk])


# --- Revisions ----------------------------------------------------------------------------------


def test_a_submission_is_revision_one(dortmund, resident):
    idea = submit(dortmund, resident)
    revision = IdeaRevision.objects.get(idea=idea)
    assert revision.number == 1
    assert revision.author == resident
    assert (revision.title, revision.kind) == (idea.title, idea.kind)


def test_the_author_edits_and_the_page_says_edited(client, dortmund, resident):
    idea = submit(dortmund, resident)
    client.force_login(resident)
    assert client.get(edit_url(idea)).status_code == 200
    response = client.post(
        edit_url(idea), edit_data(idea, title="Zwei Trinkbrunnen", note="Zweiter Brunnen")
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Zwei Trinkbrunnen"
    latest = idea.revisions.get(number=2)
    assert (latest.title, latest.note, latest.author) == (
        "Zwei Trinkbrunnen",
        "Zweiter Brunnen",
        resident,
    )
    page = client.get(reverse("idea_detail", args=["dortmund", idea.pk])).content.decode()
    revisions_url = reverse("idea_revisions", args=["dortmund", idea.pk])
    assert revisions_url in page
    listing = client.get(revisions_url).content.decode()
    assert "Zweiter Brunnen" in listing and "Anna" in listing


def test_an_unedited_idea_does_not_say_edited(client, dortmund, resident):
    idea = submit(dortmund, resident)
    page = client.get(reverse("idea_detail", args=["dortmund", idea.pk])).content.decode()
    assert reverse("idea_revisions", args=["dortmund", idea.pk]) not in page


def test_an_edit_moves_the_district_with_the_place(dortmund, resident):
    idea = submit(dortmund, resident)
    elsewhere = Idea.objects.filter(city=dortmund).exclude(district=idea.district).first()
    assert elsewhere is not None
    services.idea_update(
        idea=idea, editor=resident, title=idea.title, summary=idea.summary,
        description=idea.description, kind=idea.kind, lat=elsewhere.lat, lon=elsewhere.lon,
        based_on=1,
    )  # fmt: skip
    idea.refresh_from_db()
    assert idea.district == elsewhere.district
    assert (idea.revisions.get(number=2).lat, idea.revisions.get(number=2).lon) == (
        elsewhere.lat,
        elsewhere.lon,
    )


def test_saving_without_changes_adds_no_revision(dortmund, resident):
    idea = submit(dortmund, resident)
    services.idea_update(
        idea=idea, editor=resident, title=idea.title, summary=idea.summary,
        description=idea.description, kind=idea.kind, lat=idea.lat, lon=idea.lon, based_on=1,
    )  # fmt: skip
    assert idea.revisions.count() == 1


def test_only_the_author_may_edit(client, dortmund, resident, neighbour, moderator, unverified):
    idea = submit(dortmund, resident)
    for person in (neighbour, moderator, unverified):
        assert not can_edit_idea(user=person, idea=idea)
        client.force_login(person)
        assert client.get(edit_url(idea)).status_code == 404
        assert client.post(edit_url(idea), edit_data(idea, title="Fremd")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.idea_update(
            idea=idea, editor=moderator, title="Fremd", summary=idea.summary,
            description=idea.description, kind=idea.kind, lat=idea.lat, lon=idea.lon,
        )  # fmt: skip
    idea.refresh_from_db()
    assert idea.title != "Fremd"


def test_a_hidden_idea_cannot_be_edited_by_its_author(dortmund, resident, moderator):
    from quartier.moderation.services import content_hide

    idea = submit(dortmund, resident)
    content_hide(target=idea, moderator=moderator, reason="Regel 2")
    idea.refresh_from_db()
    assert not can_edit_idea(user=resident, idea=idea)


def test_a_concurrent_edit_is_refused_and_overwrites_nothing(dortmund, resident):
    idea = submit(dortmund, resident)
    # Two tabs opened at revision 1; the first one saves.
    services.idea_update(
        idea=idea, editor=resident, title="Erster Tab", summary=idea.summary,
        description=idea.description, kind=idea.kind, lat=idea.lat, lon=idea.lon, based_on=1,
    )  # fmt: skip
    stale = Idea.objects.get(pk=idea.pk)
    with pytest.raises(EditConflict) as caught:
        services.idea_update(
            idea=stale, editor=resident, title="Zweiter Tab", summary="Anders",
            description=stale.description, kind=stale.kind, lat=stale.lat, lon=stale.lon,
            based_on=1,
        )  # fmt: skip
    assert caught.value.latest.number == 2
    assert caught.value.changed == ["title"]
    idea.refresh_from_db()
    assert (idea.title, idea.summary) == ("Erster Tab", "Kostenloses Wasser für alle im Sommer.")
    assert idea.revisions.count() == 2


def test_the_edit_page_shows_what_changed_meanwhile_and_keeps_the_typed_text(
    client, dortmund, resident
):
    idea = submit(dortmund, resident)
    services.idea_update(
        idea=idea, editor=resident, title="Im anderen Tab gespeichert", summary=idea.summary,
        description=idea.description, kind=idea.kind, lat=idea.lat, lon=idea.lon, based_on=1,
    )  # fmt: skip
    client.force_login(resident)
    response = client.post(edit_url(idea), edit_data(idea, title="Mein Entwurf", based_on="1"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Im anderen Tab gespeichert" in body  # what changed meanwhile
    assert 'value="Mein Entwurf"' in body  # nothing typed is lost
    assert 'name="based_on" value="2"' in body  # saving again is based on what is saved now
    idea.refresh_from_db()
    assert idea.title == "Im anderen Tab gespeichert"
    # Saving again (now based on revision 2) goes through.
    response = client.post(edit_url(idea), edit_data(idea, title="Mein Entwurf", based_on="2"))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Mein Entwurf"


def test_an_edit_refuses_empty_texts(client, dortmund, resident):
    idea = submit(dortmund, resident)
    client.force_login(resident)
    response = client.post(edit_url(idea), edit_data(idea, title="   "))
    assert response.status_code == 400
    idea.refresh_from_db()
    assert idea.title == "Trinkbrunnen am Borsigplatz"


def test_first_revisions_migration_is_safe_to_rerun(dortmund, resident):
    migration = importlib.import_module(
        "quartier.ideas.migrations.0006_first_revision_of_existing_ideas"
    )
    idea = submit(dortmund, resident)
    IdeaRevision.objects.filter(idea=idea).delete()
    before = IdeaRevision.objects.count()
    migration.first_revisions_create(django_apps, None)
    migration.first_revisions_create(django_apps, None)
    revision = IdeaRevision.objects.get(idea=idea)
    assert revision.number == 1 and revision.author == resident
    assert revision.created_at == Idea.objects.get(pk=idea.pk).created_at
    assert IdeaRevision.objects.count() == before + 1


def test_revisions_are_exported_and_kept_without_the_author_on_erasure(dortmund, resident):
    idea = submit(dortmund, resident)
    services.idea_update(
        idea=idea, editor=resident, title="Neu", summary=idea.summary,
        description=idea.description, kind=idea.kind, lat=idea.lat, lon=idea.lon,
        note="Titel", based_on=1,
    )  # fmt: skip
    section = {s.name: s for s in personal_data.sections()}["idea_revisions"]
    exported = section.export(user=resident)
    assert [(row["idea"], row["number"], row["title"]) for row in exported] == [
        (idea.pk, 1, "Trinkbrunnen am Borsigplatz"),
        (idea.pk, 2, "Neu"),
    ]
    account_erase(user=resident)
    assert list(IdeaRevision.objects.filter(idea=idea).values_list("number", "author")) == [
        (1, None),
        (2, None),
    ]


# --- Withdrawing --------------------------------------------------------------------------------


def test_the_author_withdraws_with_a_reason(client, dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    comment = services.comment_add(idea=idea, author=neighbour, body="Gute Idee")
    client.force_login(resident)
    url = reverse("idea_withdraw", args=["dortmund", idea.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Hat sich erledigt"}).status_code == 302
    idea.refresh_from_db()
    assert idea.is_withdrawn and idea.withdrawn_reason == "Hat sich erledigt"
    page = client.get(reverse("idea_detail", args=["dortmund", idea.pk])).content.decode()
    assert "Hat sich erledigt" in page
    assert comment.body in page  # the comments stay
    assert 'name="body"' not in page  # no comment form
    assert reverse("idea_support", args=["dortmund", idea.pk]) not in page
    assert reverse("idea_edit", args=["dortmund", idea.pk]) not in page


def test_a_withdrawn_idea_takes_no_comments_or_supports(dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    services.idea_withdraw(idea=idea, user=resident, reason="Erledigt")
    with pytest.raises(IdeaError, match="withdrawn"):
        services.comment_add(idea=idea, author=neighbour, body="Noch was")
    with pytest.raises(IdeaError, match="withdrawn"):
        services.idea_support(idea=idea, user=neighbour)
    with pytest.raises(PermissionDenied):
        services.idea_withdraw(idea=idea, user=resident, reason="Nochmal")
    assert not Comment.objects.filter(idea=idea).exists()


def test_a_withdrawn_idea_without_comments_invites_none(client, dortmund, resident):
    idea = submit(dortmund, resident)
    url = reverse("idea_detail", args=["dortmund", idea.pk])
    assert "Questions and critique help an idea grow." in client.get(url).content.decode()
    services.idea_withdraw(idea=idea, user=resident, reason="Erledigt")
    body = client.get(url).content.decode()
    assert "Questions and critique help an idea grow." not in body
    assert "No comments." in body


def test_only_the_author_withdraws(client, dortmund, resident, neighbour, moderator):
    idea = submit(dortmund, resident)
    for person in (neighbour, moderator):
        client.force_login(person)
        url = reverse("idea_withdraw", args=["dortmund", idea.pk])
        assert client.post(url, {"reason": "Weg damit"}).status_code == 404
    idea.refresh_from_db()
    assert not idea.is_withdrawn


def test_a_withdrawn_idea_leaves_the_map_the_default_list_and_the_counts(
    client, dortmund, resident
):
    idea = submit(dortmund, resident, title="Zurückgezogene Idee")
    kinds_before = idea_counts_by_kind(city=dortmund)["ecological"]
    services.idea_withdraw(idea=idea, user=resident, reason="Erledigt")
    dortmund.refresh_from_db()
    assert idea.pk not in [row[0] for row in idea_geojson_rows(city=dortmund)]
    assert idea not in idea_list(city=dortmund)
    assert idea_counts_by_kind(city=dortmund)["ecological"] == kinds_before - 1
    default = client.get(reverse("idea_list", args=["dortmund"])).content.decode()
    assert "Zurückgezogene Idee" not in default
    withdrawn = client.get(reverse("idea_list", args=["dortmund"]), {"status": "withdrawn"})
    assert "Zurückgezogene Idee" in withdrawn.content.decode()
    geojson = client.get("/api/v1/cities/dortmund/ideas.geojson").content.decode()
    assert "Zurückgezogene Idee" not in geojson


# --- Empty states -------------------------------------------------------------------------------


def _district_without_ideas(city):
    return District.objects.filter(city=city).exclude(ideas__isnull=False).order_by("name").first()


def test_a_district_without_ideas_says_so_and_offers_to_submit_and_reset(client, dortmund):
    district = _district_without_ideas(dortmund)
    assert district is not None
    response = client.get(reverse("idea_list", args=["dortmund"]), {"district": district.slug})
    body = response.content.decode()
    assert f"0 ideas in {district.name}." in body
    assert reverse("idea_submit", args=["dortmund"]) in body
    assert 'id="reset-filters"' in body


def test_an_empty_search_names_it_and_each_filter_can_be_removed(client, dortmund):
    district = _district_without_ideas(dortmund)
    response = client.get(
        reverse("idea_list", args=["dortmund"]),
        {"q": "Zeppelinlandeplatz", "district": district.slug, "kind": "social"},
    )
    body = response.content.decode()
    assert f"No ideas in {district.name} match “Zeppelinlandeplatz”." in body
    # Removing the search keeps the district and the kind, and so on.
    assert f'href="/dortmund/ideas/?district={district.slug}&amp;kind=social"' in body
    assert 'href="/dortmund/ideas/?q=Zeppelinlandeplatz&amp;kind=social"' in body
    assert 'href="/dortmund/ideas/" id="reset-filters"' in body


def test_a_list_with_ideas_shows_no_empty_state(client, dortmund):
    body = client.get(reverse("idea_list", args=["dortmund"])).content.decode()
    assert 'id="empty-state"' not in body


def test_invalid_filters_offer_a_reset(client, dortmund):
    response = client.get(reverse("idea_list", args=["dortmund"]), {"kind": "nonsense"})
    assert response.status_code == 400
    assert 'href="/dortmund/ideas/"' in response.content.decode()


# --- Paper ideas --------------------------------------------------------------------------------


def _analog_post(client, **overrides):
    data = {
        "analog": "1",
        "analog_origin": "Stadtteilfest Mengede",
        "title": "Boulebahn im Park",
        "summary": "Eine Bahn für alle.",
        "description": "Von einer Karte.",
        "kind": "social",
        "innovator_type": "resident",
        "lat": str(BORSIGPLATZ[0]),
        "lon": str(BORSIGPLATZ[1]),
    }
    data.update(overrides)
    return client.post(reverse("idea_submit", args=["dortmund"]), data)


def test_a_paper_idea_is_credited_to_the_name_on_the_card(client, dortmund, moderator):
    client.force_login(moderator)
    response = _analog_post(client, analog_author_name="Erika M.")
    assert response.status_code == 302
    idea = Idea.objects.get(title="Boulebahn im Park")
    assert idea.analog_author_name == "Erika M."
    page = client.get(response["Location"]).content.decode()
    assert "By Erika M. (paper card, entered by the city)" in page
    assert moderator.display_name not in page.split("<article>")[1].split("</p>")[0]


def test_a_paper_idea_without_a_name_is_anonymous(client, dortmund, moderator):
    client.force_login(moderator)
    response = _analog_post(client)
    page = client.get(response["Location"]).content.decode()
    assert "Anonymous (paper card, entered by the city)" in page
    assert moderator.display_name not in page.split("<h1>")[1].split("</p>")[0]


def test_the_analog_form_speaks_of_the_card(client, dortmund, moderator):
    client.force_login(moderator)
    body = client.get(reverse("idea_submit", args=["dortmund"]) + "?analog=1").content.decode()
    assert 'name="analog_author_name"' in body
    assert "the idea on the card" in body


def test_an_online_idea_ignores_a_card_name(dortmund, resident):
    idea = submit(dortmund, resident, analog_author_name="Jemand")
    assert idea.analog_author_name == ""


# --- The map legend -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/dortmund/", "/dortmund/map/", "/dortmund/ideas/new/"])
def test_the_map_legend_is_text_beside_the_map(client, dortmund, resident, url):
    client.force_login(resident)
    body = client.get(url).content.decode()
    legend = body.split('class="map-legend"')[1].split("</ul>")[0]
    for label in ("Social", "Ecological", "Technological", "Entrepreneurial", "Cultural"):
        assert label in legend


def test_the_legend_colours_are_the_map_markers_colours():
    root = Path(__file__).resolve().parents[2] / "core"
    script = (root / "static/quartier/map.js").read_text()
    block = script.split("const KIND_COLOURS = {")[1].split("};")[0]
    marker = dict(re.findall(r"(\w+): \"(#[0-9a-f]{6})\"", block))
    legend = (root / "templates/core/_map_legend.html").read_text()
    shown = dict(re.findall(r'data-kind="(\w+)"><span[^>]*background:(#[0-9a-f]{6})', legend))
    shown.pop("hotspot")
    assert shown == marker


# --- A refused comment keeps its text -----------------------------------------------------------


def test_a_rate_limited_comment_keeps_its_typed_text(client, dortmund, resident, monkeypatch):
    idea = submit(dortmund, resident)

    def refuse(**kwargs):
        raise RateLimited("You are doing that too often. Please wait a few minutes and try again.")

    monkeypatch.setattr(services, "rate_limit_check", refuse)
    client.force_login(resident)
    url = reverse("comment_add", args=["dortmund", idea.pk])
    response = client.post(url, {"body": "Mein langer, sorgfältig getippter Kommentar"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Mein langer, sorgfältig getippter Kommentar</textarea>" in body
    assert "too often" in body
    assert not Comment.objects.filter(idea=idea).exists()


def test_a_too_long_comment_keeps_its_typed_text(client, dortmund, resident):
    idea = submit(dortmund, resident)
    client.force_login(resident)
    text = "x" * 2_001
    response = client.post(reverse("comment_add", args=["dortmund", idea.pk]), {"body": text})
    assert response.status_code == 400
    assert f"{text}</textarea>" in response.content.decode()


def test_a_comment_of_an_unverified_account_still_redirects(client, dortmund, resident, unverified):
    idea = submit(dortmund, resident)
    client.force_login(unverified)
    response = client.post(reverse("comment_add", args=["dortmund", idea.pk]), {"body": "Hallo"})
    assert response.status_code == 302


def test_a_second_account_edit_needs_its_own_idea(dortmund, resident):
    other = make_user("other.editor@example.org", name="Other")
    idea = submit(dortmund, resident)
    assert not can_edit_idea(user=other, idea=idea)


def test_an_erased_author_reads_as_a_former_member_in_good_german(client, dortmund, resident):
    from quartier.accounts.services import account_erase
    from quartier.ideas.models import Idea

    idea = Idea.objects.filter(city=dortmund).earliest("id")
    idea.author = resident
    idea.save(update_fields=["author"])
    account_erase(user=resident)
    client.cookies["django_language"] = "de"
    german = client.get(f"/dortmund/ideas/{idea.pk}/").content.decode()
    assert "Von einem ehemaligen Mitglied" in german and "Von ein ehemaliges" not in german
    client.cookies["django_language"] = "en"
    english = client.get(f"/dortmund/ideas/{idea.pk}/").content.decode()
    assert "By a former member" in english
