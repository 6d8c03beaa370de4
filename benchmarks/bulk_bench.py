"""Bulk-associate many record pairs against the emulator under HubSpot-like rate limits.

The emulator runs as its own process (as HubSpot would be), with a rate limit of 100 requests per
second (HubSpot's 100 per 10 s, scaled down) and 20 ms added latency. Measured: inputs per second
as a share of the ceiling the rate limit allows (batch size × requests per second), 429s that
reached the caller, and inputs lost or duplicated; then the same job written the way the official
client's documentation suggests; then our job again with 10 % of answers faulted.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

from benchmarks.loopback import free_port
from hubspot_associations import BulkResult

PAIRS = int(os.environ.get("BENCH_PAIRS", "100000"))
BATCH = 100
# HubSpot's 100 requests per 10 s, scaled down to 100 per second (BENCH_RATE to change it).
_rate = os.environ.get("BENCH_RATE", "100/1").split("/")
RATE = (int(_rate[0]), float(_rate[1]))
LATENCY_MS = 20
TOKEN = "emulator-token"


def emulator(*extra: str) -> contextlib.AbstractContextManager[str]:
    """The emulator with the benchmark's rate limit and latency."""
    limit = ["--rate-limit", f"{RATE[0]}/{RATE[1]:g}"]
    return emulator_process(*limit, "--latency-ms", str(LATENCY_MS), *extra)


@contextlib.contextmanager
def emulator_process(*options: str) -> Iterator[str]:
    """Start the emulator command (its own process, as HubSpot is) on a free loopback port;
    yield its URL; stop it."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "hubspot_associations_emulator.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *options,
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/_emulator/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the emulator did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _pairs(offset: int = 0) -> list[tuple[str, str]]:
    return [(str(10_000_000 + offset + i), str(20_000_000 + (i % 1000))) for i in range(PAIRS)]


def ours(
    url: str, *, offset: int = 0, rate: tuple[int, float] | None = RATE, count: int = PAIRS
) -> dict[str, object]:
    """This package's async bulk helper within the rate limit."""
    import asyncio

    from hubspot_associations import AsyncHubSpotAssociations

    pairs = _pairs(offset)[:count]

    async def job() -> BulkResult[tuple[str, str]]:
        async with AsyncHubSpotAssociations(TOKEN, base_url=url, rate_limit=rate) as client:
            return await client.bulk.associate_default(
                "contact", "company", pairs, batch_size=BATCH, concurrency=8
            )

    httpx.post(f"{url}/_emulator/reset")
    start = time.perf_counter()
    result = asyncio.run(job())
    seconds = time.perf_counter() - start
    return {**_share(len(pairs), seconds), **_accounted(pairs, result), **_server_side(url)}


def _share(inputs: int, seconds: float) -> dict[str, object]:
    """Throughput, and its share of what the rate limit allows (batch size × requests per s)."""
    return {
        "inputs_per_s": inputs / seconds,
        "ceiling_share": (inputs / seconds) / (BATCH * RATE[0] / RATE[1]),
        "seconds": seconds,
    }


def _accounted(
    pairs: list[tuple[str, str]], result: BulkResult[tuple[str, str]]
) -> dict[str, object]:
    """Each input done, failed, lost or duplicated."""
    accounted = len(result.succeeded) + len(result.failed)
    return {
        "succeeded": len(set(result.succeeded)),
        "failed": len(result.failed),
        "rate_limited_to_caller": sum(1 for f in result.failed if f.status_code == 429),
        "lost": len(set(pairs) - set(result.succeeded) - {f.input for f in result.failed}),
        "duplicated": accounted - len(set(pairs)),
    }


def _server_side(url: str) -> dict[str, object]:
    """What the emulator saw: 429s it answered (retries hide them from callers) and the most
    requests its window held at once (the limit when the window was used fully)."""
    counts = httpx.get(f"{url}/_emulator/requests").json()
    return {
        "server_429_share": counts["rateLimited"]["total"] / max(1, counts["received"]),
        "busiest_window": counts["busiestWindow"],
    }


def official(url: str) -> dict[str, object]:
    """The official client as its documentation suggests: batch calls in a loop, no limiter."""
    from hubspot import HubSpot
    from hubspot.crm.associations.v4 import BatchInputPublicDefaultAssociationMultiPost
    from hubspot.crm.associations.v4.exceptions import ApiException

    client = HubSpot(access_token=TOKEN)
    api = client.crm.associations.v4.batch_api
    api.api_client.configuration.host = url
    pairs = _pairs(5_000_000)
    done = lost = rate_limited = 0
    start = time.perf_counter()
    for i in range(0, len(pairs), BATCH):
        chunk = pairs[i : i + BATCH]
        body = BatchInputPublicDefaultAssociationMultiPost(
            inputs=[{"from": {"id": a}, "to": {"id": b}} for a, b in chunk]
        )
        try:
            api.create_default("contact", "company", body)
            done += len(chunk)
        except ApiException as exc:
            lost += len(chunk)
            rate_limited += exc.status == 429
    seconds = time.perf_counter() - start
    return {
        "inputs_per_s": PAIRS / seconds,
        "ceiling_share": (PAIRS / seconds) / (BATCH * RATE[0] / RATE[1]),
        "seconds": seconds,
        "succeeded": done,
        "failed": lost,
        "rate_limited_to_caller": rate_limited,
        "lost": lost,
        "duplicated": 0,
    }


def _shared_worker(redis_url: str, key: str, url: str, offset: int, count: int, at: float) -> None:
    """One of the processes sharing a Redis budget: its bulk job from ``at``; JSON on stdout."""
    import asyncio
    import json

    from hubspot_associations import AsyncHubSpotAssociations, AsyncRedisWindow, RateLimiter

    pairs = _pairs(offset)[:count]

    async def job() -> BulkResult[tuple[str, str]]:
        window = AsyncRedisWindow(redis_url, key=key)
        limiter = RateLimiter(*RATE, shared=window)
        async with AsyncHubSpotAssociations(TOKEN, base_url=url, rate_limit=limiter) as client:
            await asyncio.sleep(max(0.0, at - time.time()))
            done = await client.bulk.associate_default(
                "contact", "company", pairs, batch_size=BATCH, concurrency=8
            )
        await window.aclose()
        return done

    result = asyncio.run(job())
    print(json.dumps({"end": time.time(), **_accounted(pairs, result)}))


def shared(url: str, processes: int = 4) -> dict[str, object]:
    """``processes`` processes, each a quarter of the job, sharing one Redis budget."""
    import json

    from benchmarks.redis_server import redis_server

    httpx.post(f"{url}/_emulator/reset")
    share = PAIRS // processes
    with redis_server() as server:
        at = time.time() + 3  # every process imported and connected before the clock starts
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.bulk_bench",
                    "shared-worker",
                    server.url,
                    "bench",
                    url,
                    str(2_000_000 + i * share),
                    str(share),
                    str(at),
                ],
                stdout=subprocess.PIPE,
            )
            for i in range(processes)
        ]
        reports = [json.loads(w.communicate(timeout=600)[0]) for w in workers]
    totals = {
        key: sum(int(report[key]) for report in reports)
        for key in ("succeeded", "failed", "rate_limited_to_caller", "lost", "duplicated")
    }
    seconds = max(float(report["end"]) for report in reports) - at
    return {**_share(share * processes, seconds), **totals, **_server_side(url)}


def run() -> list[dict[str, object]]:
    """Rows for the README table."""
    rows: list[dict[str, object]] = []
    with emulator() as url:
        rows.append({"name": f"bulk {PAIRS:,} pairs: hubspot-associations", **ours(url)})
        rows.append({"name": f"bulk {PAIRS:,} pairs: hubspot-api-client loop", **official(url)})
        rows.append(
            {"name": f"bulk {PAIRS:,} pairs, 4 processes sharing a Redis budget", **shared(url)}
        )
    with emulator("--faults", "rate=0.1,kinds=429+503+drop,seed=7") as url:
        rows.append(
            {
                "name": f"bulk {PAIRS:,} pairs, 10% faults: hubspot-associations",
                **ours(url, offset=1_000_000),
            }
        )
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["shared-worker"]:
        redis_url, key, url, offset, count, at = sys.argv[2:]
        _shared_worker(redis_url, key, url, int(offset), int(count), float(at))
    else:
        for row in run():
            print(row)
