"""Compare OpenAPI files downloaded from HubSpot with our curated spec, and say which overlay
explains each difference.

Operations are matched by (method, normalised path), never by operationId: each path loses the
base of its *path family* and its parameter names, which are compared by position. A release has
three families: ``objects`` (its ``object_base``, the record calls), ``associations`` (its
``association_bases``: batch, labels, limits configuration, report) and ``limits`` (its
``limits_base``: the association part of HubSpot's Limits Tracking API).

Where the families come from: openapi/releases.yaml, plus v4's spellings, which are always known
(``/crm/v4/objects``, ``/crm/v4/associations``, ``/crm/associations/v4``,
``/crm/v3/limits/associations``). A path under none of them is *learned from the file* when it is
one of HubSpot's dated spellings: ``/crm/objects/<YYYY-MM>[-beta]``,
``/crm/associations/<YYYY-MM>[-beta]``, ``/crm/limits/<YYYY-MM>[-beta]/associations``, the
release being the ``<YYYY-MM>[-beta]`` part. So the files of a release that has no row yet (step
1 of "Adding a HubSpot release" in ARCHITECTURE.md, before step 2 writes the row) still match
every operation.

What each release is compared with, the report's first lines say:

- a release with a row and a strict spec: that spec (contract/.../specs/<release>.yaml);
  v4: the tolerant openapi/curated.yaml;
- a release with a row but no strict spec yet (``make generate`` not run): the strict spec that
  ``make generate`` will write, computed from the row;
- a release with no row: the strict spec of the *closest release in the table*: the same date
  (``2026-09-beta`` is compared with 2026-09), else the latest dated release before it, else the
  earliest after it, else v4's tolerant spec. The new row starts as a copy of that release's, so
  each disagreement reads as a field the new row must change (2025-09 against 2026-03: limits
  create and update answering 200 only, that is ``limits_errors_in_200``). The tolerant spec
  would not show that: it accepts every release's statuses.

*In scope* are the operations of the curated spec's families, and only they are compared:

- everything under an ``associations`` or ``limits`` base;
- under an ``objects`` base, only a record's associations, ``/{objectType}/{objectId}/associations``
  and below. Anything else there (HubSpot's dated files carry ``POST …/{objectType}/search``, the
  2026-09-beta file object CRUD, batch, merge, GDPR delete) is the CRM objects API;
- a path under a Limits Tracking root (``/crm/v3/limits``, ``/crm/limits/<YYYY-MM>[-beta]``)
  outside its ``associations`` part (pipelines, custom properties, …) is the rest of Limits
  Tracking.

Those two kinds are listed in a separate "out of scope" section and never make the exit status 1.
A path of no family and no Limits Tracking root is in scope and reported as an operation only
upstream (unaccounted): it may be a spelling this module does not know yet.

A disagreement is *accounted for* when an overlay action touched the same place of the curated
spec: the overlays are replayed over openapi/base.yaml and every node an action removed or
updated is recorded, in curated-spec coordinates. Exit status: 0 when every in-scope disagreement
is accounted for, 1 otherwise, 2 when a file is not an OpenAPI document.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonpath
import yaml

from codegen.overlay import Action, Overlay, apply_overlay, load_overlay
from codegen.pipeline import BASE_SPEC, CURATED_SPEC, ROOT, overlay_paths
from codegen.releases import STRICT_DIR, TABLE, strict_spec

__all__ = [
    "Base",
    "Disagreement",
    "OutOfScope",
    "Report",
    "Touch",
    "UpstreamError",
    "compare",
    "diff_documents",
    "load_document",
    "main",
    "overlay_touches",
    "render",
]

Loc = tuple[str, ...]
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
MAX_DEPTH = 12
# The keys of a schema that together make the type we compare.
TYPE_KEYS = ("type", "format", "nullable", "anyOf", "oneOf", "allOf", "$ref", "items")
_PARAM = re.compile(r"\{[^}]*\}")
_ENV = jsonpath.JSONPathEnvironment(strict=True)


class UpstreamError(Exception):
    """An upstream file cannot be read, or is not an OpenAPI 3 document."""


@dataclass(frozen=True)
class Touch:
    """One node of the curated spec that an overlay action removed or updated."""

    source: str
    index: int
    summary: str
    loc: Loc

    @property
    def label(self) -> str:
        """Name the action as ``overlays/<file>#<index> — <first line of its description>``."""
        return f"overlays/{self.source}#{self.index} — {self.summary}"


@dataclass
class Disagreement:
    """One difference between an upstream file and the curated spec."""

    operation: str
    where: str
    detail: str
    candidates: tuple[Loc, ...]
    accounted: list[Touch] = field(default_factory=list)
    # An enum value is explained only by an action that added or removed that very value.
    exact: bool = False

    def line(self) -> str:
        """One line of the report."""
        if self.accounted:
            labels = list(dict.fromkeys(t.label for t in self.accounted))
            shown = "; ".join(labels[:3]) + (
                f"; +{len(labels) - 3} more" if len(labels) > 3 else ""
            )
            mark = f"[accounted: {shown}]"
        else:
            mark = "[unaccounted]"
        return f"  - {self.where}: {self.detail}  {mark}"


# ---- reading -------------------------------------------------------------------------------------


def load_document(path: Path) -> dict[str, Any]:
    """Read an OpenAPI 3 document from JSON or YAML; raise UpstreamError if it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UpstreamError(f"{path}: cannot be read: {exc}") from exc
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise UpstreamError(f"{path}: neither JSON nor YAML: {exc}") from exc
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3"):
        raise UpstreamError(f"{path}: not an OpenAPI 3 document (no 'openapi: 3.x' at the top)")
    if not isinstance(data.get("paths"), dict):
        raise UpstreamError(f"{path}: an OpenAPI document without 'paths'")
    return data


@dataclass(frozen=True)
class Base:
    """A path prefix of one family of one release."""

    prefix: str
    family: str
    release: str
    # From a file's own paths (one of HubSpot's dated spellings), not from openapi/releases.yaml.
    learned: bool = False


# v4's spellings, known whatever the table says.
V4_BASES = (
    ("/crm/v4/objects", "objects"),
    ("/crm/v4/associations", "associations"),
    ("/crm/associations/v4", "associations"),
    ("/crm/v3/limits/associations", "limits"),
)
_RELEASE = r"(?P<release>\d{4}-\d{2}(?:-beta)?)"
# HubSpot's dated spellings of each family, recognised in a file's paths.
SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"/crm/objects/{_RELEASE}(?=/|$)"), "objects"),
    (re.compile(rf"/crm/associations/{_RELEASE}(?=/|$)"), "associations"),
    (re.compile(rf"/crm/limits/{_RELEASE}/associations(?=/|$)"), "limits"),
)
# Roots of HubSpot's Limits Tracking API: outside their associations part, out of scope.
_LIMITS_ROOT = re.compile(r"/crm/(?:v3/limits|limits/\d{4}-\d{2}(?:-beta)?)(?=/|$)")
# Under an objects base, the only calls in scope: a record's associations.
_RECORD_ASSOCIATIONS = re.compile(r"/\{\}/\{\}/associations(?=/|$)")
_DATED = re.compile(r"\d{4}-\d{2}")


def _table(root: Path) -> dict[str, Any]:
    table: dict[str, Any] = yaml.safe_load((root / TABLE).read_text(encoding="utf-8"))
    return table


def _longest_first(bases: Iterable[Base]) -> list[Base]:
    return sorted(bases, key=lambda base: -len(base.prefix))


def table_bases(root: Path = ROOT, table: dict[str, Any] | None = None) -> list[Base]:
    """Every path prefix of openapi/releases.yaml (or of ``table``, read from it) and v4's, with
    family and release, longest first; a prefix two rows share belongs to the first."""
    found = {prefix: Base(prefix, family, "v4") for prefix, family in V4_BASES}
    for name, release in (table or _table(root))["releases"].items():
        spelled = [(release["object_base"], "objects")]
        spelled += [(base, "associations") for base in release["association_bases"]]
        if release.get("limits_base"):
            spelled.append((release["limits_base"], "limits"))
        for prefix, family in spelled:
            found.setdefault(prefix, Base(prefix, family, name))
    return _longest_first(found.values())


def base_of(path: str, bases: Sequence[Base]) -> Base | None:
    """The base ``path`` lies under (bases longest first), or None."""
    for base in bases:
        if path == base.prefix or path.startswith(base.prefix + "/"):
            return base
    return None


def learn_bases(
    upstreams: Sequence[tuple[str, dict[str, Any]]], known: Sequence[Base]
) -> list[Base]:
    """The bases the documents' paths spell in one of HubSpot's dated spellings, where no known
    base covers them (a release with no row, or a family its row leaves out)."""
    learned: dict[str, Base] = {}
    for _, data in upstreams:
        for path in data.get("paths") or {}:
            if base_of(path, known) is not None:
                continue
            for pattern, family in SPELLINGS:
                match = pattern.match(path)
                if match:
                    prefix = match.group(0)
                    learned.setdefault(prefix, Base(prefix, family, match["release"], True))
                    break
    return _longest_first(learned.values())


def families(bases: Sequence[Base]) -> list[tuple[str, str]]:
    """(prefix, family) of each base, as ``normalise`` takes them."""
    return [(base.prefix, base.family) for base in bases]


def path_bases(root: Path = ROOT) -> list[tuple[str, str]]:
    """Every release's path prefixes with their family, longest first."""
    return families(table_bases(root))


def normalise(path: str, bases: Sequence[tuple[str, str]]) -> str:
    """A family-independent key for a path: base prefix replaced, parameter names dropped."""
    family, rest = "other:", path
    for prefix, name in bases:
        if path == prefix or path.startswith(prefix + "/"):
            family, rest = f"{name}:", path[len(prefix) :]
            break
    return family + _PARAM.sub("{}", rest)


class Document:
    """An OpenAPI document with $ref resolution that keeps track of where each node lives."""

    def __init__(self, data: dict[str, Any], name: str) -> None:
        self.data = data
        self.name = name

    def resolve(self, node: Any, loc: Loc) -> tuple[Any, Loc]:
        """Follow local $refs until a node without one; its value and location."""
        for _ in range(20):
            if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
                return node, loc
            ref: str = node["$ref"]
            if not ref.startswith("#/"):
                return {}, loc
            parts = tuple(p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/"))
            node, loc = self.data, ()
            for part in parts:
                node = node.get(part, {}) if isinstance(node, dict) else {}
                loc = (*loc, part)
        return {}, loc

    def type_of(self, schema: Any) -> str:
        """The schema's type as text: ``integer(int32)``, ``string | null``, ``A | B``."""
        schema, _ = self.resolve(schema, ())
        if not isinstance(schema, dict):
            return "any"
        for key in ("anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                return " | ".join(sorted({self._member(m) for m in schema[key]}))
        if isinstance(schema.get("allOf"), list):
            return "allOf(" + ", ".join(self._member(m) for m in schema["allOf"]) + ")"
        kind = schema.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        names = [str(k) for k in kinds if k not in (None, "null")]
        if not names:
            names = ["object" if "properties" in schema else "any"]
        if schema.get("format"):
            names = [f"{n}({schema['format']})" for n in names]
        if schema.get("nullable") is True or "null" in kinds:
            names.append("null")
        return " | ".join(names)

    def _member(self, member: Any) -> str:
        if isinstance(member, dict) and isinstance(member.get("$ref"), str):
            return str(member["$ref"]).rsplit("/", 1)[-1]
        return self.type_of(member)


@dataclass(frozen=True)
class Operation:
    """One operation of a document, with where it lives."""

    doc: Document
    method: str
    path: str
    node: dict[str, Any]

    @property
    def loc(self) -> Loc:
        """The operation's location in its document."""
        return ("paths", self.path, self.method)

    @property
    def title(self) -> str:
        """``PUT /path (operationId)``."""
        return f"{self.method.upper()} {self.path} ({self.node.get('operationId', '?')})"


def operations(doc: Document, bases: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Operation]:
    """The document's operations by (method, normalised path)."""
    found: dict[tuple[str, str], Operation] = {}
    for path, item in doc.data["paths"].items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if isinstance(item.get(method), dict):
                found[(method, normalise(path, bases))] = Operation(doc, method, path, item[method])
    return found


# ---- overlay attribution -----------------------------------------------------------------------


def _summary(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", first)[0].rstrip(".")
    return sentence if len(sentence) <= 100 else sentence[:99] + "…"


def _enum_values(node: Any, loc: Loc) -> Iterator[Loc]:
    """``…/enum/VALUE`` for every enum value inside a node that an action adds or removes."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "enum" and isinstance(value, list):
                yield from ((*loc, "enum", str(v)) for v in value)
            else:
                yield from _enum_values(value, (*loc, str(key)))


def _update_leaves(node: Any, update: Any, loc: Loc) -> Iterator[Loc]:
    """The places an update changes: it merges into mappings key by key, appends to lists."""
    if isinstance(node, dict) and isinstance(update, dict):
        for key, value in update.items():
            if key in node:
                yield from _update_leaves(node[key], value, (*loc, str(key)))
            else:
                yield (*loc, str(key))
                yield from _enum_values(value, (*loc, str(key)))
    elif isinstance(node, list) and loc[-1:] == ("enum",):
        yield loc
        yield from ((*loc, str(v)) for v in (update if isinstance(update, list) else [update]))
    else:
        yield loc


def _action_touches(document: dict[str, Any], source: str, action: Action) -> Iterator[Touch]:
    summary = _summary(action.description)
    for match in _ENV.finditer(action.target, document):
        loc = tuple(str(part) for part in match.parts)
        if action.remove:
            for removed in (loc, *_enum_values(match.obj, loc)):
                yield Touch(source, action.index, summary, removed)
            continue
        for leaf in _update_leaves(match.obj, action.update, loc):
            yield Touch(source, action.index, summary, leaf)


def overlay_touches(root: Path = ROOT) -> list[Touch]:
    """Replay the overlays over the base spec, recording every node each action touches."""
    document = yaml.safe_load((root / BASE_SPEC).read_text(encoding="utf-8"))
    touches: list[Touch] = []
    for path in overlay_paths(root):
        overlay = load_overlay(path)
        for action in overlay.actions:
            touches.extend(_action_touches(document, overlay.source, action))
            apply_overlay(document, Overlay(overlay.source, overlay.title, (action,)))
    return touches


def attribute(disagreements: list[Disagreement], touches: list[Touch]) -> None:
    """Mark each disagreement with the overlay actions whose touched node contains it."""
    for item in disagreements:
        item.accounted = [
            touch
            for touch in touches
            if any(
                c == touch.loc if item.exact else c[: len(touch.loc)] == touch.loc
                for c in item.candidates
            )
        ]


# ---- comparison --------------------------------------------------------------------------------


def _with_keys(locs: Sequence[Loc], keys: Sequence[str]) -> tuple[Loc, ...]:
    return tuple((*loc, key) for loc in locs for key in keys)


class Comparison:
    """Compare the operations of one upstream document with the curated spec's."""

    def __init__(self, curated: Document) -> None:
        self.curated = curated
        self.found: list[Disagreement] = []
        self._seen: set[tuple[str, Loc]] = set()
        self._compared: set[tuple[Loc, Loc, str]] = set()
        self._operation = ""
        self.upstream = curated

    def add(
        self, where: str, detail: str, candidates: Sequence[Loc], key: Loc = (), exact: bool = False
    ) -> None:
        """Record a disagreement once (by detail and place), under the operation being compared."""
        seen = (detail, key or candidates[0])
        if seen in self._seen:
            return
        self._seen.add(seen)
        found = Disagreement(self._operation, where, detail, tuple(candidates), exact=exact)
        self.found.append(found)

    def missing(self, title: str, side: str, loc: Loc) -> None:
        """Record an operation found on one side only."""
        self._operation = title
        self.add("operation", f"only {side}", [loc])

    def operation(self, upstream: Operation, curated: Operation) -> None:
        """Compare one operation: parameters, request body, responses."""
        self._operation = curated.title
        self.upstream = upstream.doc
        self._parameters(upstream, curated)
        self._request_body(upstream, curated)
        self._responses(upstream, curated)

    # -- parameters

    def _params(self, op: Operation) -> dict[tuple[str, str], tuple[dict[str, Any], Loc]]:
        names = [m[1:-1] for m in _PARAM.findall(op.path)]
        item = op.doc.data["paths"][op.path]
        found: dict[tuple[str, str], tuple[dict[str, Any], Loc]] = {}
        for base, raw in (
            (("paths", op.path, "parameters"), item.get("parameters")),
            ((*op.loc, "parameters"), op.node.get("parameters")),
        ):
            for index, entry in enumerate(raw if isinstance(raw, list) else []):
                param, loc = op.doc.resolve(entry, (*base, str(index)))
                if not isinstance(param, dict):
                    continue
                name, where = str(param.get("name")), str(param.get("in"))
                if where == "path" and name in names:
                    name = f"#{names.index(name) + 1}"
                found[(where, name)] = (param, loc)
        return found

    def _parameters(self, upstream: Operation, curated: Operation) -> None:
        ups, curs = self._params(upstream), self._params(curated)
        for key in sorted(set(ups) | set(curs)):
            up, cur = ups.get(key), curs.get(key)
            label = f"parameter {(cur or up or ({}, ()))[0].get('name')} ({key[0]})"
            if up is None or cur is None:
                side = "curated" if up is None else "upstream"
                loc = cur[1] if cur else (*curated.loc, "parameters")
                self.add(label, f"only in {side}", [loc])
                continue
            if bool(up[0].get("required")) != bool(cur[0].get("required")):
                required = (bool(up[0].get("required")), bool(cur[0].get("required")))
                detail = f"required: upstream {required[0]} vs curated {required[1]}"
                self.add(label, detail, [(*cur[1], "required")])
            self.schema(
                up[0].get("schema", {}), cur[0].get("schema", {}), (*cur[1], "schema"), label, 0
            )

    # -- bodies

    @staticmethod
    def _content_schema(body: Any) -> Any:
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        media = "application/json" if "application/json" in content else next(iter(content))
        entry = content[media]
        return entry.get("schema", {}) if isinstance(entry, dict) else {}

    def _body(self, up: Any, cur: Any, cur_loc: Loc, title: str) -> None:
        cur_body, cur_loc = self.curated.resolve(cur, cur_loc)
        up_schema = self._content_schema(self.upstream.resolve(up, ())[0])
        cur_schema = self._content_schema(cur_body)
        if (up_schema is None) != (cur_schema is None):
            side = "curated" if up_schema is None else "upstream"
            self.add(title, f"a body only in {side}", [(*cur_loc, "content")])
            return
        if up_schema is None:
            return
        media = (
            "application/json"
            if "application/json" in cur_body["content"]
            else next(iter(cur_body["content"]))
        )
        loc = (*cur_loc, "content", media, "schema")
        ref = cur_schema.get("$ref") if isinstance(cur_schema, dict) else None
        name = str(ref).rsplit("/", 1)[-1] if ref else title
        self.schema(up_schema, cur_schema, loc, name, 0)

    def _request_body(self, upstream: Operation, curated: Operation) -> None:
        up, cur = upstream.node.get("requestBody"), curated.node.get("requestBody")
        loc = (*curated.loc, "requestBody")
        if up is None and cur is None:
            return
        if up is None or cur is None:
            side = "curated" if up is None else "upstream"
            self.add("requestBody", f"only in {side}", [loc])
            return
        self._body(up, cur, loc, "requestBody")

    def _responses(self, upstream: Operation, curated: Operation) -> None:
        ups = {str(k): v for k, v in (upstream.node.get("responses") or {}).items()}
        curs = {str(k): v for k, v in (curated.node.get("responses") or {}).items()}
        real = {str(k): k for k in (curated.node.get("responses") or {})}
        for status in sorted(set(ups) | set(curs)):
            loc = (*curated.loc, "responses", status)
            if status not in ups or status not in curs:
                side = "curated" if status not in ups else "upstream"
                self.add("responses", f"status {status} only in {side}", [loc])
            elif status.startswith("2"):
                self._body(ups[status], curs[real[status]], loc, f"response {status}")

    # -- schemas

    def schema(self, up: Any, cur: Any, cur_loc: Loc, where: str, depth: int) -> None:
        """Compare two schemas recursively: type, enum, properties, required, items."""
        up_r, up_rloc = self.upstream.resolve(up, ())
        cur_r, cur_rloc = self.curated.resolve(cur, cur_loc)
        if depth > MAX_DEPTH or not isinstance(up_r, dict) or not isinstance(cur_r, dict):
            return
        pair = (up_rloc or (where,), cur_rloc, self.upstream.name)
        if up_rloc and pair in self._compared:
            return
        self._compared.add(pair)
        locs = tuple(dict.fromkeys((cur_loc, cur_rloc)))
        up_type, cur_type = self.upstream.type_of(up_r), self.curated.type_of(cur_r)
        if up_type != cur_type:
            detail = f"upstream {up_type} vs curated {cur_type}"
            self.add(where, detail, _with_keys(locs, TYPE_KEYS), key=cur_rloc)
            return
        self._enum(up_r, cur_r, locs, where)
        self._composition(up_r, cur_r, cur_rloc, where, depth)
        if isinstance(up_r.get("items"), dict) and isinstance(cur_r.get("items"), dict):
            self.schema(
                up_r["items"], cur_r["items"], (*cur_rloc, "items"), f"{where}[]", depth + 1
            )
        self._properties(up_r, cur_r, cur_rloc, where, depth)

    def _enum(
        self, up: dict[str, Any], cur: dict[str, Any], locs: Sequence[Loc], where: str
    ) -> None:
        if "enum" not in up and "enum" not in cur:
            return
        if "enum" not in up or "enum" not in cur:
            side = "curated" if "enum" not in up else "upstream"
            self.add(where, f"enum only in {side}", _with_keys(locs, ("enum", "$ref")), locs[-1])
            return
        up_values = [str(v) for v in up["enum"] or []]
        cur_values = [str(v) for v in cur["enum"] or []]
        for value, side in [(v, "upstream") for v in up_values if v not in cur_values] + [
            (v, "curated") for v in cur_values if v not in up_values
        ]:
            candidates = [(*loc, "enum", value) for loc in locs]
            self.add(where, f"enum value {value} only in {side}", candidates, locs[-1], exact=True)

    def _composition(
        self, up: dict[str, Any], cur: dict[str, Any], cur_loc: Loc, where: str, depth: int
    ) -> None:
        for key in ("anyOf", "oneOf", "allOf"):
            ups, curs = up.get(key), cur.get(key)
            if isinstance(ups, list) and isinstance(curs, list) and len(ups) == len(curs):
                for index, (a, b) in enumerate(zip(ups, curs, strict=True)):
                    self.schema(
                        a, b, (*cur_loc, key, str(index)), f"{where}<{key}[{index}]>", depth + 1
                    )

    def _properties(
        self, up: dict[str, Any], cur: dict[str, Any], cur_loc: Loc, where: str, depth: int
    ) -> None:
        up_props: dict[str, Any] = (
            up["properties"] if isinstance(up.get("properties"), dict) else {}
        )
        cur_props: dict[str, Any] = (
            cur["properties"] if isinstance(cur.get("properties"), dict) else {}
        )
        for name in sorted(set(up_props) | set(cur_props)):
            loc = (*cur_loc, "properties", name)
            if name not in up_props or name not in cur_props:
                side = "curated" if name not in up_props else "upstream"
                self.add(f"{where}.{name}", f"property only in {side}", [loc])
                continue
            self.schema(up_props[name], cur_props[name], loc, f"{where}.{name}", depth + 1)
        up_req, cur_req = set(up.get("required") or []), set(cur.get("required") or [])
        if up_req != cur_req:
            parts = (
                [f"upstream adds {', '.join(sorted(up_req - cur_req))}"] if up_req - cur_req else []
            )
            parts += (
                [f"upstream lacks {', '.join(sorted(cur_req - up_req))}"]
                if cur_req - up_req
                else []
            )
            self.add(where, "required: " + "; ".join(parts), [(*cur_loc, "required")])


def diff_documents(
    upstreams: Sequence[tuple[str, dict[str, Any]]],
    curated: dict[str, Any],
    touches: list[Touch],
    bases: Sequence[tuple[str, str]],
) -> list[Disagreement]:
    """Every disagreement between the upstream documents (together) and the curated spec."""
    cur_doc = Document(curated, "curated")
    cur_ops = operations(cur_doc, bases)
    up_ops: dict[tuple[str, str], list[Operation]] = {}
    for name, data in upstreams:
        for key, op in operations(Document(data, name), bases).items():
            up_ops.setdefault(key, []).append(op)
    comparison = Comparison(cur_doc)
    for key in sorted(set(cur_ops) | set(up_ops)):
        cur_op, found = cur_ops.get(key), up_ops.get(key, [])
        if cur_op is None:
            for op in found:
                comparison.missing(f"{op.title} [in {op.doc.name}]", "upstream", op.loc)
        elif not found:
            comparison.missing(cur_op.title, "in curated", cur_op.loc)
        for op in found:
            if cur_op is not None:
                comparison.operation(op, cur_op)
    attribute(comparison.found, touches)
    return comparison.found


def _compact(item: Disagreement, group: Sequence[Disagreement]) -> str:
    """Statuses one side lacks for the same reason share a line (error statuses come in sevens)."""
    match = re.fullmatch(r"status (\S+) (only .*)", item.detail)
    if item.where != "responses" or match is None:
        return item.line()
    same = [
        other.detail.split()[1]
        for other in group
        if other.where == "responses"
        and other.detail.endswith(match.group(2))
        and [t.label for t in other.accounted] == [t.label for t in item.accounted]
    ]
    if len(same) == 1:
        return item.line()
    merged = Disagreement(
        item.operation, item.where, f"statuses {', '.join(same)} {match.group(2)}", ()
    )
    merged.accounted = item.accounted
    return merged.line()


@dataclass(frozen=True)
class OutOfScope:
    """An upstream operation outside the project's scope: listed, never compared."""

    title: str
    reason: str

    def line(self) -> str:
        """One line of the report."""
        return f"  - {self.title}: {self.reason}"


@dataclass
class Report:
    """What upstream-diff found: one note per release (its families, what it was compared with),
    the disagreements of the operations in scope, and the operations out of scope."""

    notes: list[str] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    out_of_scope: list[OutOfScope] = field(default_factory=list)

    @property
    def unaccounted(self) -> int:
        """How many disagreements no overlay explains."""
        return sum(1 for item in self.disagreements if not item.accounted)


def render(
    disagreements: Sequence[Disagreement],
    names: Sequence[str],
    out_of_scope: Sequence[OutOfScope] = (),
    notes: Sequence[str] = (),
) -> str:
    """The report: the notes, disagreements grouped by operation, the operations out of scope,
    then a summary count."""
    lines: list[str] = [*notes, ""] if notes else []
    groups: dict[str, list[Disagreement]] = {}
    for item in disagreements:
        groups.setdefault(item.operation, []).append(item)
    for title, items in groups.items():
        lines.append(title)
        lines.extend(dict.fromkeys(_compact(item, items) for item in items))
        lines.append("")
    if out_of_scope:
        lines.append(f"Out of scope (not compared, never unaccounted; see {__name__}):")
        lines.extend(item.line() for item in out_of_scope)
        lines.append("")
    unaccounted = sum(1 for item in disagreements if not item.accounted)
    lines.append(
        f"{len(disagreements)} disagreement(s) between {', '.join(names)} and the curated spec "
        f"of each operation's release ({CURATED_SPEC}; dated releases: {STRICT_DIR}/): "
        f"{len(disagreements) - unaccounted} accounted for by overlays, {unaccounted} unaccounted; "
        f"{len(out_of_scope)} operation(s) out of scope"
    )
    return "\n".join(lines)


def release_bases(root: Path = ROOT) -> list[tuple[str, str]]:
    """Every path prefix with the release it belongs to, longest first."""
    return [(base.prefix, base.release) for base in table_bases(root)]


def release_of(path: str, bases: Sequence[tuple[str, str]]) -> str:
    """The release whose path family ``path`` is in (v4 for a path of no known family)."""
    for prefix, release in bases:
        if path == prefix or path.startswith(prefix + "/"):
            return release
    return "v4"


def out_of_scope(path: str, bases: Sequence[tuple[str, str]]) -> str | None:
    """Why an operation at ``path`` is outside the project (see the module's docstring), or None
    when it is in scope. ``bases``: (prefix, family), longest first."""
    family, _, rest = normalise(path, bases).partition(":")
    if family == "objects" and not _RECORD_ASSOCIATIONS.match(rest):
        return "CRM objects API (not a record's associations)"
    if family == "other" and _LIMITS_ROOT.match(path):
        return "Limits Tracking API outside its associations part"
    return None


def by_release(
    upstreams: Sequence[tuple[str, dict[str, Any]]], bases: Sequence[tuple[str, str]]
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Each upstream document split into one part per release its paths belong to."""
    parts: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, data in upstreams:
        paths: dict[str, dict[str, Any]] = {}
        for path, item in (data.get("paths") or {}).items():
            paths.setdefault(release_of(path, bases), {})[path] = item
        for release, chosen in paths.items():
            parts.setdefault(release, []).append((name, {**data, "paths": chosen}))
    return parts


def _to_curated(
    found: list[Disagreement],
    spec: dict[str, Any],
    curated: dict[str, Any],
    bases: Sequence[tuple[str, str]],
) -> None:
    """Move each disagreement's places from a release's spec to the curated spec (where the
    overlays act), matching operations on method and normalised path."""
    curated_paths = {normalise(path, bases): path for path in curated["paths"]}
    moved = {
        path: curated_paths[key]
        for path in spec["paths"]
        if (key := normalise(path, bases)) in curated_paths
    }
    for item in found:
        item.candidates = tuple(
            ("paths", moved.get(loc[1], loc[1]), *loc[2:]) if loc[:1] == ("paths",) else loc
            for loc in item.candidates
        )


def split_scope(
    upstreams: Sequence[tuple[str, dict[str, Any]]], bases: Sequence[tuple[str, str]]
) -> tuple[list[tuple[str, dict[str, Any]]], list[OutOfScope]]:
    """Each document with only its paths in scope, and the operations of the others."""
    kept: list[tuple[str, dict[str, Any]]] = []
    outside: list[OutOfScope] = []
    for name, data in upstreams:
        paths: dict[str, Any] = {}
        for path, item in (data.get("paths") or {}).items():
            reason = out_of_scope(path, bases)
            if reason is None:
                paths[path] = item
                continue
            for method in METHODS:
                node = item.get(method) if isinstance(item, dict) else None
                if isinstance(node, dict):
                    title = f"{method.upper()} {path} ({node.get('operationId', '?')})"
                    outside.append(OutOfScope(f"{title} [in {name}]", reason))
        kept.append((name, {**data, "paths": paths}))
    return kept, outside


def closest_release(name: str, rows: Iterable[str]) -> str:
    """The release of the table that a release without a row is compared with: the same date
    (a ``-beta``), else the latest dated release before it, else the earliest after, else v4."""
    dated = sorted(row for row in rows if _DATED.fullmatch(row))
    date = name.removesuffix("-beta")
    before = [row for row in dated if row <= date]
    after = [row for row in dated if row > date]
    return before[-1] if before else after[0] if after else "v4"


def _spec_for(
    release: str, table: dict[str, Any], specs: dict[str, dict[str, Any]]
) -> tuple[str, dict[str, Any], str]:
    """(the release ``release`` is compared with, its spec, where that spec comes from)."""
    rows = table["releases"]
    against = release if release == "v4" or release in rows else closest_release(release, rows)
    if against == "v4":
        return against, specs["v4"], f"{CURATED_SPEC} (tolerant)"
    if against in specs:
        return against, specs[against], f"{STRICT_DIR}/{against}.yaml"
    spec = strict_spec(specs["v4"], table, against)
    return against, spec, f"the strict spec its row in {TABLE} makes (`make generate` not run yet)"


def _note(
    release: str,
    documents: Sequence[tuple[str, dict[str, Any]]],
    bases: Sequence[Base],
    table: dict[str, Any],
    compared: tuple[str, str],
) -> str:
    """One line: which release the documents' paths are, their families, what they meet."""
    names = ", ".join(dict.fromkeys(name for name, _ in documents))
    hit = [base_of(path, bases) for _, data in documents for path in data["paths"]]
    used = list(dict.fromkeys(base for base in hit if base is not None))
    spelled = ", ".join(f"{base.family} {base.prefix}" for base in used) or "no known family"
    against, source = compared
    if release != "v4" and release not in table["releases"]:
        note = (
            f"{names}: no row in {TABLE} for {release}: path family learned from the file "
            f"({spelled}); compared with the closest release in the table, {against} ({source}): "
            f"a disagreement on statuses is a field where {release}'s row differs from {against}'s"
        )
    else:
        note = f"{names}: release {release} ({spelled}), compared with {source}"
        learned = [base.prefix for base in used if base.learned]
        if learned:
            note += f"; {', '.join(learned)} not in its row of {TABLE}: learned from the file"
    unknown = hit.count(None)
    if unknown:
        note += f"; {unknown} path(s) in no known family, each reported as only upstream"
    return note


def compare(
    upstreams: Sequence[tuple[str, dict[str, Any]]],
    specs: dict[str, dict[str, Any]],
    touches: list[Touch],
    root: Path = ROOT,
) -> Report:
    """Compare the upstream documents' operations in scope, each with the curated spec of its
    release (``specs``: release name to spec; v4's is openapi/curated.yaml); list the others."""
    table = _table(root)
    known = table_bases(root, table)
    bases = _longest_first([*known, *learn_bases(upstreams, known)])
    pairs = families(bases)
    kept, outside = split_scope(upstreams, pairs)
    report = Report(out_of_scope=outside)
    parts = by_release(kept, [(base.prefix, base.release) for base in bases])
    for release, documents in sorted(parts.items()):
        against, spec, source = _spec_for(release, table, specs)
        report.notes.append(_note(release, documents, bases, table, (against, source)))
        items = diff_documents(documents, copy.deepcopy(spec), [], pairs)
        _to_curated(items, spec, specs["v4"], pairs)
        if release != "v4":
            label = release if against == release else f"{release} vs {against}"
            for item in items:
                item.operation = f"[{label}] {item.operation}"
        attribute(items, touches)
        report.disagreements += items
    return report


def diff_releases(
    upstreams: Sequence[tuple[str, dict[str, Any]]],
    specs: dict[str, dict[str, Any]],
    touches: list[Touch],
    root: Path = ROOT,
) -> list[Disagreement]:
    """Every disagreement of the upstream documents' operations in scope, each operation compared
    with the curated spec of its own release (``specs``: release name to spec; v4's is
    openapi/curated.yaml)."""
    return compare(upstreams, specs, touches, root).disagreements


def release_specs(root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """The curated spec of every release: v4's, and each dated release's strict spec."""
    specs = {"v4": yaml.safe_load((root / CURATED_SPEC).read_text(encoding="utf-8"))}
    for path in sorted((root / STRICT_DIR).glob("*.yaml")):
        if path.stem != "v4":
            specs[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return specs


def main(files: Sequence[str], root: Path = ROOT) -> int:
    """Compare the files with the curated spec of each one's release and print the report; the
    exit status."""
    try:
        upstreams = [(name, load_document(Path(name))) for name in files]
    except UpstreamError as exc:
        print(f"upstream-diff: {exc}", file=sys.stderr)
        return 2
    report = compare(upstreams, release_specs(root), overlay_touches(root), root)
    names = [name for name, _ in upstreams]
    print(render(report.disagreements, names, report.out_of_scope, report.notes))
    return 1 if report.unaccounted else 0
