"""The remaining pages of the shell: preferences, password reset and the 404 page."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.browsing import LOGIN_PATH, arrive, expect_heading, log_in, say, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_preferences_page_saves_the_language(page):
    log_in(page, "student3@example.org")
    arrive(page, "/student/")
    page.get_by_role("banner").get_by_role("link", name=say(page, "My account")).click()
    arrive(page, "/accounts/preferences/")
    expect_heading(page, say(page, "My account"))

    language = page.get_by_label(say(page, "Language of the platform and of e-mails to you"))
    language.select_option("en")
    page.get_by_role("main").get_by_role("button", name=say(page, "Save")).click()
    arrive(page, "/accounts/preferences/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("status")).to_have_text("Your preferences have been saved.")


def test_student_who_forgot_her_password_gets_a_reset_link(new_page):
    """In the dark colour scheme, which Pico follows: our own colours must hold up there too."""
    page = new_page(color_scheme="dark")
    log_in(page, "student2@example.org", password="not-my-password")
    arrive(page, LOGIN_PATH)
    expect(page.get_by_role("alert")).to_be_visible()

    main = page.get_by_role("main")
    main.get_by_role("link", name=say(page, "Forgot your password, or never set one?")).click()
    arrive(page, "/accounts/password/reset/")
    page.get_by_label(say(page, "Email")).fill("student2@example.org")
    main.get_by_role("button", name=say(page, "Reset My Password")).click()
    arrive(page, "/accounts/password/reset/done/")
    assert [message.to for message in mail.outbox] == [["student2@example.org"]]


def test_404_page_is_dutch_and_keyboard_users_can_skip_to_its_content(page):
    visit(page, "/does-not-exist/", status=404)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect_heading(page, say(page, "Page not found"))

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name=say(page, "Skip to main content"))
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
