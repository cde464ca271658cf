"""``manage.py check --deploy`` is clean with production settings: only what an operator must
set (a secret, the https address, the host, the services, the proxy), nothing silenced."""

from __future__ import annotations

import re
import secrets

import yaml

from tests.test_deployment import ROOT, interpolate, run_python

CHECK_DEPLOY = (
    "from django.core.management import execute_from_command_line\n"
    "execute_from_command_line(['manage.py', 'check', '--deploy'])\n"
)
ISSUE_CODE = re.compile(r"\(\w+(?:\.\w+)*\.[EW]\d{3}\)")


def minimal_production_environment() -> dict[str, str]:
    """What the operator sets in .env for docker-compose, plus what docker-compose adds."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    compose_environment = {
        name: interpolate(str(value)) for name, value in compose["x-app"]["environment"].items()
    }
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SITE_URL": "https://coachmaster.example.org",
        "ALLOWED_HOSTS": "coachmaster.example.org",
        "BEHIND_TLS_PROXY": "1",
        **compose_environment,
    }


def test_compose_sets_the_services():
    environment = minimal_production_environment()
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["REDIS_URL"].startswith("redis://")
    assert "DJANGO_DEBUG" not in environment


def test_check_deploy_gives_zero_warnings_with_production_settings():
    result = run_python(CHECK_DEPLOY, minimal_production_environment())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in result.stdout, output
    assert not ISSUE_CODE.search(output), output


def test_nothing_is_silenced():
    result = run_python(
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(repr(settings.SILENCED_SYSTEM_CHECKS))\n",
        minimal_production_environment(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_check_deploy_still_catches_a_development_secret():
    # The clean result above is earned, not a check that cannot fail.
    environment = minimal_production_environment()
    del environment["DJANGO_SECRET_KEY"]
    result = run_python(CHECK_DEPLOY, environment)
    assert "security.W009" in result.stdout + result.stderr
