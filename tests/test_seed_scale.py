"""``manage.py seed_scale``: the programme the benchmarks run on, here at a tiny size (the
same work per student as at S, M and L; only the number of cohorts and students differs)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from coachmaster.accounts.models import User
from coachmaster.audit.models import KINDS
from coachmaster.demo import scale
from coachmaster.demo.scale_pages import HEAVY, SIMPLE, NotSeeded, bench_pages
from cohorts.models import Cohort, Enrolment, LecturerAssignment, SupervisorAssignment
from competencies.models import (
    Assessment,
    Evidence,
    EvidenceClaim,
    Examiner,
    FinalLevel,
    Judgement,
    LearningActivity,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
)
from competencies.services.portfolio import completeness_problems
from competencies.snapshots import hash_data
from thesis.models import EthicsReview, Milestone, ThesisProject

pytestmark = pytest.mark.django_db

TINY = {"students": 20, "cohorts": 2}


def _seed(**size) -> None:
    call_command("seed_scale", **(size or TINY), stdout=io.StringIO())


def _fingerprint():
    """Counts of every table the seed writes, and the texts and ids a page shows."""
    counts = {
        model.__name__: model.objects.count()
        for model in (
            User,
            Enrolment,
            LearningActivity,
            Evidence,
            EvidenceClaim,
            PortfolioEntry,
            PortfolioSnapshot,
            Assessment,
            Examiner,
            Judgement,
            FinalLevel,
            Milestone,
        )
    }
    return (
        counts,
        sorted(User.objects.values_list("email", "given_name", "name_prefix", "family_name")),
        sorted(LearningActivity.objects.values_list("uuid", "title", "date", "hours")),
        sorted(Evidence.objects.values_list("uuid", "title")),
        sorted(Assessment.objects.values_list("uuid", "status")),
        sorted(Milestone.objects.values_list("project__working_title", "kind", "status")),
    )


def _student_one():
    """Everything of student00001, by value (ids differ with the size; their data must not)."""
    enrolment = Enrolment.objects.get(student__email=scale.student_email(1))
    return (
        enrolment.cohort.name,
        enrolment.uuid,
        sorted(enrolment.activities.values_list("uuid", "title", "date", "hours")),
        sorted(enrolment.evidence.values_list("uuid", "title", "claims__competency__code")),
        sorted(
            Portfolio.objects.filter(enrolment=enrolment).values_list(
                "uuid", "status", "review_moment__code"
            )
        ),
        sorted(enrolment.thesis.milestones.values_list("kind", "status", "due_on")),
        enrolment.supervisor_assignments.get().supervisor.email,
        sorted(
            Examiner.objects.filter(assessment__portfolio__enrolment=enrolment).values_list(
                "user__email", "position", "submitted_at"
            )
        ),
    )


@pytest.fixture
def rolled_back():
    """Runs the block in a savepoint that is rolled back: the next seed finds an empty
    database again."""

    class _Block:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            transaction.set_rollback(True)
            self.atomic.__exit__(*exc)

    return _Block


# --- the size table (L is not seeded here) ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cohorts", "students", "lecturers", "supervisors"),
    [("S", 2, 200, 6, 8), ("M", 6, 2_000, 53, 84), ("L", 30, 10_000, 264, 410)],
)
def test_sizes_have_the_documented_shape(name, cohorts, students, lecturers, supervisors):
    plan = scale.size_plan(name)
    assert len(plan.cohort_sizes) == cohorts
    assert plan.students == students
    # The first cohort is the same at every size; staff grow with the students.
    assert plan.cohort_sizes[0] == scale.FIRST_COHORT
    assert plan.lecturers[0] == 3 and plan.supervisors[0] == 4
    assert sum(plan.lecturers) == lecturers
    assert sum(plan.supervisors) == supervisors
    assert max(plan.cohort_sizes[1:]) - min(plan.cohort_sizes[1:]) <= 1


def test_per_student_volume_matches_the_issue_at_size_l():
    """L: about 600k activities, 1.8M evidence links, 200k assessment rows, 80k milestones."""
    students = scale.SIZES["L"].students
    assert scale.PER_STUDENT["activities"] * students == 600_000
    assert scale.PER_STUDENT["milestones"] * students == 80_000
    assert len(scale.MILESTONE_KINDS) == scale.PER_STUDENT["milestones"]


def test_a_programme_smaller_than_its_cohorts_is_refused():
    with pytest.raises(CommandError, match="at least one student"):
        call_command("seed_scale", students=1, cohorts=2)


def test_without_a_size_the_command_says_what_it_needs():
    with pytest.raises(CommandError, match="--size"):
        call_command("seed_scale")


# --- seeding (tests that seed themselves come before the module's shared programme) -------


def test_bench_pages_explain_an_unseeded_database():
    with pytest.raises(NotSeeded, match="seed_scale"):
        bench_pages()


def test_the_command_refuses_a_database_that_holds_a_programme():
    _seed()
    with pytest.raises(CommandError, match="only seeds an empty, migrated database"):
        _seed()


def test_the_command_prints_row_counts_and_logins(capsys):
    call_command("seed_scale", **TINY)
    out = capsys.readouterr().out
    assert "Seeded 2 cohorts, 20 students" in out
    assert "competencies_learningactivity" in out
    assert "student00001@scale.test" in out and scale.PASSWORD in out


def test_two_runs_give_the_same_programme(rolled_back):
    with rolled_back():
        _seed()
        first = _fingerprint()
    assert not Cohort.objects.exists()
    with rolled_back():
        _seed()
        assert _fingerprint() == first


def test_the_first_student_looks_the_same_at_every_size(rolled_back):
    with rolled_back():
        _seed(students=20, cohorts=2)
        small = _student_one()
    with rolled_back():
        _seed(students=75, cohorts=3)
        assert _student_one() == small


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One tiny programme for the tests that only read it, rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _seed()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_every_student_has_the_same_work(seeded):
    enrolments = Enrolment.objects.annotate(
        activities_count=Count("activities", distinct=True),
        evidence_count=Count("evidence", distinct=True),
        portfolio_count=Count("portfolios", distinct=True),
    )
    assert enrolments.count() == User.objects.filter(is_student=True).count() == 20
    for enrolment in enrolments:
        assert enrolment.activities_count == scale.PER_STUDENT["activities"]
        assert enrolment.evidence_count == scale.PER_STUDENT["evidence"]
        assert enrolment.portfolio_count == 2
    assert EvidenceClaim.objects.count() == 20 * scale.PER_STUDENT["claims"]
    assert (
        Evidence.activities.through.objects.count()
        == 20 * scale.PER_STUDENT["evidence_activities"]
    )
    assert Enrolment.objects.values("student").distinct().count() == 20


def test_every_student_has_a_supervisor_and_a_thesis_with_milestones(seeded):
    assert SupervisorAssignment.objects.current().count() == 20
    assert ThesisProject.objects.count() == 20
    assert EthicsReview.objects.count() == 20
    for project in ThesisProject.objects.annotate(n=Count("milestones")):
        assert project.n == scale.PER_STUDENT["milestones"]
    # Approved milestones say by whom; the supervisor of the first block has all six states.
    assert not Milestone.objects.filter(status="approved", approved_by__isnull=True).exists()
    states = set(
        Milestone.objects.filter(
            project__enrolment__supervisor_assignments__supervisor__email=scale.supervisor_email(1)
        ).values_list("status", flat=True)
    )
    assert states == {"not_started", "in_progress", "submitted", "approved", "revise"}


def test_submitted_portfolios_point_at_a_snapshot_with_its_assessment(seeded):
    for portfolio in Portfolio.objects.exclude(status=Portfolio.Status.DRAFT).select_related(
        "current_snapshot__assessment", "review_moment__version"
    ):
        snapshot = portfolio.current_snapshot
        assert snapshot.portfolio_id == portfolio.pk
        assert snapshot.sha256 == hash_data(snapshot.data)
        assert snapshot.assessment.portfolio_id == portfolio.pk
        released = snapshot.assessment.status == Assessment.Status.RELEASED
        assert released == (portfolio.status == Portfolio.Status.ASSESSED)
        # What was submitted was complete.
        assert completeness_problems(portfolio) == []
    assert not Portfolio.objects.filter(
        status=Portfolio.Status.DRAFT, current_snapshot__isnull=False
    ).exists()


def test_examiners_are_the_cohorts_lecturers_and_judge_every_competency(seeded):
    for examiner in Examiner.objects.select_related(
        "assessment__snapshot", "assessment__portfolio__enrolment"
    ):
        cohort_id = examiner.assessment.portfolio.enrolment.cohort_id
        assert LecturerAssignment.objects.current().filter(
            cohort_id=cohort_id, lecturer=examiner.user_id, examines=True
        )
        codes = sorted(c["code"] for c in examiner.assessment.snapshot.data["competencies"])
        judged = sorted(examiner.judgements.values_list("competency__code", flat=True))
        assert judged == (codes if examiner.submitted_at else [])
    for assessment in Assessment.objects.filter(status=Assessment.Status.RELEASED):
        assert assessment.released_at is not None
        assert assessment.final_levels.count() == len(assessment.snapshot.data["competencies"])
        assert not assessment.examiners.filter(submitted_at__isnull=True).exists()


def test_the_benchmark_users_have_content(seeded):
    lecturer = User.objects.get(email=scale.lecturer_email(1))
    first_cohort = Enrolment.objects.get(student__email=scale.student_email(1)).cohort
    assert LecturerAssignment.objects.current().filter(lecturer=lecturer, cohort=first_cohort)
    assert Examiner.objects.waiting().filter(user=lecturer).count() >= 3
    assert User.objects.get(email=scale.ADMIN_EMAIL).is_programme_admin
    assert User.objects.filter(email__endswith="@scale.test", is_active=True).count() == (
        User.objects.count()
    )
    password = User.objects.get(email=scale.student_email(1)).password
    assert User.objects.exclude(password=password).count() == 0
    assert User.objects.get(email=scale.student_email(1)).check_password(scale.PASSWORD)


def test_the_seed_leaves_no_audit_trail(seeded):
    for model, _path in KINDS.values():
        assert not model.objects.exists()


def test_bench_pages_are_the_eleven_pages_in_order(seeded):
    with CaptureQueriesContext(connection) as queries:
        pages = bench_pages()
    assert len(queries) <= 5
    assert [page.name for page in pages] == [*SIMPLE, *HEAVY]
    assert len(pages) == 11
    assert {page.kind for page in pages if page.name in HEAVY} == {"heavy"}
    assert [page.name for page in pages if page.htmx] == ["learning_log_htmx"]
    assert bench_pages() == pages
