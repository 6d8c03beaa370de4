"""httpx transports that rate-limit and retry every request of a client.

They sit under ``httpx.Client`` / ``httpx.AsyncClient``, so every operation, generated or
hand-written, gets the same behaviour. Each attempt first waits for the client's rate limiter.
After the last attempt the transport returns the last answer, whatever its status (the client turns
a non-2xx into a typed error), or raises the last connection error.

Retrying is safe for every HubSpot Associations operation, batch POSTs included: re-associating is
idempotent, archiving what is already gone changes nothing, and label and limit writes set the same
values again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Final

import httpx

from ._body import DEFAULT_MAX_BODY_BYTES, ERROR_BODY_BYTES, BodyReader
from ._deadline import deadline, deadline_transport
from ._rate_limit import RateLimiter
from ._retry import RetryPolicy, policy_name

__all__ = [
    "NOT_IDEMPOTENT",
    "RETRYABLE_ERRORS",
    "AsyncRetryingTransport",
    "OnRetry",
    "RetryingTransport",
]

logger = logging.getLogger("hubspot_associations")
# A request extension: the request must not be sent again once it may have reached HubSpot
# (creating a label twice answers "already exists"); only errors before sending are retried.
NOT_IDEMPOTENT: Final = "hubspot_associations.not_idempotent"
_NOT_SENT: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.ConnectTimeout)

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


class _Attempts:
    """The bookkeeping both transports share: attempts made, the call's deadline, the next wait.

    ``policy.total_timeout`` is the call's deadline, retries included: it bounds each attempt's
    connect, read and write timeouts and the reading of the body, not only when a retry starts.
    """

    def __init__(
        self, policy: RetryPolicy, clock: Callable[[], float], request: httpx.Request
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.started = clock()
        self.deadline = self.started + policy.total_timeout
        self.retries = 0
        self.request = request
        self.idempotent = not request.extensions.get(NOT_IDEMPOTENT)
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
        """Whether a connection error may be retried for this request."""
        return self.idempotent or isinstance(error, _NOT_SENT)

    def give_up(self, what: str, *, failed: bool = True) -> None:
        """Log that no retry follows (the caller gets the last answer or error): always after a
        connection error or the deadline, after an error status only if it was retried."""
        if failed or self.retries:
            logger.warning(
                "giving up on %s %s after %d retries: %s",
                self.request.method, _where(self.request), self.retries, what,
            )  # fmt: skip

    def wait_after(self, response: httpx.Response | None) -> float | None:
        """Seconds to wait before the next attempt, or None to stop here."""
        if response is not None and response.status_code < 400:
            return None
        delay = self.policy.delay_for(self.retries, response)
        if delay is None:
            return None
        if self.clock() + delay > self.deadline:
            return None
        self.retries += 1
        return delay


class _Counter:
    """A thread-safe count of retries, for observability."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self) -> None:
        with self._lock:
            self.value += 1


class RetryingTransport(httpx.BaseTransport):
    """Rate limiting and retries around another sync transport (default ``httpx.HTTPTransport``)."""

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_retry: OnRetry | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.inner = inner if inner is not None else deadline_transport()
        self.max_body_bytes = max_body_bytes
        self.policy = policy if policy is not None else RetryPolicy()
        self.limiter = limiter
        self.sleep = sleep
        self.clock = clock
        self.on_retry = on_retry
        self._retries = _Counter()

    @property
    def retries(self) -> int:
        """How many retries this transport has made in all."""
        return self._retries.value

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, and send again while the policy says the outcome may change."""
        request.read()  # a retry must send the same bytes again
        attempts: _Attempts | None = None
        while True:
            if self.limiter is not None:
                self.limiter.acquire()
            # The deadline starts with the first attempt: waiting for our own limiter is not
            # HubSpot being slow.
            attempts = attempts or _Attempts(self.policy, self.clock, request)
            reader = BodyReader(attempts.deadline, self.clock, self.max_body_bytes)
            try:
                attempts.clamp()
                with deadline(attempts.deadline - self.clock()):
                    response = self.inner.handle_request(request)
                    # The whole body is read here, within the deadline and the cap: a cut 2xx
                    # body is then a lost answer like any other, and is retried.
                    cap = ERROR_BODY_BYTES if response.status_code >= 400 else None
                    response = reader.read(response, request, truncate_at=cap)
            except RETRYABLE_ERRORS as error:
                delay = attempts.wait_after(None) if attempts.retryable(error) else None
                if delay is None:
                    attempts.give_up(repr(error))
                    raise
                self._before_retry(attempts, delay, None, error)
                continue
            delay = attempts.wait_after(response)
            if delay is None:
                if response.status_code >= 400:
                    attempts.give_up(f"status {response.status_code}", failed=False)
                return response
            if response.status_code == 429 and self.limiter is not None:
                self.limiter.pause(_shared_pause(response, delay, self.limiter))
            self._before_retry(attempts, delay, response, None)

    def _before_retry(
        self,
        attempts: _Attempts,
        delay: float,
        response: httpx.Response | None,
        error: Exception | None,
    ) -> None:
        self._retries.add()
        _log_retry(attempts, delay, response, error)
        if self.on_retry is not None:
            self.on_retry(attempts.retries, delay, response, error)
        self.sleep(delay)

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """Rate limiting and retries around another async transport (default AsyncHTTPTransport)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_retry: OnRetry | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.inner = inner if inner is not None else httpx.AsyncHTTPTransport()
        self.max_body_bytes = max_body_bytes
        self.policy = policy if policy is not None else RetryPolicy()
        self.limiter = limiter
        self.sleep = sleep
        self.clock = clock
        self.on_retry = on_retry
        self._retries = _Counter()

    @property
    def retries(self) -> int:
        """How many retries this transport has made in all."""
        return self._retries.value

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send, and send again while the policy says the outcome may change."""
        await request.aread()  # a retry must send the same bytes again
        attempts: _Attempts | None = None
        while True:
            if self.limiter is not None:
                await self.limiter.acquire_async()
            attempts = attempts or _Attempts(self.policy, self.clock, request)
            reader = BodyReader(attempts.deadline, self.clock, self.max_body_bytes)
            try:
                attempts.clamp()
                # asyncio can also cut an attempt in flight: the deadline holds even when a
                # single read would block longer than the read timeout allows.
                response = await asyncio.wait_for(
                    self._attempt(request, reader), max(0.0, attempts.deadline - self.clock())
                )
            except TimeoutError:
                error = httpx.ReadTimeout("the call's deadline passed", request=request)
                attempts.give_up(repr(error))
                raise error from None
            except RETRYABLE_ERRORS as error:
                delay = attempts.wait_after(None) if attempts.retryable(error) else None
                if delay is None:
                    attempts.give_up(repr(error))
                    raise
                await self._before_retry(attempts, delay, None, error)
                continue
            delay = attempts.wait_after(response)
            if delay is None:
                if response.status_code >= 400:
                    attempts.give_up(f"status {response.status_code}", failed=False)
                return response
            if response.status_code == 429 and self.limiter is not None:
                self.limiter.pause(_shared_pause(response, delay, self.limiter))
            await self._before_retry(attempts, delay, response, None)

    async def _attempt(self, request: httpx.Request, reader: BodyReader) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        cap = ERROR_BODY_BYTES if response.status_code >= 400 else None
        return await reader.aread(response, request, truncate_at=cap)

    async def _before_retry(
        self,
        attempts: _Attempts,
        delay: float,
        response: httpx.Response | None,
        error: Exception | None,
    ) -> None:
        self._retries.add()
        _log_retry(attempts, delay, response, error)
        if self.on_retry is not None:
            self.on_retry(attempts.retries, delay, response, error)
        await self.sleep(delay)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


def _shared_pause(response: httpx.Response, delay: float, limiter: RateLimiter) -> float:
    """How long every request of the client holds back after this 429.

    For HubSpot's rolling ten-second window our own limiter already spaces requests, so a 429
    means a few arrived bunched: holding every request for the retry's whole backoff would cost far
    more than it saves. One slot's worth of the limit is enough. Other 429s hold back fully.
    """
    if policy_name(response) == "TEN_SECONDLY_ROLLING":
        return min(delay, limiter.per_seconds / limiter.max_requests)
    return delay


def _where(request: httpx.Request) -> str:
    """The request's address without its query (never a header: the token stays out)."""
    return str(request.url.copy_with(query=None))


def _log_retry(
    attempts: _Attempts, delay: float, response: httpx.Response | None, error: Exception | None
) -> None:
    what = f"status {response.status_code}" if response is not None else repr(error)
    logger.info(
        "retry %d of %s %s in %.2f s after %s",
        attempts.retries, attempts.request.method, _where(attempts.request), delay, what,
    )  # fmt: skip
