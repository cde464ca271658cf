"""The student dashboard: progress against the next targets, coverage, roles, hours, next steps."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from competencies.models import Evidence, EvidenceClaim, LearningActivity, Portfolio
from competencies.progress import dashboard
from tests.competencies.assessment_helpers import submitted
from tests.competencies.log_helpers import activity, engagement, many_activities

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def enrolment(student, version, cohort):
    cohort.start_date = datetime.date(2025, 9, 1)
    cohort.end_date = datetime.date(2027, 7, 1)
    cohort.save()
    return student.enrolments.get()


def claim(enrolment, code: str, rank: int) -> None:
    framework = enrolment.cohort.curriculum_version.framework
    evidence = Evidence.objects.create(
        enrolment=enrolment, title=f"Bewijs {code}", kind="reflection"
    )
    EvidenceClaim.objects.create(
        evidence=evidence,
        competency=framework.competencies.get(code=code),
        level=framework.levels.get(rank=rank),
    )


def test_progress_compares_the_best_claim_with_the_next_moments_target(enrolment):
    claim(enrolment, "IC1", 1)
    claim(enrolment, "IC1", 3)
    data = dashboard(enrolment, today=TODAY)
    assert data["current"].moment.code == "year-1-review"
    rows = {p.competency.code: p for p in data["progress"]}
    assert (rows["IC1"].claimed, rows["IC1"].target.rank, rows["IC1"].reached) == (3, 2, True)
    assert (rows["IC2"].claimed, rows["IC2"].reached, rows["IC2"].evidence_count) == (0, False, 0)
    assert rows["IC1"].evidence_count == 2


def test_coverage_matrix_and_role_balance_follow_the_log(enrolment):
    framework = enrolment.cohort.curriculum_version.framework
    ic1 = framework.competencies.get(code="IC1")
    team = activity(enrolment, system_level="team", role="advisor", hours=Decimal("3"))
    team.competencies.add(ic1)
    alone = activity(enrolment, system_level="individual", role="coach", hours=Decimal("1"))
    alone.competencies.add(ic1)
    data = dashboard(enrolment, today=TODAY)
    row = next(r for r in data["coverage"] if r["competency"] == ic1)
    assert dict(row["cells"]) == {"individual": 1, "team": 1, "organisation": 0, "network": 0}
    roles = {label: (hours, share) for label, hours, share in data["roles"]}
    assert [share for _hours, share in roles.values()] == [25, 75, 0]


def test_suggestions_point_at_what_is_missing(enrolment):
    data = dashboard(enrolment, today=TODAY)
    urls = [s.url for s in data["suggestions"]]
    assert reverse("competencies:log") in urls  # nothing logged this week
    assert reverse("competencies:portfolios") in urls  # portfolio not started
    assert reverse("competencies:evidence_create") in urls  # competencies without evidence


def test_only_consenting_clients_count_in_the_hours_summary(enrolment):
    consenting = engagement(enrolment, paid=True)
    refusing = engagement(enrolment, consent=False, consent_on=None)
    activity(enrolment, engagement=consenting, date=datetime.date(2026, 2, 1), hours=Decimal("2"))
    activity(enrolment, engagement=refusing, date=datetime.date(2026, 2, 2), hours=Decimal("5"))
    all_time, last_year = dashboard(enrolment, today=TODAY)["ledgers"]
    assert (all_time.client_hours, all_time.clients, all_time.paid) == (Decimal(2), 1, Decimal(2))
    assert last_year.client_hours == Decimal(2)


def test_dashboard_page_shows_the_chart_with_a_text_alternative(client, student, enrolment):
    claim(enrolment, "IC1", 2)
    client.force_login(student)
    html = client.get(reverse("student_dashboard")).content.decode()
    assert 'role="img"' in html and 'aria-labelledby="chart-title chart-desc"' in html
    assert '<desc id="chart-desc">IC1: 2/' in html


@pytest.mark.parametrize("size", [10, 1000])
def test_dashboard_query_count_does_not_grow_with_the_log(
    client, student, enrolment, size, django_assert_num_queries
):
    many_activities(enrolment, size)
    framework = enrolment.cohort.curriculum_version.framework
    through = LearningActivity.competencies.through
    through.objects.bulk_create(
        through(learningactivity=a, competency=c)
        for a in LearningActivity.objects.filter(enrolment=enrolment)
        for c in framework.competencies.all()
    )
    for code in ("IC1", "IC2"):
        claim(enrolment, code, 2)
    client.force_login(student)
    client.get(reverse("student_dashboard"))
    # Session, user, enrolments (with version and framework); portfolios and moments; targets
    # and claims; competencies; hours by role (and the last activity); coverage; the hours of
    # both windows: kinds, activities, attendance; latest feedback; the thesis project (none).
    with django_assert_num_queries(15):
        response = client.get(reverse("student_dashboard"))
    assert response.status_code == 200


def _draft_with_evidence(enrolment, per_entry: int) -> Portfolio:
    """A draft portfolio for the dashboard's current moment: the first entry complete but for
    the overall texts, every other entry with ``per_entry`` pieces of evidence and nothing else."""
    from competencies.models import SystemLevel
    from competencies.services import portfolio as services
    from tests.competencies.portfolio_helpers import make_activity, make_evidence, start

    current = dashboard(enrolment, today=timezone.localdate())["current"]
    portfolio = start(enrolment, current.moment)
    entries = services.load_entries(portfolio)
    activities = [make_activity(enrolment, role="coach", system_level=SystemLevel.TEAM)]
    for index, entry in enumerate(entries):
        evidence = [make_evidence(enrolment, activities=activities) for _ in range(per_entry)]
        entry.evidence.set(evidence)
        if index == 0:
            entry.self_level = entry.competency.framework.levels.order_by("-rank").first()
            entry.argument = "Mijn argument."
            entry.save()
    return portfolio


def test_the_dashboard_counts_what_a_draft_portfolio_misses(client, student, enrolment):
    from competencies.progress import entries_to_check
    from competencies.services.portfolio import completeness_problems

    portfolio = _draft_with_evidence(enrolment, 2)
    problems = completeness_problems(portfolio)
    kinds = {problem.kind for problem in problems}
    assert {"no_self_level", "no_argument", "system_level_missing", "no_reflection"} <= kinds
    # The light entries give the same problems as the full ones.
    assert completeness_problems(portfolio, entries_to_check(portfolio)) == problems
    client.force_login(student)
    html = client.get(reverse("student_dashboard")).content.decode()
    message = gettext("Your portfolio for “%(moment)s” still misses %(count)s things.") % {
        "moment": portfolio.review_moment.name,
        "count": len(problems),
    }
    assert message in html


@pytest.mark.parametrize("per_entry", [1, 10])
def test_dashboard_query_count_with_a_draft_portfolio_does_not_grow(
    client, student, enrolment, per_entry, django_assert_num_queries
):
    _draft_with_evidence(enrolment, per_entry)
    client.force_login(student)
    client.get(reverse("student_dashboard"))
    # As without a draft, and for its completeness check: the entries (with their targets),
    # their evidence, the evidence's activities.
    with django_assert_num_queries(18):
        response = client.get(reverse("student_dashboard"))
    assert response.context["current"].portfolio is not None


def test_the_portfolio_table_says_when_a_portfolio_is_assessed(
    client, student, enrolment, private_storage
):
    assessment = submitted(enrolment, "year-1-review")
    Portfolio.objects.filter(pk=assessment.portfolio_id).update(status=Portfolio.Status.ASSESSED)
    client.force_login(student)
    response = client.get(reverse("student_dashboard"))
    assert gettext("Assessed") in response.content.decode()
