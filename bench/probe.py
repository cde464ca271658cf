"""The in-process half of the benchmark, run as a child process with the size's environment
(``python -m bench.probe pages|celery OUTPUT``), so that the harness itself never imports
Django and each size gets its own database settings.

- ``pages``: the benchmark pages of the seeded database (``bench_pages()``); for each page,
  a real login through the Django test client (one per user), one warm-up request and one
  counted request: its queries (``CaptureQueriesContext``) and the statements themselves (an
  execute wrapper: SQL and parameters). The database floor replays exactly those statements
  through a cursor, alone, ``--replays`` times, each replay in a transaction that is rolled
  back (a page may write its session row): the median and p95 are the page's SQL per request.
- ``celery``: round trips of ``coachmaster.ping`` through the Redis broker to the bench
  worker and back through a Redis result backend (set for this client and that worker only).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = "coachmaster.demo.scale_pages:bench_pages"
SERVER_NAME = "127.0.0.1"  # the only ALLOWED_HOSTS entry, as for gunicorn


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def load_pages(spec: str) -> list:
    module, _, function = spec.partition(":")
    return getattr(importlib.import_module(module), function)()


class Recorder:
    """An execute wrapper that keeps every statement with its parameters."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


def signed_in_client(email: str, password: str):
    from django.test import Client

    client = Client(SERVER_NAME=SERVER_NAME)
    answer = client.post("/accounts/login/", {"login": email, "password": password})
    if answer.status_code != 302 or "/accounts/" in answer.get("Location", ""):
        raise RuntimeError(f"in-process login as {email} answered {answer.status_code}")
    return client


def count_queries(client, path: str, headers: dict[str, str]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    warm = client.get(path, headers=headers)
    recorder = Recorder()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(recorder):
        answer = client.get(path, headers=headers)
    return {
        "status": answer.status_code,
        "warm_up_status": warm.status_code,
        "queries": len(captured.captured_queries),
        "bytes": len(answer.content),
        "statements": recorder.statements,
    }


def replay(statements: list[tuple[str, object, bool]], replays: int) -> dict:
    """Runs the statements as the page did, ``replays`` times (after one unmeasured run)."""
    from django.db import connection, transaction

    times = []
    for _ in range(replays + 1):
        with transaction.atomic():
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql, params, many in statements:
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    times = times[1:]
    return {
        "median": round(statistics.median(times), 2),
        "p95": round(percentile(times, 95), 2),
        "replays": replays,
    }


def probe_pages(spec: str, password: str | None, replays: int) -> dict:
    if password is None:
        from coachmaster.demo.scale import PASSWORD as password
    pages = load_pages(spec)
    clients = {}
    results = []
    for page in pages:
        if page.email not in clients:
            clients[page.email] = signed_in_client(page.email, password)
        measured = count_queries(clients[page.email], page.path, page.headers)
        statements = measured.pop("statements")
        ok = measured["status"] == 200
        results.append(
            {
                "name": page.name,
                "kind": page.kind,
                "email": page.email,
                "path": page.path,
                "htmx": page.htmx,
                "headers": page.headers,
                **measured,
                "db_ms": replay(statements, replays) if ok else None,
            }
        )
    return {"pages": results, "password": password}


def probe_celery(calls: int, warm_up: int, queue: str) -> dict:
    from coachmaster.celery import app, ping

    app.conf.result_backend = os.environ["REDIS_URL"]
    app.conf.task_always_eager = False

    def round_trip(timeout: float) -> float:
        started = time.perf_counter()
        result = ping.apply_async(queue=queue)
        if result.get(timeout=timeout) != "pong":
            raise RuntimeError("coachmaster.ping did not answer pong")
        elapsed = (time.perf_counter() - started) * 1000
        result.forget()
        return elapsed

    round_trip(timeout=120)  # waits for the worker to start
    for _ in range(warm_up):
        round_trip(timeout=10)
    times = [round_trip(timeout=10) for _ in range(calls)]
    return {
        "calls": calls,
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "mean_ms": round(statistics.mean(times), 2),
        "max_ms": round(max(times), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="in-process part of bench/run.py")
    parser.add_argument("mode", choices=["pages", "celery"])
    parser.add_argument("output", type=Path)
    parser.add_argument("--pages", default=os.environ.get("BENCH_PAGES", DEFAULT_PAGES))
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD"))
    parser.add_argument("--replays", type=int, default=30)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--queue", default="coachmaster.bench")
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachmaster.settings")
    import django

    django.setup()
    if arguments.mode == "pages":
        result = probe_pages(arguments.pages, arguments.password, arguments.replays)
    else:
        result = probe_celery(arguments.calls, 20, arguments.queue)
    arguments.output.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
