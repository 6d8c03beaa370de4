"""Connections: bodies past the cap answer 413; silent, slow or unfinished requests are closed."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from hubspot_associations_emulator import (
    EmulatorConfig,
    RunningEmulator,
    create_app,
    serve_in_thread,
)
from hubspot_associations_emulator.cli import build_parser, config_from, main

from tests.test_hubspot_associations_emulator.emulator_helpers import spec

TIMEOUT = 1.0
CAP = 4096
BATCH = "/crm/v4/associations/contact/company/batch/create"


@pytest.fixture(scope="module")
def strict() -> Iterator[RunningEmulator]:
    """An emulator with a 1 s request timeout and a 4 KiB body cap."""
    with serve_in_thread(EmulatorConfig(request_timeout=TIMEOUT, max_body_bytes=CAP)) as server:
        yield server


def _connect(server: RunningEmulator) -> socket.socket:
    """A raw TCP connection to the server."""
    url = urlsplit(server.base_url)
    assert url.hostname is not None
    assert url.port is not None
    return socket.create_connection((url.hostname, url.port), timeout=10)


def _until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    started = time.monotonic()
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks), time.monotonic() - started


def _head(server: RunningEmulator, path: str, *lines: str) -> bytes:
    """A POST's request line and headers (authenticated, JSON), ending the header block."""
    return (
        "\r\n".join(
            [
                f"POST {path} HTTP/1.1",
                "Host: 127.0.0.1",
                f"Authorization: Bearer {server.token}",
                "Content-Type: application/json",
                *lines,
            ]
        )
        + "\r\n\r\n"
    ).encode()


def _status_and_json_error(answer: bytes) -> int:
    """The status of a raw answer, checking that it is a HubSpot-shaped JSON error."""
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b'"status":"error"' in body, answer
    assert b"connection: close" in head.lower(), head
    return int(head.split(b" ", 2)[1])


@pytest.mark.parametrize("path", [BATCH, "/_emulator/seed"])
def test_declared_oversize_body_is_413_before_reading(strict: RunningEmulator, path: str) -> None:
    """A Content-Length past the cap answers 413 at once, without waiting for the body."""
    with _connect(strict) as sock:
        sock.sendall(_head(strict, path, f"Content-Length: {CAP + 1}"))
        answer, elapsed = _until_closed(sock)
    assert _status_and_json_error(answer) == 413
    assert elapsed < TIMEOUT


def test_chunked_oversize_body_is_413_while_streaming(strict: RunningEmulator) -> None:
    """A chunked body is counted as it arrives: 413 once past the cap, before it ends."""
    chunk = b"x" * 3000
    with _connect(strict) as sock:
        sock.sendall(_head(strict, BATCH, "Transfer-Encoding: chunked"))
        # Two chunks pass the cap; the terminating chunk is never sent.
        sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) * 2)
        answer, elapsed = _until_closed(sock)
    assert _status_and_json_error(answer) == 413
    assert elapsed < TIMEOUT


def test_oversize_body_through_httpx(strict: RunningEmulator) -> None:
    """An ordinary client sending a too-large batch gets 413 in HubSpot's error shape."""
    inputs = [{"from": {"id": str(i)}, "to": {"id": "2"}, "types": [spec(1)]} for i in range(1, 99)]
    with httpx.Client(base_url=strict.base_url, timeout=30) as c:
        r = c.post(
            BATCH, json={"inputs": inputs}, headers={"Authorization": f"Bearer {strict.token}"}
        )
    assert r.status_code == 413
    assert r.json()["category"] == "VALIDATION_ERROR"
    assert r.json()["message"] == f"The request body is larger than {CAP} bytes"


def test_unfinished_body_is_closed_within_the_timeout(strict: RunningEmulator) -> None:
    """Headers sent, body started and never finished: 408, then the connection closes."""
    with _connect(strict) as sock:
        sock.sendall(_head(strict, BATCH, "Content-Length: 100") + b'{"inputs": [')
        answer, elapsed = _until_closed(sock)
    assert _status_and_json_error(answer) == 408
    assert TIMEOUT * 0.8 <= elapsed < TIMEOUT + 2


def test_unfinished_headers_are_closed_within_the_timeout(strict: RunningEmulator) -> None:
    """Headers that never end (a slow-loris client) are cut off after the timeout."""
    with _connect(strict) as sock:
        sock.sendall(b"POST /crm/v4/associations/contact/company/batch/create HTTP/1.1\r\nHost: x")
        answer, elapsed = _until_closed(sock)
    assert answer == b""
    assert TIMEOUT * 0.8 <= elapsed < TIMEOUT + 2


def test_silent_connection_is_closed(strict: RunningEmulator) -> None:
    """A connection that never sends a byte is closed like an idle keep-alive one."""
    with _connect(strict) as sock:
        answer, elapsed = _until_closed(sock)
    assert answer == b""
    assert elapsed < TIMEOUT + 2


def test_prompt_requests_keep_their_connection(strict: RunningEmulator) -> None:
    """Within the limits nothing changes: requests on one connection all succeed."""
    with httpx.Client(
        base_url=strict.base_url,
        headers={"Authorization": f"Bearer {strict.token}"},
        timeout=30,
    ) as c:
        body = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(1)]}]}
        assert [c.post(BATCH, json=body).status_code for _ in range(3)] == [201] * 3


def test_default_cap_takes_a_2000_input_batch(api: httpx.Client) -> None:
    """The default 16 MiB cap is far above the largest batch a client sends."""
    inputs = [
        {"from": {"id": str(i)}, "to": {"id": str(i + 5000)}, "types": [spec(1)]}
        for i in range(1, 2001)
    ]
    r = api.post(BATCH, json={"inputs": inputs})
    assert r.status_code == 201
    assert len(r.json()["results"]) == 2000


def test_connection_flags_reach_the_configuration() -> None:
    """--request-timeout and --max-body-bytes set the matching EmulatorConfig fields."""
    args = build_parser().parse_args(
        ["serve", "--request-timeout", "2.5", "--max-body-bytes", "1000"]
    )
    config = config_from(args)
    assert (config.request_timeout, config.max_body_bytes) == (2.5, 1000)
    defaults = config_from(build_parser().parse_args(["serve"]))
    assert (defaults.request_timeout, defaults.max_body_bytes) == (30.0, 16 * 1024 * 1024)


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--request-timeout", "0"],
        ["serve", "--request-timeout", "inf"],
        ["serve", "--request-timeout", "nan"],
        ["serve", "--max-body-bytes", "-1"],
        ["serve", "--max-body-bytes", "lots"],
    ],
)
def test_bad_connection_flags_are_usage_errors(argv: list[str]) -> None:
    """Non-positive or non-finite limits stop with exit status 2."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_bad_connection_settings_are_refused_in_code() -> None:
    """EmulatorConfig with a limit of zero cannot make an app."""
    with pytest.raises(ValueError, match="request_timeout"):
        create_app(EmulatorConfig(request_timeout=0))
    with pytest.raises(ValueError, match="max_body_bytes"):
        create_app(EmulatorConfig(max_body_bytes=0))
