"""The ASGI application: HubSpot's routes and the control API, behind a gate that applies
faults, auth, the rate limit and latency to HubSpot paths. Its state is ``state.Emulator``."""

from __future__ import annotations

import asyncio
import datetime
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from . import connection, errors, guard
from .config import EmulatorConfig
from .control import Control, control_routes
from .oauth import OAuth, oauth_routes
from .portals import CURRENT, Portal
from .routes import hubspot_routes, operation_at, release_at
from .state import Emulator
from .views import dumps, json_response
from .webhooks import SOURCE_APP

__all__ = ["EmulatorApp", "create_app"]

HUBSPOT_PREFIX = "/crm/"
CORRELATION_HEADER = b"x-hubspot-correlation-id"
_HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>cloudflare</center></body></html>"
)


class EmulatorApp(Starlette):
    """Starlette, with the HubSpot gate in front of routing (it needs the server's raw send)."""

    emulator: Emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        hubspot = scope["path"].startswith(HUBSPOT_PREFIX)
        emulator = self.emulator
        portal: Portal | None = None
        if hubspot:
            # The token decides the portal; its headers are all that is needed, so this comes
            # first: every request to a HubSpot path counts, whatever its body.
            token, portal = emulator.identify(scope)
            scope["hubspot_token"] = token
            portal.requests.receive()
        config = emulator.config
        try:
            body = await connection.read_body(
                scope, receive, config.max_body_bytes, config.request_timeout
            )
        except connection.ClientGone:
            return
        except errors.ApiError as exc:
            # The rest of the body is not read: close rather than drain it into keep-alive.
            await _send(send, exc.status, dumps(exc.body()), [(b"connection", b"close")])
            return
        receive = connection.replay(body, receive)
        if scope["path"].startswith(guard.CONTROL_PREFIX):
            refused = guard.refusal(scope, config.control_token)
            if refused is not None:
                await _send(send, refused.status, dumps(refused.body()), [])
                return
        if portal is None:
            await super().__call__(scope, receive, send)
            return
        current = CURRENT.set(portal)
        token = scope["hubspot_token"]
        source = SOURCE_APP.set(token.app_id if token is not None else None)
        try:
            await self._journaled(portal, scope, receive, send, body)
        finally:
            SOURCE_APP.reset(source)
            CURRENT.reset(current)

    async def _journaled(
        self, portal: Portal, scope: Scope, receive: Receive, send: Send, body: bytes
    ) -> None:
        """``_hubspot``, its exchange written to the portal's journal (what it answered, or that
        the connection was closed without an answer)."""
        journal = portal.journal
        if not journal.enabled:
            await self._hubspot(portal, scope, receive, send)
            return
        recorder = _Recorder(send)
        started = datetime.datetime.now(datetime.UTC)
        clock = time.perf_counter()
        injected: str | None = None
        try:
            injected = await self._hubspot(portal, scope, receive, recorder.send)
        finally:
            journal.record(
                started=started, seconds=time.perf_counter() - clock,
                operation_id=operation_at(self.router.routes, scope),
                release=release_at(self.emulator.releases, scope["path"]), scope=scope,
                request_body=body, status=recorder.status, response_headers=recorder.headers,
                response_body=b"".join(recorder.body), injected=injected, portal_id=portal.id,
            )  # fmt: skip

    async def _hubspot(
        self, portal: Portal, scope: Scope, receive: Receive, send: Send
    ) -> str | None:
        """``_gate``, with HubSpot's X-HubSpot-Correlation-Id on every answer (the same ID as
        the correlationId of an error body)."""
        correlation = str(uuid.uuid4())
        token = errors.CORRELATION.set(correlation)
        try:
            return await self._gate(portal, scope, receive, send, correlation)
        finally:
            errors.CORRELATION.reset(token)

    async def _gate(
        self, portal: Portal, scope: Scope, receive: Receive, send: Send, correlation: str
    ) -> str | None:
        """The gate of HubSpot paths: the portal's rate budget, faults, latency, auth, then
        routing (where scopes are checked); the kind of fault injected, if any."""
        emulator = self.emulator
        allowed, policy, extra = emulator.admit(portal, scope["hubspot_token"])
        # Every answer carries it, whoever gives the answer (``send`` itself stays unwrapped:
        # a dropped or cut connection needs the server's own).
        extra = [*extra, (CORRELATION_HEADER, correlation.encode())]
        if not allowed:
            # Counted under the operation the request would have reached (routing is not run).
            portal.requests.rate_limited(operation_at(self.router.routes, scope))
            await _send(send, 429, dumps(errors.rate_limited(policy or "TEN_SECONDLY_ROLLING")),
                        extra)  # fmt: skip
            return None
        # The operation is looked up only for a script: routing twice costs on every request.
        aimed = operation_at(self.router.routes, scope) if portal.faults.script else None
        drawn = portal.faults.draw(aimed)
        fault, retry_after = drawn if drawn is not None else (None, None)
        latency = emulator.config.latency_ms + portal.faults.latency_ms
        if latency:
            await asyncio.sleep(latency / 1000)
        if fault is not None and fault != "cut":
            await _fault(fault, send, extra, retry_after)
            return fault
        denied = emulator.authorized(scope)
        if denied is not None:
            await _send(send, denied.status, dumps(denied.body()), extra)
            return None
        answer = _with_headers(send, extra) if extra else send
        if fault == "cut":
            await connection.answer_cut(super().__call__, scope, receive, answer, send)
            return fault
        await super().__call__(scope, receive, answer)
        return None


class _Recorder:
    """A ``send`` that keeps what it passes on (status, headers, body) for the journal, and still
    lets ``connection.close`` reach the server's connection through it (``__self__``)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._cycle = getattr(send, "__self__", None)
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []

    @property
    def transport(self) -> Any:
        """The server connection's transport (None in-process)."""
        return getattr(self._cycle, "transport", None)

    @property
    def disconnected(self) -> bool:
        """Whether the server's request cycle is marked disconnected."""
        return bool(getattr(self._cycle, "disconnected", False))

    @disconnected.setter
    def disconnected(self, value: bool) -> None:
        self._cycle.disconnected = value  # type: ignore[union-attr]

    async def send(self, message: Message) -> None:
        """Keep, then pass on."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body.append(message.get("body", b""))
        await self._send(message)


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    """``send``, adding ``extra`` headers to the answer's start."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = dict(message)
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return send_with_headers


async def _send(
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]],
    content_type: bytes = b"application/json",
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _fault(
    kind: str,
    send: Send,
    extra: list[tuple[bytes, bytes]],
    retry_after: float | None,
) -> None:
    """Answer an injected fault as HubSpot would (docs/emulator.md says what is inferred)."""
    if kind == "drop":
        connection.close(send, "connection dropped")
        return
    headers = list(extra)
    if retry_after is not None:
        headers.append((b"retry-after", f"{retry_after:g}".encode()))
    if kind == "html":
        await _send(send, 502, _HTML_502, headers, b"text/html; charset=utf-8")
        return
    if kind == "daily":
        headers += [(b"x-hubspot-ratelimit-daily", str(errors.DAILY_LIMIT).encode()),
                    (b"x-hubspot-ratelimit-daily-remaining", b"0")]  # fmt: skip
        await _send(send, 429, dumps(errors.rate_limited("DAILY")), headers)
        return
    status = int(kind)
    if status == 429:
        if not any(name.startswith(b"x-hubspot-ratelimit-") for name, _ in headers):
            # No rate limit set: the headers of HubSpot's default ten-secondly window.
            headers += [(b"x-hubspot-ratelimit-max", b"100"),
                        (b"x-hubspot-ratelimit-remaining", b"0"),
                        (b"x-hubspot-ratelimit-interval-milliseconds", b"10000")]  # fmt: skip
        await _send(send, 429, dumps(errors.rate_limited()), headers)
        return
    await _send(send, status, dumps(errors.upstream_failure(status)), headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return json_response(errors.not_found(request.url.path).body(), 404)
    if status == 405:
        err = errors.ApiError(405, f"Method {request.method} not allowed", "VALIDATION_ERROR")
        response = json_response(err.body(), 405)
        # RFC 9110 requires Allow on a 405; Starlette puts it on the exception.
        allow = (exc.headers or {}).get("Allow") if isinstance(exc, HTTPException) else None
        if allow:
            response.headers["Allow"] = allow
        return response
    err = errors.ApiError(status, "Internal error", "INTERNAL_ERROR")
    return json_response(err.body(), status)


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    """A fresh emulator as an ASGI app (its state is ``app.emulator``)."""
    config = config or EmulatorConfig()
    emulator = Emulator(config)
    handlers: dict[Any, Any] = {HTTPException: _http_error, Exception: _http_error}
    app = EmulatorApp(
        routes=[
            *control_routes(Control(emulator)),
            *oauth_routes(OAuth(emulator.tokens)),
            *hubspot_routes(
                emulator.handlers, emulator, emulator.releases, emulator.object_handlers
            ),
        ],
        exception_handlers=handlers,
    )
    app.emulator = emulator
    return app
