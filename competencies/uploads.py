"""Checking uploaded evidence files, and serving stored ones.

A file is judged by its content, never by its name or the type the browser declares:
``filetype`` reads the first bytes, the type must be one of ``EVIDENCE_ALLOWED_TYPES``, and a
file that also carries HTML or script (a "polyglot", such as a PNG header followed by a page)
is refused. The name the student gave is kept only for display and as the download name, after
stripping paths, control characters and bidirectional overrides.

Stored files are served only as attachments from the private storage (``file_response``):
the evidence download view uses it, and so can other views that check access themselves
(for example a portfolio snapshot's files, which keep their storage name and hash).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 8 * 1024
CHUNK_BYTES = 64 * 1024
# Images are scanned whole for markup (up to this size): a page can hide after the pixels.
IMAGE_SCAN_LIMIT = 50 * 1024 * 1024
MAX_NAME_LENGTH = 150
FALLBACK_NAME = "file"

ACTIVE_MARKERS = (
    b"<html",
    b"<script",
    b"<svg",
    b"<!doctype html",
    b"<iframe",
    b"<body",
    b"javascript:",
)
_LONGEST_MARKER = max(len(marker) for marker in ACTIVE_MARKERS)
# Spellings people use for the same type; ``filetype`` reports the first.
ALIASES = {"jpg": ("jpg", "jpeg"), "m4v": ("m4v", "mp4")}


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed ``check_upload``: what to store and what to show."""

    name: str  # safe original name, for display and as the download name
    content_type: str  # judged from the content
    extension: str  # judged from the content
    size: int
    sha256: str
    file: File = field(repr=False, compare=False)


def allowed_extensions() -> set[str]:
    return {extension.lower().lstrip(".") for extension in settings.EVIDENCE_ALLOWED_TYPES}


def max_upload_bytes() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024


def safe_name(name: str | None, extension: str = "") -> str:
    """The uploaded name made harmless: no path, no control or direction characters, one line,
    at most 150 characters (the extension kept), ending in the type judged from the content."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    # Control characters become spaces; format characters (bidi overrides such as U+202E,
    # zero-width spaces, byte-order marks) are dropped.
    name = "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in name
        if unicodedata.category(char) not in ("Cf", "Cs")
    )
    name = " ".join(name.split()).strip(" .")
    if extension:
        suffix = PurePosixPath(name).suffix.lower().lstrip(".")
        if suffix not in ALIASES.get(extension, (extension,)):
            name = f"{name}.{extension}" if name else ""
    if not name or name.startswith("."):
        name = f"{FALLBACK_NAME}.{extension}" if extension else FALLBACK_NAME
    if len(name) > MAX_NAME_LENGTH:
        suffix = PurePosixPath(name).suffix
        if len(suffix) > 10:
            suffix = ""
        name = name[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix
    return name


def _has_markup(data: bytes) -> bool:
    lowered = data.lower()
    return any(marker in lowered for marker in ACTIVE_MARKERS)


def check_upload(uploaded_file) -> CheckedFile:
    """Judge an uploaded file; ``ValidationError`` with a message for the student if refused."""
    limit = max_upload_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise _too_large()
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    if not head:
        raise ValidationError(_("This file is empty."), code="empty")
    kind = filetype.guess(head)
    allowed = allowed_extensions()
    if kind is None or not (set(ALIASES.get(kind.extension, (kind.extension,))) & allowed):
        raise ValidationError(
            _("This type of file is not accepted. Accepted types: %(types)s.")
            % {"types": ", ".join(sorted(allowed))},
            code="type_not_allowed",
        )
    if _has_markup(head):
        raise _active_content()
    scan_whole = kind.mime.startswith("image/")
    digest = hashlib.sha256(head)
    size = len(head)
    tail = head[-_LONGEST_MARKER:]
    while chunk := uploaded_file.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise _too_large()
        digest.update(chunk)
        if scan_whole and size <= IMAGE_SCAN_LIMIT:
            if _has_markup(tail + chunk):
                raise _active_content()
            tail = chunk[-_LONGEST_MARKER:]
    uploaded_file.seek(0)
    return CheckedFile(
        name=safe_name(getattr(uploaded_file, "name", ""), kind.extension),
        content_type=kind.mime,
        extension=kind.extension,
        size=size,
        sha256=digest.hexdigest(),
        file=uploaded_file,
    )


def _too_large() -> ValidationError:
    return ValidationError(
        _("This file is too large: at most %(size)s MB.")
        % {"size": settings.EVIDENCE_MAX_UPLOAD_MB},
        code="too_large",
    )


def _active_content() -> ValidationError:
    return ValidationError(
        _(
            "This file contains web page or script code, which is not accepted. "
            "Save it again as a plain document, image or recording."
        ),
        code="active_content",
    )


# --- serving stored files ---------------------------------------------------------------------


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: nothing stored here can be linked to directly.

    Usable as the ``BACKEND`` of ``STORAGES["private"]``.
    """

    def url(self, name):
        raise ValueError(
            "Private files have no URL: serve them through a view that checks access."
        )


def private_storage():
    return storages["private"]


def open_stored_file(name: str):
    """The stored file ``name`` from the private storage, opened for reading; 404 if gone."""
    if not name:
        raise Http404
    try:
        return private_storage().open(name, "rb")
    except (FileNotFoundError, IsADirectoryError) as error:
        raise Http404 from error


def file_response(*, name: str, filename: str, content_type: str) -> FileResponse:
    """A stored private file as a download: always an attachment, never sniffed or cached.

    Callers check access first. ``filename`` is shown to the browser (non-ASCII names are
    sent RFC 5987-encoded by ``FileResponse``).
    """
    response = FileResponse(
        open_stored_file(name),
        as_attachment=True,
        filename=safe_name(filename),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
