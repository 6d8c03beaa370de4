"""A real webhook receiver for the emulator's delivery tests: a stdlib ThreadingHTTPServer on
127.0.0.1 that records every POST and answers as the test scripts it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Received", "Receiver", "receiving"]


@dataclass(frozen=True)
class Received:
    """One request as it reached the receiver: the URI rebuilt as a handler would (scheme, Host
    header, path with its query), the headers and the raw body."""

    method: str
    uri: str
    headers: dict[str, str]
    body: bytes

    def events(self) -> list[dict[str, Any]]:
        """The body's events."""
        parsed = json.loads(self.body)
        assert isinstance(parsed, list)
        return parsed


class Receiver:
    """Records every request; answers ``statuses`` in turn (then 204), after ``delay`` seconds."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self.statuses: list[int] = []
        self.always: int | None = None
        self.delay = 0.0

    def url(self, path: str = "/hooks/hubspot?app=1") -> str:
        """The URL of ``path`` on this receiver."""
        return f"http://127.0.0.1:{self._server.server_port}{path}"

    @property
    def received(self) -> list[Received]:
        """Every request so far, in arrival order."""
        with self._lock:
            return list(self._received)

    def events(self) -> list[dict[str, Any]]:
        """Every event of every request so far (duplicates kept)."""
        return [e for r in self.received for e in r.events()]

    def clear(self) -> None:
        """Forget what was received."""
        with self._lock:
            self._received.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """At least ``count`` requests, polling until ``timeout`` (AssertionError after it)."""
        deadline = time.monotonic() + timeout
        while len(got := self.received) < count:
            assert time.monotonic() < deadline, f"{len(got)} of {count} requests received"
            time.sleep(0.01)
        return got

    def _answer(self, request: Received) -> int:
        with self._lock:
            self._received.append(request)
            if self.always is not None:
                return self.always
            return self.statuses.pop(0) if self.statuses else 204


@contextmanager
def receiving() -> Iterator[Receiver]:
    """A receiver serving on a free loopback port until the block ends."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            uri = f"http://{self.headers['Host']}{self.path}"
            status = receiver._answer(Received("POST", uri, dict(self.headers.items()), body))
            if receiver.delay:
                time.sleep(receiver.delay)  # the emulator's timeout is what is tested
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the test output stays readable

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server)
    # A short poll: shutdown() waits for the loop's next look.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.02,), name="webhook-receiver", daemon=True
    )
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
