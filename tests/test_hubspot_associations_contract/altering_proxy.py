"""An HTTP/1.1 proxy in front of a server by URL that changes one behaviour at a time: a write
made a no-op (answered as the strict spec documents its success, never forwarded), or an
answer's status changed (a label DELETE's 204 turned into 200). Everything else is forwarded
unchanged. Requests are told apart by operationId, read from the release's strict spec."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

import httpx
from hubspot_associations_contract.specs import success_statuses
from hubspot_associations_contract.wire import operation_of

__all__ = ["AlteringProxy", "Received"]

# Hop-by-hop headers, and those the proxy recomputes (httpx hands over the decoded body).
_DROPPED = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
     "host", "proxy-connection", "te", "trailer", "upgrade", "server", "date"}
)  # fmt: skip


@dataclass(frozen=True)
class Received:
    """One request as it reached the proxy: the headers lower-cased, less those the HTTP library
    chooses itself (so that two clients sending the same request compare equal)."""

    method: str
    target: str
    body: bytes
    headers: tuple[tuple[str, str], ...]


_CHOSEN_BY_THE_LIBRARY = frozenset({"host", "accept-encoding", "connection", "content-length"})


@dataclass
class _Alteration:
    """What to do to one operation's requests: ``status`` None is a no-op write answered with its
    documented body-less success; otherwise the forwarded answer gets this status. ``times`` None:
    every request."""

    status: int | None
    times: int | None


class AlteringProxy:
    """A threaded proxy on 127.0.0.1 (port 0) in front of ``upstream``; use it as a context
    manager. ``altered`` lists the operation of each request it changed, in order."""

    def __init__(self, upstream: str, release: str = "v4") -> None:
        self.upstream = upstream.rstrip("/")
        self.release = release
        self.altered: list[str] = []
        # Every request received, control-API ones included (see hubspot_requests()).
        self.received: list[Received] = []
        self._alterations: dict[str, _Alteration] = {}
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=60)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def no_op(self, operation: str, times: int | None = None) -> None:
        """Answer ``operation`` with its documented body-less success without forwarding it."""
        if 204 not in success_statuses(self.release).get(operation, frozenset()):
            raise ValueError(f"{operation} documents no 204 in {self.release}: no body to fake")
        with self._lock:
            self._alterations[operation] = _Alteration(None, times)

    def answer_status(self, operation: str, status: int, times: int | None = None) -> None:
        """Forward ``operation`` and hand back its answer with ``status`` instead."""
        with self._lock:
            self._alterations[operation] = _Alteration(status, times)

    def clear(self) -> None:
        """Forward everything unchanged from now on."""
        with self._lock:
            self._alterations.clear()

    def __enter__(self) -> AlteringProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def hubspot_requests(self) -> list[Received]:
        """The requests received on HubSpot's paths (the emulator's /_emulator/ ones left out),
        in order."""
        with self._lock:
            return [r for r in self.received if not r.target.startswith("/_emulator/")]

    def _take(self, operation: str | None) -> _Alteration | None:
        """The alteration due for one request of ``operation`` (counted), or None."""
        with self._lock:
            found = self._alterations.get(operation or "")
            if found is None or found.times == 0:
                return None
            if found.times is not None:
                found.times -= 1
            self.altered.append(str(operation))
            return found

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # A request written as head then body would otherwise wait for a delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test reads the emulator, not the proxy's log."""

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kept = sorted(
                    (k.lower(), v)
                    for k, v in self.headers.items()
                    if k.lower() not in _CHOSEN_BY_THE_LIBRARY
                )
                with proxy._lock:
                    proxy.received.append(Received(self.command, self.path, body, tuple(kept)))
                path = urlsplit(self.path).path
                alteration = proxy._take(operation_of(self.command, path, proxy.release))
                if alteration is not None and alteration.status is None:
                    self.send_response(204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _DROPPED]
                answer = proxy._http.request(
                    self.command, proxy.upstream + self.path, headers=headers, content=body
                )
                status = answer.status_code if alteration is None else alteration.status
                self.send_response(status or answer.status_code)
                for name, value in answer.headers.multi_items():
                    if name.lower() not in _DROPPED:
                        self.send_header(name, value)
                content = b"" if status == 204 else answer.content
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _any

        return Handler
