"""Fixtures and sample files for the evidence and feedback tests.

Test modules import the fixtures they use under their ``*_fixture`` names (pytest knows them
by the short name); ``private_media`` points the private storage at a temporary directory.
"""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import LecturerAssignment, SupervisorAssignment
from competencies.defaults import ensure_activity_kinds
from competencies.models import (
    ActivityKind,
    Evidence,
    EvidenceClaim,
    LearningActivity,
)
from competencies.services.evidence import Claim, save_evidence
from competencies.uploads import check_upload
from tests.private_files import private_files_in

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x0f" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types/>")
        archive.writestr("_rels/.rels", "<?xml version='1.0'?><Relationships/>")
        archive.writestr("word/document.xml", "<?xml version='1.0'?><w:document/>")
    return buffer.getvalue()


def upload(content: bytes = PDF, name: str = "verslag.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(name="private_media")
def private_media_fixture(tmp_path, monkeypatch):
    """The private storage writes into a temporary directory for the test."""
    location = tmp_path / "private"
    location.mkdir()
    with private_files_in(location, monkeypatch):
        yield location


@pytest.fixture(name="enrolment")
def enrolment_fixture(student, version):
    return student.enrolments.select_related("cohort").get()


@pytest.fixture(name="competencies")
def competencies_fixture(version):
    return list(version.framework.competencies.order_by("code"))


@pytest.fixture(name="levels")
def levels_fixture(version):
    return {level.rank: level for level in version.framework.levels.all()}


@pytest.fixture(name="assigned_lecturer")
def assigned_lecturer_fixture(cohort, lecturer):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    return lecturer


@pytest.fixture(name="assigned_supervisor")
def assigned_supervisor_fixture(enrolment, supervisor):
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=supervisor)
    return supervisor


@pytest.fixture(name="activity")
def activity_fixture(enrolment):
    ensure_activity_kinds()
    return LearningActivity.objects.create(
        enrolment=enrolment,
        kind=ActivityKind.objects.first(),
        date=datetime.date(2025, 10, 1),
        hours=2,
        title="Teamcoaching sessie 3",
    )


def make_evidence(enrolment, competencies, levels, *, file: bytes | None = None, **fields):
    """One piece of evidence with a claim on the first competency, saved through the service."""
    evidence = Evidence(
        enrolment=enrolment,
        title=fields.pop("title", "Observatieverslag teamsessie"),
        kind=fields.pop("kind", Evidence.Kind.OBSERVATION),
        text=fields.pop("text", "" if file else "Wat ik zag gebeuren."),
        **fields,
    )
    checked = check_upload(upload(file)) if file else None
    return save_evidence(
        evidence=evidence,
        checked_file=checked,
        claims=[Claim(competencies[0], levels[2], "Ik liet het team zelf sturen.")],
        activities=[],
        by=enrolment.student,
    )


def bulk_evidence(enrolment, competencies, levels, count: int) -> None:
    """``count`` pieces of evidence, each with a claim on every competency: fast, for sizes."""
    rows = Evidence.objects.bulk_create(
        Evidence(enrolment=enrolment, title=f"Bewijs {n}", kind=Evidence.Kind.REFLECTION, text="t")
        for n in range(count)
    )
    if rows and rows[0].pk is None:  # backends that don't return primary keys
        rows = list(Evidence.objects.filter(enrolment=enrolment))
    EvidenceClaim.objects.bulk_create(
        EvidenceClaim(evidence=row, competency=competency, level=levels[2], justification="j")
        for row in rows
        for competency in competencies
    )
