"""The cohort progress report for administrators (subject: a cohort).

One row per student with the key figures (status, supervisor, hours, coaching hours, evidence,
the portfolio and assessment of every review moment, thesis status and overdue milestones) and
the cohort's aggregates. ``gather`` runs a fixed number of queries whatever the cohort's size:
sums and counts are subqueries on the enrolments, portfolios and assessments come in one query
each. The fingerprint is the hash of the report's HTML (without font paths).
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cohorts.access import is_admin
from cohorts.models import Attendance, Cohort, Enrolment
from competencies.models import Assessment, Evidence, LearningActivity, Portfolio, Verdict
from curriculum.models import ReviewMoment
from thesis.models import Milestone, ThesisProject

from . import Output, hash_of

TEMPLATE = "pdf/cohort.html"
TOTAL = DecimalField(max_digits=12, decimal_places=2)
ZERO = Decimal("0.00")


def allowed(user, cohort: Cohort) -> bool:
    return is_admin(user)


@dataclass
class MomentCell:
    """One student's portfolio for one review moment, with its latest assessment round."""

    state: str  # not_started, draft, submitted, assessed
    assessment_status: str = ""
    verdict: str = ""
    grade: Decimal | None = None
    round: int | None = None

    @property
    def state_label(self) -> str:
        if self.state == "not_started":
            return _("Not started")
        return str(Portfolio.Status(self.state).label)

    @property
    def assessment_label(self) -> str:
        if self.assessment_status == Assessment.Status.RELEASED and self.verdict:
            return str(Verdict(self.verdict).label)
        if self.assessment_status:
            return str(Assessment.Status(self.assessment_status).label)
        return ""


@dataclass
class Row:
    enrolment: Enrolment
    supervisor: object | None
    hours: Decimal
    coaching_hours: Decimal
    evidence: int
    moments: list[MomentCell]
    thesis_status: str
    overdue: int

    @property
    def thesis_label(self) -> str:
        if not self.thesis_status:
            return _("No project yet")
        return str(ThesisProject.Status(self.thesis_status).label)


@dataclass
class CohortData:
    cohort: Cohort
    today: datetime.date
    moments: list[ReviewMoment]
    rows: list[Row]
    status_counts: list[tuple[str, int]] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    moment_totals: list[dict] = field(default_factory=list)


def _sum_per_enrolment(queryset, link: str = "enrolment"):
    """A subquery: the hours of ``queryset`` for the outer enrolment (0 when none)."""
    total = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Sum("hours", output_field=TOTAL))
        .values("total")[:1]
    )
    return Coalesce(Subquery(total, output_field=TOTAL), Value(ZERO), output_field=TOTAL)


def _count_per_enrolment(queryset, link: str):
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def gather(cohort: Cohort, *, today: datetime.date | None = None) -> CohortData:
    """Rows and aggregates of ``cohort`` in six queries, whatever its size."""
    today = today or timezone.localdate()
    cohort = Cohort.objects.select_related("curriculum_version__programme").get(pk=cohort.pk)
    activities = LearningActivity.objects.filter(date__lte=today)
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("student")
        .with_current_supervisor()
        .annotate(
            activity_hours=_sum_per_enrolment(activities),
            attendance_hours=_sum_per_enrolment(
                Attendance.objects.filter(session__date__lte=today)
            ),
            coaching_hours=_sum_per_enrolment(activities.client_hours()),
            evidence_count=_count_per_enrolment(Evidence.objects.all(), "enrolment"),
            thesis_status=F("thesis__status"),
            overdue_count=_count_per_enrolment(
                Milestone.objects.overdue(today), "project__enrolment"
            ),
        )
        .order_by("student__family_name", "student__given_name", "student_number")
    )
    supervisors = get_user_model().objects.in_bulk(
        {e.supervisor_id for e in enrolments if e.supervisor_id}
    )
    moments = (
        list(
            ReviewMoment.objects.filter(version_id=cohort.curriculum_version_id).order_by(
                "position", "year", "code"
            )
        )
        if cohort.curriculum_version_id
        else []
    )
    states = {
        (p["enrolment_id"], p["review_moment_id"]): p["status"]
        for p in Portfolio.objects.filter(enrolment__cohort=cohort).values(
            "enrolment_id", "review_moment_id", "status"
        )
    }
    latest: dict[tuple[int, int], dict] = {}
    for assessment in (
        Assessment.objects.for_cohort(cohort)
        .exclude(status=Assessment.Status.WITHDRAWN)
        .with_effective_result()
        .order_by("created_at", "pk")
        .values(
            "portfolio__enrolment_id",
            "portfolio__review_moment_id",
            "status",
            "effective_verdict",
            "effective_grade",
            "snapshot__number",
        )
    ):
        key = (assessment["portfolio__enrolment_id"], assessment["portfolio__review_moment_id"])
        latest[key] = assessment  # ordered by date: the last one wins

    rows = []
    for enrolment in enrolments:
        cells = []
        for moment in moments:
            key = (enrolment.pk, moment.pk)
            cell = MomentCell(state=states.get(key, "not_started"))
            assessment = latest.get(key)
            if assessment is not None:
                released = assessment["status"] == Assessment.Status.RELEASED
                cell.assessment_status = assessment["status"]
                cell.verdict = (assessment["effective_verdict"] or "") if released else ""
                cell.grade = assessment["effective_grade"] if released else None
                cell.round = assessment["snapshot__number"]
            cells.append(cell)
        rows.append(
            Row(
                enrolment=enrolment,
                supervisor=supervisors.get(enrolment.supervisor_id),
                hours=enrolment.activity_hours + enrolment.attendance_hours,
                coaching_hours=enrolment.coaching_hours,
                evidence=enrolment.evidence_count,
                moments=cells,
                thesis_status=enrolment.thesis_status or "",
                overdue=enrolment.overdue_count,
            )
        )
    data = CohortData(cohort=cohort, today=today, moments=moments, rows=rows)
    _aggregate(data)
    return data


def _mean(values) -> Decimal:
    values = list(values)
    return (sum(values, ZERO) / len(values)).quantize(Decimal("0.01")) if values else ZERO


def _aggregate(data: CohortData) -> None:
    rows = data.rows
    by_status = Counter(row.enrolment.status for row in rows)
    data.status_counts = [
        (str(label), by_status.get(value, 0)) for value, label in Enrolment.Status.choices
    ]
    data.totals = {
        "students": len(rows),
        "hours": sum((row.hours for row in rows), ZERO),
        "hours_mean": _mean(row.hours for row in rows),
        "hours_median": (
            Decimal(statistics.median(row.hours for row in rows)).quantize(Decimal("0.01"))
            if rows
            else ZERO
        ),
        "coaching_hours": sum((row.coaching_hours for row in rows), ZERO),
        "coaching_hours_mean": _mean(row.coaching_hours for row in rows),
        "evidence": sum(row.evidence for row in rows),
        "evidence_mean": (
            Decimal(sum(row.evidence for row in rows) / len(rows)).quantize(Decimal("0.1"))
            if rows
            else Decimal("0.0")
        ),
        "theses": sum(1 for row in rows if row.thesis_status),
        "overdue": sum(row.overdue for row in rows),
        "students_overdue": sum(1 for row in rows if row.overdue),
    }
    data.moment_totals = []
    for index, moment in enumerate(data.moments):
        cells = [row.moments[index] for row in rows]
        states = Counter(cell.state for cell in cells)
        verdicts = Counter(cell.verdict for cell in cells if cell.verdict)
        data.moment_totals.append(
            {
                "moment": moment,
                "not_started": states.get("not_started", 0),
                "draft": states.get("draft", 0),
                "submitted": states.get("submitted", 0),
                "assessed": states.get("assessed", 0),
                "being_assessed": sum(
                    1
                    for cell in cells
                    if cell.assessment_status
                    in (Assessment.Status.OPEN, Assessment.Status.RECONCILING)
                ),
                "verdicts": [
                    (str(label), verdicts.get(value, 0)) for value, label in Verdict.choices
                ],
            }
        )


def html(cohort: Cohort, *, today: datetime.date | None = None, static: str = "") -> str:
    data = gather(cohort, today=today)
    context = {
        "data": data,
        "cohort": data.cohort,
        "version": data.cohort.curriculum_version,
        "today": data.today,
        "pdf_static": static,
        "LANGUAGE_CODE": translation.get_language(),
    }
    return render_to_string(TEMPLATE, context)


def fingerprint(cohort: Cohort, language: str) -> str:
    with translation.override(language):
        return hash_of({"kind": "cohort", "language": language, "html": html(cohort)})


def slug(cohort: Cohort) -> str:
    """``2025–2027`` gives ``2025-2027`` (dashes kept, as in the name)."""
    return slugify(cohort.name.replace("–", "-").replace("—", "-")) or str(cohort.pk)


def filename(cohort: Cohort) -> str:
    return f"cohort-{slug(cohort)}.pdf"


def render(job, progress) -> Output:
    from ..pdf import STATIC_URL, render_pdf

    cohort = job.cohort
    progress(10, _("Collecting the figures of every student"))
    document = html(cohort, static=STATIC_URL)
    progress(50, _("Laying out the pages"))
    title = _("Progress of cohort %(name)s") % {"name": cohort.name}
    rendered = render_pdf(document, title=title)
    return Output(content=rendered.content, filename=filename(cohort), pages=rendered.pages)
