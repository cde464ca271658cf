"""The administrator's assessment pages: the overview of every assessment, assigning and
removing examiners, and the complete record of an assessment.

Programme administrators only. The overview is a page of their role (403 for others, as
every role page); an assessment's examiners and history answer 404 to everyone else, whether
or not they may open the assessment itself (examiners and the student use the hub page).
These pages show who examines and whether they have started or submitted, never what an
examiner judged: that is read only through ``Examiner.objects.visible_to``, on the hub.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from coachmaster.accounts.access import role_required
from coachmaster.accounts.models import Role
from coachmaster.messages import error_messages

from ..access import get_assessment_for
from ..forms.examiners import AssessmentFilterForm, AssignExaminersForm
from ..models import (
    Assessment,
    AssessmentEvent,
    Competency,
    Correction,
    Examiner,
    ProficiencyLevel,
    Verdict,
)
from ..services import examiners as services
from ..services.assessment import is_admin

ASSESSMENTS_PER_PAGE = 50


def get_assessment_for_admin(user, assessment_uuid) -> Assessment:
    """The assessment for its administrator's pages; 404 for anyone else."""
    if not is_admin(user):
        raise Http404
    return get_assessment_for(user, assessment_uuid)


# --- the overview ---------------------------------------------------------------------------


def _overview(request: HttpRequest, data) -> dict:
    filters = AssessmentFilterForm(data or None)
    assessments = filters.apply(
        services.with_examiner_counts(
            Assessment.objects.exclude(status=Assessment.Status.WITHDRAWN)
        )
    )
    return {"filters": filters, "assessments": assessments}


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.PROGRAMME_ADMIN)
def assessment_admin(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _assign_proposed(request)
    context = _overview(request, request.GET)
    assessments = (
        context["assessments"]
        .select_related(
            "snapshot",
            "portfolio__enrolment__student",
            "portfolio__enrolment__cohort",
            "portfolio__review_moment",
        )
        .defer("snapshot__data")
        .prefetch_related(
            Prefetch(
                "examiners",
                queryset=Examiner.objects.select_related("user").order_by("position"),
                to_attr="examiner_list",
            )
        )
        .order_by("due_on", "created_at", "pk")
    )
    page = Paginator(assessments, ASSESSMENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        page=page,
        query=query.urlencode(),
        needing=services.needing_examiners(context["assessments"]).count(),
        today=timezone.localdate(),
    )
    if request.htmx and request.htmx.target == "assessments":
        return render(request, "competencies/assessment/manage.html#assessments", context)
    return render(request, "competencies/assessment/manage.html", context)


def _assign_proposed(request: HttpRequest) -> HttpResponse:
    """The bulk action: the proposal for every assessment of the filter that needs it."""
    context = _overview(request, request.POST)
    query = context["filters"].data.copy()
    for name in ("csrfmiddlewaretoken", "page"):
        query.pop(name, None)
    back = reverse("competencies:assessment_admin") + (f"?{query.urlencode()}" if query else "")
    needing = (
        services.needing_examiners(context["assessments"])
        .select_related("portfolio__enrolment", "portfolio__review_moment")
        .order_by("due_on", "created_at", "pk")
    )
    try:
        count = services.assign_proposed(assessments=list(needing), by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "Examiners were assigned to %(count)s assessment.",
                    "Examiners were assigned to %(count)s assessments.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("No assessment could be given examiners."))
        left = services.needing_examiners(context["assessments"]).count()
        if left:
            messages.warning(
                request,
                ngettext(
                    "%(count)s assessment still needs examiners: not enough lecturers of its "
                    "cohort examine. Assign them to the cohort first.",
                    "%(count)s assessments still need examiners: not enough lecturers of their "
                    "cohort examine. Assign them to the cohort first.",
                    left,
                )
                % {"count": left},
            )
    if request.htmx:
        return HttpResponseClientRedirect(back)
    return redirect(back)


# --- one assessment's examiners -------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assessment_examiners(request: HttpRequest, assessment_uuid) -> HttpResponse:
    assessment = get_assessment_for_admin(request.user, assessment_uuid)
    eligible = services.eligible_examiners(assessment)
    supervisor_id = services.supervisor_of(assessment)
    proposal = services.propose_examiners(assessment=assessment)
    form = AssignExaminersForm(
        request.POST if request.method == "POST" else None,
        eligible=eligible,
        supervisor_id=supervisor_id,
        initial={"users": [user.uuid for user in proposal]},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                examiners = services.assign_examiners(
                    assessment=assessment, users=form.chosen(), by=request.user
                )
            except ValidationError as error:
                error_messages(request, error)
                status = 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(names)s is assigned and will receive an e-mail.",
                        "%(names)s are assigned and will receive an e-mail.",
                        len(examiners),
                    )
                    % {"names": ", ".join(e.user.get_full_name() for e in examiners)},
                )
                return redirect("competencies:assessment_examiners", assessment.uuid)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            status = 400
    examiners = assessment.examiners.select_related("user", "assigned_by").order_by("position")
    context = {
        "assessment": assessment,
        "portfolio": assessment.portfolio,
        "enrolment": assessment.portfolio.enrolment,
        "examiners": examiners,
        "form": form,
        "proposal": proposal,
        "needed": services.needs_examiners(assessment),
        "wanted": services.examiners_wanted(assessment),
        "can_assign": assessment.status in services.OPEN_STATUSES,
        "supervisor_id": supervisor_id,
    }
    return render(request, "competencies/assessment/examiners.html", context, status=status)


@require_POST
@login_required
def assessment_examiner_remove(
    request: HttpRequest, assessment_uuid, examiner_uuid
) -> HttpResponse:
    assessment = get_assessment_for_admin(request.user, assessment_uuid)
    examiner = get_object_or_404(assessment.examiners.select_related("user"), uuid=examiner_uuid)
    try:
        services.remove_examiner(examiner=examiner, by=request.user)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is no longer an examiner of this portfolio.")
            % {"name": examiner.user.get_full_name()},
        )
    back = reverse("competencies:assessment_examiners", args=[assessment.uuid])
    if request.htmx:
        return HttpResponseClientRedirect(back)
    return redirect(back)


# --- the record -----------------------------------------------------------------------------


@dataclass
class Detail:
    label: str
    value: Any
    markdown: bool = False


@dataclass
class HistoryLine:
    kind: str
    label: str
    actor: Any
    at: datetime.datetime
    details: list[Detail] = field(default_factory=list)
    reason: str = ""
    # Consecutive draft saves by one examiner, shown as one line.
    drafts: list[AssessmentEvent] = field(default_factory=list)

    @property
    def last_at(self) -> datetime.datetime:
        return self.drafts[-1].at if self.drafts else self.at


def _grade(value) -> str:
    try:
        return formats.number_format(Decimal(str(value)), 1, use_l10n=True)
    except (InvalidOperation, ValueError):
        return str(value)


def _date(value) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def _datetime(value) -> str:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _judgements(value) -> list[Detail]:
    """An examiner's judgement as the record holds it (``judging.content_of``): per
    competency code the level's rank, the indicators observed and the feedback."""
    details = []
    for code, judged in (value or {}).items():
        if not isinstance(judged, dict):
            details.append(Detail(code, str(judged)))
            continue
        level = judged.get("level")
        summary = _("level %(rank)s") % {"rank": level} if level else _("no level yet")
        count = len(judged.get("indicators") or [])
        summary += "; " + ngettext(
            "%(count)s indicator observed", "%(count)s indicators observed", count
        ) % {"count": count}
        feedback = judged.get("feedback") or ""
        details.append(Detail(code, f"{summary}\n\n{feedback}".strip(), markdown=True))
    return details


def _verdict(value) -> str:
    return Verdict(value).label if value in Verdict.values else str(value)


def _levels(value) -> str:
    """``{"IC1": 3}`` or ``{"IC1": {"rank": 3, "name": "…"}}``: "IC1: 3 (…), …"."""
    if not isinstance(value, dict):
        return str(value)
    parts = []
    for code, level in value.items():
        if isinstance(level, dict):
            text = str(level.get("rank", ""))
            if level.get("name"):
                text += f" ({level['name']})"
        else:
            text = str(level)
        parts.append(f"{code}: {text}")
    return ", ".join(parts)


def _names(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _labels() -> dict[str, tuple[str, Any]]:
    """What each key of an event's ``data`` is called, and how its value is shown."""
    text = str
    return {
        "round": (_("Submission"), text),
        "examiner": (_("Examiner"), text),
        "position": (_("Examiner number"), text),
        "examiners": (_("Examiners"), _names),
        "revision": (_("Proposal"), text),
        "verdict": (_("Verdict"), _verdict),
        "final_verdict": (_("Verdict"), _verdict),
        "grade": (_("Grade"), _grade),
        "final_grade": (_("Grade"), _grade),
        "levels": (_("Levels"), _levels),
        "final_levels": (_("Levels"), _levels),
        "discrepancies": (_("Discrepancies"), _names),
        "resubmission_deadline": (_("Resubmit by"), _date),
        "deadline": (_("Resubmit by"), _date),
        "due_on": (_("Assess by"), _date),
        "signed_at": (_("Signed at"), _datetime),
    }


MARKDOWN_KEYS = {"explanation", "joint_explanation", "feedback", "message"}
FLAGS = {
    "reopened": lambda: _(
        "The portfolio is being assessed again: the third examiner judges first."
    ),
    "reconciling": lambda: _("Everyone left has submitted: the examiners can reconcile."),
}
HIDDEN_KEYS = {"user", "examiner_id", "user_id"}


def describe(event: AssessmentEvent) -> list[Detail]:
    """The event's ``data`` as labelled, localised lines."""
    labels = _labels()
    details = []
    for key, value in (event.data or {}).items():
        if key in HIDDEN_KEYS or value in (None, "", [], {}):
            continue
        if key == "competencies":
            details += _judgements(value)
        elif key in FLAGS:
            if value:
                details.append(Detail("", FLAGS[key]()))
        elif key in MARKDOWN_KEYS:
            label = {
                "joint_explanation": _("Joint explanation"),
                "feedback": _("Overall feedback"),
                "message": _("Message"),
            }.get(key, _("Explanation"))
            details.append(Detail(label, value, markdown=True))
        elif key in labels:
            label, show = labels[key]
            details.append(Detail(label, show(value)))
        else:
            details.append(Detail(key.replace("_", " ").capitalize(), _names(value)))
    return details


def history_lines(events: list[AssessmentEvent]) -> list[HistoryLine]:
    """The record in order, consecutive draft saves by the same examiner on one line."""
    lines: list[HistoryLine] = []
    for event in events:
        if event.kind == AssessmentEvent.Kind.DRAFT_SAVED:
            last = lines[-1] if lines else None
            if last and last.drafts and last.actor.pk == event.actor_id:
                last.drafts.append(event)
                continue
            lines.append(
                HistoryLine(
                    kind=event.kind,
                    label=event.get_kind_display(),
                    actor=event.actor,
                    at=event.at,
                    drafts=[event],
                )
            )
            continue
        lines.append(
            HistoryLine(
                kind=event.kind,
                label=event.get_kind_display(),
                actor=event.actor,
                at=event.at,
                details=describe(event),
                reason=event.reason,
            )
        )
    return lines


def correction_details(corrections: list[Correction]) -> list[tuple[Correction, list[Detail]]]:
    """Each correction with what it changed (competencies and levels by name)."""
    competency_ids = {int(c) for correction in corrections for c in correction.levels}
    level_ids = {int(v) for correction in corrections for v in correction.levels.values()}
    competencies = Competency.objects.in_bulk(competency_ids) if competency_ids else {}
    levels = ProficiencyLevel.objects.in_bulk(level_ids) if level_ids else {}
    result = []
    for correction in corrections:
        details = []
        if correction.verdict:
            details.append(Detail(_("Verdict"), correction.get_verdict_display()))
        if correction.grade is not None:
            details.append(Detail(_("Grade"), _grade(correction.grade)))
        for competency_id, level_id in correction.levels.items():
            competency = competencies.get(int(competency_id))
            level = levels.get(int(level_id))
            details.append(
                Detail(
                    competency.code if competency else _("Competency"),
                    f"{level.rank} ({level.name})" if level else str(level_id),
                )
            )
        if correction.explanation:
            details.append(Detail(_("Explanation"), correction.explanation, markdown=True))
        result.append((correction, details))
    return result


@require_safe
@login_required
def assessment_history(request: HttpRequest, assessment_uuid) -> HttpResponse:
    assessment = get_assessment_for_admin(request.user, assessment_uuid)
    events = list(assessment.events.select_related("actor").order_by("at", "pk"))
    corrections = list(assessment.corrections.select_related("by").order_by("at", "pk"))
    context = {
        "assessment": assessment,
        "portfolio": assessment.portfolio,
        "enrolment": assessment.portfolio.enrolment,
        "lines": history_lines(events),
        "event_count": len(events),
        "corrections": correction_details(corrections),
    }
    return render(request, "competencies/assessment/history.html", context)


urlpatterns = [
    path("assessments/manage/", assessment_admin, name="assessment_admin"),
    path(
        "assessments/<uuid:assessment_uuid>/examiners/",
        assessment_examiners,
        name="assessment_examiners",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/examiners/<uuid:examiner_uuid>/remove/",
        assessment_examiner_remove,
        name="assessment_examiner_remove",
    ),
    path(
        "assessments/<uuid:assessment_uuid>/history/",
        assessment_history,
        name="assessment_history",
    ),
]
