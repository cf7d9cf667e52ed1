"""The pages on top: the health probe, the way in from '/', the home page, list sorting."""

import pytest
from django.urls import reverse

from quartier.cities.models import City
from quartier.ideas.models import Idea


def test_health_answers_without_the_database(client):
    # No database fixture: pytest-django refuses any query, so touching the database fails this.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_root_leads_to_the_only_city(client, dortmund):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/dortmund/"


def test_root_leads_to_the_default_city_among_several(client, dortmund, settings):
    City.objects.create(slug="bochum", name="Bochum", centre_lat=51.48, centre_lon=7.22)
    assert client.get("/")["Location"] == "/dortmund/"
    settings.DEFAULT_CITY_SLUG = "nowhere"
    body = client.get("/").content.decode()
    assert 'href="/bochum/"' in body and 'href="/dortmund/"' in body


def test_root_without_any_city_shows_the_empty_chooser(client, db):
    response = client.get("/")
    assert response.status_code == 200


def _titles_in_order(client, **query) -> list[str]:
    body = client.get(reverse("idea_list", args=["dortmund"]), query).content.decode()
    ideas = Idea.objects.filter(city__slug="dortmund")
    positions = {idea.title: body.find(idea.title) for idea in ideas if idea.title in body}
    return sorted(positions, key=positions.__getitem__)


@pytest.mark.parametrize(
    ("sort", "field"), [("supported", "support_count"), ("discussed", "comment_count")]
)
def test_sorting_by_supports_and_comments_orders_by_the_counts(client, dortmund, sort, field):
    # Counts unlike the order of creation, so that "newest" would give another order.
    ideas = list(Idea.objects.filter(city=dortmund).order_by("id"))
    for count, idea in zip([3, 9, 1, 7, 5], ideas, strict=True):
        Idea.objects.filter(pk=idea.pk).update(**{field: count})
    expected = [
        idea.title for idea in sorted(ideas, key=lambda idea: -[3, 9, 1, 7, 5][ideas.index(idea)])
    ]
    assert _titles_in_order(client, sort=sort) == expected
    assert _titles_in_order(client, sort="newest") == [idea.title for idea in reversed(ideas)]


def test_stage_filter_accepts_known_stages_and_refuses_others(client, dortmund):
    assert client.get(reverse("idea_list", args=["dortmund"]), {"stage": "idea"}).status_code == 200
    response = client.get(reverse("idea_list", args=["dortmund"]), {"stage": "rocket"})
    assert response.status_code == 400


def test_idea_submissions_and_reports_are_rate_limited(dortmund, resident, neighbour):
    from quartier.core.errors import RateLimited
    from quartier.ideas.tests.test_services import submit
    from quartier.moderation.services import report_create

    for number in range(10):
        submit(dortmund, resident, title=f"Idee Nummer {number}")
    with pytest.raises(RateLimited):
        submit(dortmund, resident, title="Eine zu viel")
    assert Idea.objects.filter(author=resident).count() == 10
    ideas = list(Idea.objects.filter(author=resident))
    comments = []
    from quartier.ideas.services import comment_add

    for idea in ideas:
        comments.extend(comment_add(idea=idea, author=resident, body=f"K{n}") for n in range(3))
    targets = ideas + comments
    for target in targets[:20]:
        report_create(reporter=neighbour, target=target, reason="spam")
    with pytest.raises(RateLimited):
        report_create(reporter=neighbour, target=targets[20], reason="spam")


def test_english_dates_are_unambiguous_and_german_ones_german(client, dortmund):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.template import Context, Template
    from django.utils import translation

    moment = datetime(2026, 12, 2, 14, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    template = Template('{{ at|date:"SHORT_DATE_FORMAT" }}|{{ at|date:"DATETIME_FORMAT" }}')
    with translation.override("en"):
        assert template.render(Context({"at": moment})) == "2 Dec 2026|2 December 2026, 14:05"
    with translation.override("de"):
        assert template.render(Context({"at": moment})) == "02.12.2026|2. Dezember 2026 14:05"


def test_the_kept_navigation_differs_by_city_language_and_duty(client, dortmund, moderator):
    # The layout keeps the city's links rendered; a moderator's link must not reach a resident,
    # one language's words not another's page, nor one city's addresses another city.
    bochum = City.objects.create(slug="bochum", name="Bochum", centre_lat=51.48, centre_lon=7.22)
    client.force_login(moderator)
    assert "/dortmund/moderation/" in client.get("/dortmund/").content.decode()
    client.logout()
    client.cookies["django_language"] = "en"
    english = client.get("/dortmund/").content.decode()
    assert "/dortmund/moderation/" not in english and ">Ideas</a>" in english
    client.cookies["django_language"] = "de"
    german = client.get("/dortmund/").content.decode()
    assert ">Ideen</a>" in german and ">Ideas</a>" not in german
    elsewhere = client.get(f"/{bochum.slug}/").content.decode()
    assert 'href="/bochum/ideas/"' in elsewhere
    assert 'href="/dortmund/ideas/"' not in elsewhere
    assert reverse("legal_page", args=["bochum", "impressum"]) in elsewhere
    assert reverse("legal_page", args=["dortmund", "impressum"]) not in elsewhere
