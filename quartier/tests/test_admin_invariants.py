"""The Django admin is a client of the services: driven through its forms, it keeps every
invariant the site keeps (derived fields, counters, the audit log, the district index)."""

import json

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.forms import CheckboxInput, MultiWidget
from django.utils import timezone
from shapely.geometry import shape

from quartier.accounts.models import User
from quartier.budgeting.models import Proposal
from quartier.cities import geography
from quartier.cities.errors import PointOutsideCity
from quartier.cities.models import City, District, Hotspot
from quartier.cities.services import district_at, district_for_idea_location
from quartier.conftest import BORSIGPLATZ, PARIS, image_bytes, make_user
from quartier.deliberation import services as deliberation
from quartier.deliberation.models import Conversation, Participant, Statement
from quartier.ideas import services as ideas
from quartier.ideas.models import Comment, Idea, IdeaImage
from quartier.ideas.tests.test_services import submit as submit_idea
from quartier.moderation.services import content_hide
from quartier.participation.models import AuditEntry, CityRole, Process
from quartier.participation.services import audit_record
from quartier.participation.vocabulary import AuditAction

PASSWORD = "correct horse battery staple"


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _forget_district_shapes():
    # The point-in-district index is cached per process by city id and districts version; the
    # rows are rolled back after a test, so a later test's Dortmund (same id, same version) must
    # not find the districts this module moved or deleted.
    yield
    geography._cache.clear()


@pytest.fixture
def admin_session(client, system_admin):
    client.force_login(system_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # pages choose their language per request
    return client


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def delete_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/delete/"


def changelist_url(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def add_url(model) -> str:
    return f"{changelist_url(model)}add/"


def _put(data: dict, form, name: str) -> None:
    field = form.fields[name]
    widget = field.widget
    key = form.add_prefix(name)
    value = form[name].value()
    if isinstance(widget, CheckboxInput):
        if value:
            data[key] = "on"
    elif isinstance(widget, MultiWidget):
        parts = widget.decompress(value) or []
        for suffix, part in zip(getattr(widget, "widgets_names", []), parts, strict=True):
            data[key + suffix] = "" if part is None else part
    elif isinstance(value, list | tuple):
        data[key] = list(value)
    else:
        data[key] = "" if value is None else value


def form_data(client, url: str, **changes) -> dict:
    """What the admin's change form would post unchanged, with ``changes`` on top."""
    response = client.get(url)
    assert response.status_code == 200, url
    data: dict = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            _put(data, formset.management_form, name)
        for subform in formset.forms:
            for name in subform.fields:
                _put(data, subform, name)
    data.update(changes)
    return data


def errors_of(response) -> str:
    """The form's and the inlines' errors as one text."""
    assert response.status_code == 200, "expected the form again, with errors"
    texts = [str(response.context["adminform"].form.errors)]
    texts += [str(inline.formset.errors) for inline in response.context["inline_admin_formsets"]]
    return " ".join(texts)


def point_inside(district: District) -> tuple[float, float]:
    point = shape(district.geometry).representative_point()
    return point.y, point.x


@pytest.fixture
def idea(dortmund, resident) -> Idea:
    return submit_idea(dortmund, resident)


@pytest.fixture
def horde(dortmund) -> District:
    return District.objects.get(city=dortmund, name="Hörde")


@pytest.fixture
def conversation(dortmund, moderator) -> Conversation:
    return deliberation.conversation_open(
        city=dortmund,
        creator=moderator,
        question="Mehr Bänke am Borsigplatz?",
        seed_statements=["Bänke laden zum Verweilen ein.", "Bänke ziehen Lärm an."],
    )


# --- who gets the admin --------------------------------------------------------------------


def test_staff_without_superuser_gets_no_admin_at_all(client, idea):
    staff = make_user("staff@example.org")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    for url in ["/admin/", changelist_url(Idea), change_url(idea), changelist_url(AuditEntry)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    response = client.post(change_url(idea), {"title": "Übernommen", "summary": "x"})
    assert response.status_code == 302
    response = client.post(delete_url(idea), {"post": "yes"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Trinkbrunnen am Borsigplatz"
    # Nor does the login page let them in with their password.
    client.logout()
    client.post("/admin/login/", {"username": "staff@example.org", "password": PASSWORD})
    assert client.get("/admin/").status_code == 302


def test_every_admin_page_of_quartier_renders_for_a_system_admin(
    admin_session, idea, conversation, neighbour, system_admin
):
    ideas.comment_add(idea=idea, author=neighbour, body="Gute Idee")
    content_hide(target=idea, moderator=system_admin, reason="Test")  # a row in the audit log
    checked = 0
    for model in admin.site._registry:
        if not model.__module__.startswith("quartier."):
            continue
        assert admin_session.get(changelist_url(model)).status_code == 200, model
        first = model.objects.first()
        if first is not None:
            assert admin_session.get(change_url(first)).status_code == 200, model
            checked += 1
    assert checked >= 10


# --- ideas ---------------------------------------------------------------------------------


def test_saving_an_idea_goes_through_idea_update(admin_session, idea, horde, dortmund):
    before = City.objects.get(pk=dortmund.pk).ideas_changed_at
    layer = admin_session.get("/api/v1/cities/dortmund/ideas.geojson").content.decode()
    assert "Trinkbrunnen am Borsigplatz" in layer
    lat, lon = point_inside(horde)
    data = form_data(
        admin_session,
        change_url(idea),
        title="Trinkbrunnen in Hörde",
        description="Ein **Brunnen** <script>alert(1)</script> [x](javascript:alert(1))",
        lat=lat,
        lon=lon,
        # Derived and moderation fields are not in the form: posting them changes nothing.
        support_count=999,
        comment_count=999,
        description_html="<script>alert(2)</script>",
        hidden_at="2020-01-01 00:00:00",
        hidden_reason="Eingeschmuggelt",
        awaiting_review="on",
        stage="lab",
        district=District.objects.get(city=dortmund, name="Mengede").pk,
    )
    response = admin_session.post(change_url(idea), data)
    assert response.status_code == 302, errors_of(response)
    idea.refresh_from_db()
    assert idea.title == "Trinkbrunnen in Hörde"
    assert idea.district == horde  # from lat/lon, not from the posted district
    assert "<strong>Brunnen</strong>" in idea.description_html
    assert "<script" not in idea.description_html
    assert "href" not in idea.description_html  # the javascript: link stays text
    assert (idea.support_count, idea.comment_count) == (0, 0)
    assert idea.hidden_at is None and idea.hidden_reason == "" and not idea.awaiting_review
    assert idea.stage == "idea"
    assert City.objects.get(pk=dortmund.pk).ideas_changed_at > before
    layer = admin_session.get("/api/v1/cities/dortmund/ideas.geojson").content.decode()
    assert "Trinkbrunnen in Hörde" in layer and '"district":"Hörde"' in layer


def test_an_idea_moved_out_of_the_city_is_a_form_error(admin_session, idea, dortmund):
    before = City.objects.get(pk=dortmund.pk).ideas_changed_at
    data = form_data(admin_session, change_url(idea), lat=PARIS[0], lon=PARIS[1], title="Paris")
    response = admin_session.post(change_url(idea), data)
    assert "outside Dortmund" in errors_of(response)
    data.update(lat=123.0)  # not even a coordinate
    assert "not valid map coordinates" in errors_of(admin_session.post(change_url(idea), data))
    idea.refresh_from_db()
    assert (idea.title, idea.lat, idea.district.name) == (
        "Trinkbrunnen am Borsigplatz",
        BORSIGPLATZ[0],
        "Innenstadt-Nord",
    )
    assert City.objects.get(pk=dortmund.pk).ideas_changed_at == before


def test_an_idea_text_with_a_nul_byte_or_too_long_is_a_form_error(admin_session, idea):
    data = form_data(admin_session, change_url(idea), title="Null\x00Byte")
    assert "Null characters are not allowed" in errors_of(
        admin_session.post(change_url(idea), data)
    )
    data = form_data(admin_session, change_url(idea), summary="x" * 301)
    assert "at most 300 characters" in errors_of(admin_session.post(change_url(idea), data))
    idea.refresh_from_db()
    assert idea.title == "Trinkbrunnen am Borsigplatz"


def test_ideas_cannot_be_added_or_deleted_in_the_admin(admin_session, idea):
    assert admin_session.get(add_url(Idea)).status_code == 403
    assert admin_session.post(delete_url(idea), {"post": "yes"}).status_code == 403
    changelist = admin_session.get(changelist_url(Idea))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions and "unhide" in actions
    assert not any(name == "hide" for name in actions)
    response = admin_session.post(
        changelist_url(Idea),
        {"action": "delete_selected", "_selected_action": [idea.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_show_again_action_uses_the_moderation_services(admin_session, idea, moderator, dortmund):
    content_hide(target=idea, moderator=moderator, reason="Doppelt eingereicht")
    waiting = submit_idea(dortmund, idea.author, title="Wartet auf Freigabe")
    Idea.objects.filter(pk=waiting.pk).update(hidden_at=timezone.now(), awaiting_review=True)
    response = admin_session.post(
        changelist_url(Idea), {"action": "unhide", "_selected_action": [idea.pk, waiting.pk]}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    waiting.refresh_from_db()
    assert idea.hidden_at is None and idea.hidden_reason == ""
    assert waiting.hidden_at is None and not waiting.awaiting_review
    entries = AuditEntry.objects.filter(city=dortmund, target_type="ideas.idea")
    assert entries.filter(action=AuditAction.UNHIDE, target_id=idea.pk).count() == 1
    assert entries.filter(action=AuditAction.APPROVE, target_id=waiting.pk).count() == 1


def test_images_alt_text_only_no_upload_no_delete(admin_session, dortmund, resident):
    upload = SimpleUploadedFile("brunnen.jpg", image_bytes(), content_type="image/jpeg")
    idea = submit_idea(dortmund, resident, images=[upload], image_alt_texts=["Alt"])
    image = idea.images.get()
    data = form_data(admin_session, change_url(idea))
    assert data["images-TOTAL_FORMS"] == 1
    data.update(
        {
            "images-0-alt_text": "Ein Trinkbrunnen aus Stein",
            "images-0-DELETE": "on",
            "images-0-position": 7,
            # A smuggled extra form: the inline offers no new images.
            "images-TOTAL_FORMS": 2,
            "images-1-idea": idea.pk,
            "images-1-alt_text": "Neu",
            "images-1-image": SimpleUploadedFile("x.jpg", image_bytes(), content_type="image/jpeg"),
        }
    )
    response = admin_session.post(change_url(idea), data)
    assert response.status_code == 302, errors_of(response)
    image.refresh_from_db()
    assert image.alt_text == "Ein Trinkbrunnen aus Stein"
    assert image.position == 0
    assert list(IdeaImage.objects.filter(idea=idea)) == [image]
    data = form_data(admin_session, change_url(idea), **{"images-0-alt_text": "x" * 201})
    assert "at most 200 characters" in errors_of(admin_session.post(change_url(idea), data))


# --- comments ------------------------------------------------------------------------------


def test_comments_are_read_only_in_the_admin(admin_session, idea, neighbour):
    comment = ideas.comment_add(idea=idea, author=neighbour, body="Sehr gut!")
    assert admin_session.get(change_url(comment)).status_code == 200  # view
    response = admin_session.post(
        change_url(comment), {"body": "Umgeschrieben", "idea": idea.pk, "author": ""}
    )
    assert response.status_code == 403
    assert admin_session.post(delete_url(comment), {"post": "yes"}).status_code == 403
    assert admin_session.get(add_url(Comment)).status_code == 403
    admin_session.post(
        changelist_url(Comment),
        {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"},
    )
    comment.refresh_from_db()
    assert comment.body == "Sehr gut!" and comment.author == neighbour
    assert Idea.objects.get(pk=idea.pk).comment_count == 1


# --- districts, cities, hotspots -----------------------------------------------------------

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[7, 51], [7.1, 51.1], [7.1, 51], [7, 51.1], [7, 51]]],
}
AROUND_PARIS = {
    "type": "Polygon",
    "coordinates": [[[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.9], [2.3, 48.8]]],
}


def test_district_geometry_is_validated_like_the_import(admin_session, dortmund):
    nord = District.objects.get(city=dortmund, name="Innenstadt-Nord")
    original = nord.geometry
    url = change_url(nord)
    refusals = {
        "{not json": "Enter a valid JSON",
        json.dumps(BOW_TIE): "invalid geometry",
        json.dumps({"type": "Point", "coordinates": [7.4, 51.5]}): "Polygon or MultiPolygon",
        json.dumps(
            {
                "type": "Polygon",
                "coordinates": [
                    [[400000, 5700000], [400100, 5700000], [400100, 5700100], [400000, 5700000]]
                ],
            }
        ): "not WGS84",
        json.dumps({"type": "Polygon", "coordinates": "nonsense"}): "geometry",
        "null": "required",
    }
    for geometry, message in refusals.items():
        data = form_data(admin_session, url, geometry=geometry)
        assert message in errors_of(admin_session.post(url, data)), geometry
    data = form_data(admin_session, url, name="Hörde")  # another district's name
    assert "already has a district called Hörde" in errors_of(admin_session.post(url, data))
    nord.refresh_from_db()
    assert nord.geometry == original and nord.name == "Innenstadt-Nord"
    assert City.objects.get(pk=dortmund.pk).districts_version == dortmund.districts_version


def test_district_geometry_change_rebuilds_every_point_index(admin_session, dortmund, idea):
    nord = District.objects.get(city=dortmund, name="Innenstadt-Nord")
    assert district_at(city=dortmund, lat=BORSIGPLATZ[0], lon=BORSIGPLATZ[1]) == nord  # warm
    before = City.objects.get(pk=dortmund.pk)
    data = form_data(
        admin_session,
        change_url(nord),
        geometry=json.dumps(AROUND_PARIS),
        name="Innenstadt-Nord (verlegt)",
        slug="ganz-woanders",
    )
    response = admin_session.post(change_url(nord), data)
    assert response.status_code == 302, errors_of(response)
    nord.refresh_from_db()
    assert nord.slug == "innenstadt-nord"  # read-only: it is in URLs and the API
    city = City.objects.get(pk=dortmund.pk)
    assert city.districts_version == before.districts_version + 1
    assert city.ideas_changed_at > before.ideas_changed_at  # the layer carries district names
    assert district_for_idea_location(city=city, lat=PARIS[0], lon=PARIS[1]) == nord
    with pytest.raises(PointOutsideCity):
        district_for_idea_location(city=city, lat=BORSIGPLATZ[0], lon=BORSIGPLATZ[1])


def test_a_district_with_ideas_shows_cannot_delete(admin_session, dortmund, idea):
    nord = idea.district
    response = admin_session.post(delete_url(nord), {"post": "yes"})
    assert response.status_code == 200
    assert response.context["protected"]
    assert "Cannot delete district" in response.content.decode()
    response = admin_session.post(
        changelist_url(District),
        {"action": "delete_selected", "_selected_action": [nord.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "Cannot delete district" in response.content.decode()
    assert District.objects.filter(pk=nord.pk).exists()


def test_deleting_an_empty_district_bumps_the_version(admin_session, dortmund):
    # The demo's example vote has a pot in every district; without it one district is empty.
    Proposal.objects.filter(process__city=dortmund).delete()
    Process.objects.filter(city=dortmund, kind="prize_money").delete()
    empty = District.objects.filter(city=dortmund, ideas__isnull=True).order_by("name").first()
    lat, lon = point_inside(empty)
    assert district_at(city=dortmund, lat=lat, lon=lon) == empty  # the index knows it
    response = admin_session.post(delete_url(empty), {"post": "yes"})
    assert response.status_code == 302
    city = City.objects.get(pk=dortmund.pk)
    assert city.districts_version == dortmund.districts_version + 1
    # A stale index would answer with the deleted id (and District.DoesNotExist, a 500).
    assert district_at(city=city, lat=lat, lon=lon) is None
    assert admin_session.get(add_url(District)).status_code == 403


def test_city_versions_and_premoderation_are_read_only_and_no_delete(admin_session, dortmund):
    url = change_url(dortmund)
    data = form_data(
        admin_session,
        url,
        name="Dortmund (Test)",
        premoderation="on",
        districts_version=99,
        ideas_changed_at="2000-01-01 00:00:00",
        slug="elsewhere",
    )
    response = admin_session.post(url, data)
    assert response.status_code == 302, errors_of(response)
    city = City.objects.get(pk=dortmund.pk)
    assert city.name == "Dortmund (Test)"
    assert city.slug == "dortmund" and not city.premoderation
    assert city.districts_version == dortmund.districts_version
    assert city.ideas_changed_at == dortmund.ideas_changed_at
    data = form_data(admin_session, url, boundary=json.dumps(BOW_TIE))
    assert "invalid geometry" in errors_of(admin_session.post(url, data))
    assert admin_session.post(delete_url(dortmund), {"post": "yes"}).status_code == 403
    assert City.objects.filter(pk=dortmund.pk).exists()


def test_saving_a_city_keeps_the_versions_bumped_meanwhile(admin_session, dortmund, monkeypatch):
    from quartier.cities.admin import CityAdmin
    from quartier.cities.services import city_touch_ideas

    url = change_url(dortmund)
    data = form_data(admin_session, url, districts_note_de="Grenzen ungefähr")
    save_form = CityAdmin.save_form

    def an_idea_arrives_meanwhile(self, request, form, change):
        city_touch_ideas(city=dortmund)
        City.objects.filter(pk=dortmund.pk).update(districts_version=F("districts_version") + 1)
        return save_form(self, request, form, change)

    monkeypatch.setattr(CityAdmin, "save_form", an_idea_arrives_meanwhile)
    assert admin_session.post(url, data).status_code == 302
    city = City.objects.get(pk=dortmund.pk)
    assert city.districts_note_i18n["de"] == "Grenzen ungefähr"
    assert city.ideas_changed_at > dortmund.ideas_changed_at
    assert city.districts_version == dortmund.districts_version + 1


def test_a_new_city_is_created_through_the_service(admin_session):
    response = admin_session.post(
        add_url(City),
        {"slug": "bochum", "name": "Bochum", "country_code": "DE", "language": "de",
         "centre_lat": 51.48, "centre_lon": 7.21, "default_zoom": 11, "boundary": "null",
         "_continue": "1"},
    )  # fmt: skip
    assert response.status_code == 302, errors_of(response)
    city = City.objects.get(slug="bochum")
    assert response["Location"] == f"/admin/cities/city/{city.pk}/change/"
    assert (city.name, city.boundary, city.districts_version) == ("Bochum", None, 0)


def test_moving_a_hotspot_reassigns_its_district(admin_session, dortmund, horde):
    hotspot = Hotspot.objects.filter(city=dortmund, lat__isnull=False).exclude(district=horde)[0]
    other_name = Hotspot.objects.filter(city=dortmund).exclude(pk=hotspot.pk)[0].name
    url = change_url(hotspot)
    lat, lon = point_inside(horde)
    data = form_data(admin_session, url, lat=lat, lon=lon, district="")
    response = admin_session.post(url, data)
    assert response.status_code == 302, errors_of(response)
    hotspot.refresh_from_db()
    assert hotspot.district == horde
    for changes, message in [
        ({"lat": lat, "lon": ""}, "both latitude and longitude, or neither"),
        ({"lat": 200, "lon": lon}, "not valid map coordinates"),
        ({"name": other_name}, "already has a hotspot called"),
    ]:
        data = form_data(admin_session, url, **changes)
        assert message in errors_of(admin_session.post(url, data)), changes
    hotspot.refresh_from_db()
    assert (hotspot.lat, hotspot.lon) == (lat, lon)
    data = form_data(admin_session, url, lat="", lon="")
    assert admin_session.post(url, data).status_code == 302
    hotspot.refresh_from_db()
    assert hotspot.lat is None and hotspot.district is None


def test_a_new_hotspot_gets_its_district_from_the_point(admin_session, dortmund, horde):
    lat, lon = point_inside(horde)
    response = admin_session.post(
        add_url(Hotspot),
        {"city": dortmund.pk, "name": "Neues Labor", "kind": "makerspace", "lat": lat, "lon": lon},
    )
    assert response.status_code == 302
    assert Hotspot.objects.get(city=dortmund, name="Neues Labor").district == horde


# --- opinion maps --------------------------------------------------------------------------


def test_statements_cannot_be_moderated_added_or_deleted_in_the_admin(
    admin_session, conversation, resident
):
    participant = deliberation.participant_join(conversation=conversation, user=resident)
    first = conversation.statements.order_by("id").first()
    deliberation.vote_cast(participant=participant, statement=first, choice=1)
    url = change_url(conversation)
    data = form_data(admin_session, url, description="Neue Beschreibung", question="Andere Frage?")
    data.update(
        {
            "statements-0-status": "rejected",
            "statements-0-is_meta": "on",
            "statements-0-text": "Umgeschrieben",
            "statements-0-DELETE": "on",
            "statements-TOTAL_FORMS": int(data["statements-TOTAL_FORMS"]) + 1,
            "statements-2-text": "Eingeschmuggelt",
            "statements-2-status": "accepted",
            "process": "",
            "city": "",
            "computed_votes": 99,
        }
    )
    response = admin_session.post(url, data)
    assert response.status_code == 302, errors_of(response)
    conversation.refresh_from_db()
    assert conversation.description == "Neue Beschreibung"
    assert conversation.question == "Mehr Bänke am Borsigplatz?"
    assert conversation.computed_votes == 0
    first.refresh_from_db()
    assert (first.text, first.status, first.is_meta) == (
        "Bänke laden zum Verweilen ein.",
        "accepted",
        False,
    )
    assert conversation.statements.count() == 2
    assert not AuditEntry.objects.filter(target_type="deliberation.statement").exists()
    assert admin_session.post(delete_url(conversation), {"post": "yes"}).status_code == 403
    assert admin_session.get(add_url(Conversation)).status_code == 403
    assert Participant.objects.filter(conversation=conversation).exists()
    assert Statement.objects.filter(conversation=conversation).count() == 2


def test_saving_a_map_keeps_a_background_run_s_writes(admin_session, conversation, monkeypatch):
    from quartier.deliberation.admin import ConversationAdmin

    url = change_url(conversation)
    data = form_data(admin_session, url, allow_anonymous="on")
    save_form = ConversationAdmin.save_form
    started = timezone.now()

    def a_run_finishes_meanwhile(self, request, form, change):
        Conversation.objects.filter(pk=conversation.pk).update(
            results={"groups": []}, computed_votes=5, computing_since=started
        )
        return save_form(self, request, form, change)

    monkeypatch.setattr(ConversationAdmin, "save_form", a_run_finishes_meanwhile)
    assert admin_session.post(url, data).status_code == 302
    conversation.refresh_from_db()
    assert conversation.allow_anonymous
    assert conversation.results == {"groups": []} and conversation.computed_votes == 5
    assert conversation.computing_since == started


# --- participation and moderation ----------------------------------------------------------


def test_the_audit_log_is_view_only_in_the_admin(admin_session, dortmund, system_admin):
    entry = audit_record(city=dortmund, actor=system_admin, action=AuditAction.HIDE, reason="Spam")
    assert admin_session.get(change_url(entry)).status_code == 200
    response = admin_session.post(
        change_url(entry), {"reason": "Geändert", "action": "unhide", "at_0": "", "at_1": ""}
    )
    assert response.status_code == 403
    assert admin_session.post(delete_url(entry), {"post": "yes"}).status_code == 403
    assert admin_session.get(add_url(AuditEntry)).status_code == 403
    response = admin_session.post(
        changelist_url(AuditEntry),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.reason, entry.action) == ("Spam", AuditAction.HIDE)


def test_processes_phases_and_city_roles_are_view_only(admin_session, conversation, moderator):
    process = conversation.process
    phases = list(process.phases.values_list("id", "starts_at", "ends_at"))
    role = CityRole.objects.get(user=moderator)
    for obj in (process, role):
        assert admin_session.get(change_url(obj)).status_code == 200
        assert (
            admin_session.post(change_url(obj), {"title": "x", "role": "admin"}).status_code == 403
        )
        assert admin_session.post(delete_url(obj), {"post": "yes"}).status_code == 403
        assert admin_session.get(add_url(type(obj))).status_code == 403
    process.refresh_from_db()
    assert process.title == "Mehr Bänke am Borsigplatz?"
    assert list(process.phases.values_list("id", "starts_at", "ends_at")) == phases
    assert CityRole.objects.get(pk=role.pk).role == "moderator"
    assert admin_session.get("/admin/participation/phase/").status_code == 404  # inline only


def test_reports_are_view_only(admin_session, idea, neighbour):
    from quartier.moderation.models import Report
    from quartier.moderation.services import report_create

    report = report_create(reporter=neighbour, target=idea, reason="spam")
    assert admin_session.post(change_url(report), {"resolution": "x"}).status_code == 403
    assert admin_session.post(delete_url(report), {"post": "yes"}).status_code == 403
    assert Report.objects.get(pk=report.pk).resolved_at is None


# --- users ---------------------------------------------------------------------------------


def test_deleting_a_supporter_in_the_admin_keeps_the_support_count_true(
    admin_session, idea, resident, neighbour, conversation, django_capture_on_commit_callbacks
):
    third = make_user("cleo@example.org")
    for person in (resident, neighbour, third):
        ideas.idea_support(idea=idea, user=person)
    participant = deliberation.participant_join(conversation=conversation, user=neighbour)
    deliberation.vote_cast(
        participant=participant, statement=conversation.statements.first(), choice=1
    )
    Conversation.objects.filter(pk=conversation.pk).update(recompute_pending=False)
    assert Idea.objects.get(pk=idea.pk).support_count == 3

    response = admin_session.post(delete_url(resident), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=resident.pk).exists()
    assert Idea.objects.get(pk=idea.pk).support_count == 2

    # The bulk action goes through the erasure too, and the opinion map is recomputed.
    response = admin_session.post(
        changelist_url(User),
        {"action": "delete_selected", "_selected_action": [neighbour.pk, third.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[neighbour.pk, third.pk]).exists()
    assert Idea.objects.get(pk=idea.pk).support_count == 0
    assert not Participant.objects.filter(conversation=conversation).exists()
    assert Conversation.objects.get(pk=conversation.pk).recompute_pending


def test_user_list_features_system_admins_not_staff(admin_session, resident):
    changelist = admin_session.get(changelist_url(User))
    assert "is_staff" not in changelist.context["cl"].list_display
    assert "is_superuser" in changelist.context["cl"].list_display
    assert "is_staff" not in [spec.field_path for spec in changelist.context["cl"].filter_specs]
    data = form_data(admin_session, change_url(resident), is_superuser="on")
    response = admin_session.post(change_url(resident), data)
    assert response.status_code == 302, errors_of(response)
    assert User.objects.get(pk=resident.pk).is_superuser


def test_idea_history_page_renders(admin_session, idea):
    response = admin_session.get(f"/admin/ideas/idea/{idea.pk}/history/")
    assert response.status_code == 200
