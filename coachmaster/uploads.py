"""The platform's one upload policy, and the one way stored private files are served.

Every uploaded file goes through ``check_upload``, whatever takes it (evidence, thesis versions,
student and framework imports); each caller says only which types it takes and how large a
file may be. The checks, in order:

- the type is judged from the content, never from the name or the type the browser declares
  (``filetype`` reads the first bytes); plain text types (CSV, JSON) must be UTF-8 text
  throughout, and only there does the name's extension tell CSV from JSON;
- the size is counted from the bytes, not from what the client declares;
- a binary file that also carries HTML or script (a "polyglot", such as a PNG header followed
  by a page) is refused: such files are served back to other people;
- anything that is a ZIP inside (docx, xlsx, pptx, odt …) is opened and refused when it
  unpacks to too much, is compressed suspiciously strongly, has too many parts, hides another
  archive, or names parts outside itself (``check_archive``);
- when ``CLAMD_ADDRESS`` is set, ClamAV scans it; a scan that cannot run refuses the upload.

The name the person gave is kept only for display and as the download name, after stripping
paths, control characters and bidirectional overrides (``safe_name``).

Stored files are served only as attachments by views that checked access first:
``file_response`` streams them in development, and hands them to nginx (X-Accel-Redirect)
when ``PRIVATE_FILES_X_ACCEL_REDIRECT`` is set (see docs/nginx.md).
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from tempfile import SpooledTemporaryFile
from urllib.parse import quote

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.utils import validate_file_name
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext_lazy as _

from coachmaster import virusscan

logger = logging.getLogger(__name__)

SNIFF_BYTES = 8 * 1024
CHUNK_BYTES = 64 * 1024
MB = 1024 * 1024
# Images are scanned whole for markup (up to this size): a page can hide after the pixels.
IMAGE_SCAN_LIMIT = 50 * MB
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
# Types without magic bytes: accepted when the content is UTF-8 text and the name says which.
TEXT_TYPES = {"csv": "text/csv", "json": "application/json"}

ZIP_MAGIC = b"PK\x03\x04"
# Office files embed other Office files (a chart's workbook inside a document): one level of
# ZIP inside a ZIP is inspected like the outer one; deeper nesting is refused.
MAX_ARCHIVE_DEPTH = 1
# Below this many unpacked bytes a part's compression ratio says nothing.
RATIO_FLOOR_BYTES = 1 * MB
# Archive formats no document has a reason to carry inside it.
FOREIGN_ARCHIVE_MAGIC = (
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"Rar!\x1a\x07",  # RAR
    b"\xfd7zXZ\x00",  # xz
    b"MSCF\x00\x00\x00\x00",  # Microsoft cabinet
)
_BZIP2 = re.compile(rb"^BZh[1-9]1AY&SY")
_TAR_MAGIC_OFFSET = 257


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed ``check_upload``: what to store and what to show."""

    name: str  # safe original name, for display and as the download name
    content_type: str  # judged from the content
    extension: str  # judged from the content
    size: int
    sha256: str
    file: File = field(repr=False, compare=False)


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


# --- checking an upload -----------------------------------------------------------------------


def check_upload(uploaded_file, *, allowed: Iterable[str], max_bytes: int) -> CheckedFile:
    """Judge an uploaded file; ``ValidationError`` with a message for the person if refused.

    ``allowed``: the accepted types as extensions ("pdf", "docx", "csv" …); ``max_bytes``: the
    largest file accepted.
    """
    allowed = {extension.lower().lstrip(".") for extension in allowed}
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > max_bytes:
        raise _too_large(max_bytes)
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    if not head:
        raise ValidationError(_("This file is empty."), code="empty")
    name = getattr(uploaded_file, "name", "") or ""
    kind = filetype.guess(head)
    if kind is not None and set(ALIASES.get(kind.extension, (kind.extension,))) & allowed:
        extension, content_type, is_text = kind.extension, kind.mime, False
    else:
        extension = _text_type(head, name, allowed) if kind is None else None
        if extension is None:
            raise ValidationError(
                _("This type of file is not accepted. Accepted types: %(types)s.")
                % {"types": ", ".join(sorted(allowed))},
                code="type_not_allowed",
            )
        content_type, is_text = TEXT_TYPES[extension], True
    # Text imports are read, never served back to anyone: markup in them does no harm.
    if not is_text and _has_markup(head):
        raise _active_content()
    scan_whole = content_type.startswith("image/")
    decoder = codecs.getincrementaldecoder("utf-8-sig")() if is_text else None
    digest = hashlib.sha256(head)
    size = len(head)
    tail = head[-_LONGEST_MARKER:]
    _decode(decoder, head)
    while chunk := uploaded_file.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        digest.update(chunk)
        _decode(decoder, chunk)
        if scan_whole and size <= IMAGE_SCAN_LIMIT:
            if _has_markup(tail + chunk):
                raise _active_content()
            tail = chunk[-_LONGEST_MARKER:]
    _decode(decoder, b"", final=True)
    sha256 = digest.hexdigest()
    if head.startswith(ZIP_MAGIC):
        check_archive(uploaded_file, packed_size=size)
    if virusscan.is_configured():
        _scan(uploaded_file, name=name, sha256=sha256)
    uploaded_file.seek(0)
    return CheckedFile(
        name=safe_name(name, extension),
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=sha256,
        file=uploaded_file,
    )


def _text_type(head: bytes, name: str, allowed: set[str]) -> str | None:
    """The text type named by the file's extension, if allowed; its start must be UTF-8."""
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if extension not in TEXT_TYPES or extension not in allowed:
        return None
    # The sniffed bytes may end inside a character; the rest is checked while reading.
    _decode(codecs.getincrementaldecoder("utf-8-sig")(), head)
    return extension


def _decode(decoder, data: bytes, *, final: bool = False) -> None:
    """Feed ``data`` to a text upload's UTF-8 decoder; a NUL byte is no text either."""
    if decoder is None:
        return
    try:
        decoder.decode(data, final=final)
    except UnicodeDecodeError:
        is_text = False
    else:
        is_text = b"\0" not in data
    if not is_text:
        raise ValidationError(
            _("This file is not UTF-8 text. Save or export it as UTF-8 and try again."),
            code="not_text",
        )


def _has_markup(data: bytes) -> bool:
    lowered = data.lower()
    return any(marker in lowered for marker in ACTIVE_MARKERS)


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("This file is too large: at most %(size)s MB.") % {"size": f"{max_bytes / MB:g}"},
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


# --- archives (docx, xlsx, pptx, odt and every other ZIP) -------------------------------------


@dataclass
class _Budget:
    """What the archive and the archives inside it may still unpack to, counted together."""

    entries: int
    unpacked: int


def check_archive(file, *, packed_size: int) -> None:
    """Refuse a ZIP-based file that would hurt whoever unpacks it; ``file`` is seekable.

    The parts are really decompressed (not just their declared sizes added up): a forged size
    stops Python's reader at the declared length and fails its checksum, which is refused too.
    """
    budget = _Budget(
        entries=settings.UPLOAD_ARCHIVE_MAX_ENTRIES,
        unpacked=settings.UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_MB * MB,
    )
    file.seek(0)
    try:
        _check_zip(file, budget=budget, depth=0)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        ValueError,
        OSError,
        NotImplementedError,  # a compression method Python cannot unpack
        RuntimeError,
    ) as error:
        raise _archive_damaged() from error
    unpacked = settings.UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_MB * MB - budget.unpacked
    if unpacked > RATIO_FLOOR_BYTES and unpacked > packed_size * settings.UPLOAD_ARCHIVE_MAX_RATIO:
        raise _archive_ratio()
    file.seek(0)


def _check_zip(file, *, budget: _Budget, depth: int) -> None:
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        budget.entries -= len(members)
        if budget.entries < 0:
            raise ValidationError(
                _(
                    "This document consists of too many parts (at most %(max)s), which is "
                    "not accepted. Save it again in a simpler form and try again."
                )
                % {"max": settings.UPLOAD_ARCHIVE_MAX_ENTRIES},
                code="archive_too_many_entries",
            )
        for member in members:
            _check_member_name(member)
        for member in members:
            if not member.is_dir():
                _check_member(archive, member, budget=budget, depth=depth)


def _check_member_name(member: zipfile.ZipInfo) -> None:
    name = member.filename
    parts = re.split(r"[/\\]", name)
    unsafe = (
        not name
        or name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name)
        or ".." in parts
        or any(unicodedata.category(char) == "Cc" for char in name)
        or stat.S_ISLNK(member.external_attr >> 16)
    )
    if unsafe:
        raise ValidationError(
            _(
                "This document contains parts with unsafe names (paths that point outside "
                "the document), so it is not accepted."
            ),
            code="archive_unsafe_name",
        )
    if member.flag_bits & 0x1:
        raise ValidationError(
            _(
                "This document contains encrypted parts, which cannot be checked. "
                "Remove the password and try again."
            ),
            code="archive_encrypted",
        )


def _check_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, budget: _Budget, depth: int
) -> None:
    if member.file_size > budget.unpacked:
        raise _archive_too_large()
    with archive.open(member) as stream:
        head = stream.read(_TAR_MAGIC_OFFSET + 8)
        if head.startswith(ZIP_MAGIC):
            if depth >= MAX_ARCHIVE_DEPTH:
                raise _archive_nested()
            with SpooledTemporaryFile(max_size=4 * MB) as nested:
                _unpack(stream, head, member, budget=budget, into=nested)
                nested.seek(0)
                _check_zip(nested, budget=budget, depth=depth + 1)
        elif _is_foreign_archive(head):
            raise _archive_nested()
        else:
            _unpack(stream, head, member, budget=budget)


def _unpack(stream, head: bytes, member: zipfile.ZipInfo, *, budget: _Budget, into=None) -> None:
    """Read a part to its end, counting what it unpacks to against the budget and its ratio."""
    unpacked = 0
    chunk = head
    while chunk:
        unpacked += len(chunk)
        budget.unpacked -= len(chunk)
        if budget.unpacked < 0:
            raise _archive_too_large()
        if (
            unpacked > RATIO_FLOOR_BYTES
            and unpacked > max(member.compress_size, 1) * settings.UPLOAD_ARCHIVE_MAX_RATIO
        ):
            raise _archive_ratio()
        if into is not None:
            into.write(chunk)
        chunk = stream.read(CHUNK_BYTES)


def _is_foreign_archive(head: bytes) -> bool:
    return (
        head.startswith(FOREIGN_ARCHIVE_MAGIC)
        or bool(_BZIP2.match(head))
        or head[_TAR_MAGIC_OFFSET : _TAR_MAGIC_OFFSET + 5] == b"ustar"
    )


def _archive_too_large() -> ValidationError:
    return ValidationError(
        _(
            "This document unpacks to more than %(size)s MB, which is not accepted. Make it "
            "smaller (for example by compressing its images) and try again."
        )
        % {"size": settings.UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_MB},
        code="archive_too_large",
    )


def _archive_ratio() -> ValidationError:
    return ValidationError(
        _(
            "This document is compressed far more strongly than documents are (it looks like "
            "a “zip bomb”), so it is not accepted."
        ),
        code="archive_ratio",
    )


def _archive_nested() -> ValidationError:
    return ValidationError(
        _(
            "This document has another archive (such as a ZIP file) packed inside it, which "
            "is not accepted. Remove the embedded archive and try again."
        ),
        code="archive_nested",
    )


def _archive_damaged() -> ValidationError:
    return ValidationError(
        _("This document is damaged or incomplete. Save it again and try again."),
        code="archive_damaged",
    )


# --- virus scan -------------------------------------------------------------------------------


def _scan(uploaded_file, *, name: str, sha256: str) -> None:
    uploaded_file.seek(0)
    try:
        result = virusscan.scan(uploaded_file)
    except virusscan.ScanUnavailable as error:
        logger.error(
            "Upload %r (sha256 %s) refused: virus scan unavailable: %s", name, sha256, error
        )
        raise ValidationError(
            _(
                "Files cannot be checked for viruses at the moment, so this upload is not "
                "accepted. Please try again later."
            ),
            code="scan_unavailable",
        ) from error
    if result.infected:
        logger.warning(
            "Upload %r (sha256 %s) refused: clamd found %s", name, sha256, result.signature
        )
        raise ValidationError(
            _("This file contains a virus or other malware (%(name)s), so it is not accepted.")
            % {"name": result.signature},
            code="infected",
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
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation) as error:
        raise Http404 from error


def content_disposition(filename: str, *, as_attachment: bool = True) -> str:
    """A ``Content-Disposition`` value that every browser reads the same way (RFC 6266).

    An ASCII ``filename`` fallback always comes first; a name with other characters follows as
    ``filename*`` (RFC 5987, UTF-8, percent-encoded). The name is passed through ``safe_name``,
    so no quote, line break, path or direction override reaches the header.
    """
    disposition = "attachment" if as_attachment else "inline"
    name = safe_name(filename)
    suffix = PurePosixPath(name).suffix
    stem, suffix = (_ascii(name[: -len(suffix)]), _ascii(suffix)) if suffix else (_ascii(name), "")
    fallback = (stem or FALLBACK_NAME) + suffix
    value = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=utf-8''{quote(name, safe='')}"
    return value


def _ascii(text: str) -> str:
    """``text`` in printable ASCII for a quoted header value: accents dropped, not the letters."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    # Quotes and backslashes would end or escape the quoted string; some browsers decode %XX.
    text = re.sub(r'["\\%]', "_", text)
    return " ".join(text.split()).strip(" ")


def file_response(*, name: str, filename: str, content_type: str) -> HttpResponse:
    """A stored private file as a download: always an attachment, never sniffed or cached.

    Callers check access first. With ``PRIVATE_FILES_X_ACCEL_REDIRECT`` set, the response is
    empty and nginx sends the file from its internal location; otherwise Django streams it.
    """
    prefix = settings.PRIVATE_FILES_X_ACCEL_REDIRECT
    if prefix:
        try:
            validate_file_name(name, allow_relative_path=True)
        except SuspiciousFileOperation as error:
            raise Http404 from error
        if not name or not private_storage().exists(name):
            raise Http404
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(
            open_stored_file(name), content_type=content_type or "application/octet-stream"
        )
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
