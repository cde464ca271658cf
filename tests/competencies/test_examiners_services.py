"""Assigning examiners: who is eligible, the proposal (workload, supervisor rule), assigning
and removing, the third examiner, the bulk action, and the mails after commit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation

from cohorts.models import LecturerAssignment, SupervisorAssignment
from competencies.models import Assessment, AssessmentEvent, Examiner
from competencies.services import examiners as services
from tests.competencies.assessment_helpers import assign, examining, judge, submitted
from tests.factories import CohortFactory, EnrolmentFactory, LecturerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def lecturers(cohort):
    """Three examining lecturers of the cohort, in family-name order."""
    people = [
        LecturerFactory(family_name="Aalbers", given_name="Anna"),
        LecturerFactory(family_name="Bakker", given_name="Bram"),
        LecturerFactory(family_name="Claes", given_name="Cor", preferred_language="en"),
    ]
    examining(cohort, *people)
    return people


def other_assessment(cohort, moment_code="final-portfolio"):
    return submitted(EnrolmentFactory(cohort=cohort), moment_code)


def events(assessment, kind):
    return list(assessment.events.filter(kind=kind).order_by("at", "pk"))


# --- eligibility -----------------------------------------------------------------------------


def test_eligible_are_the_current_examining_lecturers_of_the_cohort(assessment, cohort, lecturers):
    teaching_only = LecturerFactory()
    LecturerAssignment.objects.create(cohort=cohort, lecturer=teaching_only, examines=False)
    ended = LecturerFactory()
    LecturerAssignment.objects.create(
        cohort=cohort, lecturer=ended, ended_at=timezone.now(), examines=True
    )
    inactive = LecturerFactory(is_active=False)
    examining(cohort, inactive)
    elsewhere = LecturerFactory()
    examining(CohortFactory(), elsewhere)
    assign(assessment, lecturers[0], by=lecturers[0])

    eligible = list(services.eligible_examiners(assessment))

    assert eligible == lecturers[1:]


def test_eligible_carry_their_open_load(assessment, cohort, lecturers):
    busy = other_assessment(cohort)
    assign(busy, lecturers[2])
    loads = {user.pk: user.open_load for user in services.eligible_examiners(assessment)}
    assert loads == {lecturers[0].pk: 0, lecturers[1].pk: 0, lecturers[2].pk: 1}


# --- the proposal ----------------------------------------------------------------------------


def test_proposal_fills_up_to_the_minimum_with_the_least_loaded(assessment, cohort, lecturers):
    busy = other_assessment(cohort)
    assign(busy, lecturers[0])

    assert services.propose_examiners(assessment=assessment) == [lecturers[1], lecturers[2]]


def test_proposal_counts_only_open_examinations_then_this_years(
    assessment, cohort, lecturers, programme_admin
):
    # Aalbers examined a released one this year, Bakker one still open: Bakker is busier.
    done = other_assessment(cohort)
    (old,) = assign(done, lecturers[0])
    Assessment.objects.filter(pk=done.pk).update(status=Assessment.Status.WITHDRAWN)
    busy = other_assessment(cohort)
    assign(busy, lecturers[1])

    proposal = services.propose_examiners(assessment=assessment)

    # Claes has no load at all; Aalbers only one closed examination this year.
    assert proposal == [lecturers[2], lecturers[0]]


def test_examinations_of_earlier_years_do_not_count(assessment, cohort, lecturers):
    done = other_assessment(cohort)
    (old,) = assign(done, lecturers[0])
    Assessment.objects.filter(pk=done.pk).update(status=Assessment.Status.WITHDRAWN)
    Examiner.objects.filter(pk=old.pk).update(
        assigned_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert services.propose_examiners(assessment=assessment) == lecturers[:2]


def test_proposal_of_a_one_examiner_moment_has_one(enrolment, lecturers):
    assessment = submitted(enrolment, "year-1-review")
    assert services.propose_examiners(assessment=assessment) == [lecturers[0]]


def test_proposal_is_empty_when_complete_or_not_active(assessment, lecturers):
    assign(assessment, *lecturers[:2])
    assert services.propose_examiners(assessment=assessment) == []
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.WITHDRAWN)
    assessment.refresh_from_db()
    assert services.propose_examiners(assessment=assessment) == []


def test_proposal_for_an_escalated_assessment_is_one_third_examiner(assessment, lecturers):
    first, second = assign(assessment, *lecturers[:2])
    judge(first)
    judge(second)
    Assessment.objects.filter(pk=assessment.pk).update(escalated_at=timezone.now())
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RECONCILING
    assert services.propose_examiners(assessment=assessment) == [lecturers[2]]


def test_proposal_never_makes_the_thesis_supervisor_second_examiner(
    assessment, enrolment, lecturers
):
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=lecturers[1])
    assign(assessment, lecturers[0])
    assert services.propose_examiners(assessment=assessment) == [lecturers[2]]


def test_proposal_may_make_the_thesis_supervisor_first_examiner(assessment, enrolment, lecturers):
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=lecturers[0])
    assert services.propose_examiners(assessment=assessment) == [lecturers[0], lecturers[1]]


def test_ended_supervision_does_not_count(assessment, enrolment, lecturers):
    SupervisorAssignment.objects.create(
        enrolment=enrolment, supervisor=lecturers[1], ended_at=timezone.now()
    )
    assign(assessment, lecturers[0])
    assert services.propose_examiners(assessment=assessment) == [lecturers[1]]


def test_setting_allows_the_supervisor_as_second_examiner(
    assessment, enrolment, lecturers, settings
):
    settings.ASSESSMENT_SUPERVISOR_AS_SECOND_EXAMINER = True
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=lecturers[1])
    assign(assessment, lecturers[0])
    assert services.propose_examiners(assessment=assessment) == [lecturers[1]]


# --- assigning -------------------------------------------------------------------------------


def test_assign_numbers_examiners_in_order_and_records_it(assessment, lecturers, programme_admin):
    examiners = services.assign_examiners(
        assessment=assessment, users=[lecturers[2], lecturers[0]], by=programme_admin
    )
    assert [(e.user, e.position, e.assigned_by) for e in examiners] == [
        (lecturers[2], 1, programme_admin),
        (lecturers[0], 2, programme_admin),
    ]
    assigned = events(assessment, AssessmentEvent.Kind.ASSIGNED)
    assert [(e.actor, e.data["examiner"], e.data["position"]) for e in assigned] == [
        (programme_admin, lecturers[2].get_full_name(), 1),
        (programme_admin, lecturers[0].get_full_name(), 2),
    ]
    more = services.assign_examiners(
        assessment=assessment, users=[lecturers[1]], by=programme_admin
    )
    assert more[0].position == 3


def test_only_administrators_assign(assessment, lecturers):
    with pytest.raises(PermissionDenied):
        services.assign_examiners(assessment=assessment, users=lecturers[:1], by=lecturers[0])
    assert not assessment.examiners.exists()


@pytest.mark.parametrize("kind", ["not_examining", "assigned_twice", "chosen_twice", "none"])
def test_assign_refuses_who_is_not_eligible(assessment, lecturers, programme_admin, kind):
    assign(assessment, lecturers[0], by=programme_admin)
    users = {
        "not_examining": [LecturerFactory()],
        "assigned_twice": [lecturers[0]],
        "chosen_twice": [lecturers[1], lecturers[1]],
        "none": [],
    }[kind]
    with pytest.raises(ValidationError):
        services.assign_examiners(assessment=assessment, users=users, by=programme_admin)
    assert assessment.examiners.count() == 1
    assert len(events(assessment, AssessmentEvent.Kind.ASSIGNED)) == 0


@pytest.mark.parametrize("status", [Assessment.Status.WITHDRAWN, Assessment.Status.RELEASED])
def test_assign_only_while_being_assessed_or_reconciled(
    assessment, lecturers, programme_admin, status
):
    changes = {"status": status}
    if status == Assessment.Status.RELEASED:
        changes["released_at"] = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(**changes)
    with pytest.raises(ValidationError):
        services.assign_examiners(assessment=assessment, users=lecturers[:1], by=programme_admin)


def test_supervisor_may_not_be_assigned_second(assessment, enrolment, lecturers, programme_admin):
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=lecturers[1])
    with pytest.raises(ValidationError) as error:
        services.assign_examiners(
            assessment=assessment, users=[lecturers[0], lecturers[1]], by=programme_admin
        )
    assert lecturers[1].get_full_name() in error.value.messages[0]
    assert not assessment.examiners.exists()
    # First is allowed.
    services.assign_examiners(
        assessment=assessment, users=[lecturers[1], lecturers[0]], by=programme_admin
    )
    assert assessment.examiners.get(user=lecturers[1]).position == 1


def test_supervisor_second_with_the_setting(
    assessment, enrolment, lecturers, programme_admin, settings
):
    settings.ASSESSMENT_SUPERVISOR_AS_SECOND_EXAMINER = True
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=lecturers[1])
    services.assign_examiners(
        assessment=assessment, users=[lecturers[0], lecturers[1]], by=programme_admin
    )
    assert assessment.examiners.get(user=lecturers[1]).position == 2


def test_third_examiner_returns_the_assessment_to_being_assessed(
    assessment, lecturers, programme_admin
):
    first, second = assign(assessment, *lecturers[:2], by=programme_admin)
    judge(first)
    judge(second, rank=1)
    Assessment.objects.filter(pk=assessment.pk).update(
        escalated_at=timezone.now(), escalation_reason="We verschillen twee niveaus."
    )
    assessment.refresh_from_db()

    (third,) = services.assign_examiners(
        assessment=assessment, users=[lecturers[2]], by=programme_admin
    )

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    assert assessment.escalated_at is None
    assert assessment.escalation_reason == "We verschillen twee niveaus."
    assert third.position == 3
    (event,) = events(assessment, AssessmentEvent.Kind.ASSIGNED)
    assert event.data["reopened"] is True
    assert services.propose_examiners(assessment=assessment) == []


# --- removing --------------------------------------------------------------------------------


def test_remove_an_examiner_who_has_not_started(assessment, lecturers, programme_admin):
    first, second = assign(assessment, *lecturers[:2], by=programme_admin)
    services.remove_examiner(examiner=second, by=programme_admin)
    assert list(assessment.examiners.all()) == [first]
    (event,) = events(assessment, AssessmentEvent.Kind.UNASSIGNED)
    assert event.actor == programme_admin
    assert event.data["examiner"] == lecturers[1].get_full_name()
    # A new examiner gets the next free number.
    (again,) = services.assign_examiners(
        assessment=assessment, users=[lecturers[2]], by=programme_admin
    )
    assert again.position == 2


@pytest.mark.parametrize("submit", [False, True])
def test_cannot_remove_an_examiner_who_started(assessment, lecturers, programme_admin, submit):
    (examiner,) = assign(assessment, lecturers[0], by=programme_admin)
    judge(examiner, submit=submit)
    with pytest.raises(ValidationError) as error:
        services.remove_examiner(examiner=examiner, by=programme_admin)
    assert lecturers[0].get_full_name() in error.value.messages[0]
    assert assessment.examiners.filter(pk=examiner.pk).exists()
    assert not events(assessment, AssessmentEvent.Kind.UNASSIGNED)


def test_only_administrators_remove(assessment, lecturers):
    (examiner,) = assign(assessment, lecturers[0])
    with pytest.raises(PermissionDenied):
        services.remove_examiner(examiner=examiner, by=lecturers[0])
    assert assessment.examiners.exists()


def test_removing_the_third_examiner_lets_the_others_reconcile(
    assessment, lecturers, programme_admin
):
    first, second = assign(assessment, *lecturers[:2], by=programme_admin)
    judge(first)
    judge(second)
    Assessment.objects.filter(pk=assessment.pk).update(escalated_at=timezone.now())
    (third,) = services.assign_examiners(
        assessment=assessment, users=[lecturers[2]], by=programme_admin
    )
    services.remove_examiner(examiner=third, by=programme_admin)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RECONCILING
    (event,) = events(assessment, AssessmentEvent.Kind.UNASSIGNED)
    assert event.data["reconciling"] is True


# --- the bulk action -------------------------------------------------------------------------


def test_assign_proposed_balances_as_it_goes(enrolment, cohort, lecturers, programme_admin):
    assessments = [submitted(enrolment)] + [other_assessment(cohort) for _ in range(2)]
    complete_one = other_assessment(cohort)
    assign(complete_one, lecturers[0], lecturers[1], by=programme_admin)

    count = services.assign_proposed(assessments=assessments + [complete_one], by=programme_admin)

    assert count == 3
    for assessment in assessments:
        assert assessment.examiners.count() == 2
    loads = [
        Examiner.objects.filter(user=user, assessment__in=assessments).count()
        for user in lecturers
    ]
    # Six examinations over three lecturers, Claes first (no earlier load): 2 each.
    assert loads == [2, 2, 2]
    assert complete_one.examiners.count() == 2


def test_assign_proposed_skips_what_cannot_be_filled(
    enrolment, cohort, lecturers, programme_admin
):
    lonely = submitted(
        EnrolmentFactory(cohort=CohortFactory(curriculum_version=cohort.curriculum_version))
    )
    ok = submitted(enrolment)
    assert services.assign_proposed(assessments=[lonely, ok], by=programme_admin) == 1
    assert not lonely.examiners.exists()


def test_assign_proposed_gives_a_partial_proposal(enrolment, cohort, programme_admin):
    (only,) = [LecturerFactory()]
    examining(cohort, only)
    assessment = submitted(enrolment)
    assert services.assign_proposed(assessments=[assessment], by=programme_admin) == 1
    assert [e.user for e in assessment.examiners.all()] == [only]


def test_only_administrators_assign_in_bulk(assessment, lecturers):
    with pytest.raises(PermissionDenied):
        services.assign_proposed(assessments=[assessment], by=lecturers[0])


# --- mails -----------------------------------------------------------------------------------


def test_examiners_are_mailed_after_commit_in_their_language(
    assessment, lecturers, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.assign_examiners(
            assessment=assessment, users=[lecturers[0], lecturers[2]], by=programme_admin
        )
        assert mailoutbox == []
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()

    assert [mail.to for mail in mailoutbox] == [[lecturers[0].email], [lecturers[2].email]]
    url = reverse("competencies:assessment_form", args=[assessment.uuid])
    student = assessment.portfolio.enrolment.student.get_full_name()
    for mail, user in zip(mailoutbox, [lecturers[0], lecturers[2]], strict=True):
        with translation.override(user.preferred_language):
            due = formats.date_format(assessment.due_on, "DATE_FORMAT")
            moment = assessment.portfolio.review_moment.name
            subject = translation.gettext(
                "Please assess the portfolio of %(name)s (%(moment)s)"
            ) % {"name": student, "moment": moment}
        assert mail.subject.endswith(subject)
        assert due in mail.body
        assert url in mail.body
    # The two languages really differ in how a date reads.
    with translation.override("nl"):
        dutch = formats.date_format(assessment.due_on, "DATE_FORMAT")
    with translation.override("en"):
        english = formats.date_format(assessment.due_on, "DATE_FORMAT")
    assert dutch != english
    assert dutch in mailoutbox[0].body and english in mailoutbox[1].body


def test_no_mail_when_the_assignment_is_rolled_back(
    assessment, lecturers, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        services.assign_examiners(
            assessment=assessment, users=[lecturers[0], LecturerFactory()], by=programme_admin
        )
    assert callbacks == []
    assert mailoutbox == []


def test_mail_link_is_absolute(
    assessment,
    lecturers,
    programme_admin,
    mailoutbox,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.SITE_URL = "https://coachmaster.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_examiners(assessment=assessment, users=lecturers[:1], by=programme_admin)
    url = reverse("competencies:assessment_form", args=[assessment.uuid])
    assert f"https://coachmaster.example.org{url}" in mailoutbox[0].body


def test_a_removed_examiner_is_told(
    assessment, lecturers, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    (examiner,) = assign(assessment, lecturers[2], by=programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_examiner(examiner=examiner, by=programme_admin)
    (mail,) = mailoutbox
    assert mail.to == [lecturers[2].email]
    assert assessment.portfolio.enrolment.student.get_full_name() in mail.subject


def test_no_assignment_mail_to_an_examiner_removed_before_it_went_out(
    assessment, lecturers, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    from competencies import tasks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (examiner,) = services.assign_examiners(
            assessment=assessment, users=lecturers[:1], by=programme_admin
        )
    Examiner.objects.filter(pk=examiner.pk).delete()
    for callback in callbacks:
        callback()
    tasks.mail_examiner_assigned(examiner.pk)
    assert mailoutbox == []


def test_names_with_an_apostrophe_arrive_unescaped_in_the_subject(
    assessment, lecturers, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    student = assessment.portfolio.enrolment.student
    student.name_prefix, student.family_name = "van 't", "Hof"
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_examiners(assessment=assessment, users=lecturers[:1], by=programme_admin)
    (mail,) = mailoutbox
    assert "van 't Hof" in mail.subject and "&#x27;" not in mail.subject
