"""What a 403 tells: the scopes HubSpot names (``required_scopes``), and the release's
association-permission refusal (2026-09's "Edit associations") as its own error on the release
whose table row says so, and only there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hubspot_associations_emulator.errors import association_permission

from codegen import releases
from hubspot_associations import (
    AssociationPermissionError,
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    PermissionDeniedError,
    error_from_response,
)
from hubspot_associations._versions import RELEASES, AssociationPermission
from tests.test_hubspot_associations.token_server import serve

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
URL = "https://api.hubapi.com/crm/v4/associations/contact/company/batch/create"
# HubSpot's MISSING_SCOPES answer (reference/api-facts.md), scopes inside errors[].context.
MISSING_SCOPES: Any = {
    "status": "error",
    "message": "This app hasn't been granted all required scopes to make this call.",
    "correlationId": "c0ffee00-0000-4000-8000-000000000002",
    "category": "MISSING_SCOPES",
    "errors": [
        {"message": "One or more of the following scopes are required.",
         "context": {"requiredGranularScopes": ["crm.objects.contacts.write",
                                                "crm.objects.companies.write"]}},
        {"message": "again", "context": {"requiredGranularScopes": ["crm.objects.contacts.write"]}},
    ],
    "links": {"scopes": "https://developers.hubspot.com/scopes"},
}  # fmt: skip
# The release table's refusal for a user without "Edit associations" (2026-09 on).
NO_EDIT_ASSOCIATIONS: Any = {
    "status": "error",
    "message": "The user does not have permission to edit associations.",
    "correlationId": "c0ffee00-0000-4000-8000-000000000003",
    "category": "MISSING_PERMISSIONS",
}


def _error(body: Any, status: int = 403) -> Any:
    request = httpx.Request("POST", URL)
    # 2026-09's refusal, as a 2026-09 client reads it (the other bodies are not it).
    refusal = (403, "MISSING_PERMISSIONS")
    return error_from_response(
        httpx.Response(status, json=body, request=request), association_refusal=refusal
    )


def test_required_scopes_are_read_from_errors_context_in_order_once_each() -> None:
    """HubSpot's MISSING_SCOPES body: each scope of errors[].context once, in order, and named
    in the message with what to do."""
    error = _error(MISSING_SCOPES)
    assert type(error) is PermissionDeniedError
    assert error.required_scopes == ["crm.objects.contacts.write", "crm.objects.companies.write"]
    assert (
        "missing scopes: crm.objects.contacts.write, crm.objects.companies.write (add them to "
        "the app or private app and re-install it" in str(error)
    )


@pytest.mark.parametrize(
    ("body", "scopes"),
    [
        (
            {"category": "MISSING_SCOPES", "context": {"requiredGranularScopes": ["a.read", "b"]}},
            ["a.read", "b"],
        ),
        (
            {"context": {"requiredGranularScopes": "crm.schemas.contacts.read"}},
            ["crm.schemas.contacts.read"],
        ),
        (
            {
                "errors": [{"context": {"requiredGranularScopes": ["x"]}}],
                "context": {"requiredGranularScopes": ["y", "x"]},
            },
            ["x", "y"],
        ),
        ({"category": "MISSING_SCOPES", "message": "no scopes named"}, []),
        ({"errors": [{"context": {"requiredGranularScopes": [1, None, " "]}}, "not a dict"]}, []),
        ("not json at all", []),
    ],
    ids=["context-list", "context-string", "both-merged", "none", "junk", "not-json"],
)
def test_required_scopes_of_every_body_form(body: Any, scopes: list[str]) -> None:
    """Top-level context, a single string, both forms merged, none, and junk values."""
    error = _error(body)
    assert error.required_scopes == scopes
    assert ("missing scopes:" in str(error)) == bool(scopes)


def test_only_2026_09_of_the_table_has_the_association_permission_refusal() -> None:
    """openapi/releases.yaml gives 2026-09 a 403 MISSING_PERMISSIONS refusal marked inferred,
    and every earlier release none."""
    refusal = RELEASES["2026-09"].association_permission
    assert refusal is not None
    assert (refusal.status, refusal.category) == (403, "MISSING_PERMISSIONS")
    assert refusal.inferred
    assert "publishes neither status nor category" in refusal.inferred
    assert [n for n, r in RELEASES.items() if r.association_permission] == ["2026-09"]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({"status": 200, "category": "X"}, "status is a 4xx status code"),
        ({"status": 403, "category": "missing"}, "category is HubSpot's upper-case name"),
        ({"status": 403, "category": "X", "reason": "?"}, "unknown keys ['reason']"),
        ({"status": 403}, "missing keys ['category']"),
        ([403, "X"], "is null or {status, category, inferred}"),
    ],
    ids=["status", "category", "unknown-key", "missing-key", "not-a-mapping"],
)
def test_codegen_refuses_a_malformed_association_permission(value: Any, said: str) -> None:
    """A typo in the field fails `make generate`, naming the release and what is wrong."""
    table = yaml.safe_load((ROOT / releases.TABLE).read_text(encoding="utf-8"))
    table["releases"]["2026-09"]["association_permission"] = value
    with pytest.raises(ValueError, match="'2026-09': association_permission") as raised:
        releases.load(yaml.safe_dump(table))
    assert said in str(raised.value)


def _refusing(body: Any) -> Any:
    return lambda request: (403, body)


@pytest.mark.parametrize(
    ("version", "body", "expected"),
    [
        ("2026-09", NO_EDIT_ASSOCIATIONS, AssociationPermissionError),
        ("2026-03", NO_EDIT_ASSOCIATIONS, PermissionDeniedError),
        ("2026-09", MISSING_SCOPES, PermissionDeniedError),
    ],
    ids=["2026-09-refusal", "2026-03-same-answer", "2026-09-missing-scopes"],
)
def test_the_subclass_follows_the_clients_release(
    version: str, body: Any, expected: type[PermissionDeniedError]
) -> None:
    """Through the sync client over HTTP: the 403 MISSING_PERMISSIONS answer is an
    AssociationPermissionError on 2026-09 only; a missing scope stays PermissionDeniedError."""
    with (
        serve(_refusing(body)) as server,
        HubSpotAssociations("t", base_url=server.url, api_version=version, rate_limit=None) as c,
        pytest.raises(PermissionDeniedError) as raised,
    ):
        c.batch.create("contact", "company", [(1, 2)], types=[("HUBSPOT_DEFINED", 279)])
    assert type(raised.value) is expected
    edit = 'grant the user "Edit associations"' in str(raised.value)
    assert edit == (expected is AssociationPermissionError)
    assert server.seen[0].path.startswith(f"/crm/associations/{version}/")


@pytest.mark.anyio
async def test_the_async_client_raises_the_association_permission_error_on_2026_09() -> None:
    """The async client reads the same row: 2026-09's refusal is AssociationPermissionError."""
    with serve(_refusing(NO_EDIT_ASSOCIATIONS)) as server:
        async with AsyncHubSpotAssociations(
            "t", base_url=server.url, api_version="2026-09", rate_limit=None
        ) as c:
            with pytest.raises(AssociationPermissionError) as raised:
                await c.basic.associate_default("contact", 1, "company", 2)
    assert raised.value.status_code == 403
    assert raised.value.required_scopes == []
    assert isinstance(raised.value, PermissionDeniedError)


@pytest.mark.parametrize(
    "body",
    [
        association_permission(403, "MISSING_PERMISSIONS").body(),
        NO_EDIT_ASSOCIATIONS,
        {"category": "MISSING_PERMISSIONS"},
    ],
    ids=["emulators-message", "short-message", "no-message"],
)
def test_the_permission_message_adds_only_what_hubspot_did_not_say(body: Any) -> None:
    """HubSpot's message first, then only what it lacks: the permission, the release and what
    to do each said once, whichever of them the message already says."""
    error = _error(body)
    assert isinstance(error, AssociationPermissionError)
    said = str(error)
    assert said.startswith(f"403 MISSING_PERMISSIONS: {body.get('message') or 'HubSpot answered'}")
    assert said.count('"Edit associations"') == 1
    assert said.count("2026-09") == 1
    assert said.count("user who has it") == 1
    assert "Settings > Users & Teams" in said


def test_the_docs_official_client_example_runs_and_catches_the_refusal(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/testing.md's example with HubSpot's official client, run as a user's test file (the
    session emulator of the pytest plugin): it imports the ApiException it catches (``import
    hubspot`` alone loads none) and a read-only token's write is a 403 of it."""
    monkeypatch.delenv("HUBSPOT_EMULATOR_CONTROL_TOKEN", raising=False)
    doc = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    section = doc[doc.index("## HubSpot's official client") :]
    example = section[section.index("```python\n") + 10 : section.index("```\n\n")]
    assert "ApiException" in example
    pytester.makepyfile(test_user=example)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=example.count("\ndef test_"))


def test_association_permission_matches_status_and_category_both() -> None:
    """The row's refusal is told by its status and its category together."""
    refusal = AssociationPermission(403, "MISSING_PERMISSIONS")
    assert refusal.matches(403, "MISSING_PERMISSIONS")
    assert not refusal.matches(403, "MISSING_SCOPES")
    assert not refusal.matches(400, "MISSING_PERMISSIONS")
