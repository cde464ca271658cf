"""The portfolios of a whole cohort as one ZIP, for administrators (subject: a cohort).

For every enrolment of the cohort the portfolio PDF of its latest submission (the current
snapshot submitted last, whatever the review moment), made by the portfolio document's
``render_snapshot_pdf``, plus ``manifest.txt``: student, file and SHA-256 of each PDF. The
progress reads "n of m portfolios" as it goes.

The fingerprint covers the snapshots chosen (their content hashes) and their released results,
in one query: a new submission, a release or a correction gives a new ZIP.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.access import is_admin
from cohorts.models import Cohort
from competencies.models import Assessment, PortfolioSnapshot

from . import Output, hash_of
from .cohort import slug

MANIFEST = "manifest.txt"


def allowed(user, cohort: Cohort) -> bool:
    return is_admin(user)


def latest_snapshots(cohort: Cohort) -> list[PortfolioSnapshot]:
    """Per enrolment of ``cohort`` the current snapshot submitted last (one query), in the
    order of the students' names."""
    snapshots = (
        PortfolioSnapshot.objects.filter(
            portfolio__enrolment__cohort=cohort,
            portfolio__current_snapshot=F("pk"),
        )
        .select_related("portfolio__enrolment__student", "portfolio__review_moment")
        .order_by(
            "portfolio__enrolment__student__family_name",
            "portfolio__enrolment__student__given_name",
            "portfolio__enrolment_id",
            "-submitted_at",
            "-pk",
        )
    )
    chosen: dict[int, PortfolioSnapshot] = {}
    for snapshot in snapshots:
        chosen.setdefault(snapshot.portfolio.enrolment_id, snapshot)
    return list(chosen.values())


def fingerprint(cohort: Cohort, language: str) -> str:
    from .portfolio import LAYOUT_VERSION

    released = Assessment.Status.RELEASED
    rows = (
        PortfolioSnapshot.objects.filter(pk__in=[s.pk for s in latest_snapshots(cohort)])
        .annotate(
            released=Count("assessment", filter=Q(assessment__status=released), distinct=True),
            corrections=Count("assessment__corrections", distinct=True),
        )
        .order_by("pk")
        .values_list("pk", "sha256", "released", "corrections", "assessment__released_at")
    )
    return hash_of(
        {
            "kind": "cohort_portfolios",
            "layout": LAYOUT_VERSION,
            "language": language,
            "snapshots": [list(row) for row in rows],
        }
    )


def filename(cohort: Cohort) -> str:
    return f"portfolios-{slug(cohort)}.zip"


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{stem}-{number}.{extension}" if dot else f"{name}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def render(job, progress) -> Output:
    from .portfolio import render_snapshot_pdf

    cohort = job.cohort
    snapshots = latest_snapshots(cohort)
    total = len(snapshots)
    progress(1, _("%(done)s of %(total)s portfolios") % {"done": 0, "total": total})
    now = timezone.localtime().timetuple()[:6]
    buffer = io.BytesIO()
    manifest = [
        _("Portfolios of cohort %(name)s, made on %(date)s")
        % {"name": cohort.name, "date": timezone.localdate().isoformat()},
        "",
        "\t".join([_("Student"), _("Student number"), _("File"), "SHA-256"]),
    ]
    taken: set[str] = {MANIFEST}
    with zipfile.ZipFile(buffer, "w") as archive:
        for done, snapshot in enumerate(snapshots, start=1):
            output = render_snapshot_pdf(snapshot, progress=None)
            name = _unique(output.filename, taken)
            archive.writestr(zipfile.ZipInfo(name, date_time=now), output.content)
            enrolment = snapshot.portfolio.enrolment
            manifest.append(
                "\t".join(
                    [
                        enrolment.student.get_full_name(),
                        enrolment.student_number,
                        name,
                        hashlib.sha256(output.content).hexdigest(),
                    ]
                )
            )
            progress(
                1 + 98 * done // max(total, 1),
                _("%(done)s of %(total)s portfolios") % {"done": done, "total": total},
            )
        if not snapshots:
            manifest.append(_("No student of this cohort has submitted a portfolio."))
        info = zipfile.ZipInfo(MANIFEST, date_time=now)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, "\n".join(manifest) + "\n")
    return Output(content=buffer.getvalue(), filename=filename(cohort), pages=None)
