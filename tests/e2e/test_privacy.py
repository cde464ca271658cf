"""The privacy pages in the browser: public statements reachable from the footer, a student's
download of their data, and the administrator's retention pages; axe checks every page and
the footer links work with the keyboard."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from coachmaster.privacy.defaults import load_default_rules
from coachmaster.privacy.models import DataExport, RetentionRule

from .browsing import arrive, assert_accessible, log_in, say, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def rules(demo):
    """Transactional tests flush what migrations loaded: the default rules come back here."""
    load_default_rules(RetentionRule)


def test_the_statements_are_reachable_from_the_footer_with_the_keyboard(page):
    visit(page, "/accounts/login/")
    footer = page.get_by_role("contentinfo")
    link = footer.get_by_role("link", name=say(page, "Privacy statement"))
    link.focus()
    page.keyboard.press("Enter")
    arrive(page, "/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text(say(page, "Privacy statement"))
    expect(page.get_by_role("table", name=say(page, "How long we keep what"))).to_be_visible()
    page.get_by_role("contentinfo").get_by_role(
        "link", name=say(page, "Accessibility statement")
    ).click()
    arrive(page, "/accessibility/")


def test_a_student_downloads_their_data_and_an_administrator_sees_the_rules(new_page):
    student = new_page()
    log_in(student, "student@example.org")
    arrive(student, "/student/")
    student.get_by_role("contentinfo").get_by_role("link", name=say(student, "Your data")).click()
    arrive(student, "/privacy/my-data/")
    student.get_by_role("button", name=say(student, "Make a download of my data")).click()
    student.wait_for_url(re.compile(r"/privacy/exports/[0-9a-f-]{36}/$"), wait_until="load")
    assert_accessible(student)
    job = DataExport.objects.latest("created_at")
    assert job.status == DataExport.Status.DONE, job.error
    with student.expect_download() as download:
        student.get_by_role(
            "button", name=say(student, "Download %(name)s", name=job.filename)
        ).click()
    with open(download.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert json.loads(archive.read("data.json"))["account"]["email"] == "student@example.org"

    admin = new_page()
    log_in(admin, "admin@example.org")
    arrive(admin, "/programme/")
    admin.get_by_role("contentinfo").get_by_role(
        "link", name=say(admin, "Retention and erasure")
    ).click()
    arrive(admin, "/privacy/retention/")
    admin.get_by_role("link", name=say(admin, "Learning log")).first.click()
    arrive(admin, "/privacy/retention/learning_log/")
    visit(admin, "/privacy/retention/runs/")
    visit(admin, "/privacy/erasure/")
