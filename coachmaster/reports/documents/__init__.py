"""One module per kind of report, each with the same three functions:

- ``allowed(user, subject) -> bool``: may ``user`` ask for (and download) this report of
  ``subject`` (a ``PortfolioSnapshot``, an ``Enrolment`` or a ``Cohort``)?
- ``fingerprint(subject, language) -> str``: a hash of everything the report is made from; an
  unchanged fingerprint means an existing job can be reused.
- ``render(job, progress) -> Output``: makes the file in the active language (the task sets
  it), calling ``progress(percent, text)`` as it goes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

MODULES = {
    "portfolio": "portfolio",
    "progress": "progress",
    "cohort": "cohort",
    "cohort_portfolios": "cohort_portfolios",
}


@dataclass(frozen=True)
class Output:
    content: bytes
    filename: str
    pages: int | None = None


def document(kind: str) -> ModuleType:
    return import_module(f"{__name__}.{MODULES[kind]}")


def hash_of(data) -> str:
    """A stable hash of JSON-able data (dates and decimals as text)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
