"""Fixtures shared by the portfolio and assessment tests."""

import pytest

from .assessment_helpers import submitted
from .portfolio_helpers import use_private_storage


@pytest.fixture
def private_storage(settings, tmp_path):
    """The private storage (evidence files, snapshot copies) in a temporary folder."""
    use_private_storage(settings, tmp_path)
    return tmp_path


@pytest.fixture
def enrolment(student, version):
    """The world's student, enrolled in the cohort that follows ``version``."""
    return student.enrolments.select_related("cohort", "student").get()


@pytest.fixture
def assessment(enrolment, private_storage):
    """The student's final portfolio, submitted: the open assessment of round 1."""
    return submitted(enrolment)
