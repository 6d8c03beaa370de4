"""A sync network backend whose every read, write and connect stops at the call's deadline.

A sync socket can only time out one operation at a time: a server that sends its status line
one byte every two seconds never trips a 30 s read timeout, yet holds the call for minutes. The
retrying transport sets the call's deadline here (per thread) before each attempt; each socket
operation then gets at most the time the call has left. (The async client cuts an attempt in
flight with asyncio instead.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = ["DeadlineBackend", "deadline", "deadline_transport"]

_local = threading.local()


@contextmanager
def deadline(seconds_left: float) -> Iterator[None]:
    """Socket operations in this thread end ``seconds_left`` from now at the latest."""
    previous = getattr(_local, "at", None)
    _local.at = time.monotonic() + seconds_left
    try:
        yield
    finally:
        _local.at = previous


def _bound(timeout: float | None) -> float | None:
    at: float | None = getattr(_local, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the call's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A socket stream whose operations are bounded by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bound(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bound(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:  # fmt: skip
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _bound(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, with the deadline applied to every socket operation."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(
            self._inner.connect_tcp(host, port, _bound(timeout), local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _bound(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport() -> httpx.HTTPTransport:
    """httpx's transport on the deadline backend."""
    transport = httpx.HTTPTransport()
    # httpx does not take a network backend; its pool does (httpcore is pinned in uv.lock).
    transport._pool._network_backend = DeadlineBackend()
    return transport
