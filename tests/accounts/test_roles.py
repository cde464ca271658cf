"""Role routing, role switching and who may reach each dashboard."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from coachmaster.accounts.access import ACTIVE_ROLE_SESSION_KEY
from cohorts.models import LecturerAssignment, SupervisorAssignment
from tests.factories import (
    EnrolmentFactory,
    LecturerFactory,
    ProgrammeAdminFactory,
    StudentFactory,
    SupervisorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARDS = {
    "student": "student_dashboard",
    "lecturer": "lecturer_dashboard",
    "supervisor": "supervisor_dashboard",
    "programme_admin": "admin_dashboard",
}


@pytest.mark.parametrize(
    ("person", "dashboard"),
    [
        ("student", "student_dashboard"),
        ("lecturer", "lecturer_dashboard"),
        ("supervisor", "supervisor_dashboard"),
        ("programme_admin", "admin_dashboard"),
    ],
)
def test_home_sends_each_role_to_its_dashboard(client, world, person, dashboard):
    client.force_login(world[person])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(dashboard)
    assert client.get(response.url).status_code == 200


def test_home_for_anonymous_redirects_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_person_without_a_role_gets_an_explanation_not_a_dashboard(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "Nog geen rol" in response.content.decode()


@pytest.mark.parametrize("dashboard", DASHBOARDS.values())
def test_dashboards_redirect_anonymous_to_login(client, db, dashboard):
    response = client.get(reverse(dashboard))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "person", ["student", "lecturer", "supervisor", "programme_admin", "outsider"]
)
@pytest.mark.parametrize("role", DASHBOARDS)
def test_dashboard_is_only_for_its_own_role(client, world, person, role):
    client.force_login(world[person])
    response = client.get(reverse(DASHBOARDS[role]))
    assert response.status_code == (200 if person == role else 403)


@pytest.mark.parametrize("dashboard", DASHBOARDS.values())
def test_dashboards_refuse_post(client, programme_admin, dashboard):
    programme_admin.is_student = programme_admin.is_lecturer = programme_admin.is_supervisor = True
    programme_admin.save()
    client.force_login(programme_admin)
    assert client.post(reverse(dashboard)).status_code == 405


def test_student_dashboard_shows_own_enrolment_only(client, student, student2, cohort):
    client.force_login(student)
    html = client.get(reverse("student_dashboard")).content.decode()
    own = student.enrolments.get()
    other = student2.enrolments.get()
    assert own.student_number in html
    assert cohort.name in html
    assert other.student_number not in html
    assert escape(student2.family_name) not in html


def test_person_with_two_roles_starts_in_the_first_and_can_switch(client, lecturer_supervisor):
    client.force_login(lecturer_supervisor)
    assert client.get(reverse("home")).url == reverse("lecturer_dashboard")
    html = client.get(reverse("lecturer_dashboard")).content.decode()
    assert 'name="role"' in html  # the switcher is offered

    response = client.post(reverse("switch_role"), {"role": "supervisor"})
    assert response.status_code == 302
    assert response.url == reverse("supervisor_dashboard")
    assert client.session[ACTIVE_ROLE_SESSION_KEY] == "supervisor"
    assert client.get(reverse("home")).url == reverse("supervisor_dashboard")


def test_switch_to_a_role_not_held_is_forbidden(client, student):
    client.force_login(student)
    response = client.post(reverse("switch_role"), {"role": "programme_admin"})
    assert response.status_code == 403
    assert client.get(reverse("admin_dashboard")).status_code == 403


def test_switch_to_an_unknown_role_is_a_bad_request(client, student):
    client.force_login(student)
    assert client.post(reverse("switch_role"), {"role": "dean"}).status_code == 400


def test_switch_role_refuses_get_and_anonymous(client, student):
    assert client.post(reverse("switch_role"), {"role": "student"}).status_code == 302
    client.force_login(student)
    assert client.get(reverse("switch_role")).status_code == 405


def test_single_role_person_sees_no_switcher(client, student):
    client.force_login(student)
    html = client.get(reverse("student_dashboard")).content.decode()
    assert 'name="role"' not in html


def test_removed_role_falls_back_to_a_held_one(client, lecturer_supervisor):
    client.force_login(lecturer_supervisor)
    client.post(reverse("switch_role"), {"role": "supervisor"})
    lecturer_supervisor.is_supervisor = False
    lecturer_supervisor.save()
    assert client.get(reverse("home")).url == reverse("lecturer_dashboard")
    assert client.get(reverse("supervisor_dashboard")).status_code == 403


def _admin_world(size):
    for _ in range(size):
        EnrolmentFactory()
        UserFactory(is_lecturer=True)
    return ProgrammeAdminFactory()


def _student_world(size):
    student = StudentFactory()
    for _ in range(size):
        EnrolmentFactory(student=student)
    return student


def _lecturer_world(size):
    lecturer = LecturerFactory()
    for _ in range(size):
        LecturerAssignment.objects.create(cohort=EnrolmentFactory().cohort, lecturer=lecturer)
    return lecturer


def _supervisor_world(size):
    supervisor = SupervisorFactory()
    for _ in range(size):
        SupervisorAssignment.objects.create(enrolment=EnrolmentFactory(), supervisor=supervisor)
    return supervisor


# Session, user, then the page's own reads (admin: role counts, cohorts, invitations, assessment
# counts; student: enrolments, portfolios, progress, coverage, roles, two hours ledgers, feedback,
# next steps, thesis project; lecturer: cohorts, assessment work, open feedback requests, theses
# to read, ethics reviews; supervisor: supervisees, milestone counts, ethics reviews, theses to
# read; admin also: thesis milestone counts, ethics reviews waiting): the same count whatever
# the amount of data.
QUERY_BUDGETS = {
    "admin_dashboard": (_admin_world, 8),
    # student: 10 (was 17): enrolments with version and framework in one query, the hours of
    # both windows in three queries, the last activity with the balance of roles.
    "student_dashboard": (_student_world, 10),
    "lecturer_dashboard": (_lecturer_world, 7),
    "supervisor_dashboard": (_supervisor_world, 6),
}


@pytest.mark.parametrize("size", [1, 15])
@pytest.mark.parametrize("dashboard", QUERY_BUDGETS)
def test_dashboard_query_count_is_pinned_and_does_not_grow(
    client, django_assert_num_queries, dashboard, size
):
    make_world, queries = QUERY_BUDGETS[dashboard]
    client.force_login(make_world(size))
    client.get(reverse(dashboard))  # the first visit also records the active role in the session
    with django_assert_num_queries(queries):
        response = client.get(reverse(dashboard))
    assert response.status_code == 200
