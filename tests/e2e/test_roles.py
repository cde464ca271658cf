"""Roles in the browser: switching between them, the Django admin, the administrator's htmx."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.browsing import arrive, assert_accessible, expect_heading, log_in, say, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RESEND_INVITATION = "Resend invitation to %(name)s"


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_lecturer_who_supervises_switches_between_both_dashboards(new_page):
    """On a 320 pixels wide screen (WCAG's reflow width), where the header's controls wrap.

    Marloes de Wit holds both roles and prefers English (see the demo seed).
    """
    page = new_page(viewport={"width": 320, "height": 640})
    log_in(page, "m.dewit@example.org")
    arrive(page, "/lecturer/")
    assert fits_the_width(page)
    header = page.get_by_role("banner")
    role_select = header.get_by_label(say(page, "Act as"))
    expect(role_select).to_have_value("lecturer")

    role_select.select_option("supervisor")
    header.get_by_role("button", name=say(page, "Switch role")).click()
    arrive(page, "/supervisor/")
    expect_heading(page, say(page, "Welcome, %(name)s", name="Marloes"))
    assert fits_the_width(page)
    expect(header.get_by_label(say(page, "Act as"))).to_have_value("supervisor")

    header.get_by_label(say(page, "Act as")).select_option("lecturer")
    header.get_by_role("button", name=say(page, "Switch role")).click()
    arrive(page, "/lecturer/")


def test_django_admin_is_for_the_programme_administrator_only(page):
    log_in(page, "admin@example.org")
    arrive(page, "/programme/")
    page.get_by_role("banner").get_by_role("link", name=say(page, "Administration")).click()
    page.wait_for_url("**/admin/")
    # Django's own admin index is not ours to fix, so it is left out of the axe checks.
    expect(page.locator("#site-name")).to_have_text(say(page, "CoachMaster administration"))

    page.context.clear_cookies()
    log_in(page, "student@example.org")
    arrive(page, "/student/")
    expect(
        page.get_by_role("banner").get_by_role("link", name=say(page, "Administration"))
    ).to_have_count(0)
    visit(page, "/admin/", status=403)
    expect_heading(page, say(page, "Access denied"))


def test_administrator_resends_an_invitation_without_reloading_the_page(page):
    log_in(page, "admin@example.org")
    arrive(page, "/programme/")
    page.evaluate("window.stillTheSamePage = true")
    row = page.get_by_role("row").filter(has_text="r.hoekstra@example.org")
    # The button's accessible name says whom it invites; its visible text is the short form.
    button = row.get_by_role("button", name=say(page, RESEND_INVITATION, name="Rob Hoekstra"))
    expect(button).to_have_text(say(page, "Resend invitation"))

    with page.expect_response("**/invite/") as response_info:
        button.click()

    assert response_info.value.request.headers.get("hx-request") == "true"
    status = row.get_by_role("status")
    expect(status).to_have_text(say(page, "Invitation sent."))
    # The clicked button is gone: focus moves to the confirmation instead of the page's start.
    expect(status).to_be_focused()
    expect(row.get_by_role("button")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True
    assert_accessible(page)
    assert [message.to for message in mail.outbox] == [["r.hoekstra@example.org"]]
