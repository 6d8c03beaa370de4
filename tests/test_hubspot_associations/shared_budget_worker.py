"""One worker process of the shared-budget tests: ``python -m tests.test_hubspot_associations.shared_budget_worker``.

``stamps REDIS_URL KEY LIMIT SECONDS COUNT START_AT``: wait until START_AT (epoch seconds), then
acquire COUNT starts from the shared window, printing the wall-clock time of each start.

``bulk REDIS_URL KEY LIMIT SECONDS BASE_URL FIRST COUNT sync|async``: associate COUNT pairs
(contacts FIRST.., one company each) in batches of 10 through the shared window, and print the
accounting as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from hubspot_associations import (
    AsyncHubSpotAssociations,
    AsyncRedisWindow,
    BulkResult,
    HubSpotAssociations,
    RateLimiter,
    RedisWindow,
)
from hubspot_associations._ratelimit import waiting

TOKEN = "emulator-token"


def stamps(url: str, key: str, limit: int, seconds: float, count: int, start_at: float) -> None:
    """Acquire ``count`` starts, printing each."""
    limiter = RateLimiter(limit, seconds, shared=RedisWindow(url, key=key))
    time.sleep(max(0.0, start_at - time.time()))
    for _ in range(count):
        waiting.acquire(limiter)
        print(f"{time.time():.6f}", flush=True)


def _pairs(first: int, count: int) -> list[tuple[str, str]]:
    return [(str(first + i), str(900_000 + i % 7)) for i in range(count)]


def bulk(
    url: str, key: str, limit: int, seconds: float, base_url: str, first: int, count: int, mode: str
) -> None:
    """One bulk job through the shared window; its accounting on stdout."""
    pairs = _pairs(first, count)
    if mode == "sync":
        limiter = RateLimiter(limit, seconds, shared=RedisWindow(url, key=key))
        with HubSpotAssociations(TOKEN, base_url=base_url, rate_limit=limiter) as client:
            result = client.bulk.associate_default(
                "contact", "company", pairs, batch_size=10, concurrency=4
            )
    else:

        async def job() -> BulkResult[tuple[str, str]]:
            window = AsyncRedisWindow(url, key=key)
            limiter = RateLimiter(limit, seconds, shared=window)
            async with AsyncHubSpotAssociations(
                TOKEN, base_url=base_url, rate_limit=limiter
            ) as client:
                done = await client.bulk.associate_default(
                    "contact", "company", pairs, batch_size=10, concurrency=4
                )
            await window.aclose()
            return done

        result = asyncio.run(job())
    print(
        json.dumps(
            {
                "succeeded": sorted(map(list, result.succeeded)),
                "failed": [[*f.input, f.status_code] for f in result.failed],
            }
        )
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "stamps":
        url, key, limit, seconds, count, start_at = args
        stamps(url, key, int(limit), float(seconds), int(count), float(start_at))
    else:
        url, key, limit, seconds, base_url, first, count, mode = args
        bulk(url, key, int(limit), float(seconds), base_url, int(first), int(count), mode)
