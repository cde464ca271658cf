"""The examiner's pages: the queue of what waits for me (and what I assessed before, and the
feedback students asked me for), the assessment form with its automatic drafts and the
signed submission, and the judgements of an assessment as a spreadsheet.

Who sees what: ``get_assessment_for`` decides who may open an assessment (404 otherwise); the
form is for its examiners only (``get_examination_for``: 404 for anyone else); writes by
someone who may see the assessment but does not examine it answer 403. Other examiners'
judgements are read only through ``Examiner.objects.visible_to``: an examiner sees them once
their own is submitted.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, OuterRef, Prefetch, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role
from coachmaster.messages import error_messages
from coachmaster.uploads import content_disposition
from cohorts.exports import to_csv

from ..access import get_assessment_for, get_examination_for
from ..forms.judging import JudgementForm, QueueFilterForm, SignForm
from ..models import (
    Approval,
    Assessment,
    Examiner,
    FeedbackThread,
    Indicator,
    Judgement,
    ProficiencyLevel,
    Verdict,
)
from ..services import judging as services
from ..services.assessment import examiner_of
from ..snapshots import present, rendered_work

# A page of the queue: each row builds eight model instances and a link; the pagination below
# the table reaches the rest (with htmx, without reloading the page).
PER_PAGE = 50
FEEDBACK_REQUESTS_SHOWN = 20

STATE_LABELS = {
    "to_assess": gettext_lazy("To assess"),
    "draft_saved": gettext_lazy("Draft saved"),
    "waiting": gettext_lazy("Waiting for the other examiners"),
    "to_reconcile": gettext_lazy("To reconcile"),
    "ready_to_release": gettext_lazy("Ready to release"),
}
# My own judgement is still to do (or to read back): the form; otherwise the assessment.
FORM_STATES = {"to_assess", "draft_saved", "waiting"}


# --- the queue --------------------------------------------------------------------------------

# What a row of the queue shows, and nothing more: a page of rows builds eight model instances
# per row, so unused columns cost.
ASSESSMENT_COLUMNS = ("uuid", "status", "due_on", "portfolio_id", "snapshot_id")
ROW_COLUMNS = (
    "snapshot__number",
    "snapshot__submitted_at",
    "portfolio__enrolment_id",
    "portfolio__review_moment_id",
    "portfolio__enrolment__cohort_id",
    "portfolio__enrolment__student_id",
    "portfolio__enrolment__student__given_name",
    "portfolio__enrolment__student__name_prefix",
    "portfolio__enrolment__student__family_name",
    "portfolio__enrolment__cohort__name",
    "portfolio__review_moment__name_nl",
    "portfolio__review_moment__name_en",
)


def _with_state(examiners):
    """Annotates ``state``: where the examiner stands with the assessment (see STATE_LABELS).
    The result is "ready to release" once every examiner approved its current revision."""
    approvals = (
        Approval.objects.filter(
            assessment=OuterRef("assessment"), revision=OuterRef("assessment__revision")
        )
        .order_by()
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    colleagues = (
        Examiner.objects.filter(assessment=OuterRef("assessment"))
        .order_by()
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return examiners.annotate(
        approvals_count=Coalesce(Subquery(approvals), 0),
        examiners_count=Subquery(colleagues),
    ).annotate(
        state=Case(
            When(submitted_at__isnull=True, draft_saved_at__isnull=True, then=Value("to_assess")),
            When(submitted_at__isnull=True, then=Value("draft_saved")),
            When(assessment__status=Assessment.Status.OPEN, then=Value("waiting")),
            When(
                assessment__revision__gt=0,
                approvals_count__gte=F("examiners_count"),
                then=Value("ready_to_release"),
            ),
            default=Value("to_reconcile"),
        )
    )


def _page(request: HttpRequest, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@require_safe
@role_required(Role.LECTURER)
def assessment_queue(request: HttpRequest) -> HttpResponse:
    """What waits for me as an examiner, by due date; with ``?show=done`` what I assessed
    before. Both list only my own examinations."""
    user = request.user
    filters = QueueFilterForm(request.GET or None, user=user)
    show_done = request.GET.get("show") == "done"
    if show_done:
        assessments = filters.apply(
            Assessment.objects.with_effective_result()
            .filter(
                examiners__user=user,
                status__in=[Assessment.Status.RELEASED, Assessment.Status.WITHDRAWN],
            )
            .select_related(
                "snapshot",
                "portfolio__enrolment__student",
                "portfolio__enrolment__cohort",
                "portfolio__review_moment",
            )
            .only(*ASSESSMENT_COLUMNS, "released_at", *ROW_COLUMNS)
            .order_by(F("released_at").desc(nulls_last=True), "-created_at", "-pk"),
            prefix="",
        )
        page, query = _page(request, assessments)
        verdicts = dict(Verdict.choices)
        for assessment in page:
            assessment.effective_verdict_label = verdicts.get(assessment.effective_verdict, "")
    else:
        examiners = filters.apply(
            _with_state(
                Examiner.objects.filter(
                    user=user,
                    assessment__status__in=[
                        Assessment.Status.OPEN,
                        Assessment.Status.RECONCILING,
                    ],
                )
            )
            .select_related(
                "assessment__snapshot",
                "assessment__portfolio__enrolment__student",
                "assessment__portfolio__enrolment__cohort",
                "assessment__portfolio__review_moment",
            )
            .only(
                "assessment_id",
                "draft_saved_at",
                "submitted_at",
                *(f"assessment__{name}" for name in ASSESSMENT_COLUMNS),
                *(f"assessment__{name}" for name in ROW_COLUMNS),
            )
            .order_by("assessment__due_on", "assessment__created_at", "pk")
        )
        if filters.is_valid() and filters.cleaned_data.get("state"):
            examiners = examiners.filter(state=filters.cleaned_data["state"])
        page, query = _page(request, examiners)
        for examiner in page:
            examiner.state_label = STATE_LABELS[examiner.state]
            examiner.opens_form = examiner.state in FORM_STATES
    threads = list(
        FeedbackThread.objects.visible_to(user)
        .open()
        .filter(lecturer=user)
        .select_related("enrolment__student")
        .order_by("created_at", "pk")[: FEEDBACK_REQUESTS_SHOWN + 1]
    )
    context = {
        "filters": filters,
        "show_done": show_done,
        "page": page,
        "query": query,
        "threads": threads[:FEEDBACK_REQUESTS_SHOWN],
        "more_threads": len(threads) > FEEDBACK_REQUESTS_SHOWN,
    }
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "competencies/assessment/queue.html#results", context)
    return render(request, "competencies/assessment/queue.html", context)


# --- the assessment form ----------------------------------------------------------------------


def _examiner_or_403(request: HttpRequest, assessment: Assessment) -> Examiner:
    examiner = examiner_of(request.user, assessment)
    if examiner is None:
        raise PermissionDenied
    return examiner


def _scale(assessment: Assessment) -> tuple[list, list[ProficiencyLevel], list[Indicator]]:
    """The snapshot's competencies, the framework's levels and those competencies' indicators
    (three queries)."""
    competencies = services.competencies_of(assessment)
    levels = list(
        ProficiencyLevel.objects.filter(
            framework__curriculum_version_id=assessment.portfolio.review_moment.version_id
        ).order_by("rank")
    )
    indicators = list(
        Indicator.objects.filter(competency__in=competencies)
        .select_related("level")
        .order_by("competency", "level__rank", "position", "pk")
    )
    return competencies, levels, indicators


def _form(assessment: Assessment, scale, data=None, initial=None) -> JudgementForm:
    competencies, levels, indicators = scale
    return JudgementForm(
        data,
        initial=initial,
        competencies=competencies,
        levels=levels,
        indicators=indicators,
        grade_required=assessment.portfolio.review_moment.grade_required,
    )


def _context(
    request: HttpRequest,
    assessment: Assessment,
    examiner: Examiner,
    *,
    scale=None,
    form: JudgementForm | None = None,
    sign_form: SignForm | None = None,
    show_problems: bool = False,
) -> dict:
    """Everything the assessment form shows, in a fixed number of queries."""
    scale = scale or _scale(assessment)
    competencies = scale[0]
    judgements = Prefetch(
        "judgements",
        queryset=Judgement.objects.select_related("level", "competency").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.select_related("level"))
        ),
    )
    # The one place that decides whose judgements may be read: my own, and the others' only
    # once mine is submitted.
    visible = list(
        Examiner.objects.visible_to(request.user)
        .filter(assessment=assessment)
        .select_related("user")
        .prefetch_related(judgements)
        .order_by("position")
    )
    mine = next((item for item in visible if item.pk == examiner.pk), examiner)
    mine.assessment = assessment
    # An administrator who also examines reads their colleagues only after submitting too.
    others = [item for item in visible if item.pk != mine.pk] if mine.is_submitted else []
    editable = assessment.status == Assessment.Status.OPEN and not mine.is_submitted
    my_judgements = list(mine.judgements.all())
    if editable and form is None:
        form = _form(assessment, scale, initial=JudgementForm.initial_for(mine, my_judgements))
    form_rows = {row["competency"].pk: row for row in form.rows()} if editable else {}
    data = present(assessment.snapshot.data)
    content = {item["code"]: item for item in data["competencies"]}
    work = rendered_work(assessment.snapshot, data)
    judged = {
        item.pk: {judgement.competency_id: judgement for judgement in item.judgements.all()}
        for item in [mine, *others]
    }
    by_rank = {level.rank: str(level.pk) for level in scale[1]}
    rows = []
    for competency in competencies:
        presented = content.get(competency.code, {})
        rows.append(
            {
                "competency": competency,
                "anchor": f"competency-{competency.pk}",
                "content": presented,
                "work": work.get(competency.code, ""),
                "target_value": by_rank.get(presented.get("target_level")),
                "self_value": by_rank.get(presented.get("self_level")),
                "field": form_rows.get(competency.pk),
                "judgements": [
                    (item, judged[item.pk].get(competency.pk)) for item in [mine, *others]
                ],
            }
        )
    problems = []
    if show_problems and editable:
        problems = services.problems_of(mine, competencies, my_judgements)
    return {
        "assessment": assessment,
        "portfolio": assessment.portfolio,
        "enrolment": assessment.portfolio.enrolment,
        "snapshot": assessment.snapshot,
        "data": data,
        "examiner": mine,
        "others": others,
        "editable": editable,
        "form": form,
        "sign_form": sign_form or SignForm(),
        "rows": rows,
        "problems": problems,
        "grade_required": assessment.portfolio.review_moment.grade_required,
    }


def _form_url(assessment: Assessment) -> str:
    return reverse("competencies:assessment_form", args=[assessment.uuid])


def _render_form(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "competencies/assessment/form.html", context, status=status)


def _save(request: HttpRequest, examiner: Examiner, form: JudgementForm) -> bool:
    """Saves the form's draft; service errors become form errors."""
    if not form.is_valid():
        return False
    try:
        services.save_draft(examiner=examiner, by=request.user, **form.draft())
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@require_http_methods(["GET", "POST"])
@login_required
def assessment_form(request: HttpRequest, assessment_uuid) -> HttpResponse:
    """GET: the submitted portfolio next to my judgement (read-only once signed, with the
    other examiners' judgements). POST: saves the draft (the page without JavaScript)."""
    examiner = get_examination_for(request.user, assessment_uuid)
    assessment = examiner.assessment
    if request.method == "GET":
        return _render_form(request, _context(request, assessment, examiner))
    scale = _scale(assessment)
    form = _form(assessment, scale, data=request.POST)
    if _save(request, examiner, form):
        messages.success(request, _("Your draft is saved."))
        return redirect(_form_url(assessment))
    if not (assessment.status == Assessment.Status.OPEN and not examiner.is_submitted):
        error_messages(request, ValidationError(form.non_field_errors()))
        return redirect(_form_url(assessment))
    return _render_form(
        request, _context(request, assessment, examiner, scale=scale, form=form), status=400
    )


@require_POST
@login_required
def assessment_autosave(request: HttpRequest, assessment_uuid) -> HttpResponse:
    """Saves the draft while the examiner works (htmx): answers with the save status. Without
    htmx, back to the form."""
    assessment = get_assessment_for(request.user, assessment_uuid)
    examiner = _examiner_or_403(request, assessment)
    scale = _scale(assessment)
    form = _form(assessment, scale, data=request.POST)
    saved = _save(request, examiner, form)
    if saved:
        examiner.refresh_from_db(fields=["draft_saved_at"])
    if not request.htmx:
        if saved:
            messages.success(request, _("Your draft is saved."))
            return redirect(_form_url(assessment))
        if not (assessment.status == Assessment.Status.OPEN and not examiner.is_submitted):
            error_messages(request, ValidationError(form.non_field_errors()))
            return redirect(_form_url(assessment))
        context = _context(request, assessment, examiner, scale=scale, form=form)
        return _render_form(request, context, status=400)
    # htmx swaps only successful answers: errors are shown in the status, with status 200.
    errors = [
        f"{form.fields[name].label}: {message}" if name != "__all__" else message
        for name, field_errors in form.errors.items()
        for message in field_errors
    ]
    context = {"examiner": examiner, "saved": saved, "errors": errors}
    return render(request, "competencies/assessment/_judging_status.html", context)


@require_POST
@login_required
def assessment_submit(request: HttpRequest, assessment_uuid) -> HttpResponse:
    """Saves what the form holds, then signs and submits the judgement. What is missing is
    listed on the form, with links to the fields; nothing typed is lost."""
    assessment = get_assessment_for(request.user, assessment_uuid)
    examiner = _examiner_or_403(request, assessment)
    editable = assessment.status == Assessment.Status.OPEN and not examiner.is_submitted
    scale = _scale(assessment)
    form = None
    if editable and "judgement" in request.POST:
        form = _form(assessment, scale, data=request.POST)
        if not _save(request, examiner, form):
            return _render_form(
                request,
                _context(request, assessment, examiner, scale=scale, form=form),
                status=400,
            )
    sign_form = SignForm(request.POST)
    if editable and not sign_form.is_valid():
        context = _context(
            request, assessment, examiner, scale=scale, form=form, sign_form=sign_form
        )
        return _render_form(request, context, status=400)
    try:
        services.submit_judgement(examiner=examiner, by=request.user)
    except ValidationError as error:
        if not editable:
            error_messages(request, error)
            return _back(request, assessment)
        context = _context(
            request, assessment, examiner, scale=scale, form=form, show_problems=True
        )
        if not context["problems"]:
            error_messages(request, error)
        return _render_form(request, context, status=400)
    messages.success(
        request,
        _(
            "Your judgement is signed and submitted. You can read the other examiners' "
            "judgements once they have submitted theirs."
        ),
    )
    return _back(request, assessment)


def _back(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(_form_url(assessment))
    return redirect(_form_url(assessment))


# --- the export -------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    gettext_lazy("examiner"),
    gettext_lazy("examiner number"),
    gettext_lazy("competency"),
    gettext_lazy("level"),
    gettext_lazy("level name"),
    gettext_lazy("indicators observed"),
    gettext_lazy("feedback"),
    gettext_lazy("verdict"),
    gettext_lazy("grade"),
    gettext_lazy("overall feedback"),
    gettext_lazy("submitted at"),
)


@require_safe
@login_required
def assessment_export(request: HttpRequest, assessment_uuid) -> HttpResponse:
    """One row per judgement the user may read (``Examiner.objects.visible_to``), as CSV."""
    assessment = get_assessment_for(request.user, assessment_uuid)
    order = {
        code: n
        for n, code in enumerate(
            c["code"] for c in assessment.snapshot.data.get("competencies", [])
        )
    }
    judgements = Prefetch(
        "judgements",
        queryset=Judgement.objects.select_related("level", "competency").prefetch_related(
            "indicators"
        ),
    )
    examiners = (
        Examiner.objects.visible_to(request.user)
        .filter(assessment=assessment)
        .select_related("user")
        .prefetch_related(judgements)
        .order_by("position")
    )
    verdicts = dict(Verdict.choices)
    rows = []
    for examiner in examiners:
        grade = number_format(examiner.grade, decimal_pos=1) if examiner.grade is not None else ""
        for judgement in sorted(
            examiner.judgements.all(),
            key=lambda j: (order.get(j.competency.code, len(order)), j.competency.code),
        ):
            level = judgement.level
            rows.append(
                [
                    examiner.user.get_full_name(),
                    str(examiner.position),
                    judgement.competency.code,
                    str(level.rank) if level else "",
                    level.name if level else "",
                    "; ".join(indicator.text for indicator in judgement.indicators.all()),
                    judgement.feedback,
                    str(verdicts.get(examiner.verdict, "")),
                    grade,
                    examiner.feedback,
                    examiner.submitted_at.isoformat() if examiner.submitted_at else "",
                ]
            )
    headers = [str(capfirst(column)) for column in EXPORT_COLUMNS]
    response = HttpResponse(to_csv(headers, rows), content_type="text/csv; charset=utf-8")
    portfolio = assessment.portfolio
    filename = (
        f"assessment-{portfolio.enrolment.student_number}-{portfolio.review_moment.code}"
        f"-{assessment.snapshot.number}.csv"
    )
    response["Content-Disposition"] = content_disposition(filename)
    return response


urlpatterns = [
    path("assessments/", assessment_queue, name="assessment_queue"),
    path(
        "assessments/<uuid:assessment_uuid>/assess/",
        assessment_form,
        name="assessment_form",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/assess/autosave/",
        assessment_autosave,
        name="assessment_autosave",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/assess/submit/",
        assessment_submit,
        name="assessment_submit",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/export.csv",
        assessment_export,
        name="assessment_export",
    ),
]
