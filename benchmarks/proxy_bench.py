"""What ``hubspot-associations proxy`` costs: the latency it adds and the memory it holds.

An emulator started as users start it (``hubspot-associations emulator serve --port 0``, its own
process) is the upstream; the proxy is a real ``hubspot-associations proxy --upstream URL``
subprocess, once without and once with ``--shadow``. The same calls go to the emulator directly
and through the proxy, interleaved one by one (direct then proxied, or the other way round every
other time, because this shared machine's speed drifts over seconds): nine in ten a cheap GET of
``list_associations`` (one record's page), one in ten a ``batch/create`` of 10 new pairs. Each
mode's rows give the median and p99 of each kind direct and through the proxy, what the proxy adds
(the difference of the two) and the ratio; then the proxy process's peak RSS (``VmHWM`` read from
/proc just before it is stopped: the proxy was started by this process, whose own high-water
mark ``ru_maxrss`` would inherit, see benchmarks.peak_rss) and how long its summary took after
SIGTERM (the worker thread drains what it has not judged yet).

``BENCH_PROXY_EXCHANGES`` sets the exchanges per mode (default 10,000). HubSpot's official client
is not involved: both sides are plain httpx calls, the proxy is this package's alone.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = ["EXCHANGES", "WRITE_EVERY", "run"]

EXCHANGES = int(os.environ.get("BENCH_PROXY_EXCHANGES", "10000"))
WRITE_EVERY = 10  # one exchange in ten is a batch write
WRITE_INPUTS = 10
# The direct calls are the baseline, not the subject: one block in four keeps the default run near
# a minute while still giving 2,500 direct samples per mode.
DIRECT_EVERY = 4
CLI = str(Path(sys.executable).parent / "hubspot-associations")
TOKEN = "emulator-token"  # the emulator's default private-app token
READ = "/crm/v4/objects/contact/1/associations/company?limit=10"
WRITE = "/crm/v4/associations/contact/company/batch/create"
STARTUP_S = 60.0


@dataclass
class _Timings:
    """Seconds per call, per kind, on one side (direct or through the proxy)."""

    by_kind: dict[str, list[float]] = field(default_factory=lambda: {"GET": [], "batch": []})


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def _announced(log: Path, process: subprocess.Popen[bytes], pattern: str) -> str:
    """The URL a server prints once its socket is bound (it logs to a file: a pipe nobody reads
    would stall it)."""
    deadline = time.monotonic() + STARTUP_S
    while True:
        found = re.search(pattern, log.read_text("utf-8", "replace"))
        if found:
            return found.group(1)
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no server: {log.read_text('utf-8', 'replace')!r}")
        time.sleep(0.05)


@contextmanager
def _server(argv: list[str], pattern: str) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """A server process until the block ends; its URL, the process and its output's file."""
    with tempfile.NamedTemporaryFile(prefix="proxy-bench-") as log:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
        try:
            yield _announced(Path(log.name), process, pattern), process, Path(log.name)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


def _vm_hwm_mb(pid: int) -> float:
    """The process's peak RSS so far (Linux: VmHWM in /proc/PID/status, in kB)."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    if not found:
        raise RuntimeError(f"no VmHWM in /proc/{pid}/status")
    return int(found.group(1)) / 1024


def _batch(first: int) -> dict[str, object]:
    return {
        "inputs": [
            {
                "from": {"id": str(first + i)},
                "to": {"id": "7"},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
            }
            for i in range(WRITE_INPUTS)
        ]
    }


def _timed(client: httpx.Client, kind: str, first: int, into: _Timings) -> None:
    started = time.perf_counter()
    answer = client.get(READ) if kind == "GET" else client.post(WRITE, json=_batch(first))
    into.by_kind[kind].append(time.perf_counter() - started)
    answer.raise_for_status()


def _mode(upstream: str, shadow: bool, exchanges: int) -> list[dict[str, object]]:
    """One proxy process: ``exchanges`` calls through it, as many direct; its rows."""
    mode = "proxy --shadow" if shadow else "proxy"
    argv = [CLI, "proxy", "--upstream", upstream, *(["--shadow"] if shadow else [])]
    direct, proxied = _Timings(), _Timings()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with (
        _server(argv, r"proxy listening on (http://127\.0\.0\.1:\d+) -> ") as (url, process, log),
        httpx.Client(base_url=upstream, headers=auth, timeout=60) as to_upstream,
        httpx.Client(base_url=url, headers=auth, timeout=60) as to_proxy,
    ):
        # Batch IDs distinct per mode and side: every write creates new associations.
        base = 10_000_000 * (2 if shadow else 1)
        for i in range(exchanges):
            kind = "batch" if i % WRITE_EVERY == WRITE_EVERY - 1 else "GET"
            first = base + i * WRITE_INPUTS * 2
            sides = [(to_proxy, first + WRITE_INPUTS, proxied)]
            # The direct baseline every DIRECT_EVERY-th block of WRITE_EVERY calls (reads and
            # writes in the same mix), in turn before and after the proxied call.
            if (i // WRITE_EVERY) % DIRECT_EVERY == 0:
                sides.insert(i % 2, (to_upstream, first, direct))
            for client, start, into in sides:
                _timed(client, kind, start, into)
        peak_mb = _vm_hwm_mb(process.pid)
        stopping = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=600)
        stop_s = time.perf_counter() - stopping
        # The proxy's own count, so that a table never stands for exchanges it did not see.
        counted = re.search(r"^proxy: (\d+) exchanges", log.read_text("utf-8", "replace"), re.M)
        findings = re.search(r"^findings: (\d+)", log.read_text("utf-8", "replace"), re.M)
        differences = re.search(r"^differences: (\d+)", log.read_text("utf-8", "replace"), re.M)
    rows: list[dict[str, object]] = []
    for kind, what in (("GET", "GET list_associations"),
                       ("batch", f"batch/create of {WRITE_INPUTS}")):  # fmt: skip
        ours, theirs = proxied.by_kind[kind], direct.by_kind[kind]
        for stat, measure in (("median", statistics.median), ("p99", _p99)):
            through, plain = measure(ours) * 1000, measure(theirs) * 1000
            rows.append(
                {
                    "name": f"{mode}: {what}, {stat}",
                    "calls": f"{len(ours):,} / {len(theirs):,}",
                    "direct_ms": plain,
                    "proxied_ms": through,
                    "added_ms": through - plain,
                    "ratio": through / plain,
                }
            )
    rows.append(
        {
            "name": f"{mode}: peak RSS of the proxy process, {exchanges:,} exchanges",
            "value": peak_mb,
            "unit": "MB",
            "stop_s": stop_s,
            "exchanges_seen": int(counted.group(1)) if counted else None,
            "findings": int(findings.group(1)) if findings else None,
            "differences": int(differences.group(1)) if differences else "–",
        }
    )
    return rows


def run(exchanges: int = EXCHANGES) -> list[dict[str, object]]:
    """Both modes against one emulator process; rows of latency (ms, ratio) and memory (MB)."""
    emulator = [CLI, "emulator", "serve", "--port", "0"]
    rows: list[dict[str, object]] = []
    with _server(emulator, r"emulator on (http://127\.0\.0\.1:\d+)") as (upstream, _, _):
        for shadow in (False, True):
            rows += _mode(upstream, shadow, exchanges)
    return rows


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else EXCHANGES
    for row in run(count):
        print(row)
