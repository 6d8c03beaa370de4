"""What the retrying transports (``_async/transport.py`` and its generated sync twin) share:
the bookkeeping of one call's attempts, the retry counter, the pause after a 429, the log lines.

The transports sit under ``httpx.Client`` / ``httpx.AsyncClient``, so every operation, generated
or hand-written, gets the same behaviour.

Reads and idempotent writes (re-associating, archiving what is gone, updates) are resent after a
lost answer. A request marked ``NOT_IDEMPOTENT`` (``_lost_answers.NOT_IDEMPOTENT_OPERATIONS``) is
resent only after errors that prove it never reached a server; the facade handles its lost answers.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Final

import attrs
import httpx

from .._calls.options import CALL_MAX_RETRIES, CALL_TIMEOUT
from .._exceptions import safe_url
from .._ratelimit.limiter import RateLimiter
from .retry import RetryPolicy, policy_name, requests_remain

__all__ = [
    "MAY_HAVE_REACHED",
    "NOT_IDEMPOTENT",
    "RETRYABLE_ERRORS",
    "Attempts",
    "Counter",
    "OnRetry",
    "RecentOutcomes",
    "give_up_lost",
    "log_retry",
    "shared_pause",
]

logger = logging.getLogger("hubspot_associations")
# A request extension: the request must not be sent again once it may have reached HubSpot
# (creating a label twice answers "already exists"); only errors before sending are retried.
NOT_IDEMPOTENT: Final = "hubspot_associations.not_idempotent"
_NOT_SENT: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.ConnectTimeout)
# A request extension the transport sets when it gives up on a connection error: whether any
# attempt may have reached the server (False: every attempt failed to connect, nothing was sent).
MAY_HAVE_REACHED: Final = "hubspot_associations.may_have_reached"

# Called before each retry's wait with (retry number from 1, seconds it will wait, the answer that
# is being retried or None, the connection error or None).
OnRetry = Callable[[int, float, "httpx.Response | None", "Exception | None"], None]

# Errors where the request may not have reached HubSpot, or its answer was lost. Others (a bad
# URL, an unsupported protocol) fail the same way every time.
RETRYABLE_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


class Attempts:
    """The bookkeeping both transports share: attempts made, the call's deadline, the next wait.

    ``policy.total_timeout`` is the call's deadline, retries included: it bounds each attempt's
    connect, read and write timeouts and the reading of the body, not only when a retry starts.
    """

    def __init__(
        self, policy: RetryPolicy, clock: Callable[[], float], request: httpx.Request
    ) -> None:
        # A call's own options (client.with_options, timeout=) come as request extensions.
        timeout = request.extensions.get(CALL_TIMEOUT)
        if timeout is not None:
            policy = attrs.evolve(policy, total_timeout=timeout)
        retries = request.extensions.get(CALL_MAX_RETRIES)
        if retries is not None:
            policy = policy.with_max_retries(retries)
        self.policy = policy
        self.clock = clock
        self.started = clock()
        self.deadline = self.started + policy.total_timeout
        self.retries = 0
        self.request = request
        self.idempotent = not request.extensions.get(NOT_IDEMPOTENT)
        self.reached = False
        self._timeouts = dict(request.extensions.get("timeout") or {})

    def clamp(self) -> None:
        """Give the next attempt no more time than the call has left."""
        left = self.deadline - self.clock()
        if left <= 0:
            raise httpx.ReadTimeout("the call's deadline passed", request=self.request)
        self.request.extensions["timeout"] = {
            key: left if value is None else min(value, left)
            for key, value in (
                self._timeouts or dict.fromkeys(("connect", "read", "write", "pool"))
            ).items()
        }

    def retryable(self, error: Exception) -> bool:
        """Whether a connection error may be retried for this request (noting whether the
        request may have reached the server so far)."""
        if not isinstance(error, _NOT_SENT):
            self.reached = True
        self.request.extensions[MAY_HAVE_REACHED] = self.reached
        return self.idempotent or isinstance(error, _NOT_SENT)

    def give_up(self, what: str, *, failed: bool = True) -> None:
        """Log that no retry follows (the caller gets the last answer or error): always after a
        connection error or the deadline, after an error status only if it was retried.

        Not for a lost answer of a request marked ``NOT_IDEMPOTENT`` that may have reached the
        server: the facade's lost-answer rule takes it from here and often completes the call
        (a read confirms it, or a resend does it), so a warning now would report a failure the
        caller never sees. The facade logs :func:`give_up_lost` when the error does escape."""
        if failed and self.reached and not self.idempotent:
            return
        if failed or self.retries:
            logger.warning(
                "giving up on %s %s after %d retries: %s",
                self.request.method, _where(self.request), self.retries, what,
            )  # fmt: skip

    def wait_after(
        self, response: httpx.Response | None, *, isolated: bool = False
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to stop here."""
        if response is not None:
            self.reached = True
        if response is not None and response.status_code < 400:
            return None
        delay = self.policy.delay_for(self.retries, response, isolated=isolated)
        if delay is None:
            return None
        if self.clock() + delay > self.deadline:
            return None
        self.retries += 1
        return delay


class RecentOutcomes:
    """The last attempts of a client, faulted or not: tells a blip from an outage.

    A fault is a 5xx, a 429 or no answer; a 4xx is HubSpot working. A fault is isolated when
    fewer than a fifth of the last 50 attempts (at least 10 seen) were faults.
    """

    SIZE: Final = 50
    SEEN: Final = 10
    SHARE: Final = 0.2

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: deque[bool] = deque(maxlen=self.SIZE)

    def record(self, response: httpx.Response | None) -> None:
        """One attempt's outcome (None: no answer)."""
        fault = response is None or response.status_code == 429 or response.status_code >= 500
        with self._lock:
            self._faults.append(fault)

    def isolated(self) -> bool:
        """Whether faults are rare enough lately to retry after the short wait."""
        with self._lock:
            seen = len(self._faults)
            return seen >= self.SEEN and sum(self._faults) < self.SHARE * seen


class Counter:
    """A thread-safe count of retries, for observability."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self) -> None:
        with self._lock:
            self.value += 1


def shared_pause(response: httpx.Response, delay: float, limiter: RateLimiter) -> float:
    """How long every request of the client holds back after this 429.

    X-HubSpot-RateLimit-Remaining is HubSpot's own count, which also sees other apps' and
    processes' requests: a 429 saying requests remain in the window is not about the window
    (nobody else waits for it). For HubSpot's rolling ten-second window our own limiter already
    spaces requests, so a 429 means a few arrived bunched or someone else spent the budget:
    holding every request for the retry's whole backoff would cost far more than it saves. One
    slot's worth of the limit is enough. Other 429s hold back fully.
    """
    if requests_remain(response):
        return 0.0
    if policy_name(response) == "TEN_SECONDLY_ROLLING":
        return min(delay, limiter.per_seconds / limiter.max_requests)
    return delay


def _where(request: httpx.Request) -> str:
    """The request's address without its query (never a header, nor a token in the path of
    HubSpot's OAuth introspection: the token stays out)."""
    return safe_url(request.url.copy_with(query=None))


def give_up_lost(method: str | None, url: str | None, sends: int, what: object) -> None:
    """Log that a write not safe to resend gives up after its answer was lost: the facade's
    lost-answer rule (``_lost_answers``) could not complete it, and the error reaches the
    caller. ``url`` is the error's, with credential-bearing parameters redacted."""
    logger.warning(
        "giving up on %s %s after %d send(s), the answer lost: %s", method, url, sends, what
    )


def log_retry(
    attempts: Attempts, delay: float, response: httpx.Response | None, error: Exception | None
) -> None:
    what = f"status {response.status_code}" if response is not None else repr(error)
    logger.info(
        "retry %d of %s %s in %.2f s after %s",
        attempts.retries, attempts.request.method, _where(attempts.request), delay, what,
    )  # fmt: skip
