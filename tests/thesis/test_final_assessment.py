"""The final thesis as evidence for the thesis-defence assessment, and the way from an
approved final thesis through two examiners' released result to the signed-off defence."""

import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.utils import translation
from django.utils.translation import gettext

from competencies.models import Assessment, Evidence, Portfolio, ReviewTarget, Verdict
from competencies.services import portfolio as portfolio_services
from competencies.services import reconciliation
from competencies.snapshots import files_of
from tests.competencies.assessment_helpers import judge, levels_of, two_examiners
from tests.competencies.portfolio_helpers import complete, start
from tests.factories import ReviewMomentFactory, SupervisorFactory
from thesis import services
from thesis.final import add_thesis_as_evidence, approved_final_version, thesis_evidence
from thesis.models import Milestone, MilestoneKind, ThesisProject

from .helpers import PDF, approve, checked, hand_in, milestone

pytestmark = pytest.mark.django_db

FINAL = MilestoneKind.FINAL


def stored(name: str) -> bytes:
    with storages["private"].open(name, "rb") as handle:
        return handle.read()


def evidence_files(tmp_path) -> list:
    folder = tmp_path / "evidence"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def approved(project, supervisor):
    """The project with its final thesis approved. Approving already adds the evidence
    (``services.review_version``); it is removed here so that each test watches
    ``add_thesis_as_evidence`` itself."""
    approve(project, FINAL, supervisor)
    for evidence in Evidence.objects.all():
        evidence.file.delete(save=False)
        evidence.delete()
    return project


@pytest.fixture
def defence_moment(version):
    """The thesis-defence review moment of the test curriculum: two examiners and a grade,
    with targets on every competency."""
    moment = ReviewMomentFactory(
        version=version,
        code=services.THESIS_REVIEW_MOMENT,
        year=2,
        offset_months=24,
        min_examiners=2,
        grade_required=True,
        decisive=True,
    )
    level = version.framework.levels.get(rank=3)
    ReviewTarget.objects.bulk_create(
        ReviewTarget(review_moment=moment, competency=competency, level=level)
        for competency in version.framework.competencies.all()
    )
    return moment


# --- adding the thesis as evidence ------------------------------------------------------------


def test_the_approved_final_thesis_becomes_evidence_with_the_same_bytes(
    approved, supervisor, enrolment
):
    version = approved_final_version(approved)
    evidence = add_thesis_as_evidence(project=approved, by=supervisor)
    evidence.refresh_from_db()
    assert evidence.enrolment == enrolment
    assert evidence.kind == Evidence.Kind.DOCUMENT
    assert stored(evidence.file.name) == stored(version.file.name) == PDF
    assert evidence.sha256 == version.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.size == version.size == len(PDF)
    assert evidence.original_name == version.original_name
    assert evidence.content_type == "application/pdf"
    # A copy under the evidence storage, not the thesis file itself.
    assert evidence.file.name != version.file.name
    assert evidence.file.name.startswith(f"evidence/{enrolment.pk}/")
    with translation.override("nl"):
        assert evidence.title == gettext("Master thesis: %(title)s (final version %(number)s)") % {
            "title": approved.working_title,
            "number": version.number,
        }
    assert thesis_evidence(approved) == evidence


def test_the_title_is_in_the_students_language(approved, student):
    owner = approved.enrolment.student  # the instance the service reads
    owner.preferred_language = "en"
    owner.save()
    evidence = add_thesis_as_evidence(project=approved, by=student)
    assert evidence.title == f"Master thesis: {approved.working_title} (final version 1)"


def test_adding_twice_gives_the_same_evidence(approved, supervisor, student, private_storage):
    first = add_thesis_as_evidence(project=approved, by=supervisor)
    second = add_thesis_as_evidence(project=approved, by=student)
    assert second.pk == first.pk
    assert Evidence.objects.count() == 1
    assert len(evidence_files(private_storage)) == 1


def test_a_new_approved_final_version_gives_new_evidence(approved, supervisor, student):
    first = add_thesis_as_evidence(project=approved, by=supervisor)
    final = milestone(approved, FINAL)
    services.reopen_milestone(milestone=final, reason="Hoofdstuk 5 herschrijven.", by=supervisor)
    content = PDF + b"% tweede versie\n"
    version = services.upload_version(
        milestone=final, checked_file=checked("eind-v2.pdf", content), by=student
    )
    services.review_version(version=version, decision="approved", feedback="Ok.", by=supervisor)
    second = add_thesis_as_evidence(project=approved, by=student)
    assert second.pk != first.pk
    assert stored(second.file.name) == content
    assert second.sha256 == version.sha256
    assert Evidence.objects.filter(pk=first.pk).exists()  # a portfolio may use the old one


@pytest.mark.parametrize("state", ["not_started", "submitted", "revise", "reopened"])
def test_refused_unless_the_final_thesis_is_approved(
    project, supervisor, student, state, private_storage
):
    final = milestone(project, FINAL)
    if state in ("submitted", "revise"):
        version = hand_in(project, FINAL)
        if state == "revise":
            services.review_version(
                version=version, decision="revise", feedback="Nog niet.", by=supervisor
            )
    if state == "reopened":
        approve(project, FINAL, supervisor)
        services.reopen_milestone(milestone=final, reason="Toch niet.", by=supervisor)
    # The approval before a reopening already made its evidence; nothing is added now.
    before = (Evidence.objects.count(), len(evidence_files(private_storage)))
    with pytest.raises(ValidationError):
        add_thesis_as_evidence(project=project, by=supervisor)
    assert (Evidence.objects.count(), len(evidence_files(private_storage))) == before
    assert before == ((1, 1) if state == "reopened" else (0, 0))


@pytest.mark.parametrize(
    "name", ["student2", "lecturer", "programme_admin", "outsider", "other_supervisor"]
)
def test_only_the_student_and_the_supervisor_may_add_it(approved, world, name, lecturer):
    person = SupervisorFactory() if name == "other_supervisor" else world[name]
    with pytest.raises(PermissionDenied):
        add_thesis_as_evidence(project=approved, by=person)
    assert not Evidence.objects.exists()


def test_the_second_reader_may_not_add_it(approved, lecturer, programme_admin):
    services.assign_second_reader(project=approved, reader=lecturer, by=programme_admin)
    with pytest.raises(PermissionDenied):
        add_thesis_as_evidence(project=approved, by=lecturer)


def test_a_changed_stored_file_is_refused_and_nothing_is_left(
    approved, supervisor, private_storage
):
    version = approved_final_version(approved)
    (private_storage / version.file.name).write_bytes(PDF + b"% gewijzigd\n")
    with pytest.raises(ValidationError):
        add_thesis_as_evidence(project=approved, by=supervisor)
    assert not Evidence.objects.exists()
    assert evidence_files(private_storage) == []


def test_a_missing_stored_file_is_refused(approved, supervisor, private_storage):
    version = approved_final_version(approved)
    (private_storage / version.file.name).unlink()
    with pytest.raises(ValidationError):
        add_thesis_as_evidence(project=approved, by=supervisor)
    assert not Evidence.objects.exists()


# --- from the approved thesis to the signed-off defence ----------------------------------------


def _release(assessment, examiners, *, grade=Decimal("7.5"), verdict=Verdict.PASS):
    levels = levels_of(assessment)
    reconciliation.propose_result(
        assessment=assessment,
        levels={c.pk: levels[3] for c in reconciliation.assessed_competencies(assessment)},
        verdict=verdict,
        grade=grade,
        explanation="Een sterke scriptie, overtuigend verdedigd.",
        resubmission_deadline=None,
        revision=assessment.revision,
        by=examiners[0].user,
    )
    reconciliation.approve_result(
        assessment=assessment, revision=assessment.revision, by=examiners[1].user
    )
    reconciliation.release_result(assessment=assessment, by=examiners[0].user)


def test_the_final_assessment_is_released_and_the_defence_signed_off(
    approved, supervisor, student, enrolment, defence_moment, programme_admin
):
    # The supervisor approved the final thesis; it becomes the student's evidence.
    thesis = add_thesis_as_evidence(project=approved, by=supervisor)
    assert services.final_assessment(approved) is None
    assert services.final_assessment_result(approved) is None

    # The student selects it in the thesis-defence portfolio and submits.
    portfolio = complete(start(enrolment, defence_moment))
    entry = portfolio_services.load_entries(portfolio)[0]
    portfolio_services.save_entry(
        entry=entry,
        self_level=entry.self_level,
        argument=entry.argument,
        evidence=[*entry.evidence.all(), thesis],
        by=student,
    )
    snapshot = portfolio_services.submit_portfolio(portfolio=portfolio, by=student)
    assert thesis.sha256 in files_of(snapshot.data)
    assessment = Assessment.objects.get(snapshot=snapshot)
    assert services.final_assessment(approved).pk == assessment.pk
    assert services.final_assessment_result(approved) is None

    # Not yet released: the defence can't be signed off.
    defence = milestone(approved, MilestoneKind.DEFENCE)
    with pytest.raises(ValidationError):
        services.sign_off_defence(milestone=defence, note="", by=supervisor)

    # Two examiners judge independently, agree on a grade and release it.
    examiners = two_examiners(assessment, by=programme_admin)
    for examiner in examiners:
        judge(examiner, rank=3, verdict=Verdict.PASS, grade=Decimal("7.5"))
    assessment.refresh_from_db()
    _release(assessment, examiners, grade=Decimal("7.8"))

    result = services.final_assessment_result(approved)
    assert result is not None
    assert result.verdict == Verdict.PASS
    assert Decimal(result.grade) == Decimal("7.8")
    assert result.assessment_uuid == assessment.uuid
    assert Portfolio.objects.get(pk=portfolio.pk).status == Portfolio.Status.ASSESSED

    # Now the supervisor signs the defence off and the thesis is completed.
    services.sign_off_defence(milestone=defence, note="Verdediging op 1 juli.", by=supervisor)
    defence.refresh_from_db()
    assert defence.status == Milestone.Status.APPROVED
    assert defence.approved_by == supervisor
    approved.refresh_from_db()
    assert approved.status == ThesisProject.Status.COMPLETED


def test_the_defence_waits_for_the_final_thesis(project, supervisor):
    defence = milestone(project, MilestoneKind.DEFENCE)
    with pytest.raises(ValidationError):
        services.sign_off_defence(milestone=defence, note="", by=supervisor)
    assert milestone(project, MilestoneKind.DEFENCE).status == Milestone.Status.NOT_STARTED
