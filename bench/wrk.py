"""Driving one URL with wrk and reading its answer.

wrk's own ``--latency`` report has no 95th percentile and counts only 4xx/5xx answers as
errors, so every run loads ``LUA_SCRIPT``: each thread counts its answers by status, and
``done()`` prints one line, ``BENCH_RESULT {json}``, with the request count, the duration,
the 50/95/99th percentiles and the counts by status (a 302 to the login page is a failed run,
not a fast page).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

THREADS = 2
CONNECTIONS = 8
TIMEOUT = "10s"
MARKER = "BENCH_RESULT "

LUA_SCRIPT = """\
-- bench/wrk.py: count answers by status in every thread, print one JSON line at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts, non2xx = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
      if status < 200 or status > 299 then non2xx = non2xx + n end
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "non2xx": %d, ' ..
    '"statuses": {%s}, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d}}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean, non2xx,
    table.concat(parts, ", "), e.connect, e.read, e.write, e.status, e.timeout))
end
"""


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def socket_errors(self) -> int:
        return sum(self.errors.get(kind, 0) for kind in ("connect", "read", "write", "timeout"))

    @property
    def failure(self) -> str | None:
        """Why these numbers must not be recorded, or None when every answer was a 2xx."""
        if self.requests == 0:
            return "no answers at all"
        if self.non2xx:
            wrong = ", ".join(
                f"{status}: {n}"
                for status, n in sorted(self.statuses.items())
                if status // 100 != 2
            )
            return f"{self.non2xx} of {self.requests} answers were not 2xx ({wrong})"
        if self.errors.get("timeout"):
            return f"{self.errors['timeout']} requests timed out (> {TIMEOUT})"
        return None


def parse(output: str) -> WrkResult:
    """The numbers from the script's ``BENCH_RESULT`` line in wrk's output."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise WrkError(f"no {MARKER.strip()} line in wrk's output:\n{output}")
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        non2xx=data["non2xx"],
        statuses={int(status): n for status, n in data["statuses"].items()},
        errors=data["errors"],
    )


def command(
    url: str, *, seconds: float, script: Path, headers: dict[str, str] | None = None
) -> list[str]:
    options = [f"--threads={THREADS}", f"--connections={CONNECTIONS}", f"--timeout={TIMEOUT}"]
    options += [f"--duration={max(1, round(seconds))}s", f"--script={script}"]
    for name, value in (headers or {}).items():
        options += ["--header", f"{name}: {value}"]
    return ["wrk", *options, url]


def write_script(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "bench.lua"
    script.write_text(LUA_SCRIPT)
    return script


def run(
    url: str, *, seconds: float, script: Path, headers: dict[str, str] | None = None
) -> WrkResult:
    if shutil.which("wrk") is None:
        raise WrkError("wrk is not installed: apt-get install -y wrk")
    completed = subprocess.run(
        command(url, seconds=seconds, script=script, headers=headers),
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if completed.returncode != 0:
        raise WrkError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse(completed.stdout)
