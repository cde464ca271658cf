"""The benchmark harness (bench/run.py) without running a benchmark: wrk's output, the
results file's format, the targets, the readable report, the login and the probes."""

import json
import re
import shutil
from pathlib import Path

import pytest

from bench import probe, report, stack, wrk

ROOT = Path(__file__).resolve().parent.parent

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8000/student/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.51ms    2.10ms  40.00ms   80.00%
  1680 requests in 10.00s, 40.00MB read
Requests/sec:    168.00
Transfer/sec:      4.00MB
BENCH_RESULT {"requests": 1680, "duration_us": 10000000, "bytes": 41943040, "p50_us": 9100, \
"p95_us": 13250, "p99_us": 21000, "max_us": 40000, "mean_us": 9510.3, "non2xx": 0, \
"statuses": {"200": 1680}, "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, \
"timeout": 0}}
"""


def result(**changes) -> wrk.WrkResult:
    values = {
        "requests": 1000,
        "seconds": 10.0,
        "p50_ms": 5.0,
        "p95_ms": 9.0,
        "p99_ms": 12.0,
        "max_ms": 20.0,
        "non2xx": 0,
        "statuses": {200: 1000},
        "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
    }
    return wrk.WrkResult(**{**values, **changes})


# --- wrk ------------------------------------------------------------------------------------


def test_wrk_result_line_is_parsed():
    parsed = wrk.parse(WRK_OUTPUT)
    assert parsed.requests == 1680
    assert parsed.rps == pytest.approx(168.0)
    assert (parsed.p50_ms, parsed.p95_ms, parsed.p99_ms) == (9.1, 13.25, 21.0)
    assert parsed.statuses == {200: 1680}
    assert parsed.failure is None


def test_wrk_output_without_the_result_line_is_an_error():
    with pytest.raises(wrk.WrkError):
        wrk.parse("Running 10s test @ http://127.0.0.1:8000/\n")


def test_redirects_and_errors_make_a_failed_run():
    redirected = result(non2xx=400, statuses={200: 600, 302: 400})
    assert redirected.failure == "400 of 1000 answers were not 2xx (302: 400)"
    crashed = result(non2xx=3, statuses={200: 997, 500: 3})
    assert "500: 3" in crashed.failure
    assert result(requests=0, statuses={}).failure == "no answers at all"
    timed_out = result(errors={"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 2})
    assert "timed out" in timed_out.failure


def test_wrk_command_sends_headers_at_concurrency_8(tmp_path):
    script = wrk.write_script(tmp_path)
    command = wrk.command(
        "http://127.0.0.1:1/log/", seconds=10, script=script, headers={"HX-Request": "true"}
    )
    assert command[0] == "wrk"
    assert "--threads=2" in command and "--connections=8" in command
    assert "--duration=10s" in command and f"--script={script}" in command
    assert command[command.index("--header") + 1] == "HX-Request: true"
    assert "function done(summary, latency, requests)" in script.read_text()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk: apt-get install -y wrk")
def test_lua_script_counts_answers_by_status_against_a_live_server(live_server, tmp_path):
    script = wrk.write_script(tmp_path)
    ok = wrk.run(f"{live_server.url}/health/", seconds=1, script=script)
    assert ok.requests > 0 and ok.statuses == {200: ok.requests} and ok.failure is None
    assert 0 < ok.p50_ms <= ok.p95_ms <= ok.p99_ms
    # Signed out, the floor redirects to the login page: a failed run, not a fast one.
    redirected = wrk.run(f"{live_server.url}/health/session/", seconds=1, script=script)
    assert redirected.non2xx == redirected.requests > 0
    assert set(redirected.statuses) == {302}
    assert redirected.failure.startswith(f"{redirected.requests} of {redirected.requests}")


# --- signing in -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_login_gives_a_session_that_the_floor_accepts(live_server, student, password):
    session = stack.login(live_server.url, student.email, password)
    assert "sessionid=" in stack.cookie_header(session)


@pytest.mark.django_db(transaction=True)
def test_login_with_a_wrong_password_fails_loudly(live_server, student):
    with pytest.raises(stack.LoginFailed, match="answered 200"):
        stack.login(live_server.url, student.email, "not-the-password")


# --- the stack ------------------------------------------------------------------------------


def test_bench_databases_live_on_the_configured_server(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db.example:5433/coachmaster")
    assert (
        stack.database_url(stack.database_name("M"))
        == "postgres://app:secret@db.example:5433/coachmaster_bench_m"
    )
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/coachmaster.sqlite3")
    assert stack.database_url("x") == "postgres://postgres@127.0.0.1:5432/x"


def test_gunicorn_runs_like_the_dockerfile_apart_from_what_the_benchmark_changes():
    """The image's command, minus what the benchmark sets itself: address, access log (off)
    and worker recycling (off, or it would hide memory growth)."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    image = re.findall(r'"(--[a-z-]+=[^"]*)"', dockerfile.split("CMD [", 1)[1])
    changed = ("--bind", "--max-requests", "--max-requests-jitter", "--access-logfile")
    expected = {flag for flag in image if flag.split("=")[0] not in changed}
    command = stack.gunicorn_command(8000)
    assert expected <= set(command)
    assert {"--workers=2", "--worker-class=sync", "--max-requests=0"} <= set(command)
    assert "--bind=127.0.0.1:8000" in command


# --- the results file -----------------------------------------------------------------------


def probe_row(name, kind, queries=5, status=200):
    return {
        "name": name,
        "kind": kind,
        "email": "someone@scale.test",
        "path": f"/{name}/",
        "htmx": False,
        "headers": {},
        "status": status,
        "queries": queries,
        "bytes": 1000,
        "db_ms": {"median": 1.0, "p95": 1.5, "replays": 30} if status == 200 else None,
    }


def size_result(size, pages, floor_rps=1000.0):
    floor = {"rps": floor_rps, "p50_ms": 4.0, "p95_ms": 8.0, "p99_ms": 10.0, "requests": 10000}
    return {
        "database": {"database": f"coachmaster_bench_{size.lower()}", "reused": True,
                     "seeded_at": "2026-11-27T12:00:00+00:00", "seed_seconds": 60,
                     "fingerprint": "abc"},
        "floor": floor,
        "floor_runs": {"start": floor, "end": {**floor, "rps": floor_rps - 10}, "used": "start"},
        "pages": pages,
        "worker_rss_mb": {"start": 100.0, "end": 101.5, "replaced_workers": [],
                          "workers": [{"pid": 1, "start": 100.0, "end": 101.5}]},
    }  # fmt: skip


PDF_RESULT = {
    "measured_at": "2026-11-27T18:43:26+0100",
    "sizes": [
        {"pages": 53, "portfolio_seconds": 2.84, "floor_pages": 53, "floor_seconds": 1.79,
         "ratio": 1.59, "portfolio_peak_mb": 149, "floor_peak_mb": 116},
    ],
    "batch": {
        "one_process": {"processes": 1, "pdfs": 60, "pages": 660, "seconds": 53.1},
        "two_processes": {"processes": 2, "pdfs": 60, "pages": 660, "seconds": 32.52},
        "scaling_efficiency": 0.816,
    },
}  # fmt: skip


def build(sizes, pdf_result=PDF_RESULT):
    return report.build(
        sizes=sizes,
        celery={"calls": 200, "p50_ms": 1.2, "p95_ms": 2.5, "mean_ms": 1.3, "max_ms": 4.0},
        pdf_result=pdf_result,
        settings={"workers": 2, "threads": 2, "connections": 8, "seconds": 10,
                  "warm_up_seconds": 2, "replays": 30, "pdf": "run"},
        machine={"cpus": 2, "python": "3.11", "platform": "Linux", "postgresql": "15"},
        measured_at="2026-11-27T20:00:00+0100",
        seconds=600,
    )  # fmt: skip


def two_sizes():
    def rows(size, fast, floor):
        return [
            report.page_row(size, probe_row("student_dashboard", "simple"), fast, floor, None),
            report.page_row(size, probe_row("portfolio", "heavy", 8), fast, floor, None),
        ]

    return {
        "S": size_result("S", rows("S", result(requests=8000, p95_ms=10.0), 1000.0)),
        "M": size_result("M", rows("M", result(requests=6000, p95_ms=20.0), 900.0), 900.0),
    }


def test_results_have_exactly_the_issue_format():
    results = build(two_sizes())
    assert set(report.TOP_LEVEL_KEYS) <= set(results)
    assert set(results["floor"]) == {"rps", "p95_ms"}
    assert results["floor"] == {"rps": 900.0, "p95_ms": 8.0}  # the largest size, M
    assert set(results["worker_rss_mb"]) == {"start", "end"}
    for page in results["pages"]:
        assert set(report.PAGE_KEYS) <= set(page)
        assert page["kind"] in ("simple", "heavy") and page["size"] in report.SIZES
        assert all(isinstance(page[key], int | float) for key in report.PAGE_KEYS[3:])
    assert [set(row) >= set(report.PDF_KEYS) for row in results["pdf"]] == [True]
    pdf = {"pages": 53, "seconds": 2.84, "floor_seconds": 1.79, "ratio": 1.59, "peak_rss_mb": 149}
    assert {key: results["pdf"][0][key] for key in report.PDF_KEYS} == pdf
    batch = {"documents": 60, "seconds_1_worker": 53.1, "seconds_2_workers": 32.52}
    assert {key: results["batch"][key] for key in report.BATCH_KEYS} == {
        **batch,
        "efficiency": 0.816,
    }
    json.dumps(results)  # serialisable as it is


def test_page_numbers_are_per_second_and_relative_to_the_floor_of_their_size():
    row = report.page_row("M", probe_row("learning_log", "simple"), result(), 400.0, None)
    assert row["rps"] == 100.0 and row["ratio_to_floor"] == 0.25
    assert row["service_ms"] == 20.0  # 2 workers, 100 requests a second
    assert (row["p50_ms"], row["p95_ms"], row["p99_ms"]) == (5.0, 9.0, 12.0)


def test_a_failed_page_records_no_numbers():
    failed = report.page_row(
        "S", probe_row("portfolio", "heavy"), result(non2xx=5), 1000.0, "5 of 1000 were 302"
    )
    assert failed["failed"] == "5 of 1000 were 302"
    assert failed["rps"] is failed["p95_ms"] is failed["ratio_to_floor"] is None
    results = build({"S": size_result("S", [failed])})
    assert results["failed_pages"] == ["portfolio (S)"]
    assert "**FAILED RUNS: portfolio (S)**" in report.render_markdown(results)


def test_the_better_floor_run_is_used():
    start, end = {"rps": 500.0}, {"rps": 520.0}
    assert report.choose_floor(start, end) == (end, "end")
    assert report.choose_floor(end, start) == (end, "start")


# --- targets --------------------------------------------------------------------------------


def check(checks, page, name):
    (found,) = [c for c in checks if c["page"] == page and c["check"] == name]
    return found


def row(size, name, kind, *, rps, p95, queries=5, floor=1000.0):
    return report.page_row(
        size, probe_row(name, kind, queries), result(requests=int(rps * 10), p95_ms=p95), floor,
        None,
    )  # fmt: skip


def test_simple_pages_are_judged_at_m():
    checks = report.evaluate(
        [
            row("S", "learning_log", "simple", rps=100, p95=50),  # S does not count
            row("M", "learning_log", "simple", rps=500, p95=25),
            row("M", "evidence_list", "simple", rps=499, p95=25.1),
        ]
    )
    assert check(checks, "learning_log", "ratio_to_floor")["met"] is True
    assert check(checks, "learning_log", "p95_ms")["met"] is True
    assert check(checks, "learning_log", "ratio_to_floor")["size"] == "M"
    assert check(checks, "evidence_list", "ratio_to_floor")["met"] is False
    assert check(checks, "evidence_list", "p95_ms")["met"] is False
    assert not any(c["indicative"] for c in checks)


def test_heavy_pages_are_judged_at_l_with_queries_and_growth_over_s():
    checks = report.evaluate(
        [
            row("S", "portfolio", "heavy", rps=400, p95=40, queries=9),
            row("L", "portfolio", "heavy", rps=250, p95=60, queries=9),
            row("S", "curriculum_map", "heavy", rps=400, p95=40, queries=11),
            row("L", "curriculum_map", "heavy", rps=240, p95=61, queries=12),
        ]
    )
    assert [check(checks, "portfolio", c)["met"] for c in
            ("ratio_to_floor", "p95_ms", "queries", "p95(L)/p95(S)")] == [True] * 4  # fmt: skip
    assert check(checks, "portfolio", "p95(L)/p95(S)")["value"] == 1.5
    assert check(checks, "curriculum_map", "ratio_to_floor")["met"] is False
    assert check(checks, "curriculum_map", "queries")["met"] is False
    assert check(checks, "curriculum_map", "p95(L)/p95(S)")["met"] is False  # 1.53
    identical = check(checks, "curriculum_map", "queries identical at every size")
    assert identical["met"] is False and identical["value"] == {"S": 11, "L": 12}
    assert check(checks, "portfolio", "queries identical at every size")["met"] is True


def test_without_l_the_heavy_targets_are_only_indicative():
    checks = report.evaluate(
        [
            row("S", "portfolio", "heavy", rps=400, p95=40),
            row("M", "portfolio", "heavy", rps=300, p95=50),
        ]
    )
    ratio = check(checks, "portfolio", "ratio_to_floor")
    assert ratio["indicative"] is True and ratio["size"] == "M" and ratio["met"] is True
    assert check(checks, "portfolio", "p95(M)/p95(S)")["value"] == 1.25
    results = build(two_sizes())
    assert results["targets"]["met"] + results["targets"]["missed"] == len(
        [c for c in results["targets"]["checks"] if not c["indicative"]]
    )


def test_a_failed_run_misses_its_targets():
    failed = report.page_row("M", probe_row("learning_log", "simple"), None, 1000.0, "302")
    checks = report.evaluate([failed])
    assert check(checks, "learning_log", "p95_ms")["met"] is False


# --- the readable report --------------------------------------------------------------------


def test_markdown_has_a_table_per_size_and_the_floors():
    results = build(two_sizes())
    text = report.render_markdown(results)
    assert "## Size S" in text and "## Size M" in text
    assert "| page | kind | rps | p50 ms | p95 ms | p99 ms | ratio | queries | db ms" in text
    # student_dashboard at M: 600 rps against a 900 rps floor, p95 20 ms: both targets met;
    # 2 workers at 600 rps: 3.3 ms of a worker per request, 1 ms of it in the database.
    assert (
        "| student_dashboard | simple | 600.0 | 5.00 | 20.00 | 12.00 | 0.67 | 5 | 1.00 / 1.50"
        " | 3.3 | ✓ |"
    ) in text
    assert "Web floor: **900.0 rps**" in text
    assert "1 worker, 32.52 s with 2" in text
    assert "p50 1.20 ms, p95 2.50 ms over 200 calls" in text
    assert re.search(r"\*\*\d+ met, \d+ missed\.\*\*", text)
    assert "Indicative" in text  # portfolio without L
    assert "Queries identical at S/M: 2 of 2 pages." in text


def test_markdown_without_pdf_says_so():
    text = report.render_markdown(build(two_sizes(), pdf_result=None))
    assert "## PDF floor and batch\n\nNot measured in this run." in text


# --- the probe ------------------------------------------------------------------------------


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert probe.percentile(values, 50) == 50
    assert probe.percentile(values, 95) == 95
    assert probe.percentile([3.0], 99) == 3.0


def test_probe_counts_a_pages_queries_and_replays_exactly_them(client, student):
    client.force_login(student)
    measured = probe.count_queries(client, "/health/session/", headers={})
    assert measured["status"] == 200
    assert measured["queries"] == len(measured["statements"]) > 0
    floor = probe.replay(measured["statements"], replays=3)
    assert floor["replays"] == 3 and 0 < floor["median"] <= floor["p95"]
