"""Downloading one's personal data: the ZIP, its JSON, files and README; who may ask, see
and download; nothing of other students and no examiner identities."""

import json

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from coachmaster.privacy import services
from coachmaster.privacy.models import DataExport

from .helpers import EVIDENCE_TEXT, MEETING_NOTES, REFLECTION, fill, open_zip


def made(client, user, django_capture_on_commit_callbacks, url=None):
    """Asks for an export as ``user`` (the task runs in-process after commit)."""
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url or reverse("privacy:export_request"))
    assert response.status_code == 302
    return DataExport.objects.latest("created_at")


def download(client, job) -> bytes:
    response = client.get(reverse("privacy:export_download", args=[job.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_student_downloads_all_their_data_as_a_zip(
    client, student, filled, django_capture_on_commit_callbacks
):
    job = made(client, student, django_capture_on_commit_callbacks)
    assert job.status == DataExport.Status.DONE
    assert job.subject == student and job.requested_by == student
    archive, data, readme = open_zip(download(client, job))

    assert data["account"]["email"] == student.email
    assert data["account"]["preferences"]["language"] == "nl"
    [enrolment] = data["enrolments"]
    log = enrolment["learning_log"]
    assert log["activities"][0]["reflection"] == REFLECTION
    assert float(log["hours"]["total"]) >= 2
    assert any(e["text"] == EVIDENCE_TEXT for e in enrolment["evidence"])
    assert enrolment["feedback_threads"][0]["messages"][1]["from"] == "lecturer"
    thesis = enrolment["thesis"]
    assert thesis["supervision_meetings"][0]["notes"] == MEETING_NOTES
    assert {m["kind"] for m in thesis["milestones"] if m["versions"]} == {"proposal", "final"}
    assert thesis["ethics_reviews"]
    portfolios = {p["review_moment"]["code"]: p for p in enrolment["portfolios"]}
    assert portfolios["final-portfolio"]["submissions"][0]["content"]["student"]
    assert data["reports"][0]["kind"] == "progress"

    names = archive.namelist()
    own = next(e for e in enrolment["evidence"] if e["file"] and e["title"] == "Sessieverslag")
    assert own["file"]["in_this_zip"] in names
    assert any(n.startswith("portfolio-submissions/final-portfolio-1/") for n in names)
    assert any(n.startswith("thesis/final/v1-") for n in names)
    assert any(n.startswith("reports/") for n in names)
    assert all(".." not in n and not n.startswith("/") for n in names)
    assert "data.json" in readme and student.get_full_name() in readme


def test_export_shows_released_assessments_only_and_never_names_examiners(
    client, student, filled, django_capture_on_commit_callbacks
):
    job = made(client, student, django_capture_on_commit_callbacks)
    archive, data, _readme = open_zip(download(client, job))
    portfolios = {p["review_moment"]["code"]: p for p in data["enrolments"][0]["portfolios"]}
    [released] = portfolios["final-portfolio"]["released_assessments"]
    assert released["verdict"] == "pass"
    assert [e["examiner"] for e in released["examiners"]] == [
        gettext("Examiner %(number)s") % {"number": n} for n in (1, 2)
    ]
    assert portfolios["year-1-review"]["released_assessments"] == []
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode(
        "utf-8", "ignore"
    )
    for identity in filled.examiner_names:
        assert identity not in everything
    assert "Nog niet vrijgegeven oordeel." not in everything


def test_export_holds_nothing_of_another_student(
    client,
    student,
    student2,
    supervisor,
    lecturer,
    filled,
    enrolment2,
    django_capture_on_commit_callbacks,
):
    fill(enrolment2, supervisor=supervisor, lecturer=lecturer)
    enrolment2.evidence.update(title="Geheim van de ander")
    job = made(client, student, django_capture_on_commit_callbacks)
    archive, data, _readme = open_zip(download(client, job))
    text = json.dumps(data)
    assert "Geheim van de ander" not in text
    assert student2.email not in text and enrolment2.student_number not in text
    assert not any(str(enrolment2.uuid) in name for name in archive.namelist())


def test_administrator_exports_on_behalf_of_a_student_and_it_is_recorded(
    client, student, programme_admin, filled, django_capture_on_commit_callbacks
):
    url = reverse("privacy:person_export", args=[student.uuid])
    job = made(client, programme_admin, django_capture_on_commit_callbacks, url=url)
    assert job.subject == student and job.requested_by == programme_admin
    _archive, data, _readme = open_zip(download(client, job))
    assert data["account"]["email"] == student.email
    job.refresh_from_db()
    assert job.downloads == 1 and job.downloaded_at is not None

    client.force_login(student)
    page = client.get(reverse("privacy:mine"))
    assert programme_admin.get_full_name() in page.content.decode()


def test_student_cannot_export_someone_else_through_the_admin_route(client, student, student2):
    client.force_login(student)
    response = client.post(reverse("privacy:person_export", args=[student2.uuid]))
    assert response.status_code == 403
    assert not DataExport.objects.exists()


@pytest.mark.parametrize("role", ["student2", "lecturer", "supervisor", "outsider"])
def test_others_get_404_for_an_export(
    client, request, role, student, filled, django_capture_on_commit_callbacks
):
    job = made(client, student, django_capture_on_commit_callbacks)
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("privacy:export", args=[job.uuid])).status_code == 404
    assert client.get(reverse("privacy:export_download", args=[job.uuid])).status_code == 404


def test_anonymous_is_sent_to_login(client, student):
    job = DataExport.objects.create(subject=student, requested_by=student, language="nl")
    for url in (
        reverse("privacy:mine"),
        reverse("privacy:export", args=[job.uuid]),
        reverse("privacy:export_download", args=[job.uuid]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_wrong_methods_are_refused(client, student):
    job = DataExport.objects.create(subject=student, requested_by=student, language="nl")
    client.force_login(student)
    assert client.get(reverse("privacy:export_request")).status_code == 405
    assert client.post(reverse("privacy:export", args=[job.uuid])).status_code == 405
    assert client.post(reverse("privacy:export_download", args=[job.uuid])).status_code == 405


def test_a_second_request_while_one_is_being_made_reuses_it(student):
    first = services.request_export(subject=student, by=student)
    second = services.request_export(subject=student, by=student)
    assert first == second and DataExport.objects.count() == 1


def test_the_export_page_polls_until_the_export_is_ready(client, student):
    job = DataExport.objects.create(subject=student, requested_by=student, language="nl")
    client.force_login(student)
    page = client.get(reverse("privacy:export", args=[job.uuid]))
    assert 'hx-trigger="every 1s"' in page.content.decode()
    polled = client.get(reverse("privacy:export", args=[job.uuid]), HTTP_HX_REQUEST="true")
    assert polled.status_code == 200
    DataExport.objects.filter(pk=job.pk).update(status=DataExport.Status.FAILED, error="x")
    done = client.get(reverse("privacy:export", args=[job.uuid]), HTTP_HX_REQUEST="true")
    assert done.status_code == 286
    assert client.get(reverse("privacy:export_download", args=[job.uuid])).status_code == 404


def test_a_failing_export_says_so(student, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("coachmaster.privacy.export.collect", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_export(subject=student, by=student)
    job.refresh_from_db()
    assert job.status == DataExport.Status.FAILED
    assert job.error == gettext("The export could not be made. The error has been logged.")
