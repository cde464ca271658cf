"""Fixtures shared by the thesis tests."""

import pytest

from tests.private_files import private_files_in

from .helpers import make_project


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Uploaded versions (and evidence copies) go to a temporary private storage."""
    location = tmp_path / "private"
    location.mkdir()
    with private_files_in(location, monkeypatch):
        yield location


@pytest.fixture
def enrolment(student, version):
    return student.enrolments.select_related("cohort", "student").get()


@pytest.fixture
def project(enrolment, supervisor):
    """The world's student's project, supervised by the world's supervisor."""
    return make_project(enrolment, supervisor=supervisor)
