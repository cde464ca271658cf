"""An examiner's own judgement: drafts (partial, only by the examiner, only while open),
submitting (complete, consistent, signed once), the record, and the move to reconciliation."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from competencies.models import (
    Assessment,
    AssessmentEvent,
    Indicator,
    Judgement,
    Verdict,
)
from competencies.services import judging as services
from competencies.services import portfolio as portfolio_services
from tests.competencies.assessment_helpers import assign, levels_of, submitted
from tests.factories import LecturerFactory, make_programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def examiners(assessment):
    return assign(assessment, LecturerFactory(), LecturerFactory())


def competencies(assessment):
    return services.competencies_of(assessment)


def complete_draft(examiner, *, rank=3, verdict=Verdict.PASS, grade=None, **overrides):
    assessment = examiner.assessment
    comps = competencies(assessment)
    levels = levels_of(assessment)
    kwargs = {
        "levels": {c.pk: levels[rank] for c in comps},
        "indicators": {c.pk: list(Indicator.objects.filter(competency=c)[:1]) for c in comps},
        "feedback": {c.pk: f"Feedback op {c.code}." for c in comps},
        "verdict": verdict,
        "grade": grade,
        "overall_feedback": "Goed werk.",
    }
    kwargs.update(overrides)
    return services.save_draft(examiner=examiner, by=examiner.user, **kwargs)


def test_the_snapshot_decides_which_competencies_are_judged(assessment):
    assert [c.code for c in competencies(assessment)] == ["IC1", "IC2", "IC3"]


def test_a_partial_draft_is_saved_and_recorded(assessment, examiners):
    first = examiners[0]
    ic1 = competencies(assessment)[0]
    level = levels_of(assessment)[2]
    indicator = Indicator.objects.filter(competency=ic1).last()
    services.save_draft(
        examiner=first,
        levels={ic1: level},
        indicators={ic1: [indicator]},
        feedback={},
        verdict="",
        grade=None,
        overall_feedback="",
        by=first.user,
    )
    judgement = Judgement.objects.get(examiner=first)
    assert judgement.level == level
    assert list(judgement.indicators.all()) == [indicator]
    first.refresh_from_db()
    assert first.draft_saved_at is not None and first.submitted_at is None
    event = assessment.events.get(kind=AssessmentEvent.Kind.DRAFT_SAVED)
    assert event.actor == first.user
    assert event.data["competencies"] == {
        "IC1": {"level": 2, "indicators": [indicator.pk], "feedback": ""}
    }
    assert event.data["verdict"] == "" and event.data["grade"] is None


def test_the_first_draft_stops_the_student_withdrawing(assessment, examiners):
    portfolio = assessment.portfolio
    assert portfolio.can_be_withdrawn
    complete_draft(examiners[0])
    portfolio.refresh_from_db()
    assert portfolio.assessment_started_at is not None
    with pytest.raises(ValidationError):
        portfolio_services.withdraw_submission(portfolio=portfolio, by=portfolio.enrolment.student)


def test_a_later_draft_replaces_levels_indicators_and_feedback(assessment, examiners):
    first = examiners[0]
    complete_draft(first, rank=2)
    ic1 = competencies(assessment)[0]
    complete_draft(
        first,
        rank=4,
        indicators={ic1.pk: []},
        feedback={ic1.pk: "Nieuw."},
        grade=Decimal("8.0"),
    )
    judgement = Judgement.objects.get(examiner=first, competency=ic1)
    assert judgement.level.rank == 4
    assert judgement.feedback == "Nieuw."
    assert not judgement.indicators.exists()
    # The other competencies keep their indicators (left out of the mapping: unchanged).
    assert Judgement.objects.get(
        examiner=first, competency=competencies(assessment)[1]
    ).indicators.exists()
    first.refresh_from_db()
    assert first.grade == Decimal("8.0")
    events = list(assessment.events.filter(kind=AssessmentEvent.Kind.DRAFT_SAVED))
    assert len(events) == 2
    assert events[-1].data["grade"] == "8.0"
    assert events[-1].data["competencies"]["IC1"]["level"] == 4


def test_saving_the_same_draft_again_records_nothing_new(assessment, examiners):
    complete_draft(examiners[0])
    complete_draft(examiners[0])
    assert assessment.events.filter(kind=AssessmentEvent.Kind.DRAFT_SAVED).count() == 1


def test_only_the_examiner_saves_their_draft(assessment, examiners):
    first, second = examiners
    with pytest.raises(PermissionDenied):
        services.save_draft(
            examiner=first,
            levels={},
            indicators={},
            feedback={},
            verdict="",
            grade=None,
            overall_feedback="x",
            by=second.user,
        )
    assert not assessment.events.filter(kind=AssessmentEvent.Kind.DRAFT_SAVED).exists()


def test_levels_and_indicators_must_belong_to_the_framework_and_competency(assessment, examiners):
    first = examiners[0]
    ic1, ic2, _ic3 = competencies(assessment)
    foreign = make_programme(competencies=1, name="elders")
    foreign_level = foreign.framework.levels.first()
    base = {"feedback": {}, "verdict": "", "grade": None, "overall_feedback": "", "by": first.user}
    with pytest.raises(ValidationError):
        services.save_draft(examiner=first, levels={ic1: foreign_level}, indicators={}, **base)
    with pytest.raises(ValidationError):
        services.save_draft(
            examiner=first,
            levels={},
            indicators={ic1: [Indicator.objects.filter(competency=ic2).first()]},
            **base,
        )
    foreign_competency = foreign.framework.competencies.first()
    with pytest.raises(ValidationError):
        services.save_draft(
            examiner=first, levels={foreign_competency: None}, indicators={}, **base
        )
    assert not Judgement.objects.exists()


def test_a_grade_out_of_range_or_an_unknown_verdict_is_refused(assessment, examiners):
    with pytest.raises(ValidationError):
        complete_draft(examiners[0], grade=Decimal("10.5"))
    with pytest.raises(ValidationError):
        complete_draft(examiners[0], verdict="maybe")


def test_submitting_signs_and_records_the_full_content(assessment, examiners):
    first = examiners[0]
    complete_draft(first)
    services.submit_judgement(examiner=first, by=first.user)
    first.refresh_from_db()
    assert first.submitted_at is not None
    event = assessment.events.get(kind=AssessmentEvent.Kind.SUBMITTED)
    assert event.actor == first.user
    assert set(event.data["competencies"]) == {"IC1", "IC2", "IC3"}
    assert event.data["verdict"] == Verdict.PASS
    assert event.data["feedback"] == "Goed werk."
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN  # the second examiner is still judging


def test_reconciliation_starts_when_all_have_submitted(assessment, examiners):
    for examiner in examiners:
        complete_draft(examiner)
        services.submit_judgement(examiner=examiner, by=examiner.user)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RECONCILING


def test_reconciliation_waits_for_the_minimum_number_of_examiners(assessment):
    (only,) = assign(assessment, LecturerFactory())
    complete_draft(only)
    services.submit_judgement(examiner=only, by=only.user)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN  # final-portfolio needs two


def test_one_examiner_is_enough_where_the_moment_asks_one(enrolment):
    assessment = submitted(enrolment, "year-1-review")
    (only,) = assign(assessment, LecturerFactory())
    complete_draft(only, rank=2)
    services.submit_judgement(examiner=only, by=only.user)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RECONCILING


def test_an_incomplete_judgement_says_what_is_missing(assessment, examiners):
    first = examiners[0]
    ic1 = competencies(assessment)[0]
    services.save_draft(
        examiner=first,
        levels={ic1: None},
        indicators={},
        feedback={ic1: "Alleen dit."},
        verdict="",
        grade=None,
        overall_feedback="",
        by=first.user,
    )
    with pytest.raises(ValidationError) as caught:
        services.submit_judgement(examiner=first, by=first.user)
    messages = caught.value.messages
    assert _("%(code)s: choose the level reached.") % {"code": "IC1"} in messages
    assert _("%(code)s: write feedback for the student.") % {"code": "IC2"} in messages
    assert _("Choose a verdict.") in messages
    first.refresh_from_db()
    assert first.submitted_at is None
    assert not assessment.events.filter(kind=AssessmentEvent.Kind.SUBMITTED).exists()


def test_a_grade_is_required_where_the_moment_asks_for_one(assessment, examiners):
    moment = assessment.portfolio.review_moment
    moment.grade_required = True
    moment.save()
    first = examiners[0]
    complete_draft(first)
    with pytest.raises(ValidationError) as caught:
        services.submit_judgement(examiner=first, by=first.user)
    assert caught.value.messages == [_("Give a grade.")]


@pytest.mark.parametrize(
    ("verdict", "grade", "ok"),
    [
        (Verdict.PASS, "5.5", True),
        (Verdict.PASS, "5.4", False),
        (Verdict.NOT_YET, "5.4", True),
        (Verdict.NOT_YET, "5.5", False),
        (Verdict.FAIL, "3.0", True),
        (Verdict.FAIL, "7.0", False),
    ],
)
def test_the_grade_and_the_verdict_must_agree(assessment, examiners, verdict, grade, ok):
    first = examiners[0]
    complete_draft(first, verdict=verdict, grade=Decimal(grade))
    if ok:
        services.submit_judgement(examiner=first, by=first.user)
        return
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.submit_judgement(examiner=first, by=first.user)
    (message,) = caught.value.messages
    assert "5.5" in message  # says which pass mark applies
    assert grade in message


def test_a_changed_pass_mark_applies(assessment, examiners, settings):
    settings.ASSESSMENT_PASS_MARK = "6.0"
    first = examiners[0]
    complete_draft(first, verdict=Verdict.PASS, grade=Decimal("5.8"))
    with pytest.raises(ValidationError):
        services.submit_judgement(examiner=first, by=first.user)


def test_a_second_submit_and_a_later_save_are_refused_clearly(assessment, examiners):
    first = examiners[0]
    complete_draft(first)
    services.submit_judgement(examiner=first, by=first.user)
    refused = _("You have already submitted and signed your judgement: it can't be changed.")
    with pytest.raises(ValidationError) as caught:
        services.submit_judgement(examiner=first, by=first.user)
    assert caught.value.messages == [refused]
    with pytest.raises(ValidationError) as caught:
        complete_draft(first, rank=1)
    assert caught.value.messages == [refused]
    assert Judgement.objects.filter(examiner=first, level__rank=1).count() == 0
    assert assessment.events.filter(kind=AssessmentEvent.Kind.SUBMITTED).count() == 1


def test_only_the_examiner_submits(assessment, examiners):
    first, second = examiners
    complete_draft(first)
    with pytest.raises(PermissionDenied):
        services.submit_judgement(examiner=first, by=second.user)


def test_nothing_is_judged_on_an_assessment_that_is_not_open(assessment, examiners):
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.WITHDRAWN)
    with pytest.raises(ValidationError) as caught:
        complete_draft(examiners[0])
    assert caught.value.messages == [_("This assessment is no longer open for judgements.")]


def test_the_database_refuses_changing_a_signed_judgement(assessment, examiners):
    first = examiners[0]
    complete_draft(first)
    services.submit_judgement(examiner=first, by=first.user)
    with pytest.raises(DatabaseError), transaction.atomic():
        Judgement.objects.filter(examiner=first).update(feedback="Stiekem.")
