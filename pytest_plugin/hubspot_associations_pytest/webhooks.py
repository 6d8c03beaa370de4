"""The ``hubspot_webhooks`` fixture's receiver: a local HTTP server the emulator delivers a test's
association-change webhooks to, verifying each delivery as a user's handler must.

The fixture (``plugin.hubspot_webhooks``) starts one :class:`HubSpotWebhooks` per test: a
``ThreadingHTTPServer`` on 127.0.0.1 (port 0), subscribed through the control API with a random
client secret. Every request is checked with ``hubspot_associations.webhooks.verify_signature``
against the URI the emulator called (the receiver's URL, path and query) and read with
``parse_events``; a bad one is answered 401 (an unreadable body 400) and remembered, and the test
fails at teardown saying why. ``send_to(app)`` puts the user's own ASGI or WSGI app behind the
receiver: it still verifies and records, then hands the app the exact request and answers the
emulator with the app's status and body (an app's 500 makes the emulator retry).

Imported by the plugin only when a test uses the fixture or the marker's ``webhook_*`` keywords:
standard library and pytest at load; the client and httpx when first needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
import secrets
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Final, Literal

import pytest

if TYPE_CHECKING:
    from hubspot_associations_emulator.control_client import ControlClient
    from hubspot_associations_emulator.control_client.webhook_values import (
        WebhookDelivery,
        WebhookFlush,
    )

    from hubspot_associations.webhooks import AssociationChangeEvent

__all__ = [
    "DEFAULT_PATH",
    "EVENT_TYPES",
    "HubSpotWebhooks",
    "check_webhook_options",
    "webhooks_for",
]

# Where the fixture subscribes the receiver, the examples' route (send_to(path=...) changes it).
DEFAULT_PATH: Final = "/webhooks/hubspot"
# The emulator's association-change subscription types, spelt out: nothing of the emulator is
# imported to check a marker (the fixture's tests check that they agree).
EVENT_TYPES: Final[tuple[str, ...]] = (
    "contact.associationChange",
    "company.associationChange",
    "deal.associationChange",
    "ticket.associationChange",
    "line_item.associationChange",
    "object.associationChange",
)
MARKER: Final = "hubspot_emulator"
# The emulator's largest webhookTimeScale.
_MAX_TIME_SCALE: Final = 1e6


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


# A user's app as the receiver calls it: (method, path with query, headers, body) -> answer.
_Forward = Callable[[str, str, list[tuple[str, str]], bytes], _Answer]


@dataclass
class _Record:
    """What the receiver saw, shared between its request threads and the test."""

    cond: threading.Condition = field(default_factory=threading.Condition)
    events: list[AssociationChangeEvent] = field(default_factory=list)
    # Why each refused request was refused (the test fails at teardown with them).
    refused: list[str] = field(default_factory=list)
    forward: _Forward | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stuck handler never holds up the test run's exit

    def __init__(self, client_secret: str, record: _Record) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.client_secret = client_secret
        self.record = record
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: pytest's output is the test's, not an access log."""

    def do_POST(self) -> None:
        from hubspot_associations.webhooks import (
            InvalidSignatureError,
            WebhookBodyError,
            parse_events,
            verify_signature,
        )

        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = list(self.headers.items())
        uri = server.base_url + self.path
        try:
            verify_signature(method="POST", uri=uri, body=body, headers=dict(headers),
                             client_secret=server.client_secret)  # fmt: skip
            events = parse_events(body)
        except InvalidSignatureError as exc:
            self._refuse(401, f"POST {self.path}: signature refused: {exc}")
            return
        except WebhookBodyError as exc:
            self._refuse(400, f"POST {self.path}: body refused: {exc}")
            return
        record = server.record
        with record.cond:
            record.events.extend(events)
            record.cond.notify_all()
            forward = record.forward
        answer = _Answer(204, [], b"")
        if forward is not None:
            try:
                answer = forward("POST", self.path, headers, body)
            except Exception:  # the user's app raised: the test fails, the emulator retries
                with record.cond:
                    record.refused.append(f"POST {self.path}: the app raised:\n"
                                          f"{traceback.format_exc()}")  # fmt: skip
                answer = _Answer(500, [], b"the app raised")
        self._answer(answer)

    def _method_refused(self) -> None:
        self._refuse(405, f"{self.command} {self.path}: HubSpot delivers webhooks with POST only")

    do_GET = do_PUT = do_PATCH = do_DELETE = _method_refused

    def _refuse(self, status: int, why: str) -> None:
        with self.server.record.cond:
            self.server.record.refused.append(why)
        self._answer(_Answer(status, [("Content-Type", "text/plain")], why.encode()[:2000]))

    def _answer(self, answer: _Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers:
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)


class HubSpotWebhooks:
    """The ``hubspot_webhooks`` fixture: a receiver on 127.0.0.1 subscribed to the emulator's
    association-change webhooks for one test, checking every delivery's signature.

    ``url`` is the subscribed target URL, ``client_secret`` the app secret deliveries are signed
    with, ``webhook_id`` the subscription's ID. ``events`` holds every event received, in arrival
    order, duplicates included; ``unique_events`` each event ID once (first seen). Events are
    recorded when the receiver has verified them, before your app (``send_to``) answers: that
    the app handled them is ``flush()``'s to wait for. A delivery that spends all its attempts
    fails the test at teardown unless ``failed_deliveries_expected`` is set.
    """

    def __init__(
        self,
        control: ControlClient,
        *,
        event_types: Sequence[str] = EVENT_TYPES,
        signature_version: Literal["v1", "v2"] = "v1",
    ) -> None:
        self.client_secret = secrets.token_urlsafe(24)
        self._control = control
        self._event_types = tuple(event_types)
        self._signature_version = signature_version
        self._record = _Record()
        self._server = _Server(self.client_secret, self._record)
        # A short poll: shutdown() at teardown waits up to one interval.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        name="hubspot-webhooks", daemon=True)  # fmt: skip
        self._thread.start()
        self._loop: _LoopThread | None = None
        # A delivery that spent all its attempts (the app behind send_to never accepted it)
        # fails the test at teardown unless the test sets this: it means to test that.
        self.failed_deliveries_expected = False
        self.url = ""
        self.webhook_id = 0
        self._subscribe(DEFAULT_PATH)

    def _subscribe(self, path: str) -> None:
        self.url = self._server.base_url + path
        made = self._control.subscribe_webhook(
            self.url,
            self.client_secret,
            event_types=self._event_types,
            signature_version=self._signature_version,
        )
        self.webhook_id = made.id

    @property
    def events(self) -> list[AssociationChangeEvent]:
        """Every event received so far, in arrival order, duplicates included."""
        with self._record.cond:
            return list(self._record.events)

    @property
    def unique_events(self) -> list[AssociationChangeEvent]:
        """Every event received so far, each event ID once (its first arrival)."""
        with self._record.cond:
            return _unique(self._record.events)

    @property
    def refusals(self) -> list[str]:
        """Why each refused request was refused (the test fails at teardown when any was)."""
        with self._record.cond:
            return list(self._record.refused)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[AssociationChangeEvent]:
        """Wait until at least ``count`` distinct events (by event ID) have arrived and return
        the distinct events; AssertionError after ``timeout`` seconds, saying how many arrived
        and what the emulator's deliveries are doing (held ones need ``flush()``)."""
        deadline = time.monotonic() + timeout
        with self._record.cond:
            while len(unique := _unique(self._record.events)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._record.cond.wait(left)
            else:
                return unique
        states = [f"delivery {d.id} ({len(d.event_ids)} events): {d.state}, "
                  f"{len(d.attempts)} attempts{_last_error(d)}"
                  for d in self.deliveries()]  # fmt: skip
        raise AssertionError(
            f"hubspot_webhooks.wait_for({count}): {len(unique)} distinct events arrived in "
            f"{timeout:g} s; the emulator's deliveries: {'; '.join(states) or 'none'}"
            + (f"; refused: {'; '.join(self.refusals)}" if self.refusals else "")
        )

    def flush(self) -> WebhookFlush:
        """Deliver every waiting batch and retry now (held ones too); what the flush did."""
        return self._control.flush_webhooks()

    def deliveries(self) -> list[WebhookDelivery]:
        """The emulator's deliveries with their attempts, oldest first."""
        return self._control.webhook_deliveries()

    def send_to(
        self,
        app: Any,
        *,
        path: str = DEFAULT_PATH,
        interface: Literal["asgi", "wsgi"] | None = None,
    ) -> None:
        """Put the user's app behind the receiver: each verified delivery is recorded, then
        handed to ``app`` exactly as received (method, path, query, headers, raw body), and the
        emulator gets the app's status and body. ``app``: an ASGI app (Starlette, FastAPI) or a
        WSGI app (Flask), told apart by its ``__call__`` unless ``interface`` says; ``path``:
        the app's webhook route, the subscription's target from now on (re-subscribed when it
        changes, so call this before making the changes)."""
        import httpx

        if not callable(app):
            raise TypeError(
                f"send_to takes your app: an ASGI app (Starlette, FastAPI) or a WSGI app "
                f"(Flask's app object), got {type(app).__name__}"
            )
        kind = interface or ("asgi" if _is_asgi(app) else "wsgi")
        base = self._server.base_url
        if kind == "asgi":
            if self._loop is None:
                self._loop = _LoopThread()
            loop = self._loop
            transport = httpx.ASGITransport(app=app)

            def forward(method: str, target: str, headers: list[tuple[str, str]],
                        body: bytes) -> _Answer:  # fmt: skip
                request = httpx.Request(method, base + target, headers=headers, content=body)

                async def call() -> httpx.Response:
                    response = await transport.handle_async_request(request)
                    await response.aread()
                    return response

                return _answer_of(loop.run(call()))
        else:
            wsgi = httpx.WSGITransport(app=app)

            def forward(method: str, target: str, headers: list[tuple[str, str]],
                        body: bytes) -> _Answer:  # fmt: skip
                request = httpx.Request(method, base + target, headers=headers, content=body)
                response = wsgi.handle_request(request)
                response.read()
                return _answer_of(response)

        if self._server.base_url + path != self.url:
            self._control.unsubscribe_webhook(self.webhook_id)
            self._subscribe(path)
        with self._record.cond:
            self._record.forward = forward

    def _close(self) -> None:
        """Unsubscribe (when the emulator still answers), stop the server and the app's loop."""
        with contextlib.suppress(Exception):
            self._control.unsubscribe_webhook(self.webhook_id)
        self._server.shutdown()
        self._server.server_close()
        if self._loop is not None:
            self._loop.stop()


def _unique(events: list[AssociationChangeEvent]) -> list[AssociationChangeEvent]:
    seen: dict[int, AssociationChangeEvent] = {}
    for event in events:
        seen.setdefault(event.event_id, event)
    return list(seen.values())


def _last_error(delivery: WebhookDelivery) -> str:
    if not delivery.attempts:
        return ""
    last = delivery.attempts[-1]
    return f" (last: {last.error or last.status})"


def _is_asgi(app: Any) -> bool:
    # Starlette's and FastAPI's apps are instances with an async __call__; Flask's a sync one.
    call = app if inspect.isfunction(app) else type(app).__call__
    return inspect.iscoroutinefunction(call)


def _answer_of(response: Any) -> _Answer:
    return _Answer(response.status_code, list(response.headers.items()), response.content)


class _LoopThread:
    """A private event loop in a daemon thread, for calling an ASGI app from the receiver's
    request threads (one loop for the test, as a server would have)."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="hubspot-webhooks-app")  # fmt: skip
        self._thread.start()

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()


def check_webhook_options(options: Any) -> None:
    """The marker's ``webhook_*`` keywords, or the test fails naming the wrong one."""
    for name in ("webhook_duplicates", "webhook_shuffle", "webhook_hold"):
        value = getattr(options, name)
        if value is not None and not isinstance(value, bool):
            _fail(name, value, "give True or False")
    scale = options.webhook_time_scale
    if scale is not None and not (
        isinstance(scale, int | float)
        and not isinstance(scale, bool)
        and math.isfinite(scale)
        and 0 < scale <= _MAX_TIME_SCALE
    ):
        _fail("webhook_time_scale", scale, f"give a number above 0 and at most {_MAX_TIME_SCALE:g} "
              "(0.001 makes the 60 s first retry 0.06 s)")  # fmt: skip
    events = options.webhook_events
    if events is not None and not (
        isinstance(events, list | tuple | set | frozenset)
        and events
        and all(e in EVENT_TYPES for e in events)
    ):
        _fail("webhook_events", events, f"give a list of some of {', '.join(EVENT_TYPES)}")
    signature = options.webhook_signature
    if signature is not None and signature not in ("v1", "v2"):
        _fail("webhook_signature", signature, 'give "v1" or "v2" (every delivery carries v3 too)')


def _fail(name: str, value: object, what: str) -> None:
    pytest.fail(f"@pytest.mark.{MARKER}({name}={value!r}): {what}", pytrace=False)


@contextlib.contextmanager
def webhooks_for(control: ControlClient, options: Any) -> Iterator[HubSpotWebhooks]:
    """The fixture's body: a subscribed receiver for the test, stopped after it; the test fails
    at teardown when the receiver refused a request."""
    check_webhook_options(options)
    hooks = HubSpotWebhooks(
        control,
        event_types=tuple(options.webhook_events or EVENT_TYPES),
        signature_version=options.webhook_signature or "v1",
    )
    failed: list[str] = []
    try:
        yield hooks
        if not hooks.failed_deliveries_expected:
            with contextlib.suppress(Exception):  # an emulator already gone: nothing to ask
                failed = [
                    f"delivery {d.id} ({len(d.event_ids)} events) after {len(d.attempts)} "
                    f"attempts{_last_error(d)}"
                    for d in hooks.deliveries()
                    if d.state == "failed" and d.webhook_id == hooks.webhook_id
                ]
    finally:
        hooks._close()
    refused = hooks.refusals
    if refused:
        pytest.fail(
            f"hubspot_webhooks: the receiver refused {len(refused)} request(s): "
            + "; ".join(refused),
            pytrace=False,
        )
    if failed:
        pytest.fail(
            f"hubspot_webhooks: {len(failed)} delivery(ies) failed for good, their events never "
            f"accepted by the receiver or your app: {'; '.join(failed)} (set "
            "hubspot_webhooks.failed_deliveries_expected = True when the test means that)",
            pytrace=False,
        )
