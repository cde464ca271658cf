"""Security headers on every page: a strict Content Security Policy, frame denial, nosniff,
referrer and opener policies, HSTS and secure cookies once the site is https; and no inline
script, style or event handler anywhere in our templates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_deployment import run_python

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE_DIRS = [ROOT / "templates"] + [
    ROOT / app / "templates" for app in ("coachmaster", "curriculum", "cohorts", "competencies")
]
EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return dict(directives)


def assert_page_headers(response) -> None:
    assert policy(response) == EXPECTED_POLICY
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_login_page_has_every_security_header(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert_page_headers(response)


@pytest.mark.parametrize("person", ["student", "lecturer", "supervisor", "programme_admin"])
def test_every_role_home_page_has_every_security_header(client, request, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert_page_headers(response)


def test_the_django_admin_gets_the_same_policy(client, programme_admin):
    client.force_login(programme_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert_page_headers(response)


def test_error_pages_carry_the_policy_too(client, student):
    client.force_login(student)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_page_headers(response)


def test_htmx_is_configured_for_the_policy(client, db):
    html = client.get(reverse("account_login")).content.decode()
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert match, "base.html configures htmx with a meta tag"
    assert json.loads(match.group(1)) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
    }
    css = (ROOT / "static" / "css" / "coachmaster.css").read_text()
    assert ".htmx-request .htmx-indicator" in css


def test_surfconext_login_may_post_to_the_issuer():
    # allauth's provider login is a POST that redirects to the issuer; browsers check the
    # redirect against form-action.
    result = run_python(
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])\n",
        {"SURFCONEXT_ISSUER": "https://connect.test.surfconext.nl/"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[\"'self'\", 'https://connect.test.surfconext.nl']"


# --- no inline code in any template -------------------------------------------------------------

INLINE_PATTERNS = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")"),
    "<style> element": re.compile(r"<style\b"),
    "style attribute": re.compile(r"\sstyle\s*="),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on attribute": re.compile(r"\s(?:data-)?hx-on"),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "evaluated hx-vals/hx-vars": re.compile(r"hx-vars|hx-vals=['\"]\s*js:"),
    "htmx event filter (needs eval)": re.compile(r"hx-trigger=\"[^\"]*\["),
}


def browser_templates() -> list[Path]:
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            # PDF templates are rendered by WeasyPrint on the server, never by a browser.
            if "pdf" not in path.relative_to(directory).parts:
                found.append(path)
    return found


def test_there_are_templates_to_check():
    assert len(browser_templates()) > 50


@pytest.mark.parametrize("kind", sorted(INLINE_PATTERNS))
def test_no_template_has_inline_code(kind):
    pattern = INLINE_PATTERNS[kind]
    offenders = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in browser_templates()
        for text in [path.read_text()]
        for match in pattern.finditer(text)
    ]
    assert offenders == [], f"{kind} breaks the Content Security Policy"


# --- https: HSTS and cookies --------------------------------------------------------------------

SHOW = (
    "import json, django; django.setup()\n"
    "from django.conf import settings as s\n"
    "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
    " s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
    " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SECURE,"
    " s.LANGUAGE_COOKIE_HTTPONLY]))\n"
)


def test_https_switches_on_hsts_for_a_year_and_secure_cookies():
    result = run_python(SHOW, {"SITE_URL": "https://coachmaster.example.org"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [31536000, True, True, True, True, True, True, True, True]


def test_plain_http_development_has_no_hsts_and_plain_cookies():
    result = run_python(SHOW, {})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [0, False, False, False, True, False, True, False, True]


def test_hsts_header_and_secure_cookies_over_https(settings, programme_admin, password):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()
    login_page = client.get(reverse("account_login"), secure=True)
    assert login_page["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    client.post(
        reverse("account_login"),
        {"login": programme_admin.email, "password": password},
        secure=True,
    )
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
