"""Waiting for a rate-limit slot: the asynchronous half of ``RateLimiter``.

The arithmetic is ``_rate_window.LocalWindow`` (no waiting); a shared window, if any, books in
Redis. codegen/unasync.py writes the sync twin, so both clients wait by one rule.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from .._rate_window import AsyncSharedWindow, LocalWindow, Slot

__all__ = ["acquire", "book", "pause", "release"]

# A late wake-up books again at most this many times, then goes with the last slot.
REBOOKINGS: Final = 3


async def book(window: LocalWindow, shared: AsyncSharedWindow | None) -> tuple[float, Slot]:
    """Book the next start, in the shared window if there is one: (seconds to wait, slot)."""
    return window.book_here() if shared is None else await shared.book(window)


async def acquire(
    window: LocalWindow,
    shared: AsyncSharedWindow | None,
    sleep: Callable[[float], Awaitable[None]],
) -> Slot:
    """Wait until a request may start; ``release`` its slot after.

    A wait that overran its slot by more than half the margin (a stalled process, a busy event
    loop) gives the slot back and books again: later bookings, in every process of a shared
    window, already count on that slot's time.
    """
    for _ in range(REBOOKINGS):
        wait, slot = await book(window, shared)
        due = window.now() + wait
        if wait > 0:
            await sleep(wait)
        if window.now() - due <= window.margin / 2:
            break
        if shared is None:
            window.cancel_here(slot)
        else:
            await shared.cancel(slot)
    return slot


async def release(window: LocalWindow, shared: AsyncSharedWindow | None, slot: Slot) -> None:
    """The answer of ``slot``'s request is back (or it failed): end its place a window from now."""
    if shared is None:
        window.release_here(slot)
    else:
        await shared.release(slot)


async def pause(window: LocalWindow, shared: AsyncSharedWindow | None, seconds: float) -> None:
    """Hold every later request for ``seconds`` (with a shared window: the whole group's)."""
    window.pause_here(seconds)
    if shared is not None:
        await shared.pause(seconds)
