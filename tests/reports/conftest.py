"""Fixtures for the report tests: the private storage in a temporary folder (evidence files,
snapshot copies and report files alike), the world's student with a submitted final
portfolio, and the same portfolio assessed by two examiners and released.

Other report test modules use these fixtures by name (pytest finds them in this conftest).
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from competencies.models import Evidence, Verdict
from competencies.services import portfolio as portfolio_services
from competencies.services import reconciliation
from tests.competencies.assessment_helpers import judge, levels_of, two_examiners
from tests.competencies.portfolio_helpers import complete, start
from tests.private_files import private_files_in

FILE_CONTENT = b"%PDF-1.7\nverslag van een coachgesprek\n%%EOF\n"
EVIDENCE_URL = "https://example.org/verslag?x=1"


@pytest.fixture(autouse=True)
def private_media(tmp_path, monkeypatch):
    """Report files, evidence files and snapshot copies go to a temporary private storage."""
    location = tmp_path / "private"
    location.mkdir()
    with private_files_in(location, monkeypatch):
        yield location


@pytest.fixture
def enrolment(student, version):
    """The world's student, enrolled in the cohort that follows ``version``."""
    return student.enrolments.select_related("cohort", "student").get()


def submit_final_portfolio(enrolment, moment_code: str = "final-portfolio"):
    """The enrolment's portfolio for ``moment_code``, completed (the first evidence with a
    file and a link) and submitted: its snapshot."""
    moment = enrolment.cohort.curriculum_version.review_moments.get(code=moment_code)
    portfolio = complete(start(enrolment, moment), content=FILE_CONTENT)
    Evidence.objects.filter(enrolment=enrolment).exclude(file="").update(url=EVIDENCE_URL)
    return portfolio_services.submit_portfolio(portfolio=portfolio, by=enrolment.student)


@pytest.fixture
def snapshot(enrolment):
    """The world's student's final portfolio, submitted (round 1, not assessed yet)."""
    return submit_final_portfolio(enrolment)


def release(snapshot, *, by, verdict=Verdict.PASS, grade=Decimal("7.5"), rank=3):
    """Two examiners judge the snapshot's assessment, agree and release the result."""
    assessment = snapshot.assessment
    pair = two_examiners(assessment, by=by)
    for examiner in pair:
        judge(examiner, rank=rank, verdict=verdict, grade=grade)
    assessment.refresh_from_db()
    levels = levels_of(assessment)
    reconciliation.propose_result(
        assessment=assessment,
        levels={c.pk: levels[rank] for c in reconciliation.assessed_competencies(assessment)},
        verdict=verdict,
        grade=grade,
        explanation="Samen besloten: een sterk portfolio.",
        resubmission_deadline=None,
        revision=assessment.revision,
        by=pair[0].user,
    )
    reconciliation.approve_result(
        assessment=assessment, revision=assessment.revision, by=pair[1].user
    )
    reconciliation.release_result(assessment=assessment, by=pair[0].user)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def released_snapshot(snapshot, programme_admin):
    """``snapshot``, assessed by two examiners (pass, 7.5) and released."""
    release(snapshot, by=programme_admin)
    snapshot.refresh_from_db()
    return snapshot


def pdf_text(content: bytes) -> str:
    """All text of a PDF, pages joined."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
