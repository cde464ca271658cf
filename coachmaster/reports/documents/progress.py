"""The student progress report (subject: an enrolment).

Where a student stands on one date: the claimed competency levels against the targets of the
current review moment (the dashboard's chart), the programme's modules with their credits, the
hours ledger by kind, system level and role, the thesis milestones and the portfolio of every
review moment. Everything comes from the functions the dashboards use (``competencies.progress``,
``competencies.ledger``, ``Portfolio.objects.statuses_for``); nothing is computed twice.

The fingerprint is the hash of the report's HTML without its font paths, so it changes exactly
when something the report shows changes (including the date it is made on).
"""

from __future__ import annotations

import datetime
import re

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cohorts.models import Enrolment
from competencies import ledger as ledgers
from competencies import progress as student_progress
from competencies.models import SystemLevel
from competencies.models.log import EnactedRole
from thesis.models import ThesisProject

from . import Output, hash_of

TEMPLATE = "pdf/progress.html"


def allowed(user, enrolment: Enrolment) -> bool:
    """The student, their supervisor, the cohort's lecturers and administrators."""
    return Enrolment.objects.visible_to(user).filter(pk=enrolment.pk).exists()


def gather(enrolment: Enrolment, *, today: datetime.date | None = None) -> dict:
    """The template context of the report (a fixed number of queries)."""
    today = today or timezone.localdate()
    enrolment = Enrolment.objects.select_related(
        "student",
        "cohort__curriculum_version__programme",
        "cohort__curriculum_version__framework",
    ).get(pk=enrolment.pk)
    shown = student_progress.dashboard(enrolment, today=today)
    windows = shown["ledgers"]
    unspecified = _("Not recorded")
    hours = [
        (_("All hours by kind"), ledgers.by_kind_rows(windows, "all_by_kind")),
        (_("Client hours by kind"), ledgers.by_kind_rows(windows, "client_by_kind")),
        (
            _("Client hours by system level"),
            ledgers.choice_rows(windows, "by_system_level", SystemLevel.choices, unspecified),
        ),
        (
            _("Client hours by role"),
            ledgers.choice_rows(windows, "by_role", EnactedRole.choices, unspecified),
        ),
    ]
    version = enrolment.cohort.curriculum_version
    years = version.year_overview() if version is not None else []
    project = (
        ThesisProject.objects.filter(enrolment=enrolment)
        .select_related("approach")
        .prefetch_related("milestones")
        .first()
    )
    milestones = (
        [(milestone, milestone.is_overdue(today)) for milestone in project.milestones.all()]
        if project is not None
        else []
    )
    return {
        "enrolment": enrolment,
        "student": enrolment.student,
        "cohort": enrolment.cohort,
        "version": version,
        "today": today,
        "statuses": shown["statuses"],
        "current": shown["current"],
        "progress": shown["progress"],
        "max_rank": shown["max_rank"],
        "chart_height": shown["chart_height"],
        "ledgers": windows,
        "hours_sections": hours,
        "roles": shown["roles"],
        "years": years,
        "ec_total": sum((year["total"] for year in years), 0),
        "project": project,
        "milestones": milestones,
        "overdue_count": sum(1 for _milestone, overdue in milestones if overdue),
    }


def html(enrolment: Enrolment, *, today: datetime.date | None = None, static: str = "") -> str:
    context = gather(enrolment, today=today)
    context["pdf_static"] = static
    context["LANGUAGE_CODE"] = translation.get_language()
    return render_to_string(TEMPLATE, context)


def fingerprint(enrolment: Enrolment, language: str) -> str:
    with translation.override(language):
        return hash_of({"kind": "progress", "language": language, "html": html(enrolment)})


def filename(enrolment: Enrolment) -> str:
    number = re.sub(r"[^\w.-]+", "-", enrolment.student_number).strip("-") or str(enrolment.pk)
    return f"progress-{number}.pdf"


def render(job, progress) -> Output:
    from ..pdf import STATIC_URL, render_pdf

    enrolment = job.enrolment
    progress(10, _("Collecting the student's progress"))
    document = html(enrolment, static=STATIC_URL)
    progress(50, _("Laying out the pages"))
    title = _("Progress report of %(name)s") % {"name": enrolment.student.get_full_name()}
    rendered = render_pdf(document, title=title)
    return Output(content=rendered.content, filename=filename(enrolment), pages=rendered.pages)
