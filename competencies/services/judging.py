"""An examiner's own judgement: saving drafts (automatically, while they work) and
submitting it, which signs it (who, when) and makes it unchangeable.

Examiners judge independently: nothing here reads another examiner's judgement. When every
assigned examiner has submitted (and there are at least the review moment's
``min_examiners``), the assessment moves on to reconciliation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..grades import HIGHEST, LOWEST, pass_mark, round_grade
from ..models import (
    Assessment,
    AssessmentEvent,
    Competency,
    Examiner,
    Judgement,
    Portfolio,
    ProficiencyLevel,
    Verdict,
)
from .assessment import lock, record


@dataclass(frozen=True)
class Problem:
    """Something missing or inconsistent before a judgement can be submitted, and the id of
    the field on the assessment form where to fix it."""

    message: str
    anchor: str


# --- reading ----------------------------------------------------------------------------------


def competencies_of(assessment: Assessment) -> list[Competency]:
    """The competencies the submitted snapshot holds, in the snapshot's order (one query)."""
    codes = [item["code"] for item in assessment.snapshot.data.get("competencies", [])]
    found = {
        competency.code: competency
        for competency in Competency.objects.filter(
            framework__curriculum_version_id=assessment.portfolio.review_moment.version_id,
            code__in=codes,
        )
    }
    return [found[code] for code in codes if code in found]


def content_of(examiner: Examiner, judgements: Iterable[Judgement] | None = None) -> dict:
    """The examiner's judgement as plain JSON for the record: levels by competency code and
    rank, indicator ids, feedback, verdict, grade as text."""
    if judgements is None:
        judgements = examiner.judgements.select_related("competency", "level").prefetch_related(
            "indicators"
        )
    return {
        "examiner": examiner.position,
        "competencies": {
            judgement.competency.code: {
                "level": judgement.level.rank if judgement.level else None,
                "indicators": sorted(indicator.pk for indicator in judgement.indicators.all()),
                "feedback": judgement.feedback,
            }
            for judgement in sorted(judgements, key=lambda j: j.competency.code)
        },
        "verdict": examiner.verdict,
        "grade": str(examiner.grade) if examiner.grade is not None else None,
        "feedback": examiner.feedback,
    }


def problems_of(
    examiner: Examiner, competencies: list[Competency], judgements: Iterable[Judgement]
) -> list[Problem]:
    """What keeps the judgement from being submitted (anchors are the assessment form's ids)."""
    by_competency = {judgement.competency_id: judgement for judgement in judgements}
    problems = []
    for competency in competencies:
        judgement = by_competency.get(competency.pk)
        if judgement is None or judgement.level_id is None:
            problems.append(
                Problem(
                    _("%(code)s: choose the level reached.") % {"code": competency.code},
                    f"level-{competency.pk}",
                )
            )
        if judgement is None or not judgement.feedback.strip():
            problems.append(
                Problem(
                    _("%(code)s: write feedback for the student.") % {"code": competency.code},
                    f"id_feedback_{competency.pk}",
                )
            )
    if not examiner.verdict:
        problems.append(Problem(_("Choose a verdict."), "verdict"))
    moment = examiner.assessment.portfolio.review_moment
    if moment.grade_required and examiner.grade is None:
        problems.append(Problem(_("Give a grade."), "id_grade"))
    if examiner.grade is not None and examiner.verdict:
        problems += _consistency(examiner.verdict, examiner.grade)
    return problems


def _consistency(verdict: str, grade: Decimal) -> list[Problem]:
    mark = number_format(pass_mark(), decimal_pos=1)
    shown = number_format(grade, decimal_pos=1)
    if verdict == Verdict.PASS and grade < pass_mark():
        return [
            Problem(
                _("A pass needs a grade of at least %(mark)s, but the grade is %(grade)s.")
                % {"mark": mark, "grade": shown},
                "id_grade",
            )
        ]
    if verdict in (Verdict.NOT_YET, Verdict.FAIL) and grade >= pass_mark():
        return [
            Problem(
                _("“%(verdict)s” needs a grade below %(mark)s, but the grade is %(grade)s.")
                % {"verdict": Verdict(verdict).label, "mark": mark, "grade": shown},
                "id_grade",
            )
        ]
    return []


# --- writing ----------------------------------------------------------------------------------


def _locked_examiner(examiner: Examiner, by) -> tuple[Assessment, Examiner]:
    """The assessment and the examiner row, locked, after checking who acts and that the
    judgement can still change."""
    if by.pk != examiner.user_id:
        raise PermissionDenied
    assessment = lock(examiner.assessment)
    locked = Examiner.objects.select_for_update(of=("self",)).get(pk=examiner.pk)
    locked.assessment = assessment
    if locked.submitted_at is not None:
        raise ValidationError(
            _("You have already submitted and signed your judgement: it can't be changed.")
        )
    if assessment.status != Assessment.Status.OPEN:
        raise ValidationError(_("This assessment is no longer open for judgements."))
    return assessment, locked


def _key(competency) -> int:
    return competency.pk if isinstance(competency, Competency) else int(competency)


@transaction.atomic
def save_draft(
    *,
    examiner: Examiner,
    levels: Mapping,
    indicators: Mapping,
    feedback: Mapping,
    verdict: str,
    grade: Decimal | None,
    overall_feedback: str,
    by,
) -> Examiner:
    """Saves the examiner's work so far; anything may still be missing.

    ``levels``, ``indicators`` and ``feedback`` are keyed by competency (or its id): the level
    reached (a ``ProficiencyLevel`` or None), the indicators observed and the feedback. A
    competency left out of a mapping keeps what was saved for it. The first draft of any
    examiner marks the assessment as started: the student can no longer withdraw.
    """
    portfolio = examiner.assessment.portfolio
    if portfolio.assessment_started_at is None:
        # The student's withdrawal locks the portfolio, then the assessment: same order here.
        Portfolio.objects.select_for_update(of=("self",)).filter(pk=portfolio.pk).first()
    assessment, examiner = _locked_examiner(examiner, by)
    competencies = {competency.pk: competency for competency in competencies_of(assessment)}
    levels = {_key(key): value for key, value in levels.items()}
    indicators = {_key(key): list(value) for key, value in indicators.items()}
    feedback = {_key(key): value for key, value in feedback.items()}
    unknown = (set(levels) | set(indicators) | set(feedback)) - set(competencies)
    if unknown:
        raise ValidationError(_("Judge only the competencies of this portfolio."))
    framework_levels = {
        level.pk
        for level in ProficiencyLevel.objects.filter(
            framework__curriculum_version_id=assessment.portfolio.review_moment.version_id
        )
    }
    for level in levels.values():
        if level is not None and level.pk not in framework_levels:
            raise ValidationError(_("Choose a level from the framework's scale."))
    for competency_id, chosen in indicators.items():
        if any(indicator.competency_id != competency_id for indicator in chosen):
            raise ValidationError(
                _("Choose only indicators of %(code)s.")
                % {"code": competencies[competency_id].code}
            )
    if verdict and verdict not in Verdict.values:
        raise ValidationError(_("Choose a verdict."))
    if grade is not None:
        grade = round_grade(Decimal(grade))
        if not LOWEST <= grade <= HIGHEST:
            raise ValidationError(_("A grade is between 1 and 10."))

    existing = {
        judgement.competency_id: judgement
        for judgement in examiner.judgements.select_related(
            "competency", "level"
        ).prefetch_related("indicators")
    }
    before = content_of(examiner, existing.values())
    touched = set(levels) | set(indicators) | set(feedback)
    new, changed, links = [], [], {}
    for competency_id in touched:
        judgement = existing.get(competency_id)
        if judgement is None:
            judgement = Judgement(examiner=examiner, competency=competencies[competency_id])
            new.append(judgement)
            existing[competency_id] = judgement
        elif competency_id in levels or competency_id in feedback:
            changed.append(judgement)
        if competency_id in levels:
            judgement.level = levels[competency_id]
        if competency_id in feedback:
            judgement.feedback = feedback[competency_id]
        if competency_id in indicators:
            links[competency_id] = indicators[competency_id]
    examiner.verdict, examiner.grade, examiner.feedback = verdict, grade, overall_feedback

    after = _content_after(examiner, existing, links)
    if after == before and examiner.draft_saved_at is not None:
        return examiner  # nothing changed: no new act to record

    Judgement.objects.bulk_create(new)
    if changed:
        Judgement.objects.bulk_update(changed, ["level", "feedback"])
    if links:
        Through = Judgement.indicators.through
        ids = [existing[competency_id].pk for competency_id in links]
        Through.objects.filter(judgement_id__in=ids).delete()
        Through.objects.bulk_create(
            Through(judgement_id=existing[competency_id].pk, indicator_id=indicator.pk)
            for competency_id, chosen in links.items()
            for indicator in {item.pk: item for item in chosen}.values()
        )
    now = timezone.now()
    examiner.draft_saved_at = now
    examiner.save(update_fields=["verdict", "grade", "feedback", "draft_saved_at"])
    Portfolio.objects.filter(pk=assessment.portfolio_id, assessment_started_at=None).update(
        assessment_started_at=now
    )
    record(assessment, AssessmentEvent.Kind.DRAFT_SAVED, by=by, data=after)
    return examiner


def _content_after(examiner: Examiner, judgements: dict, links: dict) -> dict:
    """``content_of`` the examiner as it will be once saved (before writing anything)."""
    content = {
        "examiner": examiner.position,
        "competencies": {},
        "verdict": examiner.verdict,
        "grade": str(examiner.grade) if examiner.grade is not None else None,
        "feedback": examiner.feedback,
    }
    for competency_id, judgement in sorted(
        judgements.items(), key=lambda pair: pair[1].competency.code
    ):
        if competency_id in links:
            chosen = sorted({indicator.pk for indicator in links[competency_id]})
        elif judgement.pk is not None:
            chosen = sorted(indicator.pk for indicator in judgement.indicators.all())
        else:
            chosen = []
        content["competencies"][judgement.competency.code] = {
            "level": judgement.level.rank if judgement.level else None,
            "indicators": chosen,
            "feedback": judgement.feedback,
        }
    return content


@transaction.atomic
def submit_judgement(*, examiner: Examiner, by) -> Examiner:
    """Signs the examiner's judgement (who: the examiner, when: now); from then on it cannot
    change. Raises ``ValidationError`` listing what is missing or inconsistent. When every
    assigned examiner has submitted, and there are enough of them, reconciliation starts."""
    assessment, examiner = _locked_examiner(examiner, by)
    judgements = list(
        examiner.judgements.select_related("competency", "level").prefetch_related("indicators")
    )
    problems = problems_of(examiner, competencies_of(assessment), judgements)
    if problems:
        raise ValidationError([problem.message for problem in problems])
    now = timezone.now()
    examiner.submitted_at = now
    examiner.save(update_fields=["submitted_at"])
    Portfolio.objects.filter(pk=assessment.portfolio_id, assessment_started_at=None).update(
        assessment_started_at=now
    )
    content = content_of(examiner, judgements)
    content["signed_at"] = now.isoformat()
    record(assessment, AssessmentEvent.Kind.SUBMITTED, by=by, data=content)
    examiners = list(Examiner.objects.filter(assessment=assessment).values_list("submitted_at"))
    moment = assessment.portfolio.review_moment
    if len(examiners) >= moment.min_examiners and all(at is not None for (at,) in examiners):
        assessment.status = Assessment.Status.RECONCILING
        assessment.save(update_fields=["status"])
    return examiner
