"""2026-09's association permission, as integrators meet it: an OAuth user without "Edit
associations" is refused association writes on 2026-09 (this package's AssociationPermissionError,
HubSpot's official client's ApiException), the same writes succeed on 2026-03, a label create is
still allowed on 2026-09, and a refusal leaves the portal as it was."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import hubspot
import pytest
from hubspot.crm.associations.v4.exceptions import ApiException
from hubspot_associations_emulator import RunningEmulator, serve_in_thread

from hubspot_associations import (
    AssociationPermissionError,
    HubSpotAssociations,
    PermissionDeniedError,
)

__all__: list[str] = []

PORTAL = 6100
TOKEN = "oauth-without-edit-associations"
# The release table's refusal (Release.association_permission): inferred, HubSpot publishes none.
STATUS, CATEGORY = 403, "MISSING_PERMISSIONS"
PRIMARY = ("HUBSPOT_DEFINED", 1)  # contact → company "Primary"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningEmulator]:
    """One emulator for the module, with the OAuth token of a user lacking the permission."""
    with serve_in_thread() as running:
        added = httpx.post(
            f"{running.base_url}/_emulator/tokens",
            json={"token": TOKEN, "portalId": PORTAL, "kind": "oauth", "associationWrites": False},
        )
        assert added.status_code == 201, added.text
        yield running


@pytest.fixture
def url(server: RunningEmulator) -> str:
    """The server's URL, its portal emptied and seeded with contact 1 → company 2 (default)."""
    base = server.base_url
    assert httpx.post(f"{base}/_emulator/reset", json={"portalId": PORTAL}).status_code == 200
    seeded = httpx.post(
        f"{base}/_emulator/seed",
        json={
            "portalId": PORTAL,
            "associations": [
                {
                    "fromObjectType": "contact",
                    "fromObjectId": "1",
                    "toObjectType": "company",
                    "toObjectId": "2",
                }
            ],
        },
    )
    assert seeded.status_code == 200, seeded.text
    return base


def snapshot(url: str) -> Any:
    """The portal's whole store."""
    answer = httpx.get(f"{url}/_emulator/snapshot", params={"portalId": PORTAL})
    assert answer.status_code == 200, answer.text
    return answer.json()["tables"]


def pairs(url: str) -> set[tuple[int, int]]:
    """(contact, company) pairs of the portal with any association type."""
    return {(r[1], r[3]) for r in snapshot(url)["assoc"] if r[0] == "0-1" and r[2] == "0-2"}


def ours(url: str, release: str) -> HubSpotAssociations:
    """This package's client on ``release``, unthrottled (the emulator has no limit here)."""
    return HubSpotAssociations(TOKEN, base_url=url, api_version=release, rate_limit=None)


def official_call(
    url: str,
    method: str,
    path: str,
    params: dict[str, str],
    body: Any,
    answer: str,
    *,
    schema: bool = False,
) -> Any:
    """A call through HubSpot's official client (hubspot-api-client): its generated classes
    know only the v4 paths, so a dated release's path goes through its own ApiClient.call_api,
    which the generated methods use (auth, serialization, ApiException, answer models); label
    calls through the schema package's (its models)."""
    v4 = hubspot.HubSpot(access_token=TOKEN, host=url).crm.associations.v4
    api = v4.schema.definitions_api.api_client if schema else v4.basic_api.api_client
    return api.call_api(
        path,
        method,
        params,
        [],
        {"Accept": "application/json", "Content-Type": "application/json"},
        body=body,
        response_types_map={200: answer, 201: answer},
        auth_settings=["oauth2"],
        _return_http_data_only=True,
    )


def writes(client: HubSpotAssociations) -> dict[str, Callable[[], object]]:
    """One association write of each kind the facade offers, each one that would change the
    portal if it ran (records 1 → 3 are not associated; 1 → 2 are)."""
    return {
        "associate_default": lambda: client.basic.associate_default("contact", 1, "company", 3),
        "associate_with_labels": lambda: client.basic.associate(
            "contact", 1, "company", 3, [PRIMARY]
        ),
        "remove_associations": lambda: client.basic.remove("contact", 1, "company", 2),
        "batch_associate_default": lambda: client.batch.associate_default(
            "contact", "company", [(1, 3)]
        ),
        "batch_create_associations": lambda: client.batch.create(
            "contact", "company", [(1, 3)], [PRIMARY]
        ),
        "batch_remove_associations": lambda: client.batch.remove("contact", "company", [(1, 2)]),
        "batch_remove_labels": lambda: client.batch.remove_labels(
            "contact", "company", [(1, 2)], [("HUBSPOT_DEFINED", 279)]
        ),
    }


def test_this_client_refused_on_2026_09(url: str) -> None:
    """Every association write raises AssociationPermissionError (a PermissionDeniedError with
    no scope to add) whose message says which permission the user lacks; nothing changes."""
    before = snapshot(url)
    with ours(url, "2026-09") as client:
        assert client.release.association_permission is not None
        assert (
            client.release.association_permission.status,
            client.release.association_permission.category,
        ) == (STATUS, CATEGORY)
        for name, write in writes(client).items():
            with pytest.raises(AssociationPermissionError) as refused:
                write()
            error = refused.value
            assert isinstance(error, PermissionDeniedError), name
            assert (error.status_code, error.category) == (STATUS, CATEGORY), name
            assert error.required_scopes == [], name
            assert 'lacks the "Edit associations" permission' in str(error), name
            assert "Settings > Users & Teams" in str(error), name
            assert snapshot(url) == before, f"{name}: the refusal changed the portal"
        # A bulk job stops at the first refusal, each input reported with the reason.
        job = client.bulk.associate_default(
            "contact", "company", [(1, 3), (1, 4)], batch_size=1, concurrency=1
        )
    assert isinstance(job.stopped, AssociationPermissionError)
    assert job.succeeded == []
    assert [f.input for f in job.failed] == [("1", "3"), ("1", "4")]
    assert snapshot(url) == before


def test_official_client_refused_on_2026_09(url: str) -> None:
    """HubSpot's official client gets an ApiException with status 403 and the category in its
    body, for a record-level and a batch write; nothing changes."""
    before = snapshot(url)
    attempts = [
        (
            "PUT",
            "/crm/objects/2026-09/{a}/{i}/associations/default/{b}/{j}",
            {"a": "contact", "i": "1", "b": "company", "j": "3"},
            None,
            "BatchResponsePublicDefaultAssociation",
        ),
        (
            "POST",
            "/crm/associations/2026-09/{a}/{b}/batch/create",
            {"a": "contact", "b": "company"},
            {
                "inputs": [
                    {
                        "from": {"id": "1"},
                        "to": {"id": "3"},
                        "types": [
                            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
                        ],
                    }
                ]
            },
            "BatchResponseLabelsBetweenObjectPair",
        ),
    ]
    for method, path, params, body, answer in attempts:
        with pytest.raises(ApiException) as refused:
            official_call(url, method, path, params, body, answer)
        assert refused.value.status == STATUS, path
        error = json.loads(refused.value.body)
        assert error["category"] == CATEGORY, error
        assert "Edit associations" in error["message"], error
        assert snapshot(url) == before, f"{path}: the refusal changed the portal"


def test_same_writes_succeed_on_2026_03(url: str) -> None:
    """On 2026-03 the same token makes the same writes, through both clients."""
    with ours(url, "2026-03") as client:
        for name, write in writes(client).items():
            write()  # raises if refused
            if name == "associate_default":
                assert (1, 3) in pairs(url)
    # The last writes removed 1 → 2 and left 1 → 3.
    assert pairs(url) == {(1, 3)}
    made = official_call(
        url,
        "PUT",
        "/crm/objects/2026-03/{a}/{i}/associations/default/{b}/{j}",
        {"a": "contact", "i": "1", "b": "company", "j": "5"},
        None,
        "BatchResponsePublicDefaultAssociation",
    )
    assert made.results[0].to.id == "5"
    assert pairs(url) == {(1, 3), (1, 5)}


def test_label_create_allowed_on_2026_09(url: str) -> None:
    """Creating a label defines a type, not an association: 2026-09 allows it, through both
    clients, and the labels are in the portal afterwards."""
    with ours(url, "2026-09") as client:
        made = client.labels.create("contact", "company", name="ours", label="Ours")
    official = official_call(
        url,
        "POST",
        "/crm/associations/2026-09/{a}/{b}/labels",
        {"a": "contact", "b": "company"},
        {"name": "theirs", "label": "Theirs"},
        "CollectionResponseAssociationSpecWithLabelNoPaging",
        schema=True,
    )
    assert made[0].label == "Ours"
    assert official.results[0].label == "Theirs"
    names = {row[7] for row in snapshot(url)["types"]}
    assert names == {"ours", "theirs"}


def test_missing_scope_is_not_the_permission_refusal(url: str) -> None:
    """On 2026-09 a token lacking the write scope (and the permission) is refused for the
    scope first: a PermissionDeniedError naming the scope, not an AssociationPermissionError."""
    token = "oauth-read-only-without-edit-associations"
    added = httpx.post(
        f"{url}/_emulator/tokens",
        json={"token": token, "portalId": PORTAL, "kind": "oauth", "associationWrites": False,
              "scopes": ["crm.objects.contacts.read", "crm.objects.companies.read"]},
    )  # fmt: skip
    assert added.status_code == 201, added.text
    before = snapshot(url)
    client = HubSpotAssociations(token, base_url=url, api_version="2026-09", rate_limit=None)
    try:
        with client, pytest.raises(PermissionDeniedError) as refused:
            client.basic.associate_default("contact", 1, "company", 3)
    finally:
        httpx.post(f"{url}/_emulator/tokens/revoke", json={"token": token})
    assert not isinstance(refused.value, AssociationPermissionError)
    assert refused.value.category == "MISSING_SCOPES"
    assert refused.value.required_scopes == ["crm.objects.contacts.write"]
    assert "missing scopes: crm.objects.contacts.write" in str(refused.value)
    assert snapshot(url) == before
