"""The frozen form of a submitted portfolio: building its data, hashing it, reading it back.

A snapshot's ``data`` is plain JSON (schema below) that never refers to live rows: names are
copied in both languages, levels by rank with the framework's scale alongside, and files by
content hash. Each selected file is copied once, content-addressed, to
``portfolio-snapshots/<enrolment uuid>/<sha256>`` in the private storage, so replacing or
deleting the evidence later leaves the submitted file in place.

The hash is the SHA-256 of the canonical JSON: ``sort_keys``, no spaces, UTF-8 as is.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.template.loader import get_template, render_to_string
from django.utils.translation import gettext as _

from coachmaster.i18n import current_language

from .models import (
    Evidence,
    LearningActivity,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
    ProfessionalRole,
    SystemLevel,
)
from .models.log import EnactedRole

SCHEMA_VERSION = 1
SNAPSHOT_FILES = "portfolio-snapshots"
CHUNK = 64 * 1024


def canonical_json(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def hash_data(data: dict) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def hash_stored_file(name: str) -> tuple[str, int]:
    """SHA-256 and size of a file in the private storage (``OSError`` when it is gone)."""
    digest, size = hashlib.sha256(), 0
    with storages["private"].open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _names(obj, base: str = "name") -> dict:
    return {"nl": getattr(obj, f"{base}_nl"), "en": getattr(obj, f"{base}_en")}


def _freeze_file(evidence: Evidence, enrolment_uuid) -> dict:
    """Checks the evidence file against its recorded hash and keeps a content-addressed copy."""
    storage = storages["private"]
    try:
        sha256, size = hash_stored_file(evidence.file.name)
    except OSError as error:
        raise ValidationError(
            _("The file of “%(title)s” can't be read any more. Upload it again, then submit.")
            % {"title": evidence.title}
        ) from error
    if evidence.sha256 and sha256 != evidence.sha256:
        raise ValidationError(
            _(
                "The file of “%(title)s” no longer matches the file you uploaded. "
                "Upload it again, then submit."
            )
            % {"title": evidence.title}
        )
    frozen = f"{SNAPSHOT_FILES}/{enrolment_uuid}/{sha256}"
    if not storage.exists(frozen):
        with storage.open(evidence.file.name, "rb") as handle:
            saved = storage.save(frozen, handle)
        if saved != frozen:  # a race created it first: keep that one, same content
            storage.delete(saved)
    return {
        "original_name": evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        "content_type": evidence.content_type or "application/octet-stream",
        "size": size,
        "sha256": sha256,
        "storage_name": frozen,
    }


def _evidence_item(evidence: Evidence, enrolment_uuid, files: dict) -> dict:
    if evidence.file and evidence.pk not in files:
        files[evidence.pk] = _freeze_file(evidence, enrolment_uuid)
    activities: list[LearningActivity] = list(evidence.activities.all())
    return {
        "uuid": str(evidence.uuid),
        "title": evidence.title,
        "kind": evidence.kind,
        "text": evidence.text,
        "url": evidence.url,
        "file": files.get(evidence.pk),
        "claims": [
            {
                "competency": claim.competency.code,
                "level": claim.level.rank,
                "justification": claim.justification,
            }
            for claim in sorted(evidence.claims.all(), key=lambda c: c.competency.code)
        ],
        "activities": [
            {
                "title": activity.title,
                "date": activity.date.isoformat(),
                "hours": str(activity.hours),
                "system_level": activity.system_level,
                "role": activity.role,
            }
            for activity in sorted(activities, key=lambda a: (a.date, a.pk))
        ],
    }


def build_snapshot_data(
    portfolio: Portfolio,
    entries: list[PortfolioEntry],
    *,
    submitted_at: datetime.datetime,
    number: int,
) -> dict:
    """The JSON of a submission. ``entries`` come from ``services.load_entries`` (with their
    targets, evidence, claims and activities). Raises ``ValidationError`` for a file that is
    unreadable or no longer matches its hash."""
    enrolment = portfolio.enrolment
    moment = portfolio.review_moment
    version = moment.version
    framework = version.framework
    due = moment.due_date(enrolment.cohort.start_date)
    levels = {level.pk: level for level in framework.levels.all()}
    files: dict = {}
    competencies = []
    for entry in entries:
        competency = entry.competency
        target = levels.get(entry.target_level_id)
        competencies.append(
            {
                "code": competency.code,
                "names": _names(competency),
                "profile": competency.profile.code,
                "role": competency.role,
                "target_level": target.rank if target else None,
                "self_level": entry.self_level.rank if entry.self_level else None,
                "argument": entry.argument,
                "evidence": [
                    _evidence_item(evidence, enrolment.uuid, files)
                    for evidence in sorted(entry.evidence.all(), key=lambda e: (e.title, e.pk))
                ],
            }
        )
    return {
        "schema": SCHEMA_VERSION,
        "number": number,
        "submitted_at": submitted_at.isoformat(),
        "student": {
            "name": enrolment.student.get_full_name(),
            "student_number": enrolment.student_number,
        },
        "cohort": {
            "name": enrolment.cohort.name,
            "start_date": enrolment.cohort.start_date.isoformat(),
        },
        "curriculum_version": {
            "programme": _names(version.programme),
            "name": version.name,
            "framework": _names(framework),
        },
        "review_moment": {
            "code": moment.code,
            "names": _names(moment),
            "year": moment.year,
            "due_date": due.isoformat() if due else None,
        },
        "scale": [
            {"rank": level.rank, "names": _names(level)}
            for level in sorted(levels.values(), key=lambda level: level.rank)
        ],
        "competencies": competencies,
        "overall_reflection": portfolio.overall_reflection,
        "development_plan": portfolio.development_plan,
    }


# --- reading a snapshot back ---------------------------------------------------------------


def pick(names: dict | None) -> str:
    """The name in the language of the page (Dutch when the English one is empty)."""
    if not names:
        return ""
    if current_language() == "en":
        return names.get("en") or names.get("nl", "")
    return names.get("nl", "")


def files_of(data: dict) -> dict[str, dict]:
    """Every file in the snapshot by its hash."""
    return {
        item["file"]["sha256"]: item["file"]
        for competency in data.get("competencies", [])
        for item in competency.get("evidence", [])
        if item.get("file")
    }


def present(data: dict) -> dict:
    """The snapshot's data with names in the page's language and levels with their names,
    ready for the template (the data itself is never changed)."""
    kinds = dict(Evidence.Kind.choices)
    system_levels, roles = dict(SystemLevel.choices), dict(EnactedRole.choices)
    competency_roles = dict(ProfessionalRole.choices)
    scale = {level["rank"]: pick(level["names"]) for level in data.get("scale", [])}

    def level(rank):
        if rank is None:
            return None
        return {"rank": rank, "name": scale.get(rank, "")}

    competencies = []
    for competency in data.get("competencies", []):
        evidence = [
            {
                **item,
                "kind_label": kinds.get(item.get("kind"), item.get("kind")),
                # Only web links become links; anything else is shown as text.
                "url_is_web": (item.get("url") or "").startswith(("https://", "http://")),
                "claims": [
                    {**claim, "level": level(claim["level"])} for claim in item.get("claims", [])
                ],
                "activities": [
                    {
                        **activity,
                        "date": datetime.date.fromisoformat(activity["date"]),
                        "system_level_label": system_levels.get(activity.get("system_level"), ""),
                        "role_label": roles.get(activity.get("role"), ""),
                    }
                    for activity in item.get("activities", [])
                ],
            }
            for item in competency.get("evidence", [])
        ]
        target, own = competency.get("target_level"), competency.get("self_level")
        competencies.append(
            {
                **competency,
                "name": pick(competency.get("names")),
                "role_label": competency_roles.get(competency.get("role"), ""),
                "target": level(target),
                "self": level(own),
                "below_target": own is not None and target is not None and own < target,
                "evidence": evidence,
            }
        )
    version = data.get("curriculum_version", {})
    due = data.get("review_moment", {}).get("due_date")
    return {
        **data,
        "due_date": datetime.date.fromisoformat(due) if due else None,
        "moment_name": pick(data.get("review_moment", {}).get("names")),
        "programme_name": pick(version.get("programme")),
        "scale": [level(rank) for rank in sorted(scale)],
        "competencies": competencies,
        "files": sorted(files_of(data).values(), key=lambda f: (f["original_name"], f["sha256"])),
    }


# The rendered submitted work of a snapshot, per competency (see ``rendered_work``).
WORK_TEMPLATE = "competencies/portfolio/_snapshot_competency.html"
RENDERED_WORK_SECONDS = 24 * 60 * 60


@functools.cache
def _work_template_fingerprint() -> str:
    """A release that changes the template renders the work afresh instead of serving the
    old HTML (the texts and markdown rules it uses change rarely; the expiry bounds them)."""
    source = get_template(WORK_TEMPLATE).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def rendered_work_key(snapshot: PortfolioSnapshot) -> str:
    return f"snapshot-work:{_work_template_fingerprint()}:{snapshot.uuid}:{current_language()}"


def rendered_work(snapshot: PortfolioSnapshot, presented: dict) -> dict[str, str]:
    """The submitted work of each competency in ``snapshot`` as HTML (by competency code, as
    ``WORK_TEMPLATE`` renders it), with ``presented`` from ``present(snapshot.data)``.

    Cached per snapshot, language and template with no invalidation: a snapshot never changes
    (the model and the database refuse it), and its uuid is never reused.
    """
    key = rendered_work_key(snapshot)
    work = cache.get(key)
    if work is None:
        work = {
            competency["code"]: render_to_string(
                WORK_TEMPLATE, {"competency": competency, "snapshot": snapshot}
            )
            for competency in presented["competencies"]
        }
        cache.set(key, work, RENDERED_WORK_SECONDS)
    return work
