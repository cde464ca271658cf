"""Portfolio rules: starting, the completeness check, submitting into an immutable snapshot
(refused by the model and by the database), hashing, and withdrawing."""

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from cohorts.models import LecturerAssignment
from competencies import snapshots
from competencies.models import (
    Portfolio,
    PortfolioSnapshot,
    ProfessionalRole,
    ReviewTarget,
    SystemLevel,
)
from competencies.services import portfolio as services
from curriculum.models import ReviewMoment
from tests.competencies.portfolio_helpers import (
    complete,
    entry,
    make_activity,
    make_evidence,
    start,
)
from tests.factories import CompetencyFactory, EnrolmentFactory, make_programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

PDF = b"%PDF-1.4 het verslag"


@pytest.fixture
def moment(version):
    return version.review_moments.get(code="year-1-review")


@pytest.fixture
def portfolio(enrolment, moment):
    return start(enrolment, moment)


def kinds(problems):
    return sorted(problem.kind for problem in problems)


# --- starting --------------------------------------------------------------------------------


def test_starting_creates_an_entry_per_target_competency_once(enrolment, moment):
    portfolio = start(enrolment, moment)
    again = start(enrolment, moment)
    assert again.pk == portfolio.pk
    assert sorted(portfolio.entries.values_list("competency__code", flat=True)) == [
        "IC1",
        "IC2",
        "IC3",
    ]
    assert portfolio.status == Portfolio.Status.DRAFT


def test_only_the_student_starts_their_portfolio(enrolment, moment, student2):
    with pytest.raises(PermissionDenied):
        services.start_portfolio(enrolment=enrolment, review_moment=moment, by=student2)


def test_a_moment_of_another_curriculum_is_refused(enrolment):
    foreign = make_programme(competencies=1, name="2030").review_moments.first()
    with pytest.raises(ValidationError):
        start(enrolment, foreign)


# --- completeness ----------------------------------------------------------------------------


def test_a_new_portfolio_lists_everything_missing(portfolio):
    problems = services.completeness_problems(portfolio)
    assert kinds(problems) == sorted(
        ["no_evidence"] * 3
        + ["no_self_level"] * 3
        + ["no_argument"] * 3
        + ["role_missing"]  # the coach role of IC1–IC3
        + ["system_level_missing"] * 4
        + ["no_reflection", "no_development_plan"]
    )
    by_kind = {}
    for problem in problems:
        by_kind.setdefault(problem.kind, problem)
    assert by_kind["no_evidence"].anchor == "entry-IC1"
    assert by_kind["role_missing"].anchor == "entry-IC1"
    assert by_kind["system_level_missing"].anchor == "coverage"
    assert by_kind["no_reflection"].anchor == "overall"


def test_a_complete_portfolio_has_no_problems(portfolio):
    assert services.completeness_problems(complete(portfolio)) == []


def test_a_level_below_the_target_is_reported(portfolio):
    complete(portfolio)
    ic2 = entry(portfolio, "IC2")
    low = portfolio.review_moment.version.framework.levels.get(rank=1)
    services.save_entry(
        entry=ic2,
        self_level=low,
        argument="x",
        evidence=list(ic2.evidence.all()),
        by=portfolio.enrolment.student,
    )
    problems = services.completeness_problems(portfolio)
    assert [(p.kind, p.anchor) for p in problems] == [("target_not_reached", "entry-IC2")]


def test_missing_evidence_self_level_and_argument_are_reported_per_entry(portfolio):
    complete(portfolio)
    services.save_entry(
        entry=entry(portfolio, "IC3"),
        self_level=None,
        argument="  ",
        evidence=[],
        by=portfolio.enrolment.student,
    )
    problems = services.completeness_problems(portfolio)
    assert {(p.kind, p.anchor) for p in problems} == {
        ("no_evidence", "entry-IC3"),
        ("no_self_level", "entry-IC3"),
        ("no_argument", "entry-IC3"),
    }


def test_a_system_level_never_evidenced_is_reported(portfolio):
    complete(portfolio)
    network = portfolio.enrolment.activities.get(system_level=SystemLevel.NETWORK)
    network.system_level = SystemLevel.TEAM
    network.save()
    problems = services.completeness_problems(portfolio)
    assert kinds(problems) == ["system_level_missing"]
    assert str(SystemLevel.NETWORK.label) in problems[0].message


def test_each_required_role_except_conduct_must_be_evidenced(portfolio, moment):
    framework = moment.version.framework
    level = framework.levels.get(rank=2)
    profile = framework.profiles.get()
    advisor = CompetencyFactory(profile=profile, code="ADV", role=ProfessionalRole.ADVISOR)
    conduct = CompetencyFactory(profile=profile, code="ETH", role=ProfessionalRole.CONDUCT)
    ReviewTarget.objects.bulk_create(
        ReviewTarget(review_moment=moment, competency=c, level=level) for c in (advisor, conduct)
    )
    start(portfolio.enrolment, moment)  # adds the entries of the new targets
    complete(portfolio)
    problems = services.completeness_problems(portfolio)
    # Every activity was coaching work: the advisor role is missing, conduct is not checked.
    assert [(p.kind, p.anchor) for p in problems] == [("role_missing", "entry-ADV")]
    advising = make_activity(portfolio.enrolment, role="advisor", system_level="team")
    entry(portfolio, "ADV").evidence.first().activities.add(advising)
    assert services.completeness_problems(portfolio) == []


def page_problems(portfolio):
    """The completeness check as the portfolio page runs it (light entries, coverage in SQL)."""
    return services.completeness_problems(
        portfolio,
        services.load_page_entries(portfolio),
        coverage=services.evidenced_in(portfolio),
    )


def test_the_page_loader_finds_what_the_full_loader_finds(portfolio):
    assert services.evidenced_in(portfolio) == (set(), set())
    assert page_problems(portfolio) == services.completeness_problems(portfolio)
    complete(portfolio)
    enrolment = portfolio.enrolment
    # Evidence shared by two entries, an activity without role or level, one in another role.
    shared = make_evidence(
        enrolment,
        title="A shared report",
        activities=[make_activity(enrolment), make_activity(enrolment, role="advisor")],
    )
    entry(portfolio, "IC1").evidence.add(shared)
    entry(portfolio, "IC2").evidence.add(shared)
    network = portfolio.enrolment.activities.get(system_level=SystemLevel.NETWORK)
    network.system_level = SystemLevel.TEAM
    network.save()

    full = services.load_entries(portfolio)
    light = services.load_page_entries(portfolio)
    assert services.evidenced_in(portfolio) == services.evidenced(full)
    roles, levels = services.evidenced_in(portfolio)
    assert "advisor" in roles and "" not in roles and "" not in levels
    assert SystemLevel.NETWORK not in levels
    assert [e.pk for e in light] == [e.pk for e in full]
    assert [[i.pk for i in e.evidence.all()] for e in light] == [
        [i.pk for i in e.evidence.all()] for e in full
    ]
    assert [(e.target_level_id, e.target_rank, e.self_level) for e in light] == [
        (e.target_level_id, e.target_rank, e.self_level) for e in full
    ]
    assert kinds(page_problems(portfolio)) == ["system_level_missing"]
    assert page_problems(portfolio) == services.completeness_problems(portfolio)


def test_problem_messages_are_translated(portfolio):
    from django.utils.translation import override

    with override("en"):
        english = services.completeness_problems(portfolio)[0].message
    with override("nl"):
        dutch = services.completeness_problems(portfolio)[0].message
    assert "IC1" in english and "IC1" in dutch


# --- submitting ------------------------------------------------------------------------------


def test_submitting_is_refused_while_problems_remain(portfolio):
    with pytest.raises(ValidationError) as error:
        services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)
    assert len(error.value.messages) == len(services.completeness_problems(portfolio))
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.DRAFT
    assert not PortfolioSnapshot.objects.exists()


def test_submitting_freezes_a_snapshot_of_texts_levels_selections_and_files(portfolio):
    complete(portfolio, content=PDF)
    snapshot = services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED
    assert portfolio.current_snapshot == snapshot
    assert snapshot.number == 1
    data = PortfolioSnapshot.objects.get(pk=snapshot.pk).data
    enrolment = portfolio.enrolment
    assert data["schema"] == snapshots.SCHEMA_VERSION
    assert data["student"] == {
        "name": enrolment.student.get_full_name(),
        "student_number": enrolment.student_number,
    }
    assert data["review_moment"]["code"] == "year-1-review"
    due = portfolio.review_moment.due_date(enrolment.cohort.start_date)
    assert data["review_moment"]["due_date"] == due.isoformat()
    assert [level["rank"] for level in data["scale"]] == [1, 2, 3, 4]
    assert [c["code"] for c in data["competencies"]] == ["IC1", "IC2", "IC3"]
    first = data["competencies"][0]
    assert (first["target_level"], first["self_level"]) == (2, 2)
    assert first["argument"] == "Mijn argument voor IC1."
    [item] = first["evidence"]
    assert item["title"] == "Bewijs IC1"
    assert item["claims"] == [{"competency": "IC1", "level": 2, "justification": "Zie verslag."}]
    assert {a["system_level"] for a in item["activities"]} == set(SystemLevel.values)
    file = item["file"]
    assert file["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (file["original_name"], file["content_type"], file["size"]) == (
        "verslag.pdf",
        "application/pdf",
        len(PDF),
    )
    # The file is kept under its hash, apart from the evidence's own file.
    assert file["storage_name"].endswith(file["sha256"])
    with storages["private"].open(file["storage_name"]) as handle:
        assert handle.read() == PDF
    assert data["overall_reflection"] == "Terugblik."
    assert data["development_plan"] == "Plan."


def test_the_hash_is_the_sha256_of_the_canonical_json_and_stays_verifiable(portfolio):
    complete(portfolio, content=PDF)
    snapshot = services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)
    stored = PortfolioSnapshot.objects.get(pk=snapshot.pk)
    canonical = json.dumps(
        stored.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert stored.sha256 == hashlib.sha256(canonical).hexdigest()
    assert snapshots.hash_data(stored.data) == stored.sha256
    # Key order doesn't matter; any change of content does.
    reordered = json.loads(json.dumps(stored.data), object_pairs_hook=lambda p: dict(reversed(p)))
    assert snapshots.hash_data(reordered) == stored.sha256
    reordered["development_plan"] += "."
    assert snapshots.hash_data(reordered) != stored.sha256


def test_a_file_changed_since_upload_blocks_the_submission(portfolio):
    complete(portfolio, content=PDF)
    evidence = entry(portfolio, "IC1").evidence.get()
    storage = storages["private"]
    storage.delete(evidence.file.name)
    storage.save(evidence.file.name, ContentFile(b"something else"))
    with pytest.raises(ValidationError) as error:
        services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)
    assert evidence.title in error.value.messages[0]
    assert not PortfolioSnapshot.objects.exists()


def test_a_missing_file_blocks_the_submission(portfolio):
    complete(portfolio, content=PDF)
    storages["private"].delete(entry(portfolio, "IC1").evidence.get().file.name)
    with pytest.raises(ValidationError):
        services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)


def test_only_the_student_submits(portfolio, student2, lecturer, cohort):
    complete(portfolio)
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    for person in (student2, lecturer):
        with pytest.raises(PermissionDenied):
            services.submit_portfolio(portfolio=portfolio, by=person)


def test_a_submitted_portfolio_cannot_be_submitted_or_edited_again(portfolio):
    complete(portfolio)
    student = portfolio.enrolment.student
    services.submit_portfolio(portfolio=portfolio, by=student)
    with pytest.raises(ValidationError):
        services.submit_portfolio(portfolio=portfolio, by=student)
    with pytest.raises(ValidationError):
        services.save_entry(
            entry=entry(portfolio, "IC1"), self_level=None, argument="", evidence=[], by=student
        )
    with pytest.raises(ValidationError):
        services.save_overall(
            portfolio=portfolio, overall_reflection="", development_plan="", by=student
        )


def test_evidence_of_another_student_cannot_be_selected(portfolio, student2):
    foreign = make_evidence(student2.enrolments.get())
    with pytest.raises(ValidationError):
        services.save_entry(
            entry=entry(portfolio, "IC1"),
            self_level=None,
            argument="",
            evidence=[foreign],
            by=portfolio.enrolment.student,
        )


def test_later_edits_of_evidence_and_entries_leave_the_snapshot_alone(portfolio):
    complete(portfolio, content=PDF)
    student = portfolio.enrolment.student
    snapshot = services.submit_portfolio(portfolio=portfolio, by=student)
    before = PortfolioSnapshot.objects.get(pk=snapshot.pk).data
    evidence = entry(portfolio, "IC1").evidence.get()
    evidence.title = "Nieuwe titel"
    evidence.save()
    evidence.claims.update(justification="Anders")
    services.withdraw_submission(portfolio=portfolio, by=student)
    services.save_entry(
        entry=entry(portfolio, "IC1"), self_level=None, argument="Nieuw", evidence=[], by=student
    )
    stored = PortfolioSnapshot.objects.get(pk=snapshot.pk)
    assert stored.data == before
    assert snapshots.hash_data(stored.data) == stored.sha256


# --- immutability ----------------------------------------------------------------------------


@pytest.fixture
def snapshot(portfolio):
    complete(portfolio)
    return services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)


def test_the_model_refuses_to_change_or_delete_a_snapshot(snapshot):
    snapshot.data = {}
    with pytest.raises(ValidationError):
        snapshot.save()
    with pytest.raises(ValidationError):
        snapshot.delete()
    assert PortfolioSnapshot.objects.get(pk=snapshot.pk).data["competencies"]


def test_the_database_refuses_to_update_a_snapshot(snapshot):
    with pytest.raises(DatabaseError), transaction.atomic():
        PortfolioSnapshot.objects.filter(pk=snapshot.pk).update(data={})
    assert PortfolioSnapshot.objects.get(pk=snapshot.pk).data["competencies"]


def test_the_database_refuses_to_delete_a_snapshot(snapshot):
    with pytest.raises(DatabaseError), transaction.atomic():
        PortfolioSnapshot.objects.filter(pk=snapshot.pk).delete()
    assert PortfolioSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_the_database_refuses_a_submitted_portfolio_without_snapshot(portfolio):
    with pytest.raises(IntegrityError), transaction.atomic():
        Portfolio.objects.filter(pk=portfolio.pk).update(status=Portfolio.Status.SUBMITTED)


# --- withdrawing -----------------------------------------------------------------------------


def test_withdrawing_returns_to_draft_and_keeps_the_snapshot(snapshot):
    portfolio = snapshot.portfolio
    services.withdraw_submission(portfolio=portfolio, by=portfolio.enrolment.student)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.DRAFT
    assert portfolio.current_snapshot is None
    assert list(portfolio.snapshots.all()) == [snapshot]
    again = services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)
    assert again.number == 2
    [status] = [s for s in Portfolio.objects.statuses_for(portfolio.enrolment) if s.portfolio]
    assert (status.state, status.withdrawn_count) == ("submitted", 1)


def test_withdrawing_is_refused_once_assessment_started(snapshot):
    portfolio = snapshot.portfolio
    Portfolio.objects.filter(pk=portfolio.pk).update(assessment_started_at=timezone.now())
    portfolio.refresh_from_db()
    assert not portfolio.can_be_withdrawn
    with pytest.raises(ValidationError):
        services.withdraw_submission(portfolio=portfolio, by=portfolio.enrolment.student)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED


def test_staff_cannot_withdraw(snapshot, lecturer, cohort):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    with pytest.raises(PermissionDenied):
        services.withdraw_submission(portfolio=snapshot.portfolio, by=lecturer)


def test_a_draft_cannot_be_withdrawn(portfolio):
    assert not portfolio.can_be_withdrawn
    with pytest.raises(ValidationError):
        services.withdraw_submission(portfolio=portfolio, by=portfolio.enrolment.student)


# --- status per review moment ----------------------------------------------------------------


def test_status_per_review_moment(enrolment, moment, version):
    statuses = Portfolio.objects.statuses_for(enrolment)
    assert [(s.moment.code, s.state) for s in statuses] == [
        ("year-1-review", "not_started"),
        ("final-portfolio", "not_started"),
    ]
    complete(start(enrolment, moment))
    services.submit_portfolio(portfolio=Portfolio.objects.get(), by=enrolment.student)
    first, final = Portfolio.objects.statuses_for(enrolment)
    assert first.state == "submitted"
    assert first.submitted_at is not None
    assert first.due_date == moment.due_date(enrolment.cohort.start_date)
    assert final.state == "not_started"


def test_no_curriculum_means_no_moments(other_cohort):
    enrolment = EnrolmentFactory(cohort=other_cohort)
    assert Portfolio.objects.statuses_for(enrolment) == []
    assert not ReviewMoment.objects.filter(version__cohorts=other_cohort).exists()
