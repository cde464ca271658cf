"""Builders for the assessment tests: a submitted portfolio with its open assessment,
examiners assigned to it, and judgements written straight into the tables (so that each
part's tests do not depend on another part's services)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from cohorts.models import LecturerAssignment
from competencies.models import (
    Assessment,
    Examiner,
    FinalLevel,
    Judgement,
    Portfolio,
    ProficiencyLevel,
    Verdict,
)
from competencies.services import portfolio as portfolio_services

from ..factories import LecturerFactory
from .portfolio_helpers import complete, start


def examining(cohort, *lecturers) -> None:
    """Assigns ``lecturers`` to ``cohort`` as teaching and examining lecturers."""
    for lecturer in lecturers:
        LecturerAssignment.objects.get_or_create(
            cohort=cohort, lecturer=lecturer, ended_at=None, defaults={"examines": True}
        )


def submitted(enrolment, moment_code: str = "final-portfolio") -> Assessment:
    """The enrolment's portfolio for ``moment_code``, completed and submitted: the open
    assessment of its first round."""
    moment = enrolment.cohort.curriculum_version.review_moments.get(code=moment_code)
    portfolio = complete(start(enrolment, moment))
    snapshot = portfolio_services.submit_portfolio(portfolio=portfolio, by=enrolment.student)
    return Assessment.objects.get(snapshot=snapshot)


def assign(assessment: Assessment, *users, by=None) -> list[Examiner]:
    """Examiner rows for ``users`` (numbered after the ones already there), as an
    administrator would assign them; each lecturer is made an examiner of the cohort."""
    cohort = assessment.portfolio.enrolment.cohort
    examining(cohort, *users)
    by = by or users[0]
    start_at = assessment.examiners.count()
    return [
        Examiner.objects.create(
            assessment=assessment, user=user, position=start_at + n + 1, assigned_by=by
        )
        for n, user in enumerate(users)
    ]


def two_examiners(assessment: Assessment, by=None) -> list[Examiner]:
    return assign(assessment, LecturerFactory(), LecturerFactory(), by=by)


def levels_of(assessment: Assessment) -> dict[int, ProficiencyLevel]:
    """The framework's levels by rank."""
    framework = assessment.portfolio.review_moment.version.framework
    return {level.rank: level for level in framework.levels.all()}


def judge(
    examiner: Examiner,
    *,
    rank: int = 3,
    verdict: str = Verdict.PASS,
    grade: Decimal | None = Decimal("7.5"),
    feedback: str = "Goed gedaan.",
    submit: bool = True,
    ranks: dict[str, int] | None = None,
) -> Examiner:
    """Writes a judgement of every competency of the portfolio (level ``rank``, or per code
    from ``ranks``), with feedback naming the examiner and competency, and submits it."""
    assessment = examiner.assessment
    levels = levels_of(assessment)
    for entry in assessment.portfolio.entries.select_related("competency"):
        code = entry.competency.code
        Judgement.objects.update_or_create(
            examiner=examiner,
            competency=entry.competency,
            defaults={
                "level": levels[(ranks or {}).get(code, rank)],
                "feedback": f"{examiner.position}: {code} {feedback}",
            },
        )
    now = timezone.now()
    examiner.verdict, examiner.grade, examiner.feedback = verdict, grade, feedback
    examiner.draft_saved_at = examiner.draft_saved_at or now
    if submit:
        examiner.submitted_at = now
    examiner.save()
    Portfolio.objects.filter(pk=assessment.portfolio_id, assessment_started_at=None).update(
        assessment_started_at=now
    )
    if submit and not assessment.examiners.filter(submitted_at=None).exists():
        Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.RECONCILING)
        assessment.status = Assessment.Status.RECONCILING
    return examiner


def agree(
    assessment: Assessment,
    *,
    rank: int = 3,
    verdict: str = Verdict.PASS,
    grade: Decimal | None = Decimal("7.5"),
    explanation: str = "Samen besloten.",
) -> Assessment:
    """Writes a proposed final result (revision 1) straight into the tables, unapproved."""
    levels = levels_of(assessment)
    for entry in assessment.portfolio.entries.select_related("competency"):
        FinalLevel.objects.update_or_create(
            assessment=assessment, competency=entry.competency, defaults={"level": levels[rank]}
        )
    assessment.final_verdict, assessment.final_grade = verdict, grade
    assessment.joint_explanation = explanation
    assessment.revision += 1
    assessment.save()
    return assessment
