"""GET and PUT /_emulator/rate-limit: the rate limit set at run time, over real HTTP."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, RunningEmulator, create_app
from hubspot_associations_emulator.server import serve_in_thread

from tests.test_hubspot_associations_emulator.emulator_helpers import UUID

PAGE = "/crm/v4/objects/contact/1/associations/company"
NONE = {"requests": None, "seconds": None}
HEADERS = (
    "X-HubSpot-RateLimit-Max",
    "X-HubSpot-RateLimit-Remaining",
    "X-HubSpot-RateLimit-Interval-Milliseconds",
)


def _client(server: RunningEmulator) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=30,
    )


def put_limit(api: httpx.Client, body: Any) -> httpx.Response:
    """PUT /_emulator/rate-limit with a JSON body (null included: httpx sends none for json=None)."""
    return api.put(
        "/_emulator/rate-limit",
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )


def limited_counts(api: httpx.Client) -> Any:
    """The rateLimited part of the control API's request counts."""
    return api.get("/_emulator/requests").json()["rateLimited"]


def test_without_a_configured_limit_get_answers_nulls(api: httpx.Client) -> None:
    """A server started without a rate limit reports requests and seconds as null."""
    r = api.get("/_emulator/rate-limit")
    assert r.status_code == 200
    assert r.json() == NONE


def test_the_fourth_request_in_the_window_answers_hubspots_429(api: httpx.Client) -> None:
    """3 per 1 s: three answers carry the headers counting down, the fourth is HubSpot's 429."""
    r = put_limit(api, {"requests": 3, "seconds": 1})
    assert r.status_code == 200
    assert r.json() == {"requests": 3, "seconds": 1.0}
    assert api.get("/_emulator/rate-limit").json() == {"requests": 3, "seconds": 1.0}
    remaining = []
    for _ in range(3):
        r = api.get(PAGE)
        assert r.status_code == 200
        assert r.headers["X-HubSpot-RateLimit-Max"] == "3"
        assert r.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "1000"
        remaining.append(r.headers["X-HubSpot-RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    r = api.get(PAGE)
    assert r.status_code == 429
    assert r.headers["X-HubSpot-RateLimit-Max"] == "3"
    assert r.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert r.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "1000"
    body = r.json()
    assert UUID.fullmatch(body.pop("correlationId"))
    assert body == {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "policyName": "TEN_SECONDLY_ROLLING",
    }
    assert limited_counts(api) == {"total": 1, "operations": {"list_associations": 1}}


def test_the_window_rolls(api: httpx.Client) -> None:
    """Once the window has passed, requests are allowed again."""
    put_limit(api, {"requests": 1, "seconds": 0.2})
    assert api.get(PAGE).status_code == 200
    assert api.get(PAGE).status_code == 429
    time.sleep(0.25)
    assert api.get(PAGE).status_code == 200


@pytest.mark.parametrize("clear", [None, {"requests": None}, {"requests": None, "seconds": None}])
def test_clearing_the_limit_stops_429s_and_headers(api: httpx.Client, clear: Any) -> None:
    """null, {"requests": null} or both null remove the limit: no 429, no rate-limit headers."""
    put_limit(api, {"requests": 1, "seconds": 60})
    api.get(PAGE)
    assert api.get(PAGE).status_code == 429
    r = put_limit(api, clear)
    assert r.status_code == 200
    assert r.json() == NONE
    assert api.get("/_emulator/rate-limit").json() == NONE
    for _ in range(5):
        r = api.get(PAGE)
        assert r.status_code == 200
        assert not any(name in r.headers for name in HEADERS)


def test_a_new_limit_starts_a_fresh_window(api: httpx.Client) -> None:
    """Replacing a limit forgets the requests counted under the old one."""
    put_limit(api, {"requests": 1, "seconds": 60})
    api.get(PAGE)
    assert api.get(PAGE).status_code == 429
    put_limit(api, {"requests": 2, "seconds": 60})
    assert api.get(PAGE).headers["X-HubSpot-RateLimit-Remaining"] == "1"


def test_reset_removes_a_limit_the_configuration_lacks(api: httpx.Client) -> None:
    """Without a configured limit, POST /_emulator/reset removes one set at run time."""
    put_limit(api, {"requests": 1, "seconds": 60})
    assert api.post("/_emulator/reset").status_code == 200
    assert api.get("/_emulator/rate-limit").json() == NONE
    assert all(api.get(PAGE).status_code == 200 for _ in range(3))


def test_reset_restores_the_configured_limit() -> None:
    """POST /_emulator/reset brings back EmulatorConfig.rate_limit, with a fresh window."""
    with serve_in_thread(EmulatorConfig(rate_limit=(2, 60.0))) as server, _client(server) as c:
        configured = {"requests": 2, "seconds": 60.0}
        assert c.get("/_emulator/rate-limit").json() == configured
        put_limit(c, {"requests": 50, "seconds": 10})
        put_limit(c, None)
        assert c.post("/_emulator/reset").status_code == 200
        assert c.get("/_emulator/rate-limit").json() == configured
        assert [c.get(PAGE).status_code for _ in range(3)] == [200, 200, 429]
        assert c.post("/_emulator/reset").status_code == 200
        assert limited_counts(c) == {"total": 0, "operations": {}}
        r = c.get(PAGE)
        assert r.status_code == 200
        assert r.headers["X-HubSpot-RateLimit-Remaining"] == "1"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"requests": 0, "seconds": 1}, "requests must be an integer from 1 to 2147483647"),
        ({"requests": -3, "seconds": 1}, "requests must be an integer from 1 to 2147483647"),
        ({"requests": 2.5, "seconds": 1}, "requests must be an integer from 1 to 2147483647"),
        ({"requests": 3.0, "seconds": 1}, "requests must be an integer from 1 to 2147483647"),
        ({"requests": True, "seconds": 1}, "requests must be an integer from 1 to 2147483647"),
        ({"requests": "3", "seconds": 1}, "requests must be an integer from 1 to 2147483647"),
        ({"requests": 2**31, "seconds": 1}, "requests must be an integer from 1 to 2147483647"),
        ({"requests": 3, "seconds": 0}, "seconds must be a finite number above 0"),
        ({"requests": 3, "seconds": -1}, "seconds must be a finite number above 0"),
        ({"requests": 3, "seconds": "1"}, "seconds must be a finite number above 0"),
        ({"requests": 3, "seconds": True}, "seconds must be a finite number above 0"),
        ({"requests": 3, "seconds": 1e300}, "seconds must be a finite number above 0"),
        ({"requests": 3, "seconds": 86401}, "and at most 86400"),
        ({"requests": 3}, "Some required fields were not set: [seconds]"),
        ({"requests": 3, "seconds": None}, "Some required fields were not set: [seconds]"),
        ({"seconds": 1}, "seconds must be null when requests is null"),
        ({"requests": 3, "seconds": 1, "window": 2}, "Unknown fields: ['window']"),
        ([3, 1], 'The body must be {"requests": N, "seconds": S}, or null'),
        ("3/1", 'The body must be {"requests": N, "seconds": S}, or null'),
    ],
)
def test_a_bad_body_is_a_400_and_changes_nothing(
    api: httpx.Client, body: Any, message: str
) -> None:
    """A malformed limit answers 400 VALIDATION_ERROR naming the problem; limit and window stay."""
    put_limit(api, {"requests": 5, "seconds": 60})
    assert api.get(PAGE).headers["X-HubSpot-RateLimit-Remaining"] == "4"
    r = put_limit(api, body)
    assert r.status_code == 400
    error = r.json()
    assert error["category"] == "VALIDATION_ERROR"
    assert message in error["message"]
    assert UUID.fullmatch(error["correlationId"])
    assert api.get("/_emulator/rate-limit").json() == {"requests": 5, "seconds": 60.0}
    assert api.get(PAGE).headers["X-HubSpot-RateLimit-Remaining"] == "3"


@pytest.mark.parametrize(
    "content", [b"", b"{", b'{"requests": 3, "seconds": NaN}', b'{"requests": 3, "seconds": 1e400}']
)
def test_a_body_that_is_not_json_or_not_finite_is_a_400(api: httpx.Client, content: bytes) -> None:
    """An empty body, broken JSON, NaN or an overflowing number answers 400 and sets nothing."""
    r = api.put(
        "/_emulator/rate-limit", content=content, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["category"] == "VALIDATION_ERROR"
    assert api.get("/_emulator/rate-limit").json() == NONE


def test_an_empty_body_is_a_400_saying_how_to_send_null(api: httpx.Client) -> None:
    """A PUT without a body (httpx's json=None) is refused, the message naming the JSON null."""
    put_limit(api, {"requests": 5, "seconds": 60})
    r = api.put("/_emulator/rate-limit", json=None)
    assert r.status_code == 400
    assert "or the JSON null to remove the rate limit" in r.json()["message"]
    assert api.get("/_emulator/rate-limit").json() == {"requests": 5, "seconds": 60.0}


def test_429s_are_counted_per_operation_and_in_total(api: httpx.Client) -> None:
    """Each 429 counts once in total and under the operation its path and method would reach."""
    put_limit(api, {"requests": 1, "seconds": 60})
    assert api.get(PAGE).status_code == 200
    assert api.put("/crm/v4/objects/contact/1/associations/default/company/2").status_code == 429
    read = {"inputs": [{"id": "1"}]}
    batch_read = "/crm/associations/2026-03/contact/company/batch/read"
    assert api.post(batch_read, json=read).status_code == 429
    assert api.head(PAGE).status_code == 429
    # No operation: an unknown path, and a method the path does not serve.
    assert api.get("/crm/v4/nothing/here").status_code == 429
    assert api.delete("/crm/v4/associations/contact/company/labels").status_code == 429
    counts = api.get("/_emulator/requests").json()
    assert counts["received"] == 6
    assert counts["operations"] == {"list_associations": 1}
    assert counts["rateLimited"] == {
        "total": 5,
        "operations": {
            "associate_default": 1,
            "batch_read_associations": 1,
            "list_associations": 1,
        },
    }


def test_a_faulted_429_is_not_counted_as_rate_limited(api: httpx.Client) -> None:
    """Only the rate limit's 429s are counted: a 429 from the fault plan is not."""
    api.put("/_emulator/faults", json={"spec": "rate=1,kinds=429,seed=1"})
    assert api.get(PAGE).status_code == 429
    assert limited_counts(api) == {"total": 0, "operations": {}}


@pytest.mark.parametrize("limit", [(0, 1.0), (3, 0.0), (3, float("inf")), (3, float("nan"))])
def test_a_configured_limit_out_of_range_is_refused(limit: tuple[int, float]) -> None:
    """EmulatorConfig.rate_limit is checked like the control API's body, when the app is made."""
    with pytest.raises(ValueError, match="must be"):
        create_app(EmulatorConfig(rate_limit=limit))
