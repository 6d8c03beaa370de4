"""``migrate-report --replay``: recorded traffic sent again to two emulators, one per release.

Two emulators start in-process (the ``emulator`` extra), each on its own loopback port. Every
request of the traffic that maps to an operation is sent to both, in order, its path rewritten to
the source release's base (first emulator) and to the target release's (second emulator) of the
same path family; the two answers are compared (status, top-level keys, ``errors`` and
``numErrors``). After the replay the two emulators' stores are compared too (association rows,
label definitions, user limits), since a write may answer alike and still leave different state.

Custom labels (USER_DEFINED type IDs) differ between the traffic's portal and a fresh emulator:

- **set-up**: the labels the traffic's ``list_labels`` answers show are created in each emulator
  before the replay, except those the traffic itself creates (a recorded ``create_label``
  answer holds their type ID, or the request names their label): those are created by replaying
  the traffic's own ``create_label`` request, so nothing is created twice and that request's
  answers are compared like any other.
- **type IDs**: each traffic type ID is known by its object pair and label (from ``list_labels``
  answers and ``create_label`` answers); in each emulator it is resolved to the type ID with the
  same pair and label there (listed from that emulator, per emulator: never assumed equal). It is
  rewritten in JSON bodies (``associationTypeId``/``typeId`` whose category is USER_DEFINED, and
  ``update_label``'s ``associationTypeId``) and in ``delete_label``'s path.

What cannot be replayed faithfully is listed (``unfaithful``) with the reason: a request that
maps to no operation (not sent), an operation the target lacks (sent: the target answers 404), a
USER_DEFINED type ID no answer of the traffic defines (sent unchanged), a body that should be JSON
and is not, a body the journal cut at 64 KiB (both sent as recorded), and every request whose
replayed answer differs from the recorded one (status, or the shape compared between the
emulators; the status alone when the recorded body is cut, not recorded or still compressed),
compared with the emulator of the release the traffic used, else the source's.

CRM object calls (``objects.py``: create, read, search, batch …) are replayed too, each on its
emulator's release's objects base, so that the records later association calls name exist
there (a create naming an unknown record in ``associations`` is refused whole). Record IDs:

- **learned** from each create: a recorded ``create_object`` answer's ``id`` against the
  replayed one's, ``batch_create_objects`` and ``batch_upsert_objects`` results by position
  (the emulator answers in input order; HubSpot does not promise to, so a batch recorded on a
  portal may pair IDs wrongly: its later answers then differ and are listed);
- **rewritten**, per emulator, in every later request: path segments, and the ``id``,
  ``objectId``, ``fromObjectId``, ``toObjectId``, ``primaryObjectId`` and ``objectIdToMerge``
  values of JSON bodies, with the filter values of a search (``value``, ``highValue``,
  ``values``). IDs the traffic never created (records that existed in the portal) are sent as
  recorded: the emulators take them for association calls, and their object reads answer 404,
  listed as unlike the recorded answers.

Object calls are not judged: their answers that differ between the two emulators are listed
apart (``object_differences``) and leave the exit code alone.

The client package imports the emulator only in its command line, and only when ``--replay``
runs: the import is inside :func:`_emulator`, so ``hubspot-associations --help`` and every other
command work without the ``[emulator]`` extra.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from ..._exceptions import ClientValidationError
from ..._release_table import RELEASE_DATA
from ..._values.object_types import canonical_object_type, object_type_id
from .objects import NOT_JUDGED, object_call, objects_base
from .report import family_base, map_request
from .traffic import Exchange

__all__ = [
    "BODY_KEPT",
    "EXIT_DIFFERENCES",
    "EXIT_SAME",
    "AnswerDifference",
    "ReplayReport",
    "ReplayUnavailable",
    "compare_states",
    "created_ids",
    "replay",
    "rewrite_ids",
    "rewrite_path",
    "rewrite_types",
]

EXIT_SAME: Final = 0
EXIT_DIFFERENCES: Final = 1
# The journal keeps a body's first 64 KiB only (hubspot_associations_emulator.journal.BODY_KEPT).
BODY_KEPT: Final = 64 * 1024
USER_DEFINED: Final = "USER_DEFINED"
_UNAVAILABLE: Final = "--replay needs the emulator: pip install 'hubspot-associations[emulator]'"
# Operations whose request carries a JSON body.
_JSON_BODIES: Final = frozenset(
    {
        "associate_with_labels",
        "batch_associate_default",
        "batch_create_associations",
        "batch_read_associations",
        "batch_remove_associations",
        "batch_remove_labels",
        "create_label",
        "update_label",
        "create_limits",
        "update_limits",
        "purge_limits",
        "create_object",
        "update_object",
        "batch_create_objects",
        "batch_read_objects",
        "batch_update_objects",
        "batch_upsert_objects",
        "batch_archive_objects",
        "search_objects",
        "merge_objects",
        "gdpr_delete_object",
    }
)
# The path family of object calls (the client's release table has no such family).
OBJECTS: Final = "objects"
# Object creates, whose answers give record IDs (single: ``id``; batch: ``results[i].id``).
_CREATES: Final = frozenset({"create_object", "batch_create_objects", "batch_upsert_objects"})
# JSON keys whose values are record IDs; search filter values may be IDs too.
_ID_KEYS: Final = frozenset(
    {"id", "objectId", "fromObjectId", "toObjectId", "primaryObjectId", "objectIdToMerge",
     "value", "highValue", "values"}
)  # fmt: skip
_LABEL_WRITES: Final = frozenset({"create_label", "update_label", "delete_label"})
_TIMEOUT: Final = 30.0


class ReplayUnavailable(RuntimeError):
    """The emulator extra is not installed, or an emulator did not start."""


@dataclass(frozen=True)
class AnswerDifference:
    """One request answered differently by the source's and the target's emulator."""

    index: int
    operation: str
    method: str
    path: str
    source: str
    target: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"index": self.index, "operation": self.operation, "method": self.method,
                "path": self.path, "source": self.source, "target": self.target}  # fmt: skip


@dataclass
class ReplayReport:
    """What the replay showed: answers that differ, requests not replayed faithfully, and how the
    two emulators' stores differ afterwards."""

    source: str
    target: str
    requests: int
    differences: list[AnswerDifference] = field(default_factory=list)
    # Object calls answered differently (listed, not judged: no part of the exit code).
    object_differences: list[AnswerDifference] = field(default_factory=list)
    unfaithful: list[str] = field(default_factory=list)
    state_differences: list[str] = field(default_factory=list)
    # Labels created before the replay (per label: "contact → company 'Buyer'").
    set_up: list[str] = field(default_factory=list)
    # Whether the stores were compared, and what each held ("associations", "labels", "limits").
    states_compared: bool = False
    state_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """1 when any answer or the stores differ, else 0."""
        return EXIT_DIFFERENCES if self.differences or self.state_differences else EXIT_SAME

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "from": self.source,
            "to": self.target,
            "requests": self.requests,
            "exitCode": self.exit_code,
            "setUp": self.set_up,
            "differences": [d.to_dict() for d in self.differences],
            "objectDifferences": [d.to_dict() for d in self.object_differences],
            "unfaithful": self.unfaithful,
            "statesCompared": self.states_compared,
            "stateCounts": self.state_counts,
            "stateDifferences": self.state_differences,
        }

    def render_text(self) -> list[str]:
        """The report as lines for a terminal."""
        lines = [
            f"replay: {self.requests} request(s) of the traffic, sent to a {self.source} and a "
            f"{self.target} emulator"
        ]
        if self.set_up:
            lines.append(f"  labels created first in both ({len(self.set_up)}):")
            lines.extend(f"      {s}" for s in self.set_up)
        if self.differences:
            lines.append(f"  answers that differ ({len(self.differences)}):")
            for d in self.differences:
                lines.append(f"    #{d.index} {d.operation}: {d.method} {d.path}")
                lines.append(f"        source: {d.source}  |  target: {d.target}")
        else:
            lines.append("  every answer alike (status, top-level keys, errors)")
        if self.object_differences:
            lines.append(
                f"  object calls answered differently ({NOT_JUDGED}) "
                f"({len(self.object_differences)}):"
            )
            for d in self.object_differences:
                lines.append(f"    #{d.index} {d.operation}: {d.method} {d.path}")
                lines.append(f"        source: {d.source}  |  target: {d.target}")
        if self.unfaithful:
            lines.append(f"  not replayed faithfully ({len(self.unfaithful)}):")
            lines.extend(f"      {u}" for u in self.unfaithful)
        if self.state_differences:
            lines.append(f"  the stores differ after the replay ({len(self.state_differences)}):")
            lines.extend(f"      {s}" for s in self.state_differences)
        elif self.states_compared:
            lines.append("  the stores are alike after the replay (associations, labels, limits)")
        lines.append(
            "exit 1: answers or stores differ" if self.exit_code else "exit 0: nothing differs"
        )
        return lines


# -- the traffic's labels ----------------------------------------------------------------------


def _object_key(segment: str) -> str:
    """One spelling per object type (a type ID when known), for matching pairs."""
    try:
        return object_type_id(segment) or segment.lower()
    except ClientValidationError:
        return segment


def _object_name(segment: str) -> str:
    try:
        return canonical_object_type(segment)
    except ClientValidationError:
        return segment


@dataclass(frozen=True)
class _Label:
    """A custom label of the traffic: its type ID there, its direction (path segments) and text."""

    type_id: int
    from_type: str
    to_type: str
    label: str

    @property
    def key(self) -> tuple[str, str, str]:
        return _object_key(self.from_type), _object_key(self.to_type), self.label

    def describe(self) -> str:
        return f"{_object_name(self.from_type)} → {_object_name(self.to_type)} {self.label!r}"


@dataclass(frozen=True)
class _Request:
    """A mapped request of the traffic."""

    index: int
    exchange: Exchange
    release: str
    operation: str
    family: str
    rest: str  # the path under its base, with a leading "/"

    @property
    def pair(self) -> tuple[str, str] | None:
        parts = self.rest.strip("/").split("/")
        if self.family == "association_bases" and len(parts) >= 3:
            return parts[0], parts[1]
        return None


def _json(raw: bytes) -> tuple[bool, Any]:
    try:
        return True, json.loads(raw)
    except ValueError:
        return False, None


def _cut(raw: bytes, flag: object) -> bool:
    """Whether the journal cut this body: the exchange says so, or it is 64 KiB of broken JSON."""
    return flag is True or (len(raw) >= BODY_KEPT and not _json(raw)[0])


def _results(body: Any) -> list[dict[str, Any]]:
    results = body.get("results") if isinstance(body, dict) else None
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def _listed(request: _Request, pair: tuple[str, str]) -> Iterator[_Label]:
    """The custom labels a list_labels answer shows."""
    for r in _results(request.exchange.response_json()):
        if r.get("category") == USER_DEFINED and isinstance(r.get("typeId"), int):
            yield _Label(r["typeId"], *pair, str(r.get("label")))


def _made(
    request: _Request, pair: tuple[str, str]
) -> tuple[list[_Label], set[tuple[str, str, str]]]:
    """(the labels a create_label answer shows, the keys of the labels its request names):
    the label in the path's direction, its inverse (when paired) in the other."""
    ok, sent = _json(request.exchange.request_body)
    sent = sent if ok and isinstance(sent, dict) else {}
    directions = [(pair, sent.get("label")), ((pair[1], pair[0]), sent.get("inverseLabel"))]
    keys = {_Label(0, *p, text).key for p, text in directions if isinstance(text, str)}
    answered = _results(request.exchange.response_json())
    made = [
        _Label(r["typeId"], *p, str(r.get("label")))
        for r, (p, _) in zip(answered, directions, strict=False)
        if isinstance(r.get("typeId"), int)
    ]
    return made, keys


def _catalogue(requests: Sequence[_Request]) -> tuple[list[_Label], set[int], list[str]]:
    """(every custom label the traffic shows, type IDs its create_label requests made, notes)."""
    labels: dict[int, _Label] = {}
    created: set[int] = set()
    notes: list[str] = []
    created_keys: set[tuple[str, str, str]] = set()
    for request in requests:
        x, pair = request.exchange, request.pair
        if pair is None or x.status is None or not 200 <= x.status <= 299:
            continue
        if request.operation == "list_labels":
            if _cut(x.response_body, x.response_truncated):
                notes.append(
                    f"#{request.index} list_labels: answer cut by the journal (64 KiB); the labels "
                    "it lists are unknown"
                )
            elif x.response_unread is not None:
                notes.append(
                    f"#{request.index} list_labels: its answer cannot be read "
                    f"({x.response_unread}); the labels it lists are unknown"
                )
            for label in _listed(request, pair):
                labels.setdefault(label.type_id, label)
        elif request.operation == "create_label":
            made, keys = _made(request, pair)
            created_keys |= keys
            created |= {label.type_id for label in made}
            labels.update((label.type_id, label) for label in made)
    # A label listed whose pair and text a create_label request names is the traffic's own too.
    created |= {t for t, label in labels.items() if label.key in created_keys}
    return list(labels.values()), created, notes


def _label_name(label: str, taken: set[str]) -> str:
    """An internal name for a label: lower-case letters, digits, underscores, no leading digit."""
    name = re.sub(r"[^a-z0-9_]+", "_", label.lower()).strip("_") or "label"
    if name[0].isdigit():
        name = "label_" + name
    unique, n = name, 1
    while unique in taken:
        n += 1
        unique = f"{name}_{n}"
    taken.add(unique)
    return unique


# -- one emulator ----------------------------------------------------------------------------


class _Side:
    """One emulator and what the replay knows about it (its labels, listed when needed)."""

    def __init__(self, release: str, base_url: str, token: str) -> None:
        self.release = release
        self.http = httpx.Client(
            base_url=base_url, timeout=_TIMEOUT, headers={"Authorization": f"Bearer {token}"}
        )
        self._listed: dict[tuple[str, str], dict[str, int]] = {}
        self._segments: dict[tuple[str, str], tuple[str, str]] = {}
        # Record IDs of the traffic → this emulator's, learned from object creates.
        self.ids: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def base(self, family: str) -> str:
        if family == OBJECTS:
            return objects_base(self.release)
        return family_base(RELEASE_DATA[self.release], family)

    def labels_of(self, from_type: str, to_type: str) -> dict[str, int]:
        """This emulator's custom labels of one direction: label → type ID."""
        key = (_object_key(from_type), _object_key(to_type))
        if key not in self._listed:
            path = f"{self.base('association_bases')}/{from_type}/{to_type}/labels"
            answer = self.http.get(path)
            found: dict[str, int] = {}
            if answer.status_code == 200:
                for r in _results(_json(answer.content)[1]):
                    if r.get("category") == USER_DEFINED and isinstance(r.get("typeId"), int):
                        found.setdefault(str(r.get("label")), r["typeId"])
            self._listed[key] = found
        return self._listed[key]

    def forget(self, pair: tuple[str, str]) -> None:
        """Labels of this pair (both directions) changed: list them again when needed."""
        a, b = _object_key(pair[0]), _object_key(pair[1])
        self._listed.pop((a, b), None)
        self._listed.pop((b, a), None)

    def resolve(self, label: _Label) -> int | None:
        return self.labels_of(label.from_type, label.to_type).get(label.label)

    def create(self, label: _Label, name: str) -> bool:
        path = f"{self.base('association_bases')}/{label.from_type}/{label.to_type}/labels"
        answer = self.http.post(path, json={"name": name, "label": label.label})
        self.forget((label.from_type, label.to_type))
        return answer.status_code < 300

    def send(self, method: str, path: str, query: str, body: bytes) -> httpx.Response:
        headers = {"Content-Type": "application/json"} if body else {}
        url = path + (f"?{query}" if query else "")
        return self.http.request(method, url, content=body or None, headers=headers)

    def snapshot(self) -> dict[str, Any]:
        answer = self.http.get("/_emulator/snapshot")
        answer.raise_for_status()
        return dict(answer.json())


# -- rewriting ---------------------------------------------------------------------------------


def rewrite_types(
    node: Any, resolve: Mapping[int, int | None], unknown: set[int], bare: bool = False
) -> Any:
    """A copy of a JSON value with USER_DEFINED type IDs replaced (``bare``: the top level's
    ``associationTypeId`` is custom without a category, as in update_label)."""
    if isinstance(node, list):
        return [rewrite_types(n, resolve, unknown) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: rewrite_types(v, resolve, unknown) for k, v in node.items()}
    pairs = (("associationTypeId", "associationCategory"), ("typeId", "category"),
             ("associationTypeId", "category"))  # fmt: skip
    for id_key, category_key in pairs:
        value = node.get(id_key)
        custom = node.get(category_key) == USER_DEFINED or (bare and id_key == "associationTypeId")
        if custom and isinstance(value, int) and not isinstance(value, bool):
            mapped = resolve.get(value)
            if mapped is None:
                unknown.add(value)
            else:
                out[id_key] = mapped
    return out


def rewrite_ids(node: Any, ids: Mapping[str, str], key: str | None = None) -> Any:
    """A copy of a JSON value with the traffic's record IDs replaced by an emulator's, under the
    keys that hold record IDs (``_ID_KEYS``); an ID sent as a number stays a number."""
    if isinstance(node, list):
        return [rewrite_ids(n, ids, key) for n in node]
    if isinstance(node, dict):
        return {k: rewrite_ids(v, ids, k) for k, v in node.items()}
    if key in _ID_KEYS and isinstance(node, int | str) and not isinstance(node, bool):
        mapped = ids.get(str(node))
        if mapped is not None:
            return int(mapped) if isinstance(node, int) and mapped.isdigit() else mapped
    return node


def rewrite_path(rest: str, ids: Mapping[str, str]) -> str:
    """A path with each segment that is a record ID of the traffic replaced by an emulator's."""
    return "/".join(ids.get(part, part) for part in rest.split("/"))


def created_ids(operation: str, recorded: Any, replayed: Any) -> list[tuple[str, str]]:
    """(the traffic's ID, the emulator's) of each record an object create answered with: the
    answer itself, or a batch's results by position (none when their counts differ)."""
    if operation == "create_object":
        pairs = [(recorded, replayed)]
    else:
        mine, theirs = _results(recorded), _results(replayed)
        pairs = list(zip(mine, theirs, strict=True)) if len(mine) == len(theirs) else []
    return [
        (str(a["id"]), str(b["id"]))
        for a, b in pairs
        if isinstance(a, dict) and isinstance(b, dict) and "id" in a and "id" in b
    ]


def _type_ids(node: Any, bare: bool = False) -> set[int]:
    """Every USER_DEFINED type ID a request body names."""
    unknown: set[int] = set()
    rewrite_types(node, {}, unknown, bare)
    return unknown


def _map(exchanges: Sequence[Exchange]) -> tuple[list[_Request], list[str]]:
    mapped, unmapped = [], []
    for index, x in enumerate(exchanges):
        found = map_request(x.method, x.path)
        if found is None:
            call = object_call(x.method, x.path)
            if call is not None:
                # An object call of a release not in the table is read as the source's.
                mapped.append(_Request(index, x, call.release or "", call.operation, OBJECTS,
                                       call.rest))  # fmt: skip
                continue
            unmapped.append(f"#{index} {x.method} {x.path}: maps to no operation (not sent)")
            continue
        mapped.append(_Request(index, x, found.release, found.operation, found.family,
                               x.path[len(found.base) :]))  # fmt: skip
    return mapped, unmapped


# -- comparing answers -----------------------------------------------------------------------


def _answer(status: int, body: bytes) -> tuple[str, tuple[Any, ...]]:
    """(shown, compared) for one answer: status, top-level keys, errors and numErrors."""
    if not body.strip():
        return f"{status} (no body)", (status, None)
    ok, parsed = _json(body)
    if not ok:
        return f"{status} (not JSON)", (status, "not JSON")
    if not isinstance(parsed, dict):
        shape = "[array]" if isinstance(parsed, list) else type(parsed).__name__
        return f"{status} {shape}", (status, shape)
    keys = tuple(sorted(parsed))
    shown = f"{status} {{{', '.join(keys)}}}"
    errors = parsed.get("errors")
    num = parsed.get("numErrors")
    count = len(errors) if isinstance(errors, list) else None
    if num is not None or count:
        shown += f" numErrors={num if num is not None else count}"
    return shown, (status, keys, bool(errors), num)


# -- comparing stores ------------------------------------------------------------------------


def _tables(snapshot: Mapping[str, Any]) -> Mapping[str, Any]:
    tables = snapshot.get("tables", snapshot)
    return tables if isinstance(tables, Mapping) else {}


def _store_view(
    snapshot: Mapping[str, Any], shown_ids: Mapping[int, int]
) -> tuple[dict[tuple[Any, ...], str], dict[tuple[Any, ...], str], dict[tuple[Any, ...], str]]:
    """(associations, labels, limits) of a store, each keyed without its own type IDs (a custom
    type by direction and label) and described in words (``shown_ids``: emulator type ID → the
    traffic's, to name a type as the traffic does)."""
    tables = _tables(snapshot)
    custom: dict[int, tuple[str, str, str, str]] = {}
    for row in tables.get("types", []):
        type_id, category, from_type, to_type, label = row[0], row[1], row[2], row[3], row[4]
        custom[type_id] = (str(category), str(from_type), str(to_type), str(label))

    def type_key(type_id: int) -> tuple[Any, ...]:
        return ("custom", *custom[type_id]) if type_id in custom else ("defined", type_id)

    def type_words(type_id: int) -> str:
        if type_id in custom:
            shown = shown_ids.get(type_id, type_id)
            return f"type {shown} ({custom[type_id][0]} {custom[type_id][3]!r})"
        return f"type {type_id}"

    associations = {}
    for row in tables.get("assoc", []):
        from_type, from_id, to_type, to_id, type_id = row[:5]
        key = (from_type, str(from_id), to_type, str(to_id), *type_key(type_id))
        associations[key] = (
            f"{_object_name(str(from_type))} {from_id} → {_object_name(str(to_type))} {to_id}: "
            f"{type_words(type_id)}"
        )
    labels = {}
    by_id = {row[0]: row for row in tables.get("types", [])}
    for row in tables.get("types", []):
        type_id, category, from_type, to_type, label, inverse_id, kind, name = row[:8]
        inverse = by_id.get(inverse_id)
        inverse_label = inverse[4] if inverse is not None else None
        key = (category, from_type, to_type, label, kind, name, inverse_label)
        labels[key] = (
            f"label {_object_name(str(from_type))} → {_object_name(str(to_type))} {label!r} "
            f"({category}, name {name!r}, {type_words(type_id)})"
        )
    limits = {}
    for row in tables.get("limits", []):
        type_id, max_to = row[:2]
        limits[(*type_key(type_id), max_to)] = f"limit of {type_words(type_id)}: {max_to} records"
    return associations, labels, limits


def compare_states(
    source: Mapping[str, Any],
    target: Mapping[str, Any],
    source_name: str = "source",
    target_name: str = "target",
    source_ids: Mapping[int, int] | None = None,
    target_ids: Mapping[int, int] | None = None,
) -> list[str]:
    """How two emulators' snapshots (``GET /_emulator/snapshot``) differ, in words: association
    rows, label definitions and user limits. Custom type IDs are compared by what they stand for
    (direction and label), not by number; counters, reports and records are ignored. ``*_ids``
    map an emulator's type ID to the traffic's, to name types as the traffic does."""
    if source_name == target_name:
        source_name, target_name = f"source ({source_name})", f"target ({target_name})"
    out: list[str] = []
    views = zip(
        _store_view(source, source_ids or {}), _store_view(target, target_ids or {}), strict=True
    )
    for mine, theirs in views:
        for key in sorted(set(mine) - set(theirs), key=repr):
            out.append(f"{mine[key]} only in {source_name}'s emulator")
        for key in sorted(set(theirs) - set(mine), key=repr):
            out.append(f"{theirs[key]} only in {target_name}'s emulator")
    return out


def _counts(snapshot: Mapping[str, Any]) -> dict[str, int]:
    tables = _tables(snapshot)
    return {"associations": len(tables.get("assoc", [])), "labels": len(tables.get("types", [])),
            "limits": len(tables.get("limits", []))}  # fmt: skip


# -- the replay --------------------------------------------------------------------------------


def _emulator() -> tuple[Any, Any]:
    """(EmulatorConfig, serve_in_thread), or ReplayUnavailable."""
    try:
        from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
    except ImportError:
        raise ReplayUnavailable(_UNAVAILABLE) from None
    return EmulatorConfig, serve_in_thread


def _started(stack: ExitStack, releases: Sequence[str]) -> Iterator[_Side]:
    config_type, serve = _emulator()
    for release in releases:
        try:
            running = stack.enter_context(serve(config_type()))
        except ImportError:  # the server parts (Starlette, uvicorn) load on first use
            raise ReplayUnavailable(_UNAVAILABLE) from None
        except (RuntimeError, TimeoutError) as exc:
            raise ReplayUnavailable(f"--replay: an emulator did not start: {exc}") from None
        side = _Side(release, running.base_url, running.token)
        stack.callback(side.close)
        yield side


def replay(exchanges: Sequence[Exchange], source: str, target: str) -> ReplayReport:
    """Send ``exchanges`` to an emulator as release ``source`` and to one as ``target``, and
    report how the answers and the stores differ (see the module's docstring)."""
    for release in (source, target):
        if release not in RELEASE_DATA:
            raise ValueError(f"unknown release {release!r}; known: {', '.join(RELEASE_DATA)}")
    requests, unfaithful = _map(exchanges)
    labels, created, notes = _catalogue(requests)
    unfaithful.extend(notes)
    report = ReplayReport(source, target, len(exchanges))
    by_id = {label.type_id: label for label in labels}
    with ExitStack() as stack:
        sides = list(_started(stack, (source, target)))
        # Set-up: the labels the traffic shows but does not create, the same way in both.
        taken: set[str] = set()
        for label in labels:
            if label.type_id in created:
                continue
            name: str | None = None
            for side in sides:
                if side.resolve(label) is None:
                    name = name or _label_name(label.label, taken)
                    side.create(label, name)
            if name is not None:
                report.set_up.append(label.describe())
        for request in requests:
            _replay_one(request, sides, by_id, report)
        # Every note starts with "#<index in the traffic> "; in traffic order, stable.
        report.unfaithful = sorted(unfaithful + report.unfaithful, key=_index_of)
        snapshots = [side.snapshot() for side in sides]
        shown = [_shown_ids(side, labels) for side in sides]
        report.state_differences = compare_states(
            snapshots[0], snapshots[1], source, target, shown[0], shown[1]
        )
        report.states_compared = True
        report.state_counts = {"source": _counts(snapshots[0]), "target": _counts(snapshots[1])}
    return report


def _index_of(note: str) -> int:
    head = note[1:].split(" ", 1)[0]
    return int(head) if note.startswith("#") and head.isdigit() else -1


def _shown_ids(side: _Side, labels: Sequence[_Label]) -> dict[int, int]:
    out = {}
    for label in labels:
        mine = side.resolve(label)
        if mine is not None:
            out[mine] = label.type_id
    return out


def _body_notes(request: _Request, where: str) -> tuple[bool, Any, list[str]]:
    """(whether the body is JSON, the body parsed, what makes it unfaithful)."""
    x = request.exchange
    if not x.request_body:
        return False, None, []
    ok, parsed = _json(x.request_body)
    if ok:
        return True, parsed, []
    if _cut(x.request_body, x.request_truncated):
        return False, None, [f"{where}: body cut by the journal (64 KiB); sent as recorded"]
    if request.operation in _JSON_BODIES:
        return False, None, [f"{where}: body is not JSON; sent as recorded"]
    return False, None, []


def _path_type_id(request: _Request) -> int | None:
    """delete_label's type ID (in its path)."""
    if request.operation != "delete_label":
        return None
    last = request.rest.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


def _replay_one(
    request: _Request, sides: Sequence[_Side], by_id: Mapping[int, _Label], report: ReplayReport
) -> None:
    x, operation = request.exchange, request.operation
    where = f"#{request.index} {operation} ({x.method} {x.path})"
    ok, parsed, notes = _body_notes(request, where)
    report.unfaithful.extend(notes)
    bare = operation == "update_label"
    named = _type_ids(parsed, bare) if ok else set()
    path_id = _path_type_id(request)
    if path_id is not None:
        named.add(path_id)
    missing = sorted(t for t in named if t not in by_id)
    if missing:
        report.unfaithful.append(
            f"{where}: USER_DEFINED type ID(s) {', '.join(map(str, missing))} neither listed nor "
            "created in the traffic; sent unchanged"
        )
    answers = []
    for side in sides:
        resolve = {t: side.resolve(by_id[t]) for t in named if t in by_id}
        body = x.request_body
        if ok:
            rewritten = rewrite_types(parsed, resolve, set(), bare) if resolve else parsed
            rewritten = rewrite_ids(rewritten, side.ids)
            if rewritten != parsed:
                body = json.dumps(rewritten, separators=(",", ":")).encode()
        rest = rewrite_path(request.rest, side.ids)
        mapped = resolve.get(path_id) if path_id is not None else None
        if mapped is not None:
            rest = rest.rstrip("/").rsplit("/", 1)[0] + f"/{mapped}"
        answer = side.send(x.method, side.base(request.family) + rest, x.query, body)
        answers.append(answer)
        if operation in _LABEL_WRITES and request.pair is not None:
            side.forget(request.pair)
        if operation in _CREATES and _succeeded(x.status) and _succeeded(answer.status_code):
            side.ids.update(created_ids(operation, x.response_json(), _json(answer.content)[1]))
    report.unfaithful.extend(
        f"{where}: {side.release} has no {operation}; sent anyway, answered {answer.status_code}"
        for side, answer in zip(sides, answers, strict=True)
        if operation in RELEASE_DATA[side.release]["lacks"]
    )
    (shown_s, key_s), (shown_t, key_t) = (_answer(a.status_code, a.content) for a in answers)
    if key_s != key_t:
        differences = report.object_differences if request.family == OBJECTS else report.differences
        differences.append(
            AnswerDifference(request.index, operation, x.method, x.path, shown_s, shown_t)
        )
    report.unfaithful.extend(_unlike_recorded(request, sides, answers, where))


def _succeeded(status: int | None) -> bool:
    return status is not None and 200 <= status <= 299


def _unlike_recorded(
    request: _Request, sides: Sequence[_Side], answers: Sequence[httpx.Response], where: str
) -> list[str]:
    """A note when the replayed answer differs from the recorded one (status, or the shape
    compared between the two emulators): the replay did not reproduce what the traffic saw
    (a portal's limit, records or labels the emulators lack). The answer compared is that of the
    emulator of the release the traffic used, else the source's."""
    x = request.exchange
    if x.status is None:
        return []
    index = next((i for i, side in enumerate(sides) if side.release == request.release), 0)
    side, answer = sides[index], answers[index]
    shown, key = _answer(answer.status_code, answer.content)
    unknown = x.response_unread or (
        "body cut by the journal" if _cut(x.response_body, x.response_truncated) else None
    )
    if unknown is not None:  # only the status was kept
        if answer.status_code == x.status:
            return []
        recorded = f"{x.status} ({unknown})"
    else:
        recorded, recorded_key = _answer(x.status, x.response_body)
        if recorded_key == key:
            return []
    if request.release and side.release != request.release:
        recorded += f" (on {request.release})"
    return [f"{where}: recorded {recorded}; the {side.release} emulator answered {shown}"]
