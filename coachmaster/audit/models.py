"""The audit trail: PostgreSQL triggers copy every change to the records that decide a
student's progress into these append-only event tables, with who acted and from which page
(``pghistory``'s context, set by its middleware for requests and by
``coachmaster.history.audit_context`` for commands and tasks).

What is tracked, and only that (``fields``): decisions, who took them and their dates (and the
reason given for a correction), never feedback, notes or other text people wrote, and never an
examiner's draft (examiners judge independently: a judgement is recorded when submitted).
Judgements per competency are not tracked: a submitted one is immutable in the database
(``competencies/immutability.py``) and the agreed levels are (``FinalLevelAudit``).

The triggers are installed after every ``migrate`` (``PGTRIGGER_INSTALL_ON_MIGRATE``); other
databases get the tables but no triggers, so the trail stays empty there.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

from coachmaster.accounts.models import User
from cohorts.models import Enrolment
from competencies.models import Approval, Assessment, Correction, Examiner, FinalLevel
from thesis.models import EthicsReview, Milestone, ThesisProject, VersionReview

INSERT, UPDATE, DELETE = pghistory.InsertEvent, pghistory.UpdateEvent, pghistory.DeleteEvent


def audited(model, fields: list[str], *trackers, name, plural):
    """The abstract event model of ``model``: the ``fields`` copied on every insert, update (of
    those fields) and delete (or on ``trackers``: tracker classes or instances), in the audit
    app, append-only, with the acting context. ``name``, ``plural``: its verbose names (the
    event model inherits this Meta, which holds the append-only trigger)."""
    # A tracker learns its model's fields when set up, so every model gets its own instances.
    trackers = trackers or (INSERT, UPDATE, DELETE)
    return pghistory.create_event_model(
        model,
        *(tracker() if isinstance(tracker, type) else tracker for tracker in trackers),
        fields=fields,
        app_label="audit",
        append_only=True,
        meta={"verbose_name": name, "verbose_name_plural": plural},
        # No reverse accessor on the watched model: the trail is read here, not from there.
        obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
    )


class UserRoleAudit(
    audited(
        User,
        [
            "is_student",
            "is_lecturer",
            "is_supervisor",
            "is_programme_admin",
            "is_superuser",
            "is_active",
        ],
        name=_("roles and active flag of an account"),
        plural=_("roles and active flags of accounts"),
    )
):
    pass


class EnrolmentAudit(
    audited(
        Enrolment,
        ["cohort", "student", "status", "status_since"],
        name=_("enrolment status"),
        plural=_("enrolment statuses"),
    )
):
    pass


class AssessmentAudit(
    audited(
        Assessment,
        [
            "portfolio",
            "status",
            "due_on",
            "revision",
            "final_verdict",
            "final_grade",
            "resubmission_deadline",
            "escalated_at",
            "released_at",
            "released_by",
        ],
        INSERT,
        UPDATE,
        name=_("assessment"),
        plural=_("assessments"),
    )
):
    pass


class ExaminerAudit(
    audited(
        Examiner,
        ["assessment", "user", "position", "verdict", "grade", "submitted_at"],
        INSERT,
        # Drafts are the examiner's alone: only the submitted judgement is recorded.
        pghistory.UpdateEvent(condition=pgtrigger.Q(new__submitted_at__isnull=False)),
        DELETE,
        name=_("examiner's judgement"),
        plural=_("examiners' judgements"),
    )
):
    pass


class FinalLevelAudit(
    audited(
        FinalLevel,
        ["assessment", "competency", "level"],
        name=_("agreed level"),
        plural=_("agreed levels"),
    )
):
    pass


class ApprovalAudit(
    audited(
        Approval,
        ["assessment", "examiner", "revision"],
        INSERT,
        name=_("approval of a proposed result"),
        plural=_("approvals of proposed results"),
    )
):
    pass


class CorrectionAudit(
    audited(
        Correction,
        ["assessment", "by", "verdict", "grade", "levels", "resubmission_deadline", "reason"],
        INSERT,
        name=_("correction of a released result"),
        plural=_("corrections of released results"),
    )
):
    pass


class ThesisProjectAudit(
    audited(
        ThesisProject,
        ["enrolment", "status"],
        name=_("thesis project status"),
        plural=_("thesis project statuses"),
    )
):
    pass


class MilestoneAudit(
    audited(
        Milestone,
        ["project", "kind", "status", "due_on", "approved_at", "approved_by"],
        name=_("milestone decision"),
        plural=_("milestone decisions"),
    )
):
    pass


class VersionReviewAudit(
    audited(
        VersionReview,
        ["version", "decision", "by"],
        INSERT,
        name=_("review of a thesis version"),
        plural=_("reviews of thesis versions"),
    )
):
    pass


class EthicsReviewAudit(
    audited(
        EthicsReview,
        ["project", "number", "risk_class", "route", "status", "decided_at", "decided_by"],
        name=_("ethics decision"),
        plural=_("ethics decisions"),
    )
):
    pass


# Every kind of audited record: the key used in the page's filter, the event model, and the
# path from the watched record to the student it is about (None: the record is a person).
KINDS: dict[str, tuple[type[models.Model], str | None]] = {
    "role": (UserRoleAudit, None),
    "enrolment": (EnrolmentAudit, "student"),
    "assessment": (AssessmentAudit, "portfolio__enrolment__student"),
    "judgement": (ExaminerAudit, "assessment__portfolio__enrolment__student"),
    "final_level": (FinalLevelAudit, "assessment__portfolio__enrolment__student"),
    "approval": (ApprovalAudit, "assessment__portfolio__enrolment__student"),
    "correction": (CorrectionAudit, "assessment__portfolio__enrolment__student"),
    "thesis": (ThesisProjectAudit, "enrolment__student"),
    "milestone": (MilestoneAudit, "project__enrolment__student"),
    "version_review": (VersionReviewAudit, "version__milestone__project__enrolment__student"),
    "ethics": (EthicsReviewAudit, "project__enrolment__student"),
}
