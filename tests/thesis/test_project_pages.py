"""The student's "my thesis" and start pages, the project page (where the research stands)
and editing the project's description: who may open what, what each sees, query counts."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cohorts.models import Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, StudentFactory, SupervisorFactory
from thesis import services
from thesis.models import (
    EthicsReview,
    HostOrganisation,
    Milestone,
    MilestoneKind,
    ResearchApproach,
    ThesisProject,
)

from .helpers import approve, approve_ethics, hand_in, make_project, milestone

pytestmark = pytest.mark.django_db


def nl(msgid: str, **values) -> str:
    with translation.override("nl"):
        text = gettext(msgid)
    return text % values if values else text


@pytest.fixture
def host(db):
    return HostOrganisation.objects.create(
        name="Zorggroep Oost", sector="zorg", may_be_named=False
    )


@pytest.fixture
def reader(project, lecturer, programme_admin):
    services.assign_second_reader(project=project, reader=lecturer, by=programme_admin)
    return lecturer


def project_url(project) -> str:
    return reverse("thesis:project", args=[project.uuid])


# --- my thesis / start ------------------------------------------------------------------------


def test_mine_redirects_to_the_project(client, project, student):
    client.force_login(student)
    response = client.get(reverse("thesis:mine"))
    assert response.status_code == 302
    assert response.url == project_url(project)


def test_mine_offers_the_start_form_without_a_project(client, student, version):
    client.force_login(student)
    response = client.get(reverse("thesis:mine"))
    assert response.status_code == 200
    assert response.templates[0].name == "thesis/start.html"
    assert response.context["form"] is not None
    assert reverse("thesis:start") in response.content.decode()


def test_mine_without_curriculum_version_says_so(client, student):
    client.force_login(student)
    response = client.get(reverse("thesis:mine"))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert (
        nl(
            "Your cohort has no curriculum version yet, so there are no thesis milestones. "
            "Ask the programme administration."
        )
        in response.content.decode()
    )


def test_mine_without_enrolment_says_so(client):
    student = StudentFactory()
    client.force_login(student)
    response = client.get(reverse("thesis:mine"))
    assert response.status_code == 200
    assert (
        nl(
            "You are not enrolled in a cohort, so you can't start a thesis project. "
            "Ask the programme administration."
        )
        in response.content.decode()
    )


def test_mine_skips_a_withdrawn_enrolment(client, student, version, enrolment):
    project = make_project(enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    later = CohortFactory(name="2027–2029", curriculum_version=version)
    EnrolmentFactory(cohort=later, student=student, enrolled_on=timezone.localdate())
    client.force_login(student)
    response = client.get(reverse("thesis:mine"))
    assert response.status_code == 200  # the start page for the new enrolment
    assert ThesisProject.objects.get() == project


@pytest.mark.parametrize("role", ["lecturer", "supervisor", "programme_admin", "outsider"])
def test_mine_is_for_students(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("thesis:mine")).status_code == 403


def test_start_creates_the_project_with_its_milestones(client, student, enrolment, version):
    approach = ResearchApproach.objects.get(code="action-research")
    client.force_login(student)
    response = client.post(
        reverse("thesis:start"),
        {
            "working_title": "Leren in teams",
            "research_question": "Hoe leren teams?",
            "approach": approach.pk,
        },
    )
    project = ThesisProject.objects.get(enrolment=enrolment)
    assert response.status_code == 302
    assert response.url == project_url(project)
    assert project.approach == approach
    assert project.milestones.count() == len(MilestoneKind.values)


def test_start_needs_a_title(client, student, enrolment, version):
    client.force_login(student)
    response = client.post(reverse("thesis:start"), {"working_title": "  "})
    assert response.status_code == 400
    assert not ThesisProject.objects.exists()


def test_start_twice_shows_the_refusal(client, student, project):
    client.force_login(student)
    response = client.post(reverse("thesis:start"), {"working_title": "Nog een"})
    assert response.status_code == 400
    assert nl("This student already has a thesis project.") in response.content.decode()
    assert ThesisProject.objects.count() == 1


def test_start_is_for_students_and_posts_only(client, student, supervisor, version):
    client.force_login(supervisor)
    assert client.post(reverse("thesis:start"), {"working_title": "X"}).status_code == 403
    client.force_login(student)
    assert client.get(reverse("thesis:start")).status_code == 405


# --- the project page -------------------------------------------------------------------------


def test_student_sees_where_the_research_stands(client, project, student, supervisor, host):
    services.update_project(project=project, by=student, host_organisation=host)
    client.force_login(student)
    response = client.get(project_url(project))
    assert response.status_code == 200
    page = response.content.decode()
    assert project.working_title in page
    assert escape(supervisor.get_full_name()) in page
    assert "Zorggroep Oost" in page  # the real name for the student
    assert response.context["due_next"].kind == MilestoneKind.PROPOSAL
    assert len(response.context["milestones"]) == len(MilestoneKind.values)
    review = project.ethics_reviews.current().get()
    assert reverse("thesis:ethics", args=[review.uuid]) in page
    assert reverse("thesis:meetings", args=[project.uuid]) in page
    assert reverse("thesis:project_edit", args=[project.uuid]) in page
    for m in project.milestones.all():
        assert reverse("thesis:milestone", args=[m.uuid]) in page


def test_due_next_moves_on_and_says_overdue(client, project, student, supervisor):
    approve(project, MilestoneKind.PROPOSAL, supervisor)
    ethics = milestone(project, MilestoneKind.ETHICS)
    services.change_due_date(
        milestone=ethics,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        reason="Eerder",
        by=supervisor,
    )
    client.force_login(student)
    response = client.get(project_url(project))
    due = response.context["due_next"]
    assert due.kind == MilestoneKind.ETHICS
    assert due.overdue
    with translation.override("nl"):
        text = translation.ngettext("%(days)s day overdue.", "%(days)s days overdue.", 3)
    assert text.replace("%(days)s", "3") in response.content.decode()


def test_latest_version_number_in_the_timeline(client, project, student):
    hand_in(project, MilestoneKind.PROPOSAL)
    hand_in(project, MilestoneKind.PROPOSAL)
    client.force_login(student)
    response = client.get(project_url(project))
    proposal = next(m for m in response.context["milestones"] if m.kind == "proposal")
    assert proposal.latest_version == 2


def test_second_reader_sees_the_project_without_working_papers(
    client, project, reader, student, host
):
    services.update_project(project=project, by=student, host_organisation=host)
    client.force_login(reader)
    response = client.get(project_url(project))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zorggroep Oost" not in page
    assert host.display_name in page
    assert escape(reader.get_full_name()) in page
    assert reverse("thesis:meetings", args=[project.uuid]) not in page
    assert reverse("thesis:project_edit", args=[project.uuid]) not in page
    review = project.ethics_reviews.current().get()
    assert reverse("thesis:ethics", args=[review.uuid]) not in page
    visible = {m.kind for m in response.context["milestones"] if m.visible}
    assert visible == {MilestoneKind.DRAFT, MilestoneKind.FINAL, MilestoneKind.DEFENCE}
    proposal = milestone(project, MilestoneKind.PROPOSAL)
    assert reverse("thesis:milestone", args=[proposal.uuid]) not in page


@pytest.mark.parametrize("role", ["supervisor", "programme_admin"])
def test_staff_of_the_project_see_it(client, request, project, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(project_url(project))
    assert response.status_code == 200
    assert reverse("thesis:project_edit", args=[project.uuid]) in response.content.decode()


@pytest.mark.parametrize("role", ["student2", "lecturer", "outsider"])
def test_others_get_404(client, request, project, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(project_url(project)).status_code == 404


def test_another_supervisor_gets_404(client, project):
    client.force_login(SupervisorFactory())
    assert client.get(project_url(project)).status_code == 404


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(project_url(project))
    assert response.status_code == 302
    assert "login" in response.url


def test_project_page_takes_get_only(client, project, student):
    client.force_login(student)
    assert client.post(project_url(project)).status_code == 405


def test_meetings_show_open_actions(client, project, student, supervisor):
    services.log_meeting(
        project=project,
        date=timezone.localdate(),
        notes="Goed gesprek",
        actions=[
            services.ActionInput("Interviewleidraad maken", student),
            services.ActionInput("Literatuur sturen", supervisor),
        ],
        by=supervisor,
    )
    action = project.meetings.get().actions.get(description="Literatuur sturen")
    services.set_action_done(action=action, done=True, by=supervisor)
    client.force_login(student)
    page = client.get(project_url(project)).content.decode()
    assert "Interviewleidraad maken" in page
    assert "Literatuur sturen" not in page


def _busy(project, student, supervisor, meetings: int, rounds: int):
    for n in range(meetings):
        services.log_meeting(
            project=project,
            date=timezone.localdate() - datetime.timedelta(days=n),
            notes=f"Gesprek {n}",
            actions=[
                services.ActionInput(f"Actie {n}a", student),
                services.ActionInput(f"Actie {n}b", supervisor),
            ],
            by=supervisor,
        )
    for _ in range(rounds):
        version = hand_in(project, MilestoneKind.PROPOSAL)
        services.review_version(
            version=version, decision="revise", feedback="Nog niet.", by=supervisor
        )


@pytest.mark.parametrize(("meetings", "rounds"), [(1, 1), (12, 8)])
@pytest.mark.parametrize("role", ["student", "supervisor", "programme_admin"])
def test_project_page_query_count_does_not_grow(
    client,
    request,
    project,
    student,
    supervisor,
    role,
    meetings,
    rounds,
    django_assert_max_num_queries,
):
    _busy(project, student, supervisor, meetings, rounds)
    client.force_login(request.getfixturevalue(role))
    with django_assert_max_num_queries(12):
        response = client.get(project_url(project))
    assert response.status_code == 200


# --- editing the project ----------------------------------------------------------------------


def edit_url(project) -> str:
    return reverse("thesis:project_edit", args=[project.uuid])


def form_data(project, **changes) -> dict:
    data = {
        "working_title": project.working_title,
        "research_question": project.research_question,
        "approach": project.approach_id or "",
        "design": project.design,
        "host_organisation": project.host_organisation_id or "",
        "host_relation": project.host_relation,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["student", "supervisor", "programme_admin"])
def test_edit_saves_the_description(client, request, project, host, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(edit_url(project)).status_code == 200
    response = client.post(
        edit_url(project),
        form_data(
            project,
            working_title="Nieuwe titel",
            host_organisation=host.pk,
            host_relation="employer",
        ),
    )
    assert response.status_code == 302
    assert response.url == project_url(project)
    project.refresh_from_db()
    assert project.working_title == "Nieuwe titel"
    assert project.host_organisation == host


def test_edit_lists_hosts_by_name(client, project, student):
    HostOrganisation.objects.create(name="Bravo")
    HostOrganisation.objects.create(name="Alfa")
    client.force_login(student)
    form = client.get(edit_url(project)).context["form"]
    assert [h.name for h in form.fields["host_organisation"].queryset] == ["Alfa", "Bravo"]


def test_edit_refuses_an_empty_title(client, project, student):
    client.force_login(student)
    response = client.post(edit_url(project), form_data(project, working_title=""))
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.working_title


def test_edit_warns_and_starts_a_new_ethics_round_after_approval(
    client, project, student, supervisor
):
    approve_ethics(project, supervisor)
    client.force_login(student)
    warning = nl(
        "Changing the research question, approach or design asks for a new ethics approval."
    )
    assert warning in client.get(edit_url(project)).content.decode()
    response = client.post(
        edit_url(project), form_data(project, design="Nu ook interviews met cliënten")
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        nl(
            "The research design changed after the ethics review was approved, "
            "so a new round of the ethics review has started."
        )
        in texts
    )
    assert project.ethics_reviews.current().get().status == EthicsReview.Status.DRAFT
    assert milestone(project, MilestoneKind.ETHICS).status == Milestone.Status.IN_PROGRESS


def test_edit_of_the_title_only_keeps_the_ethics_approval(client, project, student, supervisor):
    approve_ethics(project, supervisor)
    client.force_login(student)
    response = client.post(edit_url(project), form_data(project, working_title="Andere titel"))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(texts) == 1
    assert project.ethics_reviews.current().get().status == EthicsReview.Status.APPROVED


@pytest.mark.parametrize("role", ["student2", "lecturer", "outsider"])
def test_edit_by_others_gets_404(client, request, project, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(edit_url(project)).status_code == 404
    assert client.post(edit_url(project), form_data(project)).status_code == 404


def test_edit_by_the_second_reader_gets_404(client, project, reader):
    client.force_login(reader)
    assert client.get(edit_url(project)).status_code == 404
    response = client.post(edit_url(project), form_data(project, working_title="Van de lezer"))
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.working_title != "Van de lezer"


def test_edit_wrong_method(client, project, student):
    client.force_login(student)
    assert client.put(edit_url(project)).status_code == 405


def test_a_lecturer_who_is_also_supervisor_elsewhere_gets_404(
    client, project, lecturer_supervisor
):
    other = EnrolmentFactory(cohort=project.enrolment.cohort)
    make_project(other, supervisor=lecturer_supervisor)
    client.force_login(lecturer_supervisor)
    assert client.get(project_url(project)).status_code == 404


# --- the final assessment ---------------------------------------------------------------------


@pytest.fixture
def final_assessment(project, enrolment, version):
    return released_final_assessment(enrolment, version)


def released_final_assessment(enrolment, version):
    """A released assessment of the student's thesis-defence portfolio: pass, 7.5."""
    from decimal import Decimal

    from competencies.models import Assessment, ReviewTarget
    from tests.competencies.assessment_helpers import submitted
    from tests.factories import ReviewMomentFactory

    final = version.review_moments.get(code="final-portfolio")
    moment = ReviewMomentFactory(version=version, code=services.THESIS_REVIEW_MOMENT)
    ReviewTarget.objects.bulk_create(
        ReviewTarget(review_moment=moment, competency=t.competency, level=t.level)
        for t in final.targets.all()
    )
    assessment = submitted(enrolment, services.THESIS_REVIEW_MOMENT)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.RELEASED,
        released_at=timezone.now(),
        final_verdict="pass",
        final_grade=Decimal("7.5"),
    )
    return assessment


def test_the_released_final_assessment_is_shown_with_a_link(
    client, project, student, final_assessment
):
    client.force_login(student)
    response = client.get(project_url(project))
    page = response.content.decode()
    assert response.context["final_result"].verdict == "pass"
    assert reverse("competencies:assessment", args=[final_assessment.uuid]) in page
    assert nl("Pass") in page
    assert "7,5" in page


def test_the_second_reader_sees_the_final_assessment_status_without_a_link(
    client, project, reader, final_assessment
):
    client.force_login(reader)
    response = client.get(project_url(project))
    assert response.context["final_assessment"] is not None
    assert response.context["final_url"] is None
