"""The accessibility checks (axe, sideways scroll on a phone, Tab reachability) and the pages'
states that e2e/test_every_page.py does not walk: forms with errors, folded-away parts, Tab."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import make_verified_user, sign_in


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_submit_form_has_no_serious_violations(page):
    make_verified_user("a11y@example.org", "A11y")
    sign_in(page, "a11y@example.org")
    page.goto(page.base_url + "/dortmund/ideas/new/")
    page.wait_for_function(
        # A function, not an expression: Playwright evals an expression in the page while
        # it polls, which the site's CSP (no unsafe-eval) refuses.
        "() => document.querySelectorAll('#pick-map path').length >= 12"
    )
    assert serious_violations(page) == []
    # The error summary after an empty submission is checked too.
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert serious_violations(page) == []


# The participation spine's pages: moderation queue, report form, roles, audit log, processes,
# the opinion map's phases. Stricter than above: no violation of any impact, no horizontal
# scroll on a 390 px phone, and every control in <main> reachable with the Tab key.
NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


def horizontal_overflow(page) -> list[str]:
    """The page scrolls sideways: the widest elements that stick out, for the message."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          // Name the culprits: what sticks out itself (no child of it does), and is not
          // inside a box that clips it (a map's tiles, a scrolling table).
          const out = (el) => el.getBoundingClientRect().right > width + 1;
          const clipped = (el) => {
            for (let box = el.parentElement; box && box !== document.body; box = box.parentElement)
              if (getComputedStyle(box).overflowX !== 'visible') return true;
            return false;
          };
          return [...document.querySelectorAll('body *')]
            .filter((el) => out(el) && ![...el.children].some(out) && !clipped(el))
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (el.className && typeof el.className === 'string' ? '.' + el.className : '')
                 + ' right=' + Math.round(el.getBoundingClientRect().right));
        }"""
    )


FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)


def unreachable_by_tab(page) -> list[str]:
    """Visible controls in <main> that Tab never reaches, or reaches without a focus ring."""
    page.evaluate(
        """(selector) => {
          window.firstRadio = (radio) => (radio.form || document).querySelector(
            `input[type=radio][name="${CSS.escape(radio.name)}"]`);
          document.querySelector('main').querySelectorAll(selector).forEach((el, index) => {
            // A radio group is one Tab stop (the arrow keys move inside it): its first radio
            // stands for the group. Content of closed <details> is not expected either.
            if (el.type === 'radio' && el !== firstRadio(el)) return;
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.height > 0 && el.checkVisibility())
              el.dataset.tabCheck = String(index);
          });
          document.activeElement && document.activeElement.blur();
          window.scrollTo(0, 0);
        }""",
        FOCUSABLE,
    )
    expected = page.evaluate(
        "() => [...document.querySelectorAll('[data-tab-check]')].map((el) => el.dataset.tabCheck)"
    )
    reached: set[str] = set()
    no_ring: list[str] = []
    for _ in range(len(expected) + 60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              let el = document.activeElement;
              if (el && el.type === 'radio') el = firstRadio(el);
              if (!el || !el.dataset || el.dataset.tabCheck === undefined) return null;
              const style = getComputedStyle(el);
              const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
              return [el.dataset.tabCheck, ring, el.outerHTML.slice(0, 80)];
            }"""
        )
        if focused is not None:
            index, ring, html = focused
            if not ring and index not in reached:
                no_ring.append(f"no focus ring: {html}")
            reached.add(index)
        if reached == set(expected):
            break
    missing = page.evaluate(
        "(ids) => ids.map((id) => document.querySelector(`[data-tab-check='${id}']`)"
        ".outerHTML.slice(0, 80))",
        [index for index in expected if index not in reached],
    )
    return [f"not reached: {html}" for html in missing] + no_ring


@pytest.fixture
def spine_content(demo):
    """Content for the moderation pages: reports on an idea, a comment and a statement, and
    a comment and a statement waiting for review (pre-moderation on)."""
    from quartier.cities.models import City
    from quartier.deliberation.models import Conversation
    from quartier.deliberation.services import participant_join, statement_submit
    from quartier.ideas.models import Idea
    from quartier.ideas.services import comment_add
    from quartier.moderation.services import premoderation_set, report_create
    from quartier.participation.services import PhaseSpec, process_create

    city = City.objects.get(slug="dortmund")
    admin = make_verified_user("stadt@example.org", "Stadtverwaltung", role="admin")
    make_verified_user("moderation@example.org", "Moderation", role="moderator")
    resident = make_verified_user("resi@example.org", "Resi")
    neighbour = make_verified_user("nachbar@example.org", "Nachbar")
    idea = Idea.objects.earliest("id")
    comment = comment_add(idea=idea, author=resident, body="Das ist eine blöde Idee, ihr Trottel!")
    conversation = Conversation.objects.get(city=city)
    statement = conversation.statements.earliest("id")
    report_create(reporter=neighbour, target=comment, reason="abuse", details="Beleidigend.")
    report_create(reporter=resident, target=comment, reason="other")
    report_create(reporter=neighbour, target=idea, reason="spam", details="Werbung? " * 40)
    report_create(reporter=neighbour, target=statement, reason="personal_data")
    premoderation_set(city=city, enabled=True, actor=admin)
    waiting = comment_add(idea=idea, author=neighbour, body="Wartet auf die Moderation. " * 8)
    statement_submit(
        participant=participant_join(conversation=conversation, user=resident),
        text="Eine neue Aussage, die noch geprüft wird.",
    )
    # A process with a past, a current and a future phase, for the timeline's three looks.
    now = timezone.now()
    days = timedelta(days=1)
    prize_money = process_create(
        city=city,
        kind="prize_money",
        title="Quartiersgeld Nordstadt 2026",
        description="Zehntausend Euro für Ideen aus der Nachbarschaft.",
        creator=admin,
        phases=[
            PhaseSpec("Vorschläge", now - 30 * days, now - 10 * days, ["propose"]),
            PhaseSpec("Prüfung", now - 10 * days, now + 5 * days, ["review"]),
            PhaseSpec("Abstimmung", now + 5 * days, None, ["vote", "show_results"]),
        ],
    )
    return {
        "idea": idea,
        "comment": comment,
        "waiting": waiting,
        "conversation": conversation,
        "process": prize_money,
    }


SPINE_PAGES = [
    # (who signs in, path; {idea}, {comment}, {conversation}, {process} are filled in)
    ("moderation@example.org", "/dortmund/moderation/"),
    ("moderation@example.org", "/dortmund/moderation/?resolved=1"),
    ("moderation@example.org", "/dortmund/moderation/log/"),
    ("stadt@example.org", "/dortmund/moderation/"),
    ("stadt@example.org", "/dortmund/roles/"),
    ("stadt@example.org", "/dortmund/moderation/log/"),
    ("nachbar@example.org", "/dortmund/report/idea/{idea}/"),
    ("nachbar@example.org", "/dortmund/report/comment/{comment}/"),
    (None, "/dortmund/processes/"),
    (None, "/dortmund/processes/{process}/"),
    (None, "/dortmund/opinion-maps/{conversation}/"),
    ("resi@example.org", "/dortmund/opinion-maps/{conversation}/"),
]


def spine_url(page, content, path: str) -> str:
    return page.base_url + path.format(
        idea=content["idea"].pk,
        comment=content["comment"].pk,
        conversation=content["conversation"].pk,
        process=content["process"].pk,
    )


def assert_page_is_accessible(page) -> None:
    """axe at 1280 px and at 390 px, no sideways scroll at 390 px, everything reachable by Tab."""
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert unreachable_by_tab(page) == []
    page.set_viewport_size(NARROW)
    assert horizontal_overflow(page) == []
    assert violations(page) == []
    page.set_viewport_size(WIDE)


@pytest.mark.parametrize(("email", "path"), SPINE_PAGES)
def test_spine_pages_pass_axe_fit_a_phone_and_work_by_keyboard(page, spine_content, email, path):
    if email is not None:
        sign_in(page, email)
    response = page.goto(spine_url(page, spine_content, path))
    assert response is not None and response.status == 200
    if "/opinion-maps/" in path:
        # The phases are folded away: open them by keyboard so that axe sees the timeline too.
        page.locator("details.phases summary").focus()
        page.keyboard.press("Enter")
        expect(page.locator("details.phases")).to_have_attribute("open", "")
        expect(page.locator("details.phases .timeline li[aria-current=step]")).to_have_count(1)
    if path == "/dortmund/processes/{process}/":
        expect(page.locator(".timeline li")).to_have_count(3)
        expect(page.locator(".timeline .timeline-past")).to_have_count(1)
        expect(page.locator(".timeline li[aria-current=step]")).to_contain_text("Prüfung")
    assert_page_is_accessible(page)


def test_report_form_errors_pass_axe(page, spine_content):
    sign_in(page, "nachbar@example.org")
    page.goto(spine_url(page, spine_content, "/dortmund/report/comment/{comment}/"))
    # The browser would refuse the empty form itself; the server's answer is what is checked.
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main .errorlist").count() >= 1
    assert_page_is_accessible(page)


def test_roles_form_errors_pass_axe(page, spine_content):
    sign_in(page, "stadt@example.org")
    page.goto(page.base_url + "/dortmund/roles/")
    page.fill("#id_email", "niemand@example.org")
    page.select_option("#id_role", "moderator")
    page.locator("main form:has(#id_email) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main .errorlist").count() >= 1
    assert_page_is_accessible(page)
