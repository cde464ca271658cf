"""What the browser tests do again and again: visit a page, log in and out, check accessibility.

Every page a test lands on goes through ``assert_accessible``: axe-core must find nothing of
impact "serious" or "critical". Texts are looked up in the same translation catalogues the
server uses, so a test states *which* message it expects and the catalogue says how it reads
in Dutch or English.
"""

from __future__ import annotations

import hashlib
import re
import textwrap

from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response, expect

from coachmaster.demo.seed import DEMO_PASSWORD

BLOCKING_IMPACTS = frozenset({"serious", "critical"})
_axe = Axe()
# Fingerprints of the page states axe has already passed in this session (see below).
_passed: set[str] = set()
_CSRF_TOKEN = re.compile(r'("csrfmiddlewaretoken" value="|X-CSRFToken&quot;: &quot;)[^"&]*')

# The dashboard each demo login lands on, and the message of its first heading.
DASHBOARDS = {
    "admin@example.org": ("/programme/", "Programme administration"),
    "docent@example.org": ("/lecturer/", "Welcome, %(name)s"),
    "begeleider@example.org": ("/supervisor/", "Welcome, %(name)s"),
    "student@example.org": ("/student/", "Welcome, %(name)s"),
    "student2@example.org": ("/student/", "Welcome, %(name)s"),
    "student3@example.org": ("/student/", "Welcome, %(name)s"),
}
LOGIN_PATH = "/accounts/login/"


def in_language(language: str, message: str, **params: str) -> str:
    """``message`` as the server renders it in ``language``."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


def dutch(message: str, **params: str) -> str:
    """The Dutch text of ``message``; fails clearly when the catalogue lacks it."""
    text = in_language("nl", message, **params)
    english = message % params if params else message
    assert text != english, (
        f"no Dutch translation for {message!r}: is locale/nl compiled (make compilemessages)?"
    )
    return text


def language_of(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def say(page: Page, message: str, **params: str) -> str:
    """``message`` in the language the page is in now."""
    return in_language(language_of(page), message, **params)


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} serious/critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"      {textwrap.shorten(node['html'], 160)}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"      {summary_line.strip()}")
    return "\n".join(lines)


def _fingerprint(page: Page) -> str:
    """The page state axe judges: its markup (CSRF tokens aside), colour scheme and width."""
    markup = page.evaluate(
        "[document.documentElement.outerHTML, matchMedia('(prefers-color-scheme: dark)').matches,"
        " innerWidth].join('|')"
    )
    return hashlib.sha256(_CSRF_TOKEN.sub(r"\1", markup).encode()).hexdigest()


def _check_accessible(page: Page) -> None:
    """axe-core on the page as it is now: no serious or critical violation.

    A state that already passed in this session (the same markup in the same colour scheme and
    width, such as the login page every login test starts from) is not scanned again: axe
    would give the same answer, and each scan costs the suite about half a second.
    """
    page.wait_for_load_state("load")
    fingerprint = _fingerprint(page)
    if fingerprint in _passed:
        return
    violations = _axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, format_violations(page.url, blocking)
    _passed.add(fingerprint)


def assert_accessible(page: Page) -> None:
    """axe-core on the page as it is now (see ``_check_accessible``).

    A click that submits a form may still be navigating when "load" of the old page already
    counts as reached; the page's scripts then vanish mid-scan. The scan waits for the new
    page and runs again once.
    """
    try:
        _check_accessible(page)
    except PlaywrightError as error:
        if "Execution context was destroyed" not in str(error):
            raise
        page.wait_for_load_state("load")
        _check_accessible(page)


def visit(page: Page, path: str, *, status: int = 200) -> Response:
    """Open ``path``, expect ``status``, and check the page's accessibility."""
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"{path}: expected HTTP {status}, got {response and response.status}"
    )
    assert_accessible(page)
    return response


def arrive(page: Page, path: str) -> None:
    """Wait until a click has brought the page to ``path`` (fully loaded), then check it."""
    page.wait_for_url(f"**{path}", wait_until="load")
    assert_accessible(page)


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form: fields found by their labels, the submit button clicked."""
    visit(page, LOGIN_PATH)
    page.get_by_label(say(page, "Email")).fill(email)
    page.get_by_label(say(page, "Password")).fill(password)
    page.get_by_role("main").get_by_role("button", name=say(page, "Log in")).click()


def log_out(page: Page) -> None:
    """Log out with the header's button and land on the login page."""
    page.get_by_role("banner").get_by_role("button", name=say(page, "Log out")).click()
    arrive(page, LOGIN_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(say(page, "Log in to CoachMaster"))


def expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
