"""The sliding-window limiter: never more than N starts in any window, shared by sync and async."""

from __future__ import annotations

import inspect
import threading
import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubspot_associations._exceptions import ClientValidationError
from hubspot_associations._ratelimit import async_waiting, waiting
from hubspot_associations._ratelimit.limiter import (
    FREE_OR_STARTER,
    PROFESSIONAL_OR_ENTERPRISE,
    WITH_API_LIMIT_INCREASE,
    RateLimiter,
)
from tests.test_hubspot_associations.client_fakes import FakeClock


def max_in_window(starts: list[float], seconds: float) -> int:
    """The most starts in any half-open window [t, t + seconds), ignoring float rounding."""
    ordered = sorted(starts)
    best, left = 0, 0
    for right, start in enumerate(ordered):
        while ordered[left] <= start - seconds + 1e-9:
            left += 1
        best = max(best, right - left + 1)
    return best


def limiter(
    clock: FakeClock, n: int = 10, seconds: float = 1.0, burst: int | None = None
) -> RateLimiter:
    """A limiter without margin; ``burst`` N unless given (all N may start at once)."""
    return RateLimiter(
        n, seconds, clock=clock, sleep=clock.sleep, async_sleep=clock.async_sleep, margin=0.0,
        burst=n if burst is None else burst,
    )  # fmt: skip


def test_tiers() -> None:
    """HubSpot's three burst tiers are 100, 190 and 250 requests per 10 seconds."""
    assert (FREE_OR_STARTER, PROFESSIONAL_OR_ENTERPRISE, WITH_API_LIMIT_INCREASE) == (
        (100, 10.0),
        (190, 10.0),
        (250, 10.0),
    )
    assert RateLimiter.tier(PROFESSIONAL_OR_ENTERPRISE).max_requests == 190


@pytest.mark.parametrize(("n", "seconds"), [(0, 10.0), (10, 0.0), (-1, 1.0)])
def test_bad_limits_are_refused(n: int, seconds: float) -> None:
    """A limit with no requests or no time is a ClientValidationError."""
    with pytest.raises(ClientValidationError, match="rate limit"):
        RateLimiter(n, seconds)


def test_first_n_go_at_once_then_window(clock: FakeClock) -> None:
    """A burst of N starts at once; the next waits until the first leaves the window."""
    lim = limiter(clock, n=10, seconds=1.0)
    starts = []
    for _ in range(25):
        waiting.acquire(lim)
        starts.append(clock())
    assert starts[:10] == [1000.0] * 10
    assert starts[10] == pytest.approx(1001.0)
    assert starts[20] == pytest.approx(1002.0)
    assert max_in_window(starts, 1.0) == 10


def test_steady_load_runs_at_full_rate(clock: FakeClock) -> None:
    """A long job runs at the allowed rate: 1000 starts at 10 per second take about 99 s."""
    lim = limiter(clock, n=10, seconds=1.0)
    starts = []
    for _ in range(1000):
        waiting.acquire(lim)
        starts.append(clock())
    assert max_in_window(starts, 1.0) == 10
    assert starts[-1] - starts[0] == pytest.approx(99.0)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 12),
    seconds=st.sampled_from([0.5, 1.0, 10.0]),
    gaps=st.lists(st.floats(0, 3, allow_nan=False), min_size=1, max_size=80),
)
def test_never_more_than_n_in_any_window(n: int, seconds: float, gaps: list[float]) -> None:
    """Whatever the arrival pattern, no window of S seconds holds more than N starts."""
    clock = FakeClock()
    lim = limiter(clock, n, seconds)
    starts = []
    for gap in gaps:
        clock.now += gap
        starts.append(clock() + waiting.book(lim)[0])
    assert max_in_window(starts, seconds) <= n
    assert starts == sorted(starts)


def test_pause_holds_later_requests(clock: FakeClock) -> None:
    """After pause(s) no request starts before s seconds have passed."""
    lim = limiter(clock)
    waiting.pause(lim, 5.0)
    waiting.acquire(lim)
    assert clock() == pytest.approx(1005.0)


def test_threads_share_one_window() -> None:
    """Bookings from many threads together stay within the window."""
    clock = FakeClock()
    lim = RateLimiter(7, 1.0, clock=clock, sleep=lambda _s: None)
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(50):
            start = clock() + waiting.book(lim)[0]
            with lock:
                starts.append(start)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(starts) == 400
    assert max_in_window(starts, 1.0) <= 7


@pytest.mark.anyio
async def test_sync_and_async_share_the_limiter(clock: FakeClock) -> None:
    """Sync and async acquisitions of one limiter count against the same window."""
    lim = limiter(clock, n=4, seconds=1.0)
    starts = []
    for i in range(12):
        if i % 2:
            await async_waiting.acquire(lim)
        else:
            waiting.acquire(lim)
        starts.append(clock())
    assert max_in_window(starts, 1.0) == 4
    assert starts[-1] == pytest.approx(1002.0)


def test_repr_names_the_limit() -> None:
    """The repr shows the limit."""
    assert repr(RateLimiter(100, 10)) == "RateLimiter(100, 10)"


def test_default_margin_spaces_windows_slightly_wider(clock: FakeClock) -> None:
    """By default the window is 5 % wider (0.25 s at most), so late arrivals never make N+1."""
    lim = RateLimiter(
        10, 1.0, clock=clock, sleep=clock.sleep, async_sleep=clock.async_sleep, burst=10
    )
    assert lim.margin == pytest.approx(0.05)
    assert RateLimiter(100, 10.0).margin == pytest.approx(0.25)
    waits = [waiting.book(lim)[0] for _ in range(11)]
    assert waits[:10] == [0.0] * 10
    assert waits[10] == pytest.approx(1.05)


def test_a_smaller_burst_paces_the_starts_after_it(clock: FakeClock) -> None:
    """With burst=10 of 100, ten start at once, then one per window / N (the default burst is
    the whole limit: no pacing)."""
    assert RateLimiter(100, 10.0).burst == 100
    lim = RateLimiter(100, 10.0, clock=clock, sleep=clock.sleep, burst=10)
    assert lim.burst == 10
    assert lim.spacing == pytest.approx(0.1)
    waits = [waiting.book(lim)[0] for _ in range(12)]
    assert waits[:10] == [0.0] * 10
    assert waits[10:] == [pytest.approx(0.1), pytest.approx(0.2)]


@pytest.mark.parametrize("burst", [0, 11])
def test_a_burst_outside_1_to_n_is_refused(burst: int) -> None:
    """burst must be from 1 to max_requests."""
    with pytest.raises(ClientValidationError, match="burst must be from 1 to max_requests"):
        RateLimiter(10, 1.0, burst=burst)


def test_a_quick_answer_frees_its_slot_a_window_after_it(clock: FakeClock) -> None:
    """A released slot counts from its answer, not from start + margin: the next start comes
    one window after the answer, sooner than the margin alone would allow."""
    lim = RateLimiter(2, 1.0, clock=clock, sleep=clock.sleep, burst=2)  # margin 0.05
    first = waiting.acquire(lim)
    waiting.acquire(lim)
    clock.now += 0.01
    waiting.release(lim, first)
    assert clock() + waiting.book(lim)[0] == pytest.approx(1001.01)


def test_a_slow_answer_holds_its_slot_until_a_window_after_it(clock: FakeClock) -> None:
    """A request that may have reached HubSpot late (its answer came late) keeps its place in
    the window until a window after its answer."""
    lim = RateLimiter(2, 1.0, clock=clock, sleep=clock.sleep, burst=2)
    first = waiting.acquire(lim)
    waiting.acquire(lim)
    clock.now += 0.5
    waiting.release(lim, first)
    third = clock() + waiting.book(lim)[0]
    fourth = clock() + waiting.book(lim)[0]
    assert third == pytest.approx(1001.05)  # the other first start, still in flight: + margin
    assert fourth == pytest.approx(1001.5)  # the slow one: its answer + the window


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 8),
    requests=st.lists(
        st.tuples(
            st.floats(0, 0.5, allow_nan=False),  # gap before the booking
            st.floats(0, 2.0, allow_nan=False),  # time from start to answer
            st.floats(0, 1, allow_nan=False),  # how late HubSpot saw it
        ),
        min_size=1,
        max_size=60,
    ),
)
def test_arrivals_never_exceed_the_limit_whatever_the_latency(
    n: int, requests: list[tuple[float, float, float]]
) -> None:
    """Requests reach HubSpot within the margin of their start (before their answer, when that
    comes sooner), answers take up to 2 s: with each slot released at its answer, no window of
    HubSpot's holds more than N arrivals."""
    clock = FakeClock()
    lim = RateLimiter(n, 1.0, clock=clock, margin=0.25, burst=1)
    pending: list[tuple[float, object]] = []  # (answer time, slot)
    arrivals: list[float] = []
    for gap, latency, where in requests:
        booked_at = clock() + gap
        for answer, slot in sorted(pending, key=lambda item: item[0]):
            if answer <= booked_at:
                clock.now = max(clock.now, answer)
                waiting.release(lim, slot)  # type: ignore[arg-type]
        pending = [(a, s) for a, s in pending if a > booked_at]
        clock.now = booked_at
        wait, slot = waiting.book(lim)
        start = clock() + wait
        arrivals.append(start + where * min(latency, lim.margin))
        pending.append((start + latency, slot))
    assert max_in_window(arrivals, 1.0) <= n


def test_a_wake_up_later_than_half_the_margin_books_again(clock: FakeClock) -> None:
    """A process that overslept its slot (stalled, a busy loop) gives the slot back and books a
    new one: later bookings already count on the old slot's time."""
    lim = RateLimiter(
        2, 1.0, clock=clock, margin=0.1, burst=2, sleep=lambda s: clock.sleep(s + 0.5)
    )
    waiting.acquire(lim)
    waiting.acquire(lim)
    third = waiting.acquire(lim)  # booked for 1001.1, woke at 1001.6: booked again
    assert len(lim._slots) == 3
    assert third.at >= clock() - 0.5


# RateLimiter's waiting methods before 0.2: configuration now, they warn until 0.3.0.
DEPRECATED_METHODS = {
    "reserve", "book", "release", "release_async", "pause", "pause_async", "acquire",
    "acquire_async", "cancel",
}  # fmt: skip


@pytest.mark.anyio
async def test_each_deprecated_waiting_method_warns_and_still_works(clock: FakeClock) -> None:
    """Each of RateLimiter's nine waiting methods warns DeprecationWarning at the caller's line,
    naming the replacement (give the limiter to a client) and 0.3.0, and still books, waits,
    releases, pauses and cancels as the transports' waiting does."""
    called: set[str] = set()

    async def call(lim: RateLimiter, name: str, *args: object) -> Any:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            result = getattr(lim, name)(*args)
            if inspect.isawaitable(result):
                result = await result
        [warning] = [w for w in record if issubclass(w.category, DeprecationWarning)]
        text = str(warning.message)
        assert text.startswith(f"RateLimiter.{name}() is deprecated: a RateLimiter is configura")
        assert "client (rate_limit=limiter)" in text, text
        assert text.endswith("will be removed in 0.3.0"), text
        assert warning.filename == __file__
        called.add(name)
        return result

    # reserve and book: two starts at once, the third one window later; cancel gives one back.
    lim = limiter(clock, n=2)
    assert await call(lim, "reserve") == 0.0
    wait, slot = await call(lim, "book")
    assert wait == 0.0
    assert slot in lim._slots
    assert await call(lim, "reserve") == pytest.approx(1.0)
    await call(lim, "cancel", slot)
    assert slot not in lim._slots
    assert len(lim._slots) == 2
    # acquire and acquire_async sleep until their slot; release(_async) ends it at the answer.
    lim = limiter(clock, n=1)
    first = await call(lim, "acquire")
    assert clock() == pytest.approx(1000.0)
    second = await call(lim, "acquire_async")
    assert clock() == pytest.approx(1001.0)
    clock.now += 0.25
    await call(lim, "release", first)
    await call(lim, "release_async", second)
    assert first.at == second.at == pytest.approx(1001.25)
    assert await call(lim, "release", None) is None
    # pause and pause_async hold every later start.
    lim = limiter(clock, n=10)
    await call(lim, "pause", 2.0)
    assert waiting.book(lim)[0] == pytest.approx(2.0)
    await call(lim, "pause_async", 3.0)
    assert waiting.book(lim)[0] == pytest.approx(3.0)
    assert called == DEPRECATED_METHODS


def test_the_waiting_functions_do_not_warn(clock: FakeClock) -> None:
    """What the transports call (the waiting module) gives no DeprecationWarning."""
    lim = limiter(clock, n=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        slot = waiting.acquire(lim)
        waiting.pause(lim, 0.5)
        waiting.release(lim, slot)
        waiting.cancel(lim, waiting.book(lim)[1])
