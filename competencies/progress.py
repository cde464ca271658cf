"""Where a student stands: reads for the student dashboard (and later the progress report).

Every function runs a fixed number of queries, whatever the size of the log or the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Sum

from cohorts.models import Enrolment
from curriculum.models import ReviewMoment

from .models import (
    Competency,
    Evidence,
    EvidenceClaim,
    LearningActivity,
    PortfolioEntry,
    ProficiencyLevel,
    ReviewTarget,
    SystemLevel,
)
from .models.log import EnactedRole


@dataclass
class CompetencyProgress:
    competency: Competency
    target: ProficiencyLevel | None
    claimed: int  # the highest level claimed in the student's evidence, 0 when none
    evidence_count: int

    @property
    def reached(self) -> bool:
        return self.target is not None and self.claimed >= self.target.rank

    @property
    def percent(self) -> int:
        """The claimed level as a share of the target (capped at 100), for the chart."""
        if not self.target:
            return 0
        return min(100, round(100 * self.claimed / self.target.rank))


def competency_progress(enrolment: Enrolment, moment: ReviewMoment) -> list[CompetencyProgress]:
    """Per competency the moment requires: its target and the student's best claim so far."""
    targets = list(
        ReviewTarget.objects.filter(review_moment=moment)
        .select_related("competency__profile", "level")
        .order_by("competency__profile__position", "competency__position", "competency__code")
    )
    claims = {
        row["competency_id"]: row
        for row in EvidenceClaim.objects.filter(
            evidence__enrolment=enrolment, competency__in=[t.competency_id for t in targets]
        )
        .values("competency_id")
        .annotate(best=Max("level__rank"), count=Count("evidence", distinct=True))
    }
    return [
        CompetencyProgress(
            competency=target.competency,
            target=target.level,
            claimed=claims.get(target.competency_id, {}).get("best") or 0,
            evidence_count=claims.get(target.competency_id, {}).get("count") or 0,
        )
        for target in targets
    ]


def coverage_matrix(enrolment: Enrolment, competencies: list[Competency]) -> list[dict]:
    """How many activities touched each competency at each system level (one query)."""
    through = LearningActivity.competencies.through
    counts = {
        (row["competency_id"], row["learningactivity__system_level"]): row["n"]
        for row in through.objects.filter(learningactivity__enrolment=enrolment)
        .values("competency_id", "learningactivity__system_level")
        .annotate(n=Count("pk"))
    }
    return [
        {
            "competency": competency,
            "cells": [
                (level, counts.get((competency.pk, level), 0)) for level in SystemLevel.values
            ],
        }
        for competency in competencies
    ]


def role_balance(enrolment: Enrolment) -> list[tuple[str, Decimal, int]]:
    """Hours per role enacted, with each role's share of the hours that name a role."""
    return _role_balance(_hours_by_role(enrolment))


def _hours_by_role(enrolment: Enrolment) -> dict[str, dict]:
    """Per role enacted ("" for none): the hours and the latest date logged (one query)."""
    return {
        row["role"]: row
        for row in LearningActivity.objects.filter(enrolment=enrolment)
        .values("role")
        .order_by()
        .annotate(total=Sum("hours"), last=Max("date"))
    }


def _role_balance(rows: dict[str, dict]) -> list[tuple[str, Decimal, int]]:
    hours = {role: row["total"] for role, row in rows.items() if role}
    total = sum(hours.values(), Decimal(0))
    return [
        (
            EnactedRole(role).label,
            hours.get(role, Decimal(0)),
            round(100 * hours.get(role, 0) / total) if total else 0,
        )
        for role in EnactedRole.values
    ]


def latest_feedback(enrolment: Enrolment, count: int = 3) -> list[Evidence]:
    return list(
        Evidence.objects.filter(enrolment=enrolment, kind=Evidence.Kind.CLIENT_FEEDBACK)
        .select_related("feedback_request")
        .order_by("-created_at")[:count]
    )


def entries_to_check(portfolio) -> list:
    """The portfolio's entries with only what ``completeness_problems`` reads: each
    competency's code and role, the self-assessed rank, the argument, the target, and the
    role and system level of the activities behind the selected evidence (``load_entries``
    loads every text of every evidence item and activity, twice the time on the dashboard)."""
    activities = LearningActivity.objects.only("pk", "role", "system_level").order_by()
    evidence = (
        Evidence.objects.only("pk")
        .order_by()
        .prefetch_related(Prefetch("activities", queryset=activities))
    )
    return list(
        PortfolioEntry.objects.filter(portfolio=portfolio)
        .with_targets()
        .select_related("competency", "self_level")
        .only(
            "argument",
            "portfolio_id",
            "competency__code",
            "competency__role",
            "self_level__rank",
        )
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .in_order()
    )


@dataclass
class Suggestion:
    text: str
    url: str


def dashboard(enrolment: Enrolment, *, today) -> dict:
    """Everything the student dashboard shows, in a fixed number of queries."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .ledger import ALL_TIME, LAST_12_MONTHS, hours_ledgers
    from .models import Portfolio
    from .services.portfolio import completeness_problems

    statuses = Portfolio.objects.statuses_for(enrolment)
    upcoming = [s for s in statuses if s.due_date is None or s.due_date >= today]
    current = upcoming[0] if upcoming else (statuses[-1] if statuses else None)
    progress = competency_progress(enrolment, current.moment) if current else []
    version = enrolment.cohort.curriculum_version
    competencies = list(version.framework.competencies.in_order()) if version is not None else []
    suggestions: list[Suggestion] = []
    by_role = _hours_by_role(enrolment)
    last_date = max((row["last"] for row in by_role.values()), default=None)
    if last_date is None or (today - last_date).days > 7:
        suggestions.append(
            Suggestion(_("Log what you did this week."), reverse("competencies:log"))
        )
    if current is not None:
        if current.portfolio is None:
            suggestions.append(
                Suggestion(
                    _("Start your portfolio for “%(moment)s”.") % {"moment": current.moment.name},
                    reverse("competencies:portfolios"),
                )
            )
        elif current.portfolio.is_editable:
            entries = entries_to_check(current.portfolio)
            missing = len(completeness_problems(current.portfolio, entries))
            if missing:
                suggestions.append(
                    Suggestion(
                        _("Your portfolio for “%(moment)s” still misses %(count)s things.")
                        % {"moment": current.moment.name, "count": missing},
                        reverse("competencies:portfolio", args=[current.portfolio.uuid]),
                    )
                )
        without = [p.competency.code for p in progress if not p.evidence_count]
        if without:
            suggestions.append(
                Suggestion(
                    _("Collect evidence for %(codes)s.") % {"codes": ", ".join(without[:6])},
                    reverse("competencies:evidence_create"),
                )
            )
    return {
        "statuses": statuses,
        "current": current,
        "progress": progress,
        "max_rank": max((p.target.rank for p in progress if p.target), default=4),
        "chart_height": 26 * len(progress) + 4,
        "coverage": coverage_matrix(enrolment, competencies),
        "system_levels": SystemLevel.choices,
        "roles": _role_balance(by_role),
        "ledgers": hours_ledgers(enrolment, windows=[ALL_TIME, LAST_12_MONTHS], today=today),
        "feedback": latest_feedback(enrolment),
        "suggestions": suggestions,
    }
