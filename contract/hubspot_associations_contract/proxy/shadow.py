"""``proxy --shadow``: the same requests sent to an in-process emulator, the answers compared.

The shadow is an emulator app (``hubspot_associations_emulator.create_app``, the proxy's release
and v4 profile, its own token; :class:`Shadow`'s ``config`` starts it with other settings)
called in process through httpx's ASGI transport on a private event loop thread: no socket
listens, so nothing but this module can reach it. It receives every request of an Associations
operation and every CRM object call (create, get, update, archive, list, batch …, search,
merge, GDPR delete under a release's objects base: ``migrate-report``'s ``objects.object_call``)
in the order the proxy forwarded them (method, query and body as the app sent them, record and
type IDs mapped); other paths are neither sent nor compared.

**What it learns from HubSpot's answers**, before the next request (never before the request whose
answer taught it, whose difference is then *missing state*):

- associations a read shows (``list_associations``, ``batch_read_associations``): seeded through
  the control API (``POST /_emulator/seed``), with the labels whose type IDs are mapped;
- custom labels (USER_DEFINED): a ``list_labels`` answer's labels the shadow lacks are created in
  it; each HubSpot type ID is mapped to the shadow's type ID with the same pair and label (a
  ``create_label`` sent to both maps its answers' type IDs by position), as ``migrate-report
  --replay`` maps them. Requests are rewritten HubSpot → shadow and the shadow's answers shadow →
  HubSpot with ``--replay``'s own ``rewrite_types`` (bodies; ``delete_label``'s path too);
- record IDs: the IDs HubSpot's object creates answer with are mapped to the shadow's
  (``--replay``'s ``created_ids``: the answer's ``id``, a batch's results by position); every
  later request's path segments and body IDs are rewritten HubSpot → shadow (``rewrite_path``,
  ``rewrite_ids``), the shadow's answers shadow → HubSpot (``hs_object_id`` too) before comparing;
- records an object read shows (``get_object``, ``list_objects``, ``search_objects``,
  ``batch_read_objects``) that the shadow lacks: created in it with the answer's properties
  (those a create takes: not ``hs_object_id`` or the timestamps), their IDs mapped.

**Normalisations** before comparing (each because the value always differs between two servers,
not because the emulator may be wrong): the *values* of ``correlationId``, ``requestedAt``,
``startedAt``, ``completedAt``, ``createdAt``, ``updatedAt``, ``enqueueTime``, ``message`` (error
wording is HubSpot's prose), ``link`` / ``links`` (they hold the host) and ``after`` (cursors are
opaque) are not compared — their presence and JSON type are. Lists are compared as multisets (sorted
by their items' canonical JSON): HubSpot promises no order of results or errors (``paging.order``
is its own rule). A record's own timestamps are properties: ``createdate``, ``lastmodifieddate``
(contacts) and ``hs_lastmodifieddate`` are the creation and change times on two servers, and
``archivedAt`` the archive's, so their values are not compared either. ``hs_object_id`` is compared:
it is the record's ID, mapped back like ``id``, and an emulator giving a record another ID in its
properties than its ``id`` is a defect worth seeing. A record ID HubSpot never created through
the proxy (a record of the portal) is sent as is: the shadow takes any ID in association calls.

**Not compared**: an answer HubSpot refused for authentication or authorisation (any 401; a
403 whose ``category`` is ``MISSING_SCOPES`` or ``MISSING_PERMISSIONS``). The shadow has its own
full-access token, so it would answer such a request 200: the difference says nothing about the
emulator. Such a request is not sent to the shadow either (HubSpot changed nothing).

**The emulator's control API** (``/_emulator/*``, when the upstream is an emulator and the app
calls its control API through the proxy): each call HubSpot — the upstream emulator — answered
2xx is sent to the shadow as well (never judged nor compared), so that seeds reach both. A label
a seed makes is mapped by position, as ``create_label``'s. ``POST /_emulator/reset`` resets the
whole shadow (it holds one portal, whichever portal the upstream's reset named) and
``PUT /_emulator/snapshot`` restores the snapshot in it too: both clear what the shadow learned
(record and type ID maps, associations and labels seen). Seeds are sent as they are: IDs that
name records created through the proxy are not mapped.

**Record IDs never collide**: the shadow's own records (its creates' and the learned records')
take IDs from :data:`SHADOW_FIRST_OBJECT_ID` on (the emulator's ``next_object_id`` counter,
moved through its snapshot at start and after every reset), far above any ID HubSpot gives, so
an unmapped HubSpot ID sent as is (an association naming a record the proxy never saw) never
names one of the shadow's records. Custom type IDs are not moved (HubSpot's are mapped when seen).

**What is kept in step when the two disagree**: a write HubSpot refused (4xx; a 5xx may have
made it) that the shadow applied is undone for ``create_label`` (the label the shadow made is
deleted), and the difference is *missing state* when the pair's labels were learned from
``list_labels``: their internal names are not in that answer, so the shadow made them under names
of its own and took a ``create_label`` HubSpot refused as a duplicate. Other writes are not
undone (an object created, updated, archived or merged, an association or a label change the
shadow applied and HubSpot refused, or the reverse): their difference is reported, and later
reads may differ too.

**The first difference** (``Difference.what``): ``status 201 vs 200`` (HubSpot's first), then a key
present on one side only (``paging: absent in HubSpot's answer``), a JSON type
(``results[0].toObjectId: string vs integer``), a list's length, a value
(``results[0].label: 'A' vs 'B'``).

**Categories**, the first that applies: *emulator defect* — the shadow's answer breaks a rule of
the contract (the :class:`~.validation.Validator`) that HubSpot's answer keeps; *HubSpot drift* —
HubSpot's answer breaks one (the findings passed in); *missing state* — HubSpot's answer or the
request names associations, custom type IDs or records (object calls: the record the path
names, every ``id`` of the request and of HubSpot's answer) the shadow had not seen before this
exchange; else *unexplained*.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx

from hubspot_associations.cli._migration.objects import ObjectCall, object_call
from hubspot_associations.cli._migration.replay import (
    created_ids,
    rewrite_ids,
    rewrite_path,
    rewrite_types,
)

from .exchange import Difference, Exchange, Finding
from .validation import Validator

if TYPE_CHECKING:
    from hubspot_associations_emulator import EmulatorConfig

__all__ = [
    "IGNORED_VALUES",
    "SHADOW_FIRST_OBJECT_ID",
    "SHADOW_TOKEN",
    "Shadow",
    "first_difference",
]

SHADOW_TOKEN = "shadow-token"
# The shadow's first record ID: far above HubSpot's (about 10^10 to 10^11 today), below 2**53 so
# that every JSON reader keeps it exact.
SHADOW_FIRST_OBJECT_ID = 9_000_000_000_000_001
CONTROL_PREFIX = "/_emulator/"
# 403 categories of a request HubSpot refused for the caller's rights (the shadow has all).
_REFUSED_403 = frozenset({"MISSING_SCOPES", "MISSING_PERMISSIONS"})
USER_DEFINED = "USER_DEFINED"
# Keys whose values always differ between HubSpot and the shadow (see the module's docstring).
IGNORED_VALUES = frozenset(
    {
        "correlationId",
        "requestedAt",
        "startedAt",
        "completedAt",
        "createdAt",
        "updatedAt",
        "enqueueTime",
        "message",
        "link",
        "links",
        "after",
        # A record's timestamps, as properties (see the module's docstring).
        "createdate",
        "lastmodifieddate",
        "hs_lastmodifieddate",
        "archivedAt",
    }
)
_TIMEOUT = 30.0
_HOP = frozenset(
    {"authorization", "host", "content-length", "connection", "transfer-encoding", "keep-alive",
     "accept-encoding", "cookie", "te", "upgrade", "proxy-authorization"}
)  # fmt: skip
_READS = ("list_associations", "batch_read_associations")
_LABELS = frozenset({"create_label", "update_label", "delete_label", "list_labels"})
_CREATES = frozenset({"create_object", "batch_create_objects", "batch_upsert_objects"})
_OBJECT_READS = frozenset({"get_object", "list_objects", "search_objects", "batch_read_objects"})
# Properties HubSpot sets itself: never sent in the create that teaches the shadow a record.
_SYSTEM_PROPERTIES = frozenset({"hs_object_id", "createdate", "lastmodifieddate",
                                "hs_lastmodifieddate"})  # fmt: skip


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _sort_key(value: Any) -> str:
    # Scalars as text, so that one item differing only in a type sorts beside its twin.
    def plain(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: plain(v) for k, v in node.items() if k not in IGNORED_VALUES}
        if isinstance(node, list):
            return sorted(json.dumps(plain(n), sort_keys=True) for n in node)
        return str(node)

    return json.dumps(plain(value), sort_keys=True)


def _normalised(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _normalised(v) for k, v in node.items()}
    if isinstance(node, list):
        return sorted((_normalised(n) for n in node), key=_sort_key)
    return node


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _walk(a: Any, b: Any, path: str, key: str | None) -> str | None:
    """The first difference between HubSpot's value ``a`` and the shadow's ``b``."""
    ta, tb = _json_type(a), _json_type(b)
    if ta != tb and not {ta, tb} <= {"integer", "number"}:
        return f"{path or 'body'}: {ta} vs {tb}"
    if isinstance(a, dict) and isinstance(b, dict):
        return _walk_objects(a, b, path)
    if isinstance(a, list) and isinstance(b, list):
        return _walk_lists(a, b, path, key)
    if key in IGNORED_VALUES or a == b:
        return None
    return f"{path or 'body'}: {a!r} vs {b!r}"


def _walk_objects(a: dict[str, Any], b: dict[str, Any], path: str) -> str | None:
    for k in sorted(set(a) | set(b)):
        if k not in a:
            return f"{_at(path, k)}: absent in HubSpot's answer"
        if k not in b:
            return f"{_at(path, k)}: absent in the emulator's answer"
    for k in sorted(a):
        found = _walk(a[k], b[k], _at(path, k), k)
        if found is not None:
            return found
    return None


def _walk_lists(a: list[Any], b: list[Any], path: str, key: str | None) -> str | None:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        found = _walk(x, y, _at(path, i), key)
        if found is not None:
            return found
    if len(a) != len(b):
        return f"{path or 'body'}: {len(a)} vs {len(b)} items"
    return None


def first_difference(
    status_a: int | None, body_a: Any, status_b: int | None, body_b: Any
) -> str | None:
    """The first difference between two answers (HubSpot's first), or None when alike."""
    if status_a != status_b:
        return f"status {status_a} vs {status_b}"
    return _walk(_normalised(body_a), _normalised(body_b), "", None)


def _parsed(raw: bytes) -> tuple[bool, Any]:
    try:
        return True, json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return False, None


def _shown(status: int | None, raw: bytes) -> dict[str, Any]:
    ok, body = _parsed(raw)
    return {"status": status, "body": body if ok else raw.decode("utf-8", "replace")}


def _results(body: Any) -> list[dict[str, Any]]:
    results = body.get("results") if isinstance(body, dict) else None
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def _pairs_in(operation: str, path: str, body: Any) -> set[tuple[str, str]]:
    """(from ID, to ID) of every association a read answer shows."""
    out: set[tuple[str, str]] = set()
    if operation == "list_associations":
        from_id = _segments(path)[-3] if len(_segments(path)) >= 3 else ""
        out |= {(from_id, str(r.get("toObjectId"))) for r in _results(body)}
    elif operation == "batch_read_associations":
        for r in _results(body):
            origin = r.get("from")
            to = r.get("to")
            if isinstance(origin, dict) and isinstance(to, list):
                out |= {
                    (str(origin.get("id")), str(t.get("toObjectId")))
                    for t in to
                    if isinstance(t, dict)
                }
    return out


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _custom_ids(node: Any, bare: bool = False) -> set[int]:
    unknown: set[int] = set()
    rewrite_types(node, {}, unknown, bare)
    return unknown


def _record_ids(node: Any, key: str | None = None) -> set[str]:
    """Every record ID of an object call's JSON (the values of ``id`` keys, at any depth)."""
    if isinstance(node, list):
        return {i for n in node for i in _record_ids(n, key)}
    if isinstance(node, dict):
        return {i for k, v in node.items() for i in _record_ids(v, k)}
    if key == "id" and isinstance(node, int | str) and not isinstance(node, bool):
        return {str(node)}
    return set()


def _hs_object_ids(node: Any, ids: Mapping[str, str], key: str | None = None) -> Any:
    if isinstance(node, list):
        return [_hs_object_ids(n, ids, key) for n in node]
    if isinstance(node, dict):
        return {k: _hs_object_ids(v, ids, k) for k, v in node.items()}
    if key == "hs_object_id" and isinstance(node, str):
        return ids.get(node, node)
    return node


def _ids_back(node: Any, ids: Mapping[str, str]) -> Any:
    """The shadow's answer with its record IDs mapped back to HubSpot's (``rewrite_ids``'s keys
    and ``hs_object_id``)."""
    return _hs_object_ids(rewrite_ids(node, ids), ids)


def _refused_for_rights(exchange: Exchange) -> bool:
    """HubSpot refused the request for authentication (401) or authorisation (403 with
    MISSING_SCOPES or MISSING_PERMISSIONS): nothing the shadow's answer could be compared with."""
    if exchange.status == 401:
        return True
    if exchange.status != 403:
        return False
    ok, body = _parsed(exchange.decoded_response_body())
    return ok and isinstance(body, dict) and body.get("category") in _REFUSED_403


def _categorised(
    mine: list[Finding],
    theirs: list[Finding],
    records: set[str],
    pairs: set[tuple[str, str]],
    types: set[int],
    nameless: str = "",
) -> tuple[str, str]:
    """(category, explanation) of a difference: the first category that applies."""
    if mine:
        return "emulator defect", "; ".join(f"[{f.rule}] {f.message}" for f in mine)
    if theirs:
        return "HubSpot drift", "; ".join(f"[{f.rule}] {f.message}" for f in theirs)
    if not (records or pairs or types or nameless):
        return "unexplained", "both answers keep the contract; the shadow knew the state named"
    parts = [nameless] if nameless else []
    if records:
        parts.append("records the shadow had not seen: " + ", ".join(sorted(records)[:5]))
    if pairs:
        shown = ", ".join(f"{a}->{b}" for a, b in sorted(pairs)[:5])
        parts.append(f"associations the shadow had not seen: {shown}")
    if types:
        parts.append(
            "custom type IDs the shadow had not seen: " + ", ".join(map(str, sorted(types)))
        )
    return "missing state", "; ".join(parts)


class Shadow:
    """An in-process emulator fed the proxy's requests; :meth:`compare` per exchange, in order.

    ``config`` (for tests, and for users whose emulator runs with non-default settings: an
    earlier v4 ``profile``, ``numeric_ids``, ``enqueue_time_format``, ``repeat_answers`` …):
    the shadow emulator's settings as given, its ``tokens`` replaced by the shadow's own. Its
    ``profile`` is then the emulator's, while ``profile`` stays the one answers are judged by:
    an emulator started with an earlier profile than the judged one shows its differences as
    *emulator defects*. Without ``config``: the default settings and ``profile``.
    """

    def __init__(
        self,
        release: str | None = None,
        profile: str = "current",
        *,
        config: EmulatorConfig | None = None,
    ) -> None:
        from hubspot_associations_emulator import EmulatorConfig, create_app

        self.validator = Validator(release, profile)
        settings = (
            replace(config, tokens=(SHADOW_TOKEN,))
            if config is not None
            else EmulatorConfig(tokens=(SHADOW_TOKEN,), profile=profile)
        )
        app = create_app(settings)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="proxy-shadow", daemon=True
        )
        self._thread.start()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://shadow.invalid",
            timeout=_TIMEOUT,
        )
        # HubSpot's custom type ID -> the shadow's (and back), by pair and label.
        self.type_ids: dict[int, int] = {}
        self._labels_seen: set[tuple[str, str, str]] = set()
        # Associations (from ID, to ID) the shadow holds: seeded, or shown in its own answers.
        self.known: set[tuple[str, str]] = set()
        # HubSpot's record ID -> the shadow's: created through the proxy, or learned from a read.
        self.ids: dict[str, str] = {}
        self._pending: list[dict[str, Any]] = []
        # (from type, to type) whose labels were learned from list_labels, without their names.
        self._nameless: set[tuple[str, str]] = set()
        self._closed = False
        self._move_counter()

    # -- the private loop ----------------------------------------------------------------------

    def _send(
        self, method: str, url: str, body: bytes, headers: Mapping[str, str]
    ) -> httpx.Response:
        async def go() -> httpx.Response:
            response = await self._client.request(method, url, content=body, headers=headers)
            await response.aread()
            return response

        return asyncio.run_coroutine_threadsafe(go(), self._loop).result(_TIMEOUT)

    def _control(self, method: str, path: str, body: Any) -> httpx.Response:
        data = json.dumps(body).encode()
        return self._send(method, path, data, {"Content-Type": "application/json"})

    def _move_counter(self) -> None:
        """The shadow's next record ID set to SHADOW_FIRST_OBJECT_ID (see the module's docstring),
        through its snapshot: the ``meta`` table's ``next_object_id`` row."""
        snapshot = self._send("GET", f"{CONTROL_PREFIX}snapshot", b"", {}).json()
        meta = [row for row in snapshot["tables"]["meta"] if row[0] != "next_object_id"]
        snapshot["tables"]["meta"] = [*meta, ["next_object_id", SHADOW_FIRST_OBJECT_ID]]
        answer = self._control("PUT", f"{CONTROL_PREFIX}snapshot", snapshot)
        if answer.status_code >= 300:  # the emulator's snapshot format changed: say so at once
            raise RuntimeError(f"the shadow's ID counter was not moved: {answer.text}")

    def _forget(self) -> None:
        """Everything learned dropped (the shadow was reset or restored), the counter moved."""
        self.type_ids.clear()
        self._labels_seen.clear()
        self.known.clear()
        self.ids.clear()
        self._pending.clear()
        self._nameless.clear()
        self._move_counter()

    def _control_call(self, exchange: Exchange) -> None:
        """A call of the upstream emulator's control API, made on the shadow too (see the
        module's docstring): only when the upstream answered it 2xx."""
        if exchange.status is None or not 200 <= exchange.status < 300:
            return
        reset = exchange.method == "POST" and exchange.path.rstrip("/") == "/_emulator/reset"
        restore = exchange.method == "PUT" and exchange.path.rstrip("/") == "/_emulator/snapshot"
        body = b"" if reset else exchange.request_body
        headers = {k: v for k, v in exchange.request_headers if k.lower() not in _HOP and not reset}
        url = exchange.path + (f"?{exchange.query}" if exchange.query and not reset else "")
        answer = self._send(exchange.method, url, body, headers)
        if reset or restore:
            self._forget()
        elif exchange.method == "POST" and exchange.path.rstrip("/") == "/_emulator/seed":
            ok_a, theirs = _parsed(exchange.decoded_response_body())
            ok_b, mine = _parsed(answer.content)
            if ok_a and ok_b and isinstance(theirs, dict) and isinstance(mine, dict):
                for a, b in zip(theirs.get("labels") or [], mine.get("labels") or [], strict=False):
                    self._map_created_types(a, b)

    def _map_created_types(self, hubspot: Any, mine: Any) -> None:
        """Type IDs of labels made on both sides, mapped by position."""
        for theirs, ours in zip(_results(hubspot), _results(mine), strict=False):
            t, o = theirs.get("typeId"), ours.get("typeId")
            if isinstance(t, int) and isinstance(o, int) and t not in self.type_ids:
                self.type_ids[t] = o

    def _undo_label(self, path: str, mine: Any) -> None:
        """The labels a create_label HubSpot refused made in the shadow, deleted again."""
        for result in _results(mine):
            if isinstance(result.get("typeId"), int):
                self._send(
                    "DELETE", f"{path.rstrip('/')}/{result['typeId']}", b"",
                    {"Authorization": f"Bearer {SHADOW_TOKEN}"},
                )  # fmt: skip

    def close(self) -> None:
        """Stop the shadow (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            asyncio.run_coroutine_threadsafe(self._client.aclose(), self._loop).result(_TIMEOUT)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_TIMEOUT)
            self._loop.close()

    # -- one exchange --------------------------------------------------------------------------

    def compare(self, exchange: Exchange, findings: list[Finding]) -> Difference | None:
        """Send the exchange's request to the shadow; the difference of the answers, if any."""
        if exchange.path.startswith(CONTROL_PREFIX):
            self._control_call(exchange)
            return None
        where = self.validator.operation(exchange)
        call = object_call(exchange.method, exchange.path) if where is None else None
        if exchange.status is None or (where is None and call is None):
            return None
        if _refused_for_rights(exchange):
            return None
        operation = where[1] if where is not None else call.operation if call else ""
        self._seed_pending()
        unseen_types = self._unseen_types(exchange, operation)
        answer = self._forward(exchange, operation)
        ok_b, body_b = _parsed(answer.content)
        ok_a, body_a = _parsed(exchange.decoded_response_body())
        nameless = ""
        if (
            operation == "create_label" and 400 <= exchange.status < 500
            and 200 <= answer.status_code < 300
        ):  # fmt: skip
            self._undo_label(exchange.path, body_b if ok_b else None)
            parts = _segments(exchange.path)
            if len(parts) >= 3 and (parts[-3], parts[-2]) in self._nameless:
                nameless = (
                    f"the shadow learned {parts[-3]}/{parts[-2]}'s labels from list_labels, "
                    "without HubSpot's internal names (its labels were made under names of its "
                    "own, so it took a name HubSpot has); the label it made was deleted again"
                )
        if (
            ok_a and ok_b and operation in _CREATES
            and 200 <= exchange.status < 300 and 200 <= answer.status_code < 300
        ):  # fmt: skip
            self.ids.update(created_ids(operation, body_a, body_b))
        unseen_records = self._unseen_records(exchange, call, body_a if ok_a else None)
        inverse = {mine: theirs for theirs, mine in self.type_ids.items()}
        if ok_b:
            body_b = _ids_back(rewrite_types(body_b, inverse, set()), self._ids_back_map())
        content_b = json.dumps(body_b).encode() if ok_b else answer.content
        self.known |= _pairs_in(operation, exchange.path, body_b if ok_b else None)
        unseen_pairs = _pairs_in(operation, exchange.path, body_a if ok_a else None) - self.known
        self._learn(exchange, operation, body_a if ok_a else None, body_b if ok_b else None)
        if call is not None and operation in _OBJECT_READS and 200 <= exchange.status < 300:
            self._learn_records(call.base, _segments(call.rest)[0], body_a if ok_a else None)
        what = first_difference(
            exchange.status,
            body_a if ok_a else exchange.decoded_response_body().decode("utf-8", "replace"),
            answer.status_code,
            body_b if ok_b else answer.text,
        )
        if what is None:
            return None
        shadow_exchange = Exchange(
            exchange.index, exchange.started, 0.0, exchange.method, exchange.path,
            exchange.query, exchange.request_headers, exchange.request_body,
            answer.status_code, tuple(answer.headers.multi_items()), content_b,
        )  # fmt: skip
        theirs = {f.rule for f in findings}
        mine = [f for f in self.validator.judge(shadow_exchange) if f.rule not in theirs]
        category, explanation = _categorised(
            mine, findings, unseen_records, unseen_pairs, unseen_types, nameless
        )
        return Difference(
            exchange.index,
            exchange.method,
            exchange.path,
            operation,
            category,
            what,
            _shown(exchange.status, exchange.decoded_response_body()),
            _shown(answer.status_code, content_b),
            explanation,
        )

    def _unseen_records(
        self, exchange: Exchange, call: ObjectCall | None, hubspot: Any
    ) -> set[str]:
        """The records an object call names (its path's, every ``id`` of its request and of
        HubSpot's answer) that the shadow has not seen."""
        if call is None:
            return set()
        sent = _parsed(exchange.request_body)[1] if exchange.request_body else None
        named = _record_ids(hubspot) | _record_ids(sent)
        parts = _segments(call.rest)
        if call.operation in ("get_object", "update_object", "archive_object") and len(parts) > 1:
            named.add(parts[1])
        return named - set(self.ids)

    def _unseen_types(self, exchange: Exchange, operation: str) -> set[int]:
        ok, sent = _parsed(exchange.request_body) if exchange.request_body else (False, None)
        named = _custom_ids(sent, operation == "update_label") if ok else set()
        if operation == "delete_label":
            last = _segments(exchange.path)[-1]
            if last.isdigit():
                named.add(int(last))
        ok_a, answered = _parsed(exchange.decoded_response_body())
        if ok_a and operation != "create_label":
            named |= _custom_ids(answered)
        return {t for t in named if t not in self.type_ids}

    def _forward(self, exchange: Exchange, operation: str) -> httpx.Response:
        body = exchange.request_body
        ok, sent = _parsed(body) if body else (False, None)
        if ok and self.type_ids:
            rewritten = rewrite_types(sent, self.type_ids, set(), operation == "update_label")
            if rewritten != sent:
                body = json.dumps(rewritten, separators=(",", ":")).encode()
        if ok and self.ids and operation not in _LABELS:
            rewritten = rewrite_ids(json.loads(body), self.ids)
            body = json.dumps(rewritten, separators=(",", ":")).encode()
        path = exchange.path
        if operation == "delete_label":
            head, _, last = path.rstrip("/").rpartition("/")
            if last.isdigit() and int(last) in self.type_ids:
                path = f"{head}/{self.type_ids[int(last)]}"
        elif operation not in _LABELS:
            path = rewrite_path(path, self.ids)
        headers = {k: v for k, v in exchange.request_headers if k.lower() not in _HOP}
        headers["Authorization"] = f"Bearer {SHADOW_TOKEN}"
        url = path + (f"?{exchange.query}" if exchange.query else "")
        return self._send(exchange.method, url, body, headers)

    # -- learning ------------------------------------------------------------------------------

    def _learn(self, exchange: Exchange, operation: str, hubspot: Any, mine: Any) -> None:
        if exchange.status is None or not 200 <= exchange.status < 300:
            return
        parts = _segments(exchange.path)
        if operation == "create_label" and len(parts) >= 2:
            self._map_created_types(hubspot, mine)
        elif operation == "list_labels" and len(parts) >= 3:
            self._learn_labels(parts[-3], parts[-2], _results(hubspot))
        elif operation in _READS:
            self._learn_associations(exchange, operation, hubspot)

    def _ids_back_map(self) -> dict[str, str]:
        return {mine: theirs for theirs, mine in self.ids.items()}

    def _learn_records(self, base: str, object_type: str, hubspot: Any) -> None:
        """Records HubSpot's read shows and the shadow lacks: created in it, their IDs mapped."""
        if not isinstance(hubspot, dict):
            return
        shown = _results(hubspot) if "results" in hubspot else [hubspot]
        for record in shown:
            record_id, properties = record.get("id"), record.get("properties")
            if record_id is None or str(record_id) in self.ids or not isinstance(properties, dict):
                continue
            kept = {
                k: v for k, v in properties.items()
                if k not in _SYSTEM_PROPERTIES and isinstance(v, str) and v
            }  # fmt: skip
            answer = self._send(
                "POST", f"{base}/{object_type}", json.dumps({"properties": kept}).encode(),
                {"Content-Type": "application/json", "Authorization": f"Bearer {SHADOW_TOKEN}"},
            )  # fmt: skip
            ok, made = _parsed(answer.content)
            if answer.status_code < 300 and ok and isinstance(made, dict) and "id" in made:
                self.ids[str(record_id)] = str(made["id"])

    def _learn_labels(self, from_type: str, to_type: str, listed: list[dict[str, Any]]) -> None:
        wanted = [
            r for r in listed
            if r.get("category") == USER_DEFINED and isinstance(r.get("typeId"), int)
            and r["typeId"] not in self.type_ids
        ]  # fmt: skip
        if wanted:
            # Labels are the pair's both ways: a create_label on either order may meet them.
            self._nameless |= {(from_type, to_type), (to_type, from_type)}
        for r in wanted:
            label = str(r.get("label") or f"label {r['typeId']}")
            name = f"shadow_{r['typeId']}"
            answer = self._control(
                "POST",
                "/_emulator/seed",
                {"labels": [{"fromObjectType": from_type, "toObjectType": to_type,
                             "name": name, "label": label}]},
            )  # fmt: skip
            if answer.status_code >= 300:
                continue
            made = answer.json().get("labels") or [{}]
            for result in _results(made[0]):
                if isinstance(result.get("typeId"), int):
                    self.type_ids[r["typeId"]] = result["typeId"]
                    break

    def _learn_associations(self, exchange: Exchange, operation: str, body: Any) -> None:
        parts = _segments(exchange.path)
        if operation == "list_associations" and len(parts) >= 3:
            from_type, from_id, to_type = parts[-4], parts[-3], parts[-1]
            rows = [(from_id, r) for r in _results(body)]
        elif operation == "batch_read_associations" and len(parts) >= 4:
            from_type, to_type = parts[-4], parts[-3]
            rows = [
                (str((r.get("from") or {}).get("id")), t)
                for r in _results(body)
                for t in r.get("to") or []
                if isinstance(t, dict)
            ]
        else:
            return
        for from_id, row in rows:
            pair = (from_id, str(row.get("toObjectId")))
            if pair in self.known:
                continue
            self.known.add(pair)
            types = []
            for t in row.get("associationTypes") or []:
                type_id, category = t.get("typeId"), t.get("category")
                if category == USER_DEFINED:
                    type_id = self.type_ids.get(type_id) if isinstance(type_id, int) else None
                if isinstance(type_id, int) and isinstance(category, str):
                    types.append({"associationCategory": category, "associationTypeId": type_id})
            self._pending.append(
                {"fromObjectType": from_type, "fromObjectId": pair[0],
                 "toObjectType": to_type, "toObjectId": pair[1], "types": types}
            )  # fmt: skip

    def _seed_pending(self) -> None:
        """What the last answers taught, written into the shadow before the next request."""
        pending, self._pending = self._pending, []
        for item in pending:
            ends = {k: self.ids.get(item[k], item[k]) for k in ("fromObjectId", "toObjectId")}
            item = {**item, **ends}
            answer = self._control("POST", "/_emulator/seed", {"associations": [item]})
            if answer.status_code >= 300 and item["types"]:
                # A type the shadow refuses for the pair: the association at least.
                self._control("POST", "/_emulator/seed", {"associations": [{**item, "types": []}]})
