"""Queries per request of every benchmark page (``coachmaster.demo.scale_pages``): the same
at two programme sizes, and within the page's budget.

The programme is seeded by ``seed_scale`` twice, small and larger (the same work per student,
more cohorts, students and staff), each inside a transaction that is rolled back. Each page is
requested once by its user to warm the session and caches, then measured on a second request:
the steady state the benchmark sees.
"""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coachmaster.accounts.models import User
from coachmaster.demo.scale_pages import HEAVY, SIMPLE, bench_pages

# The seeding fixture needs the test database, which pytest-django only sets up for marked tests.
pytestmark = pytest.mark.django_db

# (students, cohorts): every per-student state of the seed occurs in both.
SIZES = {"small": (20, 2), "larger": (75, 3)}

# Queries per request, at most. Heavy pages must stay at or below 10 (issue 10).
BUDGET = {
    "student_dashboard": 19,
    "learning_log": 9,
    "learning_log_htmx": 7,
    "evidence_list": 7,
    "assessment_form": 8,
    "cohort_table": 4,
    "portfolio": 10,
    "assessment_queue": 7,
    "supervisor_matrix": 7,
    "cohort_overview": 9,
    "curriculum_map": 9,
}
HEAVY_LIMIT = 10


def _measure() -> dict[str, tuple[int, int, str]]:
    """(status, queries, path) of the second request of each page."""
    results = {}
    users = {}
    for page in bench_pages():
        cache.clear()
        client = Client()
        if page.email not in users:
            users[page.email] = User.objects.get(email=page.email)
        client.force_login(users[page.email])
        headers = page.headers
        client.get(page.path, headers=headers)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path, headers=headers)
        if page.htmx:  # the fragment its links swap in, not the whole page again
            assert b"<html" not in response.content, page.path
        results[page.name] = (response.status_code, len(queries), page.path)
    return results


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, settings_module_overrides):
    """Both sizes seeded and measured once for the whole module."""
    found = {}
    with django_db_blocker.unblock():
        for label, (students, cohorts) in SIZES.items():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                call_command(
                    "seed_scale",
                    students=students,
                    cohorts=cohorts,
                    stdout=io.StringIO(),
                )
                found[label] = _measure()
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                cache.clear()
    return found


@pytest.fixture(scope="module")
def settings_module_overrides():
    """What the suite's per-test fixtures set (tests/conftest.py), for the whole module."""
    from django.test import override_settings

    with override_settings(MFA_REQUIRED_FOR_STAFF=False, LANGUAGE_CODE="nl"):
        yield


def test_the_budget_covers_every_page():
    assert set(BUDGET) == set(SIMPLE) | set(HEAVY)
    assert all(BUDGET[name] <= HEAVY_LIMIT for name in HEAVY)


@pytest.mark.parametrize("name", SIMPLE + HEAVY)
def test_queries_do_not_grow_with_the_programme(measured, name):
    small_status, small, path = measured["small"][name]
    larger_status, larger, _path = measured["larger"][name]
    assert (small_status, larger_status) == (200, 200), path
    assert small == larger, f"{name}: {small} queries small, {larger} larger"
    assert larger == BUDGET[name], f"{name}: {larger} queries, budget {BUDGET[name]}"
