"""Uploaded files are judged by their content: size, type, hidden markup, and a safe name."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from competencies.uploads import MAX_NAME_LENGTH, check_upload, safe_name
from tests.competencies.evidence_helpers import JPG, MP3, PDF, PNG, docx_bytes, upload


def _refused(file) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(file)
    return caught.value.code


@pytest.mark.parametrize(
    ("content", "name", "mime", "extension"),
    [
        (PDF, "verslag.pdf", "application/pdf", "pdf"),
        (PNG, "bord.png", "image/png", "png"),
        (JPG, "foto.jpeg", "image/jpeg", "jpg"),
        (MP3, "gesprek.mp3", "audio/mpeg", "mp3"),
        (
            docx_bytes(),
            "plan.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
    ],
)
def test_accepted_types_are_judged_from_the_content(content, name, mime, extension):
    checked = check_upload(upload(content, name, content_type="text/html"))
    assert checked.content_type == mime
    assert checked.extension == extension
    assert checked.name == name
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_the_name_and_declared_type_do_not_decide(settings):
    # A real PDF called .png is a PDF; an HTML page called .pdf is refused.
    checked = check_upload(upload(PDF, "scan.png", content_type="image/png"))
    assert checked.content_type == "application/pdf"
    assert checked.name == "scan.png.pdf"
    assert _refused(upload(b"<p>hello</p>", "page.pdf")) == "type_not_allowed"


@pytest.mark.parametrize(
    "content",
    [
        b"just some text, not a document",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,  # a Windows program
        b"PK\x03\x04" + b"\x00" * 100,  # a plain zip archive
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",  # an image type not in the settings
    ],
)
def test_types_outside_the_settings_are_refused(content):
    assert _refused(upload(content, "x.pdf")) == "type_not_allowed"


def test_the_allowed_types_come_from_the_settings(settings):
    settings.EVIDENCE_ALLOWED_TYPES = ["pdf"]
    assert _refused(upload(PNG, "bord.png")) == "type_not_allowed"
    assert check_upload(upload(PDF)).extension == "pdf"


def test_oversize_files_are_refused(settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    assert _refused(upload(big)) == "too_large"


def test_oversize_is_counted_from_the_bytes_not_the_declared_size(settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    file = upload(PDF + b"0" * (1024 * 1024 + 10))
    file.size = 10  # a client that lies about the size
    assert _refused(file) == "too_large"


def test_empty_files_are_refused():
    assert _refused(upload(b"", "leeg.pdf")) == "empty"


@pytest.mark.parametrize(
    "content",
    [
        PNG + b"<html><body><script>alert(document.cookie)</script></body></html>",
        PNG + b"<SVG onload=alert(1)>",
        JPG + b"<!DOCTYPE HTML><p>x</p>",
        PDF + b"<iframe src=//evil>",
        PDF + b"<a href='JavaScript:alert(1)'>",
        # Hidden past the first 8 KB of an image: images are scanned whole.
        PNG + b"\x00" * 20_000 + b"<script>alert(1)</script>",
        # A marker split across two read chunks is still found.
        PNG + b"\x00" * (8192 - len(PNG) + 65536 - 3) + b"<script>",
    ],
)
def test_polyglots_with_markup_are_refused(content):
    assert _refused(upload(content, "foto.png", content_type="image/png")) == "active_content"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\verslag.pdf", "verslag.pdf"),
        ("/var/www/verslag.pdf", "verslag.pdf"),
        ("..", "file.pdf"),
        ("", "file.pdf"),
        (".htaccess", "htaccess.pdf"),
        ("ver\x00slag\r\n.pdf", "ver slag .pdf"),
        ("ver\tslag   2025.pdf", "ver slag 2025.pdf"),
        ("factuur\u202efdp.exe", "factuurfdp.exe.pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("Verslag één.pdf", "Verslag één.pdf"),
    ],
)
def test_safe_names(given, expected):
    assert safe_name(given, "pdf") == expected


def test_long_names_are_cut_but_keep_the_extension():
    name = safe_name("a" * 400 + ".pdf", "pdf")
    assert len(name) == MAX_NAME_LENGTH
    assert name.endswith("a.pdf")


def test_jpeg_and_jpg_both_count_as_jpg():
    assert safe_name("foto.JPEG", "jpg") == "foto.JPEG"
    assert safe_name("foto.png", "jpg") == "foto.png.jpg"


def test_the_checked_upload_keeps_a_safe_name_and_can_be_read_again():
    checked = check_upload(upload(PDF, "../geheim/\u202everslag.pdf"))
    assert checked.name == "verslag.pdf"
    assert checked.file.read() == PDF
