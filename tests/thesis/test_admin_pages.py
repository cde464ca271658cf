"""The administrator's thesis screens: the overview per cohort, assigning supervisors and
second readers (all or nothing), and the milestone template of a curriculum version."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cohorts.models import SupervisorAssignment
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    LecturerFactory,
    SupervisorFactory,
)
from thesis.models import (
    Milestone,
    MilestoneKind,
    MilestoneTemplate,
    ResearchApproach,
    SecondReaderAssignment,
    ThesisProject,
)

from .helpers import hand_in, make_project, milestone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _curriculum(version, other_cohort):
    other_cohort.curriculum_version = version
    other_cohort.save(update_fields=["curriculum_version"])


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def make_overdue(project, kind=MilestoneKind.PROPOSAL):
    item = milestone(project, kind)
    Milestone.objects.filter(pk=item.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(2)
    )


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "lecturer", "supervisor", "outsider"])
def test_admin_pages_refuse_other_roles(client, world, cohort, version, role):
    user = world[role]
    assert get(client, user, "thesis:overview").status_code == 403
    assert get(client, user, "thesis:staff", cohort.uuid).status_code == 403
    assert get(client, user, "thesis:templates", version.uuid).status_code == 403
    client.force_login(user)
    assert client.post(reverse("thesis:staff", args=[cohort.uuid])).status_code == 403


def test_admin_pages_refuse_wrong_methods(client, programme_admin, cohort, version):
    client.force_login(programme_admin)
    assert client.post(reverse("thesis:overview")).status_code == 405
    assert client.put(reverse("thesis:staff", args=[cohort.uuid])).status_code == 405
    assert client.delete(reverse("thesis:templates", args=[version.uuid])).status_code == 405


def test_unknown_cohort_or_version_is_404(client, programme_admin):
    import uuid

    assert get(client, programme_admin, "thesis:staff", uuid.uuid4()).status_code == 404
    assert get(client, programme_admin, "thesis:templates", uuid.uuid4()).status_code == 404


# --- the overview ----------------------------------------------------------------------------


def test_overview_defaults_to_latest_cohort_with_projects(
    client, programme_admin, cohort, other_cohort, project, supervisor, student2
):
    # other_cohort starts later but has no projects: the world's cohort is the default.
    response = get(client, programme_admin, "thesis:overview")
    assert response.status_code == 200
    assert response.context["cohort"] == cohort
    content = response.content.decode()
    assert project.working_title in content
    assert escape(supervisor.get_full_name()) in content
    # student2 has no project yet and is listed separately.
    assert [e.student for e in response.context["without_project"]] == [student2]
    for name in ("thesis:hosts", "thesis:ethics_queue"):
        assert reverse(name) in content
    assert reverse("thesis:staff", args=[cohort.uuid]) in content
    assert reverse("thesis:templates", args=[cohort.curriculum_version.uuid]) in content


def test_overview_counts_overdue_and_waiting(client, programme_admin, cohort, supervisor):
    late = make_project(EnrolmentFactory(cohort=cohort), supervisor=supervisor, title="Laat")
    waiting = make_project(EnrolmentFactory(cohort=cohort), supervisor=supervisor, title="Wacht")
    make_overdue(late)
    make_overdue(late, MilestoneKind.LITERATURE)
    hand_in(waiting, MilestoneKind.PROPOSAL)
    response = get(client, programme_admin, "thesis:overview", cohort=str(cohort.uuid))
    rows = {p.working_title: p for p in response.context["rows"]}
    assert rows["Laat"].overdue_count == 2
    assert rows["Wacht"].waiting_count == 1
    totals = response.context["totals"]
    assert (totals["projects"], totals["overdue"], totals["waiting"]) == (2, 2, 1)
    response = get(
        client, programme_admin, "thesis:overview", cohort=str(cohort.uuid), overdue="on"
    )
    assert [p.working_title for p in response.context["rows"]] == ["Laat"]


def test_overview_filters_by_supervisor_status_and_approach(
    client, programme_admin, cohort, supervisor
):
    other = SupervisorFactory()
    approach = ResearchApproach.objects.first()
    mine = make_project(EnrolmentFactory(cohort=cohort), supervisor=supervisor, title="Mijn")
    theirs = make_project(EnrolmentFactory(cohort=cohort), supervisor=other, title="Hun")
    ThesisProject.objects.filter(pk=theirs.pk).update(
        approach=approach, status=ThesisProject.Status.RESEARCH
    )
    base = {"cohort": str(cohort.uuid)}

    def titles(**params):
        response = get(client, programme_admin, "thesis:overview", **base, **params)
        return [p.working_title for p in response.context["rows"]]

    assert titles(supervisor=str(supervisor.pk)) == [mine.working_title]
    assert titles(status=ThesisProject.Status.RESEARCH) == ["Hun"]
    assert titles(approach=str(approach.pk)) == ["Hun"]
    assert sorted(titles()) == ["Hun", "Mijn"]


def test_overview_of_another_cohort(client, programme_admin, other_cohort, project):
    there = make_project(EnrolmentFactory(cohort=other_cohort), title="Elders")
    response = get(client, programme_admin, "thesis:overview", cohort=str(other_cohort.uuid))
    assert [p.working_title for p in response.context["rows"]] == [there.working_title]
    assert project.working_title not in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_overview_query_count_does_not_grow(
    client, programme_admin, cohort, supervisor, count, django_assert_max_num_queries
):
    reader = LecturerFactory()
    from thesis import services

    for number in range(count):
        project = make_project(
            EnrolmentFactory(cohort=cohort), supervisor=supervisor, title=f"T{number}"
        )
        services.assign_second_reader(project=project, reader=reader, by=programme_admin)
    EnrolmentFactory.create_batch(3, cohort=cohort)
    client.force_login(programme_admin)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("thesis:overview"), {"cohort": str(cohort.uuid)})
    assert len(response.context["rows"]) == count


# --- supervisors and second readers ----------------------------------------------------------


def row_data(response):
    """The POST data the page would send back unchanged."""
    data = {}
    for row in response.context["rows"]:
        form = row["form"]
        for name, field in form.fields.items():
            data[form.add_prefix(name)] = form.initial.get(name, "")
            assert field is not None
    return data


def test_staff_page_lists_active_students_with_choices(
    client, programme_admin, cohort, project, student2, supervisor
):
    response = get(client, programme_admin, "thesis:staff", cohort.uuid)
    assert response.status_code == 200
    rows = {row["enrolment"].student: row for row in response.context["rows"]}
    assert "second_reader" in rows[project.enrolment.student]["form"].fields
    assert "second_reader" not in rows[student2]["form"].fields
    content = response.content.decode()
    with translation.override("nl"):
        label = gettext("%(name)s (%(count)s supervisees)") % {
            "name": supervisor.sort_name,
            "count": 1,
        }
    assert label in content


def test_staff_saves_changed_rows(client, programme_admin, cohort, project, student2, supervisor):
    new_supervisor = SupervisorFactory()
    reader = LecturerFactory()
    response = get(client, programme_admin, "thesis:staff", cohort.uuid)
    data = row_data(response)
    enrolment2 = student2.enrolments.get()
    data[f"e{enrolment2.pk}-supervisor"] = str(new_supervisor.pk)
    data[f"e{project.enrolment.pk}-second_reader"] = str(reader.pk)
    response = client.post(reverse("thesis:staff", args=[cohort.uuid]), data)
    assert response.status_code == 302
    assert (
        SupervisorAssignment.objects.current().get(enrolment=enrolment2).supervisor
        == new_supervisor
    )
    assert SecondReaderAssignment.objects.current().get(project=project).reader == reader
    # The unchanged row kept its assignment (no new history row).
    assert SupervisorAssignment.objects.filter(enrolment=project.enrolment).count() == 1


def test_staff_is_all_or_nothing_when_a_row_fails(
    client, programme_admin, cohort, project, student2, supervisor
):
    new_supervisor = SupervisorFactory()
    response = get(client, programme_admin, "thesis:staff", cohort.uuid)
    data = row_data(response)
    enrolment2 = student2.enrolments.get()
    data[f"e{enrolment2.pk}-supervisor"] = str(new_supervisor.pk)  # fine on its own
    data[f"e{project.enrolment.pk}-second_reader"] = str(supervisor.pk)  # the supervisor: refused
    response = client.post(reverse("thesis:staff", args=[cohort.uuid]), data)
    assert response.status_code == 400
    assert not SupervisorAssignment.objects.filter(enrolment=enrolment2).exists()
    assert not SecondReaderAssignment.objects.exists()
    rows = {row["enrolment"]: row for row in response.context["rows"]}
    assert rows[project.enrolment]["form"].errors["second_reader"]
    with translation.override("nl"):
        message = gettext("%(person)s supervises this thesis and can't be its second reader.") % {
            "person": supervisor
        }
    assert escape(message) in response.content.decode()


def test_staff_rejects_a_person_who_is_not_a_choice(client, programme_admin, cohort, project):
    response = get(client, programme_admin, "thesis:staff", cohort.uuid)
    data = row_data(response)
    data[f"e{project.enrolment.pk}-supervisor"] = str(programme_admin.pk)
    response = client.post(reverse("thesis:staff", args=[cohort.uuid]), data)
    assert response.status_code == 400
    assert SupervisorAssignment.objects.current().get(enrolment=project.enrolment).supervisor_id


def test_staff_can_clear_a_supervisor(client, programme_admin, cohort, project):
    response = get(client, programme_admin, "thesis:staff", cohort.uuid)
    data = row_data(response)
    data[f"e{project.enrolment.pk}-supervisor"] = ""
    response = client.post(reverse("thesis:staff", args=[cohort.uuid]), data)
    assert response.status_code == 302
    assert not SupervisorAssignment.objects.current().filter(enrolment=project.enrolment).exists()


@pytest.mark.parametrize("count", [3, 30])
def test_staff_query_count_does_not_grow(
    client, programme_admin, count, version, django_assert_max_num_queries
):
    cohort = CohortFactory(curriculum_version=version)
    supervisor = SupervisorFactory()
    for number in range(count):
        enrolment = EnrolmentFactory(cohort=cohort)
        if number % 2:
            make_project(enrolment, supervisor=supervisor)
    client.force_login(programme_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("thesis:staff", args=[cohort.uuid]))
    assert len(response.context["rows"]) == count


# --- the milestone template ------------------------------------------------------------------


def template_data(response, **changes):
    formset = response.context["formset"]
    data = {f"form-{key}": value for key, value in formset.management_form.initial.items()}
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = form.instance.pk
        for name in ("name_nl", "name_en", "description_nl", "description_en", "offset_weeks"):
            value = form.initial.get(name, "")
            data[f"form-{index}-{name}"] = "" if value is None else value
    data.update({f"form-{key}": value for key, value in changes.items()})
    return data


def test_template_page_creates_the_defaults_and_saves(client, programme_admin, version):
    response = get(client, programme_admin, "thesis:templates", version.uuid)
    assert response.status_code == 200
    assert version.milestone_templates.count() == len(MilestoneKind.values)
    data = template_data(response, **{"0-name_en": "Research plan", "0-offset_weeks": 2})
    response = client.post(reverse("thesis:templates", args=[version.uuid]), data)
    assert response.status_code == 302
    first = version.milestone_templates.order_by("position").first()
    assert (first.name_en, first.offset_weeks) == ("Research plan", 2)


def test_template_change_does_not_touch_started_projects(
    client, programme_admin, version, project
):
    before = milestone(project, MilestoneKind.PROPOSAL).due_on
    response = get(client, programme_admin, "thesis:templates", version.uuid)
    data = template_data(response, **{"0-offset_weeks": 1})
    assert client.post(reverse("thesis:templates", args=[version.uuid]), data).status_code == 302
    assert milestone(project, MilestoneKind.PROPOSAL).due_on == before


def test_template_refuses_decreasing_offsets(client, programme_admin, version):
    response = get(client, programme_admin, "thesis:templates", version.uuid)
    last = len(MilestoneKind.values) - 1
    data = template_data(response, **{f"{last}-offset_weeks": 1})
    response = client.post(reverse("thesis:templates", args=[version.uuid]), data)
    assert response.status_code == 400
    with translation.override("nl"):
        assert gettext("Each milestone must be due on or after the one before it.") in (
            response.content.decode()
        )
    assert (
        MilestoneTemplate.objects.get(version=version, kind=MilestoneKind.DEFENCE).offset_weeks > 1
    )


def test_template_refuses_zero_weeks(client, programme_admin, version):
    response = get(client, programme_admin, "thesis:templates", version.uuid)
    data = template_data(response, **{"0-offset_weeks": 0})
    response = client.post(reverse("thesis:templates", args=[version.uuid]), data)
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["offset_weeks"]


def test_staff_leaves_rows_that_were_not_sent_alone(client, programme_admin, cohort, project):
    response = get(client, programme_admin, "thesis:staff", cohort.uuid)
    data = {
        key: value
        for key, value in row_data(response).items()
        if not key.startswith(f"e{project.enrolment.pk}-")
    }
    response = client.post(reverse("thesis:staff", args=[cohort.uuid]), data)
    assert response.status_code == 302
    assert SupervisorAssignment.objects.current().filter(enrolment=project.enrolment).exists()


def test_overview_with_an_unknown_cohort_shows_the_default(
    client, programme_admin, cohort, project
):
    response = get(client, programme_admin, "thesis:overview", cohort="nonsense")
    assert response.status_code == 200
    assert response.context["cohort"] == cohort
