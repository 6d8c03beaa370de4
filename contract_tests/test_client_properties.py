"""Property tests of the generated client against the curated spec (canned answers, no server)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api import models as api_models
from hubspot_associations_api.api.basic import associate_with_labels, list_associations
from hubspot_associations_api.types import ParseError, Response
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests import coverage
from contract_tests.strategies import (
    ENUMS,
    MODEL_SCHEMAS,
    OPERATIONS,
    Operation,
    any_json,
    call_arguments,
    model_class,
    model_json,
    response_json,
    status_codes_for,
    unknown_enum_value,
)

BASE_URL = "https://api.hubapi.com"
OPERATION_IDS = [operation.operation_id for operation in OPERATIONS]
DOCUMENTED = [
    (operation, status, code)
    for operation in OPERATIONS
    for status in operation.responses
    for code in status_codes_for(status)
]


class Canned:
    """The one answer the mock transport gives next (set before each call)."""

    status = 200
    content = b""
    content_type = "application/json"

    @classmethod
    def handler(cls, request: httpx.Request) -> httpx.Response:
        """Answer any request with the canned answer."""
        return httpx.Response(
            cls.status, content=cls.content, headers={"Content-Type": cls.content_type}
        )


_CLIENT = AuthenticatedClient(base_url=BASE_URL, token="contract-token")
_CLIENT.set_httpx_client(
    httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(Canned.handler))
)


def answering(
    status: int, content: bytes, content_type: str = "application/json"
) -> AuthenticatedClient:
    """The generated client, whose next request gets this canned answer."""
    Canned.status, Canned.content, Canned.content_type = status, content, content_type
    return _CLIENT


def call(
    operation: Operation, client: AuthenticatedClient, arguments: dict[str, Any]
) -> Response[Any]:
    """Call the operation's generated sync_detailed function."""
    response: Response[Any] = operation.module.sync_detailed(client=client, **arguments)
    return response


def expected_class(operation: Operation, code: int) -> Any:
    """The model class the spec documents for a status code (None for no body)."""
    for status in (str(code), f"{str(code)[0]}XX", "default"):
        if status in operation.responses:
            name = operation.responses[status]
            return None if name is None else model_class(name)
    raise AssertionError(f"{operation.operation_id}: {code} is not documented")


@pytest.mark.parametrize("name", sorted(MODEL_SCHEMAS))
def test_model_round_trips(name: str) -> None:
    """Every model parses valid JSON, and to_dict → from_dict gives the same model back."""
    cls = model_class(name)

    @given(model_json(name))
    def check(data: dict[str, Any]) -> None:
        parsed = cls.from_dict(data)
        dumped = parsed.to_dict()
        json.dumps(dumped)  # to_dict gives plain JSON
        again = cls.from_dict(json.loads(json.dumps(dumped)))
        assert again == parsed
        assert again.to_dict() == dumped

    check()


@pytest.mark.parametrize(
    ("enum", "value"), [(enum, value) for enum, values in ENUMS.items() for value in values]
)
def test_documented_enum_value_parses(enum: str, value: str) -> None:
    """Every documented enum value parses to a member that equals the JSON string."""
    member = getattr(api_models, enum)(value)
    assert member == value
    assert str(member) == value


@given(category=unknown_enum_value("AssociationCategory"), status=unknown_enum_value("BatchStatus"))
def test_unknown_enum_values_are_kept(category: str, status: str) -> None:
    """Enum values HubSpot has not published yet parse without error and keep their value."""
    spec = api_models.AssociationSpecWithLabel.from_dict(
        {"category": category, "typeId": 1, "label": None}
    )
    assert spec.category == category
    assert spec.to_dict()["category"] == category
    batch = api_models.VoidBatch.from_dict(
        {
            "status": status,
            "startedAt": "2026-03-01T10:00:00Z",
            "completedAt": "2026-03-01T10:00:01Z",
        }
    )
    assert batch.status == status
    assert batch.to_dict()["status"] == status


@given(
    to_id=st.integers(1, 2**63 - 1),
    from_id=st.integers(1, 2**63 - 1),
    category=st.sampled_from(ENUMS["AssociationCategory"])
    | unknown_enum_value("AssociationCategory"),
)
def test_numeric_ids_and_unknown_categories_parse_through_the_client(
    to_id: int, from_id: int, category: str
) -> None:
    """IDs sent as JSON numbers (past 32 bits; record IDs start at 1) come out as the same digits in
    str; categories are kept."""
    page = {
        "results": [
            {
                "toObjectId": to_id,
                "associationTypes": [{"category": category, "typeId": 279, "label": None}],
            }
        ]
    }
    parsed = list_associations.sync(
        "contact", "1", "company", client=answering(200, json.dumps(page).encode())
    )
    assert isinstance(parsed, api_models.AssociatedRecordPage)
    assert parsed.results[0].to_object_id == str(to_id)
    assert parsed.results[0].association_types[0].category == category
    pair = {
        "fromObjectTypeId": "0-1",
        "fromObjectId": from_id,
        "toObjectTypeId": "0-2",
        "toObjectId": to_id,
        "labels": [],
    }
    labelled = associate_with_labels.sync(
        "contact", "1", "company", "2", client=answering(201, json.dumps(pair).encode()), body=[]
    )
    assert isinstance(labelled, api_models.LabelsBetweenObjectPair)
    assert (labelled.from_object_id, labelled.to_object_id) == (str(from_id), str(to_id))


@pytest.mark.parametrize(
    ("operation", "status", "code"),
    DOCUMENTED,
    ids=[f"{op.operation_id}-{code}" for op, _, code in DOCUMENTED],
)
def test_every_documented_response_parses(operation: Operation, status: str, code: int) -> None:
    """Every documented answer of every operation (2xx, 207, errors) parses into its documented model."""
    cls = expected_class(operation, code)
    # Every error status shares the Error schema: a few examples each is plenty.
    budget = settings().max_examples if code < 400 else max(3, settings().max_examples // 4)

    @settings(max_examples=budget)
    @given(arguments=call_arguments(operation), body=response_json(operation, status))
    def check(arguments: dict[str, Any], body: Any) -> None:
        content = b"" if body is None else json.dumps(body).encode()
        response = call(operation, answering(code, content), arguments)
        assert response.status_code == code
        if cls is None:
            assert response.parsed is None
        else:
            assert isinstance(response.parsed, cls), (
                f"{operation.operation_id} {code}: got {type(response.parsed).__name__}"
            )

    check()
    coverage.record("client parse", operation.operation_id, code)


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_random_json_gives_a_clear_error(operation: Operation) -> None:
    """Any JSON answer either parses into a documented model or raises ParseError; never a bare crash."""
    codes = sorted({code for status in operation.responses for code in status_codes_for(status)})

    @given(arguments=call_arguments(operation), code=st.sampled_from(codes), body=any_json())
    def check(arguments: dict[str, Any], code: int, body: Any) -> None:
        cls = expected_class(operation, code)
        try:
            response = call(operation, answering(code, json.dumps(body).encode()), arguments)
        except ParseError as error:
            message = str(error)
        else:
            assert response.parsed is None or isinstance(response.parsed, cls)
            return
        assert message, "a ParseError says what is wrong"

    check()


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_non_json_error_pages_give_a_typed_none(operation: Operation) -> None:
    """An HTML or empty error answer (a proxy's 502, a 503) parses to None with status and content kept."""

    @settings(max_examples=3)
    @given(arguments=call_arguments(operation))
    def check(arguments: dict[str, Any]) -> None:
        for code, content in (
            (502, b"<html><body>Bad gateway</body></html>"),
            (503, b""),
            (429, b""),
        ):
            response = call(operation, answering(code, content, "text/html"), arguments)
            assert response.status_code == code
            assert response.parsed is None
            assert response.content == content

    check()
