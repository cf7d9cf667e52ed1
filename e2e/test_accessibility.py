"""axe-core on every main page: no serious or critical violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from e2e.conftest import make_verified_user, sign_in

PUBLIC_PAGES = ["/dortmund/", "/dortmund/map/", "/dortmund/ideas/", "/accounts/login/"]


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_violations(page, path):
    page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []


def test_idea_detail_has_no_serious_violations(page):
    from quartier.ideas.models import Idea

    idea = Idea.objects.earliest("id")
    page.goto(f"{page.base_url}/dortmund/ideas/{idea.pk}/")
    assert serious_violations(page) == []


def test_submit_form_has_no_serious_violations(page):
    make_verified_user("a11y@example.org", "A11y")
    sign_in(page, "a11y@example.org")
    page.goto(page.base_url + "/dortmund/ideas/new/")
    page.wait_for_function("document.querySelectorAll('#pick-map path').length >= 12")
    assert serious_violations(page) == []
    # The error summary after an empty submission is checked too.
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert serious_violations(page) == []
