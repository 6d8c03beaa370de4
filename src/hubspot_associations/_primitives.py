"""The few primitives that differ between an async-first module and its generated sync twin.

Each pair is written here by hand, side by side (as httpcore's ``_synchronization.py``): the async
name with an ``async_`` prefix or ``Async`` class prefix, the sync name without. codegen/unasync.py
rewrites the async modules of ``_async/`` into ``_sync/`` with those renames, so everything else
is written once.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import Generic, TypeVar

import httpx

from ._deadline import deadline, deadline_transport

__all__ = [
    "AsyncWorkers",
    "Workers",
    "async_default_transport",
    "async_wait_seconds",
    "async_within",
    "default_transport",
    "wait_seconds",
    "within",
]

T = TypeVar("T")


async def async_within(
    seconds: float, request: httpx.Request, attempt: Callable[[], Awaitable[T]]
) -> T:
    """Run one attempt, cut when the call's deadline passes (asyncio can cut a read in flight)."""
    try:
        return await asyncio.wait_for(attempt(), max(0.0, seconds))
    except TimeoutError:
        raise httpx.ReadTimeout("the call's deadline passed", request=request) from None


def within(seconds: float, request: httpx.Request, attempt: Callable[[], T]) -> T:
    """Run one attempt under the deadline-aware network backend (see _deadline)."""
    with deadline(seconds):
        return attempt()


async def async_wait_seconds(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    await asyncio.sleep(seconds)


def wait_seconds(seconds: float) -> None:
    """Sleep."""
    time.sleep(seconds)


def async_default_transport() -> httpx.AsyncBaseTransport:
    """The wire under an async client."""
    return httpx.AsyncHTTPTransport()


def default_transport() -> httpx.BaseTransport:
    """The wire under a sync client: httpx with a network backend that keeps the deadline."""
    return deadline_transport()


class AsyncWorkers(Generic[T]):
    """At most ``limit`` coroutines at a time, as asyncio tasks."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running: set[asyncio.Task[T]] = set()

    async def __aenter__(self) -> AsyncWorkers[T]:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for task in self.running:
            task.cancel()

    def submit(self, work: Callable[[], Awaitable[T]]) -> None:
        """Start one piece of work."""
        self.running.add(asyncio.ensure_future(work()))

    async def first_done(self) -> deque[T]:
        """The results of the work that finished first (at least one)."""
        done, self.running = await asyncio.wait(self.running, return_when=asyncio.FIRST_COMPLETED)
        return deque(task.result() for task in done)


class Workers(Generic[T]):
    """At most ``limit`` calls at a time, on a thread pool."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running: set[Future[T]] = set()
        self._pool = ThreadPoolExecutor(max_workers=max(1, limit))

    def __enter__(self) -> Workers[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, work: Callable[[], T]) -> None:
        """Start one piece of work."""
        self.running.add(self._pool.submit(work))

    def first_done(self) -> deque[T]:
        """The results of the work that finished first (at least one)."""
        done, self.running = wait(self.running, return_when=FIRST_COMPLETED)
        return deque(future.result() for future in done)
