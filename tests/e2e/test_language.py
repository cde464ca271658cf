"""The header's language switch: Dutch by default, English on request, kept on the account."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from coachmaster.accounts.models import User
from tests.e2e.browsing import LOGIN_PATH, arrive, dutch, expect_heading, log_in, log_out, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def switch_language(page, button_name: str, language: str) -> None:
    """Click the header's language button: the same page comes back in ``language``."""
    path = urlsplit(page.url).path
    page.get_by_role("banner").get_by_role("button", name=button_name).click()
    page.wait_for_function("language => document.documentElement.lang === language", arg=language)
    arrive(page, path)


def test_visitor_switches_the_login_page_to_english_and_back(page):
    visit(page, LOGIN_PATH)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect_heading(page, dutch("Log in to CoachMaster"))

    switch_language(page, "English", "en")
    expect_heading(page, "Log in to CoachMaster")
    expect(page.get_by_label("Email")).to_be_visible()

    switch_language(page, "Nederlands", "nl")
    expect_heading(page, dutch("Log in to CoachMaster"))


def test_language_choice_is_saved_on_the_account_for_the_next_login(page):
    log_in(page, "student@example.org")
    arrive(page, "/student/")
    expect_heading(page, dutch("Welcome, %(name)s", name="Sanne"))

    switch_language(page, "English", "en")
    expect_heading(page, "Welcome, Sanne")
    assert User.objects.get(email="student@example.org").preferred_language == "en"
    log_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Without the language cookie (another browser, say) only the account knows the choice.
    page.context.clear_cookies(name=settings.LANGUAGE_COOKIE_NAME)
    log_in(page, "student@example.org")
    arrive(page, "/student/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect_heading(page, "Welcome, Sanne")

    switch_language(page, "Nederlands", "nl")
    expect_heading(page, dutch("Welcome, %(name)s", name="Sanne"))
    assert User.objects.get(email="student@example.org").preferred_language == "nl"
