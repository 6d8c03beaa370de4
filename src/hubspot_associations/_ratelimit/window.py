"""The arithmetic of a rate limit shaped like HubSpot's rolling windows: no waiting, no I/O.

``LocalWindow`` hands out start times so that no window of ``per_seconds`` ever holds more than
``max_requests`` starts. ``RateLimiterBase`` adds what a limiter waits with and books in (its
sleeps, a shared window, typed by the protocols here), but it neither sleeps nor talks to Redis:
waiting for a start is ``async_waiting.py`` (and its generated sync twin), booking across
processes is a shared window (``async_redis_window.py`` and its twin). Both import this module; it
imports neither, so the limiter, its waiting and the shared windows form no cycle.
"""

from __future__ import annotations

import heapq
import inspect
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, cast

from .._exceptions import ClientValidationError

__all__ = [
    "AsyncSharedWindow",
    "LocalWindow",
    "RateLimiterBase",
    "SharedWindow",
    "Slot",
    "async_window_of",
    "window_of",
]


class Slot:
    """One request's place in the window: ``at`` is the latest it can have reached HubSpot
    (``member`` names it in a shared window's Redis set)."""

    __slots__ = ("at", "member")

    def __init__(self, at: float, member: str | None = None) -> None:
        self.at = at
        self.member = member


class SharedWindow(Protocol):
    """What the limiter of a sync client needs of a shared window (``RedisWindow``)."""

    def book(self, limiter: LocalWindow) -> tuple[float, Slot]: ...
    def release(self, slot: Slot) -> None: ...
    def cancel(self, slot: Slot) -> None: ...
    def pause(self, seconds: float) -> None: ...


class AsyncSharedWindow(Protocol):
    """What the limiter of an async client needs of a shared window (``AsyncRedisWindow``)."""

    async def book(self, limiter: LocalWindow) -> tuple[float, Slot]: ...
    async def release(self, slot: Slot) -> None: ...
    async def cancel(self, slot: Slot) -> None: ...
    async def pause(self, seconds: float) -> None: ...


class LocalWindow:
    """At most ``max_requests`` request starts in any window of ``per_seconds`` seconds, in this
    process: booking, releasing, pausing and cancelling slots, all under one lock."""

    def __init__(
        self,
        max_requests: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float | None = None,
        burst: int | None = None,
    ) -> None:
        if max_requests < 1 or per_seconds <= 0:
            raise ClientValidationError(
                f"a rate limit needs max_requests >= 1 and per_seconds > 0, got ({max_requests}, "
                f"{per_seconds}); HubSpot's tiers are (100, 10), (190, 10) and (250, 10)"
            )
        self.max_requests = max_requests
        self.per_seconds = per_seconds
        # Requests reach HubSpot a little later and less evenly than they leave: without a margin
        # a full-speed job lands N+1 requests in some server window, and each 429 then stalls the
        # whole job for a window. 5 % (at most 0.25 s) keeps throughput above 95 % of the limit.
        self.margin = min(0.05 * per_seconds, 0.25) if margin is None else margin
        # With ``burst`` below the limit, starts after a burst of ``burst`` are paced one per
        # ``spacing``, for servers that must not see a window's requests at once. Off by default:
        # slots are released at the answer, so requests queued on their way cannot make N+1.
        self.burst = max_requests if burst is None else burst
        if not 1 <= self.burst <= max_requests:
            raise ClientValidationError(
                f"burst must be from 1 to max_requests ({max_requests}), got {burst!r}"
            )
        self.spacing = per_seconds / max_requests
        self._due = 0.0  # the paced schedule: when the next start would be due
        self._clock = clock
        # Each request's slot: the latest it can have reached HubSpot. Booked as its start plus
        # the margin, moved to the moment its answer came back (release): a request reaches the
        # server before it answers, however late it was sent or queued there.
        self._slots: list[Slot] = []
        self._floor = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """The window's clock."""
        return self._clock()

    def book_here(self) -> tuple[float, Slot]:
        """Book the next start in this process' own window (what a shared window falls back to):
        (seconds to wait before sending, the slot to release when the answer is back)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._floor)
            paced = self._due - (self.burst - 1) * self.spacing
            if paced > start + 1e-9:  # not float noise of a schedule that has caught up
                start = paced
            slots = self._slots
            if len(slots) > 2 * self.max_requests:
                slots[:] = [slot for slot in slots if slot.at > now - self.per_seconds]
            if len(slots) >= self.max_requests:
                # No window may hold more than max_requests arrivals: the max_requests-th latest
                # arrival must leave the window before this start enters it.
                latest = heapq.nlargest(self.max_requests, (slot.at for slot in slots))[-1]
                start = max(start, latest + self.per_seconds)
            slot = Slot(start + self.margin)
            slots.append(slot)
            self._due = max(self._due, start) + self.spacing
            return start - now, slot

    def release_here(self, slot: Slot) -> None:
        """The request of ``slot`` has its answer, or failed: it reached HubSpot by now if at all,
        so its place in the window ends a window from now."""
        with self._lock:
            slot.at = self._clock()

    def pause_here(self, seconds: float) -> None:
        """Hold every later start of this window for ``seconds``."""
        with self._lock:
            self._floor = max(self._floor, self._clock() + seconds)

    def cancel_here(self, slot: Slot) -> None:
        """Give back a slot whose request was never sent."""
        with self._lock:
            if slot in self._slots:
                self._slots.remove(slot)


class RateLimiterBase(LocalWindow):
    """A ``LocalWindow`` with what waiting for it needs: how it sleeps (blocking and async) and
    the shared window, if any, that it books in. ``RateLimiter`` is this as configuration; the
    waiting is ``async_waiting.py`` and its sync twin, given one of these."""

    def __init__(
        self,
        max_requests: int,
        per_seconds: float,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        async_sleep: Callable[[float], Awaitable[None]],
        margin: float | None,
        burst: int | None,
        shared: SharedWindow | AsyncSharedWindow | None,
    ) -> None:
        super().__init__(max_requests, per_seconds, clock=clock, margin=margin, burst=burst)
        self.sleep = sleep
        self.async_sleep = async_sleep
        self.shared = shared


def window_of(shared: SharedWindow | AsyncSharedWindow | None) -> SharedWindow | None:
    """``shared`` as a sync client's window; an async client's (``AsyncRedisWindow``) is refused."""
    if shared is None or not _books_async(shared):
        return cast("SharedWindow | None", shared)
    raise ClientValidationError(
        "an AsyncRedisWindow serves AsyncHubSpotAssociations; give HubSpotAssociations a "
        "RedisWindow with the same url and key"
    )


def async_window_of(shared: SharedWindow | AsyncSharedWindow | None) -> AsyncSharedWindow | None:
    """``shared`` as an async client's window; a sync client's (``RedisWindow``) is refused."""
    if shared is None or _books_async(shared):
        return cast("AsyncSharedWindow | None", shared)
    raise ClientValidationError(
        "a RedisWindow serves HubSpotAssociations; give AsyncHubSpotAssociations an "
        "AsyncRedisWindow with the same url and key"
    )


def _books_async(shared: object) -> bool:
    """Whether a shared window books with a coroutine (an async client's), told by its method
    rather than its class: this module imports no shared window, and any window that fits the
    protocols above is told apart the same way."""
    return inspect.iscoroutinefunction(getattr(type(shared), "book", None))
