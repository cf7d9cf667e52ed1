import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartier.conftest import BORSIGPLATZ, PARIS, image_bytes
from quartier.ideas.models import Idea
from quartier.ideas.tests.test_services import submit

DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"


def idea_form_data(**overrides):
    data = {
        "title": "Bank unter der Linde",
        "summary": "Eine Bank zum Ausruhen.",
        "description": "Für ältere Menschen auf dem Weg zum Markt.",
        "kind": "social",
        "innovator_type": "resident",
        "lat": str(BORSIGPLATZ[0]),
        "lon": str(BORSIGPLATZ[1]),
    }
    data.update(overrides)
    return data


def seed_ideas(city, author, count):
    for number in range(count):
        submit(city, author, title=f"Idee {number}")


def list_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_idea_list_runs_a_constant_number_of_queries(client, dortmund, resident, settings):
    url = reverse("idea_list", args=["dortmund"])
    few = list_queries(client, url)
    # Bypass the rate limit: it is about people, and this seeds data.
    settings.CACHES = {alias: {"BACKEND": DUMMY_CACHE} for alias in settings.CACHES}
    seed_ideas(dortmund, resident, 25)
    many = list_queries(client, url)
    assert many == few
    assert many <= 6


def test_anyone_can_read_list_and_detail(client, dortmund):
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    assert client.get(reverse("idea_list", args=["dortmund"])).status_code == 200
    response = client.get(reverse("idea_detail", args=["dortmund", idea.pk]))
    assert response.status_code == 200
    assert idea.title in response.content.decode()


def test_filters_and_search_narrow_the_list(client, dortmund):
    response = client.get(reverse("idea_list", args=["dortmund"]), {"district": "horde"})
    body = response.content.decode()
    assert "Sensoren für Hitzeinseln" in body
    assert "Pocket-Park" not in body
    response = client.get(reverse("idea_list", args=["dortmund"]), {"q": "Reparatur"})
    assert "Reparatur-Café" in response.content.decode()
    assert "Pocket-Park" not in response.content.decode()


def test_unknown_district_filter_gets_a_message(client, dortmund):
    response = client.get(reverse("idea_list", args=["dortmund"]), {"district": "atlantis"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_negative_page_gets_a_message(client, dortmund):
    response = client.get(reverse("idea_list", args=["dortmund"]), {"page": "-3"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_htmx_request_gets_only_the_results(client, dortmund):
    response = client.get(reverse("idea_list", args=["dortmund"]), HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert 'class="cards"' in response.content.decode()


def test_submit_needs_sign_in(client, dortmund):
    response = client.get(reverse("idea_submit", args=["dortmund"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_submit_form_creates_the_idea(client, dortmund, resident):
    client.force_login(resident)
    response = client.post(reverse("idea_submit", args=["dortmund"]), idea_form_data())
    idea = Idea.objects.get(title="Bank unter der Linde")
    assert response.status_code == 302
    assert response["Location"] == reverse("idea_detail", args=["dortmund", idea.pk])
    assert idea.district.name == "Innenstadt-Nord"


def test_submit_form_outside_city_shows_the_message(client, dortmund, resident):
    client.force_login(resident)
    response = client.post(
        reverse("idea_submit", args=["dortmund"]),
        idea_form_data(lat=str(PARIS[0]), lon=str(PARIS[1])),
    )
    assert response.status_code == 400
    assert (
        "außerhalb von Dortmund" in response.content.decode()
        or "outside Dortmund" in response.content.decode()
    )
    assert not Idea.objects.filter(title="Bank unter der Linde").exists()


def test_submit_form_refuses_a_pdf_named_jpg(client, dortmund, resident):
    client.force_login(resident)
    data = idea_form_data()
    data["images"] = SimpleUploadedFile("plan.jpg", b"%PDF-1.4 fake", "image/jpeg")
    response = client.post(reverse("idea_submit", args=["dortmund"]), data)
    assert response.status_code == 400
    assert "plan.jpg" in response.content.decode()
    assert not Idea.objects.filter(title="Bank unter der Linde").exists()


def test_submit_form_accepts_a_png(client, dortmund, resident):
    client.force_login(resident)
    data = idea_form_data()
    data["images"] = SimpleUploadedFile("ok.png", image_bytes("PNG"), "image/png")
    response = client.post(reverse("idea_submit", args=["dortmund"]), data)
    assert response.status_code == 302
    assert Idea.objects.get(title="Bank unter der Linde").images.count() == 1


def test_unverified_user_is_sent_to_confirm_email(client, dortmund, unverified):
    client.force_login(unverified)
    response = client.get(reverse("idea_submit", args=["dortmund"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email")


def test_support_via_htmx_returns_the_button(client, dortmund, neighbour):
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    client.force_login(neighbour)
    url = reverse("idea_support", args=["dortmund", idea.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    client.post(url, HTTP_HX_REQUEST="true")  # a double click does not count twice
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_hidden_comment_shows_the_reason_not_the_text(client, dortmund, resident, moderator):
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    client.force_login(resident)
    client.post(reverse("comment_add", args=["dortmund", idea.pk]), {"body": "Geheimer Unsinn"})
    comment = idea.comments.get()
    client.force_login(moderator)
    client.post(
        reverse("comment_hide", args=["dortmund", idea.pk, comment.pk]), {"reason": "Off-Topic"}
    )
    client.logout()
    body = client.get(reverse("idea_detail", args=["dortmund", idea.pk])).content.decode()
    assert "Geheimer Unsinn" not in body
    assert "Off-Topic" in body


def test_moderation_queue_is_for_the_citys_moderators_only(client, dortmund, resident, moderator):
    url = reverse("moderation_queue", args=["dortmund"])
    client.force_login(resident)
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    assert client.get(url).status_code == 200


def test_unknown_city_is_404(client, db):
    assert client.get("/atlantis/ideas/").status_code == 404


@pytest.mark.parametrize("language,word", [("de", "Ideen"), ("en", "Ideas")])
def test_language_switch(client, dortmund, language, word):
    client.post(reverse("set_language"), {"language": language, "next": "/dortmund/ideas/"})
    body = client.get(reverse("idea_list", args=["dortmund"])).content.decode()
    assert f'lang="{language}"' in body
    assert word in body


def test_moderator_closes_a_report_without_action(client, dortmund, resident, moderator):
    from quartier.moderation.services import report_create

    idea = Idea.objects.filter(city=dortmund).earliest("id")
    report = report_create(reporter=resident, reason="spam", target=idea)
    url = reverse("moderation_act", args=["dortmund", "idea", idea.pk, "dismiss"])
    client.force_login(resident)
    client.post(url, {"reason": "egal"})
    report.refresh_from_db()
    assert report.resolved_at is None  # residents cannot close reports
    client.force_login(moderator)
    queue = client.get(reverse("moderation_queue", args=["dortmund"])).content.decode()
    assert idea.title in queue
    client.post(url, {"reason": "Kein Verstoß"})
    report.refresh_from_db()
    assert report.resolved_by == moderator and report.resolution == "Kein Verstoß"
    queue = client.get(reverse("moderation_queue", args=["dortmund"])).content.decode()
    assert idea.title not in queue


def test_idea_page_shows_its_place_on_a_map(client, dortmund):
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    body = client.get(reverse("idea_detail", args=["dortmund", idea.pk])).content.decode()
    assert f'data-focus-lat="{idea.lat:f}"' in body


def test_admin_lists_ideas_for_staff(client, dortmund, db):
    from quartier.accounts.models import User

    admin = User.objects.create_superuser(email="root@example.org", password="x", display_name="R")
    client.force_login(admin)
    for url in ["/admin/ideas/idea/", "/admin/ideas/comment/", "/admin/moderation/report/"]:
        assert client.get(url).status_code == 200, url
    body = client.get("/admin/ideas/idea/", {"q": "Pocket"}).content.decode()
    assert "Pocket-Park" in body


def test_home_counts_ideas_by_kind_and_follows_writes(client, dortmund, resident):
    body = client.get(reverse("city_home", args=["dortmund"])).content.decode()
    assert "<strong>5</strong>" in body
    submit(dortmund, resident, kind="social")
    body = client.get(reverse("city_home", args=["dortmund"])).content.decode()
    assert "<strong>6</strong>" in body


def test_pagination_links_keep_the_filters(client, dortmund, resident, settings):
    settings.CACHES = {alias: {"BACKEND": DUMMY_CACHE} for alias in settings.CACHES}
    seed_ideas(dortmund, resident, 25)  # all at Borsigplatz: Innenstadt-Nord
    response = client.get(
        reverse("idea_list", args=["dortmund"]),
        {"district": "innenstadt-nord", "sort": "supported"},
    )
    body = response.content.decode()
    assert "?district=innenstadt-nord&amp;sort=supported&amp;page=2" in body
    page_two = client.get(
        reverse("idea_list", args=["dortmund"]),
        {"district": "innenstadt-nord", "sort": "supported", "page": 2},
    ).content.decode()
    assert 'rel="prev"' in page_two and "page=1" in page_two


def test_idea_page_runs_a_constant_number_of_queries(
    client, dortmund, resident, neighbour, settings
):
    from quartier.ideas import services

    settings.CACHES = {alias: {"BACKEND": DUMMY_CACHE} for alias in settings.CACHES}
    idea = Idea.objects.filter(city=dortmund).earliest("id")
    url = reverse("idea_detail", args=["dortmund", idea.pk])
    top = services.comment_add(idea=idea, author=neighbour, body="Erster")
    services.comment_add(idea=idea, author=resident, body="Antwort", parent=top)
    client.force_login(resident)
    client.get(url)  # the first view builds the city's similar-ideas index
    few = list_queries(client, url)
    for number in range(10):
        parent = services.comment_add(idea=idea, author=neighbour, body=f"Kommentar {number}")
        services.comment_add(idea=idea, author=resident, body="Antwort", parent=parent)
    assert list_queries(client, url) == few
