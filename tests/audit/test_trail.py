"""The audit trail on PostgreSQL: every tracked kind of record gets rows with the acting user
and the changed fields; requests are attributed by the middleware, code outside requests by
``audit_context``. (Other databases have no triggers: see test_page.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from coachmaster.audit import trail
from coachmaster.history import audit_context
from cohorts.models import Enrolment
from competencies.models import Verdict
from competencies.services import reconciliation
from tests.competencies.assessment_helpers import judge, levels_of, submitted, two_examiners
from tests.competencies.portfolio_helpers import use_private_storage
from tests.thesis.helpers import approve, approve_ethics, make_project, milestone
from thesis import services as thesis_services
from thesis.models import MilestoneKind

from .helpers import trail_of

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_a_role_change_is_recorded_with_who_did_it_and_the_old_and_new_value(
    outsider, programme_admin
):
    with audit_context(user=programme_admin.pk, url="/admin/"):
        outsider.is_lecturer = True
        outsider.save()
    *_, event = trail_of("role", outsider)
    assert event.pgh_label == "update"
    assert event.user == programme_admin
    assert event.url == "/admin/"
    assert event.pgh_diff == {"is_lecturer": [False, True]}


def test_logging_in_or_renaming_someone_records_nothing(outsider):
    before = len(trail_of("role", outsider))
    outsider.last_login = timezone.now()
    outsider.family_name = "Anders"
    outsider.save()
    assert len(trail_of("role", outsider)) == before


def test_deactivating_and_creating_accounts_is_recorded(programme_admin):
    with audit_context(user=programme_admin.pk):
        person = get_user_model().objects.create_user(
            "nieuw@example.org", given_name="Nieuw", family_name="Iemand", is_student=True
        )
        person.is_active = False
        person.save(update_fields=["is_active"])
    created, deactivated = trail_of("role", person)
    assert created.pgh_label == "insert"
    assert created.pgh_data["is_student"] is True
    assert deactivated.pgh_diff == {"is_active": [True, False]}
    assert {created.user, deactivated.user} == {programme_admin}


def test_an_enrolment_status_change_through_the_page_is_attributed_by_the_middleware(
    client, student, programme_admin
):
    enrolment = student.enrolments.get()
    client.force_login(programme_admin)
    url = reverse("cohorts:enrolment_status", args=[enrolment.uuid])
    client.post(
        url,
        {"status": Enrolment.Status.PAUSED, "effective_on": "2026-01-05", "reason": "Ziek."},
    )
    *_, event = trail_of("enrolment", enrolment)
    assert event.user == programme_admin
    assert event.url == url
    assert event.pgh_diff["status"] == ["active", "paused"]
    assert event.pgh_diff["status_since"][1] == "2026-01-05"


@pytest.fixture
def reconciling(student, version, programme_admin, settings, tmp_path):
    use_private_storage(settings, tmp_path)
    assessment = submitted(student.enrolments.get())
    pair = two_examiners(assessment, by=programme_admin)
    return assessment, pair


def test_an_examiners_draft_is_not_recorded_but_the_submitted_judgement_is(reconciling):
    assessment, pair = reconciling
    first = pair[0]
    with audit_context(user=first.user.pk):
        judge(first, verdict=Verdict.PASS, grade=Decimal("6.5"), submit=False)
        assert [e.pgh_label for e in trail_of("judgement", first)] == ["insert"]
        judge(first, verdict=Verdict.PASS, grade=Decimal("7.5"))
    assigned, submission = trail_of("judgement", first)
    assert submission.user == first.user
    assert submission.pgh_diff["verdict"] == ["", "pass"]
    assert submission.pgh_diff["grade"] == [None, 7.5]
    assert "submitted_at" in submission.pgh_diff


def test_reconciliation_release_and_correction_are_recorded(reconciling, programme_admin):
    assessment, pair = reconciling
    judge(pair[0])
    judge(pair[1])
    assessment.refresh_from_db()
    levels = levels_of(assessment)
    wanted = {c.pk: levels[3] for c in reconciliation.assessed_competencies(assessment)}
    with audit_context(user=pair[0].user.pk):
        reconciliation.propose_result(
            assessment=assessment,
            levels=wanted,
            verdict=Verdict.PASS,
            grade=Decimal("7.5"),
            explanation="Samen besloten.",
            resubmission_deadline=None,
            revision=0,
            by=pair[0].user,
        )
    with audit_context(user=pair[1].user.pk):
        reconciliation.approve_result(assessment=assessment, revision=1, by=pair[1].user)
    with audit_context(user=programme_admin.pk):
        reconciliation.release_result(assessment=assessment, by=programme_admin)
        reconciliation.correct_result(
            assessment=assessment, reason="Rekenfout.", grade=Decimal("8.0"), by=programme_admin
        )
    events = trail_of("assessment", assessment)
    proposal = next(e for e in events if "revision" in (e.pgh_diff or {}))
    assert proposal.user == pair[0].user
    assert proposal.pgh_diff["final_verdict"] == ["", "pass"]
    release = next(e for e in events if "released_at" in (e.pgh_diff or {}))
    assert release.user == programme_admin
    assert release.pgh_diff["status"] == ["reconciling", "released"]
    approvals = trail_of("approval", assessment.approvals.get(examiner=pair[1]))
    assert approvals[0].user == pair[1].user
    final_level = assessment.final_levels.first()
    assert trail_of("final_level", final_level)[0].pgh_data["level_id"] == levels[3].pk
    correction = trail_of("correction", assessment.corrections.get())[0]
    assert correction.user == programme_admin
    assert correction.pgh_data["grade"] == 8.0


def test_milestone_decisions_reviews_reopenings_and_ethics_decisions_are_recorded(
    student, version, supervisor
):
    enrolment = student.enrolments.get()
    project = make_project(enrolment, supervisor=supervisor)
    with audit_context(user=supervisor.pk):
        approve(project, MilestoneKind.PROPOSAL, supervisor)
        thesis_services.reopen_milestone(
            milestone=milestone(project, MilestoneKind.PROPOSAL),
            reason="Nog één ding.",
            by=supervisor,
        )
        review = approve_ethics(project, supervisor)
    proposal = milestone(project, MilestoneKind.PROPOSAL)
    statuses = [e.pgh_diff.get("status") for e in trail_of("milestone", proposal) if e.pgh_diff]
    assert ["submitted", "approved"] in statuses
    assert ["approved", "revise"] in statuses  # reopened
    decision = trail_of("version_review", proposal.versions.get().reviews.get())[0]
    assert decision.pgh_data["decision"] == "approved"
    assert decision.user == supervisor
    ethics = trail_of("ethics", review)[-1]
    assert ethics.pgh_diff["status"] == ["submitted", "approved"]
    assert ethics.pgh_diff["decided_by_id"] == [None, supervisor.pk]
    assert ethics.user == supervisor
    assert any(e.pgh_diff and "status" in e.pgh_diff for e in trail_of("thesis", project))


def test_the_trail_cannot_be_changed(outsider, programme_admin):
    from django.db import ProgrammingError, transaction

    from coachmaster.audit.models import UserRoleAudit

    with audit_context(user=programme_admin.pk):
        outsider.is_supervisor = True
        outsider.save()
    event = UserRoleAudit.objects.filter(pgh_obj=outsider).last()
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        UserRoleAudit.objects.filter(pk=event.pk).update(is_supervisor=False)
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        UserRoleAudit.objects.filter(pk=event.pk).delete()


def test_events_are_put_into_words(outsider, programme_admin):
    with audit_context(user=programme_admin.pk, url="/admin/"):
        outsider.is_programme_admin = True
        outsider.save()
    row = trail.describe(trail.events(kinds=["role"], record=str(outsider.pk)))[0]
    assert row.actor == programme_admin
    assert row.operation == "update"
    assert row.record.endswith(f"#{outsider.pk} · {outsider.get_full_name()}")
    [change] = row.changes
    assert (change.old, change.new) == (gettext("no"), gettext("yes"))
