from django.test import Client
from django.urls import reverse

from quartier.conftest import make_user
from quartier.legal.models import LegalPage
from quartier.legal.services import legal_page_save
from quartier.participation.models import AuditEntry

IMPRINT = "/dortmund/legal/impressum/"
TERMS = "/dortmund/legal/nutzungsbedingungen/"


def test_the_demo_ships_marked_example_texts_for_every_page(client, dortmund):
    for kind in ("impressum", "datenschutz", "nutzungsbedingungen", "barrierefreiheit"):
        response = client.get(f"/dortmund/legal/{kind}/")
        assert response.status_code == 200
        assert "Beispieltext – von der Stadt zu ersetzen" in response.content.decode()


def test_every_footer_links_the_four_pages(client, dortmund):
    html = client.get("/dortmund/ideas/").content.decode()
    for kind in ("impressum", "datenschutz", "nutzungsbedingungen", "barrierefreiheit"):
        assert f'href="/dortmund/legal/{kind}/"' in html
    # Pages without a city in their address link the default city's texts.
    assert 'href="/dortmund/legal/impressum/"' in client.get("/accounts/login/").content.decode()


def test_an_unknown_page_is_404_and_an_unwritten_page_says_so(client, dortmund):
    assert client.get("/dortmund/legal/agb/").status_code == 404
    assert client.get("/nowhere/legal/impressum/").status_code == 404
    LegalPage.objects.filter(city=dortmund, kind="impressum").delete()
    response = client.get(IMPRINT, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Dortmund has not published this page yet." in response.content.decode()


def test_the_text_is_sanitised_markdown(client, dortmund, city_admin):
    legal_page_save(
        city=dortmund,
        kind="impressum",
        text="## Anbieter\n\n<script>alert(1)</script> [x](javascript:alert(1)) **Stadt**",
        contact_email="",
        editor=city_admin,
    )
    html = client.get(IMPRINT).content.decode()
    assert "<h2>Anbieter</h2>" in html and "<strong>Stadt</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    assert 'href="javascript:' not in html  # left as plain text, never a link


def test_a_changed_text_is_a_new_version_and_is_logged(dortmund, city_admin):
    first = LegalPage.objects.get(city=dortmund, kind="nutzungsbedingungen").version
    page = legal_page_save(
        city=dortmund, kind="nutzungsbedingungen", text="Neu", contact_email="", editor=city_admin
    )
    assert page.version == first + 1 and page.updated_by == city_admin
    again = legal_page_save(
        city=dortmund, kind="nutzungsbedingungen", text="Neu", contact_email="", editor=city_admin
    )
    assert again.version == first + 1  # the same text is no new version
    entries = AuditEntry.objects.filter(city=dortmund, action="legal_edit", actor_id=city_admin.pk)
    assert entries.count() == 1
    assert entries.get().detail == {"kind": "nutzungsbedingungen", "version": first + 1}


def test_only_the_citys_administrators_edit(client, dortmund, resident, moderator, city_admin):
    edit = reverse("legal_page_edit", args=["dortmund", "impressum"])
    before = LegalPage.objects.get(city=dortmund, kind="impressum").text
    for person in (resident, moderator):
        client.force_login(person)
        assert client.get(edit).status_code == 404
        assert client.post(edit, {"text": "Gekapert"}).status_code == 404
    other = make_user("admin.elsewhere@example.org")
    client.force_login(other)
    assert client.get(edit).status_code == 404
    assert LegalPage.objects.get(city=dortmund, kind="impressum").text == before

    client.force_login(city_admin)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"text": "## Anbieter\n\nStadt Dortmund", "contact_email": ""})
    assert response.status_code == 302 and response["Location"] == IMPRINT
    assert "Stadt Dortmund" in client.get(IMPRINT).content.decode()


def test_an_invalid_edit_keeps_the_text(client, dortmund, city_admin):
    client.force_login(city_admin)
    edit = reverse("legal_page_edit", args=["dortmund", "barrierefreiheit"])
    before = LegalPage.objects.get(city=dortmund, kind="barrierefreiheit")
    too_long = "x" * 50_001
    assert client.post(edit, {"text": too_long}).status_code == 400
    assert client.post(edit, {"text": "ok", "contact_email": "not an address"}).status_code == 400
    assert client.post(edit, {"text": ""}).status_code == 400
    after = LegalPage.objects.get(pk=before.pk)
    assert (after.text, after.version) == (before.text, before.version)


def test_the_accessibility_statement_names_a_feedback_contact(client, dortmund, city_admin):
    legal_page_save(
        city=dortmund,
        kind="barrierefreiheit",
        text="Erklärung",
        contact_email="barrieren@stadtdo.example",
        editor=city_admin,
    )
    html = client.get("/dortmund/legal/barrierefreiheit/").content.decode()
    assert 'href="mailto:barrieren@stadtdo.example?subject=' in html


def test_the_site_is_named_after_the_city_not_example_com(dortmund):
    from django.contrib.sites.models import Site

    site = Site.objects.get_current()
    assert site.name == "Quartier Dortmund" and "example.com" not in site.domain


def test_a_fresh_database_has_no_example_com(db):
    from django.contrib.sites.models import Site

    assert not Site.objects.filter(domain="example.com").exists()


def test_the_404_page_is_the_sites_and_the_500_page_needs_nothing(settings, dortmund):
    from django.template import engines

    settings.DEBUG = False
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/dortmund/legal/nichts/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="site-header"' in html
    # The 500 page is rendered without context: it must not need any (nor a database).
    template = engines["django"].get_template("500.html")
    assert "Ein Fehler ist aufgetreten" in template.render()
    assert "{%" not in (settings.BASE_DIR / "quartier/templates/500.html").read_text()


def test_the_account_pages_keep_the_last_city_visited(client, dortmund):
    from quartier.tests.conftest import forget_district_shapes, musterstadt_create

    musterstadt = musterstadt_create()
    try:
        assert client.get("/musterstadt/").status_code == 200
        html = client.get("/accounts/login/").content.decode()
        assert 'href="/musterstadt/legal/impressum/"' in html
        assert 'class="brand-city">Musterstadt<' in html
        # An unknown city is not remembered.
        client.get("/nowhere/")
        assert 'href="/musterstadt/legal/' in client.get("/accounts/login/").content.decode()
    finally:
        forget_district_shapes(musterstadt)
