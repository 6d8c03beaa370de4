"""Numbers no parser can take (past 4,300 digits, non-ASCII digits) answer 400 on every route."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import pytest
from hubspot_associations_emulator import RunningEmulator
from hubspot_associations_emulator.object_routes import OBJECT_OPERATION_IDS as OBJECT_IDS
from hubspot_associations_emulator.routes import HubSpotRoute
from hypothesis import example, given, settings
from hypothesis import strategies as st
from starlette.routing import Route

# Path parameters that hold a number; the others name object types.
NUMERIC_PARAMS = ("objectId", "fromObjectId", "toObjectId", "userId", "associationTypeId")
VALID_PARAM = {"objectType": "contact", "fromObjectType": "contact", "toObjectType": "company"}

_SPEC = '{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":%s}'
_PAIR = '{"inputs":[{"from":{"id":%s},"to":{"id":%s}}]}'
_POST = '{"inputs":[{"from":{"id":%s},"to":{"id":%s},"types":[' + _SPEC + "]}]}"
_LIMIT = '{"inputs":[{"category":"HUBSPOT_DEFINED","typeId":%s,"maxToObjectIds":%s}]}'

# (method, how the route's path ends, JSON body with %s slots, each slot's valid JSON value,
# query parameters that hold a number). First match wins, so longer endings come first.
OPERATIONS: tuple[tuple[str, str, str | None, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "POST",
        "/configurations/{fromObjectType}/{toObjectType}/batch/create",
        _LIMIT,
        ("1", "5"),
        (),
    ),
    ("PUT", "/associations/default/{toObjectType}/{toObjectId}", None, (), ()),
    ("PUT", "/associations/{toObjectType}/{toObjectId}", "[" + _SPEC + "]", ("1",), ()),
    ("DELETE", "/associations/{toObjectType}/{toObjectId}", None, (), ()),
    ("GET", "{objectId}/associations/{toObjectType}", None, (), ("limit", "after")),
    ("POST", "/high-usage-report/{userId}", None, (), ()),
    ("POST", "{toObjectType}/batch/create", _POST, ('"1"', '"2"', "1"), ()),
    ("POST", "{toObjectType}/batch/update", _LIMIT, ("1", "5"), ()),
    ("POST", "{toObjectType}/batch/purge", '{"inputs":[{"category":"X","typeId":%s}]}', ("1",), ()),
    ("POST", "/batch/associate/default", _PAIR, ('"1"', '"2"'), ()),
    ("POST", "/batch/read", '{"inputs":[{"id":%s,"after":%s}]}', ('"1"', "null"), ()),
    (
        "POST",
        "/batch/archive",
        '{"inputs":[{"from":{"id":%s},"to":[{"id":%s}]}]}',
        ('"1"', '"2"'),
        (),
    ),
    ("POST", "/batch/labels/archive", _POST, ('"1"', '"2"', "1"), ()),
    ("PUT", "/labels", '{"associationTypeId":%s,"label":"L"}', ("1",), ()),
    ("DELETE", "/labels/{associationTypeId}", None, (), ()),
)
# Routes with nothing numeric to send (by method and ending): every other route is fuzzed.
NO_NUMBERS = (
    ("GET", "/labels"),
    ("POST", "/labels"),
    ("GET", "/definitions/configurations/all"),
    ("GET", "/definitions/configurations/{fromObjectType}/{toObjectType}"),
    # The limits usage calls: object type IDs only (test_emulator_limits_usage checks them).
    ("GET", "/records/from"),
    ("GET", "/records/{fromObjectTypeId}/to"),
    ("GET", "/records/{fromObjectTypeId}/{toObjectTypeId}"),
)

SEED_BODIES = (
    ('{"records":{"contact":[%s]}}', ('"1"',)),
    (
        '{"associations":[{"fromObjectType":"contact","fromObjectId":%s,"toObjectType":"company",'
        '"toObjectId":%s,"types":[' + _SPEC + "]}]}",
        ('"1"', '"2"', "1"),
    ),
    (
        '{"bulk":[{"fromObjectType":"contact","fromObjectId":%s,"toObjectType":"company",'
        '"firstToObjectId":%s,"count":%s}]}',
        ('"1"', "1", "2"),
    ),
    (
        '{"limits":[{"fromObjectType":"deal","toObjectType":"contact","category":"HUBSPOT_DEFINED",'
        '"typeId":%s,"maxToObjectIds":%s}]}',
        ("3", "5"),
    ),
)


@dataclass(frozen=True)
class Call:
    """One request with one numeric slot to fill with a bad value."""

    method: str
    path: str
    slot: str  # "path:NAME", "query:NAME" or "body:INDEX"
    body: str | None = None
    fills: tuple[str, ...] = ()


def _operation(
    method: str, path: str
) -> tuple[str | None, tuple[str, ...], tuple[str, ...]] | None:
    """The body template, its valid fills and numeric query parameters of a route, else None."""
    for op_method, ending, body, fills, query in OPERATIONS:
        if method == op_method and path.endswith(ending):
            return body, fills, query
    return None


def calls(server: RunningEmulator) -> list[Call]:
    """Every numeric slot of every HubSpot route the app serves, and of the control API's seed."""
    out: list[Call] = []
    for route in server.app.routes:
        assert isinstance(route, Route)
        if not route.path.startswith("/crm/"):
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            if isinstance(route, HubSpotRoute) and route.operations.get(method) in OBJECT_IDS:
                # The CRM object calls answer an ID no parser takes as HubSpot does, 404
                # OBJECT_NOT_FOUND (test_emulator_objects checks them): not this file's 400.
                continue
            found = _operation(method, route.path)
            if found is None:
                # A route added without a row above fails here rather than going unfuzzed.
                assert any(method == m and route.path.endswith(e) for m, e in NO_NUMBERS), (
                    method,
                    route.path,
                )
                continue
            body, fills, query = found
            params = [p for p in NUMERIC_PARAMS if "{" + p + "}" in route.path]
            out += [Call(method, route.path, f"path:{p}", body, fills) for p in params]
            out += [Call(method, route.path, f"query:{q}", body, fills) for q in query]
            out += [Call(method, route.path, f"body:{i}", body, fills) for i in range(len(fills))]
    for body, fills in SEED_BODIES:
        out += [
            Call("POST", "/_emulator/seed", f"body:{i}", body, fills) for i in range(len(fills))
        ]
    return out


def _json_value(bad: str, raw: bool) -> str:
    """The bad value as JSON: a string, or (ASCII digits only) optionally a bare number."""
    if raw and bad.lstrip("-").isascii() and bad.lstrip("-").isdigit():
        return bad
    return json.dumps(bad, ensure_ascii=False)


def render(call: Call, bad: str, raw: bool) -> tuple[str, bytes | None]:
    """The request target and body of a call, the bad value in its slot."""
    kind, _, name = call.slot.partition(":")
    path = call.path
    for param in NUMERIC_PARAMS:
        value = bad if kind == "path" and name == param else "1"
        path = path.replace("{" + param + "}", quote(value, safe=""))
    for param, value in VALID_PARAM.items():
        path = path.replace("{" + param + "}", value)
    if kind == "query":
        path += "?" + urlencode({name: bad})
    if call.body is None:
        return path, None
    values = list(call.fills)
    if kind == "body":
        values[int(name)] = _json_value(bad, raw)
    return path, (call.body % tuple(values)).encode()


def _huge(digit: str, length: int, negative: bool) -> str:
    """A number too long for int() (more than 4,300 digits)."""
    return ("-" if negative else "") + digit * length


HUGE = st.builds(_huge, st.sampled_from("123456789"), st.integers(4301, 4400), st.booleans())
NON_ASCII = st.text(
    st.characters(categories=("Nd", "No"), exclude_characters="0123456789"),
    min_size=1,
    max_size=6,
)
MIXED = st.builds(
    lambda a, b, c: a + b + c,
    st.sampled_from(["", "1", "-"]),
    NON_ASCII,
    st.sampled_from(["", "7"]),
)
BAD_NUMBERS = st.one_of(HUGE, NON_ASCII, MIXED)


@pytest.fixture(scope="module")
def every_call(server: RunningEmulator) -> list[Call]:
    """The calls of the shared server (built once: the routes do not change)."""
    return calls(server)


def _connection(server: RunningEmulator) -> http.client.HTTPConnection:
    """A keep-alive connection to the server."""
    url = urlsplit(server.base_url)
    assert url.hostname is not None
    assert url.port is not None
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def _headers(server: RunningEmulator) -> dict[str, str]:
    """Auth and a JSON content type."""
    return {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}


def test_the_calls_cover_every_family(every_call: list[Call]) -> None:
    """Every path family's routes are among the fuzzed calls, including the 2025-09 and 2026-09
    ones."""
    prefixes = {
        "/crm/v4/objects/",
        "/crm/v4/associations/",
        "/crm/associations/v4/",
        "/crm/objects/2025-09/",
        "/crm/associations/2025-09/",
        "/crm/objects/2026-03/",
        "/crm/associations/2026-03/",
        "/crm/objects/2026-09/",
        "/crm/associations/2026-09/",
        "/_emulator/seed",
    }
    assert {p for p in prefixes if any(c.path.startswith(p) for c in every_call)} == prefixes
    assert len(every_call) > 100


@settings(max_examples=12, deadline=None, derandomize=True)
@given(bad=BAD_NUMBERS, raw=st.booleans())
@example(bad="²", raw=False)
@example(bad="١٢٣", raw=False)
@example(bad="１２３", raw=False)
@example(bad="1" * 4301, raw=True)
def test_unparseable_numbers_answer_400_on_every_route(
    server: RunningEmulator, every_call: list[Call], bad: str, raw: bool
) -> None:
    """Each numeric slot of each route, given the value, answers a HubSpot 400 on a live connection."""
    conn = _connection(server)
    try:
        conn.connect()
        sock = conn.sock
        for call in every_call:
            target, body = render(call, bad, raw)
            conn.request(call.method, target, body=body, headers=_headers(server))
            response = conn.getresponse()
            payload = response.read()
            assert response.status == 400, (call, bad, payload[:300])
            answer = json.loads(payload)
            assert answer["status"] == "error", (call, answer)
            assert answer["category"], (call, answer)
            # The answer left the connection open: the next request goes over the same socket.
            assert conn.sock is sock, call
        conn.request("GET", "/_emulator/health")
        assert conn.getresponse().read() == b'{"status":"ok"}'
        assert conn.sock is sock
    finally:
        conn.close()


@pytest.mark.parametrize("name", ["2-١٢٣", "2-１２３", "2-²"])
def test_custom_object_types_need_ascii_digits(server: RunningEmulator, name: str) -> None:
    """A custom object type ID written with non-ASCII digits is an unknown object type."""
    conn = _connection(server)
    try:
        conn.request(
            "GET",
            f"/crm/v4/objects/{quote(name)}/1/associations/company",
            headers=_headers(server),
        )
        response = conn.getresponse()
        assert response.status == 400
        assert json.loads(response.read())["message"] == f"Unable to infer object type from: {name}"
    finally:
        conn.close()
