"""Deployment: the compose file, the image, the configuration files and ``check --deploy``.

Files are parsed, never run: there is no Docker engine in CI. Settings are loaded in
subprocesses with a controlled environment; a developer's own ``.env`` is ignored there,
so these tests give the same answer on every machine.
"""

import importlib
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SOURCE = (ROOT / "coachmaster" / "settings.py").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
COMPOSE_SOURCE = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_SOURCE)
# Dockerfile instructions, one per line (continuation lines joined).
DOCKERFILE = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
README = (ROOT / "README.md").read_text()

APP_SERVICES = ("web", "worker", "beat")
COMPOSE_ONLY_MARKER = "# --- docker-compose only"


# --- helpers ------------------------------------------------------------------------------------
def settings_variables() -> set[str]:
    """Every NAME in ``env.<type>("NAME"`` in settings.py."""
    return set(re.findall(r'\benv\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS_SOURCE))


def env_example_variables(text: str) -> set[str]:
    """Variables set or shown commented out (``# NAME=value``) in a part of .env.example."""
    return set(re.findall(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def env_example_parts() -> tuple[str, str]:
    """(the settings part, the docker-compose-only part) of .env.example."""
    settings_part, marker, compose_part = ENV_EXAMPLE.partition(COMPOSE_ONLY_MARKER)
    assert marker, f".env.example has no section starting with {COMPOSE_ONLY_MARKER!r}"
    return settings_part, compose_part


def env_example_values() -> dict[str, str]:
    """The variables .env.example actually sets (not the commented-out ones)."""
    settings_part, _ = env_example_parts()
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", settings_part, flags=re.MULTILINE))


def interpolate(value: str) -> str:
    """What Compose makes of ``${NAME...}`` and ``$$`` (variables get a stand-in value)."""
    return re.sub(r"\$\{\w+[^}]*\}", "stand-in", value).replace("$$", "$")


def as_words(command) -> list[str]:
    """A command (exec list, shell string or healthcheck test) as a list of words."""
    if isinstance(command, str):
        return shlex.split(interpolate(command))
    words = [interpolate(word) for word in command]
    if words and words[0] == "CMD-SHELL":
        return shlex.split(words[1])
    if words and words[0] == "CMD":
        return words[1:]
    return words


def all_commands() -> list[tuple[str, list[str]]]:
    """(where, words) for every command in the compose file and the image's CMD."""
    found = [("Dockerfile CMD", dockerfile_cmd())]
    for name, service in COMPOSE["services"].items():
        if "command" in service:
            found.append((f"{name} command", as_words(service["command"])))
        if "healthcheck" in service:
            found.append((f"{name} healthcheck", as_words(service["healthcheck"]["test"])))
    return found


def dockerfile_instructions(keyword: str) -> list[str]:
    return re.findall(rf"^{keyword}\s+(.+?)\s*$", DOCKERFILE, flags=re.MULTILINE)


def dockerfile_cmd() -> list[str]:
    (cmd,) = dockerfile_instructions("CMD")
    return json.loads(cmd)


def dockerfile_env(name: str) -> str:
    for instruction in dockerfile_instructions("ENV"):
        match = re.search(rf"(?:^|\s){name}=(\S+)", instruction)
        if match:
            return match.group(1)
    raise AssertionError(f"the Dockerfile sets no ENV {name}")


def mounts(service: dict) -> dict[str, str]:
    """Mount target -> source for a service's volumes (short and long syntax)."""
    result = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        result[target] = source
    return result


def run_python(script: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a script in a fresh interpreter with only the given environment (plus PATH/HOME)."""
    hermetic = (
        "import environ\n"
        "environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)  # no local .env\n"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "coachmaster.settings",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", hermetic + script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess:
    args = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    script = (
        "from django.core.management import execute_from_command_line\n"
        f"execute_from_command_line({args!r})\n"
    )
    return run_python(script, environment)


SHOW_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
from coachmaster.celery import app
database = settings.DATABASES["default"]
cache = settings.CACHES["default"]
print(json.dumps({
    "engine": database["ENGINE"],
    "name": str(database["NAME"]),
    "email_backend": settings.EMAIL_BACKEND,
    "cache_backend": cache["BACKEND"],
    "cache_location": cache.get("LOCATION", ""),
    "broker": app.conf.broker_url,
    "eager": app.conf.task_always_eager,
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
}))
"""


def show_settings(environment: dict[str, str]) -> dict:
    result = run_python(SHOW_SETTINGS, environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


FAKE_DATABASE_URL = "postgres://coachmaster:not-used@db.invalid:5432/coachmaster"
FAKE_REDIS_URL = "redis://redis.invalid:6379/0"


def production_environment() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": "coachmaster.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://coachmaster.example.org",
        "SITE_URL": "https://coachmaster.example.org",
        "DATABASE_URL": FAKE_DATABASE_URL,
        "REDIS_URL": FAKE_REDIS_URL,
        "EMAIL_URL": "smtp+tls://mailer:not-used@smtp.example.org:587",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_PRELOAD": "1",
        "BEHIND_TLS_PROXY": "1",
        "STATIC_MANIFEST": "1",
    }


# --- (a) docker-compose.yml ---------------------------------------------------------------------
def test_compose_has_the_five_services():
    assert {"web", "worker", "beat", "db", "redis"} <= set(COMPOSE["services"])


def test_compose_uses_postgresql_16_and_redis_7():
    services = COMPOSE["services"]
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_compose_database_plans_for_solid_state_storage():
    # docs/performance.md: with the default random_page_cost the cohort page scanned all users.
    assert as_words(COMPOSE["services"]["db"]["command"]) == [
        "postgres",
        "-c",
        "random_page_cost=1.1",
    ]


@pytest.mark.parametrize("name", ["db", "redis", "web", "worker"])
def test_compose_service_has_a_health_check(name):
    healthcheck = COMPOSE["services"][name].get("healthcheck", {})
    assert not healthcheck.get("disable", False)
    words = as_words(healthcheck.get("test", []))
    assert words
    assert words != ["NONE"]


def test_compose_keeps_database_media_and_beat_schedule_in_named_volumes():
    services = COMPOSE["services"]
    declared = set(COMPOSE.get("volumes") or {})
    assert mounts(services["db"]).get("/var/lib/postgresql/data") in declared

    media_root = dockerfile_env("MEDIA_ROOT")
    for name in ("web", "worker"):
        assert mounts(services[name]).get(media_root) in declared, name

    beat = as_words(services["beat"]["command"])
    (schedule,) = [word.split("=", 1)[1] for word in beat if word.startswith("--schedule=")]
    schedule_dir = str(Path(schedule).parent)
    assert mounts(services["beat"]).get(schedule_dir) in declared


def test_compose_app_services_are_configured_from_env_file_and_the_compose_services():
    services = COMPOSE["services"]
    db_environment = services["db"]["environment"]
    for name in (*APP_SERVICES, "migrate"):
        service = services[name]
        env_files = service["env_file"]
        assert ".env" in ([env_files] if isinstance(env_files, str) else env_files), name
        database = urlsplit(interpolate(service["environment"]["DATABASE_URL"]))
        assert database.scheme in ("postgres", "postgresql"), name
        assert database.hostname == "db", name
        assert database.username == db_environment["POSTGRES_USER"], name
        assert database.path == "/" + db_environment["POSTGRES_DB"], name
        redis = urlsplit(service["environment"]["REDIS_URL"])
        assert (redis.scheme, redis.hostname) == ("redis", "redis"), name


def test_compose_migrates_before_web_and_worker_start():
    services = COMPOSE["services"]
    migrate = as_words(services["migrate"]["command"])
    assert migrate[:3] == ["python", "manage.py", "migrate"]
    for name in APP_SERVICES:
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_compose_web_command_is_the_image_default():
    assert as_words(COMPOSE["services"]["web"]["command"]) == dockerfile_cmd()


def test_every_command_points_at_something_that_exists():
    checked = []
    for where, words in all_commands():
        program = words[0]
        if program == "gunicorn":
            spec = next(word for word in words[1:] if not word.startswith("-"))
            module_name, _, attribute = spec.partition(":")
            application = getattr(importlib.import_module(module_name), attribute)
            assert callable(application), where
            checked.append(spec)
        elif program == "celery":
            app_name = words[words.index("-A") + 1]
            app = find_app(app_name)
            assert isinstance(app, Celery), where
            assert app.main == app_name, where
            checked.append(f"{where}: celery -A {app_name}")
        elif program == "python" and words[1] == "manage.py":
            assert (ROOT / "manage.py").is_file()
            assert words[2] in get_commands(), where
            checked.append(f"manage.py {words[2]}")
    # The commands that run the platform were all found and checked.
    assert "coachmaster.wsgi:application" in checked
    assert "manage.py migrate" in checked
    for where in ("worker command", "beat command", "worker healthcheck"):
        assert f"{where}: celery -A coachmaster" in checked


# --- (b) Dockerfile, .dockerignore and lock files ------------------------------------------------
def test_dockerfile_builds_on_python_311_slim_bookworm():
    assert dockerfile_instructions("FROM") == ["python:3.11-slim-bookworm"]


def test_dockerfile_installs_the_locked_requirements_with_hashes():
    installs = [run for run in dockerfile_instructions("RUN") if "pip install" in run]
    assert any(
        "--require-hashes" in run and re.search(r"-r\s+requirements/base\.txt", run)
        for run in installs
    )


def test_dockerfile_installs_the_system_libraries_weasyprint_and_gettext_need():
    apt = " ".join(run for run in dockerfile_instructions("RUN") if "apt-get install" in run)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "gettext", "fonts-dejavu-core"):
        assert package in apt.split(), package


def test_dockerfile_compiles_translations_and_collects_static_files():
    runs = " ".join(dockerfile_instructions("RUN"))
    assert "manage.py compilemessages" in runs
    assert "manage.py collectstatic --no-input" in runs


def test_image_runs_as_a_non_root_user():
    users = dockerfile_instructions("USER")
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    assert dockerfile_instructions("EXPOSE") == ["8000"]


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".venv", "var", ".git", ".env"):
        assert entry in ignored, entry


@pytest.mark.parametrize("lock_file", ["base.txt", "dev.txt"])
def test_lock_files_hold_versions_and_hashes_only(lock_file):
    for line in (ROOT / "requirements" / lock_file).read_text().splitlines():
        if line.lstrip().startswith("#"):
            continue
        assert "://" not in line, line
        assert not re.match(
            r"\s*(-i|-f|--index-url|--extra-index-url|--find-links|--trusted-host)\b", line
        ), line


# --- (c) .env.example, settings.py and the README table -----------------------------------------
def test_settings_variables_are_found():
    found = settings_variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= found


def test_env_example_lists_exactly_the_variables_settings_reads():
    settings_part, _ = env_example_parts()
    listed = env_example_variables(settings_part)
    read = settings_variables()
    assert read - listed == set(), "read by settings.py but missing from .env.example"
    assert listed - read == set(), "in .env.example but not read by settings.py"


def test_env_example_compose_only_variables_are_used_by_compose():
    _, compose_part = env_example_parts()
    compose_only = env_example_variables(compose_part)
    assert compose_only
    for name in compose_only:
        assert "${" + name in COMPOSE_SOURCE, name
        assert name not in settings_variables(), name


def test_readme_configuration_table_lists_exactly_the_variables_settings_reads():
    rows = set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", README, flags=re.MULTILINE))
    assert settings_variables() - rows == set(), "missing from the README table"
    assert rows - settings_variables() == set(), "in the README table but not read"


def test_readme_make_targets_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, flags=re.MULTILINE))
    # `make x` in the text, or a line of a shell example starting with make.
    mentioned = set(re.findall(r"(?:`|^)make ([a-z][\w-]*)", README, flags=re.MULTILINE))
    assert {"demo", "test"} <= mentioned
    assert mentioned - targets == set()


# --- (d) check --deploy --------------------------------------------------------------------------
def test_check_deploy_is_clean_with_production_settings():
    result = check_deploy(production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_env_example_passes_check_deploy_once_its_secret_is_replaced():
    environment = {
        **env_example_values(),
        "DATABASE_URL": FAKE_DATABASE_URL,
        "REDIS_URL": FAKE_REDIS_URL,
    }
    # As shipped, the placeholder secret is refused ...
    placeholder = check_deploy(environment)
    assert placeholder.returncode != 0
    assert "security.W009" in placeholder.stderr
    # ... and it is the only thing wrong.
    environment["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    replaced = check_deploy(environment)
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr


# --- (e) embedded defaults and service-backed settings ------------------------------------------
def test_no_environment_gives_the_embedded_development_setup():
    settings = show_settings({})
    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(ROOT / "var" / "coachmaster.sqlite3")
    assert settings["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["cache_backend"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings["broker"] == "memory://localhost/"
    assert settings["eager"] is True
    # Not in debug mode, yet served over plain http on 127.0.0.1 by `make demo`.
    assert settings["debug"] is False
    assert "127.0.0.1" in settings["allowed_hosts"]
    assert settings["ssl_redirect"] is False
    assert settings["secure_cookies"] is False


def test_database_and_redis_urls_switch_to_postgresql_redis_and_a_real_worker():
    settings = show_settings({"DATABASE_URL": FAKE_DATABASE_URL, "REDIS_URL": FAKE_REDIS_URL})
    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["cache_backend"] == "coachmaster.cache.TolerantRedisCache"
    assert settings["cache_location"] == FAKE_REDIS_URL
    assert settings["broker"] == FAKE_REDIS_URL
    assert settings["eager"] is False
