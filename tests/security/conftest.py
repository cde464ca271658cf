"""The matrix and fuzzing tests share one world per module (``matrix_world``; the name keeps
the suite's small ``world`` of tests/conftest.py usable here)."""

import pytest
from django.db import transaction

from tests.private_files import private_files_in

from .matrix_world import build_world


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module inside a transaction that is rolled back after the module; each
    test's own transaction (pytest-django) is a savepoint inside it."""
    location = tmp_path_factory.mktemp("private")
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        private_files_in(location, patch),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
