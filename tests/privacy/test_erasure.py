"""Erasure requests: asked by the student or filed for them, carried out by an administrator;
what no law keeps is erased, the rest is kept, and the statement says what, why and until when."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from coachmaster.privacy import services
from coachmaster.privacy.models import ErasureRequest, RetentionRule
from coachmaster.privacy.retention import ANONYMOUS_TEXT, ERASED_EMAIL_DOMAIN
from competencies.models import Evidence, LearningActivity, PortfolioSnapshot

from .helpers import end_enrolment


def carry_out(client, admin, erasure, capture):
    client.force_login(admin)
    with capture(execute=True):
        response = client.post(reverse("privacy:erasure_carry_out", args=[erasure.uuid]))
    assert response.status_code == 302
    erasure.refresh_from_db()
    return response


def test_a_student_asks_for_erasure_once(client, student):
    client.force_login(student)
    response = client.post(reverse("privacy:erasure_request"), {"reason": "Ik stop ermee."})
    assert response.status_code == 302 and response.url == reverse("privacy:mine")
    erasure = ErasureRequest.objects.get(subject=student)
    assert (
        erasure.is_open and erasure.reason == "Ik stop ermee." and erasure.requested_by == student
    )
    again = client.post(reverse("privacy:erasure_request"), {"reason": ""}, follow=True)
    assert gettext("There is already an erasure request waiting for this person.") in (
        again.content.decode()
    )
    assert ErasureRequest.objects.count() == 1


def test_a_too_long_reason_is_refused_with_a_message(client, student):
    client.force_login(student)
    response = client.post(reverse("privacy:erasure_request"), {"reason": "x" * 2001}, follow=True)
    assert not ErasureRequest.objects.exists()
    assert response.status_code == 200
    assert "2000" in response.content.decode()


def test_erasure_keeps_assessed_work_and_says_why_and_until_when(
    client, programme_admin, student, filled, mailoutbox, django_capture_on_commit_callbacks
):
    ended = timezone.localdate() - datetime.timedelta(days=30)
    end_enrolment(filled.enrolment, ended)
    email, name = student.email, student.get_full_name()
    erasure = services.request_erasure(subject=student, reason="Privé.", by=student)

    carry_out(client, programme_admin, erasure, django_capture_on_commit_callbacks)

    assert erasure.status == ErasureRequest.Status.DONE and erasure.reason == ""
    assert erasure.carried_out_by == programme_admin
    items = {item["category"]: item for item in erasure.statement}
    seven_years = ended.replace(year=ended.year + 7).isoformat()
    assert items["assessed_work"]["outcome"] == "kept"
    assert items["assessed_work"]["until"] == seven_years
    assert items["thesis_records"]["outcome"] == "kept"
    assert items["evidence"]["outcome"] == "erased" and items["evidence"]["count"] >= 1
    assert items["learning_log"]["outcome"] == "erased"
    assert items["accounts"]["outcome"] == "partly_kept"
    rule = RetentionRule.objects.get(category="assessed_work")
    assert items["assessed_work"]["explanation"]["nl"] == rule.explanation_nl

    # Erased: working material. Kept: the submissions and their assessment.
    assert not Evidence.objects.filter(enrolment=filled.enrolment).exists()
    assert LearningActivity.objects.get(pk=filled.activity.pk).title == ANONYMOUS_TEXT
    assert PortfolioSnapshot.objects.filter(portfolio__enrolment=filled.enrolment).count() == 2
    student.refresh_from_db()
    assert not student.is_active
    assert student.email.endswith(f"@{ERASED_EMAIL_DOMAIN}")
    assert student.get_full_name() == name  # it labels the kept assessed work

    [mail] = mailoutbox
    assert mail.to == [email]
    assert rule.explanation_nl in mail.body
    page = client.get(reverse("privacy:erasure", args=[erasure.uuid]))
    assert rule.explanation_nl in page.content.decode()


def test_erasure_with_nothing_kept_anonymises_the_whole_account(
    client, programme_admin, student, enrolment, django_capture_on_commit_callbacks
):
    number = enrolment.student_number
    erasure = services.request_erasure(subject=student, by=programme_admin)
    carry_out(client, programme_admin, erasure, django_capture_on_commit_callbacks)
    student.refresh_from_db()
    enrolment.refresh_from_db()
    assert student.family_name != "" and student.email.endswith(ERASED_EMAIL_DOMAIN)
    assert enrolment.student_number != number
    items = {item["category"]: item["outcome"] for item in erasure.statement}
    assert items["accounts"] == "erased" and items["assessed_work"] == "none"


def test_erasure_ends_the_students_sessions(
    client, programme_admin, student, django_capture_on_commit_callbacks
):
    own = Client()
    own.force_login(student)
    assert own.get(reverse("privacy:mine")).status_code == 200
    erasure = services.request_erasure(subject=student, by=student)
    carry_out(client, programme_admin, erasure, django_capture_on_commit_callbacks)
    response = own.get(reverse("privacy:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_request_is_carried_out_once(
    client, programme_admin, student, django_capture_on_commit_callbacks
):
    erasure = services.request_erasure(subject=student, by=student)
    carry_out(client, programme_admin, erasure, django_capture_on_commit_callbacks)
    response = client.post(reverse("privacy:erasure_carry_out", args=[erasure.uuid]), follow=True)
    assert gettext("This request has already been carried out.") in response.content.decode()


def test_an_administrator_files_a_request_on_behalf_of_a_student(client, programme_admin, student):
    client.force_login(programme_admin)
    response = client.post(
        reverse("privacy:person_erasure", args=[student.uuid]), {"reason": "Per brief."}
    )
    erasure = ErasureRequest.objects.get(subject=student)
    assert response.url == reverse("privacy:erasure", args=[erasure.uuid])
    assert erasure.requested_by == programme_admin


def test_an_administrator_cannot_carry_out_their_own_request(client, programme_admin):
    erasure = services.request_erasure(subject=programme_admin, by=programme_admin)
    client.force_login(programme_admin)
    response = client.post(reverse("privacy:erasure_carry_out", args=[erasure.uuid]), follow=True)
    assert gettext("Ask another administrator to carry out your own request.") in (
        response.content.decode()
    )
    erasure.refresh_from_db()
    assert erasure.is_open


@pytest.mark.parametrize("role", ["student2", "lecturer", "supervisor", "outsider"])
def test_others_cannot_see_a_request(client, request, role, student):
    erasure = services.request_erasure(subject=student, by=student)
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("privacy:erasure", args=[erasure.uuid])).status_code == 404


@pytest.mark.parametrize("role", ["student", "student2", "lecturer", "supervisor"])
def test_only_administrators_carry_out_requests(client, request, role, student):
    erasure = services.request_erasure(subject=student, by=student)
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("privacy:erasure_carry_out", args=[erasure.uuid]))
    assert response.status_code == 403
    erasure.refresh_from_db()
    assert erasure.is_open


def test_the_student_sees_their_own_waiting_request(client, student):
    erasure = services.request_erasure(subject=student, by=student)
    client.force_login(student)
    page = client.get(reverse("privacy:erasure", args=[erasure.uuid])).content.decode()
    assert gettext("Waiting for the administration") in page
    assert reverse("privacy:erasure_carry_out", args=[erasure.uuid]) not in page


def test_anonymous_and_wrong_methods(client, student):
    erasure = services.request_erasure(subject=student, by=student)
    for url in (
        reverse("privacy:erasure", args=[erasure.uuid]),
        reverse("privacy:erasure_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(student)
    assert client.get(reverse("privacy:erasure_request")).status_code == 405
    assert client.get(reverse("privacy:erasure_carry_out", args=[erasure.uuid])).status_code == 405
    assert client.post(reverse("privacy:erasure", args=[erasure.uuid])).status_code == 405


def test_a_staff_members_name_stays_with_the_records_they_signed(
    client, programme_admin, lecturer, django_capture_on_commit_callbacks
):
    name = lecturer.get_full_name()
    erasure = services.request_erasure(subject=lecturer, by=lecturer)
    carry_out(client, programme_admin, erasure, django_capture_on_commit_callbacks)
    lecturer.refresh_from_db()
    assert lecturer.get_full_name() == name and not lecturer.is_active
    assert lecturer.email.endswith(ERASED_EMAIL_DOMAIN)
    [account] = [item for item in erasure.statement if item["category"] == "accounts"]
    assert account["outcome"] == "partly_kept"
    with translation.override("en"):
        assert account["explanation"]["en"] == str(services.STAFF_IDENTITY_KEPT)
