"""What the benchmark runs against: a seeded database per size, gunicorn, a Celery worker, and
signed-in sessions.

- Databases: ``coachmaster_bench_<size>`` on the server of ``DATABASE_URL`` (PostgreSQL;
  default ``postgres://postgres@127.0.0.1:5432``). After ``seed_scale`` has finished, a row in
  the table ``bench_seed_marker`` says so; a database with that row is reused as it is (only
  ``migrate`` runs), one without it is dropped and built again.
- gunicorn: the Dockerfile's command, with 2 sync workers, no access log and no
  ``--max-requests`` (a recycled worker would hide memory growth and put restarts into the
  latencies).
- Processes are stopped when the ``with`` block ends, also on Ctrl-C or an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
MARKER_TABLE = "bench_seed_marker"
# What built the data: a database seeded by other code is reused, but the results say so.
SEED_SOURCES = ("coachmaster/demo/management/commands/seed_scale.py", "coachmaster/demo/scale*.py")
CELERY_QUEUE = "coachmaster.bench"


def database_name(size: str) -> str:
    return f"coachmaster_bench_{size.lower()}"


def database_url(name: str, server: str | None = None) -> str:
    """``server`` (default: DATABASE_URL if it is PostgreSQL) with its database set to ``name``."""
    server = server or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_SERVER
    parts = urlsplit(server)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        parts = urlsplit(DEFAULT_DATABASE_SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def _connect(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=parts.path.lstrip("/"),
        autocommit=True,
    )


def seed_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(path for pattern in SEED_SOURCES for path in ROOT.glob(pattern)):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def marker(url: str) -> dict | None:
    """The seed marker of the database at ``url``, or None (no database, or not complete)."""
    name = urlsplit(url).path.lstrip("/")
    with _connect(database_url("postgres", url)) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return None
    with _connect(url) as connection:
        if not connection.execute("SELECT to_regclass(%s)", [MARKER_TABLE]).fetchone()[0]:
            return None
        row = connection.execute(
            f"SELECT size, seeded_at, fingerprint, seconds FROM {MARKER_TABLE}"
        ).fetchone()
    if row is None:
        return None
    size, seeded_at, fingerprint, seconds = row
    return {"size": size, "seeded_at": seeded_at.isoformat(), "fingerprint": fingerprint,
            "seconds": seconds}  # fmt: skip


def manage(*arguments: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


# What docker-compose.yml gives its database server (docs/performance.md), for the benchmark's
# databases only: the server may be shared.
PLANNER_SETTINGS = {"random_page_cost": "1.1"}


def configure_planner(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with _connect(database_url("postgres", url)) as admin:
        for setting, value in PLANNER_SETTINGS.items():
            admin.execute(f'ALTER DATABASE "{name}" SET {setting} = {value}')


def ensure_database(size: str, env: dict[str, str], *, reseed: bool) -> dict:
    """The database of ``size``, migrated and seeded; returns how it was obtained."""
    url = env["DATABASE_URL"]
    name = urlsplit(url).path.lstrip("/")
    found = None if reseed else marker(url)
    if found is not None and found["size"] == size:
        configure_planner(url)
        print(f"[{size}] reusing {name} (seeded {found['seeded_at']}); migrating", flush=True)
        manage("migrate", "--no-input", "--verbosity=0", env=env)
        if found["fingerprint"] != seed_fingerprint():
            print(
                f"[{size}] note: the seed code changed since {name} was seeded; "
                "run with --reseed (RESEED=1) to rebuild it",
                flush=True,
            )
        return {**found, "database": name, "reused": True}
    print(f"[{size}] creating {name}, migrating, seed_scale --size {size}", flush=True)
    with _connect(database_url("postgres", url)) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    configure_planner(url)
    started = time.monotonic()
    manage("migrate", "--no-input", "--verbosity=0", env=env)
    manage("seed_scale", "--size", size, env=env)
    seconds = round(time.monotonic() - started)
    with _connect(url) as connection:
        connection.execute(
            f"CREATE TABLE {MARKER_TABLE} (size text PRIMARY KEY, seeded_at timestamptz "
            "NOT NULL DEFAULT now(), fingerprint text NOT NULL, seconds integer NOT NULL)"
        )
        connection.execute(
            f"INSERT INTO {MARKER_TABLE} (size, fingerprint, seconds) VALUES (%s, %s, %s)",
            [size, seed_fingerprint(), seconds],
        )
        connection.execute("ANALYZE")
    print(f"[{size}] seeded in {seconds} s", flush=True)
    return {**marker(url), "database": name, "reused": False}


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen, name: str) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop within 30 s: killing it", flush=True)
        process.kill()
        process.wait()


def children(pid: int) -> list[int]:
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise ValueError(f"no VmRSS for process {pid}")


def gunicorn_command(port: int, workers: int = 2) -> list[str]:
    """The Dockerfile's command (sync workers), on 127.0.0.1, without access log or recycling."""
    return [
        sys.executable, "-m", "gunicorn", "coachmaster.wsgi:application",
        f"--bind=127.0.0.1:{port}", f"--workers={workers}", "--worker-class=sync",
        "--timeout=60", "--graceful-timeout=30", "--keep-alive=5", "--max-requests=0",
        "--worker-tmp-dir=/dev/shm", "--error-logfile=-", "--no-control-socket",
    ]  # fmt: skip


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path, workers: int = 2) -> Iterator[int]:
    """Yields the master's pid once both workers answer."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(
            gunicorn_command(port, workers), cwd=ROOT, env=env, stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + 60
        answer = "nothing"
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}); see {log}")
            if len(children(process.pid)) == workers:
                with contextlib.suppress(requests.RequestException):
                    health = requests.get(f"http://127.0.0.1:{port}/health/", timeout=5)
                    if health.ok:
                        break
                    answer = f"{health.status_code}"
            if time.monotonic() > deadline:
                raise RuntimeError(f"/health/ answered {answer} for 60 s; see {log}")
            time.sleep(0.2)
        yield process.pid
    finally:
        _stop(process, "gunicorn")


def celery_command(broker_and_results: str) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "coachmaster",
        f"--result-backend={broker_and_results}", "worker", "--pool=solo",
        f"--queues={CELERY_QUEUE}", "--hostname=bench@%h", "--without-gossip",
        "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
    ]  # fmt: skip


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log: Path) -> Iterator[int]:
    """A solo worker on its own queue, with a Redis result backend for this worker only (the
    project has none: job state lives in database rows)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(
            celery_command(env["REDIS_URL"]), cwd=ROOT, env=env, stdout=output, stderr=output
        )
    try:
        yield process.pid
    finally:
        _stop(process, "celery worker")


# --- signing in -----------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoginFailed(RuntimeError):
    pass


def login(base_url: str, email: str, password: str) -> requests.Session:
    """A real allauth login (GET the form, POST it with its CSRF token), checked by
    ``/health/session/``; the session's cookies are what wrk sends."""
    session = requests.Session()
    page = f"{base_url}/accounts/login/"
    form = session.get(page, timeout=30)
    token = TOKEN.search(form.text)
    if form.status_code != 200 or token is None:
        raise LoginFailed(f"{page} answered {form.status_code} without a login form")
    answer = session.post(
        page,
        data={"login": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": page},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or "/accounts/" in answer.headers.get("Location", ""):
        raise LoginFailed(
            f"logging in as {email} answered {answer.status_code} "
            f"{answer.headers.get('Location', '')}".strip()
        )
    check = session.get(f"{base_url}/health/session/", allow_redirects=False, timeout=30)
    if check.status_code != 200 or not check.json().get("authenticated"):
        raise LoginFailed(f"after logging in as {email}, /health/session/ answered {check}")
    return session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)
