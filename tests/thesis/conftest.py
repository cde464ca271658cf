"""Fixtures shared by the thesis tests."""

import pytest
from django.core.files.storage import storages

from thesis.models import MilestoneVersion

from .helpers import make_project


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Uploaded versions (and evidence copies) go to a temporary private storage. The file
    field resolved its storage when the model was imported, so that instance is pointed there
    as well as ``storages["private"]``."""
    location = tmp_path / "private"
    location.mkdir()
    field_storage = MilestoneVersion._meta.get_field("file").storage
    targets = {id(s): s for s in (field_storage, storages["private"])}
    for storage in targets.values():
        monkeypatch.setattr(storage, "_location", str(location))
        for cached in ("base_location", "location"):
            storage.__dict__.pop(cached, None)
    yield location
    for storage in targets.values():
        for cached in ("base_location", "location"):
            storage.__dict__.pop(cached, None)


@pytest.fixture
def enrolment(student, version):
    return student.enrolments.select_related("cohort", "student").get()


@pytest.fixture
def project(enrolment, supervisor):
    """The world's student's project, supervised by the world's supervisor."""
    return make_project(enrolment, supervisor=supervisor)
