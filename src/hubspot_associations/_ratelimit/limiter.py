"""A client's rate limit, as configuration: shaped like HubSpot's rolling windows.

HubSpot counts requests per app in a rolling 10-second window (100, 190 or 250 by plan). A
``RateLimiter`` says what the limit is (``max_requests`` starts in any window of ``per_seconds``,
a margin, an optional burst, a shared window) and holds its window's bookings; a client given one
(``rate_limit=``) queues its requests in order instead of letting them hit 429. One limiter serves
a client's sync and async calls alike (it is thread-safe and never blocks the event loop).

With ``shared=`` a ``RedisWindow`` (sync clients) or ``AsyncRedisWindow`` (async clients), the same
rule holds for every process and machine naming the same key: the starts are booked in Redis.

The arithmetic is ``window.py`` (pure: no sleeping, no I/O, no shared window imported); the
waiting is ``async_waiting.py`` and its generated sync twin, which the transports call. Neither
imports this module, so there is no cycle. The waiting methods ``RateLimiter`` still has delegate
to them and are deprecated: a limiter is configuration, the client waits for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from .._deprecation import deprecated
from . import async_waiting, waiting
from .window import AsyncSharedWindow, RateLimiterBase, SharedWindow, Slot

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
    """At most ``max_requests`` request starts in any window of ``per_seconds`` seconds.

    Configuration: give it to a client (``rate_limit=``), or to several to share one window; the
    client waits for it before each request, releases each slot when the answer is back and
    pauses it after a 429.
    """

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

    # The waiting methods before 0.2, kept until 0.3.0: thin delegations to waiting.py and
    # async_waiting.py, which the transports call. Each message is a literal: a type checker reads
    # a deprecation message only from a string literal.

    @deprecated(
        "RateLimiter.reserve() is deprecated: a RateLimiter is configuration; give it to a client "
        "(rate_limit=limiter), which books and waits for each request's slot itself; the method "
        "will be removed in 0.3.0"
    )
    def reserve(self) -> float:
        """Book the next start; returns how many seconds to wait before sending."""
        return waiting.book(self)[0]

    @deprecated(
        "RateLimiter.book() is deprecated: a RateLimiter is configuration; give it to a client "
        "(rate_limit=limiter), which books and waits for each request's slot itself; the method "
        "will be removed in 0.3.0"
    )
    def book(self) -> tuple[float, Slot]:
        """Book the next start (in the shared window, if a sync one is given): (seconds to wait
        before sending, the slot to ``release`` when the answer is back)."""
        return waiting.book(self)

    @deprecated(
        "RateLimiter.release() is deprecated: a RateLimiter is configuration; give it to a client "
        "(rate_limit=limiter), which releases each slot when the answer is back; the method will "
        "be removed in 0.3.0"
    )
    def release(self, slot: Slot | None) -> None:
        """The request of ``slot`` has its answer, or failed: it reached HubSpot by now if at all,
        so its place in the window ends a window from now (sooner than the margin assumed, when
        the answer came quickly)."""
        if slot is not None:
            waiting.release(self, slot)

    @deprecated(
        "RateLimiter.release_async() is deprecated: a RateLimiter is configuration; give it to an "
        "async client (rate_limit=limiter), which releases each slot when the answer is back; the "
        "method will be removed in 0.3.0"
    )
    async def release_async(self, slot: Slot | None) -> None:
        """``release`` for async clients."""
        if slot is not None:
            await async_waiting.release(self, slot)

    @deprecated(
        "RateLimiter.pause() is deprecated: a RateLimiter is configuration; give it to a client "
        "(rate_limit=limiter), which pauses it (and a shared window's group) after a 429; the "
        "method will be removed in 0.3.0"
    )
    def pause(self, seconds: float) -> None:
        """Hold every later request for ``seconds`` (HubSpot said to slow down); with a shared
        window, every request of the group."""
        waiting.pause(self, seconds)

    @deprecated(
        "RateLimiter.pause_async() is deprecated: a RateLimiter is configuration; give it to an "
        "async client (rate_limit=limiter), which pauses it (and a shared window's group) after a "
        "429; the method will be removed in 0.3.0"
    )
    async def pause_async(self, seconds: float) -> None:
        """``pause`` for async clients."""
        await async_waiting.pause(self, seconds)

    @deprecated(
        "RateLimiter.acquire() is deprecated: a RateLimiter is configuration; give it to a client "
        "(rate_limit=limiter), which waits for a slot before each request; the method will be "
        "removed in 0.3.0"
    )
    def acquire(self) -> Slot:
        """Wait (blocking this thread) until a request may start; ``release`` its slot after.

        A wait that overran its slot by more than half the margin (a stalled process, a busy
        event loop) gives the slot back and books again: later bookings, in every process of a
        shared window, already count on that slot's time.
        """
        return waiting.acquire(self)

    @deprecated(
        "RateLimiter.acquire_async() is deprecated: a RateLimiter is configuration; give it to an "
        "async client (rate_limit=limiter), which waits for a slot before each request; the method "
        "will be removed in 0.3.0"
    )
    async def acquire_async(self) -> Slot:
        """Wait (without blocking the event loop) until a request may start (see acquire)."""
        return await async_waiting.acquire(self)

    @deprecated(
        "RateLimiter.cancel() is deprecated: a RateLimiter is configuration; give it to a client "
        "(rate_limit=limiter), which gives back the slot of a request it did not send; the method "
        "will be removed in 0.3.0"
    )
    def cancel(self, slot: Slot) -> None:
        """Give back a slot of this process' own window whose request was never sent."""
        self.cancel_here(slot)
