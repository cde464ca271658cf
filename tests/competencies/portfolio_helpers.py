"""Builders for the portfolio tests: evidence with claims, activities and files, and a
portfolio complete enough to submit."""

from __future__ import annotations

import datetime
import hashlib
import itertools

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from competencies.defaults import ensure_activity_kinds
from competencies.models import (
    ActivityKind,
    Evidence,
    EvidenceClaim,
    LearningActivity,
    Portfolio,
    PortfolioEntry,
    SystemLevel,
)
from competencies.services import portfolio as services

_numbers = itertools.count(1)


def use_private_storage(settings, path) -> None:
    """Points the private storage at a temporary folder for one test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(path), "base_url": None},
        },
    }


def make_activity(enrolment, *, role: str = "", system_level: str = "") -> LearningActivity:
    ensure_activity_kinds()
    return LearningActivity.objects.create(
        enrolment=enrolment,
        kind=ActivityKind.objects.order_by("position").first(),
        date=datetime.date(2026, 3, 1),
        hours=2,
        title=f"Activity {next(_numbers)}",
        role=role,
        system_level=system_level,
    )


def make_evidence(
    enrolment,
    *,
    title: str | None = None,
    claims=(),
    activities=(),
    content: bytes | None = None,
    text: str = "",
    kind: str = Evidence.Kind.DOCUMENT,
) -> Evidence:
    """Evidence with claims ``[(competency, level, justification)]``, linked activities and,
    with ``content``, a stored file whose hash is recorded."""
    evidence = Evidence(
        enrolment=enrolment, title=title or f"Evidence {next(_numbers)}", kind=kind, text=text
    )
    if content is not None:
        name = storages["private"].save(
            f"evidence/{enrolment.pk}/{next(_numbers)}", ContentFile(content)
        )
        evidence.file = name
        evidence.original_name = "verslag.pdf"
        evidence.content_type = "application/pdf"
        evidence.size = len(content)
        evidence.sha256 = hashlib.sha256(content).hexdigest()
    evidence.save()
    EvidenceClaim.objects.bulk_create(
        EvidenceClaim(evidence=evidence, competency=c, level=level, justification=why)
        for c, level, why in claims
    )
    if activities:
        evidence.activities.set(activities)
    return evidence


def start(enrolment, moment) -> Portfolio:
    return services.start_portfolio(
        enrolment=enrolment, review_moment=moment, by=enrolment.student
    )


def complete(portfolio: Portfolio, *, content: bytes | None = None) -> Portfolio:
    """Fills ``portfolio`` so that the completeness check finds nothing: each entry gets
    evidence (from coaching work at every system level), its target level and an argument."""
    enrolment = portfolio.enrolment
    activities = [
        make_activity(enrolment, role="coach", system_level=level) for level in SystemLevel
    ]
    entries = services.load_entries(portfolio)
    levels = {level.pk: level for level in portfolio.review_moment.version.framework.levels.all()}
    for index, entry in enumerate(entries):
        target = levels[entry.target_level_id]
        evidence = make_evidence(
            enrolment,
            title=f"Bewijs {entry.competency.code}",
            claims=[(entry.competency, target, "Zie verslag.")],
            activities=activities,
            content=content if index == 0 else None,
            text="Een **verslag**.",
        )
        services.save_entry(
            entry=entry,
            self_level=target,
            argument=f"Mijn argument voor {entry.competency.code}.",
            evidence=[evidence],
            by=enrolment.student,
        )
    services.save_overall(
        portfolio=portfolio,
        overall_reflection="Terugblik.",
        development_plan="Plan.",
        by=enrolment.student,
    )
    portfolio.refresh_from_db()
    return portfolio


def entry(portfolio: Portfolio, code: str) -> PortfolioEntry:
    return portfolio.entries.select_related("competency").get(competency__code=code)
