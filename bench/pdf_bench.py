"""PDF benchmark (``make bench-pdf``): portfolio PDFs of about 10, 50 and 100 pages against a
text-only floor of the same page count, peak memory, and a cohort batch of 60 portfolios
with one and two worker processes. Writes ``bench/results/pdf.json`` and prints the numbers
beside the targets of issue 8.

- Everything runs in a throw-away SQLite database (a temporary folder), built with the test
  suite's builders; nothing touches the configured database.
- The floor is ``pdf.render_pdf`` of plain paragraphs (no styles, no tables, no running
  headers) with the same number of pages as the portfolio, rendered in the same run.
- Each size is rendered in a fresh child process: its time covers the render only (Django,
  fonts and Pango are warmed up first, as in a long-lived worker), the fastest of three, and
  its peak memory is the child's maximum resident set size (``ru_maxrss``), the whole
  process included.
- The batch renders 60 portfolios through ``render_snapshot_pdf`` in a ``multiprocessing``
  pool of 1 and of 2 processes (warmed up in their initializer); the time is from the first
  render's start to the last one's end. Scaling efficiency = t1 / (2 * t2).

Usage: ``python bench/pdf_bench.py [--batch 60] [--output bench/results/pdf.json]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "bench" / "results" / "pdf.json"
LANGUAGE = "nl"
# Extra pieces of evidence (4 paragraphs each) for about 10, 50 and 100 pages.
SIZES = {10: 1, 50: 74, 100: 162}
REPEAT = 3  # renders per size in its child; the fastest counts
BATCH_EVIDENCE = 2  # each batch portfolio: about 10 pages
TARGETS = {"ratio_max": 2.0, "peak_mb_at_50_pages_max": 300, "scaling_efficiency_min": 0.85}
FLOOR_PARAGRAPH = (
    "The coaching conversation explored the question behind the question. The student "
    "summarised, asked open questions and left silences, after which the client named what "
    "held her back. In supervision they saw that solutions came too quickly; next time the "
    "story gets more room and summaries are checked more often with the client. "
)


# --- setting up Django on a private SQLite database -----------------------------------------


def configure(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "coachmaster.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "VAR_DIR": str(workdir),
            "MEDIA_ROOT": str(workdir / "media"),
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "memory://",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "DJANGO_DEBUG": "0",
            "REPORTS_MAX_PAGES": "1000",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def warm_up() -> None:
    """Fonts, Pango and the templates loaded once, as in a worker that has run before."""
    from coachmaster.reports import pdf

    pdf.render_pdf("<p>warm</p>", title="warm")


def floor_html(paragraphs: int) -> str:
    body = "".join(f"<p>{n}. {FLOOR_PARAGRAPH}</p>" for n in range(paragraphs))
    head = "<head><meta charset='utf-8'><title>Floor</title></head>"
    return f"<!doctype html><html lang='en'>{head}<body>{body}</body></html>"


# --- building the data ----------------------------------------------------------------------


def build(batch: int) -> dict:
    """A programme with 4 competencies, one student per size and ``batch`` students for the
    batch, each with a submitted final portfolio. Returns the snapshots' ids."""
    from django.core.management import call_command

    from cohorts.models import Enrolment
    from tests.factories import CohortFactory, EnrolmentFactory, make_programme
    from tests.reports.big_portfolio import big_snapshot

    call_command("migrate", verbosity=0)
    version = make_programme(competencies=4, modules=2, name="bench")
    version.status = version.Status.ACTIVE
    version.save(update_fields=["status"])
    cohort = CohortFactory(name="Bench", curriculum_version=version)

    def snapshot(evidence: int) -> int:
        enrolment = Enrolment.objects.select_related("cohort", "student").get(
            pk=EnrolmentFactory(cohort=cohort).pk
        )
        return big_snapshot(enrolment, evidence=evidence).pk

    return {
        "sizes": {target: (evidence, snapshot(evidence)) for target, evidence in SIZES.items()},
        "batch": [snapshot(BATCH_EVIDENCE) for _ in range(batch)],
    }


# --- one render in a fresh child process ----------------------------------------------------


def child(kind: str, argument: int, repeat: int) -> dict:
    """Runs inside the child: warm up, render ``repeat`` times, report the fastest time (the
    least disturbed by whatever else the machine does), the pages and the peak memory."""
    from django.utils import translation

    from coachmaster.reports import pdf
    from coachmaster.reports.documents.portfolio import render_snapshot_pdf
    from competencies.models import PortfolioSnapshot

    warm_up()
    ready_mb = peak_mb()
    times = []
    with translation.override(LANGUAGE):
        for _ in range(repeat):
            if kind == "portfolio":
                snapshot = PortfolioSnapshot.objects.get(pk=argument)
                started = time.perf_counter()
                pages = render_snapshot_pdf(snapshot).pages
            else:
                html = floor_html(argument)
                started = time.perf_counter()
                pages = pdf.render_pdf(html, title="Floor").pages
            times.append(time.perf_counter() - started)
    return {"seconds": min(times), "pages": pages, "peak_mb": peak_mb(), "ready_mb": ready_mb}


def in_child(workdir: Path, kind: str, argument: int, repeat: int = 1) -> dict:
    command = [sys.executable, __file__, "--workdir", str(workdir), "--repeat", str(repeat)]
    completed = subprocess.run(
        [*command, "--child", kind, str(argument)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def floor_for(workdir: Path, pages: int, per_page: float) -> tuple[dict, int]:
    """The floor's render with ``pages`` pages: the paragraph count is estimated from
    ``per_page`` and corrected until the page count matches (or stops changing)."""
    paragraphs = max(1, round((pages - 0.5) * per_page))
    tried = set()
    while True:
        result = in_child(workdir, "floor", paragraphs, REPEAT)
        tried.add(paragraphs)
        if result["pages"] == pages:
            return result, paragraphs
        step = round((pages - result["pages"]) * per_page) or (
            1 if pages > result["pages"] else -1
        )
        if paragraphs + step in tried or len(tried) > 6:
            return result, paragraphs
        paragraphs = max(1, paragraphs + step)


# --- the batch ------------------------------------------------------------------------------


def _pool_start() -> None:
    from django.db import connections

    connections.close_all()
    warm_up()


def _render_one(snapshot_id: int) -> tuple[float, float, int]:
    from django.utils import translation

    from coachmaster.reports.documents.portfolio import render_snapshot_pdf
    from competencies.models import PortfolioSnapshot

    started = time.time()
    with translation.override(LANGUAGE):
        pages = render_snapshot_pdf(PortfolioSnapshot.objects.get(pk=snapshot_id)).pages
    return started, time.time(), pages


def batch(snapshot_ids: list[int], processes: int) -> dict:
    from django.db import connections

    connections.close_all()  # the children open their own
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_pool_start) as pool:
        results = pool.map(_render_one, snapshot_ids, chunksize=1)
    seconds = max(end for _, end, _ in results) - min(start for start, _, _ in results)
    return {
        "processes": processes,
        "pdfs": len(results),
        "pages": sum(pages for _, _, pages in results),
        "seconds": round(seconds, 2),
    }


# --- the run --------------------------------------------------------------------------------


def run(batch_size: int, output: Path) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="coachmaster-bench-"))
    try:
        configure(workdir)
        from importlib.metadata import version

        started = time.perf_counter()
        data = build(batch_size)
        print(f"data built in {time.perf_counter() - started:.0f} s", flush=True)
        # The parent never renders (the batch forks it): the floor's density comes from a child.
        per_page = 400 / in_child(workdir, "floor", 400)["pages"]
        sizes = []
        for target, (evidence, snapshot_id) in data["sizes"].items():
            portfolio = in_child(workdir, "portfolio", snapshot_id, REPEAT)
            floor, paragraphs = floor_for(workdir, portfolio["pages"], per_page)
            row = {
                "target_pages": target,
                "evidence_items": evidence + 4,  # and one per competency from complete()
                "pages": portfolio["pages"],
                "portfolio_seconds": round(portfolio["seconds"], 2),
                "floor_pages": floor["pages"],
                "floor_paragraphs": paragraphs,
                "floor_seconds": round(floor["seconds"], 2),
                "ratio": round(portfolio["seconds"] / floor["seconds"], 2),
                "portfolio_peak_mb": round(portfolio["peak_mb"]),
                "floor_peak_mb": round(floor["peak_mb"]),
                "process_ready_mb": round(portfolio["ready_mb"]),
            }
            sizes.append(row)
            print(
                f"{row['pages']:>4} pages: portfolio {row['portfolio_seconds']:6.2f} s, "
                f"floor {row['floor_seconds']:6.2f} s ({row['floor_pages']} pages), "
                f"ratio {row['ratio']:.2f} (target ≤ {TARGETS['ratio_max']}), "
                f"peak {row['portfolio_peak_mb']} MB (floor {row['floor_peak_mb']} MB)",
                flush=True,
            )
        one = batch(data["batch"], 1)
        print(f"batch of {one['pdfs']}, 1 process:  {one['seconds']:.2f} s", flush=True)
        two = batch(data["batch"], 2)
        print(f"batch of {two['pdfs']}, 2 processes: {two['seconds']:.2f} s", flush=True)
        efficiency = round(one["seconds"] / (2 * two["seconds"]), 3)
        at_50 = min(sizes, key=lambda row: abs(row["target_pages"] - 50))
        result = {
            "benchmark": "pdf",
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "weasyprint": version("weasyprint"),
                "platform": platform.platform(),
            },
            "language": LANGUAGE,
            "sizes": sizes,
            "batch": {"one_process": one, "two_processes": two, "scaling_efficiency": efficiency},
            "targets": TARGETS,
            "met": {
                "ratio": all(row["ratio"] <= TARGETS["ratio_max"] for row in sizes),
                "memory_at_50_pages": at_50["portfolio_peak_mb"]
                <= TARGETS["peak_mb_at_50_pages_max"],
                "scaling_efficiency": efficiency >= TARGETS["scaling_efficiency_min"],
            },
            "seconds": round(time.perf_counter() - started),
        }
        print(
            f"scaling efficiency {efficiency:.3f} (target ≥ {TARGETS['scaling_efficiency_min']}); "
            f"peak at {at_50['pages']} pages {at_50['portfolio_peak_mb']} MB "
            f"(target ≤ {TARGETS['peak_mb_at_50_pages_max']} MB)"
        )
        print(
            "targets met: "
            + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in result["met"].items())
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".tmp")
        partial.write_text(json.dumps(result, indent=2) + "\n")
        partial.replace(output)
        print(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=60, help="portfolios in the batch")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ID"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        configure(arguments.workdir)
        kind, argument = arguments.child
        print(json.dumps(child(kind, int(argument), arguments.repeat)))
        return
    run(arguments.batch, arguments.output.resolve())


if __name__ == "__main__":
    main()
