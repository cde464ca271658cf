"""Reconciliation rules: discrepancies, proposing (with the stale-revision check), approving,
escalating, releasing (and what it does to the portfolio), correcting, and two examiners
proposing at the same time."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from competencies.models import (
    Approval,
    Assessment,
    AssessmentEvent,
    Correction,
    Examiner,
    FinalLevel,
    Judgement,
    Portfolio,
    Verdict,
    outcome_of,
)
from competencies.services import portfolio as portfolio_services
from competencies.services import reconciliation as services
from tests.competencies.assessment_helpers import (
    assign,
    judge,
    levels_of,
    two_examiners,
)
from tests.factories import LecturerFactory, ProgrammeAdminFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def pair(assessment, programme_admin):
    return two_examiners(assessment, by=programme_admin)


@pytest.fixture
def reconciling(assessment, pair):
    judge(pair[0], rank=3)
    judge(pair[1], rank=3)
    assessment.refresh_from_db()
    return assessment


def _levels(assessment, rank=3, **by_code):
    levels = levels_of(assessment)
    return {
        competency.pk: levels[by_code.get(competency.code, rank)]
        for competency in services.assessed_competencies(assessment)
    }


def _propose(assessment, examiner, *, revision=None, **overrides):
    kwargs = {
        "levels": _levels(assessment),
        "verdict": Verdict.PASS,
        "grade": Decimal("7.5"),
        "explanation": "Samen besloten.",
        "resubmission_deadline": None,
        "revision": assessment.revision if revision is None else revision,
    }
    kwargs.update(overrides)
    return services.propose_result(assessment=assessment, by=examiner.user, **kwargs)


def _judgements(assessment):
    return Judgement.objects.filter(examiner__assessment=assessment).select_related(
        "level", "examiner"
    )


def _agreed_and_released(assessment, pair, **overrides):
    _propose(assessment, pair[0], **overrides)
    services.approve_result(assessment=assessment, revision=assessment.revision, by=pair[1].user)
    return services.release_result(assessment=assessment, by=pair[0].user)


# --- discrepancies -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _english():
    """The services' messages are matched in English here (the pages test the Dutch)."""
    with translation.override("en"):
        yield


def test_a_level_difference_of_two_is_flagged_and_one_is_not(assessment, pair):
    judge(pair[0], rank=1, ranks={"IC2": 2})
    judge(pair[1], rank=3, ranks={"IC2": 3})
    found = services.discrepancies(assessment, _judgements(assessment))
    by_code = {c.code: found.levels[c.pk] for c in services.assessed_competencies(assessment)}
    assert by_code["IC1"].flagged and by_code["IC1"].spread == 2
    assert not by_code["IC2"].flagged and by_code["IC2"].spread == 1
    assert by_code["IC3"].ranks == {pair[0].pk: 1, pair[1].pk: 3}
    assert not found.verdicts_differ and not found.grades_differ


def test_the_threshold_is_a_setting(assessment, pair, settings):
    judge(pair[0], rank=2)
    judge(pair[1], rank=3)
    assert not services.discrepancies(assessment, _judgements(assessment)).any
    settings.ASSESSMENT_DISCREPANCY_LEVELS = 1
    found = services.discrepancies(assessment, _judgements(assessment))
    assert len(found.flagged_competencies) == 3


def test_different_verdicts_and_grades_are_flagged(assessment, pair):
    judge(pair[0], verdict=Verdict.PASS, grade=Decimal("6.0"))
    judge(pair[1], verdict=Verdict.NOT_YET, grade=Decimal("5.0"))
    found = services.discrepancies(assessment, _judgements(assessment))
    assert found.verdicts_differ and found.grades_differ and found.any
    assert not found.flagged_competencies


def test_agreed_levels_are_offered_as_a_start(assessment, pair):
    judge(pair[0], rank=3, ranks={"IC1": 2})
    judge(pair[1], rank=3)
    found = services.discrepancies(assessment, _judgements(assessment))
    levels = levels_of(assessment)
    agreed = {
        c.code: found.levels[c.pk].agreed_level_id
        for c in services.assessed_competencies(assessment)
    }
    assert agreed == {"IC1": None, "IC2": levels[3].pk, "IC3": levels[3].pk}


# --- proposing ---------------------------------------------------------------------------------


def test_proposing_writes_the_result_counts_as_approval_and_is_recorded(reconciling, pair):
    _propose(reconciling, pair[0])
    reconciling.refresh_from_db()
    assert reconciling.revision == 1
    assert reconciling.final_verdict == Verdict.PASS
    assert reconciling.final_grade == Decimal("7.5")
    assert reconciling.revised_by == pair[0].user
    assert FinalLevel.objects.filter(assessment=reconciling).count() == 3
    assert list(Approval.objects.values_list("examiner_id", "revision")) == [(pair[0].pk, 1)]
    event = reconciling.events.get(kind=AssessmentEvent.Kind.PROPOSED)
    assert event.actor == pair[0].user
    assert event.data["levels"] == {"IC1": 3, "IC2": 3, "IC3": 3}
    assert event.data["grade"] == "7.5"
    assert not services.is_agreed(reconciling)


def test_a_stale_revision_is_refused_and_nothing_is_lost(reconciling, pair):
    form_revision = reconciling.revision  # both examiners opened the form at revision 0
    _propose(reconciling, pair[0], revision=form_revision)
    with pytest.raises(ValidationError) as caught:
        _propose(
            reconciling,
            pair[1],
            revision=form_revision,
            verdict=Verdict.NOT_YET,
            grade=Decimal("5.0"),
            explanation="Anders.",
        )
    assert caught.value.error_list[0].code == services.STALE
    assert gettext("Another examiner changed the proposal") in caught.value.messages[0]
    reconciling.refresh_from_db()
    assert reconciling.revision == 1
    assert reconciling.joint_explanation == "Samen besloten."
    assert reconciling.events.filter(kind=AssessmentEvent.Kind.PROPOSED).count() == 1


def test_a_new_revision_replaces_the_proposal(reconciling, pair):
    _propose(reconciling, pair[0])
    _propose(reconciling, pair[1], levels=_levels(reconciling, 3, IC1=4), explanation="Beter.")
    reconciling.refresh_from_db()
    assert reconciling.revision == 2
    level = FinalLevel.objects.get(assessment=reconciling, competency__code="IC1").level
    assert level.rank == 4
    # The first examiner approved revision 1 only.
    assert not services.is_agreed(reconciling)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"verdict": ""}, "Choose a verdict."),
        ({"verdict": Verdict.PASS, "grade": Decimal("5.4")}, "is below the pass mark"),
        ({"verdict": Verdict.FAIL, "grade": Decimal("5.5")}, "passes: the verdict must be"),
        ({"explanation": "  "}, "Write the joint explanation"),
        (
            {"verdict": Verdict.NOT_YET, "grade": Decimal("5.0"), "resubmission_deadline": None},
            None,
        ),
    ],
)
def test_proposals_are_checked(reconciling, pair, overrides, message):
    if message is None:  # a "not yet" without deadline gets the default one
        _propose(reconciling, pair[0], **overrides)
        reconciling.refresh_from_db()
        assert reconciling.resubmission_deadline == timezone.localdate() + datetime.timedelta(
            days=42
        )
        return
    with pytest.raises(ValidationError) as caught:
        _propose(reconciling, pair[0], **overrides)
    assert any(gettext(message) in text or message in text for text in caught.value.messages)
    assert Assessment.objects.get(pk=reconciling.pk).revision == 0


def test_every_competency_needs_a_level(reconciling, pair):
    levels = _levels(reconciling)
    levels.popitem()
    with pytest.raises(ValidationError):
        _propose(reconciling, pair[0], levels=levels)


def test_a_grade_is_needed_when_the_moment_asks_for_one(reconciling, pair):
    moment = reconciling.portfolio.review_moment
    moment.grade_required = True
    moment.save()
    with pytest.raises(ValidationError, match="grade"):
        _propose(reconciling, pair[0], grade=None)


def test_the_resubmission_deadline_must_be_in_the_future(reconciling, pair):
    with pytest.raises(ValidationError):
        _propose(
            reconciling,
            pair[0],
            verdict=Verdict.NOT_YET,
            grade=None,
            resubmission_deadline=timezone.localdate(),
        )


def test_only_examiners_who_submitted_propose(assessment, pair, lecturer, programme_admin):
    judge(pair[0])
    judge(pair[1], submit=False)
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _propose(assessment, pair[1])
    with pytest.raises(ValidationError):  # submitted, but the other has not: still open
        _propose(assessment, pair[0])
    for outsider in (lecturer, programme_admin):
        with pytest.raises(PermissionDenied):
            services.propose_result(
                assessment=assessment,
                levels={},
                verdict=Verdict.PASS,
                grade=None,
                explanation="x",
                resubmission_deadline=None,
                revision=0,
                by=outsider,
            )


# --- approving, escalating -----------------------------------------------------------------------


def test_approving_the_current_revision_agrees(reconciling, pair):
    _propose(reconciling, pair[0])
    services.approve_result(assessment=reconciling, revision=1, by=pair[1].user)
    assert services.is_agreed(reconciling)
    assert reconciling.events.filter(kind=AssessmentEvent.Kind.APPROVED).count() == 1
    with pytest.raises(ValidationError):
        services.approve_result(assessment=reconciling, revision=1, by=pair[1].user)


def test_approving_a_stale_revision_is_refused(reconciling, pair):
    _propose(reconciling, pair[0])
    _propose(reconciling, pair[0], explanation="Nieuw.")
    with pytest.raises(ValidationError) as caught:
        services.approve_result(assessment=reconciling, revision=1, by=pair[1].user)
    assert caught.value.error_list[0].code == services.STALE
    assert not services.is_agreed(reconciling)


def test_nothing_to_approve_before_a_proposal(reconciling, pair):
    with pytest.raises(ValidationError):
        services.approve_result(assessment=reconciling, revision=0, by=pair[1].user)


def test_escalating_records_the_reason(reconciling, pair):
    with pytest.raises(ValidationError):
        services.escalate(assessment=reconciling, reason=" ", by=pair[0].user)
    services.escalate(assessment=reconciling, reason="Wij verschillen.", by=pair[0].user)
    reconciling.refresh_from_db()
    assert reconciling.escalated_at is not None
    assert reconciling.escalation_reason == "Wij verschillen."
    event = reconciling.events.get(kind=AssessmentEvent.Kind.ESCALATED)
    assert event.reason == "Wij verschillen."
    with pytest.raises(ValidationError):
        services.escalate(assessment=reconciling, reason="Nog eens.", by=pair[1].user)


def test_escalating_mails_the_administrators_after_commit_in_their_language(
    reconciling, pair, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    english = ProgrammeAdminFactory(preferred_language="en")
    ProgrammeAdminFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.escalate(assessment=reconciling, reason="Wij verschillen.", by=pair[0].user)
        assert mailoutbox == []
    assert len(callbacks) == 1
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {programme_admin.email, english.email}
    student = reconciling.portfolio.enrolment.student.get_full_name()
    with translation.override("en"):
        subject = gettext("A third examiner is needed for %(student)s") % {"student": student}
    assert by_address[english.email].subject.endswith(subject)
    assert "Wij verschillen." in by_address[programme_admin.email].body
    assert f"/assessments/{reconciling.uuid}/examiners/" in by_address[english.email].body


def test_a_third_examiner_must_approve_too(reconciling, pair, programme_admin):
    _propose(reconciling, pair[0])
    services.approve_result(assessment=reconciling, revision=1, by=pair[1].user)
    (third,) = assign(reconciling, LecturerFactory(), by=programme_admin)
    assert not services.is_agreed(reconciling)
    judge(third)
    services.approve_result(assessment=reconciling, revision=1, by=third.user)
    assert services.is_agreed(reconciling)


# --- releasing -----------------------------------------------------------------------------------


def test_release_needs_agreement(reconciling, pair):
    _propose(reconciling, pair[0])
    with pytest.raises(ValidationError):
        services.release_result(assessment=reconciling, by=pair[0].user)


def test_release_by_someone_else_is_refused(reconciling, pair, lecturer, student):
    _propose(reconciling, pair[0])
    services.approve_result(assessment=reconciling, revision=1, by=pair[1].user)
    for person in (lecturer, student):
        with pytest.raises(PermissionDenied):
            services.release_result(assessment=reconciling, by=person)


def test_a_pass_releases_and_the_portfolio_is_assessed(
    reconciling, pair, mailoutbox, django_capture_on_commit_callbacks, student
):
    student.preferred_language = "en"
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        _agreed_and_released(reconciling, pair)
    reconciling.refresh_from_db()
    assert reconciling.status == Assessment.Status.RELEASED
    assert reconciling.released_by == pair[0].user
    portfolio = Portfolio.objects.get(pk=reconciling.portfolio_id)
    assert portfolio.status == Portfolio.Status.ASSESSED
    assert portfolio.current_snapshot_id == reconciling.snapshot_id
    event = reconciling.events.get(kind=AssessmentEvent.Kind.RELEASED)
    assert event.data["verdict"] == "pass" and event.data["grade"] == "7.5"
    assert event.data["levels"] == {"IC1": 3, "IC2": 3, "IC3": 3}
    (mail,) = mailoutbox
    assert mail.to == [student.email]
    assert "Pass" in mail.body and "7.5" in mail.body
    assert f"/assessments/{reconciling.uuid}/" in mail.body


def test_the_released_result_cannot_be_changed_afterwards(reconciling, pair):
    _agreed_and_released(reconciling, pair)
    with pytest.raises(DatabaseError), transaction.atomic():
        Assessment.objects.filter(pk=reconciling.pk).update(final_verdict=Verdict.FAIL)
    with pytest.raises(ValidationError):
        _propose(Assessment.objects.get(pk=reconciling.pk), pair[0])


def test_not_yet_makes_the_portfolio_a_draft_and_opens_round_two(reconciling, pair, student):
    _agreed_and_released(
        reconciling, pair, verdict=Verdict.NOT_YET, grade=Decimal("4.5"), explanation="Nog niet."
    )
    portfolio = Portfolio.objects.get(pk=reconciling.portfolio_id)
    assert portfolio.status == Portfolio.Status.DRAFT
    assert portfolio.current_snapshot is None
    assert portfolio.assessment_started_at is None
    snapshot = portfolio_services.submit_portfolio(portfolio=portfolio, by=student)
    assert snapshot.number == 2
    second = Assessment.objects.get(snapshot=snapshot)
    assert second.status == Assessment.Status.OPEN
    assert portfolio.can_be_withdrawn


# --- correcting ----------------------------------------------------------------------------------


def test_a_correction_needs_a_reason_and_a_change(reconciling, pair, programme_admin):
    _agreed_and_released(reconciling, pair)
    with pytest.raises(ValidationError):
        services.correct_result(
            assessment=reconciling, reason="", grade=Decimal("8.0"), by=programme_admin
        )
    with pytest.raises(ValidationError):
        services.correct_result(
            assessment=reconciling,
            reason="Typo.",
            grade=Decimal("7.5"),
            verdict=Verdict.PASS,
            by=programme_admin,
        )
    with pytest.raises(ValidationError):  # inconsistent with the pass mark
        services.correct_result(
            assessment=reconciling, reason="Typo.", grade=Decimal("5.0"), by=programme_admin
        )
    assert not Correction.objects.exists()


def test_a_correction_is_recorded_and_laid_over_the_result(
    reconciling, pair, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    _agreed_and_released(reconciling, pair)
    ic1 = services.assessed_competencies(reconciling)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.correct_result(
            assessment=reconciling,
            reason="Rekenfout.",
            grade=Decimal("8.0"),
            levels={ic1.pk: levels_of(reconciling)[4]},
            by=programme_admin,
        )
    outcome = outcome_of(Assessment.objects.get(pk=reconciling.pk))
    assert outcome.grade == Decimal("8.0")
    assert outcome.levels[ic1.pk] == levels_of(reconciling)[4].pk
    event = reconciling.events.get(kind=AssessmentEvent.Kind.CORRECTED)
    assert event.reason == "Rekenfout." and event.data["levels"] == {"IC1": 4}
    assert len(mailoutbox) == 1


def test_only_admins_and_examiners_correct(reconciling, pair, lecturer, student):
    _agreed_and_released(reconciling, pair)
    for person in (lecturer, student):
        with pytest.raises(PermissionDenied):
            services.correct_result(
                assessment=reconciling, reason="x", grade=Decimal("8.0"), by=person
            )
    services.correct_result(
        assessment=reconciling, reason="Examinator.", grade=Decimal("8.0"), by=pair[1].user
    )


def test_correcting_before_release_is_refused(reconciling, pair, programme_admin):
    with pytest.raises(ValidationError):
        services.correct_result(
            assessment=reconciling, reason="x", grade=Decimal("8.0"), by=programme_admin
        )


def test_correcting_pass_to_not_yet_reopens_the_portfolio(reconciling, pair, programme_admin):
    _agreed_and_released(reconciling, pair)
    services.correct_result(
        assessment=reconciling,
        reason="Onterecht voldoende.",
        verdict=Verdict.NOT_YET,
        grade=Decimal("5.0"),
        by=programme_admin,
    )
    portfolio = Portfolio.objects.get(pk=reconciling.portfolio_id)
    assert portfolio.status == Portfolio.Status.DRAFT and portfolio.current_snapshot is None
    reconciling.refresh_from_db()
    deadline = services.resubmission_deadline_of(outcome_of(reconciling))
    assert deadline > timezone.localdate()
    correction = reconciling.corrections.get()
    assert correction.resubmission_deadline == deadline


def test_a_correction_to_not_yet_takes_a_future_deadline(reconciling, pair, programme_admin):
    _agreed_and_released(reconciling, pair)
    with pytest.raises(ValidationError):
        services.correct_result(
            assessment=reconciling,
            reason="Onterecht voldoende.",
            verdict=Verdict.NOT_YET,
            grade=Decimal("5.0"),
            resubmission_deadline=timezone.localdate(),
            by=programme_admin,
        )
    chosen = timezone.localdate() + datetime.timedelta(days=10)
    services.correct_result(
        assessment=reconciling,
        reason="Onterecht voldoende.",
        verdict=Verdict.NOT_YET,
        grade=Decimal("5.0"),
        resubmission_deadline=chosen,
        by=programme_admin,
    )
    reconciling.refresh_from_db()
    assert services.resubmission_deadline_of(outcome_of(reconciling)) == chosen


def test_correcting_not_yet_to_pass_closes_the_portfolio(reconciling, pair, programme_admin):
    _agreed_and_released(reconciling, pair, verdict=Verdict.NOT_YET, grade=Decimal("5.0"))
    services.correct_result(
        assessment=reconciling,
        reason="Toch voldoende.",
        verdict=Verdict.PASS,
        grade=Decimal("6.0"),
        by=programme_admin,
    )
    portfolio = Portfolio.objects.get(pk=reconciling.portfolio_id)
    assert portfolio.status == Portfolio.Status.ASSESSED
    assert portfolio.current_snapshot_id == reconciling.snapshot_id


def test_pass_to_fail_stays_assessed(reconciling, pair, programme_admin):
    _agreed_and_released(reconciling, pair)
    services.correct_result(
        assessment=reconciling,
        reason="Fraude.",
        verdict=Verdict.FAIL,
        grade=Decimal("1.0"),
        by=programme_admin,
    )
    portfolio = Portfolio.objects.get(pk=reconciling.portfolio_id)
    assert portfolio.status == Portfolio.Status.ASSESSED


def test_a_later_round_owns_the_portfolio(reconciling, pair, programme_admin, student):
    _agreed_and_released(reconciling, pair, verdict=Verdict.NOT_YET, grade=Decimal("5.0"))
    portfolio = Portfolio.objects.get(pk=reconciling.portfolio_id)
    portfolio_services.submit_portfolio(portfolio=portfolio, by=student)
    services.correct_result(
        assessment=reconciling,
        reason="Toch voldoende.",
        verdict=Verdict.PASS,
        grade=Decimal("6.0"),
        by=programme_admin,
    )
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED
    assert portfolio.current_snapshot.number == 2


def test_a_withdrawn_later_round_does_not_count(reconciling, pair, programme_admin, student):
    _agreed_and_released(reconciling, pair, verdict=Verdict.NOT_YET, grade=Decimal("5.0"))
    portfolio = Portfolio.objects.get(pk=reconciling.portfolio_id)
    portfolio_services.submit_portfolio(portfolio=portfolio, by=student)
    portfolio_services.withdraw_submission(portfolio=portfolio, by=student)
    services.correct_result(
        assessment=reconciling,
        reason="Toch voldoende.",
        verdict=Verdict.PASS,
        grade=Decimal("6.0"),
        by=programme_admin,
    )
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.ASSESSED
    assert portfolio.current_snapshot_id == reconciling.snapshot_id


# --- merged feedback -----------------------------------------------------------------------------


def test_merged_feedback_holds_every_submitted_examiner_and_no_draft(
    reconciling, pair, student, programme_admin
):
    _agreed_and_released(reconciling, pair)
    (late,) = assign(reconciling, LecturerFactory(), by=programme_admin)
    Judgement.objects.create(
        examiner=late,
        competency=services.assessed_competencies(reconciling)[0],
        feedback="GEHEIM concept",
    )
    result = services.merged_result(Assessment.objects.get(pk=reconciling.pk), student)
    for row in result.rows:
        texts = [text for _examiner, text in row.feedback]
        assert texts == [
            f"{pair[0].position}: {row.competency.code} Goed gedaan.",
            f"{pair[1].position}: {row.competency.code} Goed gedaan.",
        ]
    assert [e.pk for e in result.examiners] == [pair[0].pk, pair[1].pk]


# --- two examiners at once (PostgreSQL: real transactions) -------------------------------------


@pytest.mark.services  # row locks need PostgreSQL; CI requires it, so this never skips there
@pytest.mark.django_db(transaction=True)
def test_two_examiners_proposing_at_once_lose_nothing(request):
    assessment = request.getfixturevalue("reconciling")
    pair = request.getfixturevalue("pair")
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def propose(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            _propose(
                Assessment.objects.get(pk=assessment.pk),
                pair[n],
                revision=0,
                explanation=f"Voorstel {n}",
            )
            outcomes[n] = "saved"
        except ValidationError as error:
            outcomes[n] = error.error_list[0].code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=propose, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["saved", services.STALE]
    winner = next(n for n, outcome in outcomes.items() if outcome == "saved")
    assessment.refresh_from_db()
    assert assessment.revision == 1
    assert assessment.joint_explanation == f"Voorstel {winner}"
    assert Examiner.objects.filter(approvals__revision=1).count() == 1
