"""Evidence and thesis files under the platform's upload policy (``coachmaster.uploads``).

The policy itself lives in the project package so that every app can use it (student imports
in ``cohorts`` included); this module fixes what evidence and thesis versions accept: the types
of ``EVIDENCE_ALLOWED_TYPES`` up to ``EVIDENCE_MAX_UPLOAD_MB``. Stored files are served only
through ``file_response``.
"""

from __future__ import annotations

from django.conf import settings

from coachmaster import uploads
from coachmaster.uploads import (
    MAX_NAME_LENGTH,
    CheckedFile,
    PrivateFileSystemStorage,
    file_response,
    open_stored_file,
    private_storage,
    safe_name,
)

__all__ = [
    "MAX_NAME_LENGTH",
    "CheckedFile",
    "PrivateFileSystemStorage",
    "allowed_extensions",
    "check_upload",
    "file_response",
    "max_upload_bytes",
    "open_stored_file",
    "private_storage",
    "safe_name",
]


def allowed_extensions() -> set[str]:
    return {extension.lower().lstrip(".") for extension in settings.EVIDENCE_ALLOWED_TYPES}


def max_upload_bytes() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024


def check_upload(uploaded_file) -> CheckedFile:
    """Judge an evidence or thesis file; ``ValidationError`` with a message if refused."""
    return uploads.check_upload(
        uploaded_file, allowed=allowed_extensions(), max_bytes=max_upload_bytes()
    )
