"""Request parsing and validation: raw JSON and path segments in, plain Python values out.

Every malformed input becomes a 400 with a message naming the field, never a 500.
"""

from __future__ import annotations

import re
from typing import Any

from . import errors
from .catalog import (
    NAME_BY_ID,
    is_custom_type_id,
    is_standard_type_id,
    object_label,
    resolve_object_type,
)
from .numbers import BATCH_READ_MAX, PAGE_MAX

try:
    import orjson

    def loads(data: bytes) -> Any:
        """Decode JSON (orjson when installed)."""
        return orjson.loads(data)

    _DecodeError: type[Exception] = orjson.JSONDecodeError
except ImportError:  # pragma: no cover - orjson is optional
    import json

    def loads(data: bytes) -> Any:
        """Decode JSON (orjson when installed)."""
        return json.loads(data)

    _DecodeError = ValueError

MAX_ID = 2**63 - 1
MAX_INT32 = 2**31 - 1
MAX_READ_INPUTS = BATCH_READ_MAX
CATEGORIES = frozenset({"HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK"})
Spec = tuple[str, int]
# ASCII only: str.isdigit() takes '²' (on which int() raises) and int() takes '١٢٣' and '１２３';
# HubSpot refuses all three. And int() raises past 4,300 digits, hence the length check.
_INTEGER = re.compile(r"-?[0-9]+")
# Past any range checked here (int64 has 19 digits), yet small enough to build without parsing.
_SATURATED = 10**20
_MAX_DIGITS = 20


def ascii_int(text: str) -> int | None:
    """The integer written in ASCII digits (optional minus), saturated at ±10**20; else None."""
    if not _INTEGER.fullmatch(text):
        return None
    negative = text.startswith("-")
    digits = text.lstrip("-").lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return -_SATURATED if negative else _SATURATED
    number = int(digits or "0")
    return -number if negative else number


def json_body(data: bytes) -> Any:
    """The decoded body; 400 when it is empty or not JSON."""
    if not data.strip():
        raise errors.validation("Invalid input JSON: the request body is empty")
    try:
        return loads(data)
    except (_DecodeError, UnicodeDecodeError, ValueError) as exc:
        raise errors.validation(f"Invalid input JSON: {exc}") from None


def obj(value: Any, where: str) -> dict[str, Any]:
    """A JSON object, or 400 naming where one was expected."""
    if not isinstance(value, dict):
        raise errors.validation(f"Invalid input JSON: {where} must be an object")
    return value


def field(value: dict[str, Any], name: str, where: str) -> Any:
    """A required member, or 400 naming it."""
    if name not in value or value[name] is None:
        raise errors.missing_fields(f"{where}.{name}" if where else name)
    return value[name]


def array(value: Any, where: str) -> list[Any]:
    """A JSON array, or 400 naming where one was expected."""
    if not isinstance(value, list):
        raise errors.validation(f"Invalid input JSON: {where} must be an array")
    return value


def integer(value: Any, where: str, *, int32: bool = True) -> int:
    """A 32-bit JSON integer (or a string of digits), or 400 naming the field.

    Every integer field of these bodies is an int32 in HubSpot's schemas (typeIds, limits): a
    larger number is malformed input for the whole request, not one failed input.
    """
    if isinstance(value, bool):
        raise errors.validation(f"Invalid input JSON: {where} must be an integer")
    parsed = ascii_int(value.strip()) if isinstance(value, str) else None
    if isinstance(value, int):
        number = value
    elif parsed is not None:
        number = parsed
    else:
        raise errors.validation(f"Invalid input JSON: {where} must be an integer")
    if int32 and not -MAX_INT32 - 1 <= number <= MAX_INT32:
        raise errors.validation(f"Invalid input JSON: {where} must be a 32-bit integer")
    return number


def text(value: Any, where: str) -> str:
    """A JSON string, or 400 naming the field."""
    if not isinstance(value, str):
        raise errors.validation(f"Invalid input JSON: {where} must be a string")
    return value


def record_id(value: Any, object_type: str) -> int:
    """A record ID: a positive integer, sent as a string or a number; else INVALID_OBJECT_IDS."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        # A minus sign is refused along with every other non-positive value just below.
        number = ascii_int(value) or 0
    else:
        number = 0
    if not 0 < number <= MAX_ID:
        raise errors.invalid_object_ids([f"{object_label(object_type)}={value} is not valid"])
    return number


def ref(value: Any, where: str, object_type: str) -> int:
    """A PublicObjectId ``{"id": ...}``."""
    return record_id(field(obj(value, where), "id", where), object_type)


def category(value: Any, where: str) -> str:
    """An AssociationCategory."""
    name = text(value, where)
    if name not in CATEGORIES:
        raise errors.validation(
            f"Invalid input JSON: {where} must be one of {', '.join(sorted(CATEGORIES))}"
        )
    return name


def spec(value: Any, where: str) -> Spec:
    """An AssociationSpec ``{"associationCategory", "associationTypeId"}``."""
    item = obj(value, where)
    return (
        category(field(item, "associationCategory", where), f"{where}.associationCategory"),
        integer(field(item, "associationTypeId", where), f"{where}.associationTypeId"),
    )


def specs(value: Any, where: str) -> list[Spec]:
    """An array of AssociationSpec (empty: only the unlabeled association, or nothing to remove)."""
    items = array(value, where)
    return [spec(item, f"{where}[{i}]") for i, item in enumerate(items)]


def inputs(body: Any) -> list[Any]:
    """The ``inputs`` array of a batch body."""
    return array(field(obj(body, "body"), "inputs", ""), "inputs")


class _Slow(Exception):
    """Raised by the fast paths: let the field-by-field parser find and name the problem."""


def _fast_id(value: Any) -> int:
    # Longer strings (out of range, or leading zeros) are left to record_id, which never raises.
    if value.__class__ is str and len(value) <= 19 and value.isdigit() and value.isascii():
        number = int(value)
    elif value.__class__ is int:
        number = value
    else:
        raise _Slow
    if 0 < number <= MAX_ID:
        return number
    raise _Slow


_FAST_ERRORS = (_Slow, KeyError, TypeError, AttributeError)


def _fast_pairs(items: list[Any]) -> list[tuple[int, int]]:
    out = []
    for item in items:
        if item.__class__ is not dict:
            raise _Slow
        out.append((_fast_id(item["from"]["id"]), _fast_id(item["to"]["id"])))
    return out


def _fast_posts(items: list[Any]) -> list[tuple[int, int, list[Spec]]]:
    out = []
    for item in items:
        types = item["types"]
        if item.__class__ is not dict or types.__class__ is not list:
            raise _Slow
        found = []
        for t in types:
            name, number = t["associationCategory"], t["associationTypeId"]
            if name not in CATEGORIES or number.__class__ is not int or abs(number) > MAX_INT32:
                raise _Slow
            found.append((name, number))
        out.append((_fast_id(item["from"]["id"]), _fast_id(item["to"]["id"]), found))
    return out


def default_pairs(body: Any, from_type: str, to_type: str) -> list[tuple[int, int]]:
    """BatchInputPublicDefaultAssociationMultiPost."""
    items = inputs(body)
    try:
        # Well-formed bodies (nearly all) skip the per-field calls that name errors.
        return _fast_pairs(items)
    except _FAST_ERRORS:
        pass
    out = []
    for i, item in enumerate(items):
        where = f"inputs[{i}]"
        o = obj(item, where)
        out.append(
            (
                ref(field(o, "from", where), f"{where}.from", from_type),
                ref(field(o, "to", where), f"{where}.to", to_type),
            )
        )
    return out


def multi_posts(body: Any, from_type: str, to_type: str) -> list[tuple[int, int, list[Spec]]]:
    """BatchInputPublicAssociationMultiPost."""
    items = inputs(body)
    try:
        return _fast_posts(items)
    except _FAST_ERRORS:
        pass
    out = []
    for i, item in enumerate(items):
        where = f"inputs[{i}]"
        o = obj(item, where)
        out.append(
            (
                ref(field(o, "from", where), f"{where}.from", from_type),
                ref(field(o, "to", where), f"{where}.to", to_type),
                specs(field(o, "types", where), f"{where}.types"),
            )
        )
    return out


def multi_archives(body: Any, from_type: str, to_type: str) -> list[tuple[int, list[int]]]:
    """BatchInputPublicAssociationMultiArchive."""
    out = []
    for i, item in enumerate(inputs(body)):
        where = f"inputs[{i}]"
        o = obj(item, where)
        tos = array(field(o, "to", where), f"{where}.to")
        out.append(
            (
                ref(field(o, "from", where), f"{where}.from", from_type),
                [ref(t, f"{where}.to[{j}]", to_type) for j, t in enumerate(tos)],
            )
        )
    return out


def fetches(body: Any, from_type: str) -> list[tuple[int, str | None]]:
    """BatchInputPublicFetchAssociationsBatchRequest, at most 1,000 inputs."""
    items = inputs(body)
    if len(items) > MAX_READ_INPUTS:
        raise errors.validation(
            f"Too many inputs: {len(items)}; batch read accepts at most {MAX_READ_INPUTS}",
            context={"inputs": [str(len(items))]},
        )
    out = []
    for i, item in enumerate(items):
        where = f"inputs[{i}]"
        o = obj(item, where)
        after = o.get("after")
        out.append(
            (
                record_id(field(o, "id", where), from_type),
                None if after is None else text(after, f"{where}.after"),
            )
        )
    return out


def limit_inputs(body: Any) -> list[tuple[str, int, int]]:
    """Limit create or update inputs ``{category, typeId, maxToObjectIds}``."""
    out = []
    for i, item in enumerate(inputs(body)):
        where = f"inputs[{i}]"
        o = obj(item, where)
        # Range-checked just below, with a message that gives the allowed range.
        max_to = integer(field(o, "maxToObjectIds", where), f"{where}.maxToObjectIds", int32=False)
        if not 1 <= max_to <= MAX_INT32:
            raise errors.validation(
                f"Invalid input JSON: {where}.maxToObjectIds must be between 1 and {MAX_INT32}"
            )
        out.append(
            (
                category(field(o, "category", where), f"{where}.category"),
                integer(field(o, "typeId", where), f"{where}.typeId"),
                max_to,
            )
        )
    return out


def purge_inputs(body: Any) -> list[tuple[str, int]]:
    """Purge inputs ``{category, typeId}``."""
    out = []
    for i, item in enumerate(inputs(body)):
        where = f"inputs[{i}]"
        o = obj(item, where)
        out.append(
            (
                text(field(o, "category", where), f"{where}.category"),
                integer(field(o, "typeId", where), f"{where}.typeId"),
            )
        )
    return out


def page_limit(raw: str | None, default: int = PAGE_MAX, maximum: int = PAGE_MAX) -> int:
    """The ``limit`` query parameter: 1..maximum (PAGE_MAX, 500, for association pages)."""
    if raw is None:
        return default
    value = ascii_int(raw) or 0
    if not 1 <= value <= maximum:
        raise errors.validation(
            f"limit must be between 1 and {maximum}, got {raw}", context={"limit": [raw]}
        )
    return value


def object_type_id(value: str, where: str) -> str:
    """An object type ID (``0-1``, ``2-123``), as the limits usage calls take them: a name such as
    ``contacts`` is a 400 VALIDATION_ERROR saying an ID is expected (and which one it names); an
    ID-shaped standard type the catalog lacks (``0-999``) is an unknown object type."""
    if value in NAME_BY_ID or is_custom_type_id(value):
        return value
    if is_standard_type_id(value):
        raise errors.unknown_object_type(value)
    try:
        named = resolve_object_type(value)
    except errors.ApiError:
        hint = ""
    else:
        hint = f" ({value} is {named})"
    raise errors.validation(
        f"{where} must be an object type ID such as 0-1 or 2-123, got '{value}'{hint}",
        context={where: [value]},
    )


def only(o: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """400 naming the first key of ``o`` that is not allowed (a typo would otherwise be ignored)."""
    unknown = sorted(set(o) - set(allowed))
    if unknown:
        raise errors.validation(
            f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(allowed)})",
            context={"unknownFields": unknown},
        )
