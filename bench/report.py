"""The benchmark's results: the rows of ``bench/results/latest.json`` (the issue's format, plus
a few extra keys), the targets checked against them, and the readable ``latest.md``.

The top-level ``floor`` and ``worker_rss_mb`` are those of the largest size measured (M in
the default run, the size the simple pages' targets are set at); ``floors`` and
``worker_rss_mb_by_size`` give every size. Each page's ``ratio_to_floor`` uses the floor of its
own size, measured in the same run with the same server.
"""

from __future__ import annotations

SIZES = ("S", "M", "L")
# From the issue. Simple pages at size M; heavy pages at size L, and their p95 at L against S.
TARGETS = {
    "simple": {"size": "M", "ratio_min": 0.5, "p95_ms_max": 25.0},
    "heavy": {
        "size": "L",
        "ratio_min": 0.25,
        "p95_ms_max": 100.0,
        "queries_max": 10,
        "p95_growth_max": 1.5,
    },
}
# gunicorn's workers: with 8 connections on 2 sync workers both are always busy, so each
# request took WORKERS / rps seconds of a worker ("service_ms"), to set beside db_ms.
WORKERS = 2
TOP_LEVEL_KEYS = ("floor", "pages", "pdf", "batch", "worker_rss_mb")
PAGE_KEYS = (
    "name", "kind", "size", "rps", "p50_ms", "p95_ms", "p99_ms", "ratio_to_floor", "queries",
)  # fmt: skip
PDF_KEYS = ("pages", "seconds", "floor_seconds", "ratio", "peak_rss_mb")
BATCH_KEYS = ("documents", "seconds_1_worker", "seconds_2_workers", "efficiency")


def size_order(size: str) -> int:
    return SIZES.index(size)


def floor_row(result) -> dict:
    """A wrk result of the web floor as ``{"rps", "p95_ms", ...}``."""
    return {
        "rps": round(result.rps, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p95_ms": round(result.p95_ms, 2),
        "p99_ms": round(result.p99_ms, 2),
        "requests": result.requests,
    }


def choose_floor(start: dict, end: dict | None) -> tuple[dict, str]:
    """The better of the two floor runs (more requests per second): the ratios are then the
    stricter ones. Returns the row and which run it was."""
    if end is None or start["rps"] >= end["rps"]:
        return start, "start"
    return end, "end"


def page_row(size: str, probe: dict, result, floor_rps: float, failure: str | None) -> dict:
    """One page at one size. A failed run has no numbers: rps and latencies are None."""
    row = {
        "name": probe["name"],
        "kind": probe["kind"],
        "size": size,
        "rps": None,
        "p50_ms": None,
        "p95_ms": None,
        "p99_ms": None,
        "ratio_to_floor": None,
        "queries": probe["queries"] if probe["status"] == 200 else None,
        "db_ms": probe["db_ms"],
        "service_ms": None,
        "path": probe["path"],
        "htmx": probe["htmx"],
        "user": probe["email"],
        "bytes": probe["bytes"],
        "requests": None,
        "socket_errors": None,
        "failed": failure,
    }
    if failure is None and result is not None:
        row.update(
            rps=round(result.rps, 1),
            p50_ms=round(result.p50_ms, 2),
            p95_ms=round(result.p95_ms, 2),
            p99_ms=round(result.p99_ms, 2),
            ratio_to_floor=round(result.rps / floor_rps, 3) if floor_rps else None,
            service_ms=round(WORKERS * 1000 / result.rps, 2) if result.rps else None,
            requests=result.requests,
            socket_errors=result.socket_errors,
        )
    return row


# --- targets --------------------------------------------------------------------------------


def _check(row: dict, check: str, value, limit, met, indicative: bool) -> dict:
    return {
        "page": row["name"],
        "kind": row["kind"],
        "size": row["size"],
        "check": check,
        "value": value,
        "limit": limit,
        "met": met,
        "indicative": indicative,
    }


def _at_most(value, limit) -> bool:
    return value is not None and value <= limit


def _at_least(value, limit) -> bool:
    return value is not None and value >= limit


def evaluate(pages: list[dict]) -> list[dict]:
    """Every target that the measured sizes allow. A page's targets are checked at the size
    the issue sets them at; when that size was not measured, they are checked at the largest
    size that was, marked ``indicative``. A failed run misses every target of its size."""
    checks = []
    measured = sorted({row["size"] for row in pages}, key=size_order)
    if not measured:
        return checks
    by_page: dict[str, dict[str, dict]] = {}
    for row in pages:
        by_page.setdefault(row["name"], {})[row["size"]] = row
    for name, rows in by_page.items():
        kind = next(iter(rows.values()))["kind"]
        target = TARGETS[kind]
        size = target["size"] if target["size"] in rows else max(rows, key=size_order)
        indicative = size != target["size"]
        row = rows[size]
        checks.append(
            _check(row, "ratio_to_floor", row["ratio_to_floor"], target["ratio_min"],
                   _at_least(row["ratio_to_floor"], target["ratio_min"]), indicative)
        )  # fmt: skip
        checks.append(
            _check(row, "p95_ms", row["p95_ms"], target["p95_ms_max"],
                   _at_most(row["p95_ms"], target["p95_ms_max"]), indicative)
        )  # fmt: skip
        if "queries_max" in target:
            checks.append(
                _check(row, "queries", row["queries"], target["queries_max"],
                       _at_most(row["queries"], target["queries_max"]), indicative)
            )  # fmt: skip
        if "p95_growth_max" in target and "S" in rows and size != "S":
            small, large = rows["S"]["p95_ms"], row["p95_ms"]
            growth = round(large / small, 2) if small and large is not None else None
            checks.append(
                _check(row, f"p95({size})/p95(S)", growth, target["p95_growth_max"],
                       _at_most(growth, target["p95_growth_max"]), indicative)
            )  # fmt: skip
        if len(rows) > 1:
            counts = {s: rows[s]["queries"] for s in sorted(rows, key=size_order)}
            same = None not in counts.values() and len(set(counts.values())) == 1
            checks.append(
                {
                    "page": name,
                    "kind": kind,
                    "size": "/".join(counts),
                    "check": "queries identical at every size",
                    "value": counts,
                    "limit": None,
                    "met": same,
                    "indicative": False,
                }
            )
    return checks


# --- the results file -----------------------------------------------------------------------


def pdf_rows(pdf_result: dict | None) -> tuple[list[dict], dict]:
    """``bench/results/pdf.json`` (bench/pdf_bench.py) as the issue's ``pdf`` and ``batch``."""
    if pdf_result is None:
        return [], dict.fromkeys(BATCH_KEYS)
    rows = [
        {
            "pages": size["pages"],
            "seconds": size["portfolio_seconds"],
            "floor_seconds": size["floor_seconds"],
            "ratio": size["ratio"],
            "peak_rss_mb": size["portfolio_peak_mb"],
            "floor_pages": size["floor_pages"],
            "floor_peak_rss_mb": size["floor_peak_mb"],
        }
        for size in pdf_result["sizes"]
    ]
    batch = pdf_result["batch"]
    return rows, {
        "documents": batch["one_process"]["pdfs"],
        "seconds_1_worker": batch["one_process"]["seconds"],
        "seconds_2_workers": batch["two_processes"]["seconds"],
        "efficiency": batch["scaling_efficiency"],
        "pages": batch["one_process"]["pages"],
    }


def build(
    *,
    sizes: dict[str, dict],
    celery: dict | None,
    pdf_result: dict | None,
    settings: dict,
    machine: dict,
    measured_at: str,
    seconds: float,
) -> dict:
    """``sizes``: per size, ``floor`` (chosen row), ``floor_runs``, ``pages`` (rows),
    ``worker_rss_mb`` (``start``, ``end``, ``workers``) and ``database`` (how it was built)."""
    ordered = sorted(sizes, key=size_order)
    largest = sizes[ordered[-1]] if ordered else None
    pages = [row for size in ordered for row in sizes[size]["pages"]]
    pdf, batch = pdf_rows(pdf_result)
    checks = evaluate(pages)
    return {
        "floor": (
            {"rps": largest["floor"]["rps"], "p95_ms": largest["floor"]["p95_ms"]}
            if largest
            else {"rps": None, "p95_ms": None}
        ),
        "pages": pages,
        "pdf": pdf,
        "batch": batch,
        "worker_rss_mb": (
            {"start": largest["worker_rss_mb"]["start"], "end": largest["worker_rss_mb"]["end"]}
            if largest
            else {"start": None, "end": None}
        ),
        "floor_size": ordered[-1] if ordered else None,
        "sizes": ordered,
        "floors": {size: {**sizes[size]["floor_runs"]} for size in ordered},
        "worker_rss_mb_by_size": {size: sizes[size]["worker_rss_mb"] for size in ordered},
        "databases": {size: sizes[size]["database"] for size in ordered},
        "celery": celery,
        "pdf_measured_at": pdf_result.get("measured_at") if pdf_result else None,
        "targets": {
            "definition": TARGETS,
            "checks": checks,
            "met": sum(1 for c in checks if c["met"] and not c["indicative"]),
            "missed": sum(1 for c in checks if not c["met"] and not c["indicative"]),
        },
        "failed_pages": [f"{row['name']} ({row['size']})" for row in pages if row["failed"]],
        "settings": settings,
        "machine": machine,
        "measured_at": measured_at,
        "seconds": round(seconds),
    }


# --- the readable report --------------------------------------------------------------------


def _number(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _mark(checks: list[dict]) -> str:
    if not checks:
        return ""
    missed = [c["check"].split(" ")[0] for c in checks if not c["met"]]
    prefix = "(" if checks[0]["indicative"] else ""
    suffix = ")" if checks[0]["indicative"] else ""
    return f"{prefix}{'✗ ' + ', '.join(missed) if missed else '✓'}{suffix}"


def _describe(check: dict) -> str:
    value = check["value"]
    if isinstance(value, dict):
        shown = ", ".join(f"{size} {n}" for size, n in value.items())
        return f"{check['page']}: queries {shown}"
    op = "≥" if check["check"] == "ratio_to_floor" else "≤"
    return (
        f"{check['page']} ({check['size']}): {check['check']} {_number(value, 2)} "
        f"(target {op} {check['limit']})"
    )


def render_markdown(results: dict) -> str:
    settings = results["settings"]
    checks = results["targets"]["checks"]
    lines = [
        "# CoachMaster benchmark",
        "",
        f"Measured {results['measured_at']} in {results['seconds']} s on "
        f"{results['machine']['cpus']} CPUs ({results['machine']['platform']}); "
        f"PostgreSQL {results['machine'].get('postgresql', '?')}. "
        f"Written by `make bench` (bench/run.py).",
        "",
        f"- Server: gunicorn, {settings['workers']} sync workers, DEBUG off, Redis cache, "
        f"no access log, no worker recycling; MFA_REQUIRED_FOR_STAFF=false (the scaled "
        f"staff have no authenticators). PostgreSQL as docker-compose.yml configures it "
        "(random_page_cost=1.1; connections without JIT).",
        f"- Load: wrk, {settings['threads']} threads, {settings['connections']} connections, "
        f"{settings['seconds']} s per page after a {settings['warm_up_seconds']} s warm-up; "
        "a page with a non-2xx answer is a failed run and has no numbers.",
        "- Web floor: `/health/session/` (signed in, every middleware, 2 queries), measured "
        "before the pages and again after them; the better of the two is used (the stricter "
        "ratios). Ratio = page rps / floor rps of the same size.",
        "- Queries: the Django test client in-process against the same database, one warm-up "
        "request then one counted. db ms: exactly those statements replayed alone through a "
        f"cursor ({settings['replays']} times): median / p95 per request. service ms: a "
        f"worker's time per request, {WORKERS} workers / rps (both are always busy at "
        "concurrency 8); service ms minus db ms is Python, templates and the network.",
        f"- Top-level `floor` and `worker_rss_mb` in latest.json: size {results['floor_size']} "
        "(the largest measured); every size is under `floors` and `worker_rss_mb_by_size`.",
        "",
    ]
    if results["failed_pages"]:
        lines += [
            f"**FAILED RUNS: {', '.join(results['failed_pages'])}** (see `failed` in latest.json)",
            "",
        ]
    for size in results["sizes"]:
        floors = results["floors"][size]
        used = floors[floors["used"]]
        rss = results["worker_rss_mb_by_size"][size]
        database = results["databases"][size]
        lines += [
            f"## Size {size}",
            "",
            f"Database `{database['database']}` ({'reused, ' if database['reused'] else ''}"
            f"seeded {database['seeded_at']}). Web floor: **{_number(used['rps'])} rps**, "
            f"p50 {_number(used['p50_ms'], 2)} ms, p95 {_number(used['p95_ms'], 2)} ms "
            f"({floors['used']} of run; start {_number(floors['start']['rps'])} rps, "
            f"end {_number(floors['end']['rps']) if floors.get('end') else '–'} rps). "
            f"Worker RSS: {_number(rss['start'])} MB at start, {_number(rss['end'])} MB at end "
            "(largest worker).",
            "",
            "| page | kind | rps | p50 ms | p95 ms | p99 ms | ratio | queries | db ms (p50/p95)"
            " | service ms | targets |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for row in (r for r in results["pages"] if r["size"] == size):
            own = [c for c in checks if c["page"] == row["name"] and c["size"] == size]
            db = row["db_ms"]
            db_text = f"{db['median']:.2f} / {db['p95']:.2f}" if db else "–"
            name = f"**{row['name']} FAILED**" if row["failed"] else row["name"]
            lines.append(
                f"| {name} | {row['kind']} | {_number(row['rps'])} | {_number(row['p50_ms'], 2)}"
                f" | {_number(row['p95_ms'], 2)} | {_number(row['p99_ms'], 2)}"
                f" | {_number(row['ratio_to_floor'], 2)} | {_number(row['queries'])}"
                f" | {db_text} | {_number(row['service_ms'])} | {_mark(own)} |"
            )
        lines.append("")
    met = [c for c in checks if c["met"] and not c["indicative"]]
    missed = [c for c in checks if not c["met"] and not c["indicative"]]
    indicative = [c for c in checks if c["indicative"]]
    lines += [
        "## Targets",
        "",
        "Simple pages at M: ratio ≥ 0.5 and p95 ≤ 25 ms. Heavy pages at L: ratio ≥ 0.25, "
        "≤ 10 queries, p95 ≤ 100 ms, p95(L)/p95(S) ≤ 1.5. Queries identical at every size.",
        "",
        f"**{len(met)} met, {len(missed)} missed.**",
        "",
    ]
    identical = [c for c in checks if c["check"] == "queries identical at every size"]
    if identical:
        same = sum(1 for c in identical if c["met"])
        lines += [
            f"Queries identical at {identical[0]['size']}: {same} of {len(identical)} pages.",
            "",
        ]
    lines += [f"- missed: {_describe(c)}" for c in missed]
    if indicative:
        lines += [
            "",
            "Indicative (the target's size was not measured; checked at the largest size that "
            "was, in brackets in the tables):",
            "",
        ]
        lines += [f"- {'met' if c['met'] else 'missed'}: {_describe(c)}" for c in indicative]
    lines += ["", "## PDF floor and batch", ""]
    if results["pdf"]:
        lines += [
            f"From bench/pdf_bench.py ({results['pdf_measured_at']}): portfolio PDFs against "
            "text-only PDFs of the same page count.",
            "",
            "| pages | seconds | floor seconds | ratio | peak RSS MB |",
            "|--:|--:|--:|--:|--:|",
        ]
        lines += [
            f"| {row['pages']} | {row['seconds']:.2f} | {row['floor_seconds']:.2f} "
            f"| {row['ratio']:.2f} | {row['peak_rss_mb']} |"
            for row in results["pdf"]
        ]
        batch = results["batch"]
        lines += [
            "",
            f"Batch of {batch['documents']} portfolios: {batch['seconds_1_worker']:.2f} s with "
            f"1 worker, {batch['seconds_2_workers']:.2f} s with 2; efficiency "
            f"{batch['efficiency']:.3f}.",
        ]
    else:
        lines.append("Not measured in this run.")
    lines += ["", "## Celery round trip", ""]
    celery = results["celery"]
    if celery:
        lines.append(
            f"`coachmaster.ping` through the Redis broker to a solo worker and back through a "
            f"Redis result backend (for the benchmark only): p50 {celery['p50_ms']:.2f} ms, "
            f"p95 {celery['p95_ms']:.2f} ms over {celery['calls']} calls."
        )
    else:
        lines.append("Not measured in this run.")
    lines += ["", "## Web worker memory (RSS)", "", "| size | start MB | end MB | workers |"]
    lines.append("|---|--:|--:|---|")
    for size in results["sizes"]:
        rss = results["worker_rss_mb_by_size"][size]
        workers = ", ".join(
            f"{w['pid']}: {_number(w['start'])} → {_number(w['end'])}" for w in rss["workers"]
        )
        lines.append(f"| {size} | {_number(rss['start'])} | {_number(rss['end'])} | {workers} |")
    return "\n".join(lines) + "\n"
