"""Auth, path families, wire quirks, rate limiting and faults, over real HTTP."""

from __future__ import annotations

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, RunningEmulator, serve_in_thread

from tests.test_hubspot_associations_emulator.emulator_helpers import spec, types, without_volatile


def _client(server: RunningEmulator, token: str | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {token or server.token}"},
        timeout=30,
    )


def test_missing_token_is_401_invalid_authentication(server: RunningEmulator) -> None:
    """No Authorization header answers 401 INVALID_AUTHENTICATION."""
    r = httpx.get(f"{server.base_url}/crm/v4/objects/contact/1/associations/company")
    assert r.status_code == 401
    body = without_volatile(r.json())
    assert body["category"] == "INVALID_AUTHENTICATION"
    assert body["status"] == "error"
    assert body["message"].startswith("Authentication credentials not found")


@pytest.mark.parametrize("header", ["Bearer wrong", "Basic emulator-token", "emulator-token"])
def test_wrong_token_is_401(server: RunningEmulator, header: str) -> None:
    """A wrong token or scheme answers 401 on every HubSpot path, before any validation."""
    r = httpx.post(
        f"{server.base_url}/crm/v4/associations/nope/contact/batch/read",
        headers={"Authorization": header},
    )
    assert r.status_code == 401
    assert without_volatile(r.json()) == {
        "status": "error",
        "message": "The access token provided is invalid or expired.",
        "category": "INVALID_AUTHENTICATION",
    }


def test_control_api_needs_no_token(server: RunningEmulator) -> None:
    """The control API is open; unknown paths answer a JSON 404."""
    assert httpx.get(f"{server.base_url}/_emulator/health").json() == {"status": "ok"}
    r = httpx.get(f"{server.base_url}/_emulator/nothing")
    assert r.status_code == 404
    assert r.json()["status"] == "error"


def test_several_tokens_are_accepted() -> None:
    """Every configured token works; the first is the one handed out."""
    with serve_in_thread(EmulatorConfig(tokens=("a", "b"))) as server:
        assert server.token == "a"
        for token in ("a", "b"):
            with _client(server, token) as c:
                assert c.get("/crm/v4/objects/contact/1/associations/company").status_code == 200


@pytest.mark.parametrize(
    ("objects", "associations"),
    [
        ("/crm/v4/objects", "/crm/associations/v4"),
        ("/crm/objects/2026-03", "/crm/associations/2026-03"),
    ],
)
def test_other_path_families_share_one_state(
    api: httpx.Client, objects: str, associations: str
) -> None:
    """The newer v4 spelling and 2026-03 serve the same operations over the same data."""
    made = api.post(
        f"{associations}/contact/company/labels", json={"name": "owner", "label": "Owner"}
    )
    assert made.status_code == 200
    owner = made.json()["results"][0]["typeId"]
    assert (
        api.put(
            f"{objects}/contact/1/associations/company/2", json=[spec(owner, "USER_DEFINED")]
        ).status_code
        == 201
    )
    page = api.get("/crm/v4/objects/contact/1/associations/company").json()
    assert page["results"][0]["associationTypes"] == [
        {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None},
        {"category": "USER_DEFINED", "typeId": owner, "label": "Owner"},
    ]
    r = api.post(
        f"{associations}/definitions/configurations/contact/company/batch/create",
        json={"inputs": [{"category": "USER_DEFINED", "typeId": owner, "maxToObjectIds": 3}]},
    )
    assert r.status_code == 201
    assert (
        api.get(f"{associations}/definitions/configurations/all").json()["results"][0]["typeId"]
        == owner
    )
    assert api.post(f"{associations}/usage/high-usage-report/7").status_code == 200


def test_2026_03_answers_200_with_a_batch_body_where_v4_answers_204(api: httpx.Client) -> None:
    """In 2026-03, batch archive, labels archive and limits purge answer 200 with a batch body."""
    base = "/crm/associations/2026-03"
    api.put("/crm/objects/2026-03/contact/1/associations/company/2", json=[spec(1)])
    r = api.post(
        f"{base}/contact/company/batch/labels/archive",
        json={"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(1)]}]},
    )
    assert r.status_code == 200
    assert without_volatile(r.json()) == {"status": "COMPLETE", "results": []}
    r = api.post(
        f"{base}/contact/company/batch/archive",
        json={"inputs": [{"from": {"id": "1"}, "to": [{"id": "2"}]}]},
    )
    assert r.status_code == 200
    assert without_volatile(r.json()) == {"status": "COMPLETE", "results": []}
    assert api.get("/crm/objects/2026-03/contact/1/associations/company").json() == {"results": []}
    r = api.post(
        f"{base}/definitions/configurations/contact/company/batch/purge",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 1}]},
    )
    assert r.status_code == 200
    v4 = api.post(
        "/crm/associations/v4/definitions/configurations/contact/company/batch/purge",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 1}]},
    )
    assert v4.status_code == 204


def test_numeric_ids_answer_json_numbers() -> None:
    """--numeric-ids answers toObjectId and the labelled PUT's IDs as JSON numbers."""
    with serve_in_thread(EmulatorConfig(numeric_ids=True)) as server, _client(server) as c:
        r = c.put("/crm/v4/objects/contact/5434402448/associations/company/2", json=[spec(279)])
        assert r.json() == {
            "fromObjectTypeId": "0-1",
            "fromObjectId": 5434402448,
            "toObjectTypeId": "0-2",
            "toObjectId": 2,
            "labels": [],
        }
        page = c.get("/crm/v4/objects/company/2/associations/contact").json()
        assert page == {
            "results": [{"toObjectId": 5434402448, "associationTypes": types((280, None))}]
        }
        read = c.post(
            "/crm/v4/associations/company/contact/batch/read", json={"inputs": [{"id": "2"}]}
        ).json()
        assert read["results"][0]["to"][0]["toObjectId"] == 5434402448
        assert read["results"][0]["from"] == {"id": "2"}


def test_enqueue_time_as_an_object() -> None:
    """enqueue_time_format='object' answers the newer documents' {value, dateOnly, timeZoneShift}."""
    with (
        serve_in_thread(EmulatorConfig(enqueue_time_format="object")) as server,
        _client(server) as c,
    ):
        body = c.post("/crm/v4/associations/usage/high-usage-report/1").json()
        assert set(body["enqueueTime"]) == {"value", "dateOnly", "timeZoneShift"}
        assert isinstance(body["enqueueTime"]["value"], int)


def test_strict_records_refuse_unknown_records() -> None:
    """With strict_records only seeded records can be associated."""
    with serve_in_thread(EmulatorConfig(strict_records=True)) as server, _client(server) as c:
        c.post("/_emulator/seed", json={"records": {"contacts": ["1"], "company": [2]}})
        assert c.put("/crm/v4/objects/contact/1/associations/default/company/2").status_code == 200
        r = c.put("/crm/v4/objects/contact/123/associations/default/company/2")
        assert r.status_code == 400
        assert without_volatile(r.json()) == {
            "status": "error",
            "message": "One or more associations are invalid",
            "category": "VALIDATION_ERROR",
            "context": {"INVALID_OBJECT_IDS": ["CONTACT=123 is not valid"]},
        }
        batch = c.post(
            "/crm/v4/associations/contact/company/batch/associate/default",
            json={
                "inputs": [
                    {"from": {"id": "1"}, "to": {"id": "2"}},
                    {"from": {"id": "1"}, "to": {"id": "9"}},
                ]
            },
        )
        assert batch.status_code == 200
        assert batch.json()["numErrors"] == 1
        assert batch.json()["errors"][0]["context"] == {
            "INVALID_OBJECT_IDS": ["COMPANY=9 is not valid"]
        }


def test_rate_limit_answers_hubspots_429_and_headers_on_every_answer() -> None:
    """Past N requests in the window: 429 with HubSpot's body; headers on every HubSpot answer."""
    with serve_in_thread(EmulatorConfig(rate_limit=(3, 60.0))) as server, _client(server) as c:
        remaining = []
        for _ in range(3):
            r = c.get("/crm/v4/objects/contact/1/associations/company")
            assert r.status_code == 200
            assert r.headers["X-HubSpot-RateLimit-Max"] == "3"
            assert r.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "60000"
            remaining.append(r.headers["X-HubSpot-RateLimit-Remaining"])
        assert remaining == ["2", "1", "0"]
        r = c.get("/crm/v4/objects/contact/1/associations/company")
        assert r.status_code == 429
        assert r.headers["X-HubSpot-RateLimit-Remaining"] == "0"
        assert without_volatile(r.json()) == {
            "status": "error",
            "message": "You have reached your ten_secondly_rolling limit.",
            "errorType": "RATE_LIMIT",
            "policyName": "TEN_SECONDLY_ROLLING",
        }
        assert "X-HubSpot-RateLimit-Max" not in c.get("/_emulator/health").headers
        c.post("/_emulator/reset")
        assert c.get("/crm/v4/objects/contact/1/associations/company").status_code == 200


def _statuses(c: httpx.Client, n: int) -> list[str]:
    out = []
    for _ in range(n):
        try:
            r = c.get("/crm/v4/objects/contact/1/associations/company")
        except httpx.TransportError as exc:
            out.append(type(exc).__name__)
        else:
            kind = "html" if r.headers["content-type"].startswith("text/html") else ""
            out.append(f"{r.status_code}{kind}")
    return out


def test_faults_are_seeded_and_reproducible(server: RunningEmulator) -> None:
    """The same fault spec gives the same sequence of answers, with every kind represented."""
    runs = []
    with _client(server) as c:
        for _ in range(2):
            put = c.put(
                "/_emulator/faults", json={"spec": "rate=0.5,kinds=429+502+503+html+drop,seed=7"}
            )
            assert put.json() == {
                "spec": "rate=0.5,kinds=429+502+503+html+drop,seed=7",
                "rate": 0.5,
                "kinds": ["429", "502", "503", "html", "drop"],
                "seed": 7,
                "latencyMs": 0,
                "script": [],
            }
            runs.append(_statuses(c, 60))
        c.put("/_emulator/faults", json={"spec": None})
        assert _statuses(c, 5) == ["200"] * 5
    assert runs[0] == runs[1]
    assert {"200", "429", "502", "503", "502html", "RemoteProtocolError"} <= set(runs[0])


def test_fault_bodies_look_like_hubspots(server: RunningEmulator) -> None:
    """A faulted 429 carries HubSpot's rate-limit body; an HTML fault is an HTML 502."""
    with _client(server) as c:
        c.put("/_emulator/faults", json={"spec": "rate=1,kinds=429,seed=1"})
        r = c.get("/crm/v4/objects/contact/1/associations/company")
        assert r.status_code == 429
        assert r.json()["errorType"] == "RATE_LIMIT"
        c.put("/_emulator/faults", json={"spec": "rate=1,kinds=html"})
        r = c.get("/crm/v4/objects/contact/1/associations/company")
        assert (r.status_code, r.text.startswith("<html>")) == (502, True)
        bad = c.put("/_emulator/faults", json={"spec": "rate=2"})
        assert bad.status_code == 400
        c.post("/_emulator/reset")
        assert c.get("/_emulator/faults").json()["rate"] == 0.0


def test_faulted_requests_are_not_applied(server: RunningEmulator) -> None:
    """A fault replaces the whole call: the write behind it does not happen."""
    with _client(server) as c:
        c.post("/_emulator/reset")
        c.put("/_emulator/faults", json={"spec": "rate=1,kinds=503"})
        assert c.put("/crm/v4/objects/contact/1/associations/default/company/2").status_code == 503
        c.put("/_emulator/faults", json={"spec": None})
        assert c.get("/crm/v4/objects/contact/1/associations/company").json() == {"results": []}


def test_faults_from_the_configuration_and_latency() -> None:
    """A spec in the configuration applies from the start; reset restores it."""
    config = EmulatorConfig(faults="rate=1,kinds=drop,seed=3,latency=5", latency_ms=5)
    with serve_in_thread(config) as server, _client(server) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/crm/v4/objects/contact/1/associations/company")
        assert c.get("/_emulator/faults").json()["latencyMs"] == 5
        c.put("/_emulator/faults", json={"spec": None})
        assert c.get("/crm/v4/objects/contact/1/associations/company").status_code == 200
        c.post("/_emulator/reset")
        assert c.get("/_emulator/faults").json()["rate"] == 1.0


def test_405_lists_every_method_of_the_path(api: httpx.Client) -> None:
    """A wrong method answers a JSON 405 whose Allow header lists all the path's methods."""
    r = api.request("PATCH", "/crm/v4/associations/contact/company/labels")
    assert r.status_code == 405
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "PUT"}
    assert r.json()["status"] == "error"
    r = api.request("OPTIONS", "/crm/v4/objects/contact/1/associations/company/2")
    assert set(r.headers["Allow"].split(", ")) == {"PUT", "DELETE"}
