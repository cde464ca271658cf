"""One person's data as a ZIP: ``data.json``, the files they own, and a README in their
language.

The ZIP is written to a temporary file, file by file in chunks, then stored in the private
storage: memory stays flat whatever the size of the evidence. Assessments appear only when
released and as the student sees them: examiners are "Examiner 1", "Examiner 2", never named,
and drafts or unreleased judgements are never read.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from coachmaster.reports.models import ReportJob
from cohorts.models import Attendance, Enrolment
from competencies.models import (
    Assessment,
    ClientEngagement,
    Competency,
    Evidence,
    Examiner,
    FeedbackRequest,
    FeedbackThread,
    LearningActivity,
    Portfolio,
    ProficiencyLevel,
    outcome_of,
)
from competencies.snapshots import files_of
from competencies.uploads import private_storage, safe_name
from thesis.models import SupervisionMeeting, ThesisProject

FORMAT = "coachmaster-personal-data"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024


@dataclass
class Collected:
    """The JSON document and the stored files to add: (path in the ZIP, storage name)."""

    data: dict
    files: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0


class _Files:
    def __init__(self) -> None:
        self.files: list[tuple[str, str]] = []
        self.used: set[str] = set()
        self.missing = 0
        self.storage = private_storage()

    def add(self, folder: str, prefix: str, original: str, stored: str) -> str | None:
        """Registers a stored file; returns its path in the ZIP, or None when it is gone
        (deleted after its retention period)."""
        if not stored or not self.storage.exists(stored):
            self.missing += 1
            return None
        name = safe_name(original or stored.rsplit("/", 1)[-1])
        path = f"{folder}/{prefix}-{name}" if prefix else f"{folder}/{name}"
        number = 2
        base = path
        while path in self.used:
            path, number = f"{base}-{number}", number + 1
        self.used.add(path)
        self.files.append((path, stored))
        return path


def _level_ranks(level_ids) -> dict[int, int]:
    return dict(ProficiencyLevel.objects.filter(pk__in=set(level_ids)).values_list("pk", "rank"))


def _codes(competency_ids) -> dict[int, str]:
    return dict(Competency.objects.filter(pk__in=set(competency_ids)).values_list("pk", "code"))


def _account(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    return {
        "uuid": user.uuid,
        "email": user.email,
        "given_name": user.given_name,
        "name_prefix": user.name_prefix,
        "family_name": user.family_name,
        "roles": user.roles,
        "active": user.is_active,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "preferences": {
            "language": user.preferred_language,
            "weekly_digest": user.weekly_digest,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        # Which sign-in methods exist, never their secrets.
        "sign_in_methods": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user)
        ],
        "linked_accounts": [
            {"provider": s.provider, "uid": s.uid, "last_login": s.last_login}
            for s in SocialAccount.objects.filter(user=user)
        ],
        "calendar_feed": hasattr(user, "calendar_feed"),
    }


def _learning_log(enrolment: Enrolment) -> dict:
    activities = (
        LearningActivity.objects.for_enrolment(enrolment)
        .select_related("kind", "engagement")
        .prefetch_related("competencies", "disciplines")
        .order_by("date", "pk")
    )
    hours = LearningActivity.objects.for_enrolment(enrolment)
    return {
        "activities": [
            {
                "uuid": a.uuid,
                "date": a.date,
                "kind": a.kind.code,
                "hours": a.hours,
                "title": a.title,
                "system_level": a.system_level,
                "role": a.role,
                "client": a.engagement.client_code if a.engagement else None,
                "competencies": sorted(c.code for c in a.competencies.all()),
                "disciplines": sorted(d.name for d in a.disciplines.all()),
                "description": a.description,
                "reflection": a.reflection,
                "created_at": a.created_at,
            }
            for a in activities
        ],
        "client_engagements": [
            {
                "client": e.client_code,
                "sector": e.sector,
                "type": e.client_type,
                "group_size": e.group_size,
                "paid": e.paid,
                "internal": e.internal,
                "sponsor": e.sponsor,
                "goals": e.goals,
                "contract": {
                    "goals": e.contract_goals,
                    "confidentiality": e.contract_confidentiality,
                    "reporting": e.contract_reporting,
                    "evaluation": e.contract_evaluation,
                    "agreed_on": e.contract_agreed_on,
                },
                "consent": e.consent,
                "consent_on": e.consent_on,
                "started_on": e.started_on,
                "ended_on": e.ended_on,
            }
            for e in ClientEngagement.objects.for_enrolment(enrolment)
        ],
        "hours": {
            "total": hours.aggregate(total=Sum("hours"))["total"] or 0,
            "client_hours_with_consent": hours.client_hours().aggregate(total=Sum("hours"))[
                "total"
            ]
            or 0,
            "by_kind": {
                row["kind__code"]: row["total"]
                for row in hours.values("kind__code").annotate(total=Sum("hours")).order_by()
            },
        },
        "intervision": [
            {
                "group": a.session.group.name,
                "date": a.session.date,
                "hours": a.hours,
                "case_question": a.session.case_question
                if a.session.case_bringer_id == enrolment.pk
                else "",
            }
            for a in Attendance.objects.filter(enrolment=enrolment).select_related(
                "session__group"
            )
        ],
    }


def _evidence(enrolment: Enrolment, files: _Files) -> list[dict]:
    items = []
    for e in (
        Evidence.objects.for_enrolment(enrolment)
        .prefetch_related("claims__competency", "claims__level", "activities")
        .order_by("created_at", "pk")
    ):
        path = None
        if e.file:
            path = files.add("evidence", str(e.uuid)[:8], e.original_name, e.file.name)
        items.append(
            {
                "uuid": e.uuid,
                "title": e.title,
                "kind": e.kind,
                "text": e.text,
                "url": e.url,
                "file": {
                    "name": e.original_name,
                    "content_type": e.content_type,
                    "size": e.size,
                    "sha256": e.sha256,
                    "in_this_zip": path,
                }
                if e.file
                else None,
                "claims": [
                    {
                        "competency": c.competency.code,
                        "level": c.level.rank,
                        "justification": c.justification,
                    }
                    for c in e.claims.all()
                ],
                "activities": [a.uuid for a in e.activities.all()],
                "answer_to_feedback_request": e.feedback_request_id is not None,
                "created_at": e.created_at,
                "updated_at": e.updated_at,
            }
        )
    return items


def _feedback_requests(enrolment: Enrolment) -> list[dict]:
    return [
        {
            "asked": r.recipient_label,
            "relation": r.relation,
            "questions": r.questions,
            "state": r.state,
            "created_at": r.created_at,
            "expires_at": r.expires_at,
            "answered_at": r.used_at,
        }
        for r in FeedbackRequest.objects.filter(enrolment=enrolment).order_by("created_at")
    ]


def _released_assessment(assessment: Assessment, viewer) -> dict:
    """The result as the student reads it: examiners by number only."""
    outcome = outcome_of(assessment)
    examiners = list(
        Examiner.objects.visible_to(viewer)
        .filter(assessment=assessment, submitted_at__isnull=False)
        .prefetch_related("judgements")
        .order_by("position")
    )
    judgements = [j for examiner in examiners for j in examiner.judgements.all()]
    codes = _codes([*outcome.levels, *(j.competency_id for j in judgements)])
    ranks = _level_ranks(
        [*outcome.levels.values(), *(j.level_id for j in judgements if j.level_id)]
    )
    return {
        "round": assessment.snapshot.number,
        "released_at": assessment.released_at,
        "verdict": outcome.verdict,
        "grade": outcome.grade,
        "explanation": outcome.explanation,
        "resubmit_by": outcome.resubmission_deadline,
        "levels": {codes[c]: ranks.get(level) for c, level in outcome.levels.items()},
        "examiners": [
            {
                "examiner": _("Examiner %(number)s") % {"number": number},
                "verdict": examiner.verdict,
                "grade": examiner.grade,
                "feedback": examiner.feedback,
                "per_competency": [
                    {
                        "competency": codes[j.competency_id],
                        "level": ranks.get(j.level_id),
                        "feedback": j.feedback,
                    }
                    for j in examiner.judgements.all()
                ],
            }
            for number, examiner in enumerate(examiners, start=1)
        ],
        "corrections": [
            {
                "at": c.at,
                "reason": c.reason,
                "verdict": c.verdict,
                "grade": c.grade,
                "explanation": c.explanation,
            }
            for c in outcome.corrections
        ],
    }


def _portfolios(enrolment: Enrolment, files: _Files, viewer) -> list[dict]:
    released = Assessment.objects.filter(status=Assessment.Status.RELEASED).select_related(
        "snapshot"
    )
    portfolios = (
        Portfolio.objects.filter(enrolment=enrolment)
        .select_related("review_moment")
        .prefetch_related(
            "entries__competency",
            "entries__self_level",
            "entries__evidence",
            "snapshots",
            Prefetch("assessments", queryset=released, to_attr="released"),
        )
    )
    items = []
    for portfolio in portfolios:
        moment = portfolio.review_moment
        snapshots = []
        for snapshot in sorted(portfolio.snapshots.all(), key=lambda s: s.number):
            paths = [
                files.add(
                    f"portfolio-submissions/{safe_name(moment.code)}-{snapshot.number}",
                    item["sha256"][:8],
                    item.get("original_name", ""),
                    item.get("storage_name", ""),
                )
                for item in files_of(snapshot.data).values()
            ]
            snapshots.append(
                {
                    "number": snapshot.number,
                    "submitted_at": snapshot.submitted_at,
                    "sha256": snapshot.sha256,
                    "content": snapshot.data,
                    "files_in_this_zip": [p for p in paths if p],
                }
            )
        items.append(
            {
                "uuid": portfolio.uuid,
                "review_moment": {"code": moment.code, "name": moment.name},
                "status": portfolio.status,
                "overall_reflection": portfolio.overall_reflection,
                "development_plan": portfolio.development_plan,
                "entries": [
                    {
                        "competency": entry.competency.code,
                        "self_level": entry.self_level.rank if entry.self_level else None,
                        "argument": entry.argument,
                        "evidence": [e.uuid for e in entry.evidence.all()],
                    }
                    for entry in portfolio.entries.all()
                ],
                "submissions": snapshots,
                "released_assessments": [
                    _released_assessment(a, viewer)
                    for a in sorted(portfolio.released, key=lambda a: a.snapshot.number)
                ],
            }
        )
    return items


def _feedback_threads(enrolment: Enrolment) -> list[dict]:
    threads = (
        FeedbackThread.objects.filter(enrolment=enrolment)
        .select_related("lecturer", "evidence", "portfolio__review_moment")
        .prefetch_related("messages")
        .order_by("created_at")
    )
    return [
        {
            "subject": t.subject,
            "lecturer": t.lecturer.get_full_name(),
            "about": t.evidence.title if t.evidence else t.portfolio.review_moment.name,
            "status": t.status,
            "created_at": t.created_at,
            "messages": [
                {
                    "from": "student" if m.author_id == enrolment.student_id else "lecturer",
                    "text": m.text,
                    "written_at": m.created_at,
                }
                for m in t.messages.all()
            ],
        }
        for t in threads
    ]


def _thesis(enrolment: Enrolment, files: _Files) -> dict | None:
    project = (
        ThesisProject.objects.filter(enrolment=enrolment)
        .select_related("approach", "host_organisation")
        .prefetch_related("milestones__versions__reviews", "ethics_reviews")
        .first()
    )
    if project is None:
        return None
    host = project.host_organisation
    meetings = SupervisionMeeting.objects.filter(project=project).prefetch_related("actions")
    return {
        "working_title": project.working_title,
        "research_question": project.research_question,
        "design": project.design,
        "approach": project.approach.code if project.approach else None,
        "host_organisation": {"name": host.display_name, "sector": host.sector} if host else None,
        "host_relation": project.host_relation,
        "status": project.status,
        "created_at": project.created_at,
        "milestones": [
            {
                "kind": m.kind,
                "name": m.name,
                "due_on": m.due_on,
                "status": m.status,
                "approved_at": m.approved_at,
                "versions": [
                    {
                        "number": v.number,
                        "file_name": v.original_name,
                        "size": v.size,
                        "sha256": v.sha256,
                        "comment": v.comment,
                        "uploaded_at": v.uploaded_at,
                        "in_this_zip": files.add(
                            f"thesis/{m.kind}", f"v{v.number}", v.original_name, v.file.name
                        ),
                        "reviews": [
                            {"decision": r.decision, "feedback": r.feedback, "at": r.at}
                            for r in v.reviews.all()
                        ],
                    }
                    for v in sorted(m.versions.all(), key=lambda v: v.number)
                ],
            }
            for m in project.milestones.all()
        ],
        "ethics_reviews": [
            {
                "round": r.number,
                "status": r.status,
                "risk_class": r.risk_class,
                "answers": r.answers,
                "consent_procedure": r.consent_procedure,
                "data_management": r.data_management,
                "submitted_at": r.submitted_at,
                "decided_at": r.decided_at,
                "decision_note": r.decision_note,
            }
            for r in sorted(project.ethics_reviews.all(), key=lambda r: r.number)
        ],
        "supervision_meetings": [
            {
                "date": meeting.date,
                "notes": meeting.notes,
                "actions": [
                    {"action": a.description, "due_on": a.due_on, "done": a.done}
                    for a in meeting.actions.all()
                ],
            }
            for meeting in meetings
        ],
    }


def _enrolment(enrolment: Enrolment, files: _Files, viewer) -> dict:
    return {
        "uuid": enrolment.uuid,
        "cohort": enrolment.cohort.name,
        "student_number": enrolment.student_number,
        "status": enrolment.status,
        "status_since": enrolment.status_since,
        "enrolled_on": enrolment.enrolled_on,
        "status_history": [
            {
                "from": change.from_status,
                "to": change.to_status,
                "effective_on": change.effective_on,
                "reason": change.reason,
                "recorded_at": change.changed_at,
            }
            for change in enrolment.history.order_by("changed_at", "pk")
        ],
        "groups": [group.name for group in enrolment.groups.all()],
        "learning_log": _learning_log(enrolment),
        "evidence": _evidence(enrolment, files),
        "feedback_requests": _feedback_requests(enrolment),
        "portfolios": _portfolios(enrolment, files, viewer),
        "feedback_threads": _feedback_threads(enrolment),
        "thesis": _thesis(enrolment, files),
    }


def _reports(user, files: _Files) -> list[dict]:
    # Reports about this person, whoever asked for them (cohort reports are about many).
    jobs = ReportJob.objects.filter(
        Q(enrolment__student=user) | Q(snapshot__portfolio__enrolment__student=user)
    ).distinct()
    return [
        {
            "kind": job.kind,
            "status": job.status,
            "language": job.language,
            "requested_at": job.created_at,
            "finished_at": job.finished_at,
            "in_this_zip": files.add("reports", str(job.uuid)[:8], job.filename, job.file.name)
            if job.file
            else None,
        }
        for job in jobs.order_by("created_at")
    ]


def collect(user, progress: Callable[[int], None] = lambda percent: None) -> Collected:
    """Everything CoachMaster holds about ``user`` as plain data, and the files to add."""
    from .models import DataExport, ErasureRequest

    files = _Files()
    enrolments = list(Enrolment.objects.filter(student=user).select_related("cohort"))
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "account": _account(user),
        "enrolments": [],
    }
    for index, enrolment in enumerate(enrolments):
        data["enrolments"].append(_enrolment(enrolment, files, user))
        progress(10 + 40 * (index + 1) // len(enrolments))
    data["reports"] = _reports(user, files)
    data["data_exports"] = [
        {
            "requested_at": export.created_at,
            "requested_by_yourself": export.requested_by_id == user.pk,
            "status": export.status,
        }
        for export in DataExport.objects.filter(subject=user).order_by("created_at")
    ]
    data["erasure_requests"] = [
        {
            "asked_at": request.created_at,
            "status": request.status,
            "carried_out_at": request.carried_out_at,
        }
        for request in ErasureRequest.objects.filter(subject=user).order_by("created_at")
    ]
    return Collected(data=data, files=files.files, missing=files.missing)


def write_zip(
    collected: Collected, readme: str, target, progress: Callable[[int], None] = lambda p: None
):
    """Writes the ZIP to the open binary file ``target``, copying files in chunks."""
    storage = private_storage()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        zf.writestr("README.txt", readme)
        zf.writestr(
            "data.json",
            json.dumps(collected.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        total = len(collected.files) or 1
        for index, (path, stored) in enumerate(collected.files):
            # Stored, not deflated: documents, images and recordings are compressed already.
            info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with storage.open(stored, "rb") as source, zf.open(info, "w", force_zip64=True) as out:
                shutil.copyfileobj(source, out, CHUNK)
            progress(50 + 45 * (index + 1) // total)


def readme_text(user, collected: Collected) -> str:
    return render_to_string(
        "privacy/export_readme.txt",
        {"user": user, "collected": collected, "file_count": len(collected.files)},
    )


def build(user, target, progress: Callable[[int], None] = lambda p: None) -> None:
    """Writes the ZIP of ``user``'s data to the open binary file ``target``."""
    collected = collect(user, progress)
    write_zip(collected, readme_text(user, collected), target, progress)
