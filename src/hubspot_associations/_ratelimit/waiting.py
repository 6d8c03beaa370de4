# GENERATED FILE: do not edit. Made by codegen/unasync.py from _ratelimit/async_waiting.py;
# change that file and run `make generate`.
"""Waiting for a rate-limit slot: the synchronous half of rate limiting.

The transports call these with the client's limiter (``RateLimiter``, configuration). The
arithmetic is ``window.LocalWindow`` (no waiting); a shared window, if the limiter has one, books in
Redis, and one made for the other kind of client is refused with a ``ClientValidationError`` that
names the right one (``window_of``). codegen/unasync.py writes the sync module from the
async one, beside it, so both clients wait by one rule.
"""

from __future__ import annotations

from typing import Final

from .window import RateLimiterBase, Slot, window_of

__all__ = ["REBOOKINGS", "acquire", "book", "cancel", "pause", "release"]

# A late wake-up books again at most this many times, then goes with the last slot.
REBOOKINGS: Final = 3


def book(limiter: RateLimiterBase) -> tuple[float, Slot]:
    """Book the next start, in the shared window if there is one: (seconds to wait, the slot to
    ``release`` when the answer is back)."""
    shared = window_of(limiter.shared)
    return limiter.book_here() if shared is None else shared.book(limiter)


def acquire(limiter: RateLimiterBase) -> Slot:
    """Wait until a request may start; ``release`` its slot after.

    A wait that overran its slot by more than half the margin (a stalled process, a busy event
    loop) gives the slot back and books again: later bookings, in every process of a shared
    window, already count on that slot's time.
    """
    for _ in range(REBOOKINGS):
        wait, slot = book(limiter)
        due = limiter.now() + wait
        if wait > 0:
            limiter.sleep(wait)
        if limiter.now() - due <= limiter.margin / 2:
            break
        cancel(limiter, slot)
    return slot


def release(limiter: RateLimiterBase, slot: Slot) -> None:
    """The answer of ``slot``'s request is back (or it failed): it reached HubSpot by now if at
    all, so its place in the window ends a window from now."""
    shared = window_of(limiter.shared)
    if shared is None:
        limiter.release_here(slot)
    else:
        shared.release(slot)


def pause(limiter: RateLimiterBase, seconds: float) -> None:
    """Hold every later request for ``seconds`` (with a shared window: the whole group's)."""
    shared = window_of(limiter.shared)
    limiter.pause_here(seconds)
    if shared is not None:
        shared.pause(seconds)


def cancel(limiter: RateLimiterBase, slot: Slot) -> None:
    """Give back a slot whose request was never sent, in the window that booked it."""
    shared = window_of(limiter.shared)
    if shared is None:
        limiter.cancel_here(slot)
    else:
        shared.cancel(slot)
