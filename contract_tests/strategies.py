"""Hypothesis strategies for every request and response body of the curated spec.

A small JSON-schema → Hypothesis builder (hypothesis-jsonschema no longer works with current
Hypothesis). It covers exactly the keywords openapi/curated.yaml uses: ``$ref``, ``anyOf``,
``nullable``, ``enum``, objects with ``required`` / ``properties`` / ``additionalProperties``,
arrays with ``maxItems``, strings with ``pattern`` / ``minLength`` / ``format`` (date-time, uuid),
integers with ``format`` (int32, int64) and ``minimum`` / ``maximum``, and untyped schemas (any
JSON). An unknown keyword raises, so the builder cannot silently drift from the spec.

The module also reads the spec's operations into :data:`OPERATIONS`, so that tests can call every
generated function with arguments and bodies drawn from the same schemas.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import hubspot_associations_api.models as models
import yaml
from hypothesis import strategies as st

__all__ = [
    "ENUMS",
    "INT32",
    "INT64",
    "MODEL_SCHEMAS",
    "OPERATIONS",
    "SPEC",
    "SPEC_PATH",
    "Operation",
    "any_json",
    "call_arguments",
    "from_schema",
    "model_class",
    "model_json",
    "request_body",
    "resolve",
    "response_json",
    "snake_case",
    "status_codes_for",
    "unknown_enum_value",
]

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi" / "curated.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
SCHEMAS: dict[str, dict[str, Any]] = SPEC["components"]["schemas"]

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

# Keywords that describe a schema without constraining what it accepts.
_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "deprecated"})
_HANDLED = frozenset(
    {
        "$ref",
        "anyOf",
        "nullable",
        "enum",
        "type",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "maxItems",
        "pattern",
        "minLength",
        "format",
        "minimum",
        "maximum",
        "default",
    }
)

ENUMS: dict[str, list[str]] = {
    name: list(schema["enum"]) for name, schema in SCHEMAS.items() if "enum" in schema
}
MODEL_SCHEMAS: dict[str, dict[str, Any]] = {
    name: schema for name, schema in SCHEMAS.items() if schema.get("type") == "object"
}


def any_json(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values: scalars, lists and objects nested a few levels."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(*INT64)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=12)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=8), children, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def resolve(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (one level is all the curated spec uses)."""
    ref = schema.get("$ref")
    if ref is None:
        return dict(schema)
    prefix = "#/components/schemas/"
    if not isinstance(ref, str) or not ref.startswith(prefix):
        raise ValueError(f"unsupported $ref {ref!r}")
    return dict(SCHEMAS[ref.removeprefix(prefix)])


def _date_times() -> st.SearchStrategy[str]:
    """RFC 3339 date-times in the two spellings HubSpot sends (``Z`` and ``+00:00``)."""
    moments = st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    )
    return moments.flatmap(
        lambda moment: st.sampled_from(
            [moment.isoformat(), moment.isoformat().replace("+00:00", "Z")]
        )
    )


def from_schema(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """A strategy for JSON values valid against one schema of the curated spec."""
    # Specification extensions (x-…) say nothing about valid values: overlay 60's x-request-body
    # is for the generator.
    unknown = {k for k in set(schema) - _HANDLED - _ANNOTATIONS if not k.startswith("x-")}
    if unknown:
        raise ValueError(f"the strategy builder does not know {sorted(unknown)} in {dict(schema)}")
    if "$ref" in schema:
        return from_schema(resolve(schema))
    strategy = _non_null(schema)
    if schema.get("nullable"):
        strategy = st.none() | strategy
    return strategy


def _non_null(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """The strategy for a schema, ignoring ``nullable``."""
    if "anyOf" in schema:
        return st.one_of([from_schema(option) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    kind = schema.get("type")
    if kind is None:
        return any_json()
    if kind == "object":
        return _object(schema)
    if kind == "array":
        items = from_schema(schema.get("items", {}))
        return st.lists(items, max_size=min(int(schema.get("maxItems", 3)), 3))
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        low, high = INT64 if schema.get("format") == "int64" else INT32
        return st.integers(
            max(low, schema.get("minimum", low)), min(high, schema.get("maximum", high))
        )
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    raise ValueError(f"unsupported type {kind!r}")


def _string(schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    """Strings honouring format, pattern and minLength."""
    fmt = schema.get("format")
    if fmt == "date-time":
        return _date_times()
    if fmt == "uuid":
        return st.uuids().map(str)
    if fmt is not None:
        raise ValueError(f"unsupported string format {fmt!r}")
    if "pattern" in schema:
        pattern = str(schema["pattern"])
        strategy = st.from_regex(pattern, fullmatch=True)
        # `$` also matches before a final newline; keep the values a server would see as clean.
        strategy = strategy.filter(lambda value: "\n" not in value)
        min_size = int(schema.get("minLength", 0))
        return strategy.filter(lambda value: len(value) >= min_size) if min_size else strategy
    return st.text(min_size=int(schema.get("minLength", 0)), max_size=20)


def _object(schema: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with every required property and any subset of the optional ones."""
    properties: dict[str, Any] = dict(schema.get("properties", {}))
    extra = schema.get("additionalProperties")
    if not properties and isinstance(extra, dict):
        return st.dictionaries(st.text(min_size=1, max_size=10), from_schema(extra), max_size=3)
    required = set(schema.get("required", ()))
    missing = required - set(properties)
    if missing:
        raise ValueError(f"required properties without a schema: {sorted(missing)}")
    return st.fixed_dictionaries(
        {name: from_schema(sub) for name, sub in properties.items() if name in required},
        optional={
            name: from_schema(sub) for name, sub in properties.items() if name not in required
        },
    )


def model_json(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects valid against the named component schema."""
    return from_schema(SCHEMAS[name])


def model_class(name: str) -> Any:
    """The generated model class of a component schema."""
    return getattr(models, name)


def unknown_enum_value(enum: str) -> st.SearchStrategy[str]:
    """Values of the shape HubSpot uses for enums that the named enum does not list yet."""
    known = set(ENUMS[enum])
    return st.from_regex(r"[A-Z][A-Z_]{0,20}", fullmatch=True).filter(
        lambda value: value not in known
    )


def snake_case(name: str) -> str:
    """The generator's Python name for a JSON name (fromObjectType → from_object_type)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass(frozen=True)
class Operation:
    """One operation of the curated spec, tied to its generated module."""

    operation_id: str
    tag: str
    method: str
    path: str
    parameters: tuple[dict[str, Any], ...]
    request_schema: dict[str, Any] | None
    responses: dict[str, str | None] = field(default_factory=dict)  # status → schema name

    @property
    def module(self) -> ModuleType:
        """The generated module ``hubspot_associations_api.api.<tag>.<operation_id>``."""
        return importlib.import_module(
            f"hubspot_associations_api.api.{self.tag}.{self.operation_id}"
        )

    @property
    def success_statuses(self) -> list[str]:
        """The documented 2xx statuses."""
        return sorted(status for status in self.responses if status.startswith("2"))


def _schema_name(response: Mapping[str, Any]) -> str | None:
    """The component schema of a response's JSON body (None for no body)."""
    if "$ref" in response:
        name = str(response["$ref"]).rsplit("/", 1)[-1]
        response = SPEC["components"]["responses"][name]
    content = response.get("content")
    if not content:
        return None
    schema = content["application/json"]["schema"]
    # A response of several shapes (the labelled PUT's 200: flat or wrapped) is generated as its
    # first shape; the emulator's profiles play the others end to end.
    ref = schema["$ref"] if "$ref" in schema else schema["anyOf"][0]["$ref"]
    return str(ref).rsplit("/", 1)[-1]


def _parameter(parameter: Mapping[str, Any]) -> dict[str, Any]:
    """A parameter object with its ``$ref`` followed."""
    if "$ref" in parameter:
        return dict(SPEC["components"]["parameters"][str(parameter["$ref"]).rsplit("/", 1)[-1]])
    return dict(parameter)


def _operations() -> list[Operation]:
    """Every operation of the curated spec, in document order."""
    found = []
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody")
            found.append(
                Operation(
                    operation_id=operation["operationId"],
                    tag=operation["tags"][0],
                    method=method.upper(),
                    path=path,
                    parameters=tuple(_parameter(p) for p in operation.get("parameters", ())),
                    request_schema=body["content"]["application/json"]["schema"] if body else None,
                    responses={
                        str(status): _schema_name(response)
                        for status, response in operation["responses"].items()
                    },
                )
            )
    return found


OPERATIONS: list[Operation] = _operations()


def status_codes_for(status: str) -> list[int]:
    """Concrete codes for a documented status key (5XX and default become real codes)."""
    if status == "5XX":
        return [500, 503]
    if status == "default":
        return [422]
    return [int(status)]


def request_body(operation: Operation) -> st.SearchStrategy[Any]:
    """Bodies for the operation's generated function: models (or a list of them) built from valid JSON."""
    if operation.request_schema is None:
        return st.none()
    hint = typing.get_type_hints(operation.module.sync_detailed)["body"]
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        convert: Callable[[Any], Any] = lambda data: [item.from_dict(entry) for entry in data]  # noqa: E731
    else:
        convert = hint.from_dict
    return from_schema(operation.request_schema).map(convert)


def call_arguments(operation: Operation) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments (path and query parameters, body) for the operation's generated function."""
    signature = inspect.signature(operation.module.sync_detailed)
    by_python_name = {snake_case(p["name"]): p for p in operation.parameters}
    arguments: dict[str, st.SearchStrategy[Any]] = {}
    for name in signature.parameters:
        if name == "client":
            continue
        if name == "body":
            arguments[name] = request_body(operation)
        else:
            arguments[name] = from_schema(by_python_name[name]["schema"])
    return st.fixed_dictionaries(arguments)


def response_json(operation: Operation, status: str) -> st.SearchStrategy[Any]:
    """Valid JSON bodies of one documented response (None for a response without a body)."""
    name = operation.responses[status]
    return st.none() if name is None else model_json(name)
