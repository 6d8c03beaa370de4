"""What goes in and out of the emulator's control API: the dataclasses both control clients take
and give, ``ControlError``, and each one's wire form.

The async client (``async_client.py``) and its generated sync twin (``sync_client.py``) share
everything here, so the twins differ only in how they send.
"""

from __future__ import annotations

import datetime
import enum
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import httpx

from ..config import CONTROL_TOKEN_ENV
from ..tokens import DEFAULT_PORTAL_ID

__all__ = [
    "DEFAULT_PORTAL_ID",
    "UNCHANGED",
    "AimedFault",
    "ControlError",
    "EmulatorPortal",
    "EmulatorSchema",
    "EmulatorSettings",
    "EmulatorToken",
    "FaultPlan",
    "Journal",
    "JournalEntry",
    "PropertyLists",
    "RecordLimit",
    "RecordLimits",
    "RequestCounts",
    "SeedAssociation",
    "SeedBulk",
    "SeedLabel",
    "SeedLimit",
    "Seeded",
    "Snapshot",
    "Unchanged",
    "config_body",
    "control_token_of",
    "journal_body",
    "portal_change_body",
    "property_lists",
    "rate_limit_body",
    "read_answer",
    "read_counts",
    "read_faults",
    "read_journal",
    "read_portal",
    "read_rate_limit",
    "read_schema",
    "read_seeded",
    "read_settings",
    "read_token",
    "schema_body",
    "seed_body",
    "token_body",
    "with_portal",
]


class ControlError(Exception):
    """The control API refused a call; ``status`` and HubSpot-shaped ``message`` say why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class SeedLabel:
    """A custom label (paired when ``inverse_label`` is given)."""

    from_object_type: str
    to_object_type: str
    name: str
    label: str
    inverse_label: str | None = None

    def body(self) -> dict[str, Any]:
        """As the control API takes it."""
        out = {"fromObjectType": self.from_object_type, "toObjectType": self.to_object_type,
               "name": self.name, "label": self.label}  # fmt: skip
        if self.inverse_label is not None:
            out["inverseLabel"] = self.inverse_label
        return out


@dataclass(frozen=True)
class SeedAssociation:
    """An association, with ``types`` as (category, typeId) pairs (none: the unlabeled type)."""

    from_object_type: str
    from_object_id: int | str
    to_object_type: str
    to_object_id: int | str
    types: Sequence[tuple[str, int]] = ()

    def body(self) -> dict[str, Any]:
        """As the control API takes it."""
        out: dict[str, Any] = {
            "fromObjectType": self.from_object_type, "fromObjectId": str(self.from_object_id),
            "toObjectType": self.to_object_type, "toObjectId": str(self.to_object_id),
        }  # fmt: skip
        if self.types:
            out["types"] = [
                {"associationCategory": c, "associationTypeId": t} for c, t in self.types
            ]
        return out


@dataclass(frozen=True)
class SeedBulk:
    """``count`` unlabeled associations from one record to consecutive IDs (fast, no limits)."""

    from_object_type: str
    from_object_id: int | str
    to_object_type: str
    first_to_object_id: int
    count: int

    def body(self) -> dict[str, Any]:
        """As the control API takes it."""
        return {"fromObjectType": self.from_object_type, "fromObjectId": str(self.from_object_id),
                "toObjectType": self.to_object_type, "firstToObjectId": self.first_to_object_id,
                "count": self.count}  # fmt: skip


@dataclass(frozen=True)
class SeedLimit:
    """A user-enforced limit on one association type."""

    from_object_type: str
    to_object_type: str
    category: str
    type_id: int
    max_to_object_ids: int

    def body(self) -> dict[str, Any]:
        """As the control API takes it."""
        return {"fromObjectType": self.from_object_type, "toObjectType": self.to_object_type,
                "category": self.category, "typeId": self.type_id,
                "maxToObjectIds": self.max_to_object_ids}  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    """What a seed added; ``label_type_ids`` maps each seeded label's name to its type IDs."""

    records: int
    labels: dict[str, list[int]]
    associations: int
    bulk: int
    limits: int


@dataclass(frozen=True)
class RecordLimit:
    """The per-record association limit of an object pair (object types by ID, or by name when
    sent), as the limits usage calls and the high-usage report see it."""

    from_object_type_id: str
    to_object_type_id: str
    limit: int

    def body(self) -> dict[str, Any]:
        """As the control API takes it."""
        return {"fromObjectTypeId": self.from_object_type_id,
                "toObjectTypeId": self.to_object_type_id, "limit": self.limit}  # fmt: skip


@dataclass(frozen=True)
class EmulatorSettings:
    """What can change while the emulator runs (``configure``; a reset restores the start-up)."""

    profile: str
    numeric_ids: bool
    max_labels_per_pair: int
    enqueue_time_format: Literal["auto", "string", "object"]
    repeat_answers: dict[str, str]
    # The configured per-pair record limits, object types as IDs (pairs absent: 50,000).
    record_limits: tuple[RecordLimit, ...] = ()
    # Webhook deliveries: the retry schedule's scale and the test switches (every batch twice,
    # out of order, held until a flush).
    webhook_time_scale: float = 1.0
    webhook_duplicates: bool = False
    webhook_shuffle: bool = False
    webhook_hold: bool = False


@dataclass(frozen=True)
class AimedFault:
    """``times`` faults of ``kind`` after ``after`` calls of ``operation_id`` (None: any call)."""

    kind: str
    operation_id: str | None = None
    after: int = 0
    times: int = 1
    # Seconds in the answer's Retry-After header (None: the kind's default, absent but on 477).
    retry_after: float | None = None
    seen: int = 0
    fired: int = 0

    def body(self) -> dict[str, Any]:
        """As the control API takes it."""
        out: dict[str, Any] = {"kind": self.kind, "after": self.after, "times": self.times}
        if self.retry_after is not None:
            out["retryAfter"] = self.retry_after
        if self.operation_id is not None:
            out["operationId"] = self.operation_id
        return out


@dataclass(frozen=True)
class FaultPlan:
    """Random faults (``spec``) and aimed ones (``script``)."""

    spec: str | None = None
    script: tuple[AimedFault, ...] = ()
    rate: float = 0.0
    kinds: tuple[str, ...] = ()
    seed: int = 0
    latency_ms: int = 0


@dataclass(frozen=True)
class RequestCounts:
    """HubSpot-path requests since the last reset (``operations`` by operationId)."""

    received: int
    operations: dict[str, int]
    reads: int
    writes: int
    rate_limited: int
    rate_limited_operations: dict[str, int]
    busiest_window: int | None


@dataclass(frozen=True)
class JournalEntry:
    """One request to a HubSpot path and what it got (``status`` None: the connection was
    closed without an answer); ``injected`` names the fault, None when none was."""

    time: str
    operation_id: str | None
    release: str | None
    method: str
    path: str
    query: str
    request_headers: list[tuple[str, str]]
    request_body: dict[str, Any]
    status: int | None
    response_headers: list[tuple[str, str]]
    response_body: dict[str, Any]
    injected: str | None

    @property
    def request_json(self) -> Any:
        """The request body parsed (None: empty, cut past 64 KiB, or not JSON)."""
        return _json_of(self.request_body)

    @property
    def response_json(self) -> Any:
        """The answer's body parsed (None: empty, cut past 64 KiB, or not JSON)."""
        return _json_of(self.response_body)

    def header(self, name: str) -> str | None:
        """An answer header by name (any case), or None."""
        return next((v for k, v in self.response_headers if k.lower() == name.lower()), None)

    def request_header(self, name: str) -> str | None:
        """A header the request carried, by name (any case), or None (the journal never keeps
        ``Authorization`` nor ``Cookie``)."""
        return next((v for k, v in self.request_headers if k.lower() == name.lower()), None)


def _json_of(body: dict[str, Any]) -> Any:
    if body.get("truncated") or not body.get("text"):
        return None
    try:
        return json.loads(body["text"])
    except ValueError:
        return None


@dataclass(frozen=True)
class Journal:
    """The journal: every HubSpot-path request since the last reset, oldest first, and how many
    older ones its bounds dropped. The ``assert_*`` helpers say what was sent when they fail."""

    entries: list[JournalEntry]
    dropped: int

    def calls(self, operation_id: str) -> list[JournalEntry]:
        """The requests that reached (or were aimed at) one operation, in order."""
        return [e for e in self.entries if e.operation_id == operation_id]

    def assert_not_called(self, operation_id: str) -> None:
        """AssertionError when the operation was called."""
        found = self.calls(operation_id)
        if found:
            raise AssertionError(f"{operation_id} was called {len(found)} time(s): {_show(found)}")

    def assert_called_once(self, operation_id: str, *, inputs: Any = None) -> JournalEntry:
        """The one call of an operation; with ``inputs``, its body's ``inputs`` (batch calls) or
        whole body must equal them. AssertionError saying what was sent otherwise."""
        found = self.calls(operation_id)
        if len(found) != 1:
            raise AssertionError(
                f"{operation_id} was called {len(found)} time(s), not once: {_show(found)}"
            )
        if inputs is not None:
            body = found[0].request_json
            sent = body.get("inputs", body) if isinstance(body, dict) else body
            if sent != inputs:
                raise AssertionError(f"{operation_id} was sent {sent!r}, not {inputs!r}")
        return found[0]


def _show(entries: list[JournalEntry]) -> str:
    return "; ".join(f"{e.method} {e.path} → {e.status}" for e in entries) or "nothing"


def read_journal(body: dict[str, Any]) -> Journal:
    """The journal from ``GET journal``'s body."""
    entries = [
        JournalEntry(
            time=e["time"],
            operation_id=e["operationId"],
            release=e["release"],
            method=e["method"],
            path=e["path"],
            query=e["query"],
            request_headers=[(k, v) for k, v in e["requestHeaders"]],
            request_body=e["requestBody"],
            status=e["status"],
            response_headers=[(k, v) for k, v in e["responseHeaders"]],
            response_body=e["responseBody"],
            injected=e["injected"],
        )
        for e in body["entries"]
    ]
    return Journal(entries, body["dropped"])


@dataclass(frozen=True)
class Snapshot:
    """One portal's store at one moment (give it back to ``restore`` as it is). Version 3 holds
    CRM objects and custom object schemas; versions 1 and 2 (from before them) hold none, and an
    emulator restoring one leaves the portal without objects."""

    data: dict[str, Any] = field(repr=False)

    @property
    def portal_id(self) -> int | None:
        """The portal it was taken of (None: a version-1 snapshot, from before portals)."""
        value = self.data.get("portalId")
        return value if isinstance(value, int) else None

    @property
    def version(self) -> int:
        """Its format: 1 (before portals), 2 (before CRM objects) or 3."""
        value = self.data.get("version")
        return value if isinstance(value, int) else 1

    def _rows(self, table: str) -> list[list[Any]]:
        tables = self.data.get("tables")
        rows = tables.get(table, []) if isinstance(tables, dict) else []
        return [r for r in rows if isinstance(r, list)] if isinstance(rows, list) else []

    @property
    def objects(self) -> dict[str, tuple[int, ...]]:
        """The live CRM objects it holds: object type ID → IDs, ascending (archived, merged and
        GDPR-deleted ones left out; empty before version 3)."""
        found: dict[str, list[int]] = {}
        # A row: type, id, properties, created, updated, state, archived, merged into.
        for row in self._rows("objects"):
            if len(row) > 5 and row[5] == "live":
                found.setdefault(str(row[0]), []).append(int(row[1]))
        return {t: tuple(sorted(ids)) for t, ids in sorted(found.items())}

    @property
    def schemas(self) -> tuple[EmulatorSchema, ...]:
        """The custom object types it holds (empty before version 3)."""
        portal = self.portal_id
        return tuple(
            EmulatorSchema(str(t), str(n), f"p{portal}_{n}" if portal else str(n), str(p))
            for t, n, p, *_ in self._rows("schemas")
        )


@dataclass(frozen=True)
class EmulatorSchema:
    """A custom object type a portal declared: its ``2-…`` ID, its name, the
    ``p{portalId}_{name}`` form HubSpot derives, and its primary display property. Its object
    calls answer by any of the three names."""

    object_type_id: str
    name: str
    fully_qualified_name: str
    primary_display_property: str


def schema_body(
    name: str, object_type_id: str, primary_display_property: str | None
) -> dict[str, Any]:
    """``POST schemas``' body (no primary display property: the emulator's ``name``)."""
    body = {"name": name, "objectTypeId": object_type_id}
    if primary_display_property is not None:
        body["primaryDisplayProperty"] = primary_display_property
    return body


def read_schema(body: dict[str, Any]) -> EmulatorSchema:
    """A custom object type from ``GET schemas``' items or ``POST schemas``' answer."""
    return EmulatorSchema(
        object_type_id=body["objectTypeId"],
        name=body["name"],
        fully_qualified_name=body["fullyQualifiedName"],
        primary_display_property=body["primaryDisplayProperty"],
    )


def seed_body(
    records: Mapping[str, Sequence[int | str]] | None,
    labels: Sequence[SeedLabel],
    associations: Sequence[SeedAssociation],
    bulk: Sequence[SeedBulk],
    limits: Sequence[SeedLimit],
) -> dict[str, Any]:
    """``POST seed``'s body: only what is given."""
    body: dict[str, Any] = {}
    if records:
        body["records"] = {k: [str(i) for i in v] for k, v in records.items()}
    for key, items in (("labels", labels), ("associations", associations), ("bulk", bulk),
                       ("limits", limits)):  # fmt: skip
        if items:
            body[key] = [item.body() for item in items]
    return body


def read_seeded(body: dict[str, Any]) -> Seeded:
    """What a seed added, from its answer."""
    return Seeded(
        records=body["records"],
        labels={m["name"]: [int(t["typeId"]) for t in m["results"]] for m in body["labels"]},
        associations=body["associations"],
        bulk=body["bulk"],
        limits=body["limits"],
    )


def read_settings(body: dict[str, Any]) -> EmulatorSettings:
    """The settings from ``GET``/``PUT config``'s answer."""
    return EmulatorSettings(
        profile=body["profile"],
        numeric_ids=body["numericIds"],
        max_labels_per_pair=body["maxLabelsPerPair"],
        enqueue_time_format=body["enqueueTimeFormat"],
        repeat_answers=dict(body["repeatAnswers"]),
        record_limits=tuple(
            RecordLimit(x["fromObjectTypeId"], x["toObjectTypeId"], x["limit"])
            for x in body.get("recordLimits", ())
        ),
        webhook_time_scale=body.get("webhookTimeScale", 1.0),
        webhook_duplicates=body.get("webhookDuplicates", False),
        webhook_shuffle=body.get("webhookShuffle", False),
        webhook_hold=body.get("webhookHold", False),
    )


RecordLimits = Sequence[RecordLimit | tuple[str, str, int]]


def config_body(
    profile: str | None,
    numeric_ids: bool | None,
    max_labels_per_pair: int | None,
    enqueue_time_format: str | None,
    repeat_answers: Mapping[str, str] | None,
    record_limits: RecordLimits | None = None,
    webhooks: tuple[float | None, bool | None, bool | None, bool | None] = (None,) * 4,
) -> dict[str, Any]:
    """``PUT config``'s body: only what is given (None: unchanged). ``webhooks``: (time scale,
    duplicates, shuffle, hold)."""
    answers = dict(repeat_answers) if repeat_answers is not None else None
    limits = None
    if record_limits is not None:
        limits = [(x if isinstance(x, RecordLimit) else RecordLimit(*x)).body()
                  for x in record_limits]  # fmt: skip
    scale, duplicates, shuffle, hold = webhooks
    given = {"profile": profile, "numericIds": numeric_ids,
             "maxLabelsPerPair": max_labels_per_pair, "enqueueTimeFormat": enqueue_time_format,
             "repeatAnswers": answers, "recordLimits": limits, "webhookTimeScale": scale,
             "webhookDuplicates": duplicates, "webhookShuffle": shuffle,
             "webhookHold": hold}  # fmt: skip
    return {k: v for k, v in given.items() if v is not None}


def rate_limit_body(requests: int | None, seconds: float | None) -> dict[str, Any]:
    """``PUT rate-limit``'s body (``requests`` None: no limit)."""
    return {"requests": None} if requests is None else {"requests": requests, "seconds": seconds}


def read_rate_limit(body: dict[str, Any]) -> tuple[int, float] | None:
    """(requests, seconds) from ``GET rate-limit``'s answer, or None: no limit."""
    return None if body["requests"] is None else (body["requests"], body["seconds"])


def journal_body(
    max_entries: int | None, max_bytes: int | None, enabled: bool | None
) -> dict[str, Any]:
    """``PUT journal``'s body: only what is given (None: unchanged)."""
    given = {"maxEntries": max_entries, "maxBytes": max_bytes, "enabled": enabled}
    return {k: v for k, v in given.items() if v is not None}


def read_faults(body: dict[str, Any]) -> FaultPlan:
    """The fault plan from ``GET``/``PUT faults``' answer."""
    script = tuple(
        AimedFault(
            e["kind"],
            e.get("operationId"),
            e["after"],
            e["times"],
            e.get("retryAfter"),
            e["seen"],
            e["fired"],
        )
        for e in body.get("script", ())
    )
    return FaultPlan(
        spec=body.get("spec"), script=script, rate=body.get("rate", 0.0),
        kinds=tuple(body.get("kinds", ())), seed=body.get("seed", 0),
        latency_ms=body.get("latencyMs", 0),
    )  # fmt: skip


def read_counts(body: dict[str, Any]) -> RequestCounts:
    """The request counts from ``GET requests``' answer."""
    limited = body.get("rateLimited") or {}
    return RequestCounts(
        received=body["received"], operations=dict(body["operations"]), reads=body["reads"],
        writes=body["writes"], rate_limited=limited.get("total", 0),
        rate_limited_operations=dict(limited.get("operations", {})),
        busiest_window=body.get("busiestWindow"),
    )  # fmt: skip


class Unchanged(enum.Enum):
    """The type of ``UNCHANGED``: a setting left as it is (None would mean "none")."""

    UNCHANGED = "unchanged"


# put_portal's default for each setting: leave it as it is.
UNCHANGED: Final = Unchanged.UNCHANGED


@dataclass(frozen=True)
class EmulatorPortal:
    """One portal of the emulator: its rate limit (per app, as (requests, seconds); None: none),
    its daily cap (None: none) and what it used of it today, how it enforces scopes, and its
    rules for CRM object properties: ``strict_properties`` (unknown properties refused),
    ``properties`` (those it has beyond HubSpot's defaults) and ``required_properties`` (refused
    when a create lacks them, on 2026-09 paths only), each keyed by object type ID (``"0-3"``,
    ``"2-…"``) whatever name they were given by."""

    portal_id: int
    rate_limit: tuple[int, float] | None
    daily_limit: int | None
    daily_used: int
    scope_mode: Literal["granular", "published"]
    strict_properties: bool = False
    properties: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    required_properties: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _lists(value: Any) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(v) for k, v in (value or {}).items()}


def read_portal(body: dict[str, Any]) -> EmulatorPortal:
    """A portal from ``GET portals``' items or ``PUT portals/{id}``'s answer."""
    settings = body["settings"]
    return EmulatorPortal(
        portal_id=body["portalId"],
        rate_limit=read_rate_limit(body["rateLimit"]),
        daily_limit=body["dailyLimit"],
        daily_used=body["dailyUsed"],
        scope_mode=settings["scopeMode"],
        strict_properties=bool(settings.get("strictProperties", False)),
        properties=_lists(settings.get("properties")),
        required_properties=_lists(settings.get("requiredProperties")),
    )


PropertyLists = Mapping[str, Sequence[str]]


def property_lists(value: PropertyLists, keyword: str) -> dict[str, list[str]]:
    """``{object type: [property names]}`` as JSON, or a TypeError naming ``keyword`` (a lone
    string per type would be sent as a list of its letters)."""
    if not isinstance(value, Mapping) or any(
        isinstance(names, str) or not isinstance(names, Sequence) for names in value.values()
    ):
        raise TypeError(
            f"{keyword}: a mapping of object type to a list of property names, e.g. "
            f'{{"deals": ["dealname"]}}, got {value!r}'
        )
    return {str(t): list(names) for t, names in value.items()}


def portal_change_body(
    rate_limit: tuple[int, float] | Unchanged | None,
    daily_limit: int | Unchanged | None,
    scope_mode: Literal["granular", "published"] | Unchanged,
    strict_properties: bool | Unchanged = UNCHANGED,
    properties: PropertyLists | Unchanged = UNCHANGED,
    required_properties: PropertyLists | Unchanged = UNCHANGED,
) -> dict[str, Any]:
    """``PUT portals/{id}``'s body: only what changes (None: no rate limit, no daily cap)."""
    body: dict[str, Any] = {}
    if rate_limit is not UNCHANGED:
        body["rateLimit"] = None if rate_limit is None else rate_limit_body(*rate_limit)
    if daily_limit is not UNCHANGED:
        body["dailyLimit"] = daily_limit
    settings: dict[str, Any] = {}
    if scope_mode is not UNCHANGED:
        settings["scopeMode"] = scope_mode
    if strict_properties is not UNCHANGED:
        settings["strictProperties"] = strict_properties
    if not isinstance(properties, Unchanged):
        settings["properties"] = property_lists(properties, "properties")
    if not isinstance(required_properties, Unchanged):
        settings["requiredProperties"] = property_lists(required_properties, "required_properties")
    if settings:
        body["settings"] = settings
    return body


@dataclass(frozen=True)
class EmulatorToken:
    """A token the emulator accepts (or did: ``revoked``, ``expired``), with its portal, kind,
    app, user and scopes (None: every scope); the OAuth-only fields are None on a private-app
    token."""

    token: str
    portal_id: int
    kind: Literal["private-app", "oauth"]
    app_id: int
    user_id: int
    scopes: tuple[str, ...] | None
    expired: bool
    revoked: bool
    association_writes: bool | None = None
    expires_at: datetime.datetime | None = None
    refresh_token: str | None = field(default=None, repr=False)


def read_token(body: dict[str, Any]) -> EmulatorToken:
    """A token from ``GET tokens``' items or the tokens calls' answers."""
    expires = body.get("expiresAt")
    scopes = body["scopes"]
    return EmulatorToken(
        token=body["token"],
        portal_id=body["portalId"],
        kind=body["kind"],
        app_id=body["appId"],
        user_id=body["userId"],
        scopes=None if scopes is None else tuple(scopes),
        expired=body["expired"],
        revoked=body["revoked"],
        association_writes=body.get("associationWrites"),
        # fromisoformat reads the trailing Z from Python 3.11 on.
        expires_at=None if expires is None else datetime.datetime.fromisoformat(expires),
        refresh_token=body.get("refreshToken"),
    )


def token_body(
    token: str,
    *,
    portal_id: int | None,
    kind: Literal["private-app", "oauth"] | None,
    app_id: int | None,
    user_id: int | None,
    scopes: Sequence[str] | None,
    association_writes: bool | None,
    expires_at: datetime.datetime | None,
    refresh_token: str | None,
) -> dict[str, Any]:
    """``POST tokens``' body: only what is given (the emulator's defaults for the rest)."""
    if isinstance(scopes, str):
        # A lone string would be sent as a list of its characters' scopes: say what to write.
        raise TypeError(f"scopes: a list of scope names, e.g. [{scopes!r}], not a string")
    if expires_at is not None and expires_at.utcoffset() is None:
        raise ValueError(
            "expires_at: an aware datetime, e.g. datetime.now(timezone.utc) + timedelta(minutes=30)"
        )
    oauth_only = {
        "association_writes": association_writes,
        "expires_at": expires_at,
        "refresh_token": refresh_token,
    }
    misplaced = [name for name, value in oauth_only.items() if value is not None]
    if misplaced and kind != "oauth":
        # Refused here, in Python's spelling: the control API's own refusal names its JSON keys.
        names = (
            ", ".join(misplaced[:-1]) + " and " + misplaced[-1] if misplaced[1:] else misplaced[0]
        )
        raise ValueError(
            f'{names} {"need" if len(misplaced) > 1 else "needs"} kind="oauth" (a private '
            f'app\'s token has no user permission, expiry or refresh token): pass kind="oauth", '
            f"or leave {'them' if len(misplaced) > 1 else 'it'} out"
        )
    given: dict[str, Any] = {
        "token": token,
        "portalId": portal_id,
        "kind": kind,
        "appId": app_id,
        "userId": user_id,
        "scopes": None if scopes is None else list(scopes),
        "associationWrites": association_writes,
        "expiresAt": None if expires_at is None else expires_at.isoformat(),
        "refreshToken": refresh_token,
    }
    return {k: v for k, v in given.items() if v is not None}


def with_portal(body: dict[str, Any], portal_id: int | None) -> dict[str, Any]:
    """A PUT or POST body naming its portal (None: the default portal: no key)."""
    return body if portal_id is None else {**body, "portalId": portal_id}


def control_token_of(given: str | None) -> str | None:
    """The control token a client sends: the one given, else ``HUBSPOT_EMULATOR_CONTROL_TOKEN``
    (empty: none)."""
    if given is not None:
        return given or None
    return os.environ.get(CONTROL_TOKEN_ENV, "").strip() or None


def read_answer(response: httpx.Response) -> Any:
    """The decoded answer of a control call; ``ControlError`` for a 4xx or 5xx."""
    if response.status_code >= 400:
        try:
            message = str(response.json().get("message", response.text))
        except ValueError:
            message = response.text
        raise ControlError(response.status_code, message)
    return response.json()
