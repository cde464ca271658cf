"""The report pipeline in-process (Celery eager): a job is run once, fails with a message the
requester can read, retries only transient errors, is reused while its data is unchanged, and
tells its requesters once when a long one is ready. The document is a fake
(``fake_document``): these tests are about the jobs, not the PDFs."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from coachmaster.reports import services
from coachmaster.reports.models import ReportJob
from coachmaster.reports.pdf import PageCapExceeded
from coachmaster.reports.tasks import render_report

from ..factories import UserFactory
from .fake_document import fake_documents_fixture  # noqa: F401 (fixture)

Status = ReportJob.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Requests a progress report of ``enrolment`` and runs its task as the commit would."""

    def ask(enrolment, by, **kwargs) -> ReportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.request_report(kind="progress", subject=enrolment, by=by, **kwargs)
        job.refresh_from_db()
        return job

    return ask


@pytest.fixture
def teaching(lecturer, cohort):
    from cohorts.models import LecturerAssignment

    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    return lecturer


def stored(job: ReportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def test_a_job_runs_from_queued_to_done_with_its_file(fake_documents, enrolment, student, ask):
    job = ask(enrolment, student)

    assert job.status == Status.DONE
    assert (job.progress, job.progress_text) == (100, "")
    assert job.attempts == 1
    assert job.started_at <= job.finished_at
    assert job.worker_pid
    content = stored(job)
    assert content.startswith(b"%PDF")
    assert job.sha256 == hashlib.sha256(content).hexdigest()
    assert (job.size, job.pages, job.filename) == (len(content), 1, "progress-report.pdf")
    assert job.file.name == f"reports/{job.uuid}.pdf"
    assert list(job.requesters.all()) == [student]
    assert job.requested_by == student


def test_the_job_is_marked_running_and_its_progress_is_visible_while_it_renders(
    fake_documents, enrolment, student, ask
):
    ask(enrolment, student)

    assert fake_documents.progress_seen == (Status.RUNNING, 40, "Halfway there")


def test_the_job_renders_in_its_language(fake_documents, enrolment, student, ask):
    student.preferred_language = "en"
    student.save(update_fields=["preferred_language"])

    job = ask(enrolment, student)

    assert job.language == "en"
    assert fake_documents.language_seen == "en"
    assert stored(job).endswith(b" en\n")


def test_running_a_done_job_again_does_nothing(
    fake_documents, enrolment, student, ask, private_media
):
    job = ask(enrolment, student)
    name, sha256, content = job.file.name, job.sha256, stored(job)

    render_report.delay(job.pk)
    services.run_job(job.pk)

    job.refresh_from_db()
    assert fake_documents.renders == 1
    assert job.attempts == 1
    assert (job.file.name, job.sha256, stored(job)) == (name, sha256, content)
    assert [path.name for path in (private_media / "reports").iterdir()] == [f"{job.uuid}.pdf"]


def test_a_missing_job_is_skipped_quietly(fake_documents):
    services.run_job(123456)
    render_report.delay(123456)

    assert fake_documents.renders == 0


def test_a_render_error_fails_the_job_with_a_readable_message_and_it_can_be_retried(
    fake_documents, enrolment, student, ask, django_capture_on_commit_callbacks
):
    fake_documents.raises = ValueError("a bug in the document")

    job = ask(enrolment, student)

    assert job.status == Status.FAILED
    assert job.finished_at is not None
    assert not job.file
    with translation.override("nl"):
        assert job.error == _("The report could not be made. The error has been logged.")
    assert "a bug" not in job.error

    fake_documents.raises = None
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.retry_job(job=job, by=student)
        assert (queued.status, queued.error, queued.progress) == (Status.WAITING, "", 0)
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert job.attempts == 2
    assert job.error == ""


def test_the_failure_message_is_in_the_job_language(fake_documents, enrolment, student, ask):
    student.preferred_language = "en"
    student.save(update_fields=["preferred_language"])
    fake_documents.raises = KeyError("x")

    job = ask(enrolment, student)

    assert job.error == "The report could not be made. The error has been logged."


def test_only_a_failed_job_can_be_retried_and_only_by_someone_allowed(
    fake_documents, enrolment, student, student2, ask
):
    job = ask(enrolment, student)

    with pytest.raises(ValidationError):
        services.retry_job(job=job, by=student)
    ReportJob.objects.filter(pk=job.pk).update(status=Status.FAILED)
    job.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.retry_job(job=job, by=student2)
    assert ReportJob.objects.get(pk=job.pk).status == Status.FAILED


def test_a_transient_error_propagates_for_celery_to_retry_and_leaves_the_job_running(
    fake_documents, enrolment, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.request_report(kind="progress", subject=enrolment, by=student)
    fake_documents.raises = OSError("disk full for a moment")

    with pytest.raises(OSError):
        services.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == Status.RUNNING
    assert job.error == ""
    assert job.attempts == 1

    fake_documents.raises = None  # the retry finds the disk back
    services.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)


def test_the_task_retries_a_transient_error_then_gives_up_with_a_message(
    fake_documents, enrolment, student, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setitem(render_report.app.conf, "task_eager_propagates", False)
    with django_capture_on_commit_callbacks(execute=False):
        job = services.request_report(kind="progress", subject=enrolment, by=student)
    fake_documents.raises = OSError("the disk stays full")

    # In-process: tried again at once, then given up with a message (never a 500 for the
    # request that queued it). A worker retries with a backoff instead.
    render_report.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.attempts == 1 + render_report.max_retries
    with translation.override("nl"):
        assert job.error == _(
            "The report could not be made after several attempts. Try again later."
        )


def test_give_up_fails_a_running_job_but_never_a_done_one(
    fake_documents, enrolment, student, student2, ask
):
    done = ask(enrolment, student)
    ReportJob.objects.filter(pk=done.pk).update(status=Status.RUNNING)
    services.give_up(done.pk)
    assert ReportJob.objects.get(pk=done.pk).status == Status.FAILED

    other = ask(student2.enrolments.get(), student2)
    services.give_up(other.pk)
    services.give_up(None)
    services.give_up(987654)
    assert ReportJob.objects.get(pk=other.pk).status == Status.DONE


def test_a_document_over_the_page_cap_fails_with_a_clear_message(
    fake_documents, enrolment, student, ask
):
    fake_documents.raises = PageCapExceeded(pages=512, cap=400)

    job = ask(enrolment, student)

    assert job.status == Status.FAILED
    assert "512" in job.error and "400" in job.error
    assert "error has been logged" not in job.error


def test_a_runaway_document_stopped_by_the_time_limit_fails_with_a_clear_message(
    fake_documents, enrolment, student, ask, settings
):
    from celery.exceptions import SoftTimeLimitExceeded

    fake_documents.raises = SoftTimeLimitExceeded()

    job = ask(enrolment, student)

    assert job.status == Status.FAILED
    assert str(settings.CELERY_TASK_SOFT_TIME_LIMIT) in job.error
    assert "error has been logged" not in job.error


def test_an_unchanged_report_reuses_the_job_and_adds_the_requester(
    fake_documents, enrolment, student, teaching, ask
):
    first = ask(enrolment, student)
    again = ask(enrolment, teaching)

    assert again.pk == first.pk
    assert fake_documents.renders == 1
    assert set(again.requesters.all()) == {student, teaching}
    assert again.requested_by == student


def test_a_queued_job_is_reused_too_and_queued_once(
    fake_documents, enrolment, student, teaching, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.request_report(kind="progress", subject=enrolment, by=student)
        again = services.request_report(kind="progress", subject=enrolment, by=teaching)

    assert again.pk == first.pk
    assert len(callbacks) == 1


def test_changed_data_another_language_or_a_failed_job_gives_a_new_job(
    fake_documents, enrolment, student, ask
):
    first = ask(enrolment, student)

    fake_documents.version = 2
    changed = ask(enrolment, student)
    english = ask(enrolment, student, language="en")
    ReportJob.objects.filter(pk=english.pk).update(status=Status.FAILED)
    after_failure = ask(enrolment, student, language="en")

    assert len({first.pk, changed.pk, english.pk, after_failure.pk}) == 4
    assert after_failure.status == Status.DONE
    assert fake_documents.renders == 4


def test_nobody_else_can_ask_and_an_unknown_kind_is_refused(
    fake_documents, enrolment, student2, outsider
):
    for user in (student2, outsider):
        with pytest.raises(PermissionDenied):
            services.request_report(kind="progress", subject=enrolment, by=user, language="nl")
    with pytest.raises(ValidationError):
        services.request_report(kind="poster", subject=enrolment, by=enrolment.student)
    assert not ReportJob.objects.exists()


def test_every_active_requester_is_told_once_when_a_long_report_is_ready(
    fake_documents,
    enrolment,
    student,
    teaching,
    programme_admin,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.REPORTS_NOTIFY_AFTER_SECONDS = 0
    settings.SITE_URL = "https://coachmaster.example.org"
    teaching.preferred_language = "en"
    teaching.save(update_fields=["preferred_language"])
    gone = UserFactory(is_programme_admin=True, is_active=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.request_report(kind="progress", subject=enrolment, by=student)
        for user in (teaching, programme_admin, gone):
            services.request_report(kind="progress", subject=enrolment, by=user, language="nl")
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the task runs; telling the requesters follows its commit

    job.refresh_from_db()
    assert job.status == Status.DONE
    assert job.notified_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [student.email, teaching.email, programme_admin.email]
    )
    url = f"https://coachmaster.example.org/reports/{job.uuid}/"
    assert all(url in message.body for message in mailoutbox)
    assert all(m.subject.startswith("[CoachMaster] ") for m in mailoutbox)

    services.notify_ready(job.pk)
    assert len(mailoutbox) == 3


def test_a_quick_report_sends_no_mail(
    fake_documents, enrolment, student, settings, mailoutbox, ask
):
    settings.REPORTS_NOTIFY_AFTER_SECONDS = 3600

    job = ask(enrolment, student)

    assert job.status == Status.DONE
    assert job.notified_at is None
    assert mailoutbox == []
