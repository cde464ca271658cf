"""The milestone workflow: generation, every allowed and refused transition, locking,
reopening, due dates and the data-collection guard."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from thesis import services
from thesis.models import (
    Milestone,
    MilestoneEvent,
    MilestoneKind,
    MilestoneVersion,
    ThesisProject,
    VersionReview,
)

from .helpers import approve, approve_ethics, checked, hand_in, milestone

S = Milestone.Status


def test_milestones_follow_the_template_with_due_dates_from_the_cohort_start(project, enrolment):
    milestones = list(project.milestones.order_by("position"))
    assert [m.kind for m in milestones] == list(MilestoneKind.values)
    start = enrolment.cohort.start_date
    proposal = milestones[0]
    assert proposal.due_on == start + datetime.timedelta(weeks=56)
    assert all(m.status == S.NOT_STARTED for m in milestones)
    assert [m.due_on for m in milestones] == sorted(m.due_on for m in milestones)
    assert MilestoneEvent.objects.filter(kind=MilestoneEvent.Kind.CREATED).count() == 9
    assert project.ethics_reviews.get().number == 1


def test_a_changed_template_changes_new_projects_only(project, enrolment, student2, version):
    template = version.milestone_templates.get(kind=MilestoneKind.PROPOSAL)
    template.offset_weeks = 40
    template.save()
    other = services.start_project(
        enrolment=student2.enrolments.get(), working_title="Ander onderzoek", by=student2
    )
    start = enrolment.cohort.start_date
    assert milestone(other, "proposal").due_on == start + datetime.timedelta(weeks=40)
    assert milestone(project, "proposal").due_on == start + datetime.timedelta(weeks=56)


def test_a_student_has_one_project(project, enrolment):
    with pytest.raises(ValidationError):
        services.start_project(enrolment=enrolment, working_title="Nog een", by=enrolment.student)


def test_another_student_cannot_start_a_project_for_you(enrolment, student2):
    with pytest.raises(PermissionDenied):
        services.start_project(enrolment=enrolment, working_title="X", by=student2)
    assert not ThesisProject.objects.exists()


ALL = list(S.values)


@pytest.mark.parametrize(("source", "target"), list(itertools.product(ALL, ALL)))
def test_transition_table(source, target):
    expected = {
        (S.NOT_STARTED, S.IN_PROGRESS),
        (S.REVISE, S.IN_PROGRESS),
        (S.NOT_STARTED, S.SUBMITTED),
        (S.IN_PROGRESS, S.SUBMITTED),
        (S.REVISE, S.SUBMITTED),
        (S.SUBMITTED, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED),
        (S.SUBMITTED, S.REVISE),
        (S.APPROVED, S.REVISE),
        (S.APPROVED, S.IN_PROGRESS),
    }
    assert services.allowed(source, target) == ((source, target) in expected)


def test_upload_review_revise_upload_approve(project, supervisor):
    student = project.enrolment.student
    services.start_milestone(milestone=milestone(project, "proposal"), by=student)
    first = hand_in(project, "proposal")
    assert milestone(project, "proposal").status == S.SUBMITTED
    services.review_version(
        version=first, decision="revise", feedback="Scherper formuleren.", by=supervisor
    )
    assert milestone(project, "proposal").status == S.REVISE
    second = hand_in(project, "proposal", comment="Vraag aangescherpt.")
    assert second.number == 2
    services.review_version(version=second, decision="approved", feedback="Goed.", by=supervisor)
    done = milestone(project, "proposal")
    assert done.status == S.APPROVED and done.approved_by == supervisor
    kinds = list(done.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["created", "started", "submitted", "revise", "submitted", "approved"]
    project.refresh_from_db()
    assert project.status == ThesisProject.Status.RESEARCH


def test_an_approved_milestone_is_locked(project, supervisor):
    approve(project, "proposal", supervisor)
    with pytest.raises(ValidationError):
        hand_in(project, "proposal")
    assert MilestoneVersion.objects.count() == 1


def test_versions_reviews_and_events_cannot_be_rewritten(project, supervisor):
    approve(project, "proposal", supervisor)
    for model in (MilestoneVersion, VersionReview, MilestoneEvent):
        row = model.objects.first()
        with pytest.raises(IntegrityError), transaction.atomic():
            row.delete()


def test_only_the_latest_version_can_be_reviewed(project, supervisor):
    first = hand_in(project, "proposal")
    hand_in(project, "proposal")
    with pytest.raises(ValidationError):
        services.review_version(version=first, decision="approved", feedback="Ok", by=supervisor)


def test_review_needs_feedback_and_a_waiting_version(project, supervisor):
    version = hand_in(project, "proposal")
    with pytest.raises(ValidationError):
        services.review_version(version=version, decision="approved", feedback=" ", by=supervisor)
    services.review_version(version=version, decision="revise", feedback="Nee", by=supervisor)
    with pytest.raises(ValidationError):
        services.review_version(version=version, decision="approved", feedback="Ja", by=supervisor)


def test_only_the_supervisor_reviews_and_only_the_student_uploads(
    project, supervisor, student2, lecturer, programme_admin
):
    version = hand_in(project, "proposal")
    for user in (project.enrolment.student, student2, lecturer, programme_admin):
        with pytest.raises(PermissionDenied):
            services.review_version(version=version, decision="approved", feedback="x", by=user)
    for user in (supervisor, student2, programme_admin):
        with pytest.raises(PermissionDenied):
            services.upload_version(
                milestone=milestone(project, "proposal"), checked_file=checked(), by=user
            )


def test_reopen_needs_a_reason_and_shows_in_the_history(project, supervisor):
    approve(project, "proposal", supervisor)
    with pytest.raises(ValidationError):
        services.reopen_milestone(
            milestone=milestone(project, "proposal"), reason="", by=supervisor
        )
    services.reopen_milestone(
        milestone=milestone(project, "proposal"),
        reason="Opdrachtgever wil andere vraag.",
        by=supervisor,
    )
    reopened = milestone(project, "proposal")
    assert reopened.status == S.REVISE and reopened.approved_at is None
    event = reopened.events.get(kind=MilestoneEvent.Kind.REOPENED)
    assert event.reason == "Opdrachtgever wil andere vraag." and event.by == supervisor
    hand_in(project, "proposal")  # open for a new version again


def test_the_student_cannot_reopen(project, supervisor):
    approve(project, "proposal", supervisor)
    with pytest.raises(PermissionDenied):
        services.reopen_milestone(
            milestone=milestone(project, "proposal"), reason="x", by=project.enrolment.student
        )


def test_due_date_change_is_recorded_with_reason(project, supervisor):
    proposal = milestone(project, "proposal")
    new = proposal.due_on + datetime.timedelta(days=14)
    with pytest.raises(ValidationError):
        services.change_due_date(milestone=proposal, due_on=new, reason="", by=supervisor)
    services.change_due_date(milestone=proposal, due_on=new, reason="Ziekte", by=supervisor)
    event = proposal.events.get(kind=MilestoneEvent.Kind.DUE_CHANGED)
    assert (event.new_due_on, event.reason) == (new, "Ziekte")
    assert milestone(project, "proposal").due_on == new
    with pytest.raises(PermissionDenied):
        services.change_due_date(
            milestone=proposal, due_on=new, reason="x", by=project.enrolment.student
        )


def test_data_collection_waits_for_ethics_approval(project, supervisor):
    student = project.enrolment.student
    with pytest.raises(ValidationError):
        services.start_milestone(milestone=milestone(project, "data_collection"), by=student)
    with pytest.raises(ValidationError):
        hand_in(project, "data_collection")
    assert milestone(project, "data_collection").status == S.NOT_STARTED
    approve_ethics(project, supervisor)
    services.start_milestone(milestone=milestone(project, "data_collection"), by=student)
    assert milestone(project, "data_collection").status == S.IN_PROGRESS


def test_overdue_counts(project, supervisor):
    proposal = milestone(project, "proposal")
    today = proposal.due_on + datetime.timedelta(days=1)
    annotated = ThesisProject.objects.with_overdue_counts(today).get()
    assert annotated.overdue_count == 1
    hand_in(project, "proposal")
    annotated = ThesisProject.objects.with_overdue_counts(today).get()
    assert (annotated.overdue_count, annotated.waiting_count) == (0, 1)


def test_approving_the_final_thesis_makes_it_evidence(project, supervisor):
    from competencies.models import Evidence

    version = hand_in(project, "final", name="masterthesis.pdf")
    services.review_version(version=version, decision="approved", feedback="Klaar.", by=supervisor)
    evidence = Evidence.objects.get(enrolment=project.enrolment)
    assert evidence.sha256 == version.sha256 and evidence.kind == Evidence.Kind.DOCUMENT


def test_history_rows_cannot_be_updated(project, supervisor):
    approve(project, "proposal", supervisor)
    event = MilestoneEvent.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneEvent.objects.filter(pk=event.pk).update(reason="rewritten")
