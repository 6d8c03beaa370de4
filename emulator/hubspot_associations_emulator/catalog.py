"""Object types and HubSpot-defined association types, read from ``association_table`` (generated
from the repository's openapi/association-types.csv)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .association_table import HUBSPOT_DEFINED
from .errors import unknown_object_type

# Type IDs of the standard objects. The first group is in HubSpot's guide; the rest are widely
# documented but not re-checked here. Table rows naming an object missing here are skipped.
OBJECT_TYPE_IDS: dict[str, str] = {
    "contact": "0-1",
    "company": "0-2",
    "deal": "0-3",
    "ticket": "0-5",
    "communication": "0-18",
    "call": "0-48",
    "cart": "0-142",
    "course": "0-410",
    "appointment": "0-421",
    "product": "0-7",
    "line_item": "0-8",
    "quote": "0-14",
    "feedback_submission": "0-19",
    "task": "0-27",
    "note": "0-46",
    "meeting": "0-47",
    "email": "0-49",
    "invoice": "0-53",
    "marketing_event": "0-54",
    "quote_template": "0-64",
    "subscription": "0-69",
    "discount": "0-84",
    "fee": "0-85",
    "tax": "0-86",
    "payment": "0-101",
    "user": "0-115",
    "postal_mail": "0-116",
    "order": "0-123",
    "lead": "0-136",
    "service": "0-162",
    "listing": "0-420",
}
_IRREGULAR_PLURALS = {"company": "companies", "tax": "taxes", "service": "services"}
# [0-9], not \d: \d also matches non-ASCII digits such as '١', which are no type ID.
_CUSTOM = re.compile(r"2-[0-9]{1,18}")
_STANDARD = re.compile(r"0-[0-9]{1,6}")

NAME_BY_ID: dict[str, str] = {v: k for k, v in OBJECT_TYPE_IDS.items()}
_LOOKUP: dict[str, str] = {}
for _name, _tid in OBJECT_TYPE_IDS.items():
    _LOOKUP[_name] = _tid
    _LOOKUP[_IRREGULAR_PLURALS.get(_name, _name + "s")] = _tid
    _LOOKUP[_tid] = _tid


def plural(name: str) -> str:
    """A standard object's plural name (``company`` → ``companies``), as paths and scopes say it."""
    return _IRREGULAR_PLURALS.get(name, name + "s")


def resolve_object_type(text: str) -> str:
    """The type ID ("0-1", "2-123") named by a path segment: a name, a plural or an ID."""
    found = _LOOKUP.get(text) or _LOOKUP.get(text.lower())
    if found is not None:
        return found
    if _CUSTOM.fullmatch(text):
        return text
    raise unknown_object_type(text)


def is_custom_type_id(text: str) -> bool:
    """Whether ``text`` is a custom object's type ID (``2-`` and ASCII digits)."""
    return _CUSTOM.fullmatch(text) is not None


def is_standard_type_id(text: str) -> bool:
    """Whether ``text`` has the shape of a standard object's type ID (``0-`` and up to six ASCII
    digits), whether or not the catalog knows that object."""
    return _STANDARD.fullmatch(text) is not None


def type_id_order(type_id: str) -> tuple[int, int]:
    """The sort key of an object type ID: 0-2 before 0-10 before 2-5 (numeric, not text)."""
    kind, _, number = type_id.partition("-")
    return int(kind), int(number)


def display_labels(type_id: str) -> tuple[str, str]:
    """(singular, plural) display names of an object type, as the limits usage calls show them:
    ``Contact``/``Contacts``, ``Line Item``/``Line Items``; a custom object, whose names only its
    schema knows, ``Custom object 2-123``/``Custom objects 2-123`` (inferred, stable)."""
    name = NAME_BY_ID.get(type_id)
    if name is None:
        return f"Custom object {type_id}", f"Custom objects {type_id}"
    plural = _IRREGULAR_PLURALS.get(name, name + "s")
    return _title(name), _title(plural)


def _title(name: str) -> str:
    return " ".join(word.capitalize() for word in name.split("_"))


def object_label(type_id: str) -> str:
    """The upper-case name HubSpot uses in INVALID_OBJECT_IDS entries (CONTACT, COMPANY, 2-123)."""
    name = NAME_BY_ID.get(type_id)
    return name.upper() if name else type_id


def object_name(type_id: str) -> str:
    """The lower-case singular name used in sentences ("No company is associated with deal 1.")."""
    return NAME_BY_ID.get(type_id, type_id).replace("_", " ")


@dataclass(frozen=True, slots=True)
class AssociationType:
    """One directional association type (HubSpot-defined or custom)."""

    type_id: int
    category: str
    from_type: str
    to_type: str
    label: str | None
    inverse_id: int | None
    kind: str  # unlabeled | primary | labeled | custom
    name: str


_HUBSPOT_LABELS = {13: "Child Company", 14: "Parent Company", 702: "Contact Signer"}


def load_hubspot_defined() -> dict[int, AssociationType]:
    """Every row of the table whose two objects we can name, with its inverse type."""
    rows = []
    for name, type_id, from_object, to_object, kind in HUBSPOT_DEFINED:
        from_type = OBJECT_TYPE_IDS.get(from_object)
        to_type = OBJECT_TYPE_IDS.get(to_object)
        if from_type is None or to_type is None:
            continue
        rows.append((type_id, from_type, to_type, kind, name))
    by_key = {(f, t, k): tid for tid, f, t, k, _ in rows if k != "labeled"}
    explicit_inverse = {13: 14, 14: 13}
    types: dict[int, AssociationType] = {}
    for tid, f, t, kind, name in rows:
        if kind == "labeled":
            inverse = explicit_inverse.get(tid)
            label: str | None = _HUBSPOT_LABELS.get(tid, name.replace("_", " ").title())
        else:
            inverse = by_key.get((t, f, kind))
            label = "Primary" if kind == "primary" else None
        types[tid] = AssociationType(tid, "HUBSPOT_DEFINED", f, t, label, inverse, kind, name)
    return types
