"""The link between the approved final thesis and its assessment.

The final thesis and the defence are assessed with the portfolio assessment machinery, at
the review moment ``thesis-defence`` (``services.THESIS_REVIEW_MOMENT``): two examiners, a
rubric per competency and a Dutch grade. For the examiners to see the thesis, it must be
evidence in the student's thesis-defence portfolio. ``add_thesis_as_evidence`` makes the
approved final version a piece of evidence of the student (the same bytes, copied to the
evidence storage), which the student then selects in that portfolio on the usual screens.

It is done once per approved file: the evidence is found again by its content hash, so a
second call (or a second click) returns the same evidence. A new final version approved
after a reopening gives a new piece of evidence; the earlier one stays, because a submitted
portfolio may refer to it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from competencies.models import Evidence
from competencies.snapshots import hash_stored_file
from competencies.uploads import private_storage

from .access import STUDENT, SUPERVISOR, capacities
from .models import Milestone, MilestoneKind, MilestoneVersion, ThesisProject, VersionReview

TITLE_LENGTH = Evidence._meta.get_field("title").max_length


def approved_final_version(project: ThesisProject) -> MilestoneVersion | None:
    """The version of the final thesis the supervisor approved (None unless the final
    milestone is approved now)."""
    final = project.milestones.filter(kind=MilestoneKind.FINAL).first()
    if final is None or final.status != Milestone.Status.APPROVED:
        return None
    return (
        final.versions.filter(reviews__decision=VersionReview.Decision.APPROVED)
        .order_by("-number")
        .first()
    )


def thesis_evidence(project: ThesisProject) -> Evidence | None:
    """The evidence made from the approved final version, if it has been made."""
    version = approved_final_version(project)
    if version is None:
        return None
    return _existing(project, version)


def _existing(project: ThesisProject, version: MilestoneVersion) -> Evidence | None:
    return (
        Evidence.objects.filter(enrolment_id=project.enrolment_id, sha256=version.sha256)
        .exclude(file="")
        .order_by("created_at", "pk")
        .first()
    )


def _title(project: ThesisProject, version: MilestoneVersion) -> str:
    title = _("Master thesis: %(title)s (final version %(number)s)") % {
        "title": project.working_title,
        "number": version.number,
    }
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1].rstrip() + "…"
    return title


def _missing_file() -> str:
    return _(
        "The stored final thesis can't be read or no longer matches the version that was "
        "handed in. Ask the programme administration for help."
    )


@transaction.atomic
def add_thesis_as_evidence(*, project: ThesisProject, by) -> Evidence:
    """Makes the approved final thesis a piece of the student's evidence (once).

    The student or their current supervisor may do it; anybody else gets ``PermissionDenied``.
    Refused with ``ValidationError`` while the final thesis is not approved. The file is
    copied byte for byte to a new name in the evidence storage, and checked against the hash
    recorded when the student handed it in.
    """
    if not capacities(by, project) & {STUDENT, SUPERVISOR}:
        raise PermissionDenied
    # One at a time per project: a double click finds the evidence the first one made.
    final = (
        Milestone.objects.select_for_update()
        .filter(project=project, kind=MilestoneKind.FINAL)
        .first()
    )
    if final is None or final.status != Milestone.Status.APPROVED:
        raise ValidationError(
            _("The final thesis can be added to your evidence once your supervisor approved it.")
        )
    version = approved_final_version(project)
    if version is None:
        raise ValidationError(_("The final thesis has no approved version."))
    existing = _existing(project, version)
    if existing is not None:
        return existing

    student = project.enrolment.student
    with translation.override(student.preferred_language):
        approved_on = formats.date_format(
            final.approved_at.date() if final.approved_at else version.uploaded_at.date(),
            "DATE_FORMAT",
        )
        evidence = Evidence(
            enrolment_id=project.enrolment_id,
            kind=Evidence.Kind.DOCUMENT,
            title=_title(project, version),
            text=_("The final version of my master thesis, approved by my supervisor on %(date)s.")
            % {"date": approved_on},
            original_name=version.original_name,
            content_type=version.content_type,
            size=version.size,
            sha256=version.sha256,
        )
    try:
        with version.file.open("rb") as source:
            evidence.file.save(version.original_name, File(source), save=False)
    except OSError as error:
        raise ValidationError(_missing_file()) from error
    try:
        sha256, size = hash_stored_file(evidence.file.name)
        if sha256 != version.sha256 or size != version.size:
            raise ValidationError(_missing_file())
        evidence.save()
    except BaseException:
        private_storage().delete(evidence.file.name)
        raise
    return evidence
