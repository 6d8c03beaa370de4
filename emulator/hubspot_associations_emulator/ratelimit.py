"""A rolling-window request limit, like HubSpot's ten-secondly burst limit."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from . import errors


class RollingLimit:
    """At most ``max_requests`` in any ``interval`` seconds."""

    def __init__(self, max_requests: int, interval: float) -> None:
        self.max_requests = max_requests
        self.interval = interval
        self._times: deque[float] = deque()
        # The most requests any window held: how fully a client used the limit.
        self.peak = 0

    def hit(self, now: float | None = None) -> tuple[bool, int]:
        """Count one request: (allowed, remaining after it)."""
        now = time.monotonic() if now is None else now
        times = self._times
        while times and times[0] <= now - self.interval:
            times.popleft()
        if len(times) >= self.max_requests:
            return False, 0
        times.append(now)
        self.peak = max(self.peak, len(times))
        return True, self.max_requests - len(times)

    def headers(self, remaining: int) -> list[tuple[bytes, bytes]]:
        """HubSpot's X-HubSpot-RateLimit-* headers."""
        return [
            (b"x-hubspot-ratelimit-max", str(self.max_requests).encode()),
            (b"x-hubspot-ratelimit-remaining", str(remaining).encode()),
            (b"x-hubspot-ratelimit-interval-milliseconds", str(int(self.interval * 1000)).encode()),
        ]

    def reset(self) -> None:
        """Forget past requests."""
        self._times.clear()
        self.peak = 0


# Bounds of a rate limit: N an int32 from 1, a window above 0 and at most a day (HubSpot's longest).
MAX_REQUESTS = 2**31 - 1
MAX_SECONDS = 86_400


def check_rate_limit(requests: object, seconds: object) -> tuple[int, float]:
    """(requests, seconds) when both are in range, else ValueError saying which is not."""
    if isinstance(requests, bool) or not isinstance(requests, int):
        raise ValueError(f"requests must be an integer from 1 to {MAX_REQUESTS}")
    if not 1 <= requests <= MAX_REQUESTS:
        raise ValueError(f"requests must be an integer from 1 to {MAX_REQUESTS}")
    # NaN and infinities fail the comparison, and a huge integer is compared without a float.
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not 0 < seconds <= MAX_SECONDS
    ):
        raise ValueError(f"seconds must be a finite number above 0 and at most {MAX_SECONDS}")
    return requests, float(seconds)


def parse_rate_limit(text: str) -> tuple[int, float]:
    """``N/SECONDS`` (e.g. ``100/10``) as (requests, seconds)."""
    count, sep, seconds = text.partition("/")
    if not sep:
        raise ValueError(f"rate limit {text!r} is not N/SECONDS")
    return check_rate_limit(int(count), float(seconds))


_RATE_LIMIT_FIELDS = ("requests", "seconds")


def rate_limit_body(body: Any) -> tuple[int, float] | None:
    """The body of PUT /_emulator/rate-limit as (requests, seconds), or None for no limit."""
    if body is None:
        return None
    if not isinstance(body, dict):
        raise errors.validation(
            'The body must be {"requests": N, "seconds": S}, or null for no rate limit'
        )
    unknown = sorted(set(body) - set(_RATE_LIMIT_FIELDS))
    if unknown:
        raise errors.validation(
            f"Unknown fields: {unknown}; a rate limit has only requests and seconds"
        )
    requests, seconds = body.get("requests"), body.get("seconds")
    if requests is None:
        if seconds is not None:
            raise errors.validation("seconds must be null when requests is null (no rate limit)")
        return None
    if seconds is None:
        raise errors.missing_fields("seconds")
    try:
        return check_rate_limit(requests, seconds)
    except ValueError as exc:
        raise errors.validation(str(exc)) from None
