"""The Content-Security-Policy blocks nothing the pages need: no violation on any main page."""

import pytest

PAGES = [
    "/dortmund/",
    "/dortmund/map/",
    "/dortmund/ideas/",
    "/dortmund/opinion-maps/",
    "/accounts/login/",
    "/api/v1/docs",
]


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


@pytest.mark.parametrize("path", PAGES)
def test_the_policy_blocks_nothing_on_the_page(page, path):
    violations = _violations(page)
    response = page.goto(page.base_url + path)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_map_and_htmx_filters_work_under_the_policy(page):
    from quartier.ideas.models import Idea

    violations = _violations(page)
    page.goto(page.base_url + "/dortmund/ideas/")
    page.select_option("select[name=kind]", "ecological")
    page.wait_for_load_state("networkidle")
    assert "kind=ecological" in page.url  # htmx pushed the filtered list
    idea = Idea.objects.earliest("id")
    page.goto(f"{page.base_url}/dortmund/ideas/{idea.pk}/")
    page.wait_for_load_state("networkidle")
    page.goto(page.base_url + "/dortmund/map/")
    page.wait_for_function(
        # A function, not an expression: Playwright evals an expression in the page while
        # it polls, which the site's CSP (no unsafe-eval) refuses.
        "() => document.querySelectorAll('.leaflet-container').length >= 1"
    )
    assert violations == []


def test_an_injected_inline_script_does_not_run(page):
    violations = _violations(page)
    page.goto(page.base_url + "/dortmund/ideas/")
    # What an XSS would add to the page: an inline script and an inline event handler.
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.appendChild(script);
            document.body.insertAdjacentHTML(
                'beforeend', '<img src="/nowhere.png" onerror="window.injected = true">');
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.injected === undefined")
    assert violations  # the browser reported what it refused
