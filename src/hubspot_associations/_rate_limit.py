"""A client-side rate limiter shaped like HubSpot's rolling windows.

HubSpot counts requests per app in a rolling 10-second window (100, 190 or 250 by plan). The
limiter hands out start times so that no window of ``per_seconds`` ever holds more than
``max_requests`` starts, queueing callers in order instead of letting them hit 429. One limiter
serves a client's sync and async calls alike (it is thread-safe and never blocks the event loop).

With ``shared=`` a ``RedisWindow`` (sync clients) or ``AsyncRedisWindow`` (async clients), the same
rule holds for every process and machine naming the same key: the starts are booked in Redis.

The arithmetic is ``_rate_window`` (pure: no sleeping, no I/O, no shared window imported); the
waiting is ``_async/limiter.py`` and its generated sync twin, which the transports call and the
public methods below delegate to. None of them imports this module, so there is no cycle.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from ._async import limiter as async_waiting
from ._rate_window import AsyncSharedWindow, RateLimiterBase, SharedWindow, Slot
from ._sync import limiter as waiting

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


class RateLimiter(RateLimiterBase):
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
        shared: SharedWindow | AsyncSharedWindow | None = None,
    ) -> None:
        super().__init__(
            max_requests,
            per_seconds,
            clock=clock,
            sleep=sleep,
            async_sleep=async_sleep,
            margin=margin,
            burst=burst,
            shared=shared,
        )

    @classmethod
    def tier(cls, limit: tuple[int, float], **kwargs: Any) -> RateLimiter:
        """A limiter for one of HubSpot's tiers, e.g. ``RateLimiter.tier(FREE_OR_STARTER)``."""
        return cls(limit[0], limit[1], **kwargs)

    def __repr__(self) -> str:
        shared = f", shared={self.shared!r}" if self.shared is not None else ""
        return f"RateLimiter({self.max_requests}, {self.per_seconds:g}{shared})"

    # The public waiting methods: thin delegations to _sync/limiter.py and _async/limiter.py.

    def reserve(self) -> float:
        """Book the next start; returns how many seconds to wait before sending."""
        return self.book()[0]

    def book(self) -> tuple[float, Slot]:
        """Book the next start (in the shared window, if a sync one is given): (seconds to wait
        before sending, the slot to ``release`` when the answer is back)."""
        return waiting.book(self)

    def release(self, slot: Slot | None) -> None:
        """The request of ``slot`` has its answer, or failed: it reached HubSpot by now if at all,
        so its place in the window ends a window from now (sooner than the margin assumed, when
        the answer came quickly)."""
        if slot is not None:
            waiting.release(self, slot)

    async def release_async(self, slot: Slot | None) -> None:
        """``release`` for async clients."""
        if slot is not None:
            await async_waiting.release(self, slot)

    def pause(self, seconds: float) -> None:
        """Hold every later request for ``seconds`` (HubSpot said to slow down); with a shared
        window, every request of the group."""
        waiting.pause(self, seconds)

    async def pause_async(self, seconds: float) -> None:
        """``pause`` for async clients."""
        await async_waiting.pause(self, seconds)

    def acquire(self) -> Slot:
        """Wait (blocking this thread) until a request may start; ``release`` its slot after.

        A wait that overran its slot by more than half the margin (a stalled process, a busy
        event loop) gives the slot back and books again: later bookings, in every process of a
        shared window, already count on that slot's time.
        """
        return waiting.acquire(self)

    async def acquire_async(self) -> Slot:
        """Wait (without blocking the event loop) until a request may start (see acquire)."""
        return await async_waiting.acquire(self)

    def cancel(self, slot: Slot) -> None:
        """Give back a slot of this process' own window whose request was never sent."""
        self.cancel_here(slot)
