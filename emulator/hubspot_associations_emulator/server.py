"""Serving the emulator on a real socket: in a background thread (tests) or in front (CLI)."""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from .app import create_app
from .config import EmulatorConfig
from .guard import exposure
from .protocol import timed_protocol

STARTUP_TIMEOUT = 15.0
KEEP_ALIVE = 30


@dataclass(frozen=True)
class RunningEmulator:
    """A server started by :func:`serve_in_thread`."""

    base_url: str
    token: str
    app: Starlette


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this; without it a header write and a body write meet
    # Nagle and the client's delayed ACK, 40 ms a request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    # Listen now, before the URL is printed: a client that reads the URL and connects before
    # uvicorn starts would otherwise be refused.
    sock.listen(2048)
    return sock


def url_of(sock: socket.socket) -> str:
    """http://host:port of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(app: Starlette) -> uvicorn.Server:
    """A quiet uvicorn server for the app, bounding how long a connection may wait or dawdle."""
    timeout = app.emulator.config.request_timeout  # type: ignore[attr-defined]
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="off",
        access_log=False,
        http=timed_protocol(timeout),
        # Idle between requests (and before the first): no longer than a request may take.
        timeout_keep_alive=min(KEEP_ALIVE, math.ceil(timeout)),
    )
    return uvicorn.Server(config)


@contextmanager
def serve_in_thread(
    config: EmulatorConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    insecure_control: bool = False,
) -> Iterator[RunningEmulator]:
    """Serve a fresh emulator in a daemon thread until the block ends (on loopback unless told;
    beyond it only with a control token or ``insecure_control``: ValueError before binding)."""
    config = config or EmulatorConfig()
    exposed = exposure(host, config.control_token, insecure_control)
    if exposed is not None:
        raise ValueError(exposed)
    app = create_app(config)
    sock = bind(host, port)
    server = make_server(app)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # surfaced to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name="hubspot-associations-emulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if failure or not thread.is_alive():
            sock.close()
            raise RuntimeError("the emulator failed to start") from (
                failure[0] if failure else None
            )
        if time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise TimeoutError(f"the emulator did not start within {STARTUP_TIMEOUT} s")
        time.sleep(0.005)
    try:
        yield RunningEmulator(url_of(sock), config.token, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        sock.close()
        app.emulator.close()  # type: ignore[attr-defined]
