"""A tiny stand-in document for the pipeline's own tests: every kind of report becomes this
module, so the tests of jobs, tasks and pages don't depend on how the real documents look.

``fake_documents`` (import it into a test module) puts it in place and returns its state:
set ``raises`` to make the render fail, bump ``version`` to change the data's fingerprint.
Who may ask follows the subject's own visibility: an enrolment's, a snapshot's; a cohort's
reports are for administrators.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest
from django.utils import translation

from coachmaster.reports import services
from coachmaster.reports.documents import Output, hash_of
from coachmaster.reports.models import ReportJob
from cohorts.models import Enrolment
from competencies.models import PortfolioSnapshot


@dataclass
class State:
    raises: BaseException | None = None
    version: int = 1
    renders: int = 0
    progress_seen: tuple | None = None
    language_seen: str = ""


state = State()


def allowed(user, subject) -> bool:
    if isinstance(subject, Enrolment):
        return Enrolment.objects.visible_to(user).filter(pk=subject.pk).exists()
    if isinstance(subject, PortfolioSnapshot):
        return PortfolioSnapshot.objects.visible_to(user).filter(pk=subject.pk).exists()
    return bool(user.is_programme_admin)


def fingerprint(subject, language: str) -> str:
    return hash_of({"subject": str(subject.uuid), "language": language, "v": state.version})


def render(job: ReportJob, progress) -> Output:
    state.renders += 1
    state.language_seen = translation.get_language()
    progress(40, "Halfway there")
    state.progress_seen = tuple(
        ReportJob.objects.values_list("status", "progress", "progress_text").get(pk=job.pk)
    )
    if state.raises is not None:
        raise state.raises
    # The same job gives the same bytes: a second run can be compared by its hash.
    content = f"%PDF-1.7 fake {job.kind} {job.uuid} {translation.get_language()}\n".encode()
    return Output(content=content, filename=f"{job.kind}-report{job.extension}", pages=1)


def use_fake_documents(monkeypatch) -> State:
    module = sys.modules[__name__]
    monkeypatch.setattr(services, "document", lambda kind: module)
    monkeypatch.setattr(module, "state", State())
    return module.state


@pytest.fixture(name="fake_documents")
def fake_documents_fixture(monkeypatch) -> State:
    """Every report kind is the fake document (files go to the conftest's private folder)."""
    return use_fake_documents(monkeypatch)
