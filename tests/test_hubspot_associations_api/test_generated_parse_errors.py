"""A 2xx answer that should carry JSON but does not (empty, HTML, cut short, not UTF-8, or JSON of
the wrong type) raises the generated package's ParseError naming the status, never a bare
JSONDecodeError, UnicodeDecodeError, TypeError or AttributeError: the real generated client over
real HTTP, against the raw loopback server of tests/test_hubspot_associations/."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api.api.basic import list_associations
from hubspot_associations_api.api.batch import batch_read_associations
from hubspot_associations_api.api.labels import create_label, list_labels
from hubspot_associations_api.models import (
    BatchInputPublicFetchAssociationsBatchRequest,
    CollectionResponseAssociationSpecWithLabelNoPaging,
    PublicAssociationDefinitionCreateRequest,
    PublicFetchAssociationsBatchRequest,
)
from hubspot_associations_api.types import ParseError, Response, json_body, json_kind

from hubspot_associations import (
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    UnexpectedResponseError,
)
from tests.test_hubspot_associations.raw_server import Answer, full, serve
from tests.test_hubspot_associations_api.parsers import use_parser

LABELS = json.dumps(
    {"results": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}]}
).encode()
HTML = b"<!DOCTYPE html><html><head><title>502</title></head><body>Bad gateway</body></html>"

# name: (body, content type, fragment the message must hold besides the status)
HOSTILE: dict[str, tuple[bytes, bytes, str]] = {
    "empty": (b"", b"application/json", "is not JSON (empty body)"),
    "html": (HTML, b"text/html; charset=utf-8", f"is not JSON (text/html; charset=utf-8, {len(HTML)} bytes: "),
    "truncated": (LABELS[: len(LABELS) // 2], b"application/json", f"is not JSON (application/json, {len(LABELS) // 2} bytes: "),
    "invalid-utf8": (b'{"results": ["caf\xe9"]}', b"application/json", "not utf-8: invalid continuation byte"),
    "array": (b'[{"results": []}]', b"application/json", "has the wrong shape: "),
    # The standard library alone reads these; orjson refuses them: both parsers refuse them.
    "nan": (b'{"results": [{"category": "HUBSPOT_DEFINED", "typeId": NaN}]}', b"application/json", "NaN is not a JSON value"),
    "infinity": (b'{"results": [], "x": -Infinity}', b"application/json", "-Infinity is not a JSON value"),
    "past-float": (b'{"results": [], "x": 1e400}', b"application/json", "the number 1e400 is past a float's range"),
    "lone-surrogate": (b'{"results": [{"category": "USER_DEFINED", "typeId": 1, "label": "\\ud800"}]}', b"application/json", "half of a surrogate pair"),
    "utf-16": ('{"results": []}'.encode("utf-16"), b"application/json", "not utf-8: invalid start byte at byte 0"),
}  # fmt: skip

# A page of the documented shape whose numbers are not what the models declare: (toObjectId,
# typeId) as JSON text, and what the message says.
WRONG_NUMBERS: dict[str, tuple[str, str, str]] = {
    "typeid-string": ("1", '"279"', "typeId: expected an integer, got a string"),
    "typeid-decimal": ("1", "279.5", "typeId: expected an integer, got a number with a fraction"),
    "typeid-written-as-decimal": ("1", "279.0", "typeId: expected an integer, got a decimal number"),
    "typeid-boolean": ("1", "true", "typeId: expected an integer, got a boolean"),
    "typeid-past-64-bits": ("1", str(2**65), "typeId: expected an integer, got a number past the 64-bit integers"),
    "id-zero": ("0", "279", "toObjectId: expected a record ID (digits, or a whole number from 1 to 2^63 - 1), got a number below 1"),
    "id-negative": ("-5", "279", "got a number below 1"),
    "id-decimal": ("1.5", "279", "got a number with a fraction"),
    "id-past-64-bits": (str(2**70), "279", "got a number past the 64-bit integers"),
    "id-not-digits": ('"12a"', "279", "got a string that is not all digits ('12a')"),
    "id-digits-past-2^63-1": ('"9223372036854775808"', "279", "got '9223372036854775808', past 2^63 - 1"),
    "id-digits-zero": ('"000"', "279", "got '000', zero: record IDs start at 1"),
    "id-object": ('{"id": 1}', "279", "got dict"),
}  # fmt: skip


@pytest.mark.parametrize("case", WRONG_NUMBERS)
def test_numbers_the_models_do_not_declare_raise_parse_error(case: str) -> None:
    """A typeId that is not a 64-bit integer, or a toObjectId that is not a record ID, is a
    ParseError naming the field, in the same words under both parsers (the page is not built
    with a str where an int is declared, or with "1.5" as a record ID)."""
    to_id, type_id, fragment = WRONG_NUMBERS[case]
    spec = '{"category": "HUBSPOT_DEFINED", "typeId": ' + type_id + ', "label": null}'
    page = '{"results": [{"toObjectId": ' + to_id + ', "associationTypes": [' + spec + "]}]}"
    with pytest.raises(ParseError) as caught:
        call_sync(full(200, page.encode(), b"application/json"), SYNC_CALLS["list_associations"])
    assert str(caught.value).startswith("the 200 answer has the wrong shape: ")
    assert fragment in str(caught.value)


# A batch read answer whose from.id (a PublicObjectId) is not a record ID: (from.id as JSON
# text, what the message says). 2^63 is an int under both parsers (orjson reads up to 2^64 - 1).
WRONG_FROM_IDS: dict[str, tuple[str, str]] = {
    "digits-past-2^63-1": ('"9223372036854775808"', "got '9223372036854775808', past 2^63 - 1"),
    "number-2^63": (str(2**63), "got a number past the 64-bit integers"),
}


def test_a_batch_answer_from_id_that_is_not_a_record_id_raises_parse_error() -> None:
    """batch_read's from.id past 2^63 - 1, as digits or as a JSON number, is a ParseError
    naming PublicObjectId's id and the value, in the same words under both parsers."""
    head = '{"status": "COMPLETE", "startedAt": "2026-03-01T10:00:00Z", "completedAt": "2026-03-01T10:00:01Z"'  # fmt: skip
    answers = [
        full(200, (head + ', "results": [{"from": {"id": ' + from_id + '}, "to": []}]}').encode())
        for from_id, _ in WRONG_FROM_IDS.values()
    ]
    # One server answers every case in turn (a server each would cost its shutdown per case).
    with serve(answers) as (url, _), AuthenticatedClient(base_url=url, token="t") as client:
        for case, (_, fragment) in WRONG_FROM_IDS.items():
            with pytest.raises(ParseError) as caught:
                SYNC_CALLS["batch_read_associations"](client)
            message = str(caught.value)
            assert message.startswith("the 200 answer has the wrong shape: PublicObjectId: id: expected a record ID"), case  # fmt: skip
            assert fragment in message, case


Call = Callable[[AuthenticatedClient], Response[Any]]
AsyncCall = Callable[[AuthenticatedClient], Awaitable[Response[Any]]]

FETCH = BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id="1")])  # fmt: skip
NEW_LABEL = PublicAssociationDefinitionCreateRequest(name="partner", label="Partner")

SYNC_CALLS: dict[str, Call] = {
    "list_associations": lambda c: list_associations.sync_detailed("contact", "1", "company", client=c),
    "list_labels": lambda c: list_labels.sync_detailed("contact", "company", client=c),
    "batch_read_associations": lambda c: batch_read_associations.sync_detailed("contact", "company", client=c, body=FETCH),
    "create_label": lambda c: create_label.sync_detailed("contact", "company", client=c, body=NEW_LABEL),
}  # fmt: skip

ASYNC_CALLS: dict[str, AsyncCall] = {
    "list_associations": lambda c: list_associations.asyncio_detailed("contact", "1", "company", client=c),
    "list_labels": lambda c: list_labels.asyncio_detailed("contact", "company", client=c),
    "batch_read_associations": lambda c: batch_read_associations.asyncio_detailed("contact", "company", client=c, body=FETCH),
    "create_label": lambda c: create_label.asyncio_detailed("contact", "company", client=c, body=NEW_LABEL),
}  # fmt: skip


@pytest.fixture(autouse=True, params=["json", "orjson"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every case with the standard library's parser and with orjson's ([speedups]): the same
    ParseError, the same words."""
    use_parser(str(request.param), monkeypatch)
    return str(request.param)


def call_sync(answer: Answer, call: Call) -> Response[Any]:
    """Send one generated call to a raw server giving ``answer``."""
    with serve([answer]) as (url, _), AuthenticatedClient(base_url=url, token="t") as client:
        return call(client)


async def call_async(answer: Answer, call: AsyncCall) -> Response[Any]:
    """Send one generated async call to a raw server giving ``answer``."""
    with serve([answer]) as (url, _):
        async with AuthenticatedClient(base_url=url, token="t") as client:
            return await call(client)


@pytest.mark.parametrize("operation", SYNC_CALLS)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_sync_detailed_raises_parse_error_naming_the_status(operation: str, hostile: str) -> None:
    """sync_detailed on a hostile 200 body raises ParseError naming 200 and what is wrong."""
    body, content_type, fragment = HOSTILE[hostile]
    with pytest.raises(ParseError) as caught:
        call_sync(full(200, body, content_type), SYNC_CALLS[operation])
    assert str(caught.value).startswith("the 200 answer ")
    assert fragment in str(caught.value)
    assert caught.value.status == 200


@pytest.mark.anyio
@pytest.mark.parametrize("operation", ASYNC_CALLS)
@pytest.mark.parametrize("hostile", HOSTILE)
async def test_asyncio_detailed_raises_parse_error_naming_the_status(
    operation: str, hostile: str
) -> None:
    """asyncio_detailed on a hostile 200 body raises ParseError naming 200 and what is wrong."""
    body, content_type, fragment = HOSTILE[hostile]
    with pytest.raises(ParseError) as caught:
        await call_async(full(200, body, content_type), ASYNC_CALLS[operation])
    assert str(caught.value).startswith("the 200 answer ")
    assert fragment in str(caught.value)
    assert caught.value.status == 200


@pytest.mark.parametrize(
    ("body", "kind"),
    [(b'"ok"', "a string"), (b"null", "null"), (b"42", "a number"), (b"true", "a boolean"), (b"[]", "an array")],
)  # fmt: skip
def test_json_of_the_wrong_type_raises_parse_error_naming_the_model(body: bytes, kind: str) -> None:
    """Valid JSON that is not an object raises ParseError naming status, model and JSON type."""
    with pytest.raises(ParseError) as caught:
        call_sync(full(200, body), SYNC_CALLS["list_labels"])
    assert str(caught.value) == (
        "the 200 answer has the wrong shape: CollectionResponseAssociationSpecWithLabelNoPaging: "
        f"expected a JSON object, got {kind}"
    )


def test_the_cause_is_kept_for_debugging() -> None:
    """The JSONDecodeError behind a ParseError stays reachable as its __cause__."""
    with pytest.raises(ParseError) as caught:
        call_sync(full(200, HTML, b"text/html"), SYNC_CALLS["list_labels"])
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)
    assert "first bytes b'<!DOCTYPE html>" in str(caught.value)


def test_an_undocumented_2xx_with_a_non_json_body_names_its_status() -> None:
    """A 202 (undocumented, parsed like the 200) with an HTML body names 202, not 200."""
    with pytest.raises(ParseError, match=r"^the 202 answer is not JSON \(text/html"):
        call_sync(full(202, HTML, b"text/html"), SYNC_CALLS["list_labels"])


def test_a_documented_207_with_a_truncated_body_names_its_status() -> None:
    """batch_read's documented 207 (partial success) cut short names 207."""
    with pytest.raises(ParseError, match=r"^the 207 answer is not JSON \(application/json"):
        call_sync(full(207, b'{"status": "COMPLETE", "res'), SYNC_CALLS["batch_read_associations"])


def test_an_undocumented_2xx_with_no_body_still_parses_to_none() -> None:
    """An empty 204 where a 200 is documented stays a success without a body (unchanged)."""
    response = call_sync(full(204, b""), SYNC_CALLS["create_label"])
    assert response.status_code == 204
    assert response.parsed is None


@pytest.mark.parametrize("status", [400, 429, 502, 503])
def test_error_statuses_with_non_json_bodies_still_parse_to_none(status: int) -> None:
    """HTML or empty error answers still give a Response with parsed None (unchanged)."""
    for body, content_type in [(HTML, b"text/html"), (b"", b"application/json")]:
        response = call_sync(full(status, body, content_type), SYNC_CALLS["list_associations"])
        assert response.status_code == status
        assert response.parsed is None
        assert response.content == body


def test_an_error_status_with_broken_json_raises_parse_error_naming_it() -> None:
    """An error answer that starts like JSON but is cut short raises ParseError naming 500."""
    with pytest.raises(ParseError, match=r"^the 500 answer is not JSON \(application/json"):
        call_sync(full(500, b'{"status": "error", "mess'), SYNC_CALLS["list_labels"])


def test_a_well_formed_answer_still_parses() -> None:
    """The happy path is unchanged: a 200 with the documented object parses."""
    response = call_sync(full(200, LABELS), SYNC_CALLS["list_labels"])
    assert isinstance(response.parsed, CollectionResponseAssociationSpecWithLabelNoPaging)
    assert response.parsed.results[0].type_id == 279


def test_deeply_nested_json_raises_parse_error() -> None:
    """JSON nested past the recursion limit raises ParseError, not RecursionError."""
    with pytest.raises(ParseError, match=r"^the 200 answer is not JSON \(.*nested too deeply"):
        call_sync(full(200, b"[" * 100_000 + b"]" * 100_000), SYNC_CALLS["list_labels"])


def test_json_kind_names_json_types() -> None:
    """json_kind uses JSON's names for decoded values."""
    values: list[object] = [[], {}, "", 1, 1.5, True, None]
    assert [json_kind(v) for v in values] == [
        "an array", "dict", "a string", "a number", "a number", "a boolean", "null",
    ]  # fmt: skip


def test_json_body_is_exported_for_the_endpoints() -> None:
    """The one decode helper every endpoint uses is part of the types module's API."""
    import hubspot_associations_api.types as types

    assert {"json_body", "json_kind", "with_status"} <= set(types.__all__)
    assert json_body is types.json_body


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_client_maps_the_parse_error_to_unexpected_response(hostile: str) -> None:
    """The hand-written client turns that ParseError into UnexpectedResponseError (sync)."""
    body, content_type, fragment = HOSTILE[hostile]
    with (
        serve([full(200, body, content_type)]) as (url, _),
        HubSpotAssociations("token", base_url=url, rate_limit=None) as client,
        pytest.raises(UnexpectedResponseError) as caught,
    ):
        client.labels.list("contact", "company")
    assert isinstance(caught.value.__cause__, ParseError)
    assert "HubSpot answered 200 with a body this client cannot read: the 200 answer" in str(
        caught.value
    )
    assert fragment in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize("hostile", HOSTILE)
async def test_the_async_client_maps_the_parse_error_to_unexpected_response(hostile: str) -> None:
    """The hand-written async client turns that ParseError into UnexpectedResponseError."""
    body, content_type, fragment = HOSTILE[hostile]
    with serve([full(200, body, content_type)]) as (url, _):
        async with AsyncHubSpotAssociations("token", base_url=url, rate_limit=None) as client:
            with pytest.raises(UnexpectedResponseError) as caught:
                await client.basic.get_page("contact", 1, "company")
    assert isinstance(caught.value.__cause__, ParseError)
    assert fragment in str(caught.value)
