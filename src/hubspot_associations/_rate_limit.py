"""A client-side rate limiter shaped like HubSpot's rolling windows.

HubSpot counts requests per app in a rolling 10-second window (100, 190 or 250 by plan). The
limiter hands out start times so that no window of ``per_seconds`` ever holds more than
``max_requests`` starts, queueing callers in order instead of letting them hit 429. One limiter
serves a client's sync and async calls alike (it is thread-safe and never blocks the event loop).

With ``shared=`` a ``RedisWindow`` (sync clients) or ``AsyncRedisWindow`` (async clients), the same
rule holds for every process and machine naming the same key: the starts are booked in Redis.
"""

from __future__ import annotations

import asyncio
import heapq
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from ._exceptions import ClientValidationError

if TYPE_CHECKING:
    from ._async.shared_window import AsyncRedisWindow
    from ._sync.shared_window import RedisWindow

__all__ = [
    "FREE_OR_STARTER",
    "PROFESSIONAL_OR_ENTERPRISE",
    "WITH_API_LIMIT_INCREASE",
    "RateLimiter",
    "Slot",
]

# HubSpot's burst limits per app, as (requests, seconds), by plan.
FREE_OR_STARTER: Final = (100, 10.0)
PROFESSIONAL_OR_ENTERPRISE: Final = (190, 10.0)
WITH_API_LIMIT_INCREASE: Final = (250, 10.0)


# A late wake-up books again at most this many times, then goes with the last slot.
_REBOOKINGS: Final = 3


class Slot:
    """One request's place in the window: ``at`` is the latest it can have reached HubSpot
    (``member`` names it in a shared window's Redis set)."""

    __slots__ = ("at", "member")

    def __init__(self, at: float, member: str | None = None) -> None:
        self.at = at
        self.member = member


class RateLimiter:
    """At most ``max_requests`` request starts in any window of ``per_seconds`` seconds."""

    FREE_OR_STARTER: Final = FREE_OR_STARTER
    PROFESSIONAL_OR_ENTERPRISE: Final = PROFESSIONAL_OR_ENTERPRISE
    WITH_API_LIMIT_INCREASE: Final = WITH_API_LIMIT_INCREASE

    def __init__(
        self,
        max_requests: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        margin: float | None = None,
        burst: int | None = None,
        shared: RedisWindow | AsyncRedisWindow | None = None,
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
        self._sleep = sleep
        self._async_sleep = async_sleep
        # Each request's slot: the latest it can have reached HubSpot. Booked as its start plus
        # the margin, moved to the moment its answer came back (release): a request reaches the
        # server before it answers, however late it was sent or queued there.
        self._slots: list[Slot] = []
        self._floor = 0.0
        self._lock = threading.Lock()
        self.shared = shared

    @classmethod
    def tier(cls, limit: tuple[int, float], **kwargs: Any) -> RateLimiter:
        """A limiter for one of HubSpot's tiers, e.g. ``RateLimiter.tier(FREE_OR_STARTER)``."""
        return cls(limit[0], limit[1], **kwargs)

    def __repr__(self) -> str:
        shared = f", shared={self.shared!r}" if self.shared is not None else ""
        return f"RateLimiter({self.max_requests}, {self.per_seconds:g}{shared})"

    def reserve(self) -> float:
        """Book the next start; returns how many seconds to wait before sending."""
        return self.book()[0]

    def book(self) -> tuple[float, Slot]:
        """Book the next start (in the shared window, if a sync one is given): (seconds to wait
        before sending, the slot to ``release`` when the answer is back)."""
        shared = self._sync_window()
        return self.book_here() if shared is None else shared.book(self)

    def book_here(self) -> tuple[float, Slot]:
        """Book the next start in this process' own window (what a shared window falls back to)."""
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

    def release(self, slot: Slot | None) -> None:
        """The request of ``slot`` has its answer, or failed: it reached HubSpot by now if at all,
        so its place in the window ends a window from now (sooner than the margin assumed, when
        the answer came quickly)."""
        if slot is None:
            return
        shared = self._sync_window()
        if shared is not None:
            shared.release(slot)
        else:
            self._release_here(slot)

    async def release_async(self, slot: Slot | None) -> None:
        """``release`` for async clients."""
        if slot is None:
            return
        shared = self._async_window()
        if shared is not None:
            await shared.release(slot)
        else:
            self._release_here(slot)

    def _release_here(self, slot: Slot) -> None:
        with self._lock:
            slot.at = self._clock()

    def _pause_here(self, seconds: float) -> None:
        with self._lock:
            self._floor = max(self._floor, self._clock() + seconds)

    def pause(self, seconds: float) -> None:
        """Hold every later request for ``seconds`` (HubSpot said to slow down); with a shared
        window, every request of the group."""
        self._pause_here(seconds)
        shared = self._sync_window()
        if shared is not None:
            shared.pause(seconds)

    async def pause_async(self, seconds: float) -> None:
        """``pause`` for async clients."""
        self._pause_here(seconds)
        shared = self._async_window()
        if shared is not None:
            await shared.pause(seconds)

    def acquire(self) -> Slot:
        """Wait (blocking this thread) until a request may start; ``release`` its slot after.

        A wait that overran its slot by more than half the margin (a stalled process, a busy
        event loop) gives the slot back and books again: later bookings, in every process of a
        shared window, already count on that slot's time.
        """
        shared = self._sync_window()
        for _ in range(_REBOOKINGS):
            wait, slot = self.book()
            due = self._clock() + wait
            if wait > 0:
                self._sleep(wait)
            if self._clock() - due <= self.margin / 2:
                break
            if shared is None:
                self._cancel_here(slot)
            else:
                shared.cancel(slot)
        return slot

    async def acquire_async(self) -> Slot:
        """Wait (without blocking the event loop) until a request may start (see acquire)."""
        shared = self._async_window()
        for _ in range(_REBOOKINGS):
            wait, slot = self.book_here() if shared is None else await shared.book(self)
            due = self._clock() + wait
            if wait > 0:
                await self._async_sleep(wait)
            if self._clock() - due <= self.margin / 2:
                break
            if shared is None:
                self._cancel_here(slot)
            else:
                await shared.cancel(slot)
        return slot

    def cancel(self, slot: Slot) -> None:
        """Give back a slot of this process' own window whose request was never sent."""
        self._cancel_here(slot)

    def _cancel_here(self, slot: Slot) -> None:
        with self._lock:
            if slot in self._slots:
                self._slots.remove(slot)

    def _sync_window(self) -> RedisWindow | None:
        from ._sync.shared_window import RedisWindow

        if self.shared is None or isinstance(self.shared, RedisWindow):
            return self.shared
        raise ClientValidationError(
            "an AsyncRedisWindow serves AsyncHubSpotAssociations; give HubSpotAssociations a "
            "RedisWindow with the same url and key"
        )

    def _async_window(self) -> AsyncRedisWindow | None:
        from ._async.shared_window import AsyncRedisWindow

        if self.shared is None or isinstance(self.shared, AsyncRedisWindow):
            return self.shared
        raise ClientValidationError(
            "a RedisWindow serves HubSpotAssociations; give AsyncHubSpotAssociations an "
            "AsyncRedisWindow with the same url and key"
        )
