"""Reading HubSpot's OpenAPI files for upstream-diff: the document, its $refs and its types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Document", "Loc", "UpstreamError", "load_document"]

# A place in a document: the keys from its root.
Loc = tuple[str, ...]


class UpstreamError(Exception):
    """An upstream file cannot be read, or is not an OpenAPI 3 document."""


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
