"""Every learning-log URL, every role: the answer each gets. Another student gets 404 on every
page of someone else's log; staff read only the students they are assigned to, and get 403 on
writes. The test fails when the log gains a URL without an expectation here."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from cohorts.models import Enrolment, LecturerAssignment, SupervisorAssignment
from competencies.services.log import (
    delete_activity,
    duplicate_activity,
    save_activity,
    save_engagement,
)
from competencies.views import log as log_views
from tests.competencies.log_helpers import activity, attendance, engagement, kinds
from tests.factories import LecturerFactory, SupervisorFactory

pytestmark = pytest.mark.django_db

OK, LOGIN, FORBIDDEN, MISSING, REDIRECT, NOT_ALLOWED = 200, "login", 403, 404, 302, 405
# The owner goes last: their writes (a delete) may change what others would meet.
ROLES = (
    "anonymous",
    "other_student",
    "lecturer",
    "other_lecturer",
    "supervisor",
    "other_supervisor",
    "admin",
    "owner",
)
# Someone else's log, read: only the owner and the staff assigned to them (and admins).
READ = (LOGIN, MISSING, OK, MISSING, OK, MISSING, OK, OK)
# Someone else's log, written: never by anyone but the owner.
WRITE_PAGE = (LOGIN, MISSING, FORBIDDEN, MISSING, FORBIDDEN, MISSING, FORBIDDEN, OK)
WRITE_POST = (LOGIN, MISSING, FORBIDDEN, MISSING, FORBIDDEN, MISSING, FORBIDDEN, REDIRECT)
# One's own log (no id in the address): every student has their own, staff have none.
OWN_PAGE = (LOGIN, OK, MISSING, MISSING, MISSING, MISSING, MISSING, OK)
OWN_POST = (LOGIN, REDIRECT, MISSING, MISSING, MISSING, MISSING, MISSING, REDIRECT)

# url name → (method, expected answer per role, in the order of ROLES)
EXPECTATIONS = {
    "log": ("get", OWN_PAGE),
    "log_student": ("get", READ),
    "log_quick_add": ("post", OWN_POST),
    "log_create": ("get", OWN_PAGE),
    "log_activity": ("get", READ),
    "log_activity_edit": ("get", WRITE_PAGE),
    "log_activity_duplicate": ("post", WRITE_POST),
    "log_activity_delete": ("get", WRITE_PAGE),
    "log_week": ("get", OWN_PAGE),
    "log_week_student": ("get", READ),
    "engagement_list": ("get", OWN_PAGE),
    "engagement_list_student": ("get", READ),
    "engagement_create": ("get", OWN_PAGE),
    "engagement_detail": ("get", READ),
    "engagement_edit": ("get", WRITE_PAGE),
    "hours_ledger": ("get", OWN_PAGE),
    "hours_ledger_student": ("get", READ),
    "hours_export": ("get", OWN_PAGE),
    "hours_export_student": ("get", READ),
}

# Further writes (the same URLs, POSTed) and the wrong methods.
POSTS = {
    "log_activity_edit": WRITE_POST,
    "log_activity_delete": WRITE_POST,
    "engagement_edit": WRITE_POST,
    "engagement_create": OWN_POST,
    "log_create": OWN_POST,
}
WRONG_METHODS = {
    "log": "post",
    "log_student": "post",
    "log_quick_add": "get",
    "log_activity": "post",
    "log_activity_duplicate": "get",
    "log_week": "post",
    "engagement_detail": "post",
    "engagement_list": "post",
    "hours_ledger": "post",
    "hours_export": "post",
}


@pytest.fixture
def matrix(cohort, other_cohort, student, student2, programme_admin, lecturer, supervisor):
    enrolment = Enrolment.objects.get(student=student)
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    other_lecturer = LecturerFactory()
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=other_lecturer)
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=supervisor)
    other_supervisor = SupervisorFactory()
    # Supervises a classmate of the student, not the student.
    SupervisorAssignment.objects.create(
        enrolment=Enrolment.objects.get(student=student2), supervisor=other_supervisor
    )
    client_engagement = engagement(enrolment, client_code="C-07")
    entry = activity(enrolment, engagement=client_engagement)
    attendance(enrolment)
    people = {
        "anonymous": None,
        "owner": student,
        "other_student": student2,
        "lecturer": lecturer,
        "other_lecturer": other_lecturer,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "admin": programme_admin,
    }
    args = {
        "log_student": [enrolment.uuid],
        "log_activity": [entry.uuid],
        "log_activity_edit": [entry.uuid],
        "log_activity_duplicate": [entry.uuid],
        "log_activity_delete": [entry.uuid],
        "log_week_student": [enrolment.uuid],
        "engagement_list_student": [enrolment.uuid],
        "engagement_detail": [client_engagement.uuid],
        "engagement_edit": [client_engagement.uuid],
        "hours_ledger_student": [enrolment.uuid],
        "hours_export": ["csv"],
        "hours_export_student": [enrolment.uuid, "xlsx"],
    }
    activity_data = {
        "kind": kinds()["coaching-session"].pk,
        "date": "2025-11-17",
        "hours": "1",
        "title": "Session",
        "system_level": "",
        "role": "",
        "engagement": "",
    }
    engagement_data = {
        "client_code": "C-99",
        "client_type": "individual",
        "consent_on": "",
    }
    data = {
        "log_quick_add": activity_data,
        "log_create": activity_data,
        "log_activity_edit": activity_data,
        "engagement_create": engagement_data,
        "engagement_edit": engagement_data,
    }
    return people, args, data


def test_every_log_url_has_an_expectation():
    assert {pattern.name for pattern in log_views.urlpatterns} == set(EXPECTATIONS)


def _check(client, people, url, method, answers, data=None):
    for role, expected in zip(ROLES, answers, strict=True):
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        # Each request's writes are undone, so every role meets the same data.
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            transaction.set_rollback(True)
        if expected == LOGIN:
            assert response.status_code == 302, (url, role)
            assert reverse("account_login") in response["Location"]
        else:
            assert response.status_code == expected, (url, method, role)


@pytest.mark.parametrize("name", EXPECTATIONS)
def test_each_role_gets_the_expected_answer(client, matrix, name):
    people, args, data = matrix
    method, answers = EXPECTATIONS[name]
    url = reverse(f"competencies:{name}", args=args.get(name, []))
    _check(client, people, url, method, answers, data.get(name))


@pytest.mark.parametrize("name", POSTS)
def test_each_role_gets_the_expected_answer_on_writes(client, matrix, name):
    people, args, data = matrix
    url = reverse(f"competencies:{name}", args=args.get(name, []))
    _check(client, people, url, "post", POSTS[name], data.get(name))


@pytest.mark.parametrize("name", WRONG_METHODS)
def test_the_wrong_method_is_refused(client, matrix, name):
    people, args, _data = matrix
    client.force_login(people["owner"])
    url = reverse(f"competencies:{name}", args=args.get(name, []))
    assert getattr(client, WRONG_METHODS[name])(url).status_code == NOT_ALLOWED


def test_staff_cannot_use_htmx_to_write_either(client, matrix):
    people, args, data = matrix
    client.force_login(people["lecturer"])
    url = reverse("competencies:log_activity_edit", args=args["log_activity_edit"])
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == FORBIDDEN
    assert client.post(url, data["log_activity_edit"], HTTP_HX_REQUEST="true").status_code == 403


def test_an_ended_supervision_ends_access(client, matrix, supervisor, student):
    people, args, _data = matrix
    SupervisorAssignment.objects.filter(supervisor=supervisor).update(
        ended_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    client.force_login(supervisor)
    url = reverse("competencies:log_student", args=args["log_student"])
    assert client.get(url).status_code == MISSING


def test_services_refuse_anyone_but_the_owner(matrix, lecturer, student2):
    people, _args, _data = matrix
    owner = people["owner"]
    enrolment = Enrolment.objects.get(student=owner)
    entry = enrolment.activities.get()
    client_engagement = enrolment.engagements.get()
    for intruder in (lecturer, student2):
        with pytest.raises(PermissionDenied):
            save_activity(activity=entry, by=intruder)
        with pytest.raises(PermissionDenied):
            duplicate_activity(activity=entry, by=intruder)
        with pytest.raises(PermissionDenied):
            delete_activity(activity=entry, by=intruder)
        with pytest.raises(PermissionDenied):
            save_engagement(engagement=client_engagement, by=intruder)
    assert enrolment.activities.count() == 1
