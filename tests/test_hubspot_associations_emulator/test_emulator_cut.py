"""The cut fault: the call is applied, then its answer stops halfway and the connection closes."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from hubspot_associations_emulator import (
    EmulatorConfig,
    RunningEmulator,
    create_app,
    serve_in_thread,
)
from hubspot_associations_emulator.cli import build_parser, config_from

from tests.test_hubspot_associations_emulator.emulator_helpers import spec

CUT = "rate=1,kinds=cut"
PAGE = "/crm/v4/objects/contact/1/associations/company"


def _client(server: RunningEmulator) -> httpx.Client:
    """An authenticated client of the server."""
    return httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=30,
    )


def _faults_off(c: httpx.Client) -> None:
    """Turn faults off so that the store can be read back."""
    assert c.put("/_emulator/faults", json={"spec": None}).status_code == 200


def _raw_answer(server: RunningEmulator, request: bytes) -> bytes:
    """Every byte the server sends back to one request before it closes the connection."""
    url = urlsplit(server.base_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def cutting() -> Iterator[RunningEmulator]:
    """An emulator that cuts every answer (each test resets it)."""
    with serve_in_thread(EmulatorConfig(faults=CUT)) as server:
        yield server


def test_cut_answer_raises_yet_the_write_is_applied(cutting: RunningEmulator) -> None:
    """The client sees an incomplete body; the association was written all the same."""
    with _client(cutting) as c:
        c.post("/_emulator/reset")
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            c.put("/crm/v4/objects/contact/1/associations/company/2", json=[spec(1)])
        _faults_off(c)
        page = c.get(PAGE).json()
        assert [r["toObjectId"] for r in page["results"]] == ["2"]
        assert c.get("/_emulator/requests").json()["operations"] == {
            "associate_with_labels": 1,
            "list_associations": 1,
        }


def test_cut_answer_keeps_the_real_content_length(cutting: RunningEmulator) -> None:
    """The headers announce the whole body; between one byte and all but one arrive."""
    with _client(cutting) as c:
        c.post("/_emulator/reset")
    request = (
        f"PUT /crm/v4/objects/contact/1/associations/default/company/2 HTTP/1.1\r\n"
        f"Host: 127.0.0.1\r\nAuthorization: Bearer {cutting.token}\r\nContent-Length: 0\r\n\r\n"
    ).encode()
    head, _, body = _raw_answer(cutting, request).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    lengths = [
        int(line.split(b":", 1)[1])
        for line in head.lower().split(b"\r\n")
        if b"content-length" in line
    ]
    assert len(lengths) == 1
    assert 1 <= len(body) < lengths[0]


def test_refused_calls_are_answered_whole(cutting: RunningEmulator) -> None:
    """A call that fails (400) is not applied, so its answer is not cut either."""
    with _client(cutting) as c:
        r = c.put("/crm/v4/objects/widget/1/associations/company/2", json=[])
        assert r.status_code == 400
        assert r.json()["message"] == "Unable to infer object type from: widget"


def test_cut_without_a_body_closes_before_the_answer(cutting: RunningEmulator) -> None:
    """A 204 has no body to cut: the connection closes without it, the delete applied."""
    with _client(cutting) as c:
        c.post("/_emulator/reset")
        seed = {
            "associations": [
                {
                    "fromObjectType": "contact",
                    "fromObjectId": "1",
                    "toObjectType": "company",
                    "toObjectId": "2",
                }
            ]
        }
        assert c.post("/_emulator/seed", json=seed).status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            c.delete("/crm/v4/objects/contact/1/associations/company/2")
        _faults_off(c)
        assert c.get(PAGE).json() == {"results": []}


def test_cut_in_process_raises_after_applying() -> None:
    """Without a socket the cut surfaces as ConnectionResetError, the write made."""
    app = create_app(EmulatorConfig(faults=CUT))

    async def scenario() -> Any:
        """Write under the cut, then read back with faults off."""
        transport = httpx.ASGITransport(app=app)
        auth = {"Authorization": "Bearer emulator-token"}
        async with httpx.AsyncClient(transport=transport, base_url="http://e", headers=auth) as c:
            with pytest.raises(ConnectionResetError):
                await c.put("/crm/v4/objects/contact/1/associations/default/company/2")
            await c.put("/_emulator/faults", json={"spec": None})
            return (await c.get(PAGE)).json()

    assert len(asyncio.run(scenario())["results"]) == 1


def test_cut_is_a_fault_kind_of_the_cli() -> None:
    """--faults accepts cut."""
    args = build_parser().parse_args(["serve", "--faults", "rate=0.5,kinds=cut+drop"])
    assert config_from(args).faults == "rate=0.5,kinds=cut+drop"
