"""The app in-process through httpx.ASGITransport, and fuzzing for answers that are never 500."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, create_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_hubspot_associations_emulator.emulator_helpers import spec, types

AUTH = {"Authorization": "Bearer emulator-token"}


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_in_process_round_trip() -> None:
    """create_app serves the operations in-process, without a socket."""

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(
            transport=transport, base_url="http://emulator", headers=AUTH
        ) as c:
            r = await c.put("/crm/v4/objects/deal/1/associations/company/2", json=[spec(5)])
            assert r.status_code == 201
            assert r.json()["labels"] == ["Primary"]
            page = (await c.get("/crm/v4/objects/company/2/associations/deals")).json()
            assert page == {
                "results": [
                    {"toObjectId": "1", "associationTypes": types((6, "Primary"), (342, None))}
                ]
            }
            assert (await c.get("/_emulator/health")).json() == {"status": "ok"}

    _run(scenario())


def test_in_process_drop_fault_raises() -> None:
    """Without a socket, a dropped connection surfaces as an exception in the client."""

    async def scenario() -> None:
        app = create_app(EmulatorConfig(faults="rate=1,kinds=drop"))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://e", headers=AUTH
        ) as c:
            with pytest.raises(ConnectionResetError):
                await c.get("/crm/v4/objects/contact/1/associations/company")

    _run(scenario())


def test_apps_do_not_share_state() -> None:
    """Two apps are two portals."""

    async def scenario() -> None:
        first, second = create_app(), create_app()
        async with (
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=first), base_url="http://a", headers=AUTH
            ) as a,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=second), base_url="http://b", headers=AUTH
            ) as b,
        ):
            await a.put("/crm/v4/objects/contact/1/associations/default/company/2")
            assert (await b.get("/crm/v4/objects/contact/1/associations/company")).json() == {
                "results": []
            }

    _run(scenario())


PATHS = [
    ("PUT", "/crm/v4/objects/{a}/{i}/associations/default/{b}/{j}"),
    ("PUT", "/crm/v4/objects/{a}/{i}/associations/{b}/{j}"),
    ("GET", "/crm/v4/objects/{a}/{i}/associations/{b}"),
    ("DELETE", "/crm/v4/objects/{a}/{i}/associations/{b}/{j}"),
    ("POST", "/crm/v4/associations/{a}/{b}/batch/associate/default"),
    ("POST", "/crm/v4/associations/{a}/{b}/batch/create"),
    ("POST", "/crm/v4/associations/{a}/{b}/batch/read"),
    ("POST", "/crm/v4/associations/{a}/{b}/batch/archive"),
    ("POST", "/crm/v4/associations/{a}/{b}/batch/labels/archive"),
    ("POST", "/crm/v4/associations/usage/high-usage-report/{i}"),
    ("GET", "/crm/v4/associations/{a}/{b}/labels"),
    ("POST", "/crm/v4/associations/{a}/{b}/labels"),
    ("PUT", "/crm/v4/associations/{a}/{b}/labels"),
    ("DELETE", "/crm/v4/associations/{a}/{b}/labels/{i}"),
    ("GET", "/crm/v4/associations/definitions/configurations/all"),
    ("GET", "/crm/v4/associations/definitions/configurations/{a}/{b}"),
    ("POST", "/crm/v4/associations/definitions/configurations/{a}/{b}/batch/create"),
    ("POST", "/crm/v4/associations/definitions/configurations/{a}/{b}/batch/update"),
    ("POST", "/crm/v4/associations/definitions/configurations/{a}/{b}/batch/purge"),
]
segments = st.sampled_from(["contact", "companies", "0-3", "2-77", "x", "1", "%20", "0-1"])
ids = st.one_of(st.integers(-3, 2**64).map(str), st.sampled_from(["a", "1e3", "", "%C3%A9"]))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=5)),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "inputs",
                    "from",
                    "to",
                    "id",
                    "types",
                    "after",
                    "name",
                    "label",
                    "inverseLabel",
                    "associationCategory",
                    "associationTypeId",
                    "category",
                    "typeId",
                    "maxToObjectIds",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
bodies = st.one_of(
    json_values.map(lambda v: httpx.Request("POST", "/", json=v).content), st.binary(max_size=20)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    op=st.sampled_from(PATHS),
    a=segments,
    b=segments,
    i=ids,
    j=ids,
    body=bodies,
    limit=st.sampled_from([None, "0", "1", "500", "x"]),
)
def test_bad_input_never_answers_500(
    op: tuple[str, str], a: str, b: str, i: str, j: str, body: bytes, limit: str | None
) -> None:
    """Any path segments, IDs and bodies get a 2xx or a HubSpot-shaped 4xx, never a 5xx."""
    method, template = op
    url = template.format(a=a, b=b, i=i or "0", j=j or "0")
    params = {"limit": limit} if limit else {}

    async def scenario() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=APP), base_url="http://e", headers=AUTH
        ) as c:
            return await c.request(method, url, content=body, params=params)

    r = _run(scenario())
    assert r.status_code < 500, (url, body, r.text)
    if r.status_code >= 400:
        payload = r.json()
        assert payload["status"] == "error"
        assert payload["message"]


APP = create_app()


BIG_CURSOR = "MTE4MDU5MTYyMDcxNzQxMTMwMzQyNA"  # base64 of 2**70: past SQLite's integers


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", f"/crm/v4/objects/contact/1/associations/company?after={BIG_CURSOR}", None),
        (
            "POST",
            "/crm/v4/associations/deal/contact/batch/read",
            {"inputs": [{"id": "1", "after": BIG_CURSOR}]},
        ),
        (
            "POST",
            "/crm/v4/associations/definitions/configurations/deal/contact/batch/create",
            {"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": 2**70}]},
        ),
        (
            "POST",
            "/_emulator/seed",
            {
                "bulk": [
                    {
                        "fromObjectType": "deal",
                        "fromObjectId": "1",
                        "toObjectType": "contact",
                        "firstToObjectId": 2**63 - 2,
                        "count": 5,
                    }
                ]
            },
        ),
        ("POST", "/_emulator/seed", {"records": {"widgets": [1]}}),
        (
            "POST",
            "/_emulator/seed",
            {
                "associations": [
                    {
                        "fromObjectType": "deal",
                        "fromObjectId": "1",
                        "toObjectType": "contact",
                        "toObjectId": "2",
                        "types": "x",
                    }
                ]
            },
        ),
        ("POST", "/_emulator/seed", [1]),
        ("PUT", "/_emulator/faults", {"spec": "rate=0.1,kinds=418+teapot"}),
    ],
)
def test_out_of_range_values_are_400_not_500(method: str, url: str, body: Any) -> None:
    """Numbers past 64 bits and malformed control bodies answer 400."""

    async def scenario() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app()), base_url="http://e", headers=AUTH
        ) as c:
            return await c.request(method, url, json=body)

    r = _run(scenario())
    assert r.status_code == 400, r.text
    assert r.json()["status"] == "error"
