"""Every cohort URL, every role: the answer each gets on GET (POST-only URLs: on POST).

The test fails when the cohorts app gains a URL without an expectation here.
"""

import pytest
from django.db import transaction
from django.urls import get_resolver, reverse

from cohorts.models import (
    Group,
    IntervisionMethod,
    IntervisionSession,
    LecturerAssignment,
    StudentImport,
    SupervisorAssignment,
)
from tests.factories import EnrolmentFactory, LecturerFactory, SupervisorFactory

pytestmark = pytest.mark.django_db

OK, LOGIN, FORBIDDEN, MISSING, REDIRECT = 200, "login", 403, 404, 302
ROLES = (
    "anonymous",
    "student",
    "other_student",
    "lecturer",
    "other_lecturer",
    "supervisor",
    "other_supervisor",
    "admin",
)

# url name → (method, expected answer per role, in the order of ROLES)
EXPECTATIONS = {
    "cohorts": ("get", (LOGIN, REDIRECT, REDIRECT, OK, OK, REDIRECT, REDIRECT, OK)),
    "cohort_create": (
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "mine": ("get", (LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)),
    "import": (
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "import_mapping": (
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "import_preview": (
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "import_row": (
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "import_apply": (
        "post",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    # A student is sent to their own page ("My groups"); others' cohorts are not found.
    "cohort": ("get", (LOGIN, REDIRECT, MISSING, OK, MISSING, OK, MISSING, OK)),
    "cohort_edit": (
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "enrol": (
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "bulk": (
        "post",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    "cohort_export": ("get", (LOGIN, MISSING, MISSING, OK, MISSING, MISSING, MISSING, OK)),
    "staff": (
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    "staff_end": (
        "post",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    "groups": ("get", (LOGIN, OK, MISSING, OK, MISSING, OK, MISSING, OK)),
    "enrolment": ("get", (LOGIN, OK, MISSING, OK, MISSING, OK, MISSING, OK)),
    "enrolment_status": (
        "post",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    "enrolment_supervisor": (
        "post",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    "group": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, OK)),
    "group_members": (
        "post",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    "group_member_remove": (
        "post",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    "group_delete": (
        "post",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    # The lecturer facilitates the group, so they record its sessions.
    "session_create": ("get", (LOGIN, FORBIDDEN, MISSING, OK, MISSING, MISSING, MISSING, OK)),
    "session": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, OK)),
    "session_delete": (
        "post",
        (LOGIN, FORBIDDEN, MISSING, REDIRECT, MISSING, MISSING, MISSING, REDIRECT),
    ),
}


@pytest.fixture
def matrix(cohort, other_cohort, student, student2, programme_admin, lecturer, supervisor):
    other_student = EnrolmentFactory(cohort=other_cohort).student
    enrolment = student.enrolments.get()
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    other_lecturer = LecturerFactory()
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=other_lecturer)
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=supervisor)
    other_supervisor = SupervisorFactory()
    SupervisorAssignment.objects.create(
        enrolment=other_student.enrolments.get(), supervisor=other_supervisor
    )
    group = Group.objects.create(
        cohort=cohort, kind="intervision", name="Intervisiegroep 1", facilitator=lecturer
    )
    group.members.add(enrolment, student2.enrolments.get())
    session = IntervisionSession.objects.create(
        group=group, date="2026-10-01", method=IntervisionMethod.objects.first()
    )
    student_import = StudentImport.objects.create(
        filename="x.csv",
        headers=["Studentnummer"],
        rows=[["00123456"]],
        columns={"student_number": "Studentnummer"},
    )
    assignment = LecturerAssignment.objects.get(cohort=cohort)
    people = {
        "anonymous": None,
        "student": student,
        "other_student": other_student,
        "lecturer": lecturer,
        "other_lecturer": other_lecturer,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "admin": programme_admin,
    }
    args = {
        "cohort": [cohort.uuid],
        "cohort_edit": [cohort.uuid],
        "bulk": [cohort.uuid],
        "enrol": [cohort.uuid],
        "cohort_export": [cohort.uuid, "csv"],
        "staff": [cohort.uuid],
        "staff_end": [cohort.uuid, assignment.pk],
        "groups": [cohort.uuid],
        "enrolment": [enrolment.uuid],
        "enrolment_status": [enrolment.uuid],
        "enrolment_supervisor": [enrolment.uuid],
        "group": [group.uuid],
        "group_members": [group.uuid],
        "group_member_remove": [group.uuid, enrolment.uuid],
        "group_delete": [group.uuid],
        "session_create": [group.uuid],
        "session": [session.uuid],
        "session_delete": [session.uuid],
        "import_mapping": [student_import.uuid],
        "import_preview": [student_import.uuid],
        "import_row": [student_import.uuid, 0],
        "import_apply": [student_import.uuid],
    }
    return people, args


def test_every_cohort_url_has_an_expectation():
    names = {
        pattern.name
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "cohorts"
        for pattern in pattern.url_patterns
    }
    assert names == set(EXPECTATIONS)


@pytest.mark.parametrize("name", EXPECTATIONS)
def test_each_role_gets_the_expected_answer(client, matrix, name, subtests):
    people, args = matrix
    method, answers = EXPECTATIONS[name]
    url = reverse(f"cohorts:{name}", args=args.get(name, []))
    for role, expected in zip(ROLES, answers, strict=True):
        with subtests.test(role=role):
            client.logout()
            if people[role] is not None:
                client.force_login(people[role])
            # Each request's writes are undone, so every role meets the same data.
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            if expected == LOGIN:
                assert response.status_code == 302
                assert reverse("account_login") in response["Location"]
            else:
                assert response.status_code == expected, (name, role)
