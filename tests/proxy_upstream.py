"""A small HTTP proxy for the shadow's tests: it plays "HubSpot" by forwarding to an emulator and
changing ONE behaviour of its answers (a status, a missing key, a field's type), and keeps each
exchange as the proxy package's :class:`Exchange` of the changed answer (what the app saw)."""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from hubspot_associations_contract.proxy import Exchange

__all__ = ["Change", "ChangingUpstream"]

# (method, path, status, body parsed) -> (status, body) or None to leave the answer alone.
Change = Callable[[str, str, int, Any], tuple[int, Any] | None]

_DROPPED = frozenset({"host", "content-length", "connection", "transfer-encoding", "keep-alive",
                      "accept-encoding"})  # fmt: skip


class ChangingUpstream:
    """``upstream`` behind a stdlib server on 127.0.0.1 that applies ``change`` to answers."""

    def __init__(self, upstream: str, change: Change | None = None) -> None:
        self.change = change
        self.exchanges: list[Exchange] = []
        self._http = httpx.Client(base_url=upstream, timeout=30)
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test's output is the assertions'."""

            def _any(self) -> None:
                owner._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll: shutdown() waits for serve_forever's next look (0.5 s by default).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The base URL clients are pointed at."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        path, _, query = handler.path.partition("?")
        sent = [(k, v) for k, v in handler.headers.items() if k.lower() not in _DROPPED]
        started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        clock = time.monotonic()
        # identity: the exchange keeps a plain body (the proxy's own tests cover gzip).
        answer = self._http.request(
            handler.command,
            handler.path,
            content=body,
            headers=[*sent, ("Accept-Encoding", "identity")],
        )
        status, content = answer.status_code, answer.content
        try:
            parsed: Any = json.loads(content)
        except ValueError:
            parsed = None
        changed = self.change(handler.command, path, status, parsed) if self.change else None
        if changed is not None:
            status, new_body = changed
            content = json.dumps(new_body).encode() if new_body is not None else b""
        headers = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in _DROPPED] + [
            ("Content-Length", str(len(content)))
        ]
        with self._lock:
            self.exchanges.append(
                Exchange(
                    len(self.exchanges),
                    started + "Z",
                    time.monotonic() - clock,
                    handler.command,
                    path,
                    query,
                    tuple(sent),
                    body,
                    status,
                    tuple(headers),
                    content,
                )
            )
        handler.send_response(status)
        for key, value in headers:
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(content)
