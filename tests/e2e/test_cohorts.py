"""Cohorts in the browser: importing an OSIRIS export, the student table, axe on every page."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from cohorts.models import Cohort, Enrolment, Group, IntervisionSession
from tests.e2e.browsing import arrive, assert_accessible, log_in, say, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OSIRIS_EXPORT = (
    "\ufeffStudentnummer;Roepnaam;Voorvoegsels;Achternaam;E-mailadres;Cohort\r\n"
    "04100001;Ilse;;Dekker;ilse.dekker@example.org;2026–2028\r\n"
    "04100002;Joost;van der;Linden;j.vanderlinden@example.org;2026–2028\r\n"
    "04100003;Mirjam;;Koster;mirjam.koster@@example;2026–2028\r\n"
    "04100004;Stefan;;de Graaf;s.degraaf@example.org;2026–2028\r\n"
)


def test_administrator_imports_students_fixes_a_refused_row_and_finds_them(page, tmp_path):
    export = tmp_path / "osiris-export.csv"
    export.write_text(OSIRIS_EXPORT, encoding="utf-8")
    cohort = Cohort.objects.get(name="2026–2028")

    log_in(page, "admin@example.org")
    arrive(page, "/programme/")
    page.get_by_role("link", name=say(page, "Import students")).first.click()
    arrive(page, "/cohorts/import/")
    page.get_by_label(say(page, "Student file")).set_input_files(export)
    page.get_by_role("button", name=say(page, "Upload and continue")).click()
    page.wait_for_url("**/cohorts/import/*/")
    assert_accessible(page)
    # The OSIRIS headers were recognised; the mapping is saved as a profile for next time.
    expect(page.get_by_label(say(page, "student number").capitalize())).to_have_value(
        "Studentnummer"
    )
    page.get_by_label(say(page, "Save this mapping as an import profile named")).fill("OSIRIS")
    page.get_by_role("button", name=say(page, "Show the dry run")).click()
    page.wait_for_url("**/preview/")
    assert_accessible(page)

    refused_row = page.locator("#row-4")
    expect(refused_row).to_contain_text(say(page, "Refused"))
    expect(page.locator("#row-3")).to_contain_text("van der")
    refused_row.get_by_role("link", name=say(page, "Correct this row")).click()
    email = page.locator("#row-4").get_by_label(say(page, "e-mail address").capitalize())
    expect(email).to_be_visible()
    # htmx moves the focus to the form's first field once the swap settles; typing before
    # that would land in the wrong field.
    expect(page.locator("#row-4 input[autofocus]")).to_be_focused()
    # Chromium also honours the inserted field's autofocus itself, at its next rendering
    # update: a second focus on the same field that would catch keystrokes meant for another.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    email.fill("mirjam.koster@example.org")
    expect(email).to_have_value("mirjam.koster@example.org")
    page.get_by_role("button", name=say(page, "Save the row")).click()
    expect(page.locator("#row-4")).to_contain_text(say(page, "New account"))
    expect(page.locator("#import-status")).to_contain_text("4")
    assert_accessible(page)

    with page.expect_navigation():
        page.locator("#import-summary").get_by_role("button").click()
    arrive(page, f"/cohorts/{cohort.uuid}/")
    assert Enrolment.objects.filter(cohort=cohort, student_number__startswith="041").count() == 4
    koster = Enrolment.objects.get(student_number="04100003").student
    assert koster.email == "mirjam.koster@example.org"
    linden = Enrolment.objects.get(student_number="04100002").student
    assert (linden.name_prefix, linden.family_name) == ("van der", "Linden")
    assert len([m for m in mail.outbox if m.to in (["mirjam.koster@example.org"],)]) == 1

    page.get_by_label(say(page, "Search")).fill("Koster")
    page.get_by_role("button", name=say(page, "Filter")).click()
    expect(page.locator("#students").get_by_role("link", name="Koster, Mirjam")).to_be_visible()
    page.wait_for_url("**q=Koster**")
    assert_accessible(page)


def test_every_cohort_page_passes_axe(page):
    cohort = Cohort.objects.get(name="2025–2027")
    enrolment = Enrolment.objects.get(student__email="student@example.org")
    group = Group.objects.filter(cohort=cohort, kind="intervision").first()
    session = IntervisionSession.objects.filter(group=group).first()
    log_in(page, "admin@example.org")
    arrive(page, "/programme/")
    for path in (
        "/cohorts/",
        "/cohorts/new/",
        f"/cohorts/{cohort.uuid}/",
        f"/cohorts/{cohort.uuid}/edit/",
        f"/cohorts/{cohort.uuid}/enrol/",
        f"/cohorts/{cohort.uuid}/staff/",
        f"/cohorts/{cohort.uuid}/groups/",
        f"/cohorts/enrolments/{enrolment.uuid}/",
        f"/cohorts/groups/{group.uuid}/",
        f"/cohorts/groups/{group.uuid}/sessions/new/",
        f"/cohorts/sessions/{session.uuid}/",
        f"/cohorts/sessions/{session.uuid}/?edit=1",
        "/cohorts/import/",
    ):
        visit(page, path)

    page.context.clear_cookies()
    log_in(page, "student@example.org")
    arrive(page, "/student/")
    page.get_by_role("banner").get_by_role("link", name=say(page, "My groups")).click()
    arrive(page, "/cohorts/mine/")
    expect(page.get_by_text("Thijs van Dijk").first).to_be_visible()
    visit(page, f"/cohorts/groups/{group.uuid}/")

    page.context.clear_cookies()
    log_in(page, "begeleider@example.org")
    arrive(page, "/supervisor/")
    expect(page.get_by_role("link", name="Jansen, Sanne")).to_be_visible()
    visit(page, f"/cohorts/enrolments/{enrolment.uuid}/")
