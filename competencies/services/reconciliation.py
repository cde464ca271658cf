"""Reconciliation: once every examiner has submitted, they compare their judgements, agree a
final result (levels, verdict, grade, joint explanation) that each of them approves, and
release it to the student. After release the result is only changed by a recorded
correction with a reason.

Rules in one place:
- ``discrepancies``: which differences between the examiners need talking about (a level
  spread of ``ASSESSMENT_DISCREPANCY_LEVELS`` or more, different verdicts, different grades).
- A proposal carries the ``revision`` the examiner's form was rendered from; a stale one is
  refused (two examiners editing at once: the second is told, nothing is lost), with the
  conditional update of ``curriculum.locking``.
- ``release_result`` needs every examiner's approval of the current revision; a "not yet"
  makes the portfolio a draft again for the next round, a pass or fail makes it assessed.
- ``correct_result`` keeps the portfolio's state in line with the corrected verdict when no
  later round exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from curriculum.locking import CONFLICT, save_if_unchanged

from .. import tasks
from ..grades import passes
from ..models import (
    Approval,
    Assessment,
    AssessmentEvent,
    Competency,
    Correction,
    Examiner,
    FinalLevel,
    Judgement,
    Outcome,
    Portfolio,
    ProficiencyLevel,
    Verdict,
    outcome_of,
)
from .assessment import examiner_of, is_admin, lock, record

STALE = CONFLICT


# --- reading ----------------------------------------------------------------------------------


def assessed_competencies(assessment: Assessment) -> list[Competency]:
    """The competencies the round's snapshot holds, in framework order (one query)."""
    codes = [item["code"] for item in assessment.snapshot.data.get("competencies", [])]
    framework_id = assessment.portfolio.review_moment.version.framework.pk
    return list(
        Competency.objects.filter(framework_id=framework_id, code__in=codes)
        .select_related("profile")
        .in_order()
    )


@dataclass(frozen=True)
class LevelSpread:
    """How the examiners' levels of one competency compare."""

    competency_id: int
    # examiner id -> rank (None: no level given)
    ranks: dict[int, int | None]
    spread: int
    flagged: bool
    # The level every examiner gave, when they agree.
    agreed_level_id: int | None


@dataclass(frozen=True)
class Discrepancies:
    levels: dict[int, LevelSpread] = field(default_factory=dict)
    verdicts: dict[int, str] = field(default_factory=dict)
    grades: dict[int, Decimal | None] = field(default_factory=dict)
    verdicts_differ: bool = False
    grades_differ: bool = False

    @property
    def flagged_competencies(self) -> list[int]:
        return [pk for pk, spread in self.levels.items() if spread.flagged]

    @property
    def any(self) -> bool:
        return bool(self.flagged_competencies) or self.verdicts_differ or self.grades_differ


def discrepancies(assessment: Assessment, judgements: Iterable[Judgement]) -> Discrepancies:
    """What differs between the examiners whose ``judgements`` are given (read them through
    ``Examiner.objects.visible_to``, with ``level`` and ``examiner`` loaded).

    Per competency: the rank each examiner gave, flagged when the highest and lowest differ
    by ``ASSESSMENT_DISCREPANCY_LEVELS`` or more (a missing level counts as flagged when
    another examiner gave one). Overall: whether the verdicts differ, and the grades.
    """
    threshold = settings.ASSESSMENT_DISCREPANCY_LEVELS
    judgements = list(judgements)
    examiners: dict[int, Examiner] = {}
    by_competency: dict[int, dict[int, Judgement]] = {}
    for judgement in judgements:
        examiners[judgement.examiner_id] = judgement.examiner
        by_competency.setdefault(judgement.competency_id, {})[judgement.examiner_id] = judgement
    levels = {}
    for competency_id, of_examiner in by_competency.items():
        ranks = {
            examiner_id: judgement.level.rank if judgement.level_id else None
            for examiner_id, judgement in of_examiner.items()
        }
        for examiner_id in examiners:
            ranks.setdefault(examiner_id, None)
        given = [rank for rank in ranks.values() if rank is not None]
        spread = max(given) - min(given) if given else 0
        missing = len(given) != len(ranks)
        level_ids = {judgement.level_id for judgement in of_examiner.values()}
        agreed = (
            next(iter(level_ids))
            if len(level_ids) == 1 and not missing and None not in level_ids
            else None
        )
        levels[competency_id] = LevelSpread(
            competency_id=competency_id,
            ranks=ranks,
            spread=spread,
            flagged=spread >= threshold or (missing and bool(given)),
            agreed_level_id=agreed,
        )
    verdicts = {pk: examiner.verdict for pk, examiner in examiners.items()}
    grades = {pk: examiner.grade for pk, examiner in examiners.items()}
    return Discrepancies(
        levels=levels,
        verdicts=verdicts,
        grades=grades,
        verdicts_differ=len(set(verdicts.values())) > 1,
        grades_differ=len(set(grades.values())) > 1,
    )


def agreed(examiner_ids: Iterable[int], approvals: Iterable[Approval], revision: int) -> bool:
    """Whether every examiner approved ``revision`` (with the rows already loaded)."""
    examiner_ids = set(examiner_ids)
    approved = {approval.examiner_id for approval in approvals if approval.revision == revision}
    return revision > 0 and bool(examiner_ids) and examiner_ids <= approved


def is_agreed(assessment: Assessment) -> bool:
    """Every examiner of ``assessment`` approved its current proposal."""
    return agreed(
        assessment.examiners.values_list("pk", flat=True),
        Approval.objects.filter(assessment=assessment, revision=assessment.revision),
        assessment.revision,
    )


def default_resubmission_deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.ASSESSMENT_RESUBMISSION_DAYS)


def resubmission_deadline_of(outcome: Outcome) -> datetime.date | None:
    """When a "not yet" must be resubmitted: the agreed deadline, or the one the correction
    to "not yet" set."""
    if outcome.verdict != Verdict.NOT_YET:
        return None
    return outcome.resubmission_deadline


# --- rules shared by proposing and correcting ----------------------------------------------------


def _require_submitted_examiner(user, assessment: Assessment) -> Examiner:
    examiner = examiner_of(user, assessment)
    if examiner is None or not examiner.is_submitted:
        raise PermissionDenied
    return examiner


def _require_reconciling(assessment: Assessment) -> None:
    if assessment.status != Assessment.Status.RECONCILING:
        if assessment.status == Assessment.Status.RELEASED:
            raise ValidationError(
                _("This result has been released: it can only be changed by a correction.")
            )
        raise ValidationError(
            _("The result can be agreed only when every examiner has submitted a judgement.")
        )


def _check_grade_and_verdict(
    assessment: Assessment, verdict: str, grade: Decimal | None
) -> list[str]:
    errors = []
    if verdict not in Verdict.values:
        errors.append(_("Choose a verdict."))
    if grade is None and assessment.portfolio.review_moment.grade_required:
        errors.append(_("This review moment needs a grade."))
    if grade is not None and verdict in Verdict.values:
        if verdict == Verdict.PASS and not passes(grade):
            errors.append(
                _("A grade of %(grade)s is below the pass mark: the verdict can't be a pass.")
                % {"grade": _grade_text(grade)}
            )
        if verdict != Verdict.PASS and passes(grade):
            errors.append(
                _("A grade of %(grade)s passes: the verdict must be a pass.")
                % {"grade": _grade_text(grade)}
            )
    return errors


def _grade_text(grade: Decimal | None) -> str:
    return number_format(grade, decimal_pos=1) if grade is not None else ""


def _check_levels(
    competencies: list[Competency], levels: dict[int, ProficiencyLevel], framework_id: int
) -> list[str]:
    errors = []
    for competency in competencies:
        level = levels.get(competency.pk)
        if level is None:
            errors.append(_("%(code)s: choose the level reached.") % {"code": competency.code})
        elif level.framework_id != framework_id:
            errors.append(
                _("%(code)s: choose a level of this framework's scale.")
                % {"code": competency.code}
            )
    return errors


def _ranks(levels: dict[int, int], competencies: list[Competency], scale: dict[int, int]) -> dict:
    """{competency code: rank} for the record."""
    return {
        competency.code: scale.get(levels[competency.pk])
        for competency in competencies
        if competency.pk in levels
    }


def _scale(assessment: Assessment) -> dict[int, int]:
    return dict(
        ProficiencyLevel.objects.filter(
            framework_id=assessment.portfolio.review_moment.version.framework.pk
        ).values_list("pk", "rank")
    )


# --- writing --------------------------------------------------------------------------------


@transaction.atomic
def propose_result(
    *,
    assessment: Assessment,
    levels: dict[int, ProficiencyLevel],
    verdict: str,
    grade: Decimal | None,
    explanation: str,
    resubmission_deadline: datetime.date | None,
    revision: int,
    by,
) -> Assessment:
    """An examiner who has submitted proposes (a new revision of) the final result; it counts
    as their approval. ``revision``: the revision their form showed; if another examiner
    proposed since, nothing is written and they are told (``code="stale"``)."""
    locked = lock(assessment)
    examiner = _require_submitted_examiner(by, locked)
    _require_reconciling(locked)
    competencies = assessed_competencies(locked)
    framework_id = locked.portfolio.review_moment.version.framework.pk
    errors = _check_levels(competencies, levels, framework_id)
    errors += _check_grade_and_verdict(locked, verdict, grade)
    explanation = explanation.strip()
    if not explanation:
        errors.append(_("Write the joint explanation for the student."))
    if verdict == Verdict.NOT_YET:
        resubmission_deadline = resubmission_deadline or default_resubmission_deadline()
        if resubmission_deadline <= timezone.localdate():
            errors.append(_("The resubmission deadline must be in the future."))
    else:
        resubmission_deadline = None
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    locked.final_verdict = verdict
    locked.final_grade = grade
    locked.joint_explanation = explanation
    locked.resubmission_deadline = resubmission_deadline
    locked.revised_at, locked.revised_by = now, by
    # The proposal is the assessment's editable part and ``revision`` its edit version.
    save_if_unchanged(
        locked,
        version=revision,
        counter="revision",
        fields=[
            "final_verdict",
            "final_grade",
            "joint_explanation",
            "resubmission_deadline",
            "revised_at",
            "revised_by",
        ],
        message=_(
            "Another examiner changed the proposal while you were editing; here is the "
            "current one. Check it, and propose again if you still want a change."
        ),
    )
    wanted = {competency.pk: levels[competency.pk] for competency in competencies}
    FinalLevel.objects.filter(assessment=locked).exclude(competency_id__in=wanted).delete()
    existing = {
        final.competency_id: final for final in FinalLevel.objects.filter(assessment=locked)
    }
    for competency_id, level in wanted.items():
        final = existing.get(competency_id)
        if final is None:
            FinalLevel.objects.create(assessment=locked, competency_id=competency_id, level=level)
        elif final.level_id != level.pk:
            final.level = level
            final.save(update_fields=["level"])
    Approval.objects.create(assessment=locked, examiner=examiner, revision=locked.revision, at=now)
    record(
        locked,
        AssessmentEvent.Kind.PROPOSED,
        by=by,
        data={
            "revision": locked.revision,
            "levels": {code: level.rank for code, level in _codes(competencies, wanted).items()},
            "verdict": verdict,
            "grade": str(grade) if grade is not None else None,
            "resubmission_deadline": (
                resubmission_deadline.isoformat() if resubmission_deadline else None
            ),
            "explanation": explanation,
        },
    )
    _copy(locked, assessment)
    return assessment


def _codes(competencies: list[Competency], levels: dict[int, ProficiencyLevel]) -> dict:
    return {c.code: levels[c.pk] for c in competencies if c.pk in levels}


def _copy(source: Assessment, target: Assessment) -> None:
    """The caller's object shows what was written."""
    if source is target:
        return
    for name in (
        "status",
        "revision",
        "final_verdict",
        "final_grade",
        "joint_explanation",
        "resubmission_deadline",
        "revised_at",
        "revised_by_id",
        "escalated_at",
        "escalation_reason",
        "released_at",
        "released_by_id",
    ):
        setattr(target, name, getattr(source, name))


@transaction.atomic
def approve_result(*, assessment: Assessment, revision: int, by) -> Approval:
    """Another examiner agrees with revision ``revision`` of the proposal (refused when a
    newer one exists: they must read that first)."""
    locked = lock(assessment)
    examiner = _require_submitted_examiner(by, locked)
    _require_reconciling(locked)
    if locked.revision == 0:
        raise ValidationError(_("There is no proposal to approve yet."))
    if revision != locked.revision:
        raise ValidationError(
            _(
                "Another examiner changed the proposal while you were reading it; here is the "
                "current one. Check it before you approve."
            ),
            code=STALE,
        )
    if Approval.objects.filter(examiner=examiner, revision=revision).exists():
        raise ValidationError(_("You have already approved this proposal."))
    approval = Approval.objects.create(assessment=locked, examiner=examiner, revision=revision)
    record(locked, AssessmentEvent.Kind.APPROVED, by=by, data={"revision": revision})
    return approval


@transaction.atomic
def escalate(*, assessment: Assessment, reason: str, by) -> Assessment:
    """An examiner says the examiners cannot agree: the administrator is asked to add a third
    examiner (whose assignment opens the assessment again)."""
    locked = lock(assessment)
    _require_submitted_examiner(by, locked)
    _require_reconciling(locked)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why you cannot agree: the administrator reads it."))
    if locked.escalated_at is not None:
        raise ValidationError(_("A third examiner has already been requested."))
    locked.escalated_at = timezone.now()
    locked.escalation_reason = reason
    locked.save(update_fields=["escalated_at", "escalation_reason"])
    record(locked, AssessmentEvent.Kind.ESCALATED, by=by, reason=reason)
    tasks.mail_third_examiner_needed.delay_on_commit(locked.pk)
    _copy(locked, assessment)
    return assessment


def _outcome_data(assessment: Assessment, competencies, verdict, grade, explanation, levels):
    scale = _scale(assessment)
    return {
        "round": assessment.snapshot.number,
        "verdict": verdict,
        "grade": str(grade) if grade is not None else None,
        "explanation": explanation,
        "levels": _ranks(levels, competencies, scale),
        "resubmission_deadline": (
            assessment.resubmission_deadline.isoformat()
            if verdict == Verdict.NOT_YET and assessment.resubmission_deadline
            else None
        ),
    }


def _set_portfolio_for(portfolio_id: int, assessment: Assessment, verdict: str) -> None:
    """The portfolio after a result of ``assessment`` with ``verdict``: assessed (pass, fail)
    on this round's snapshot, or a draft again ("not yet") for the next round."""
    portfolio = Portfolio.objects.select_for_update(of=("self",)).get(pk=portfolio_id)
    if verdict == Verdict.NOT_YET:
        portfolio.status = Portfolio.Status.DRAFT
        portfolio.current_snapshot = None
        portfolio.assessment_started_at = None
    else:
        portfolio.status = Portfolio.Status.ASSESSED
        portfolio.current_snapshot_id = assessment.snapshot_id
    portfolio.save(
        update_fields=["status", "current_snapshot", "assessment_started_at", "updated_at"]
    )


@transaction.atomic
def release_result(*, assessment: Assessment, by) -> Assessment:
    """Releases the agreed result to the student (an examiner of it or an administrator)."""
    locked = lock(assessment)
    if not is_admin(by) and examiner_of(by, locked) is None:
        raise PermissionDenied
    if locked.status == Assessment.Status.RELEASED:
        raise ValidationError(_("This result has already been released."))
    _require_reconciling(locked)
    if not is_agreed(locked):
        raise ValidationError(
            _("Every examiner must approve the current proposal before it is released.")
        )
    if locked.examiners.count() < locked.portfolio.review_moment.min_examiners:
        raise ValidationError(
            _("This review moment needs %(count)s independent examiners.")
            % {"count": locked.portfolio.review_moment.min_examiners}
        )
    competencies = assessed_competencies(locked)
    levels = dict(
        FinalLevel.objects.filter(assessment=locked).values_list("competency_id", "level_id")
    )
    verdict = locked.final_verdict
    _set_portfolio_for(locked.portfolio_id, locked, verdict)
    record(
        locked,
        AssessmentEvent.Kind.RELEASED,
        by=by,
        data=_outcome_data(
            locked, competencies, verdict, locked.final_grade, locked.joint_explanation, levels
        ),
    )
    # Last: once released_at is set the database refuses any change to the row.
    locked.status = Assessment.Status.RELEASED
    locked.released_at, locked.released_by = timezone.now(), by
    locked.save(update_fields=["status", "released_at", "released_by"])
    _copy(locked, assessment)
    assessment_pk = locked.pk
    transaction.on_commit(lambda: notify_student(assessment_pk, corrected=False))
    return assessment


@transaction.atomic
def correct_result(
    *,
    assessment: Assessment,
    reason: str,
    verdict: str = "",
    grade: Decimal | None = None,
    levels: dict[int, ProficiencyLevel] | None = None,
    explanation: str = "",
    resubmission_deadline: datetime.date | None = None,
    by,
) -> Correction:
    """A recorded change to a released result, with a reason (an administrator or an examiner
    of it). Blank parts stay as they were; at least one part must change. When no later round
    exists, the portfolio follows the new verdict (a "not yet" reopens it for resubmission, a
    pass or fail closes it)."""
    locked = lock(assessment)
    if not is_admin(by) and examiner_of(by, locked) is None:
        raise PermissionDenied
    if locked.status != Assessment.Status.RELEASED:
        raise ValidationError(_("Only a released result can be corrected."))
    reason = reason.strip()
    explanation = explanation.strip()
    levels = levels or {}
    current = outcome_of(locked)
    competencies = assessed_competencies(locked)
    framework_id = locked.portfolio.review_moment.version.framework.pk
    errors = []
    if not reason:
        errors.append(_("Give the reason for the correction: the student reads it."))
    if verdict and verdict not in Verdict.values:
        errors.append(_("Choose a verdict."))
    known = {competency.pk: competency for competency in competencies}
    changed_levels = {}
    for competency_id, level in levels.items():
        if level is None:
            continue
        if competency_id not in known or level.framework_id != framework_id:
            errors.append(_("Choose a level of this framework's scale."))
        elif current.levels.get(competency_id) != level.pk:
            changed_levels[competency_id] = level
    new_verdict = verdict if verdict and verdict != current.verdict else ""
    new_grade = grade if grade is not None and grade != current.grade else None
    new_explanation = explanation if explanation and explanation != current.explanation else ""
    if not errors and not (
        new_verdict or new_grade is not None or changed_levels or new_explanation
    ):
        errors.append(_("Change at least one part of the result."))
    effective_verdict = new_verdict or current.verdict
    effective_grade = new_grade if new_grade is not None else current.grade
    if new_verdict == Verdict.NOT_YET:
        resubmission_deadline = resubmission_deadline or default_resubmission_deadline()
        if resubmission_deadline <= timezone.localdate():
            errors.append(_("The resubmission deadline must be in the future."))
    else:
        resubmission_deadline = None
    if not errors:
        errors += _check_grade_and_verdict(locked, effective_verdict, effective_grade)
    if errors:
        raise ValidationError(errors)

    correction = Correction.objects.create(
        assessment=locked,
        by=by,
        reason=reason,
        verdict=new_verdict,
        grade=new_grade,
        levels={str(pk): level.pk for pk, level in changed_levels.items()},
        explanation=new_explanation,
        resubmission_deadline=resubmission_deadline,
    )
    scale = _scale(locked)
    record(
        locked,
        AssessmentEvent.Kind.CORRECTED,
        by=by,
        reason=reason,
        data={
            "correction": str(correction.uuid),
            "verdict": new_verdict or None,
            "grade": str(new_grade) if new_grade is not None else None,
            "levels": {
                known[pk].code: scale.get(level.pk) for pk, level in changed_levels.items()
            },
            "explanation": new_explanation or None,
            "resubmission_deadline": (
                resubmission_deadline.isoformat() if resubmission_deadline else None
            ),
            "from": {
                "verdict": current.verdict,
                "grade": str(current.grade) if current.grade is not None else None,
            },
        },
    )
    if new_verdict:
        _follow_verdict(locked, current.verdict, new_verdict)
    assessment_pk = locked.pk
    transaction.on_commit(lambda: notify_student(assessment_pk, corrected=True))
    return correction


def _follow_verdict(assessment: Assessment, old: str, new: str) -> None:
    """Keeps the portfolio in line with a corrected verdict of its latest round.

    A later round that is not withdrawn owns the portfolio's state: then nothing changes.
    Otherwise: to "not yet" the portfolio becomes a draft to resubmit; from "not yet" to a
    pass or fail it is assessed on this round's snapshot (even if the student had started
    revising); between pass and fail it stays assessed.
    """
    later = (
        Assessment.objects.filter(
            portfolio_id=assessment.portfolio_id,
            snapshot__number__gt=assessment.snapshot.number,
        )
        .exclude(status=Assessment.Status.WITHDRAWN)
        .exists()
    )
    if later or (old == Verdict.NOT_YET) == (new == Verdict.NOT_YET):
        return
    _set_portfolio_for(assessment.portfolio_id, assessment, new)


# --- telling the student ----------------------------------------------------------------------


def notify_student(assessment_pk: int, *, corrected: bool) -> None:
    """Mails the student that their result is released (or corrected), in their language,
    with a link to it. Runs after commit."""
    assessment = (
        Assessment.objects.select_related(
            "snapshot", "portfolio__enrolment__student", "portfolio__review_moment"
        )
        .filter(pk=assessment_pk)
        .first()
    )
    if assessment is None:
        return
    student = assessment.portfolio.enrolment.student
    if not student.email:
        return
    outcome = outcome_of(assessment)
    path = reverse("competencies:assessment", args=[assessment.uuid])
    name = "released_corrected" if corrected else "released"
    with translation.override(student.preferred_language):
        context = {
            "student": student,
            "moment": assessment.portfolio.review_moment.name,
            "round": assessment.snapshot.number,
            "verdict": outcome.verdict_label,
            "grade": _grade_text(outcome.grade),
            "deadline": resubmission_deadline_of(outcome),
            "url": f"{settings.SITE_URL}{path}",
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string(
            f"competencies/assessment/email/{name}_subject.txt", context
        ).strip()
        body = render_to_string(f"competencies/assessment/email/{name}_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [student.email],
    )


# --- the released result, as a reader sees it ---------------------------------------------------


@dataclass
class CompetencyResult:
    competency: Competency
    level: ProficiencyLevel | None
    target: ProficiencyLevel | None
    # (examiner, their feedback on this competency), in examiner order, non-empty only
    feedback: list[tuple[Examiner, str]] = field(default_factory=list)

    @property
    def below_target(self) -> bool:
        return bool(self.level and self.target and self.level.rank < self.target.rank)


@dataclass
class MergedResult:
    """A released result with its corrections applied and the feedback of every examiner
    ``user`` may read merged under each competency."""

    assessment: Assessment
    outcome: object
    rows: list[CompetencyResult]
    examiners: list[Examiner]
    deadline: datetime.date | None

    def for_competency(self, competency_id: int) -> CompetencyResult | None:
        return next((row for row in self.rows if row.competency.pk == competency_id), None)


def merged_result(
    assessment: Assessment,
    user,
    *,
    competencies: list[Competency] | None = None,
    levels: list[ProficiencyLevel] | None = None,
    targets: dict[int, int | None] | None = None,
) -> MergedResult:
    """The released result of ``assessment`` for ``user``: four queries (corrections, final
    levels, examiners, judgements) plus competencies and the scale when not given.

    ``targets``: {competency id: target level id}; by default the targets frozen in the
    snapshot. Judgements are read only through ``Examiner.objects.visible_to(user)``.
    """
    corrections = list(assessment.corrections.select_related("by").order_by("at", "pk"))
    final_levels = list(FinalLevel.objects.filter(assessment=assessment))
    assessment._prefetched_objects_cache = {
        **getattr(assessment, "_prefetched_objects_cache", {}),
        "final_levels": final_levels,
    }
    outcome = outcome_of(assessment, corrections)
    if competencies is None:
        competencies = assessed_competencies(assessment)
    if levels is None:
        levels = list(assessment.portfolio.review_moment.version.framework.levels.all())
    by_pk = {level.pk: level for level in levels}
    if targets is None:
        by_rank = {level.rank: level.pk for level in levels}
        frozen = {
            item["code"]: item.get("target_level")
            for item in assessment.snapshot.data.get("competencies", [])
        }
        targets = {c.pk: by_rank.get(frozen.get(c.code)) for c in competencies}
    examiners = list(
        Examiner.objects.visible_to(user)
        .filter(assessment=assessment, submitted_at__isnull=False)
        .select_related("user")
        .order_by("position")
    )
    examiner_by_pk = {examiner.pk: examiner for examiner in examiners}
    feedback: dict[int, list[tuple[Examiner, str]]] = {}
    for judgement in (
        Judgement.objects.filter(examiner__in=list(examiner_by_pk))
        .exclude(feedback="")
        .order_by("competency_id", "examiner__position")
    ):
        feedback.setdefault(judgement.competency_id, []).append(
            (examiner_by_pk[judgement.examiner_id], judgement.feedback)
        )
    rows = [
        CompetencyResult(
            competency=competency,
            level=by_pk.get(outcome.levels.get(competency.pk)),
            target=by_pk.get(targets.get(competency.pk)),
            feedback=feedback.get(competency.pk, []),
        )
        for competency in competencies
    ]
    return MergedResult(
        assessment=assessment,
        outcome=outcome,
        rows=rows,
        examiners=examiners,
        deadline=resubmission_deadline_of(outcome),
    )


# --- the rounds of a portfolio ------------------------------------------------------------------


def with_round_results(snapshots, user):
    """``snapshots`` (a PortfolioSnapshot queryset) with each round's assessment and its
    effective result: ``effective_verdict``, ``effective_grade`` (corrections applied; only
    meaningful once released) and ``examined_by_me``, in the same query."""
    corrections = Correction.objects.filter(assessment__snapshot=OuterRef("pk")).order_by(
        "-at", "-pk"
    )
    return snapshots.select_related("assessment").annotate(
        effective_verdict=Coalesce(
            Subquery(corrections.exclude(verdict="").values("verdict")[:1]),
            "assessment__final_verdict",
        ),
        effective_grade=Coalesce(
            Subquery(corrections.filter(grade__isnull=False).values("grade")[:1]),
            "assessment__final_grade",
        ),
        examined_by_me=Exists(
            Examiner.objects.filter(assessment__snapshot=OuterRef("pk"), user_id=user.pk)
        ),
    )


def earlier_feedback(
    portfolio: Portfolio,
    user,
    *,
    competencies: list[Competency],
    levels: list[ProficiencyLevel],
    targets: dict[int, int | None],
) -> MergedResult | None:
    """For a portfolio that is a draft again after "not yet": the released result of the
    latest released round, with every examiner's feedback per competency (five queries).
    None when the latest released round did not end in "not yet"."""
    latest = (
        Assessment.objects.filter(portfolio=portfolio, status=Assessment.Status.RELEASED)
        .with_effective_result()
        .select_related("snapshot", "portfolio__review_moment__version__framework")
        .order_by("-snapshot__number")
        .first()
    )
    if latest is None or latest.effective_verdict != Verdict.NOT_YET:
        return None
    return merged_result(latest, user, competencies=competencies, levels=levels, targets=targets)
