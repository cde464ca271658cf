"""Fixtures of the privacy tests: a temporary private storage and a student with data in
every category (see ``helpers.fill``)."""

import pytest

from tests.private_files import private_files_in

from .helpers import fill


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    location = tmp_path / "privacy-storage"
    location.mkdir()
    with private_files_in(location, monkeypatch):
        yield location


@pytest.fixture
def enrolment(student, version):
    return student.enrolments.select_related("cohort", "student").get()


@pytest.fixture
def enrolment2(student2, version):
    return student2.enrolments.select_related("cohort", "student").get()


@pytest.fixture
def filled(enrolment, supervisor, lecturer):
    """The world's student with work in every category, a released assessment by two named
    examiners, and a second submission still being assessed."""
    return fill(enrolment, supervisor=supervisor, lecturer=lecturer)
