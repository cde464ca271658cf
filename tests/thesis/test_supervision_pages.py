"""The supervisor's week: what waits, the supervisees × milestones matrix, workload, open
actions; and the second reader's list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext

from cohorts.models import SupervisorAssignment
from tests.factories import EnrolmentFactory, LecturerFactory, SupervisorFactory
from thesis import services
from thesis.models import Milestone, MilestoneKind, ThesisProject

from .helpers import hand_in, make_project, milestone, submit_ethics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _curriculum(version, other_cohort):
    """Both cohorts follow the world's curriculum version, so projects get milestones."""
    other_cohort.curriculum_version = version
    other_cohort.save(update_fields=["curriculum_version"])


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def make_supervisees(cohort, supervisor, count, *, without_project=1):
    """``count`` supervisees with a project each, plus some without a project yet."""
    projects = []
    for number in range(count):
        enrolment = EnrolmentFactory(cohort=cohort)
        projects.append(
            make_project(enrolment, supervisor=supervisor, title=f"Onderzoek {number}")
        )
    for _ in range(without_project):
        SupervisorAssignment.objects.create(
            enrolment=EnrolmentFactory(cohort=cohort), supervisor=supervisor
        )
    return projects


def busy_week(projects, supervisor):
    """Versions waiting, a low-risk ethics review waiting, one overdue milestone, actions."""
    hand_in(projects[0], MilestoneKind.PROPOSAL)
    submit_ethics(projects[1])
    late = milestone(projects[2], MilestoneKind.LITERATURE)
    Milestone.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(3)
    )
    services.log_meeting(
        project=projects[0],
        date=timezone.localdate(),
        notes="Voorstel besproken.",
        actions=[services.ActionInput("Literatuur doorsturen", supervisor)],
        by=supervisor,
    )


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "lecturer", "programme_admin", "outsider"])
def test_supervision_is_for_supervisors_only(client, world, role):
    assert get(client, world[role], "thesis:supervision").status_code == 403


def test_supervision_asks_anonymous_people_to_log_in(client):
    response = client.get(reverse("thesis:supervision"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_supervision_refuses_post(client, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("thesis:supervision")).status_code == 405


# --- the week --------------------------------------------------------------------------------


def test_supervisor_sees_only_own_supervisees_in_the_matrix(client, cohort, supervisor, project):
    other = SupervisorFactory()
    theirs = make_project(EnrolmentFactory(cohort=cohort), supervisor=other)
    response = get(client, supervisor, "thesis:supervision")
    assert response.status_code == 200
    content = response.content.decode()
    assert escape(project.enrolment.student.sort_name) in content
    assert escape(theirs.enrolment.student.sort_name) not in content
    assert theirs.working_title not in content
    assert [row.project for row in response.context["rows"]] == [project]


def test_matrix_has_a_cell_per_milestone_linking_to_it(client, supervisor, project):
    response = get(client, supervisor, "thesis:supervision")
    (row,) = response.context["rows"]
    assert [cell["kind"] for cell in row.cells] == list(MilestoneKind.values)
    content = response.content.decode()
    for item in project.milestones.all():
        assert reverse("thesis:milestone", args=[item.uuid]) in content
    assert '<th scope="col">' in content and '<th scope="row">' in content


def test_waiting_and_overdue_are_highlighted_and_listed(client, cohort, supervisor):
    projects = make_supervisees(cohort, supervisor, 3)
    busy_week(projects, supervisor)
    response = get(client, supervisor, "thesis:supervision")
    week = response.context["week"]
    assert [m.project for m in week.waiting_versions] == [projects[0]]
    assert [r.project for r in week.waiting_ethics] == [projects[1]]
    assert week.waiting_count == 2
    cells = {
        row.project.pk: {cell["kind"]: cell for cell in row.cells}
        for row in response.context["rows"]
        if row.project
    }
    assert cells[projects[0].pk][MilestoneKind.PROPOSAL]["waiting"]
    assert cells[projects[1].pk][MilestoneKind.ETHICS]["waiting"]
    assert cells[projects[2].pk][MilestoneKind.LITERATURE]["overdue"]
    assert not cells[projects[2].pk][MilestoneKind.PROPOSAL]["overdue"]
    content = response.content.decode()
    review = projects[1].ethics_reviews.current().get()
    assert reverse("thesis:ethics", args=[review.uuid]) in content
    with translation.override("nl"):
        assert gettext("overdue") in content
        assert gettext("waiting for you") in content


def test_higher_risk_ethics_review_does_not_wait_for_the_supervisor(client, supervisor, project):
    from .helpers import HIGHER_RISK

    submit_ethics(project, HIGHER_RISK)
    response = get(client, supervisor, "thesis:supervision")
    assert response.context["week"].waiting_ethics == []
    (row,) = response.context["rows"]
    ethics_cell = next(cell for cell in row.cells if cell["kind"] == MilestoneKind.ETHICS)
    assert not ethics_cell["waiting"]


def test_supervisee_without_project_is_shown(client, cohort, supervisor):
    enrolment = EnrolmentFactory(cohort=cohort)
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=supervisor)
    response = get(client, supervisor, "thesis:supervision")
    (row,) = response.context["rows"]
    assert row.project is None
    content = response.content.decode()
    assert escape(enrolment.student.sort_name) in content
    with translation.override("nl"):
        assert gettext("No project yet") in content


def test_workload_counts_and_open_actions(client, cohort, supervisor):
    projects = make_supervisees(cohort, supervisor, 3, without_project=2)
    busy_week(projects, supervisor)
    version = projects[0].milestones.get(kind=MilestoneKind.PROPOSAL).versions.get()
    services.review_version(
        version=version, decision="revise", feedback="Scherper.", by=supervisor
    )
    response = get(client, supervisor, "thesis:supervision")
    week = response.context["week"]
    assert week.supervisee_count == 5
    assert week.without_project == 2
    assert week.by_cohort == [(cohort, 5)]
    assert dict(week.by_status) == {ThesisProject.Status.PROPOSAL.label: 3}
    assert week.reviewed_recently == 1
    (action,) = week.actions
    assert action.description == "Literatuur doorsturen"
    assert reverse("thesis:meeting", args=[action.meeting.uuid]) in response.content.decode()


def test_filter_by_cohort_and_attention(client, cohort, other_cohort, supervisor):
    here = make_supervisees(cohort, supervisor, 2, without_project=0)
    there = make_project(EnrolmentFactory(cohort=other_cohort), supervisor=supervisor)
    hand_in(here[0], MilestoneKind.PROPOSAL)
    response = get(client, supervisor, "thesis:supervision", cohort=str(other_cohort.uuid))
    assert [row.project for row in response.context["rows"]] == [there]
    response = get(client, supervisor, "thesis:supervision", attention="on")
    assert [row.project for row in response.context["rows"]] == [here[0]]
    response = get(client, supervisor, "thesis:supervision", cohort="not-a-cohort")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3


@pytest.mark.parametrize("count", [5, 200])
def test_matrix_query_count_does_not_grow(
    client, cohort, supervisor, count, django_assert_num_queries
):
    """Session, user, supervisees (student, cohort, project joined), milestones, waiting
    ethics reviews, open actions, recent reviews: seven, however many supervisees."""
    projects = make_supervisees(cohort, supervisor, count, without_project=3)
    busy_week(projects, supervisor)
    client.force_login(supervisor)
    client.get(reverse("thesis:supervision"))  # the first request also stores the session
    with django_assert_num_queries(7):
        response = client.get(reverse("thesis:supervision"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == count + 3
    names = [(row.student.family_name.lower(), row.student.given_name.lower()) for row in rows]
    assert names == sorted(names)
    # Every cell shows its milestone's link, status and due date as the models give them.
    content = response.content.decode()
    with translation.override("nl"):
        for milestone in Milestone.objects.filter(project__in=projects[:5]):
            due = date_format(milestone.due_on, "SHORT_DATE_FORMAT")
            link = reverse("thesis:milestone", args=[milestone.uuid])
            assert (
                f'<a href="{link}"><span class="visually-hidden">{escape(milestone.name)}: '
                f"</span>{'✓ ' if milestone.status == 'approved' else ''}"
                f"{escape(milestone.get_status_display())}</a><br>"
                f'<span class="nowrap">{due}</span>'
            ) in content
        for project in projects[:5]:
            assert reverse("thesis:project", args=[project.uuid]) in content


# --- the second reader -----------------------------------------------------------------------


def test_second_reader_sees_the_theses_they_read(client, project, programme_admin, supervisor):
    reader = LecturerFactory()
    other = make_project(
        EnrolmentFactory(cohort=project.enrolment.cohort), supervisor=supervisor, title="Ander"
    )
    services.assign_second_reader(project=project, reader=reader, by=programme_admin)
    response = get(client, reader, "thesis:reading")
    assert response.status_code == 200
    content = response.content.decode()
    assert project.working_title in content
    assert other.working_title not in content
    assert escape(supervisor.get_full_name()) in content
    assert reverse("thesis:project", args=[project.uuid]) in content
    draft = milestone(project, MilestoneKind.DRAFT)
    assert reverse("thesis:milestone", args=[draft.uuid]) in content
    proposal = milestone(project, MilestoneKind.PROPOSAL)
    assert reverse("thesis:milestone", args=[proposal.uuid]) not in content


def test_reading_page_with_nothing_to_read(client, supervisor):
    response = get(client, supervisor, "thesis:reading")
    assert response.status_code == 200
    assert response.context["rows"] == []


@pytest.mark.parametrize("role", ["student", "programme_admin", "outsider"])
def test_reading_is_for_lecturers_and_supervisors(client, world, role):
    assert get(client, world[role], "thesis:reading").status_code == 403


def test_reading_refuses_post(client, lecturer):
    client.force_login(lecturer)
    assert client.post(reverse("thesis:reading")).status_code == 405


@pytest.mark.parametrize("count", [2, 12])
def test_reading_query_count_does_not_grow(
    client, cohort, supervisor, programme_admin, count, django_assert_max_num_queries
):
    reader = LecturerFactory()
    for project in make_supervisees(cohort, supervisor, count, without_project=0):
        services.assign_second_reader(project=project, reader=reader, by=programme_admin)
    client.force_login(reader)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("thesis:reading"))
    assert len(response.context["rows"]) == count
