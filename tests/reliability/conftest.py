"""Fixtures for the fault tests: the private storage in a temporary folder and the world's
student enrolled in a cohort with a complete programme."""

from __future__ import annotations

import pytest

from tests.private_files import private_files_in


@pytest.fixture
def private_media(tmp_path, monkeypatch):
    """Evidence, snapshot copies and report files go to ``tmp_path/media/private``."""
    location = tmp_path / "media" / "private"
    location.mkdir(parents=True)
    with private_files_in(location, monkeypatch):
        yield location


@pytest.fixture
def enrolment(student, version):
    """The world's student, enrolled in the cohort that follows ``version``."""
    return student.enrolments.select_related("cohort", "student").get()
