"""Comparing schemas for upstream-diff: each pair of matched operations, parameter by parameter,
body by body and schema by schema, and each disagreement marked with the overlay actions that
explain it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from codegen.upstream_files import Document, Loc
from codegen.upstream_matching import PARAM, Operation, operations
from codegen.upstream_overlays import Touch

__all__ = ["Comparison", "Disagreement", "attribute", "diff_documents"]

MAX_DEPTH = 12
# The keys of a schema that together make the type we compare.
TYPE_KEYS = ("type", "format", "nullable", "anyOf", "oneOf", "allOf", "$ref", "items")


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
        names = [m[1:-1] for m in PARAM.findall(op.path)]
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
