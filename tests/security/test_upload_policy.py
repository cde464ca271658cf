"""One upload policy for the whole platform: archive bombs, text imports, every upload form,
safe download headers, and one function that serves every private file."""

from __future__ import annotations

import gzip
import importlib
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from coachmaster import uploads
from coachmaster.uploads import check_upload, content_disposition, file_response
from tests.competencies.evidence_helpers import (  # noqa: F401
    PDF,
    PNG,
    competencies_fixture,
    enrolment_fixture,
    levels_fixture,
    make_evidence,
    private_media_fixture,
)

ROOT = Path(__file__).resolve().parent.parent.parent
MB = 1024 * 1024
DOCX = "docx"
OFFICE_HEAD = (
    ("[Content_Types].xml", b"<?xml version='1.0'?><Types/>"),
    ("_rels/.rels", b"<?xml version='1.0'?><Relationships/>"),
    ("word/document.xml", b"<?xml version='1.0'?><w:document/>"),
)


def office(*parts, compression=zipfile.ZIP_DEFLATED, prepare=None) -> bytes:
    """A docx-shaped ZIP: the three parts ``filetype`` recognises, then ``parts``.

    Each part is (name, bytes) or a ready ``ZipInfo`` with its bytes; ``prepare`` may tamper
    with the archive's entries before its directory is written."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in (*OFFICE_HEAD, *parts):
            archive.writestr(name, data)
        if prepare:
            prepare(archive)
    return buffer.getvalue()


def plain_zip(*parts, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts:
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(content: bytes, name: str = "plan.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def check(content: bytes, name: str = "plan.docx", *, allowed=(DOCX, "pdf", "xlsx")):
    return check_upload(upload(content, name), allowed=allowed, max_bytes=20 * MB)


def refusal(content: bytes, name: str = "plan.docx", **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(content, name, **kwargs)
    return caught.value


# --- archives ---------------------------------------------------------------------------------


def test_an_ordinary_office_document_is_accepted():
    checked = check(office(("word/media/image1.png", PNG), ("docProps/app.xml", b"<x/>" * 50)))
    assert checked.extension == DOCX


def test_a_document_that_unpacks_enormously_is_a_zip_bomb():
    bomb = office(("word/bomb.xml", b"\0" * (30 * MB)))
    assert len(bomb) < 100_000
    error = refusal(bomb)
    assert error.code == "archive_ratio"
    assert error.messages == [
        gettext(
            "This document is compressed far more strongly than documents are (it looks like "
            "a “zip bomb”), so it is not accepted."
        )
    ]


def test_many_small_strongly_compressed_parts_are_a_zip_bomb_too():
    # Each part stays under the per-part floor; together they unpack far beyond the ratio.
    parts = [(f"word/part{n}.xml", b"a" * (900 * 1024)) for n in range(40)]
    assert refusal(office(*parts)).code == "archive_ratio"


def test_the_total_unpacked_size_is_limited(settings):
    settings.UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_MB = 1
    parts = [(f"word/media/photo{n}.bin", os.urandom(400 * 1024)) for n in range(4)]
    error = refusal(office(*parts, compression=zipfile.ZIP_STORED))
    assert error.code == "archive_too_large"
    assert error.messages == [
        gettext(
            "This document unpacks to more than %(size)s MB, which is not accepted. Make it "
            "smaller (for example by compressing its images) and try again."
        )
        % {"size": 1}
    ]


def test_a_part_that_declares_an_enormous_size_is_refused_before_unpacking(settings):
    settings.UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_MB = 1

    def declare_huge(archive):
        archive.getinfo("word/document.xml").file_size = 5 * MB

    assert refusal(office(prepare=declare_huge)).code == "archive_too_large"


def test_a_part_that_lies_about_its_size_is_refused_as_damaged():
    def understate(archive):
        archive.getinfo("word/big.xml").file_size = 100

    error = refusal(office(("word/big.xml", b"<w:p/>" * 100_000), prepare=understate))
    assert error.code == "archive_damaged"
    assert error.messages == [
        gettext("This document is damaged or incomplete. Save it again and try again.")
    ]


def test_the_number_of_parts_is_limited(settings):
    settings.UPLOAD_ARCHIVE_MAX_ENTRIES = 10
    parts = [(f"word/part{n}.xml", b"<x/>") for n in range(8)]
    error = refusal(office(*parts))
    assert error.code == "archive_too_many_entries"
    assert error.messages == [
        gettext(
            "This document consists of too many parts (at most %(max)s), which is "
            "not accepted. Save it again in a simpler form and try again."
        )
        % {"max": 10}
    ]


def test_an_embedded_office_file_is_inspected_and_accepted():
    # Word keeps a chart's data as a workbook inside the document: one level is normal.
    workbook = plain_zip(("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<w/>"))
    assert check(office(("word/embeddings/Microsoft_Excel_Worksheet.xlsx", workbook)))


def test_a_bomb_inside_an_embedded_file_is_found():
    inner = plain_zip(("xl/bomb.xml", b"\0" * (30 * MB)))
    assert refusal(office(("word/embeddings/chart.xlsx", inner))).code == "archive_ratio"


def test_archives_nested_deeper_are_refused():
    innermost = plain_zip(("note.txt", b"hello"))
    inner = plain_zip(("xl/embeddings/again.zip", innermost))
    error = refusal(office(("word/embeddings/chart.xlsx", inner)))
    assert error.code == "archive_nested"
    assert error.messages == [
        gettext(
            "This document has another archive (such as a ZIP file) packed inside it, which "
            "is not accepted. Remove the embedded archive and try again."
        )
    ]


@pytest.mark.parametrize(
    "packed",
    [
        gzip.compress(b"hidden" * 100),
        b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 32,
        b"Rar!\x1a\x07\x01\x00" + b"\0" * 32,
        b"\xfd7zXZ\x00\x00\x04" + b"\0" * 32,
        b"BZh91AY&SY" + b"\0" * 32,
        b"\0" * 257 + b"ustar\x0000" + b"\0" * 240,
    ],
    ids=["gzip", "7z", "rar", "xz", "bzip2", "tar"],
)
def test_other_archive_formats_inside_a_document_are_refused(packed):
    assert refusal(office(("word/media/photo.bin", packed))).code == "archive_nested"


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/cron.d/evil",
        "word/../../outside.xml",
        "/etc/passwd",
        "\\windows\\evil.dll",
        "C:\\Windows\\evil.dll",
        "word\\..\\..\\evil.xml",
        "word/line\nbreak.xml",
    ],
)
def test_parts_named_outside_the_document_are_refused(name):
    error = refusal(office((zipfile.ZipInfo(name), b"<x/>")))
    assert error.code == "archive_unsafe_name"
    assert error.messages == [
        gettext(
            "This document contains parts with unsafe names (paths that point outside "
            "the document), so it is not accepted."
        )
    ]


def test_a_symbolic_link_inside_a_document_is_refused():
    link = zipfile.ZipInfo("word/link.xml")
    link.external_attr = (0o120777 << 16) | 0x20
    assert refusal(office((link, b"/etc/passwd"))).code == "archive_unsafe_name"


def test_encrypted_parts_cannot_be_checked_and_are_refused():
    def encrypt_flag(archive):
        archive.getinfo("word/secret.xml").flag_bits |= 0x1

    assert refusal(office(("word/secret.xml", b"<x/>"), prepare=encrypt_flag)).code == (
        "archive_encrypted"
    )


def test_a_truncated_document_is_refused_as_damaged():
    document = office(("word/styles.xml", os.urandom(20_000)))
    assert refusal(document[: len(document) // 2]).code == "archive_damaged"


def test_the_checked_file_can_be_read_again_after_the_archive_check():
    document = office(("word/styles.xml", b"<s/>" * 1000))
    checked = check(document)
    assert checked.file.read() == document
    assert checked.size == len(document)


# --- text imports -----------------------------------------------------------------------------


def test_utf8_csv_and_json_are_accepted_as_text():
    csv_file = check(
        "Studentnummer;Roepnaam\n123456;Eva Ünal\n".encode(), "s.csv", allowed={"csv"}
    )
    assert (csv_file.extension, csv_file.content_type) == ("csv", "text/csv")
    json_file = check(b'{"competencies": []}', "f.json", allowed={"json", "csv"})
    assert (json_file.extension, json_file.content_type) == ("json", "application/json")


@pytest.mark.parametrize(
    "content",
    [
        "Studentnummer;Roepnaam\n123456;Eva Ünal\n".encode("cp1252"),
        b"Studentnummer;Roepnaam\n123456;Eva\x00\n",
        b"a,b\n" + b"x" * 70_000 + "é".encode("latin-1"),  # past the sniffed start
    ],
    ids=["windows-1252", "nul-byte", "late-bad-byte"],
)
def test_text_that_is_not_utf8_is_refused_with_advice(content):
    error = refusal(content, "studenten.csv", allowed={"csv", "xlsx"})
    assert error.code == "not_text"
    assert error.messages == [
        gettext("This file is not UTF-8 text. Save or export it as UTF-8 and try again.")
    ]


def test_a_text_type_must_be_allowed_and_binary_content_is_never_text():
    assert refusal(b"a,b\n1,2\n", "s.csv", allowed={"xlsx"}).code == "type_not_allowed"
    assert refusal(PNG, "s.csv", allowed={"csv"}).code == "type_not_allowed"
    assert refusal(b"a,b\n1,2\n", "s.txt", allowed={"csv"}).code == "type_not_allowed"


def test_the_size_limit_is_the_callers():
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(b"a,b\n" * 300_000, "s.csv"), allowed={"csv"}, max_bytes=1 * MB)
    assert caught.value.code == "too_large"
    assert caught.value.messages == [
        gettext("This file is too large: at most %(size)s MB.") % {"size": "1"}
    ]


# --- every upload form goes through the policy ------------------------------------------------

PROJECT_APPS = ("coachmaster", "curriculum", "cohorts", "competencies", "thesis")


def _project_form_modules() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_APPS):
            continue
        for candidate in ("forms",):
            try:
                importlib.import_module(f"{config.name}.{candidate}")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.{candidate}":
                    raise


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def upload_fields() -> set[tuple[str, str]]:
    _project_form_modules()
    found = set()
    for form_class in _subclasses(forms.BaseForm):
        if not form_class.__module__.startswith(PROJECT_APPS):
            continue
        for name, field in getattr(form_class, "base_fields", {}).items():
            if isinstance(field, forms.FileField):
                found.add((f"{form_class.__module__}.{form_class.__qualname__}", name))
    return found


UPLOAD_FORMS = {
    ("competencies.forms.evidence.EvidenceForm", "upload"),
    ("thesis.forms.projects.UploadForm", "file"),
    ("competencies.forms.framework.ImportForm", "file"),
    ("cohorts.forms.ImportUploadForm", "file"),
}


def test_every_file_field_of_every_form_is_known_here():
    # A new upload field must be added to UPLOAD_FORMS, and so to the bomb test below.
    assert upload_fields() == UPLOAD_FORMS


def _form_class(dotted: str):
    module, _dot, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def workbook(*parts) -> bytes:
    """An xlsx-shaped ZIP (as ``filetype`` recognises one) with ``parts`` added."""
    return plain_zip(
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("xl/workbook.xml", b"<workbook/>"),
        *parts,
    )


DOCX_BOMB = office(("word/bomb.xml", b"\0" * (30 * MB)))
XLSX_BOMB = workbook(("xl/worksheets/sheet1.xml", b"\0" * (30 * MB)))
# What each upload form is sent, and how the policy answers.
BOMBS = {
    "competencies.forms.evidence.EvidenceForm": ("plan.docx", DOCX_BOMB, "archive_ratio"),
    "thesis.forms.projects.UploadForm": ("scriptie.docx", DOCX_BOMB, "archive_ratio"),
    "cohorts.forms.ImportUploadForm": ("studenten.xlsx", XLSX_BOMB, "archive_ratio"),
    # Frameworks are JSON or CSV: a document is judged by its content, whatever its name.
    "competencies.forms.framework.ImportForm": ("framework.json", DOCX_BOMB, "type_not_allowed"),
}


@pytest.mark.parametrize(("dotted", "field"), sorted(UPLOAD_FORMS))
def test_every_upload_form_refuses_a_zip_bomb(dotted, field, db):
    # The field's own clean method is what every view's form.is_valid() calls.
    name, content, code = BOMBS[dotted]
    form_class = _form_class(dotted)
    form = form_class.__new__(form_class)
    form.cleaned_data = {field: upload(content, name)}
    form.enrolment = None  # the evidence form counts the student's stored files first: none
    with pytest.raises(ValidationError) as caught:
        getattr(form, f"clean_{field}")()
    assert caught.value.code == code


def test_the_student_import_refuses_a_workbook_bomb(client, programme_admin):
    assert uploads.filetype.guess(XLSX_BOMB).extension == "xlsx"
    client.force_login(programme_admin)
    response = client.post(
        reverse("cohorts:import"),
        {"file": upload(XLSX_BOMB, "studenten.xlsx")},
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors.as_data()["file"][0].code == "archive_ratio"


# --- download headers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fallback", "encoded"),
    [
        ("verslag.pdf", "verslag.pdf", None),
        ("Verslag één.pdf", "Verslag een.pdf", "Verslag%20%C3%A9%C3%A9n.pdf"),
        ('eva "de coach".pdf', "eva _de coach_.pdf", "eva%20%22de%20coach%22.pdf"),
        ("a\r\nSet-Cookie: x=1.pdf", "a Set-Cookie: x=1.pdf", None),
        ("factuur\u202efdp.exe", "factuurfdp.exe", None),
        ("../../etc/100%.pdf", "100_.pdf", "100%25.pdf"),
        ("تقرير.pdf", "file.pdf", "%D8%AA%D9%82%D8%B1%D9%8A%D8%B1.pdf"),
        ("back\\slash.pdf", "slash.pdf", None),
    ],
    ids=["ascii", "accents", "quotes", "header-injection", "rtl-override", "path", "arabic", "bs"],
)
def test_content_disposition_is_safely_encoded(name, fallback, encoded):
    value = content_disposition(name)
    expected = f'attachment; filename="{fallback}"'
    if encoded:
        expected += f"; filename*=utf-8''{encoded}"
    assert value == expected
    assert re.fullmatch(r"[\x20-\x7e]+", value), "headers stay printable ASCII"


@pytest.fixture
def stored(private_media):
    name = uploads.private_storage().save("evidence/2025/verslag.pdf", ContentFile(PDF))
    return name


def test_development_streams_the_file_with_safe_headers(stored, settings):
    settings.PRIVATE_FILES_X_ACCEL_REDIRECT = ""
    response = file_response(
        name=stored, filename='ver"slag\n\u202e.pdf', content_type="application/pdf"
    )
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ver_slag.pdf"' + (
        "; filename*=utf-8''ver%22slag%20.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "X-Accel-Redirect" not in response


def test_production_hands_the_file_to_nginx(stored, settings):
    settings.PRIVATE_FILES_X_ACCEL_REDIRECT = "/_private/"
    response = file_response(name=stored, filename="Verslag één.pdf", content_type="")
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{stored}"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith('attachment; filename="Verslag een.pdf";')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_the_accel_path_is_percent_encoded(private_media, settings):
    settings.PRIVATE_FILES_X_ACCEL_REDIRECT = "/_private"
    name = uploads.private_storage().save("reports/a b#c?.pdf", ContentFile(PDF))
    response = file_response(name=name, filename="r.pdf", content_type="application/pdf")
    assert response["X-Accel-Redirect"] == "/_private/reports/a%20b%23c%3F.pdf"


@pytest.mark.parametrize("accel", ["", "/_private/"])
@pytest.mark.parametrize("name", ["", "evidence/missing.pdf", "../../etc/passwd", "/etc/passwd"])
def test_missing_or_outside_files_are_404(private_media, settings, accel, name):
    settings.PRIVATE_FILES_X_ACCEL_REDIRECT = accel
    with pytest.raises(Http404):
        file_response(name=name, filename="x.pdf", content_type="application/pdf")


def test_the_evidence_download_goes_through_nginx_in_production(
    client, student, enrolment, competencies, levels, private_media, settings
):
    settings.PRIVATE_FILES_X_ACCEL_REDIRECT = "/_private/"
    evidence = make_evidence(enrolment, competencies, levels, file=PDF)
    client.force_login(student)
    response = client.get(reverse("competencies:evidence_download", args=[evidence.uuid]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{evidence.file.name}"
    assert response.content == b""
    assert response["X-Content-Type-Options"] == "nosniff"


VIEW_PACKAGES = ("coachmaster", "curriculum", "cohorts", "competencies", "thesis")


def test_no_view_builds_its_own_file_response():
    # Every private file leaves through coachmaster.uploads.file_response: one place decides
    # on X-Accel-Redirect, Content-Disposition and nosniff.
    offenders = []
    for package in VIEW_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "coachmaster" / "uploads.py":
                continue
            if re.search(r"\bFileResponse\(", path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
