"""The suite can fail: a server answer broken on purpose is reported by the suite's own checks.

A middleware wraps the emulator's ASGI app and rewrites one answer (a required field dropped, an
enum value HubSpot never documented, a wrong status). The same schemathesis configuration the
contract run uses, and the generated client, must both report it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import pytest
import schemathesis
from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api.api.labels import list_labels
from hubspot_associations_api.types import ParseError
from hubspot_associations_emulator import EmulatorConfig, create_app
from schemathesis.core.failures import FailureGroup

from contract_tests.strategies import SPEC_PATH
from contract_tests.test_schemathesis import EMULATOR_TOKEN, contract_config

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Rewrite = Callable[[int, Any], tuple[int, Any]]

LABELS_PATH = "/crm/v4/associations/contacts/companies/labels"


class BreakOneAnswer:
    """ASGI middleware: every answer passes unchanged except those of one path, which are rewritten."""

    def __init__(self, app: Any, path: str, rewrite: Rewrite) -> None:
        self.app, self.path, self.rewrite = app, path, rewrite

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        """Buffer the wrapped answer of the broken path, rewrite status and JSON body, send it on."""
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            status, body = start["status"], json.loads(b"".join(chunks))
            if status == 200:
                status, body = self.rewrite(status, body)
            content = json.dumps(body).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(content)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})

        await self.app(scope, receive, capture)


def drop_type_id(status: int, body: Any) -> tuple[int, Any]:
    """A required field missing: the first label loses its typeId."""
    del body["results"][0]["typeId"]
    return status, body


def unknown_category(status: int, body: Any) -> tuple[int, Any]:
    """An enum value the spec does not list: what a HubSpot release adding a category looks like."""
    body["results"][0]["category"] = "NOT_A_DOCUMENTED_CATEGORY"
    return status, body


def server_error_status(status: int, body: Any) -> tuple[int, Any]:
    """A wrong status: the labels come back under 500."""
    return 500, body


BROKEN = [
    pytest.param(
        drop_type_id, "response_schema_conformance", "typeId", id="missing-required-field"
    ),
    pytest.param(
        unknown_category,
        "response_schema_conformance",
        "NOT_A_DOCUMENTED_CATEGORY",
        id="wrong-enum-value",
    ),
    pytest.param(server_error_status, "not_a_server_error", "500", id="wrong-status"),
]


def broken_app(rewrite: Rewrite) -> BreakOneAnswer:
    """The emulator with one answer broken."""
    return BreakOneAnswer(create_app(EmulatorConfig()), LABELS_PATH, rewrite)


def check_list_labels(app: Any) -> None:
    """Run the contract run's schemathesis checks on one list_labels request against the app."""
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=contract_config(EMULATOR_TOKEN))
    schema.app = app
    operation = schema.find_operation_by_id("list_labels")
    case = operation.Case(
        path_parameters={"fromObjectType": "contacts", "toObjectType": "companies"}
    )
    case.call_and_validate(headers={"Authorization": f"Bearer {EMULATOR_TOKEN}"})


def test_the_unbroken_answer_passes() -> None:
    """Without the breakage the same request passes every check (so the failures below are the breakage's)."""
    check_list_labels(
        BreakOneAnswer(create_app(EmulatorConfig()), LABELS_PATH, lambda s, b: (s, b))
    )


@pytest.mark.parametrize(("rewrite", "check", "evidence"), BROKEN)
def test_schemathesis_reports_a_broken_answer(rewrite: Rewrite, check: str, evidence: str) -> None:
    """A broken answer fails the contract checks, names the check and prints the reproducing curl."""
    with pytest.raises(FailureGroup) as failed:
        check_list_labels(broken_app(rewrite))
    report = str(failed.value)
    assert evidence in report
    assert "curl -X GET" in report
    titles = {type(failure).__name__ for failure in failed.value.exceptions}
    expected = {
        "response_schema_conformance": "JsonSchemaError",
        "not_a_server_error": "ServerError",
    }[check]
    assert expected in titles, titles


@pytest.mark.anyio
async def test_client_reports_a_missing_required_field() -> None:
    """The generated client refuses the answer without typeId with a ParseError naming the field."""
    client = AuthenticatedClient(base_url="http://emulator", token=EMULATOR_TOKEN)
    headers = {"Authorization": f"Bearer {EMULATOR_TOKEN}"}
    transport = httpx.ASGITransport(app=broken_app(drop_type_id))
    async with httpx.AsyncClient(
        base_url="http://emulator", transport=transport, headers=headers
    ) as http:
        client.set_async_httpx_client(http)
        with pytest.raises(ParseError, match="typeId"):
            await list_labels.asyncio_detailed("contacts", "companies", client=client)
