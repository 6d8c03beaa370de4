"""The control API refuses what another web page can send: foreign Origin or Host, non-JSON writes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import RunningEmulator

SEED = {"records": {"contact": ["1"]}}
PAGE = "/crm/v4/objects/contact/1/associations/company"


def _seeded_associations(api: httpx.Client) -> int:
    """How many associations contact 1 has (a refused seed must leave none)."""
    return len(api.get(PAGE).json()["results"])


def _assoc_seed() -> dict[str, Any]:
    """A seed body that writes one association."""
    return {
        "associations": [
            {
                "fromObjectType": "contact",
                "fromObjectId": "1",
                "toObjectType": "company",
                "toObjectId": "2",
            }
        ]
    }


def test_bare_reset_still_works(server: RunningEmulator) -> None:
    """A reset with no body, no Content-Type and no Origin (httpx.post(url)) is a plain client's."""
    assert httpx.post(f"{server.base_url}/_emulator/reset").status_code == 200


@pytest.mark.parametrize("content", [b"", b"{}"])
def test_json_reset_works(server: RunningEmulator, content: bytes) -> None:
    """A reset with the JSON content type may have an empty body or {}."""
    r = httpx.post(
        f"{server.base_url}/_emulator/reset",
        content=content,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_writes_without_json_content_type_are_415(api: httpx.Client, content_type: str) -> None:
    """What an HTML form or a no-CORS fetch can send is refused, and nothing is applied."""
    body = httpx.Request("POST", "/", json=_assoc_seed()).content
    seeded = api.post("/_emulator/seed", content=body, headers={"Content-Type": content_type})
    faults = api.put(
        "/_emulator/faults",
        content=b'{"spec": "rate=1,kinds=503"}',
        headers={"Content-Type": content_type},
    )
    reset = api.post("/_emulator/reset", headers={"Content-Type": content_type})
    assert [r.status_code for r in (seeded, faults, reset)] == [415] * 3
    assert seeded.json()["status"] == "error"
    assert seeded.json()["category"] == "VALIDATION_ERROR"
    assert api.get("/_emulator/faults").json()["rate"] == 0.0
    assert _seeded_associations(api) == 0


def test_a_body_without_content_type_is_415(api: httpx.Client) -> None:
    """Only a bodiless call may leave out the content type."""
    # httpx sends raw content without a Content-Type.
    r = api.post("/_emulator/seed", content=b'{"records": {}}')
    assert "content-type" not in r.request.headers
    assert r.status_code == 415


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "https://evil.example:443", "null", "file://", "http://127.0.0.1.evil"],
)
def test_foreign_origins_are_403(api: httpx.Client, origin: str) -> None:
    """A cross-site page's request (it always carries Origin) is refused, JSON or not."""
    seeded = api.post("/_emulator/seed", json=_assoc_seed(), headers={"Origin": origin})
    reset = api.post("/_emulator/reset", headers={"Origin": origin})
    assert [seeded.status_code, reset.status_code] == [403, 403]
    assert seeded.json()["status"] == "error"
    assert _seeded_associations(api) == 0


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "https://127.0.0.1", "http://[::1]:8080", "SELF"]
)
def test_local_origins_are_accepted(
    api: httpx.Client, server: RunningEmulator, origin: str
) -> None:
    """A page served from loopback (or by the emulator's own host) may call the control API."""
    origin = server.base_url if origin == "SELF" else origin
    r = api.post("/_emulator/seed", json=_assoc_seed(), headers={"Origin": origin})
    assert r.status_code == 200
    assert _seeded_associations(api) == 1


def test_bodiless_call_with_an_origin_needs_the_json_type(api: httpx.Client) -> None:
    """The bare-call exception is for non-browser clients: with an Origin, JSON is required."""
    r = api.post("/_emulator/reset", headers={"Origin": "http://localhost:3000"})
    assert r.status_code == 415


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "[::2]:80", "a:b:c", ""])
def test_foreign_host_names_are_403(api: httpx.Client, host: str) -> None:
    """A DNS-rebound name reaches the control API through loopback but is refused, reads too."""
    for method, path in (("GET", "/_emulator/requests"), ("POST", "/_emulator/reset")):
        r = api.request(method, path, headers={"Host": host})
        assert r.status_code == 403, (method, host)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1", "127.0.0.2:9", "127.0.0.1"])
def test_loopback_host_names_are_accepted(api: httpx.Client, host: str) -> None:
    """Any loopback spelling, with or without a port, reaches the control API."""
    assert api.get("/_emulator/health", headers={"Host": host}).status_code == 200


def test_hubspot_paths_are_not_guarded(api: httpx.Client) -> None:
    """The HubSpot paths need a token instead: a foreign Origin and Host do not matter there."""
    r = api.put(
        "/crm/v4/objects/contact/1/associations/default/company/2",
        headers={"Origin": "http://evil.example", "Host": "evil.example"},
    )
    assert r.status_code == 200
