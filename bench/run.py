"""The page benchmark (``make bench``): every benchmark page at each data size, under load,
against the floors of the same machine in the same run. Writes ``bench/results/latest.json``
and ``bench/results/latest.md``.

For each size (S and M by default):

1. The database ``coachmaster_bench_<size>``: created, migrated and seeded with
   ``seed_scale --size <size>`` the first time, reused (and migrated) afterwards; ``--reseed``
   builds it again (bench/stack.py).
2. In-process, before any load (bench/probe.py): each page's queries per request and the
   database floor, its captured statements replayed alone.
3. gunicorn with 2 sync workers and production-like settings (DEBUG off, Redis cache, static
   files from the manifest); each page's user signed in for real, one session each.
4. wrk at concurrency 8 (2 threads, 8 connections): a warm-up pass over the floor and every
   page, the workers' RSS ("start"), the web floor ``/health/session/``, every page for
   ``--seconds``, the floor again, the workers' RSS ("end").

Then once: the Celery round trip (``coachmaster.ping``, solo worker) and the PDF benchmark
(bench/pdf_bench.py, its own throw-away SQLite database).

Usage: ``python bench/run.py [--sizes S M] [--seconds 10] [--reseed] [--pdf run|reuse|skip]``.
Needs PostgreSQL (DATABASE_URL's server, default 127.0.0.1), Redis (REDIS_URL, default
redis://127.0.0.1:6379/0) and wrk. Exits with 1 when a page failed (a non-2xx answer).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report, stack, wrk  # noqa: E402

RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
FLOOR_PATH = "/health/session/"
# The bench databases are throw-away; a fixed key keeps earlier runs' sessions readable.
SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40


def size_env(size: str, run_id: str) -> dict[str, str]:
    """The environment of gunicorn, the probes and manage.py for one size."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "coachmaster.settings",
            "DATABASE_URL": stack.database_url(stack.database_name(size)),
            "REDIS_URL": stack.redis_url(),
            "CACHE_KEY_PREFIX": f"bench-{size.lower()}-{run_id}",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "http://127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "MFA_REQUIRED_FOR_STAFF": "false",
            "STATIC_MANIFEST": "1",
            "STATIC_ROOT": str(WORK / "static"),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONWARNINGS": "ignore::UserWarning",
        }
    )
    return env


def probe(mode: str, env: dict[str, str], *options: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", dir=WORK) as output:
        subprocess.run(
            [sys.executable, "-m", "bench.probe", mode, output.name, *options],
            cwd=ROOT,
            env=env,
            check=True,
        )
        return json.loads(Path(output.name).read_text())


def workers_rss(master: int) -> dict[int, float]:
    return {pid: stack.rss_mb(pid) for pid in stack.children(master)}


def measure_size(size: str, env: dict[str, str], arguments, script: Path) -> dict:
    database = stack.ensure_database(size, env, reseed=arguments.reseed)
    print(f"[{size}] queries and database floor (in-process)", flush=True)
    probed = probe("pages", env, f"--replays={arguments.replays}")
    probed, password = probed["pages"], probed["password"]
    if not probed:
        raise RuntimeError(f"bench_pages() found no pages in {database['database']}")
    port = stack.free_port()
    env = {**env, "SITE_URL": f"http://127.0.0.1:{port}"}
    base = f"http://127.0.0.1:{port}"
    log = WORK / f"gunicorn-{size.lower()}.log"
    with stack.gunicorn(env, port, log, workers=report.WORKERS) as master:
        sessions = {}
        for page in probed:
            if page["email"] not in sessions:
                sessions[page["email"]] = stack.login(base, page["email"], password)
        cookies = {email: stack.cookie_header(session) for email, session in sessions.items()}
        floor_headers = {"Cookie": cookies[probed[0]["email"]]}

        def drive(path: str, headers: dict[str, str], seconds: float) -> wrk.WrkResult:
            return wrk.run(base + path, seconds=seconds, script=script, headers=headers)

        def page_headers(page: dict) -> dict[str, str]:
            return {"Cookie": cookies[page["email"]], **page["headers"]}

        print(f"[{size}] warm-up: {len(probed) + 1} × {arguments.warm_up} s", flush=True)
        warm_failures = {}  # wrong answers only: a slow page may not answer in the warm-up
        drive(FLOOR_PATH, floor_headers, arguments.warm_up)
        for page in probed:
            warm = drive(page["path"], page_headers(page), arguments.warm_up)
            if warm.non2xx:
                warm_failures[page["name"]] = warm.failure
        rss_start = workers_rss(master)

        def floor() -> dict:
            result = drive(FLOOR_PATH, floor_headers, arguments.seconds)
            if result.failure:
                raise RuntimeError(f"[{size}] the web floor failed: {result.failure}")
            return report.floor_row(result)

        floor_start = floor()
        print(f"[{size}] floor: {floor_start['rps']} rps, p95 {floor_start['p95_ms']} ms")
        measured = []
        for page in probed:
            result = drive(page["path"], page_headers(page), arguments.seconds)
            failure = result.failure
            if page["status"] != 200:
                failure = f"in-process request answered {page['status']}"
            elif failure is None and page["name"] in warm_failures:
                failure = f"during warm-up: {warm_failures[page['name']]}"
            measured.append((page, result, failure))
            if failure:
                print(f"[{size}] !!! {page['name']} FAILED: {failure}", flush=True)
            else:
                print(
                    f"[{size}] {page['name']:<20} {result.rps:8.1f} rps  p50 "
                    f"{result.p50_ms:6.2f}  p95 {result.p95_ms:6.2f}  p99 {result.p99_ms:6.2f} ms"
                    f"  {page['queries']} queries",
                    flush=True,
                )
        floor_end = floor()
        rss_end = workers_rss(master)
    chosen, which = report.choose_floor(floor_start, floor_end)
    print(f"[{size}] floor at the end: {floor_end['rps']} rps; using the {which} one")
    rows = [
        report.page_row(size, page, result, chosen["rps"], failure)
        for page, result, failure in measured
    ]
    workers = [{"pid": pid, "start": rss_start[pid], "end": rss_end.get(pid)} for pid in rss_start]
    replaced = sorted(set(rss_end) - set(rss_start))
    return {
        "database": {key: database[key] for key in ("database", "reused", "seeded_at")}
        | {"seed_seconds": database["seconds"], "fingerprint": database["fingerprint"]},
        "floor": chosen,
        "floor_runs": {"start": floor_start, "end": floor_end, "used": which},
        "pages": rows,
        "worker_rss_mb": {
            "start": max(rss_start.values()),
            "end": max(rss_end.values()),
            "workers": workers,
            "replaced_workers": replaced,
        },
    }


def measure_celery(env: dict[str, str], calls: int) -> dict:
    print(f"Celery: {calls} round trips of coachmaster.ping", flush=True)
    with stack.celery_worker(env, WORK / "celery.log"):
        result = probe("celery", env, f"--calls={calls}", f"--queue={stack.CELERY_QUEUE}")
    print(f"Celery: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms", flush=True)
    return {**result, "pool": "solo", "broker": "redis", "result_backend": "redis (bench only)"}


def measure_pdf(mode: str) -> dict | None:
    output = RESULTS / "pdf.json"
    if mode == "skip":
        return None
    if mode == "run":
        print("PDF benchmark (bench/pdf_bench.py)", flush=True)
        subprocess.run([sys.executable, "bench/pdf_bench.py"], cwd=ROOT, check=True)
    return json.loads(output.read_text())


def machine() -> dict:
    postgresql = None
    try:
        with stack._connect(stack.database_url("postgres")) as connection:
            postgresql = connection.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - the version is decoration
        postgresql = None
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgresql": postgresql,
    }


def write(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("latest.json", json.dumps(results, indent=2) + "\n"),
        ("latest.md", report.render_markdown(results)),
    ):
        partial = RESULTS / f"{name}.tmp"
        partial.write_text(text)
        partial.replace(RESULTS / name)
    print(f"written to {RESULTS.relative_to(ROOT)}/latest.json and latest.md")


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", nargs="+", default=["S", "M"], type=str.upper, choices=report.SIZES
    )
    parser.add_argument("--seconds", type=float, default=10, help="per page (default 10)")
    parser.add_argument("--warm-up", type=float, default=2, help="per page (default 2)")
    parser.add_argument("--reseed", action="store_true", help="rebuild the size's database")
    parser.add_argument(
        "--pdf",
        choices=["run", "reuse", "skip"],
        default="run",
        help="run bench/pdf_bench.py, reuse its last pdf.json, or skip it",
    )
    parser.add_argument("--celery-calls", type=int, default=200)
    parser.add_argument("--replays", type=int, default=30, help="database floor replays")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    # A plain `kill` stops the run like Ctrl-C does: the with blocks stop gunicorn and Celery.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    measured_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    WORK.mkdir(parents=True, exist_ok=True)
    script = wrk.write_script(WORK)
    run_id = secrets.token_hex(4)
    sizes = sorted(dict.fromkeys(arguments.sizes), key=report.size_order)
    print(f"Benchmark of sizes {', '.join(sizes)}: {arguments.seconds:g} s per page", flush=True)
    print("MFA_REQUIRED_FOR_STAFF=false: the scaled staff accounts have no authenticators.")
    collect_env = size_env(sizes[0], run_id)
    stack.manage("collectstatic", "--no-input", "--verbosity=0", env=collect_env)
    results_by_size = {}
    for size in sizes:
        results_by_size[size] = measure_size(size, size_env(size, run_id), arguments, script)
    celery = measure_celery(size_env(sizes[-1], run_id), arguments.celery_calls)
    pdf_result = measure_pdf(arguments.pdf)
    results = report.build(
        sizes=results_by_size,
        celery=celery,
        pdf_result=pdf_result,
        settings={
            "workers": report.WORKERS,
            "threads": wrk.THREADS,
            "connections": wrk.CONNECTIONS,
            "seconds": arguments.seconds,
            "warm_up_seconds": arguments.warm_up,
            "replays": arguments.replays,
            "pdf": arguments.pdf,
        },
        machine=machine(),
        measured_at=measured_at,
        seconds=time.monotonic() - started,
    )
    write(results)
    print(report.render_markdown(results))
    if results["failed_pages"]:
        print(f"FAILED RUNS: {', '.join(results['failed_pages'])}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
