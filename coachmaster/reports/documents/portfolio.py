"""The portfolio PDF: a submitted portfolio exactly as it was frozen in its snapshot.

Made from the snapshot's data (never the live portfolio): cover, contents with page numbers,
per competency the self-assessment and the evidence (texts, links as text, files with their
content hashes, claims, learning activities), the overall reflection and development plan, a
list of every file, the released result when there is one (as the student reads it, with
corrections), and the coaching-hours ledger up to the day of submission.

``render_snapshot_pdf`` is public: the cohort batch calls it for each portfolio.
"""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from competencies import ledger as ledgers
from competencies.models import Assessment, PortfolioSnapshot, SystemLevel
from competencies.models.log import EnactedRole
from competencies.snapshots import present

from .. import pdf
from . import Output, hash_of

# Raise when the document's layout changes, so that earlier PDFs are not reused.
LAYOUT_VERSION = 1

Progress = Callable[..., None]


def allowed(user, snapshot: PortfolioSnapshot) -> bool:
    """Whoever may read the portfolio: the student, the cohort's lecturers, the student's
    supervisor, the examiners of any of its rounds, and administrators."""
    if not user.is_authenticated:
        return False
    if user.is_programme_admin or user.is_superuser:
        return True
    return PortfolioSnapshot.objects.visible_to(user).filter(pk=snapshot.pk).exists()


def released_assessment(snapshot: PortfolioSnapshot) -> Assessment | None:
    """The round's assessment once its result is released (``None`` before)."""
    return (
        Assessment.objects.with_effective_result()
        .filter(snapshot=snapshot, status=Assessment.Status.RELEASED)
        .select_related("portfolio__review_moment__version__framework", "snapshot")
        .first()
    )


def _submission_day(snapshot: PortfolioSnapshot):
    return timezone.localdate(snapshot.submitted_at)


def _ledgers(snapshot: PortfolioSnapshot) -> list[ledgers.Ledger]:
    """The hours ledger in each window, every window ending on the day of submission."""
    return ledgers.hours_ledgers(snapshot.portfolio.enrolment, today=_submission_day(snapshot))


def _ledger_figures(windows: list[ledgers.Ledger]) -> list:
    return [
        [
            lg.window,
            lg.client_hours,
            lg.clients,
            lg.paid_clients,
            lg.paid,
            lg.pro_bono,
            lg.individual,
            lg.group,
            lg.all_hours,
            sorted(lg.all_by_kind.items()),
            sorted(lg.by_system_level.items()),
            sorted(lg.by_role.items()),
        ]
        for lg in windows
    ]


def fingerprint(snapshot: PortfolioSnapshot, language: str) -> str:
    """The submission's hash, the released result (with its corrections) and the hours
    ledger: a release or a correction gives a new PDF, nothing else does."""
    assessment = released_assessment(snapshot)
    result = None
    if assessment is not None:
        result = {
            "released_at": assessment.released_at,
            "verdict": assessment.effective_verdict,
            "grade": assessment.effective_grade,
            "corrections": assessment.corrections.count(),
        }
    return hash_of(
        {
            "layout": LAYOUT_VERSION,
            "language": language,
            "snapshot": snapshot.sha256,
            "result": result,
            "hours": _ledger_figures(_ledgers(snapshot)),
        }
    )


def filename(snapshot: PortfolioSnapshot) -> str:
    data = snapshot.data
    number = slugify(data.get("student", {}).get("student_number", "")) or "student"
    moment = slugify(data.get("review_moment", {}).get("code", "")) or "portfolio"
    return f"portfolio-{number}-{moment}-{snapshot.number}.pdf"


def _figure(value) -> str:
    if isinstance(value, int):
        return str(value)
    return number_format(value, decimal_pos=2)


def _hours_sections(windows: list[ledgers.Ledger]) -> list[tuple[str, list]]:
    """(heading, [(label, [figure per window as text])]) for the hours tables."""
    unspecified = _("Not recorded")
    sections = [
        (
            _("Client hours"),
            [
                (_("Client hours"), [lg.client_hours for lg in windows]),
                (_("Clients"), [lg.clients for lg in windows]),
                (_("Paying clients"), [lg.paid_clients for lg in windows]),
                (_("Paid"), [lg.paid for lg in windows]),
                (_("Pro bono"), [lg.pro_bono for lg in windows]),
                (_("Individual clients"), [lg.individual for lg in windows]),
                (_("Groups"), [lg.group for lg in windows]),
            ],
        ),
        (
            _("Client hours by system level"),
            ledgers.choice_rows(windows, "by_system_level", SystemLevel.choices, unspecified),
        ),
        (
            _("Client hours by role"),
            ledgers.choice_rows(windows, "by_role", EnactedRole.choices, unspecified),
        ),
        (
            _("All logged hours by kind"),
            [
                *ledgers.by_kind_rows(windows, "all_by_kind"),
                (_("Total"), [lg.all_hours for lg in windows]),
            ],
        ),
    ]
    return [
        (heading, [(label, [_figure(value) for value in values]) for label, values in rows])
        for heading, rows in sections
    ]


def _result(snapshot: PortfolioSnapshot, data: dict):
    """The released result as the student reads it, with the self-assessed level of each
    competency next to the level reached; ``None`` before release."""
    from competencies.services.reconciliation import merged_result

    assessment = released_assessment(snapshot)
    if assessment is None:
        return None
    result = merged_result(assessment, snapshot.portfolio.enrolment.student)
    own = {item["code"]: item.get("self") for item in data["competencies"]}
    for row in result.rows:
        row.self_level = own.get(row.competency.code)
    return result


def context(snapshot: PortfolioSnapshot) -> dict:
    data = present(snapshot.data)
    windows = _ledgers(snapshot)
    result = _result(snapshot, data)
    title = _("Portfolio %(moment)s: %(name)s") % {
        "moment": data["moment_name"],
        "name": data["student"]["name"],
    }
    return {
        "title": title,
        "snapshot": snapshot,
        "data": data,
        "result": result,
        "windows": windows,
        "hours_sections": _hours_sections(windows),
        "submission_day": _submission_day(snapshot),
        "made_at": timezone.now(),
        "pdf_static": pdf.STATIC_URL,
        "LANGUAGE_CODE": get_language(),
    }


def render_snapshot_pdf(snapshot: PortfolioSnapshot, progress: Progress | None = None) -> Output:
    """The PDF of ``snapshot`` in the active language."""
    report = progress or (lambda percent, text="": None)
    report(10, _("Gathering the portfolio"))
    snapshot = PortfolioSnapshot.objects.select_related(
        "portfolio__enrolment__student", "portfolio__review_moment"
    ).get(pk=snapshot.pk)
    values = context(snapshot)
    report(30, _("Laying out the pages"))
    html = render_to_string("pdf/portfolio.html", values)
    report(50, _("Writing the PDF"))
    rendered = pdf.render_pdf(html, title=values["title"])
    report(95, _("Writing the PDF"))
    return Output(content=rendered.content, filename=filename(snapshot), pages=rendered.pages)


def render(job, progress: Progress) -> Output:
    return render_snapshot_pdf(job.snapshot, progress)
