"""Browser fixtures: one headless Chromium for the session, a fresh context for every test.

Debian's Chromium is driven through Playwright's sync API (``playwright install`` is never
needed). Each test gets the demo programme in a transactional database, served by
pytest-django's ``live_server``, and a browser context without cookies, so no test leans on
another's session or language choice. Every request the page makes must stay on the live
server: a call to a CDN or any other host fails the test.
"""

import os
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import sync_playwright

from coachmaster.demo.seed import seed_demo
from tests.competencies.evidence_helpers import private_media_fixture  # noqa: F401
from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test thread, which trips Django's
# async-unsafe check on every ORM call made from the test (fixtures, assertions). This is the
# documented workaround for pytest-django's live_server together with Playwright's sync API.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db, settings, private_media):
    """The demo programme of ``make demo``, with a fast password hasher for the many logins.

    Its evidence files go to a temporary private storage, not to the real ``MEDIA_ROOT``."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_demo(reports=False)
    # Setting up the demo mails examiners and lecturers; tests count only their own mails
    # (``seed_demo`` the command keeps them out of the outbox the same way).
    mail.outbox.clear()


@pytest.fixture
def new_page(browser, live_server, demo):
    """A factory of pages, each in its own fresh context (think: another browser or device).

    The browser asks for English content (``Accept-Language: en-GB``) on purpose: CoachMaster
    speaks Dutch until someone chooses otherwise, whatever the browser prefers.
    """
    contexts = []
    foreign_requests = []
    server = urlsplit(live_server.url).netloc

    def note_foreign_request(request):
        url = urlsplit(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != server:
            foreign_requests.append(request.url)

    def make(**context_options):
        context_options.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", note_foreign_request)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not foreign_requests, f"requests left the live server: {foreign_requests}"


@pytest.fixture
def page(new_page):
    return new_page()
