"""Collective innovation (#11) in the browser: two people form a team and co-edit with a
conflict; an idea goes through every gate of its life with a living-lab test and tester
feedback; a duplicate found while typing is merged by staff; a digest arrives and its
unsubscribe link works. Every new page passes axe and fits a 390 px phone."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import make_verified_user, sign_in
from .test_accessibility import NARROW, horizontal_overflow, violations
from .test_journeys import tab_to

pytestmark = pytest.mark.e2e


def checked(page) -> None:
    assert violations(page) == []
    page.set_viewport_size(NARROW)
    assert horizontal_overflow(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})


def person(browser, demo, email: str, name: str, *, role: str | None = None):
    make_verified_user(email, name, role=role)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = demo.url
    sign_in(page, email)
    return context, page


def submit_idea(author_email: str, title: str):
    from quartier.accounts.models import User
    from quartier.cities.models import City
    from quartier.ideas.services import idea_submit

    return idea_submit(
        city=City.objects.get(slug="dortmund"),
        author=User.objects.get(email=author_email),
        title=title,
        summary="Schatten und Sitzplätze für alle.",
        description="Eine Bank unter dem Baum.",
        kind="social",
        innovator_type="resident",
        lat=51.5203,
        lon=7.4836,
    )


def test_two_people_form_a_team_and_co_edit_with_a_conflict(browser, demo):
    lead_context, lead = person(browser, demo, "leitung@example.org", "Leitung")
    member_context, member = person(browser, demo, "mitglied@example.org", "Mitglied")
    try:
        idea = submit_idea("leitung@example.org", "Schattenbank am Borsigplatz")
        team = f"{demo.url}/dortmund/ideas/{idea.pk}/team/"
        # The lead publishes a role, by keyboard.
        lead.goto(team)
        lead.locator(".role-add summary").focus()
        tab_to(lead, "#new-role-title")
        lead.keyboard.type("Holzbau")
        tab_to(lead, "#new-role-skills")
        lead.keyboard.type("Schreinern, Werkzeug")
        tab_to(lead, ".role-add button[type=submit]")
        lead.keyboard.press("Enter")
        expect(lead.locator(".open-role h3")).to_have_text("Holzbau")
        checked(lead)
        # The other asks to join as that role.
        member.goto(team)
        member.fill(".open-role textarea", "Ich baue gern Bänke.")
        member.locator(".open-role button[type=submit]").first.click()
        expect(member.locator("#join .message")).to_contain_text("Holzbau")
        checked(member)
        # The lead accepts; the member now appears with the role.
        lead.goto(team)
        lead.get_by_role("button", name="Mitglied annehmen").click()
        expect(lead.locator(".team-members")).to_contain_text("Mitglied")
        expect(lead.locator(".team-members")).to_contain_text("Holzbau")
        checked(lead)
        # Both open the edit form; the lead saves first, the member's save is stopped.
        edit = f"{demo.url}/dortmund/ideas/{idea.pk}/edit/"
        lead.goto(edit)
        member.goto(edit)
        lead.fill("#id_title", "Schattenbank mit Dach")
        lead.locator("main form button[type=submit]").click()
        expect(lead.locator("h1")).to_have_text("Schattenbank mit Dach")
        member.fill("#id_summary", "Eine Bank aus Holz, gebaut im Quartier.")
        member.locator("main form button[type=submit]").click()
        conflict = member.locator("#edit-conflict")
        expect(conflict).to_contain_text("Leitung")
        expect(conflict).to_contain_text("Schattenbank mit Dach")
        checked(member)
        from quartier.ideas.models import Idea

        assert Idea.objects.get(pk=idea.pk).title == "Schattenbank mit Dach"  # nothing lost
    finally:
        lead_context.close()
        member_context.close()


def test_an_idea_goes_through_every_gate_to_implementation(browser, demo):
    from quartier.accounts.models import User
    from quartier.cities.models import City
    from quartier.ideas import lifecycle, teams
    from quartier.ideas.models import Idea

    lead_context, lead = person(browser, demo, "leitung@example.org", "Leitung")
    tester_context, tester = person(browser, demo, "testerin@example.org", "Testerin")
    jury_context, jury = person(browser, demo, "jury@example.org", "Jury", role="evaluator")
    try:
        city = City.objects.get(slug="dortmund")
        admin = make_verified_user("stadt@example.org", "Stadt", role="admin")
        lifecycle.rules_save(city=city, actor=admin, discussion_team_size=2, discussion_supports=0)
        idea = submit_idea("leitung@example.org", "Schattenbank am Borsigplatz")
        helper = make_verified_user("helfer@example.org", "Helfer")
        asked = teams.join_ask(idea=idea, user=helper)
        teams.join_decide(
            request=asked, actor=User.objects.get(email="leitung@example.org"), accept=True
        )
        stage = f"{demo.url}/dortmund/ideas/{idea.pk}/stage/"
        # Idea -> discussion: the checklist is met (a team of two, no supports needed).
        lead.goto(stage)
        expect(lead.locator(".checklist")).to_contain_text("2 von 2")
        checked(lead)
        lead.get_by_role("button", name="Die Diskussion eröffnen").click()
        expect(lead.locator(".stage-current")).to_contain_text("Diskussion")
        # Discussion -> living lab needs a plan: the lead writes it.
        lead.goto(f"{demo.url}/dortmund/ideas/{idea.pk}/tests/new/")
        checked(lead)
        today = timezone.localdate()
        lead.fill("#id_hypothesis", "Schatten lässt Menschen länger bleiben.")
        lead.fill("#id_measures", "Verweildauer, zweimal am Tag gezählt.")
        lead.fill("#id_place_name", "Borsigplatz")
        lead.fill("#id_starts_on", str(today - timedelta(days=1)))
        lead.fill("#id_ends_on", str(today + timedelta(days=6)))
        lead.fill("#id_testers_wanted", "5")
        lead.fill("#id_questions", "Wie angenehm war der Schatten?\nWürden Sie wiederkommen?")
        lead.locator("main form button[type=submit]").click()
        expect(lead.locator("h1")).to_contain_text("Durchlauf 1")
        lead.goto(stage)
        lead.get_by_role("button", name="Den Reallabor-Test beginnen").click()
        expect(lead.locator(".stage-current")).to_contain_text("Reallabor-Test")
        # A resident tests it and answers by keyboard.
        tester.goto(f"{demo.url}/dortmund/ideas/{idea.pk}/tests/1/")
        tester.get_by_role("button", name="Als Testperson anmelden").click()
        tester.locator(".rating").first.locator("input").first.focus()
        for _question in range(2):
            for _step in range(3):
                tester.keyboard.press("ArrowRight")  # 1 -> 4
            tester.keyboard.press("Tab")
        tester.keyboard.type("Sehr angenehm im Schatten.")
        tab_to(tester, "#feedback button[type=submit]")
        tester.keyboard.press("Enter")
        expect(tester.locator("#feedback")).to_contain_text("Danke")
        expect(tester.locator("#results table")).to_contain_text("4,0")
        checked(tester)
        # The lead records the results and asks the jury.
        lead.goto(f"{demo.url}/dortmund/ideas/{idea.pk}/tests/1/")
        lead.fill("#id_results", "Die Menschen blieben im Mittel 12 Minuten länger.")
        lead.locator("#results button[type=submit]").click()
        expect(lead.locator("#results")).to_contain_text("12 Minuten")
        lead.goto(stage)
        lead.get_by_role("button", name="Die Jury um eine Bewertung bitten").click()
        expect(lead.locator(".stage-current")).to_contain_text("Bewertung")
        # The jury finds it in its queue, decides with a reason.
        jury.goto(f"{demo.url}/dortmund/ideas/evaluation/")
        checked(jury)
        jury.get_by_role("link", name="Schattenbank am Borsigplatz").click()
        decide = jury.locator(".next-step").filter(has_text="Entscheiden: umsetzen")
        decide.locator("textarea").fill("Getestet, gewollt und bezahlbar.")
        decide.get_by_role("button").click()
        expect(jury.locator(".stage-current")).to_contain_text("Umsetzung")
        expect(jury.locator(".timeline")).to_contain_text("Getestet, gewollt und bezahlbar.")
        checked(jury)
        assert Idea.objects.get(pk=idea.pk).stage == "implementation"
    finally:
        lead_context.close()
        tester_context.close()
        jury_context.close()


def test_a_duplicate_found_while_typing_is_merged_by_staff(browser, demo):
    from quartier.ideas.models import Idea

    first_context, first = person(browser, demo, "erste@example.org", "Erste")
    staff_context, staff = person(
        browser, demo, "moderation@example.org", "Moderation", role="moderator"
    )
    try:
        original = submit_idea("erste@example.org", "Trinkbrunnen am Borsigplatz")
        second_context, second = person(browser, demo, "zweite@example.org", "Zweite")
        try:
            second.goto(f"{demo.url}/dortmund/ideas/new/")
            second.fill("#id_title", "Trinkbrunnen für den Borsigplatz")
            expect(second.locator("#similar-while-typing")).to_contain_text(
                "Trinkbrunnen am Borsigplatz"
            )
        finally:
            second_context.close()
        duplicate = submit_idea("erste@example.org", "Trinkbrunnen für den Borsigplatz")
        staff.goto(f"{demo.url}/dortmund/ideas/{duplicate.pk}/")
        staff.locator(".merge-box summary").click()
        staff.fill("#merge-into", str(original.pk))
        staff.fill("#merge-reason", "Dieselbe Idee")
        staff.get_by_role("button", name=re.compile("Zusammenführen|Merge")).click()
        expect(staff).to_have_url(re.compile(rf"/ideas/{original.pk}/$"))
        checked(staff)
        assert Idea.objects.get(pk=duplicate.pk).merged_into_id == original.pk
        first.goto(f"{demo.url}/dortmund/ideas/{duplicate.pk}/")
        expect(first).to_have_url(re.compile(rf"/ideas/{original.pk}/$"))
    finally:
        first_context.close()
        staff_context.close()


def test_a_digest_arrives_and_its_unsubscribe_link_works(
    browser, demo, django_capture_on_commit_callbacks
):
    from quartier.accounts.models import User
    from quartier.ideas.services import comment_add
    from quartier.notifications.models import Notification, Preferences
    from quartier.notifications.services import digests_send_due

    make_verified_user("folgt@example.org", "Folgt")
    with django_capture_on_commit_callbacks(execute=True):
        idea = submit_idea("folgt@example.org", "Schattenbank am Borsigplatz")
    writer = make_verified_user("schreibt@example.org", "Schreibt")
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(idea=idea, author=writer, body="Gute Idee!")
    morning = timezone.localtime().replace(hour=7, minute=3, second=0, microsecond=0)
    Notification.objects.update(created_at=morning - timedelta(hours=2))
    mail.outbox.clear()
    assert digests_send_due(now=morning) == 1
    (digest,) = mail.outbox
    link = re.search(
        r"https?://\S+(/notifications/unsubscribe/[^/\s]+/)", digest.body.split("\n\n")[-2]
    )
    assert link, digest.body
    context = browser.new_context(locale="de-DE", viewport=NARROW)  # not signed in
    try:
        page = context.new_page()
        page.goto(demo.url + link.group(1))
        checked(page)
        page.get_by_role("button", name="Ja, abmelden").click()
        expect(page.locator(".message-success")).to_contain_text("Erledigt")
        checked(page)
    finally:
        context.close()
    person_ = User.objects.get(email="folgt@example.org")
    assert Preferences.objects.get(user=person_).muted == ["comments"]
