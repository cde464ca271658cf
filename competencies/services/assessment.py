"""The core of assessment shared by its parts: opening an assessment when a portfolio is
submitted, closing it when the submission is withdrawn, locking, and recording acts.

The parts: ``examiners`` (assigning and proposing examiners), ``judging`` (an examiner's own
draft and submission), ``reconciliation`` (agreeing, releasing, correcting) and ``feedback``
(formative feedback threads). Every write records an ``AssessmentEvent`` in the same
transaction as the change it describes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ..models import Assessment, AssessmentEvent, Examiner, PortfolioSnapshot


def record(
    assessment: Assessment, kind: str, *, by, data: dict | None = None, reason: str = ""
) -> AssessmentEvent:
    """Appends an act to the assessment's record (call inside the writing transaction)."""
    return AssessmentEvent.objects.create(
        assessment=assessment, kind=kind, actor=by, data=data or {}, reason=reason
    )


def lock(assessment: Assessment) -> Assessment:
    """The assessment row, re-read under a row lock (inside a transaction)."""
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("portfolio__review_moment", "snapshot")
        .get(pk=assessment.pk)
    )


def examiner_of(user, assessment: Assessment) -> Examiner | None:
    """``user``'s examiner row on ``assessment``, if they examine it."""
    if not user.is_authenticated:
        return None
    return Examiner.objects.filter(assessment=assessment, user=user).first()


def require_examiner(user, assessment: Assessment) -> Examiner:
    examiner = examiner_of(user, assessment)
    if examiner is None:
        raise PermissionDenied
    return examiner


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_programme_admin or user.is_superuser)


def open_assessment(*, snapshot: PortfolioSnapshot, by) -> Assessment:
    """Called by ``submit_portfolio`` in its transaction: the new round's assessment, due
    ``ASSESSMENT_DAYS`` after submission."""
    due_on = timezone.localdate(snapshot.submitted_at) + datetime.timedelta(
        days=settings.ASSESSMENT_DAYS
    )
    assessment = Assessment.objects.create(
        portfolio=snapshot.portfolio, snapshot=snapshot, due_on=due_on
    )
    record(assessment, AssessmentEvent.Kind.CREATED, by=by, data={"round": snapshot.number})
    return assessment


def close_withdrawn(*, snapshot: PortfolioSnapshot, by) -> None:
    """Called by ``withdraw_submission`` in its transaction: the round's assessment ends."""
    assessment = Assessment.objects.select_for_update().filter(snapshot=snapshot).first()
    if assessment is None:
        return
    assessment.status = Assessment.Status.WITHDRAWN
    assessment.save(update_fields=["status"])
    record(assessment, AssessmentEvent.Kind.WITHDRAWN, by=by, data={"round": snapshot.number})
