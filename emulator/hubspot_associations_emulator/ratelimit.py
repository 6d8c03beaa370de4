"""A rolling-window request limit, like HubSpot's ten-secondly burst limit."""

from __future__ import annotations

import time
from collections import deque


class RollingLimit:
    """At most ``max_requests`` in any ``interval`` seconds."""

    def __init__(self, max_requests: int, interval: float) -> None:
        self.max_requests = max_requests
        self.interval = interval
        self._times: deque[float] = deque()

    def hit(self, now: float | None = None) -> tuple[bool, int]:
        """Count one request: (allowed, remaining after it)."""
        now = time.monotonic() if now is None else now
        times = self._times
        while times and times[0] <= now - self.interval:
            times.popleft()
        if len(times) >= self.max_requests:
            return False, 0
        times.append(now)
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


def parse_rate_limit(text: str) -> tuple[int, float]:
    """``N/SECONDS`` (e.g. ``100/10``) as (requests, seconds)."""
    count, sep, seconds = text.partition("/")
    if not sep:
        raise ValueError(f"rate limit {text!r} is not N/SECONDS")
    n, s = int(count), float(seconds)
    if n < 1 or s <= 0:
        raise ValueError("rate limit needs N >= 1 and SECONDS > 0")
    return n, s
