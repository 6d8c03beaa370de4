"""When and how long to wait before sending a request again.

A request HubSpot answered with a retryable status (429, 5xx) was not applied, and is sent again.
A request whose answer was lost may have been: the idempotent writes (associating twice leaves one
association, archiving what is gone is a no-op, an update sets the same values) are resent like a
GET; the others are marked not idempotent and resent only when no attempt reached a server, the
facade deciding the rest (``_lost_answers.LOST_ANSWER_RULES``).
"""

from __future__ import annotations

import email.utils
import random
import time
from typing import Final

import attrs
import httpx

from .._exceptions import error_body

__all__ = ["RETRY_STATUSES", "RetryPolicy", "hinted_delay", "requests_remain"]

# 408 timeout, 423 locked (HubSpot: wait at least 2 s), 429 rate limited, 477 migration in
# progress; any other 5xx (HubSpot's 52x included) is matched by range, except 501 Not Implemented,
# which no retry will change.
RETRY_STATUSES: Final = frozenset({408, 423, 429, 477})
_LOCKED_WAIT: Final = 2.0
# Without a header saying how long the window is, wait for one whole window of the named policy.
_REMAINING: Final = "x-hubspot-ratelimit-remaining"
_POLICY_WINDOWS: Final = {"TEN_SECONDLY_ROLLING": 10.0, "SECONDLY": 1.0}


@attrs.frozen
class RetryPolicy:
    """Capped exponential backoff with jitter, honouring HubSpot's hints, within a time bound.

    ``jitter`` is the fraction by which each backoff is spread either way; ``total_timeout``
    bounds the time from the first attempt to the last retry's start.
    """

    max_retries: int = 4
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    jitter: float = 0.25
    total_timeout: float = 60.0
    retry_statuses: frozenset[int] = RETRY_STATUSES
    # A fault among mostly good answers (see _transport.RecentOutcomes) is a blip: its retry
    # starts from this shorter wait, so a bulk job pays little more than the faulted request.
    # During an outage the full backoff applies. Server hints (Retry-After, policies) still rule.
    # Last, so that positional construction of the earlier fields keeps its meaning.
    isolated_backoff: float = 0.025

    def with_max_retries(self, max_retries: int) -> RetryPolicy:
        """The same policy with another retry count (0 turns retries off)."""
        return attrs.evolve(self, max_retries=max_retries)

    def should_retry_status(self, status: int) -> bool:
        """Whether an answer with this status may succeed if sent again."""
        return status in self.retry_statuses or (500 <= status < 600 and status != 501)

    def backoff(
        self, attempt: int, rng: random.Random | None = None, *, isolated: bool = False
    ) -> float:
        """The exponential wait before retry number ``attempt + 1``, capped, with jitter."""
        first = (
            min(self.isolated_backoff, self.initial_backoff) if isolated else self.initial_backoff
        )
        base = min(self.max_backoff, first * 2.0**attempt)
        spread = base * self.jitter
        if not spread:
            return base
        offset: float = (rng or random).uniform(-spread, spread)
        return max(0.0, base + offset)

    def delay_for(
        self,
        attempt: int,
        response: httpx.Response | None,
        rng: random.Random | None = None,
        *,
        isolated: bool = False,
    ) -> float | None:
        """Seconds to wait before retrying, or None when this outcome must not be retried.

        ``response`` is None when the attempt got no answer (connection error or timeout);
        ``isolated`` says the fault came among mostly good answers (``isolated_backoff``). A
        429 is a blip only when its headers say requests remain: with none left, it is about
        the window, which the short wait would not outlast.
        """
        if attempt >= self.max_retries:
            return None
        if response is None:
            return self.backoff(attempt, rng, isolated=isolated)
        if not self.should_retry_status(response.status_code):
            return None
        policy = policy_name(response)
        if policy == "DAILY":
            return None  # the daily quota resets at midnight: retrying only spends error budget
        hinted = hinted_delay(response)
        blip = isolated and (response.status_code != 429 or requests_remain(response))
        delay = self.backoff(attempt, rng, isolated=blip)
        if policy == "TEN_SECONDLY_ROLLING" and "retry-after" not in response.headers:
            # A rolling window frees a slot as soon as its oldest request ages out, usually long
            # before a whole window has passed: waiting the full interval would stall a bulk job
            # for 10 s per 429. Back off exponentially instead, never longer than one window.
            window = hinted or _POLICY_WINDOWS[policy]
            return min(delay, window)
        if hinted is None and policy is not None:
            hinted = _POLICY_WINDOWS.get(policy)
        if response.status_code == 423:
            hinted = max(hinted or 0.0, _LOCKED_WAIT)
        return max(delay, hinted) if hinted is not None else delay


def hinted_delay(response: httpx.Response, now: float | None = None) -> float | None:
    """The wait HubSpot asked for: Retry-After, or the rate-limit window when none is left.

    A 429 whose headers say requests remain in the window needs no more than the plain backoff.
    """
    retry_after = response.headers.get("retry-after")
    if retry_after:
        seconds = _retry_after_seconds(retry_after, time.time() if now is None else now)
        if seconds is not None:
            return seconds
    remaining = _int_header(response, _REMAINING)
    interval = _int_header(response, "x-hubspot-ratelimit-interval-milliseconds")
    if requests_remain(response):
        return 0.0
    if remaining is not None and interval is not None and interval > 0:
        return interval / 1000.0
    return None


def policy_name(response: httpx.Response) -> str | None:
    """The ``policyName`` of a 429 body (TEN_SECONDLY_ROLLING, SECONDLY, DAILY), if any."""
    if response.status_code != 429 or not response.content:
        return None
    body = error_body(response)
    name = body.get("policyName") if isinstance(body, dict) else None
    return name.upper() if isinstance(name, str) else None


def _retry_after_seconds(value: str, now: float) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, parsed.timestamp() - now)


def requests_remain(response: httpx.Response) -> bool:
    """Whether HubSpot's X-HubSpot-RateLimit-Remaining says requests remain in the window (its
    own count, which also sees other apps' and processes' requests)."""
    remaining = _int_header(response, _REMAINING)
    return remaining is not None and remaining > 0


def _int_header(response: httpx.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None
