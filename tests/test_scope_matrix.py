"""Scopes, in process: a token per scope set against every operation of every release, each
refusal checked against a table written here from the issue's rules (not the emulator's), and a
snapshot after every refusal to show that it changed nothing."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from hubspot_associations_emulator import EmulatorConfig, create_app
from hubspot_associations_emulator.release_table import RELEASES
from hubspot_associations_emulator.routes import (
    ASSOCIATION_OPERATIONS,
    LIMITS_OPERATIONS,
    OPERATION_IDS,
    RECORD_ASSOCIATION_OPERATIONS,
)

__all__: list[str] = []

Access = Literal["read", "association-write", "definition-write", "no-type"]

# The rules (granular mode, every one inferred): a read needs a read or write scope of
# each object type in its path; an association write the write scope of the from-object type; a
# label or limit write the write scope of both types; a call naming no object type any CRM
# object scope. Written out by hand so the emulator's own table is checked, not repeated.
ACCESS: dict[str, Access] = {
    "list_associations": "read",
    "batch_read_associations": "read",
    "list_labels": "read",
    "list_limits": "read",
    "list_record_limits_targets": "read",
    "get_record_limits_usage": "read",
    "associate_default": "association-write",
    "associate_with_labels": "association-write",
    "remove_associations": "association-write",
    "batch_associate_default": "association-write",
    "batch_create_associations": "association-write",
    "batch_remove_associations": "association-write",
    "batch_remove_labels": "association-write",
    "create_label": "definition-write",
    "update_label": "definition-write",
    "delete_label": "definition-write",
    "create_limits": "definition-write",
    "update_limits": "definition-write",
    "purge_limits": "definition-write",
    "request_high_usage_report": "no-type",
    "list_all_limits": "no-type",
    "get_label_limits_usage": "no-type",
    "list_record_limits_sources": "no-type",
}
# HubSpot's files also list the legacy `oauth` scope on the four record-level calls.
RECORD_LEVEL = {
    "associate_default",
    "associate_with_labels",
    "remove_associations",
    "list_associations",
}
# What a refusal names when no object type is in the path (the emulator's documented choice).
FALLBACK_ASK = ["crm.objects.contacts.read"]
CRM_OBJECT_SCOPE = re.compile(r"crm\.objects\.[a-z_]+\.(read|write)")

CUSTOM = "2-9001"


@dataclass(frozen=True)
class Pair:
    """The two object types every call of one run names, as paths spell them."""

    from_name: str
    to_name: str
    from_id: str  # type IDs, for the limits usage paths
    to_id: str
    from_scope: str  # the plural of crm.objects.{plural}.read
    to_scope: str


PAIRS = (
    Pair("contact", "company", "0-1", "0-2", "contacts", "companies"),
    Pair(CUSTOM, "contact", CUSTOM, "0-1", "custom", "contacts"),
)


@dataclass(frozen=True)
class Grant:
    """A token under test: its scopes (None: every scope) and its portal's mode."""

    name: str
    scopes: tuple[str, ...] | None
    mode: Literal["granular", "published"] = "granular"


GRANTS = (
    Grant("none", ()),
    Grant("contacts.read", ("crm.objects.contacts.read",)),
    Grant("contacts.write", ("crm.objects.contacts.write",)),
    Grant(
        "contacts.write+companies.read",
        ("crm.objects.contacts.write", "crm.objects.companies.read"),
    ),
    Grant("companies.write", ("crm.objects.companies.write",)),
    Grant("all", None),
    Grant("custom.write+contacts.read", ("crm.objects.custom.write", "crm.objects.contacts.read")),
    # HubSpot's files read literally: one CRM object scope of an unrelated object is enough.
    Grant("published deals.read", ("crm.objects.deals.read",), "published"),
    Grant("published oauth", ("oauth",), "published"),
    Grant("published none", (), "published"),
)


def expected_refusal(operation: str, types: list[str], grant: Grant) -> list[str] | None:
    """None when ``grant`` may call ``operation`` on a path naming ``types`` (scope plurals, in
    path order); else the requiredGranularScopes its 403 names."""
    if grant.scopes is None:
        return None
    held = set(grant.scopes)
    access = ACCESS[operation]
    any_object_scope = any(CRM_OBJECT_SCOPE.fullmatch(s) for s in held)
    if grant.mode == "published":
        if any_object_scope or (operation in RECORD_LEVEL and "oauth" in held):
            return None
        # Refused in published mode: the granular rule's scopes, as the smallest useful ask.
        asked = {
            "read": [f"crm.objects.{t}.read" for t in types],
            "association-write": [f"crm.objects.{t}.write" for t in types[:1]],
            "definition-write": [f"crm.objects.{t}.write" for t in types],
            "no-type": [],
        }[access]
        return asked or FALLBACK_ASK
    if access == "no-type":
        return None if any_object_scope else FALLBACK_ASK
    if access == "read":
        missing = [
            f"crm.objects.{t}.read"
            for t in types
            if not {f"crm.objects.{t}.read", f"crm.objects.{t}.write"} & held
        ]
    else:
        named = types[:1] if access == "association-write" else types
        missing = [f"crm.objects.{t}.write" for t in named if f"crm.objects.{t}.write" not in held]
    return missing or None


@dataclass(frozen=True)
class Call:
    """One request of the matrix and what it should get."""

    release: str
    operation: str
    method: str
    path: str
    body: Any
    refusal: list[str] | None


@dataclass(frozen=True)
class Seeded:
    """What a portal was seeded with for one pair: a custom label whose typeId the calls use
    (relabelled, deleted, limited, removed from a pair) and one that holds a limit."""

    label: int
    limited: int


def operations() -> Iterator[tuple[str, str, str, str]]:
    """(release, method, full path template, operationId) of every route every release has."""
    for release, row in RELEASES.items():
        families = [(row["object_base"], RECORD_ASSOCIATION_OPERATIONS)]
        families += [(base, ASSOCIATION_OPERATIONS) for base in row["association_bases"]]
        if row.get("limits_base"):
            families.append((row["limits_base"], LIMITS_OPERATIONS))
        for base, family in families:
            for method, path, operation in family:
                # A release's `lacks` has no route (HubSpot answers 404 as for any unknown path).
                if operation not in row["lacks"]:
                    yield release, method, base + path, operation


def calls(grant: Grant, pair: Pair, seeded: Seeded) -> list[Call]:
    """Every operation of every release on ``pair``, with the smallest body that would change
    the portal's state if it ran: a refused write that slipped through shows in the snapshot."""
    label = {"associationCategory": "USER_DEFINED", "associationTypeId": seeded.label}
    # Records 1 and 2 are associated (with the label); 1 and 3 are not.
    bodies: dict[str, Any] = {
        "associate_with_labels": [label],
        "batch_associate_default": {"inputs": [{"from": {"id": "1"}, "to": {"id": "3"}}]},
        "batch_create_associations": {
            "inputs": [{"from": {"id": "1"}, "to": {"id": "3"}, "types": [label]}]
        },
        "batch_read_associations": {"inputs": [{"id": "1"}]},
        "batch_remove_associations": {"inputs": [{"from": {"id": "1"}, "to": [{"id": "2"}]}]},
        "batch_remove_labels": {
            "inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [label]}]
        },
        "create_label": {"name": "made_here", "label": "Made here"},
        "update_label": {"associationTypeId": seeded.label, "label": "Renamed"},
        "create_limits": {
            "inputs": [{"category": "USER_DEFINED", "typeId": seeded.label, "maxToObjectIds": 5}]
        },
        "update_limits": {
            "inputs": [{"category": "USER_DEFINED", "typeId": seeded.limited, "maxToObjectIds": 7}]
        },
        "purge_limits": {"inputs": [{"category": "USER_DEFINED", "typeId": seeded.limited}]},
    }
    # The records a write names: a new association (1 → 3), or the existing one (1 → 2).
    to_record = {"associate_default": "3", "associate_with_labels": "3"}
    out = []
    for release, method, template, operation in operations():
        path = template
        for name, value in (
            ("{fromObjectType}", pair.from_name),
            ("{objectType}", pair.from_name),
            ("{toObjectType}", pair.to_name),
            ("{fromObjectId}", "1"),
            ("{objectId}", "1"),
            ("{toObjectId}", to_record.get(operation, "2")),
            ("{fromObjectTypeId}", pair.from_id),
            ("{toObjectTypeId}", pair.to_id),
            ("{userId}", "1"),
            ("{associationTypeId}", str(seeded.label)),
        ):
            path = path.replace(name, value)
        assert "{" not in path, path
        named = [
            scope
            for scope, params in (
                (pair.from_scope, ("{fromObjectType}", "{objectType}", "{fromObjectTypeId}")),
                (pair.to_scope, ("{toObjectType}", "{toObjectTypeId}")),
            )
            if any(p in template for p in params)
        ]
        refusal = expected_refusal(operation, named, grant)
        out.append(Call(release, operation, method, path, bodies.get(operation), refusal))
    return out


def portal_of(index: int) -> int:
    """Each grant's own portal: its labels, limits and snapshots are its own."""
    return 5000 + index


async def seed(api: httpx.AsyncClient, portal: int) -> dict[Pair, Seeded]:
    """Two custom labels per pair, records 1 → 2 associated with the first, a limit on the
    second; through the control API (which needs no scope)."""
    made = await api.post(
        "/_emulator/seed",
        json={
            "portalId": portal,
            "labels": [
                {
                    "fromObjectType": p.from_name,
                    "toObjectType": p.to_name,
                    "name": name,
                    "label": name.title(),
                }
                for p in PAIRS
                for name in ("seeded", "limited")
            ],
        },
    )
    assert made.status_code == 200, made.text
    ids = iter(item["results"][0]["typeId"] for item in made.json()["labels"])
    seeded = {p: Seeded(next(ids), next(ids)) for p in PAIRS}
    more = await api.post(
        "/_emulator/seed",
        json={
            "portalId": portal,
            "associations": [
                {
                    "fromObjectType": p.from_name,
                    "fromObjectId": "1",
                    "toObjectType": p.to_name,
                    "toObjectId": "2",
                    "types": [
                        {
                            "associationCategory": "USER_DEFINED",
                            "associationTypeId": seeded[p].label,
                        }
                    ],
                }
                for p in PAIRS
            ],
            "limits": [
                {
                    "fromObjectType": p.from_name,
                    "toObjectType": p.to_name,
                    "category": "USER_DEFINED",
                    "typeId": seeded[p].limited,
                    "maxToObjectIds": 50,
                }
                for p in PAIRS
            ],
        },
    )
    assert more.status_code == 200, more.text
    return seeded


async def snapshot(api: httpx.AsyncClient, portal: int) -> Any:
    """The portal's whole store."""
    answer = await api.get("/_emulator/snapshot", params={"portalId": portal})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def run_grant(api: httpx.AsyncClient, index: int, grant: Grant) -> tuple[int, int]:
    """Every call of one grant: the refusals first (a snapshot after each), then the calls it
    may make; (refusals, allowed calls)."""
    portal = portal_of(index)
    token = f"scope-matrix-{index}"
    body: dict[str, Any] = {"token": token, "portalId": portal}
    if grant.scopes is not None:
        body["scopes"] = list(grant.scopes)
    assert (await api.post("/_emulator/tokens", json=body)).status_code == 201
    answer = await api.put(
        f"/_emulator/portals/{portal}", json={"settings": {"scopeMode": grant.mode}}
    )
    assert answer.status_code == 200, answer.text
    seeded = await seed(api, portal)
    every = [call for pair in PAIRS for call in calls(grant, pair, seeded[pair])]
    refused = [c for c in every if c.refusal is not None]
    allowed = [c for c in every if c.refusal is None]
    auth = {"Authorization": f"Bearer {token}"}
    before = await snapshot(api, portal)
    for c in refused:
        what = f"{grant.name}: {c.method} {c.path} ({c.operation}, {c.release})"
        answer = await api.request(c.method, c.path, json=c.body, headers=auth)
        assert answer.status_code == 403, f"{what}: {answer.status_code} {answer.text}"
        error = answer.json()
        assert error["category"] == "MISSING_SCOPES", f"{what}: {error}"
        named = error["errors"][0]["context"]["requiredGranularScopes"]
        assert named == c.refusal, f"{what}: names {named}, expected {c.refusal}"
        after = await snapshot(api, portal)
        assert after == before, f"{what}: the refusal changed the portal"
    for c in allowed:
        what = f"{grant.name}: {c.method} {c.path} ({c.operation}, {c.release})"
        answer = await api.request(c.method, c.path, json=c.body, headers=auth)
        # A call it may make: one of the release's statuses, or the operation's own 4xx for a
        # body that no longer fits (a label created twice, a limit already set) — never a 403.
        ordinary = (*RELEASES[c.release]["statuses"][c.operation], 400, 404)
        assert answer.status_code in ordinary, f"{what}: {answer.status_code} {answer.text}"
    return len(refused), len(allowed)


def test_table_covers_every_operation() -> None:
    """The hand-written table names exactly the emulator's operations (a new one needs a row)."""
    assert set(ACCESS) == set(OPERATION_IDS)


def test_every_grant_against_every_operation_of_every_release() -> None:
    """Exactly the calls the mode's table allows succeed; every refusal is HubSpot's 403
    MISSING_SCOPES naming the expected scopes, and leaves the portal's snapshot unchanged."""

    async def scenario() -> dict[str, tuple[int, int]]:
        app = create_app(EmulatorConfig())
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://emulator"
        ) as api:
            return {g.name: await run_grant(api, i, g) for i, g in enumerate(GRANTS)}

    counted = asyncio.run(scenario())
    # Each grant met both outcomes where its scopes say so: a table that allowed (or refused)
    # everything would pass the loop above without testing the gate.
    assert counted["all"][0] == counted["published deals.read"][0] == 0
    assert counted["none"][1] == counted["published none"][1] == 0
    for name in (
        "contacts.read",
        "contacts.write",
        "contacts.write+companies.read",
        "companies.write",
        "custom.write+contacts.read",
        "published oauth",
    ):
        refused, allowed = counted[name]
        assert refused > 0, name
        assert allowed > 0, name
