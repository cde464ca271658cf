"""A student, a lecturer and an administrator each get their PDF from the browser: ask on
the page they are on, land on the report's page, download the file. (In the browser tests
tasks run in-process, so the report is ready when the page opens; the polling itself is
tested in tests/reports/test_job_pages.py and against a real worker in test_worker.py.)"""

import re

import pytest
from playwright.sync_api import Page, expect

from coachmaster.reports.models import ReportJob
from cohorts.models import Cohort
from competencies.models import Portfolio
from tests.e2e.browsing import arrive, assert_accessible, log_in, say, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _download(page: Page, kind: str) -> bytes:
    """On the report's page: the download link gives the file."""
    page.wait_for_url(re.compile(r"/reports/[0-9a-f-]{36}/$"), wait_until="load")
    assert_accessible(page)
    job = ReportJob.objects.filter(kind=kind).latest("created_at")
    assert job.status == ReportJob.Status.DONE, job.error
    link = page.get_by_role("button", name=say(page, "Download %(name)s", name=job.filename))
    with page.expect_download() as download:
        link.click()
    return open(download.value.path(), "rb").read()


def test_student_lecturer_and_administrator_download_their_pdfs(new_page):
    sanne = new_page()
    log_in(sanne, "student@example.org")
    arrive(sanne, "/student/")
    sanne.get_by_role("button", name=say(sanne, "Progress report (PDF)")).click()
    assert _download(sanne, "progress").startswith(b"%PDF")

    # Marc examines Sanne's year-1 portfolio: the PDF of exactly what she submitted.
    marc = new_page()
    log_in(marc, "docent@example.org")
    arrive(marc, "/lecturer/")
    portfolio = Portfolio.objects.get(
        enrolment__student__email="student@example.org", review_moment__code="year-1-review"
    )
    visit(marc, f"/portfolios/{portfolio.uuid}/")
    marc.get_by_role("button", name=say(marc, "Download as PDF")).click()
    assert _download(marc, "portfolio").startswith(b"%PDF")

    ingrid = new_page()
    log_in(ingrid, "admin@example.org")
    arrive(ingrid, "/programme/")
    cohort = Cohort.objects.get(name="2025–2027")
    visit(ingrid, f"/cohorts/{cohort.uuid}/")
    ingrid.get_by_role("button", name=say(ingrid, "Cohort progress report (PDF)")).click()
    assert _download(ingrid, "cohort").startswith(b"%PDF")

    # Each finds it again under My reports.
    visit(ingrid, "/reports/")
    expect(ingrid.get_by_role("main")).to_contain_text(say(ingrid, "Cohort progress report"))
