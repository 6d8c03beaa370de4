"""Which Redis rate limiter to build the shared budget on: pyrate-limiter, limits, or our script.

Against one real Redis server on 127.0.0.1, for each of pyrate-limiter's ``RedisBucket``, limits'
``MovingWindowRateLimiter`` on ``RedisStorage`` and this package's ``RedisWindow`` (one Lua script
on redis-py), it measures:

- the cost of one uncontended acquire (µs);
- four processes acquiring as fast as each is allowed from one budget of LIMIT per WINDOW: the most
  starts seen in any window (must not exceed LIMIT) and the share of the budget used after the
  first window;
- the same with one process' clock 0.3 s ahead (machines' clocks differ; HubSpot's does not).

Run: ``python -m benchmarks.limiter_libraries`` (about a minute); the figures are kept in
benchmarks/limiter-libraries.md, which docs/shared-budget.md includes.
"""

from __future__ import annotations

import bisect
import multiprocessing
import time
from collections.abc import Callable
from typing import Any

from benchmarks.redis_server import redis_server

LIMIT = 50
WINDOW = 1.0
DURATION = 4.0
PROCESSES = 4
SKEW = 0.3
LIBRARIES = ("pyrate-limiter", "limits", "hubspot-associations")


Acquire = Callable[[Callable[[], None]], None]


def _acquirer(library: str, url: str, key: str, limit: int, window: float) -> Acquire:
    """A blocking acquire of one start from the shared budget, as each library's users write it;
    it calls ``started`` when the request would be sent."""
    if library == "pyrate-limiter":
        import redis
        from pyrate_limiter import Limiter, Rate, RedisBucket

        bucket = RedisBucket.init([Rate(limit, int(window * 1000))], redis.Redis.from_url(url), key)
        limiter = Limiter(bucket)

        def blocking(started: Callable[[], None]) -> None:
            limiter.try_acquire(key, blocking=True)
            started()

        return blocking
    if library == "limits":
        from limits import RateLimitItemPerSecond, storage, strategies

        moving = strategies.MovingWindowRateLimiter(storage.RedisStorage(url))
        item = RateLimitItemPerSecond(limit, int(window))

        def acquire(started: Callable[[], None]) -> None:
            while not moving.hit(item, key):
                reset = moving.get_window_stats(item, key).reset_time
                time.sleep(max(0.001, reset - time.time()))
            started()

        return acquire
    from hubspot_associations import RateLimiter, RedisWindow
    from hubspot_associations._ratelimit import waiting  # what a sync client's transport calls

    ours = RateLimiter(limit, window, shared=RedisWindow(url, key=key))  # its default margin

    def acquire_ours(started: Callable[[], None]) -> None:
        slot = waiting.acquire(ours)
        started()  # the request "reaches HubSpot" here, and is answered at once
        waiting.release(ours, slot)

    return acquire_ours


def _skew_clock(seconds: float) -> None:
    """Move this process' wall clock, as a machine whose clock is ``seconds`` ahead."""
    import pyrate_limiter.buckets.redis_bucket as pyrate_redis

    real, real_ns = time.time, time.time_ns
    time.time = lambda: real() + seconds
    time.time_ns = lambda: real_ns() + int(seconds * 1e9)
    pyrate_redis.time_ns = time.time_ns  # type: ignore[attr-defined]


def _worker(library: str, url: str, key: str, skew: float, until: float, out: Any) -> None:
    real_time = time.time
    acquire = _acquirer(library, url, key, LIMIT, WINDOW)
    if skew:
        _skew_clock(skew)
    stamps: list[float] = []
    while real_time() < until:
        acquire(lambda: stamps.append(real_time()))
    out.put(stamps)


def _group(library: str, url: str, skew: float) -> dict[str, float]:
    """PROCESSES workers on one key for DURATION seconds; the starts they were given."""
    key = f"bench:{library}:{skew}:{time.time_ns()}"
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    until = time.time() + 2.0 + DURATION  # spawned interpreters need a moment to start
    workers = [
        context.Process(
            target=_worker, args=(library, url, key, skew if i == 0 else 0.0, until, out)
        )
        for i in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    stamps = sorted(s for _ in workers for s in out.get(timeout=60))
    for worker in workers:
        worker.join(timeout=30)
        if worker.is_alive():  # a library's background thread that never ends
            worker.kill()
    first = stamps[0]
    most = max(bisect.bisect_left(stamps, s + WINDOW) - i for i, s in enumerate(stamps))
    steady = [s for s in stamps if first + WINDOW <= s < stamps[-1]]
    share = len(steady) / (LIMIT / WINDOW * (stamps[-1] - first - WINDOW))
    return {"most_in_a_window": most, "share_used": share}


def _cost(library: str, url: str) -> float:
    """µs per uncontended acquire."""
    acquire = _acquirer(library, url, f"bench:cost:{library}:{time.time_ns()}", 10**9, WINDOW)
    for _ in range(100):
        acquire(lambda: None)
    count = 2000
    start = time.perf_counter()
    for _ in range(count):
        acquire(lambda: None)
    return (time.perf_counter() - start) / count * 1e6


def run() -> list[dict[str, object]]:
    """One row per library."""
    rows: list[dict[str, object]] = []
    with redis_server() as server:
        for library in LIBRARIES:
            fair = _group(library, server.url, 0.0)
            skewed = _group(library, server.url, SKEW)
            rows.append(
                {
                    "library": library,
                    "acquire_us": _cost(library, server.url),
                    "most_in_a_window": fair["most_in_a_window"],
                    "share_used": fair["share_used"],
                    "most_with_skew": skewed["most_in_a_window"],
                }
            )
    return rows


def table(rows: list[dict[str, object]]) -> str:
    """The rows as the Markdown table kept in docs/shared-budget.md."""
    lines = [
        f"| library | µs per acquire | most starts in any {WINDOW:g} s window (limit {LIMIT}) | "
        f"budget used by {PROCESSES} processes | most in a window, one clock {SKEW:g} s ahead |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['library']} | {row['acquire_us']:.0f} | {row['most_in_a_window']} | "
            f"{row['share_used']:.1%} | {row['most_with_skew']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run()))
