"""Reconciliation pages: the assessment's hub (status, examiners, the released result with
every examiner's feedback merged per competency, corrections, all rounds), the side-by-side
reconciliation page where examiners agree the final result, approving, asking for a third
examiner, releasing, and correcting a released result.

Who sees what: ``get_assessment_for`` decides who may open an assessment (404 otherwise);
judgements are read only through ``Examiner.objects.visible_to``. The reconciliation page
is for examiners who have submitted (404 before: independence) and, once every examiner has
submitted, for administrators to read. Writes by people who may see but not act: 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coachmaster.messages import error_messages

from ..access import get_assessment_for
from ..forms.reconciliation import (
    ApproveForm,
    CorrectionForm,
    EscalateForm,
    ProposalForm,
    level_field_name,
)
from ..models import Approval, Assessment, Examiner, FinalLevel, Judgement, Verdict
from ..services import reconciliation as services
from ..services.assessment import is_admin


def _examiners(assessment: Assessment) -> list[Examiner]:
    """Who examines (names and whether they have submitted: no judgement content)."""
    return list(assessment.examiners.select_related("user").order_by("position"))


def _mine(examiners: list[Examiner], user) -> Examiner | None:
    return next((examiner for examiner in examiners if examiner.user_id == user.pk), None)


def _all_submitted(examiners: list[Examiner]) -> bool:
    return bool(examiners) and all(examiner.is_submitted for examiner in examiners)


def _approvals(assessment: Assessment) -> list[Approval]:
    if not assessment.revision:
        return []
    return list(
        Approval.objects.filter(assessment=assessment, revision=assessment.revision)
        .select_related("examiner__user")
        .order_by("at", "pk")
    )


# --- the hub --------------------------------------------------------------------------------


@require_safe
@login_required
def assessment_detail(request: HttpRequest, assessment_uuid) -> HttpResponse:
    assessment = get_assessment_for(request.user, assessment_uuid)
    user = request.user
    admin = is_admin(user)
    examiners = _examiners(assessment)
    me = _mine(examiners, user)
    approvals = _approvals(assessment) if assessment.is_active else []
    agreed = services.agreed([e.pk for e in examiners], approvals, assessment.revision)
    reconciling = assessment.status == Assessment.Status.RECONCILING
    context = {
        "assessment": assessment,
        "portfolio": assessment.portfolio,
        "enrolment": assessment.portfolio.enrolment,
        "moment": assessment.portfolio.review_moment,
        "examiners": examiners,
        "me": me,
        "is_admin": admin,
        "approvals": approvals,
        "agreed": agreed,
        "can_assess": me is not None and not me.is_submitted and assessment.is_active,
        "can_reconcile": (me is not None and me.is_submitted)
        or (admin and _all_submitted(examiners)),
        "can_release": reconciling and agreed and (me is not None or admin),
        "can_correct": assessment.is_released and (me is not None or admin),
        "show_escalation": bool(
            assessment.is_active and assessment.escalated_at and (me is not None or admin)
        ),
        "result": services.merged_result(assessment, user) if assessment.is_released else None,
        "rounds": list(
            Assessment.objects.visible_to(user)
            .filter(portfolio=assessment.portfolio)
            .with_effective_result()
            .select_related("snapshot")
            .order_by("snapshot__number")
        ),
    }
    return render(request, "competencies/assessment/detail.html", context)


# --- reconciling ----------------------------------------------------------------------------


def _reconciler(request: HttpRequest, assessment_uuid) -> tuple[Assessment, list, Examiner | None]:
    """The assessment, its examiners and the user's examiner row, for the reconciliation
    pages: examiners who have submitted; administrators once everyone has (404 otherwise)."""
    assessment = get_assessment_for(request.user, assessment_uuid)
    examiners = _examiners(assessment)
    me = _mine(examiners, request.user)
    if me is not None:
        if not me.is_submitted:
            raise Http404
    elif not (is_admin(request.user) and _all_submitted(examiners)):
        raise Http404
    if assessment.status == Assessment.Status.WITHDRAWN:
        raise Http404
    return assessment, examiners, me


def _comparison(assessment: Assessment, user, competencies, levels) -> dict:
    """Side by side per competency: the student's own level and each submitted examiner's
    level, indicators and feedback (read through ``Examiner.objects.visible_to``)."""
    visible = list(
        Examiner.objects.visible_to(user)
        .filter(assessment=assessment, submitted_at__isnull=False)
        .select_related("user")
        .order_by("position")
    )
    by_pk = {examiner.pk: examiner for examiner in visible}
    judgements = list(
        Judgement.objects.filter(examiner__in=list(by_pk))
        .select_related("level")
        .annotate(indicator_count=Count("indicators"))
    )
    for judgement in judgements:
        judgement.examiner = by_pk[judgement.examiner_id]
    found = services.discrepancies(assessment, judgements)
    of = {(j.competency_id, j.examiner_id): j for j in judgements}
    level_by_rank = {level.rank: level for level in levels}
    frozen = {item["code"]: item for item in assessment.snapshot.data.get("competencies", [])}
    rows = []
    for competency in competencies:
        item = frozen.get(competency.code, {})
        spread = found.levels.get(competency.pk)
        rows.append(
            {
                "competency": competency,
                "self_level": level_by_rank.get(item.get("self_level")),
                "target": level_by_rank.get(item.get("target_level")),
                "cells": [
                    (examiner, of.get((competency.pk, examiner.pk))) for examiner in visible
                ],
                "spread": spread,
                "flagged": bool(spread and spread.flagged),
            }
        )
    return {
        "visible_examiners": visible,
        "rows": rows,
        "found": found,
        "flagged_count": len(found.flagged_competencies),
    }


def _proposal_initial(assessment, competencies, found, final_levels) -> dict:
    """The current proposal; before the first one, what the examiners agree on."""
    initial: dict = {"revision": assessment.revision}
    if assessment.revision:
        chosen = {final.competency_id: final.level_id for final in final_levels}
        initial.update(
            verdict=assessment.final_verdict,
            grade=assessment.final_grade,
            explanation=assessment.joint_explanation,
            resubmission_deadline=assessment.resubmission_deadline,
        )
    else:
        chosen = {pk: spread.agreed_level_id for pk, spread in found.levels.items()}
        if found.verdicts and not found.verdicts_differ:
            initial["verdict"] = next(iter(found.verdicts.values()))
        if found.grades and not found.grades_differ:
            initial["grade"] = next(iter(found.grades.values()))
    if initial.get("verdict") == Verdict.NOT_YET or not assessment.revision:
        initial.setdefault("resubmission_deadline", None)
        initial["resubmission_deadline"] = (
            initial["resubmission_deadline"] or services.default_resubmission_deadline()
        )
    for competency in competencies:
        if chosen.get(competency.pk):
            initial[level_field_name(competency)] = str(chosen[competency.pk])
    return initial


def _reconcile_page(
    request: HttpRequest,
    assessment: Assessment,
    examiners: list[Examiner],
    me: Examiner | None,
    *,
    form: ProposalForm | None = None,
    attempt: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    competencies = services.assessed_competencies(assessment)
    levels = list(assessment.portfolio.review_moment.version.framework.levels.all())
    comparison = _comparison(assessment, user, competencies, levels)
    final_levels = list(FinalLevel.objects.filter(assessment=assessment))
    approvals = _approvals(assessment)
    reconciling = assessment.status == Assessment.Status.RECONCILING
    can_propose = reconciling and me is not None
    if can_propose and form is None:
        form = ProposalForm(
            competencies=competencies,
            levels=levels,
            grade_required=assessment.portfolio.review_moment.grade_required,
            initial=_proposal_initial(assessment, competencies, comparison["found"], final_levels),
        )
    levels_by_pk = {level.pk: level for level in levels}
    proposed = {final.competency_id: levels_by_pk.get(final.level_id) for final in final_levels}
    agreed = services.agreed([e.pk for e in examiners], approvals, assessment.revision)
    approved_by_me = me is not None and any(a.examiner_id == me.pk for a in approvals)
    context = {
        "assessment": assessment,
        "portfolio": assessment.portfolio,
        "enrolment": assessment.portfolio.enrolment,
        "moment": assessment.portfolio.review_moment,
        "examiners": examiners,
        "me": me,
        "competencies": competencies,
        **comparison,
        "proposal": [(c, proposed.get(c.pk)) for c in competencies] if final_levels else [],
        "approvals": approvals,
        "waiting_for": [e for e in examiners if not any(a.examiner_id == e.pk for a in approvals)],
        "agreed": agreed,
        "reconciling": reconciling,
        "form": form if can_propose else None,
        "attempt": attempt,
        "can_approve": reconciling
        and me is not None
        and assessment.revision
        and not approved_by_me,
        "can_escalate": reconciling and me is not None and assessment.escalated_at is None,
        "can_release": reconciling and agreed and (me is not None or is_admin(user)),
        "escalate_form": EscalateForm(),
        "is_admin": is_admin(user),
    }
    return render(request, "competencies/assessment/reconcile.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def assessment_reconcile(request: HttpRequest, assessment_uuid) -> HttpResponse:
    """GET: the examiners' judgements side by side and the proposal. POST: propose."""
    assessment, examiners, me = _reconciler(request, assessment_uuid)
    if request.method == "GET":
        return _reconcile_page(request, assessment, examiners, me)
    if me is None:
        raise PermissionDenied
    if assessment.status != Assessment.Status.RECONCILING:
        messages.error(request, _("The result can't be proposed now: see the status below."))
        return _back(assessment, "comparison")
    competencies = services.assessed_competencies(assessment)
    levels = list(assessment.portfolio.review_moment.version.framework.levels.all())
    form = ProposalForm(
        request.POST,
        competencies=competencies,
        levels=levels,
        grade_required=assessment.portfolio.review_moment.grade_required,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.propose_result(
                assessment=assessment,
                levels=form.levels(),
                verdict=data["verdict"],
                grade=data["grade"],
                explanation=data["explanation"],
                resubmission_deadline=data["resubmission_deadline"],
                revision=data["revision"],
                by=request.user,
            )
        except ValidationError as error:
            if any(e.code == services.STALE for e in error.error_list):
                # Someone else's proposal is newer: show it, and what this examiner typed.
                error_messages(request, error)
                assessment.refresh_from_db()
                attempt = {
                    "verdict": Verdict(data["verdict"]).label,
                    "grade": data["grade"],
                    "explanation": data["explanation"],
                }
                return _reconcile_page(
                    request, assessment, examiners, me, attempt=attempt, status=409
                )
            form.add_error(None, error)
    if form.is_valid():
        messages.success(
            request,
            _(
                "Your proposal is saved and counts as your approval. "
                "The other examiners are asked to approve it."
            ),
        )
        return redirect(
            reverse("competencies:assessment_reconcile", args=[assessment.uuid]) + "#proposal"
        )
    assessment.refresh_from_db()
    return _reconcile_page(request, assessment, examiners, me, form=form, status=400)


def _back(assessment: Assessment, anchor: str = "proposal") -> HttpResponse:
    return redirect(
        reverse("competencies:assessment_reconcile", args=[assessment.uuid]) + f"#{anchor}"
    )


@require_POST
@login_required
def assessment_approve(request: HttpRequest, assessment_uuid) -> HttpResponse:
    assessment, _examiners_, me = _reconciler(request, assessment_uuid)
    if me is None:
        raise PermissionDenied
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The proposal to approve is missing: reload the page."))
        return _back(assessment)
    try:
        services.approve_result(
            assessment=assessment, revision=form.cleaned_data["revision"], by=request.user
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("You have approved the proposed result."))
    return _back(assessment)


@require_POST
@login_required
def assessment_escalate(request: HttpRequest, assessment_uuid) -> HttpResponse:
    assessment, _examiners_, me = _reconciler(request, assessment_uuid)
    if me is None:
        raise PermissionDenied
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you cannot agree: the administrator reads it."))
        return _back(assessment, "escalate")
    try:
        services.escalate(
            assessment=assessment, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _(
                "The administrator is asked to add a third examiner. "
                "You can still agree in the meantime."
            ),
        )
    return _back(assessment, "escalate")


@require_POST
@login_required
def assessment_release(request: HttpRequest, assessment_uuid) -> HttpResponse:
    assessment = get_assessment_for(request.user, assessment_uuid)
    try:
        services.release_result(assessment=assessment, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
        if assessment.status == Assessment.Status.RECONCILING:
            return _back(assessment)
    else:
        messages.success(request, _("The result is released: the student can read it now."))
    return redirect("competencies:assessment", assessment.uuid)


# --- correcting -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def assessment_correct(request: HttpRequest, assessment_uuid) -> HttpResponse:
    assessment = get_assessment_for(request.user, assessment_uuid)
    examiners = _examiners(assessment)
    if _mine(examiners, request.user) is None and not is_admin(request.user):
        raise PermissionDenied
    if not assessment.is_released:
        messages.error(request, _("Only a released result can be corrected."))
        return redirect("competencies:assessment", assessment.uuid)
    competencies = services.assessed_competencies(assessment)
    levels = list(assessment.portfolio.review_moment.version.framework.levels.all())
    form = CorrectionForm(
        request.POST if request.method == "POST" else None,
        competencies=competencies,
        levels=levels,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.correct_result(
                    assessment=assessment,
                    reason=data["reason"],
                    verdict=data["verdict"],
                    grade=data["grade"],
                    levels=form.levels(),
                    explanation=data["explanation"],
                    resubmission_deadline=data["resubmission_deadline"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
        if form.is_valid():
            messages.success(
                request, _("The correction is recorded and the student is told about it.")
            )
            return redirect(reverse("competencies:assessment", args=[assessment.uuid]) + "#result")
        status = 400
    context = {
        "assessment": assessment,
        "portfolio": assessment.portfolio,
        "enrolment": assessment.portfolio.enrolment,
        "moment": assessment.portfolio.review_moment,
        "form": form,
        "is_admin": is_admin(request.user),
        "result": services.merged_result(
            assessment, request.user, competencies=competencies, levels=levels
        ),
    }
    return render(request, "competencies/assessment/correct.html", context, status=status)


urlpatterns = [
    path("assessments/<uuid:assessment_uuid>/", assessment_detail, name="assessment"),
    path(
        "assessments/<uuid:assessment_uuid>/reconcile/",
        assessment_reconcile,
        name="assessment_reconcile",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/approve/",
        assessment_approve,
        name="assessment_approve",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/escalate/",
        assessment_escalate,
        name="assessment_escalate",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/release/",
        assessment_release,
        name="assessment_release",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/correct/",
        assessment_correct,
        name="assessment_correct",
    ),
]
