"""The HTTP proxy: every request forwarded to the upstream unchanged in meaning, every answer
handed back byte for byte, and each exchange passed on (in answer order) to a callback that runs
on one worker thread, so judging never delays an answer. Recording (``on_record``) is done in
the request's own thread before its answer goes back, so that an answer the app got is written
down even if the process is then killed outright.

Only ``Host`` and the hop-by-hop headers (RFC 9110 §7.6.1) change on the way; the body is
forwarded as it came (``Content-Length`` set to the raw length: the proxy reframes, it never
decompresses). It never retries and never sends anything of its own to the upstream.
"""

from __future__ import annotations

import datetime
import json
import queue
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

from .exchange import Exchange

__all__ = ["HOP_BY_HOP", "ForwardingProxy", "hop_by_hop"]

# RFC 9110 §7.6.1 and the proxy-auth pair of §11.7: they concern one connection, not the message.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-authorization",
        "proxy-authenticate",
    }
)
# What the proxy sets itself when it forwards: the upstream's host, and the body's framing.
_SET_BY_PROXY = frozenset({"host", "content-length"})
# Answers whose body is empty by definition: their Content-Length is the upstream's, as is.
_NO_BODY_STATUSES = frozenset({204, 304})

OnExchange = Callable[[Exchange], None]


def hop_by_hop(headers: list[tuple[str, str]]) -> frozenset[str]:
    """The lower-case names not to forward: the fixed hop-by-hop ones and those ``Connection``
    lists."""
    listed = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return HOP_BY_HOP | frozenset(t for t in listed if t)


def _now() -> str:
    moment = datetime.datetime.now(datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Failure(Exception):
    """No answer from the upstream: ``kind`` is what the stderr line and the 502 say."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class ForwardingProxy:
    """A proxy on 127.0.0.1:``port`` (0: any free port) in front of ``upstream``; ``on_exchange``
    gets every exchange, numbered in answer order, on one worker thread; ``on_record`` gets it
    first, in answer order too, in the request's thread before the answer goes back (keep it
    quick: it holds the numbering lock)."""

    def __init__(
        self,
        upstream: str,
        port: int = 0,
        on_exchange: OnExchange | None = None,
        *,
        on_record: OnExchange | None = None,
        read_timeout: float = 60.0,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = upstream.rstrip("/")
        self._prefix = parts.path.rstrip("/")
        self._host = parts.netloc.rpartition("@")[2]
        # No Nagle: a request written as head then body would wait for the peer's delayed ACK
        # (40 ms an exchange).
        transport = httpx.HTTPTransport(
            retries=0,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        )
        self._client = httpx.Client(
            transport=transport,
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(connect=15.0, read=read_timeout, write=60.0, pool=60.0),
        )
        self._on_exchange = on_exchange
        self._on_record = on_record
        self._queue: queue.Queue[Exchange | None] = queue.Queue()
        self._order = threading.Lock()
        self._count = 0
        self._busy = 0
        self._idle = threading.Condition()
        self._stopping = False
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._serving: threading.Thread | None = None
        self._worker = threading.Thread(target=self._work, name="proxy-worker", daemon=True)

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Its base URL, for the app."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def exchanges(self) -> int:
        """Exchanges forwarded so far (answered or not)."""
        return self._count

    @property
    def in_flight(self) -> int:
        """Requests forwarded whose answer has not gone back yet."""
        return self._busy

    @property
    def queued(self) -> int:
        """Exchanges answered but not yet judged (about: the worker may hold one)."""
        return self._queue.qsize()

    def start(self) -> None:
        """Serve on a background thread."""
        self._worker.start()
        # Polled every 0.1 s (not 0.5): stop() waits for the poll before it can drain.
        self._serving = threading.Thread(
            target=self._server.serve_forever, args=(0.1,), name="proxy-server", daemon=True
        )
        self._serving.start()

    def stop(
        self, drain_seconds: float = 30.0, on_wait: Callable[[int], None] | None = None
    ) -> None:
        """Stop accepting, let the requests under way finish (up to ``drain_seconds``; with
        some under way, ``on_wait`` is told how many first), then let the worker finish every
        exchange queued."""
        self._stopping = True
        self._server.shutdown()
        self._server.server_close()
        deadline = time.monotonic() + drain_seconds
        with self._idle:
            if self._busy and on_wait is not None:
                on_wait(self._busy)
            while self._busy and time.monotonic() < deadline:
                self._idle.wait(0.1)
        self._queue.put(None)
        # In steps: a second Ctrl-C's handler runs between them, on this (the main) thread.
        while self._worker.is_alive():
            self._worker.join(0.2)
        self._client.close()

    def _work(self) -> None:
        while (exchange := self._queue.get()) is not None:
            if self._on_exchange is None:
                continue
            try:
                self._on_exchange(exchange)
            except Exception as exc:  # one bad exchange must not end the judging of the rest
                _complain(exchange, "not processed", exc)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(_Handler):
            owner = proxy

        return Handler

    def forward(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """Send one request upstream; (status, reason, answer headers to hand back, raw body).
        An upstream that gives no answer becomes a 502 in HubSpot's error shape."""
        with self._idle:
            self._busy += 1
        try:
            return self._forward(method, target, headers, body)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _forward(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        if target.startswith(("http://", "https://")):  # absolute-form, as proxy clients send
            split = urlsplit(target)
            target = split.path + (f"?{split.query}" if split.query else "")
        path, _, query = target.partition("?")
        dropped = hop_by_hop(headers)
        # The app's Content-Length stays (its body is forwarded whole); a chunked body gets one.
        sent = [
            (name, self._host if name.lower() == "host" else value)
            for name, value in headers
            if name.lower() not in dropped
        ]
        if not any(name.lower() == "host" for name, _ in sent):
            sent.insert(0, ("Host", self._host))
        started, clock = _now(), time.monotonic()
        try:
            status, reason, answer, raw = self._send(method, self._prefix + target, sent, body)
        except _Failure as failure:
            print(
                f"proxy: {failure.kind} ({self.upstream}): {method} {path}: {failure.detail}",
                file=sys.stderr,
                flush=True,
            )
            status, reason, raw = 502, "Bad Gateway", _bad_gateway(failure)
            self._publish(
                started, clock, method, path, query, sent, body, None, (), b"", str(failure)
            )
            framing = [
                ("Content-Type", "application/json;charset=utf-8"),
                ("Content-Length", str(len(raw))),
            ]
            return status, reason, framing, raw
        self._publish(started, clock, method, path, query, sent, body, status, answer, raw, None)
        return status, reason, answer, raw

    def _send(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        url = httpx.URL(self.upstream).copy_with(raw_path=target.encode("latin-1"))
        request = httpx.Request(method, url, headers=headers, content=body)
        # httpx adds what the app did not send (Accept, User-Agent, …): only the framing stays.
        asked = {name.lower() for name, _ in headers} | _SET_BY_PROXY
        for name in list(request.headers):
            if name.lower() not in asked:
                del request.headers[name]
        try:
            response = self._client.send(request, stream=True)
            try:
                raw = b"".join(response.iter_raw())
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            raise _Failure("upstream timed out", f"{type(exc).__name__}: {exc}") from None
        except (httpx.ConnectError, httpx.UnsupportedProtocol) as exc:
            raise _Failure("upstream unreachable", f"{type(exc).__name__}: {exc}") from None
        except httpx.HTTPError as exc:
            raise _Failure("upstream connection failed", f"{type(exc).__name__}: {exc}") from None
        pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        dropped = hop_by_hop(pairs)
        bodiless = method == "HEAD" or response.status_code in _NO_BODY_STATUSES
        answer = [(k, v) for k, v in pairs if k.lower() not in dropped]
        if not bodiless:
            # The raw length, where the upstream put its own (a chunked answer gets one at the end).
            framed = [(k, str(len(raw)) if k.lower() == "content-length" else v) for k, v in answer]
            if not any(k.lower() == "content-length" for k, _ in answer):
                framed.append(("Content-Length", str(len(raw))))
            answer = framed
        return response.status_code, response.reason_phrase, answer, raw

    def _publish(self, started: str, clock: float, *fields: Any) -> None:
        """Number the exchange and queue it, under one lock: the queue's order is the answers'."""
        seconds = time.monotonic() - clock
        with self._order:
            method, path, query, sent, body, status, answer, raw, error = fields
            exchange = Exchange(
                index=self._count, started=started, seconds=seconds, method=method,
                path=path, query=query, request_headers=tuple(sent), request_body=body,
                status=status, response_headers=tuple(answer), response_body=raw, error=error,
            )  # fmt: skip
            self._count += 1
            if self._on_record is not None:
                try:
                    self._on_record(exchange)
                except Exception as exc:  # a recording that fails must not cost the app its answer
                    _complain(exchange, "not recorded", exc)
            self._queue.put(exchange)


def _bad_gateway(failure: _Failure) -> bytes:
    """HubSpot's error shape, for the answer the upstream did not give."""
    return json.dumps(
        {
            "status": "error",
            "message": f"hubspot-associations proxy: {failure.kind}: {failure.detail}",
            "correlationId": str(uuid.uuid4()),
            "category": "BAD_GATEWAY",
        }
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    """One app connection: every method forwarded (``do_<METHOD>`` for any method)."""

    protocol_version = "HTTP/1.1"
    # The head and the body are two writes: without Nagle, neither waits for a delayed ACK.
    disable_nagle_algorithm = True
    owner: ForwardingProxy

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._relay
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: one line per request would drown the summary."""

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers: hop-by-hop
                pass
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _relay(self) -> None:
        body = self._body()
        headers = list(self.headers.items())
        status, reason, answer, raw = self.owner.forward(self.command, self.path, headers, body)
        # send_response_only: no Server nor Date of the proxy's own (the upstream's pass through).
        self.send_response_only(status, reason)
        for name, value in answer:
            self.send_header(name, value)
        if self.owner._stopping:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and status not in _NO_BODY_STATUSES:
            self.wfile.write(raw)
        self.wfile.flush()


def _complain(exchange: Exchange, what: str, error: Exception) -> None:
    """One stderr line about an exchange the proxy could not record or judge."""
    print(
        f"proxy: exchange {exchange.index} ({exchange.method} {exchange.path}) {what}: "
        f"{type(error).__name__}: {error}",
        file=sys.stderr,
        flush=True,
    )
