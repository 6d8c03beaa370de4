"""The transports under a client: rate limit and retries, then the release's paths.

``AsyncRetryingTransport`` waits for the client's rate limiter before each attempt, bounds each
attempt and the reading of its body by the call's deadline, and retries what the policy says may
change; after the last attempt it returns the last answer (the client turns a non-2xx into a
typed error) or raises the last connection error. ``AsyncVersionedTransport`` sends each request
to the chosen release's path. The bookkeeping both twins share is in ``_transport.py``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable

import httpx

from .._primitives import async_default_transport, async_wait_seconds, async_within
from .._ratelimit import async_waiting
from .._ratelimit.limiter import RateLimiter
from .._ratelimit.window import Slot
from .._transports.body import DEFAULT_MAX_BODY_BYTES, ERROR_BODY_BYTES, BodyReader
from .._transports.retry import RetryPolicy
from .._transports.shared import (
    RETRYABLE_ERRORS,
    Attempts,
    Counter,
    OnRetry,
    RecentOutcomes,
    log_retry,
    shared_pause,
)
from .._versions import RELEASES, ApiVersion, rewrite_path
from .body import read_body

__all__ = ["AsyncRetryingTransport", "AsyncVersionedTransport"]


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """Rate limiting and retries around another transport (by default httpx's own)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = async_wait_seconds,
        clock: Callable[[], float] = time.monotonic,
        on_retry: OnRetry | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.inner = inner if inner is not None else async_default_transport()
        self.max_body_bytes = max_body_bytes
        self.policy = policy if policy is not None else RetryPolicy()
        self.limiter = limiter
        self.sleep = sleep
        self.clock = clock
        self.on_retry = on_retry
        self._retries = Counter()
        self._outcomes = RecentOutcomes()

    @property
    def retries(self) -> int:
        """How many retries this transport has made in all."""
        return self._retries.value

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send, and send again while the policy says the outcome may change."""
        await request.aread()  # a retry must send the same bytes again
        attempts: Attempts | None = None
        while True:
            slot = await async_waiting.acquire(self.limiter) if self.limiter is not None else None
            # The deadline starts with the first attempt: waiting for our own limiter is not
            # HubSpot being slow.
            attempts = attempts or Attempts(self.policy, self.clock, request)
            reader = BodyReader(attempts.deadline, self.clock, self.max_body_bytes)
            try:
                attempts.clamp()
                response = await async_within(
                    attempts.deadline - self.clock(),
                    request,
                    functools.partial(self._attempt, request, reader),
                )
            except RETRYABLE_ERRORS as error:
                await self._release(slot)
                self._outcomes.record(None)
                isolated = self._outcomes.isolated()
                retry = attempts.retryable(error)
                delay = attempts.wait_after(None, isolated=isolated) if retry else None
                if delay is None:
                    attempts.give_up(repr(error))
                    raise
                await self._before_retry(attempts, delay, None, error)
                continue
            except BaseException:
                await self._release(slot)
                raise
            await self._release(slot)
            self._outcomes.record(response)
            delay = attempts.wait_after(response, isolated=self._outcomes.isolated())
            if delay is None:
                if response.status_code >= 400:
                    attempts.give_up(f"status {response.status_code}", failed=False)
                return response
            if response.status_code == 429 and self.limiter is not None:
                pause = shared_pause(response, delay, self.limiter)
                if pause > 0:
                    await async_waiting.pause(self.limiter, pause)
            await self._before_retry(attempts, delay, response, None)

    async def _release(self, slot: Slot | None) -> None:
        """The attempt is over: the limiter may count its window from now (see RateLimiter)."""
        if self.limiter is not None and slot is not None:
            await async_waiting.release(self.limiter, slot)

    async def _attempt(self, request: httpx.Request, reader: BodyReader) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        # The whole body is read here, within the deadline and the cap: a cut 2xx body is then a
        # lost answer like any other, and is retried.
        cap = ERROR_BODY_BYTES if response.status_code >= 400 else None
        return await read_body(reader, response, request, truncate_at=cap)

    async def _before_retry(
        self,
        attempts: Attempts,
        delay: float,
        response: httpx.Response | None,
        error: Exception | None,
    ) -> None:
        self._retries.add()
        log_retry(attempts, delay, response, error)
        if self.on_retry is not None:
            self.on_retry(attempts.retries, delay, response, error)
        await self.sleep(delay)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


class AsyncVersionedTransport(httpx.AsyncBaseTransport):
    """Send each request to the chosen release's path."""

    def __init__(self, inner: httpx.AsyncBaseTransport, version: ApiVersion) -> None:
        self._inner = inner
        self._release = RELEASES[version]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite the path prefix, then hand the request on."""
        rewrite_path(request, self._release)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()
