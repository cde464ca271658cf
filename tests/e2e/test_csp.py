"""The Content Security Policy in a real browser: every main page of every role on the demo,
the Django admin and the account pages load without a single violation, and htmx still swaps
partials under the policy (it may not evaluate code or inject styles there).

Violations are caught twice: a ``securitypolicyviolation`` listener added with
``add_init_script`` (which runs outside the page's policy) logs each one to the console, and
Chromium's own "Refused to …" console errors are collected too.
"""

from __future__ import annotations

import json

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from tests.e2e.browsing import DASHBOARDS, arrive, log_in, say

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MARK = "CSP violation: "
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP_MARK" + JSON.stringify({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  }));
}, true);
""".replace("CSP_MARK", MARK)
# Pages outside the main navigation that every signed-in person has (allauth's included).
ACCOUNT_PAGES = (
    "preferences",
    "account_email",
    "account_change_password",
    "mfa_index",
    "usersessions_list",
)


class Watched:
    """A browser page whose policy violations and script errors are written down."""

    def __init__(self, page: Page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def _console(self, message) -> None:
        text = message.text
        if text.startswith(MARK) or "Content Security Policy" in text:
            self.problems.append(f"{self.page.url}: {text}")

    def open(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status < 400, f"{path}: {response.status}"
        self.page.wait_for_load_state("load")

    def nav_links(self) -> list[str]:
        return self.page.evaluate(
            "[...document.querySelectorAll('header nav a[href]')]"
            ".map((link) => new URL(link.href).pathname)"
        )


@pytest.fixture
def watched(new_page):
    def make(**options) -> Watched:
        return Watched(new_page(**options))

    return make


def account_pages() -> list[str]:
    paths = []
    for name in ACCOUNT_PAGES:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    return paths


def visit_everything_in_reach(browser: Watched, email: str) -> list[str]:
    """Log in as ``email``; open every link of the main navigation and the account pages."""
    log_in(browser.page, email)
    dashboard, _heading = DASHBOARDS[email]
    arrive(browser.page, dashboard)
    paths = list(dict.fromkeys(browser.nav_links() + account_pages()))
    for path in paths:
        browser.open(path)
    return paths


def test_the_watcher_catches_a_violation(watched):
    # Proof that a clean result means something: inline code on a real page is reported.
    browser = watched()
    browser.open(reverse("account_login"))
    browser.page.evaluate(
        "document.head.appendChild(Object.assign(document.createElement('style'),"
        " {textContent: 'body { color: red }'}));"
        "document.body.insertAdjacentHTML('beforeend', '<img src=\"data:,\" onerror=\"1\">');"
    )
    expect(browser.page.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
    browser.page.wait_for_timeout(300)
    assert any("style-src" in problem for problem in browser.problems), browser.problems
    assert any("script-src" in problem for problem in browser.problems), browser.problems


@pytest.mark.parametrize(
    "email",
    [
        "student@example.org",
        "docent@example.org",
        "begeleider@example.org",
        "admin@example.org",
    ],
)
def test_the_main_pages_of_each_role_break_no_policy(watched, email):
    browser = watched()
    paths = visit_everything_in_reach(browser, email)
    assert len(paths) >= 5, paths
    assert browser.problems == []


def test_the_anonymous_pages_break_no_policy(watched):
    browser = watched()
    for path in (reverse("account_login"), reverse("account_reset_password"), "/nope/"):
        browser.page.goto(path)
        browser.page.wait_for_load_state("load")
    assert browser.problems == []


def test_the_django_admin_breaks_no_policy(watched):
    browser = watched()
    log_in(browser.page, "admin@example.org")
    arrive(browser.page, "/programme/")
    browser.open("/admin/")
    lists = browser.page.evaluate(
        "[...document.querySelectorAll('#content-main th a[href]')]"
        ".map((link) => new URL(link.href).pathname)"
    )
    adds = browser.page.evaluate(
        "[...document.querySelectorAll('#content-main a.addlink[href]')]"
        ".map((link) => new URL(link.href).pathname)"
    )
    assert lists and adds
    for path in lists[:6] + adds[:3]:
        browser.open(path)
    # A change form with its widgets (related lookups, date shortcuts, select filters).
    browser.open(lists[0])
    first_row = browser.page.locator("#result_list tbody th a").first
    if first_row.count():
        first_row.click()
        browser.page.wait_for_load_state("load")
    assert browser.problems == []


def test_htmx_still_swaps_partials_under_the_policy(watched):
    browser = watched()
    page = browser.page
    log_in(page, "student@example.org")
    arrive(page, "/student/")
    # htmx read its configuration from the meta tag: no eval, no injected styles.
    config = json.loads(
        page.evaluate(
            "JSON.stringify({eval: htmx.config.allowEval, scripts: htmx.config.allowScriptTags,"
            " styles: htmx.config.includeIndicatorStyles})"
        )
    )
    assert config == {"eval": False, "scripts": False, "styles": False}
    assert page.locator("head style").count() == 0

    browser.open(reverse("competencies:evidence_list"))
    page.evaluate("window.stillTheSamePage = true")
    kind = page.get_by_role("search").get_by_role("combobox").first
    values = [option.get_attribute("value") for option in kind.locator("option").all()]
    with page.expect_response(lambda response: "?" in response.url) as info:
        kind.select_option(next(value for value in values if value))
    assert info.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#evidence-list")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    assert "?" in page.url  # hx-push-url
    assert browser.problems == []


def test_an_htmx_post_works_under_the_policy(watched):
    browser = watched()
    page = browser.page
    log_in(page, "admin@example.org")
    arrive(page, "/programme/")
    page.evaluate("window.stillTheSamePage = true")
    row = page.get_by_role("row").filter(has_text="r.hoekstra@example.org")
    with page.expect_response("**/invite/") as info:
        row.get_by_role("button").first.click()
    assert info.value.request.headers.get("hx-request") == "true"
    # The CSRF token came from hx-headers on <body>, parsed as JSON (no eval needed).
    assert info.value.status == 200
    expect(row.get_by_role("status")).to_have_text(say(page, "Invitation sent."))
    assert page.evaluate("window.stillTheSamePage") is True
    assert browser.problems == []
