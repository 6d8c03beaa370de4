"""A loopback HTTP server that answers by a request's token: what the token-provider, the
permission and the introspection tests talk to (real sockets, the client's real transports).

``answer`` maps each request to a status and a JSON body (bytes: an HTML page); every request
is kept (method, path, headers, body), so a test can check the token each one carried.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "BATCH_ANSWER",
    "EXPIRED",
    "Seen",
    "Server",
    "by_token",
    "serve",
]


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def token(self) -> str | None:
        """The bearer token it carried, or None without an Authorization header."""
        value = self.headers.get("authorization")
        return value.removeprefix("Bearer ") if value is not None else None


# What one request gets: a status and a JSON body (None: no body; bytes: an HTML page).
Answer = Callable[[Seen], tuple[int, Any]]

# HubSpot's 401 for an OAuth token past its 30 minutes.
EXPIRED: Any = {
    "status": "error",
    "message": "The OAuth token used to make this call expired 1 minute(s) ago.",
    "correlationId": "c0ffee00-0000-4000-8000-000000000001",
    "category": "EXPIRED_AUTHENTICATION",
}
# A batch associate_default success (one pair).
BATCH_ANSWER: Any = {
    "status": "COMPLETE",
    "startedAt": "2026-01-01T00:00:00Z",
    "completedAt": "2026-01-01T00:00:01Z",
    "results": [{"from": {"id": "1"}, "to": {"id": "2"},
                 "associationSpec": {"associationCategory": "HUBSPOT_DEFINED",
                                     "associationTypeId": 279}}],
}  # fmt: skip


@dataclass
class Server:
    """A running server: its URL and every request it received, in order."""

    url: str
    seen: list[Seen]


def by_token(good: set[str], success: Any, *, refused: Any = EXPIRED) -> Answer:
    """200 with ``success`` for a token in ``good``, else 401 with ``refused``."""

    def answer(request: Seen) -> tuple[int, Any]:
        return (200, success) if request.token in good else (401, refused)

    return answer


@contextmanager
def serve(answer: Answer) -> Iterator[Server]:
    """Serve ``answer`` on 127.0.0.1 (a thread per connection) until the block ends."""
    seen: list[Seen] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Seen(
                self.command,
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            with lock:
                seen.append(request)
            status, body = answer(request)
            # bytes are sent as they are, as an HTML page (another server's answer).
            raw = isinstance(body, bytes)
            data = body if raw else b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if raw else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads ``seen``."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.server_address[1]}", seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
