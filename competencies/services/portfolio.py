"""Portfolios: starting one, editing entries, the completeness check, submitting (which
freezes a snapshot and opens its assessment) and withdrawing a submission.

Only the student writes their own portfolio; everyone else reads. Every write locks the
portfolio row first, so an edit and a submission of the same portfolio never interleave.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Enrolment
from curriculum.models import ReviewMoment

from ..models import (
    Evidence,
    EvidenceClaim,
    LearningActivity,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
    ProfessionalRole,
    ProficiencyLevel,
    ReviewTarget,
    SystemLevel,
)
from ..snapshots import build_snapshot_data, hash_data
from .assessment import close_withdrawn, open_assessment

# Conduct is shown in how every role is enacted; it is not a role of its own to evidence.
ROLES_TO_EVIDENCE = [role for role in ProfessionalRole if role != ProfessionalRole.CONDUCT]


class IncompletePortfolio(ValidationError):
    """Submitting was refused: the completeness check found problems (its messages)."""


@dataclass(frozen=True)
class Problem:
    """Something missing before a portfolio can be submitted, and where to fix it."""

    kind: str  # no_evidence, no_self_level, no_argument, target_not_reached, role_missing,
    # system_level_missing, no_reflection, no_development_plan
    message: str
    anchor: str  # the id of the section on the portfolio page


# --- reading --------------------------------------------------------------------------------


def load_entries(portfolio: Portfolio, *, with_claims: bool = False) -> list[PortfolioEntry]:
    """The portfolio's entries in framework order, with their target (``target_level_id``,
    ``target_rank``), competency, self-assessed level, and the selected evidence with its
    learning activities (and, ``with_claims``, its claims). A fixed number of queries."""
    evidence = Evidence.objects.order_by("title", "pk").prefetch_related(
        Prefetch("activities", queryset=LearningActivity.objects.order_by("date", "pk"))
    )
    if with_claims:
        evidence = evidence.prefetch_related(
            Prefetch(
                "claims", queryset=EvidenceClaim.objects.select_related("competency", "level")
            )
        )
    return list(
        PortfolioEntry.objects.filter(portfolio=portfolio)
        .with_targets()
        .select_related("competency__profile", "self_level")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .in_order()
    )


def load_page_entries(portfolio: Portfolio) -> list[PortfolioEntry]:
    """``load_entries`` for the portfolio page: the selected evidence without its learning
    activities and with only the columns the page shows. Pass ``evidenced_in(portfolio)``
    as ``coverage`` to ``completeness_problems`` with these entries."""
    evidence = Evidence.objects.only("uuid", "title", "kind").order_by("title", "pk")
    return list(
        PortfolioEntry.objects.filter(portfolio=portfolio)
        .with_targets()
        .select_related("competency", "self_level")
        .defer("competency__description_nl", "competency__description_en")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .in_order()
    )


def _covered(pairs) -> tuple[set[str], set[str]]:
    """The roles and system levels among (role, system level) pairs of activities."""
    roles, levels = set(), set()
    for role, level in pairs:
        if role:
            roles.add(role)
        if level:
            levels.add(level)
    return roles, levels


def evidenced(entries: list[PortfolioEntry]) -> tuple[set[str], set[str]]:
    """The roles and system levels of the learning activities behind the selected evidence."""
    return _covered(
        (activity.role, activity.system_level)
        for entry in entries
        for item in entry.evidence.all()
        for activity in item.activities.all()
    )


def evidenced_in(portfolio: Portfolio) -> tuple[set[str], set[str]]:
    """``evidenced`` of the portfolio's entries, in one query without loading them."""
    return _covered(
        LearningActivity.objects.filter(evidence__portfolio_entries__portfolio=portfolio)
        .values_list("role", "system_level")
        .order_by()
        .distinct()
    )


def completeness_problems(
    portfolio: Portfolio,
    entries: list[PortfolioEntry] | None = None,
    *,
    coverage: tuple[set[str], set[str]] | None = None,
) -> list[Problem]:
    """What is missing before ``portfolio`` can be submitted; empty when it is complete.

    ``entries`` as ``load_entries`` gives them (loaded here when not given). ``coverage``:
    the roles and system levels evidenced, as ``evidenced_in`` gives them (taken from the
    entries' activities when not given). Messages are in the active language; each problem
    names the page section that fixes it.
    """
    if entries is None:
        entries = load_entries(portfolio)
    problems: list[Problem] = []
    for entry in entries:
        code, anchor = entry.competency.code, f"entry-{entry.competency.code}"
        if not entry.evidence.all():
            problems.append(
                Problem(
                    "no_evidence", _("%(code)s: no evidence selected.") % {"code": code}, anchor
                )
            )
        if entry.self_level is None:
            problems.append(
                Problem(
                    "no_self_level",
                    _("%(code)s: choose the level you think you have reached.") % {"code": code},
                    anchor,
                )
            )
        elif entry.target_rank is not None and entry.self_level.rank < entry.target_rank:
            problems.append(
                Problem(
                    "target_not_reached",
                    _("%(code)s: your level %(level)s is below the target level %(target)s.")
                    % {"code": code, "level": entry.self_level.rank, "target": entry.target_rank},
                    anchor,
                )
            )
        if not entry.argument.strip():
            problems.append(
                Problem(
                    "no_argument",
                    _("%(code)s: explain why your evidence shows that level.") % {"code": code},
                    anchor,
                )
            )
    roles, levels = coverage if coverage is not None else evidenced(entries)
    first_of_role: dict[str, str] = {}
    for entry in entries:
        first_of_role.setdefault(entry.competency.role, f"entry-{entry.competency.code}")
    for role in ROLES_TO_EVIDENCE:
        if role in first_of_role and role not in roles:
            problems.append(
                Problem(
                    "role_missing",
                    _(
                        "None of your selected evidence comes from work in the role “%(role)s”: "
                        "link evidence to learning activities in that role."
                    )
                    % {"role": role.label},
                    first_of_role[role],
                )
            )
    for level in SystemLevel:
        if level not in levels:
            problems.append(
                Problem(
                    "system_level_missing",
                    _(
                        "None of your selected evidence comes from work at the level "
                        "“%(level)s”: link evidence to learning activities at that level."
                    )
                    % {"level": level.label},
                    "coverage",
                )
            )
    if not portfolio.overall_reflection.strip():
        problems.append(Problem("no_reflection", _("Write your overall reflection."), "overall"))
    if not portfolio.development_plan.strip():
        problems.append(
            Problem("no_development_plan", _("Write your development plan."), "overall")
        )
    return problems


# --- writing --------------------------------------------------------------------------------


def _locked(portfolio: Portfolio, by) -> Portfolio:
    """The portfolio row, locked, after checking that ``by`` is its student."""
    locked = (
        Portfolio.objects.select_for_update(of=("self",))
        .select_related("enrolment")
        .get(pk=portfolio.pk)
    )
    if locked.enrolment.student_id != by.pk:
        raise PermissionDenied
    return locked


def _editable(portfolio: Portfolio, by) -> Portfolio:
    locked = _locked(portfolio, by)
    if locked.status == Portfolio.Status.ASSESSED:
        raise ValidationError(_("This portfolio has been assessed: it can't be changed."))
    if not locked.is_editable:
        raise ValidationError(
            _("This portfolio is submitted: withdraw the submission to change it.")
        )
    return locked


@transaction.atomic
def start_portfolio(*, enrolment: Enrolment, review_moment: ReviewMoment, by) -> Portfolio:
    """The student's portfolio for a review moment, created with an entry for each competency
    the moment sets a target for (entries for targets added later are added too)."""
    if enrolment.student_id != by.pk:
        raise PermissionDenied
    if review_moment.version_id != enrolment.cohort.curriculum_version_id:
        raise ValidationError(_("This review moment isn't part of your curriculum."))
    portfolio, _created = Portfolio.objects.get_or_create(
        enrolment=enrolment, review_moment=review_moment
    )
    targets = ReviewTarget.objects.filter(review_moment=review_moment).values_list(
        "competency_id", flat=True
    )
    PortfolioEntry.objects.bulk_create(
        [PortfolioEntry(portfolio=portfolio, competency_id=pk) for pk in targets],
        ignore_conflicts=True,
    )
    return portfolio


@transaction.atomic
def save_entry(
    *,
    entry: PortfolioEntry,
    self_level: ProficiencyLevel | None,
    argument: str,
    evidence: list[Evidence],
    by,
) -> PortfolioEntry:
    """The evidence chosen for one competency and the student's self-assessment of it."""
    portfolio = _editable(entry.portfolio, by)
    if any(item.enrolment_id != portfolio.enrolment_id for item in evidence):
        raise ValidationError(_("You can only select your own evidence."))
    framework_id = portfolio.review_moment.version.framework.pk
    if self_level is not None and self_level.framework_id != framework_id:
        raise ValidationError(_("Choose a level of this framework's scale."))
    entry.self_level = self_level
    entry.argument = argument
    entry.save(update_fields=["self_level", "argument"])
    entry.evidence.set(evidence)
    Portfolio.objects.filter(pk=portfolio.pk).update(updated_at=timezone.now())
    return entry


@transaction.atomic
def save_overall(
    *, portfolio: Portfolio, overall_reflection: str, development_plan: str, by
) -> Portfolio:
    locked = _editable(portfolio, by)
    locked.overall_reflection = overall_reflection
    locked.development_plan = development_plan
    locked.save(update_fields=["overall_reflection", "development_plan", "updated_at"])
    portfolio.overall_reflection, portfolio.development_plan = (
        overall_reflection,
        development_plan,
    )
    return locked


@transaction.atomic
def submit_portfolio(*, portfolio: Portfolio, by) -> PortfolioSnapshot:
    """Freezes the portfolio as it is now into a new snapshot, which examiners then assess.

    Refused while the completeness check finds problems, and when a selected file no longer
    matches the hash recorded at upload.
    """
    locked = _editable(portfolio, by)
    locked = Portfolio.objects.select_related(
        "enrolment__student",
        "enrolment__cohort",
        "review_moment__version__programme",
        "review_moment__version__framework",
    ).get(pk=locked.pk)
    entries = load_entries(locked, with_claims=True)
    problems = completeness_problems(locked, entries)
    if problems:
        raise IncompletePortfolio([problem.message for problem in problems])
    number = (locked.snapshots.aggregate(last=Max("number"))["last"] or 0) + 1
    submitted_at = timezone.now()
    data = build_snapshot_data(locked, entries, submitted_at=submitted_at, number=number)
    snapshot = PortfolioSnapshot.objects.create(
        portfolio=locked,
        number=number,
        data=data,
        sha256=hash_data(data),
        submitted_at=submitted_at,
        submitted_by=by,
    )
    locked.current_snapshot = snapshot
    locked.status = Portfolio.Status.SUBMITTED
    locked.save(update_fields=["current_snapshot", "status", "updated_at"])
    portfolio.current_snapshot, portfolio.status = snapshot, locked.status
    open_assessment(snapshot=snapshot, by=by)
    return snapshot


@transaction.atomic
def withdraw_submission(*, portfolio: Portfolio, by) -> Portfolio:
    """Back to draft, until an examiner starts assessing. The snapshot stays as history."""
    locked = _locked(portfolio, by)
    if not locked.can_be_withdrawn:
        if locked.status != Portfolio.Status.SUBMITTED:
            raise ValidationError(_("This portfolio isn't submitted."))
        raise ValidationError(
            _("The assessment of this portfolio has started: it can't be withdrawn any more.")
        )
    snapshot = locked.current_snapshot
    locked.status = Portfolio.Status.DRAFT
    locked.current_snapshot = None
    locked.save(update_fields=["status", "current_snapshot", "updated_at"])
    portfolio.status, portfolio.current_snapshot = locked.status, None
    close_withdrawn(snapshot=snapshot, by=by)
    return locked
