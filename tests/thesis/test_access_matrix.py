"""Every thesis URL, every role: the answer each gets on GET (POST-only URLs: on an empty
POST). The test fails when the thesis app gains a URL without an expectation here.

The world: the student's project (supervised by ``supervisor``, read by ``reader``) with a
handed-in proposal, a meeting with an action, and a higher-risk ethics review waiting for the
programme's ethics reviewer. ``other_student`` is in the same cohort without a project yet.
"""

import datetime

import pytest
from django.db import transaction
from django.urls import get_resolver, reverse

from cohorts.models import SupervisorAssignment
from thesis import services
from thesis.models import HostOrganisation

from .helpers import HIGHER_RISK, hand_in, milestone, submit_ethics

pytestmark = pytest.mark.django_db

OK, LOGIN, FORBIDDEN, MISSING, REDIRECT, BAD = 200, "login", 403, 404, 302, 400
NO = FORBIDDEN  # short, so that each row fits on a line
ROLES = (
    "anonymous",
    "student",
    "other_student",
    "supervisor",
    "other_supervisor",
    "reader",
    "lecturer",
    "ethics_reviewer",
    "admin",
)

# url name → (method, expected answer per role, in the order of ROLES)
EXPECTATIONS = {
    # The student with a project is sent to it; one without sees the start form.
    "mine": ("get", (LOGIN, REDIRECT, OK, NO, NO, NO, NO, NO, NO)),
    "start": ("post", (LOGIN, BAD, BAD, NO, NO, NO, NO, NO, NO)),
    "project": ("get", (LOGIN, OK, MISSING, OK, MISSING, OK, MISSING, MISSING, OK)),
    "project_edit": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, MISSING, OK)),
    # The proposal: the second reader sees only the draft, final and defence milestones.
    "milestone": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, MISSING, OK)),
    "milestone_start": (
        "post",
        (LOGIN, REDIRECT, MISSING, NO, MISSING, MISSING, MISSING, MISSING, NO),
    ),
    "version_upload": (
        "post",
        (LOGIN, BAD, MISSING, NO, MISSING, MISSING, MISSING, MISSING, NO),
    ),
    "milestone_reopen": (
        "post",
        (LOGIN, NO, MISSING, BAD, MISSING, MISSING, MISSING, MISSING, BAD),
    ),
    "milestone_due": ("post", (LOGIN, NO, MISSING, BAD, MISSING, MISSING, MISSING, MISSING, BAD)),
    "defence_sign_off": (
        "post",
        (LOGIN, NO, MISSING, BAD, MISSING, NO, MISSING, MISSING, BAD),
    ),
    "version_review": (
        "post",
        (LOGIN, NO, MISSING, BAD, MISSING, MISSING, MISSING, MISSING, NO),
    ),
    "version_file": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, MISSING, OK)),
    # Ethics: never for the second reader; the ethics reviewer sees what is routed to them.
    "ethics": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, OK, OK)),
    "ethics_submit": (
        "post",
        (LOGIN, REDIRECT, MISSING, NO, MISSING, MISSING, MISSING, NO, NO),
    ),
    "ethics_decide": ("post", (LOGIN, NO, MISSING, NO, MISSING, MISSING, MISSING, BAD, NO)),
    "ethics_refer": ("post", (LOGIN, NO, MISSING, NO, MISSING, MISSING, MISSING, NO, NO)),
    "ethics_revise": ("post", (LOGIN, BAD, MISSING, BAD, MISSING, MISSING, MISSING, NO, NO)),
    "ethics_queue": ("get", (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK)),
    "ethics_reviewers": ("get", (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK)),
    "ethics_reviewer_end": (
        "post",
        (LOGIN, NO, NO, NO, NO, NO, NO, NO, REDIRECT),
    ),
    # Meetings: the student and the supervisor write; administrators read.
    "meetings": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, MISSING, OK)),
    "meeting_new": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, MISSING, NO)),
    "meeting": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, MISSING, MISSING, OK)),
    "action_add": ("post", (LOGIN, BAD, MISSING, BAD, MISSING, MISSING, MISSING, MISSING, NO)),
    "action_done": ("post", (LOGIN, BAD, MISSING, BAD, MISSING, MISSING, MISSING, MISSING, NO)),
    # Staff screens.
    "supervision": ("get", (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO)),
    "reading": ("get", (LOGIN, NO, NO, OK, OK, OK, OK, OK, NO)),
    "overview": ("get", (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK)),
    "staff": ("get", (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK)),
    "hosts": ("get", (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK)),
    "host_new": ("get", (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK)),
    "host": ("get", (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK)),
    "templates": ("get", (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK)),
    # The calendar page is everyone's own; the feed answers to its token only.
    "calendar": ("get", (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK)),
    "calendar_regenerate": (
        "post",
        (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    ),
    "calendar_revoke": (
        "post",
        (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    ),
    "calendar_feed": ("get", (OK, OK, OK, OK, OK, OK, OK, OK, OK)),
}


@pytest.fixture
def matrix(project, enrolment, student, student2, supervisor, programme_admin, version):
    from tests.factories import LecturerFactory, SupervisorFactory

    reader, lecturer, reviewer = LecturerFactory(), LecturerFactory(), LecturerFactory()
    other_supervisor = SupervisorFactory()
    SupervisorAssignment.objects.create(
        enrolment=student2.enrolments.get(), supervisor=other_supervisor
    )
    services.assign_second_reader(project=project, reader=reader, by=programme_admin)
    services.appoint_ethics_reviewer(user=reviewer, by=programme_admin)
    appointment = reviewer.ethics_appointments.get()
    version_row = hand_in(project, "proposal")
    review = submit_ethics(project, HIGHER_RISK)
    meeting = services.log_meeting(
        project=project,
        date=datetime.date.today(),
        notes="Eerste gesprek",
        actions=[services.ActionInput("Voorstel schrijven", student)],
        by=supervisor,
    )
    host = HostOrganisation.objects.create(name="Zorggroep")
    feed = services.regenerate_calendar_token(user=student)
    proposal = milestone(project, "proposal")
    people = {
        "anonymous": None,
        "student": student,
        "other_student": student2,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "reader": reader,
        "lecturer": lecturer,
        "ethics_reviewer": reviewer,
        "admin": programme_admin,
    }
    args = {
        "project": [project.uuid],
        "project_edit": [project.uuid],
        "milestone": [proposal.uuid],
        "milestone_start": [proposal.uuid],
        "version_upload": [proposal.uuid],
        "milestone_reopen": [proposal.uuid],
        "milestone_due": [proposal.uuid],
        "defence_sign_off": [milestone(project, "defence").uuid],
        "version_review": [version_row.uuid],
        "version_file": [version_row.uuid],
        "ethics": [review.uuid],
        "ethics_submit": [review.uuid],
        "ethics_decide": [review.uuid],
        "ethics_refer": [review.uuid],
        "ethics_revise": [review.uuid],
        "ethics_reviewer_end": [appointment.pk],
        "meetings": [project.uuid],
        "meeting_new": [project.uuid],
        "meeting": [meeting.uuid],
        "action_add": [meeting.uuid],
        "action_done": [meeting.actions.get().uuid],
        "staff": [enrolment.cohort.uuid],
        "host": [host.uuid],
        "templates": [version.uuid],
        "calendar_feed": [feed.token],
    }
    return people, args


def test_every_thesis_url_has_an_expectation():
    names = {
        pattern.name
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "thesis"
        for pattern in pattern.url_patterns
    }
    assert names == set(EXPECTATIONS)


def _answer(client, people, role, method, url):
    client.logout()
    if people[role] is not None:
        client.force_login(people[role])
    # Each request's writes are undone, so every role meets the same data.
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    if response.status_code == 302 and reverse("account_login") in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", EXPECTATIONS)
def test_each_role_gets_the_expected_answer(client, matrix, name, subtests):
    people, args = matrix
    method, answers = EXPECTATIONS[name]
    url = reverse(f"thesis:{name}", args=args.get(name, []))
    for role, expected in zip(ROLES, answers, strict=True):
        with subtests.test(role=role):
            assert _answer(client, people, role, method, url) == expected, (name, role)
