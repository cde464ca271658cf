"""The small world every test can use, and the rules for service-backed and browser tests.

World: a programme's cohort with two students, a lecturer, a supervisor, a programme
administrator and an outsider (an account without any role).

Tests marked ``services`` need real PostgreSQL and Redis (``DATABASE_URL``/``REDIS_URL``);
without them they are skipped with the reason shown in the summary. Browser tests (``e2e``)
need Debian's Chromium. CI sets ``COACHMASTER_REQUIRE_SERVICES``/``COACHMASTER_REQUIRE_BROWSER``
so that a missing service fails the run instead of skipping.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from coachmaster.celery import app as celery_app
from tests.factories import (
    PASSWORD,
    CohortFactory,
    EnrolmentFactory,
    LecturerFactory,
    ProgrammeAdminFactory,
    SupervisorFactory,
    UserFactory,
    make_programme,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HAVE_SERVICES = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config, items):
    require_services = os.environ.get("COACHMASTER_REQUIRE_SERVICES")
    require_browser = os.environ.get("COACHMASTER_REQUIRE_BROWSER")
    if require_services and not HAVE_SERVICES:
        raise pytest.UsageError(
            "COACHMASTER_REQUIRE_SERVICES is set but DATABASE_URL/REDIS_URL are not"
        )
    if require_browser and not CHROMIUM:
        raise pytest.UsageError("COACHMASTER_REQUIRE_BROWSER is set but chromium is not installed")
    skip_services = pytest.mark.skipif(
        not HAVE_SERVICES,
        reason="needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (as .ci/run does)",
    )
    skip_browser = pytest.mark.skipif(
        not CHROMIUM,
        reason="needs Debian's chromium for the browser suite: apt-get install -y chromium",
    )
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip_services)
        if "e2e" in item.keywords:
            item.add_marker(skip_browser)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Real hashers take a second per password on purpose; tests don't need that."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks():
    """Every test starts with an empty cache (rate limits live there) and in-process tasks."""
    cache.clear()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager
    cache.clear()


@pytest.fixture(autouse=True)
def _dutch_by_default(settings):
    settings.LANGUAGE_CODE = "nl"


@pytest.fixture(autouse=True)
def _staff_mfa_not_required(settings):
    """Tests force-log staff in without a second factor; tests/accounts/test_mfa.py turns it on."""
    settings.MFA_REQUIRED_FOR_STAFF = False


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def cohort(db):
    return CohortFactory(name="2025–2027")


@pytest.fixture
def other_cohort(db):
    return CohortFactory(name="2026–2028")


@pytest.fixture
def student(cohort):
    return EnrolmentFactory(cohort=cohort, student__email="student@example.org").student


@pytest.fixture
def student2(cohort):
    return EnrolmentFactory(cohort=cohort, student__email="student2@example.org").student


@pytest.fixture
def lecturer(db):
    return LecturerFactory(email="docent@example.org")


@pytest.fixture
def supervisor(db):
    return SupervisorFactory(email="begeleider@example.org")


@pytest.fixture
def programme_admin(db):
    return ProgrammeAdminFactory(email="admin@example.org")


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def lecturer_supervisor(db):
    return LecturerFactory(email="both@example.org", is_supervisor=True)


@pytest.fixture
def version(cohort):
    """The curriculum version the world's cohort follows: a small complete programme, active."""
    version = make_programme(competencies=3, modules=2, name="2025")
    version.status = version.Status.ACTIVE
    version.save(update_fields=["status"])
    cohort.curriculum_version = version
    cohort.save(update_fields=["curriculum_version"])
    return version


@pytest.fixture
def draft(db):
    """An unused draft version, the only kind administrators may edit."""
    return make_programme(competencies=3, modules=2, name="2027")


@pytest.fixture
def world(student, student2, lecturer, supervisor, programme_admin, outsider):
    return {
        "student": student,
        "student2": student2,
        "lecturer": lecturer,
        "supervisor": supervisor,
        "programme_admin": programme_admin,
        "outsider": outsider,
    }


def pytest_report_header(config):
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    lines = [f"coachmaster: database={database}, cache={settings.CACHES['default']['BACKEND']}"]
    if not HAVE_SERVICES:
        lines.append(
            "coachmaster: DATABASE_URL/REDIS_URL not set: SQLite and in-process tasks; "
            "tests marked 'services' (real Redis broker and shared cache) are skipped"
        )
    if not CHROMIUM:
        lines.append("coachmaster: chromium not found: the browser suite (tests/e2e) is skipped")
    return lines
