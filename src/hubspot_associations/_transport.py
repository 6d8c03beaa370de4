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
import threading
import time
from collections.abc import Awaitable, Callable

import httpx

from ._rate_limit import RateLimiter
from ._retry import RetryPolicy, policy_name

__all__ = ["RETRYABLE_ERRORS", "AsyncRetryingTransport", "OnRetry", "RetryingTransport"]

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
    """The bookkeeping both transports share: attempts made, time spent, the next wait."""

    def __init__(self, policy: RetryPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self.clock = clock
        self.started = clock()
        self.retries = 0

    def wait_after(self, response: httpx.Response | None) -> float | None:
        """Seconds to wait before the next attempt, or None to stop here."""
        if response is not None and response.status_code < 400:
            return None
        delay = self.policy.delay_for(self.retries, response)
        if delay is None:
            return None
        if self.clock() - self.started + delay > self.policy.total_timeout:
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
    ) -> None:
        self.inner = inner if inner is not None else httpx.HTTPTransport()
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
        attempts = _Attempts(self.policy, self.clock)
        while True:
            if self.limiter is not None:
                self.limiter.acquire()
            try:
                response = self.inner.handle_request(request)
            except RETRYABLE_ERRORS as error:
                delay = attempts.wait_after(None)
                if delay is None:
                    raise
                self._before_retry(attempts.retries, delay, None, error)
                continue
            if response.status_code >= 400:
                # The retry decision may read the body (a 429's policyName); error bodies are small.
                response.read()
            delay = attempts.wait_after(response)
            if delay is None:
                return response
            response.read()
            response.close()
            if response.status_code == 429 and self.limiter is not None:
                self.limiter.pause(_shared_pause(response, delay, self.limiter))
            self._before_retry(attempts.retries, delay, response, None)

    def _before_retry(
        self, retry: int, delay: float, response: httpx.Response | None, error: Exception | None
    ) -> None:
        self._retries.add()
        if self.on_retry is not None:
            self.on_retry(retry, delay, response, error)
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
    ) -> None:
        self.inner = inner if inner is not None else httpx.AsyncHTTPTransport()
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
        attempts = _Attempts(self.policy, self.clock)
        while True:
            if self.limiter is not None:
                await self.limiter.acquire_async()
            try:
                response = await self.inner.handle_async_request(request)
            except RETRYABLE_ERRORS as error:
                delay = attempts.wait_after(None)
                if delay is None:
                    raise
                await self._before_retry(attempts.retries, delay, None, error)
                continue
            if response.status_code >= 400:
                await response.aread()
            delay = attempts.wait_after(response)
            if delay is None:
                return response
            await response.aread()
            await response.aclose()
            if response.status_code == 429 and self.limiter is not None:
                self.limiter.pause(_shared_pause(response, delay, self.limiter))
            await self._before_retry(attempts.retries, delay, response, None)

    async def _before_retry(
        self, retry: int, delay: float, response: httpx.Response | None, error: Exception | None
    ) -> None:
        self._retries.add()
        if self.on_retry is not None:
            self.on_retry(retry, delay, response, error)
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
