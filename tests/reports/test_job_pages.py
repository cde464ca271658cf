"""The report pages: asking (POST), watching a job (htmx polling that stops when it is
finished), downloading, retrying and the list of one's own reports. Anybody who may not
ask for a report of the subject gets 404 for its job. The document is a fake."""

import pytest
from django.urls import reverse
from django_htmx.http import HttpResponseStopPolling

from coachmaster.reports import services
from coachmaster.reports.models import ReportJob
from cohorts.models import LecturerAssignment

from .fake_document import fake_documents_fixture  # noqa: F401 (fixture)

Status = ReportJob.Status
HTMX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def make_job(fake_documents, django_capture_on_commit_callbacks):
    """A finished report job (``run=False``: one still queued)."""

    def make(subject, by, *, kind="progress", run=True) -> ReportJob:
        with django_capture_on_commit_callbacks(execute=run):
            job = services.request_report(kind=kind, subject=subject, by=by)
        if not run:  # sent to the queue, not taken by a worker yet
            ReportJob.objects.filter(pk=job.pk).update(status=Status.QUEUED)
        job.refresh_from_db()
        return job

    return make


def url(name, job):
    return reverse(f"reports:{name}", args=[job.uuid])


def test_the_requester_and_those_who_see_the_student_open_the_job_page(
    client, make_job, enrolment, student, lecturer, cohort, programme_admin
):
    job = make_job(enrolment, student)
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)

    for user in (student, lecturer, programme_admin):
        client.force_login(user)
        response = client.get(url("job", job))
        assert response.status_code == 200, user
        assert url("download", job) in response.text


def test_anybody_else_gets_404_and_anonymous_visitors_the_login(
    client, make_job, enrolment, student, student2, outsider, lecturer
):
    job = make_job(enrolment, student)

    for user in (student2, outsider, lecturer):  # the lecturer doesn't teach this cohort
        client.force_login(user)
        for name in ("job", "download"):
            assert client.get(url(name, job)).status_code == 404, (user, name)
        assert client.post(url("retry", job)).status_code == 404
    client.logout()
    for name in ("job", "download"):
        response = client.get(url(name, job))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_an_unknown_job_is_404(client, student):
    client.force_login(student)
    assert client.get("/reports/6a4c1ee4-5b2c-4a5e-a3a4-7d1f5d1d0e0f/").status_code == 404


def test_polling_a_running_job_returns_the_status_with_its_progress(
    client, make_job, enrolment, student
):
    job = make_job(enrolment, student, run=False)
    client.force_login(student)

    page = client.get(url("job", job))
    assert 'hx-trigger="every 1s"' in page.text
    ReportJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, progress=42, progress_text="Competentie 3 van 8"
    )
    poll = client.get(url("job", job), **HTMX)

    assert poll.status_code == 200
    assert 'hx-trigger="every 1s"' in poll.text
    assert 'value="42"' in poll.text
    assert "Competentie 3 van 8" in poll.text
    assert "<html" not in poll.text  # only the status partial
    assert 'id="report-status"' in poll.text


@pytest.mark.parametrize("status", [Status.DONE, Status.FAILED])
def test_polling_stops_when_the_job_is_finished(client, make_job, enrolment, student, status):
    job = make_job(enrolment, student)
    ReportJob.objects.filter(pk=job.pk).update(status=status, error="Kapot.")
    client.force_login(student)

    poll = client.get(url("job", job), **HTMX)

    assert poll.status_code == HttpResponseStopPolling.status_code == 286
    assert "hx-trigger" not in poll.text
    assert "<html" not in poll.text
    if status == Status.DONE:
        assert url("download", job) in poll.text
    else:
        assert "Kapot." in poll.text
        assert url("retry", job) in poll.text


def test_download_only_when_done_as_an_attachment_of_the_right_type(
    client, make_job, enrolment, student
):
    job = make_job(enrolment, student, run=False)
    client.force_login(student)
    assert client.get(url("download", job)).status_code == 404

    services.run_job(job.pk)
    response = client.get(url("download", job))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "progress-report.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_cohort_zip_downloads_as_a_zip(client, make_job, cohort, programme_admin):
    job = make_job(cohort, programme_admin, kind="cohort_portfolios")
    client.force_login(programme_admin)

    response = client.get(url("download", job))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert ".zip" in response["Content-Disposition"]


def test_a_failed_job_is_made_again_on_retry(
    client, make_job, enrolment, student, fake_documents, django_capture_on_commit_callbacks
):
    fake_documents.raises = RuntimeError("boom")
    job = make_job(enrolment, student)
    assert job.status == Status.FAILED
    client.force_login(student)
    assert client.get(url("download", job)).status_code == 404

    fake_documents.raises = None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("retry", job))

    assert response.status_code == 302
    assert response.url == url("job", job)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)


def test_retrying_a_job_that_is_not_failed_changes_nothing(client, make_job, enrolment, student):
    job = make_job(enrolment, student)
    client.force_login(student)

    response = client.post(url("retry", job), follow=True)

    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 1)


def test_asking_through_the_page_redirects_to_the_job(
    client, fake_documents, enrolment, student, django_capture_on_commit_callbacks
):
    client.force_login(student)
    ask = reverse("reports:request", args=["progress", enrolment.uuid])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ask)
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == url("job", job)
    assert job.status == Status.DONE  # in-process: the task ran after the commit

    again = client.post(ask, **HTMX)
    assert again.status_code == 200
    assert again["HX-Redirect"] == url("job", job)
    assert ReportJob.objects.count() == 1


def test_asking_about_someone_else_an_unknown_kind_or_subject_is_404(
    client, fake_documents, enrolment, student2, outsider
):
    for user in (student2, outsider):
        client.force_login(user)
        response = client.post(reverse("reports:request", args=["progress", enrolment.uuid]))
        assert response.status_code == 404
    client.force_login(enrolment.student)
    for kind, subject in [
        ("poster", enrolment.uuid),
        ("progress", enrolment.cohort.uuid),
        ("portfolio", enrolment.uuid),
    ]:
        response = client.post(reverse("reports:request", args=[kind, subject]))
        assert response.status_code == 404, kind
    assert not ReportJob.objects.exists()


def test_anonymous_visitors_cannot_ask(client, fake_documents, enrolment):
    response = client.post(reverse("reports:request", args=["progress", enrolment.uuid]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not ReportJob.objects.exists()


def test_my_reports_lists_only_my_own_jobs(
    client, make_job, enrolment, student, student2, programme_admin
):
    mine = make_job(enrolment, student)
    theirs = make_job(student2.enrolments.get(), student2)
    client.force_login(student)

    response = client.get(reverse("reports:list"))

    assert response.status_code == 200
    assert url("job", mine) in response.text
    assert url("download", mine) in response.text
    assert url("job", theirs) not in response.text

    client.force_login(programme_admin)  # an administrator's list holds their own requests
    assert url("job", mine) not in client.get(reverse("reports:list")).text


def test_an_empty_list_says_so(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("reports:list"))

    assert response.status_code == 200
    assert not response.context["page"].object_list


def test_wrong_methods_are_405(client, make_job, enrolment, student):
    job = make_job(enrolment, student)
    client.force_login(student)

    assert (
        client.get(reverse("reports:request", args=["progress", enrolment.uuid])).status_code
        == 405
    )
    assert client.get(url("retry", job)).status_code == 405
    for name in ("job", "download"):
        assert client.post(url(name, job)).status_code == 405
    assert client.post(reverse("reports:list")).status_code == 405
    assert client.delete(url("job", job)).status_code == 405
