"""CRM object types by name (singular or plural, any case) or by type ID (0-1, 2-123…)."""

from __future__ import annotations

import difflib
import re
from typing import Final

from .._association_types import ALL_ASSOCIATION_TYPES
from .._exceptions import ClientValidationError

__all__ = [
    "OBJECT_TYPE_IDS",
    "canonical_object_type",
    "normalize_object_type",
    "object_type_id",
    "plural_name",
    "require_object_type_id",
]

# HubSpot's object type IDs. The first block is confirmed by HubSpot's guide; the second is widely
# documented but not re-checked here.
OBJECT_TYPE_IDS: Final[dict[str, str]] = {
    "contact": "0-1",
    "company": "0-2",
    "deal": "0-3",
    "ticket": "0-5",
    "call": "0-48",
    "communication": "0-18",
    "cart": "0-142",
    "course": "0-410",
    "appointment": "0-421",
    "product": "0-7",
    "line_item": "0-8",
    "quote": "0-14",
    "note": "0-46",
    "meeting": "0-47",
    "email": "0-49",
    "task": "0-27",
}
_PLURALS: Final = {
    "contacts": "contact",
    "companies": "company",
    "deals": "deal",
    "tickets": "ticket",
    "calls": "call",
    "communications": "communication",
    "carts": "cart",
    "courses": "course",
    "appointments": "appointment",
    "products": "product",
    "line_items": "line_item",
    "quotes": "quote",
    "notes": "note",
    "meetings": "meeting",
    "emails": "email",
    "tasks": "task",
}
_TYPE_ID = re.compile(r"^\d+-\d+$")
# Custom objects are also reached by name: p_cars, or the fully qualified p12345_cars.
_CUSTOM_NAME = re.compile(r"^p\d*_[a-z0-9_]+$")


def plural_name(name: str) -> str:
    """The plural of an object type's name (company → companies), as HubSpot spells it."""
    if name.endswith("y"):
        return name[:-1] + "ies"
    return name + ("es" if name.endswith(("s", "x")) else "s")


# Every object type HubSpot's own association table names is a valid path segment too.
_TABLE_OBJECTS: Final = frozenset(
    {t.from_object for t in ALL_ASSOCIATION_TYPES} | {t.to_object for t in ALL_ASSOCIATION_TYPES}
)
_KNOWN_NAMES: Final = frozenset(
    set(OBJECT_TYPE_IDS)
    | set(_PLURALS)
    | _TABLE_OBJECTS
    | {plural_name(name) for name in _TABLE_OBJECTS}
)


def normalize_object_type(value: str) -> str:
    """The object type as a path segment: a known name lower-cased, or a type ID as given."""
    if not isinstance(value, str):
        raise ClientValidationError(
            f"an object type is a name like 'contact' or an ID like '0-1', got {value!r}"
        )
    text = value.strip()
    if _TYPE_ID.match(text):
        return text
    lowered = text.lower()
    if lowered in _KNOWN_NAMES or _CUSTOM_NAME.match(lowered):
        return lowered
    close = difflib.get_close_matches(lowered, sorted(_KNOWN_NAMES), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ClientValidationError(
        f"{value!r} is not an object type this client knows: use a name (contact, companies, "
        "deal …), a type ID (0-1, 0-2, 2-123 for custom objects) or a custom object's name "
        f"(p_cars, p12345_cars).{hint}"
    )


def object_type_id(value: str) -> str | None:
    """The type ID (0-1 …) of a name or ID, or None for a custom object named by name."""
    text = normalize_object_type(value)
    if _TYPE_ID.match(text):
        return text
    lowered = text.lower()
    return OBJECT_TYPE_IDS.get(_PLURALS.get(lowered, lowered))


def canonical_object_type(value: str) -> str:
    """One spelling per object type (contacts, Contact, 0-1 → contact), for naming jobs."""
    type_id = object_type_id(value)
    names = [name for name, known in OBJECT_TYPE_IDS.items() if known == type_id]
    return names[0] if names else normalize_object_type(value)


def require_object_type_id(value: str, what: str) -> str:
    """The type ID of a standard object's name or of any ``0-N``/``2-N`` ID; a custom object given
    by name is refused, since the calls that take type IDs (limits usage) cannot resolve it."""
    type_id = object_type_id(value)
    if type_id is None:
        raise ClientValidationError(
            f"{what} takes object type IDs: {value!r} is a custom object (or an object type this "
            "client has no ID for) given by name. Pass its type ID instead, e.g. '2-123' (Settings "
            "> Objects > Custom Objects shows it, or GET /crm/v3/schemas)."
        )
    return type_id
