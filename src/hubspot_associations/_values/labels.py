"""Custom labels: name rules, and the two typeIds of a paired label with their directions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._exceptions import ClientValidationError
from .._numbers import LABEL_TEXT_MAX
from .ids import describe_value

__all__ = ["CustomLabel", "LabelPair", "check_label_text", "label_pair", "validate_label_name"]

_NAME = re.compile(r"^[^0-9-][^-]*$")


def validate_label_name(name: str) -> str:
    """A label's internal name: not empty, no hyphens, no leading digit (HubSpot's rules), and
    text as a wording is (``check_label_text``)."""
    if not isinstance(name, str) or not name.strip():
        raise ClientValidationError("a label needs a name (its internal name, e.g. 'manager_of')")
    check_label_text("name", name)
    if "-" in name:
        raise ClientValidationError(
            f"label name {name!r} contains a hyphen, which HubSpot refuses; use '_' instead"
        )
    if name[0] in "0123456789":
        raise ClientValidationError(
            f"label name {name!r} starts with a digit, which HubSpot refuses; start with a letter"
        )
    if not _NAME.match(name):
        raise ClientValidationError(f"label name {name!r} is not allowed by HubSpot")
    return name


def check_label_text(argument: str, text: object) -> str:
    """``text`` if it may be a label's wording (``label``, ``inverse_label``) or internal name,
    else ClientValidationError naming ``argument``, what is wrong and what to do.

    The rules are inferred (HubSpot publishes none; the emulator follows the same): not empty nor
    only whitespace, no control character (C0, tab and line breaks included, or DEL), at most
    LABEL_TEXT_MAX characters (openapi/numbers.yaml says why that number).
    """
    if not isinstance(text, str):
        raise ClientValidationError(
            f"{argument} must be a string (the label's text), got {describe_value(text)}"
        )
    if not text.strip():
        raise ClientValidationError(
            f"{argument} {text!r} is empty or only whitespace: give the text people see in "
            "HubSpot, e.g. 'Decision maker'"
        )
    bad = next((i for i, c in enumerate(text) if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        raise ClientValidationError(
            f"{argument} {describe_value(text)} contains the control character "
            f"U+{ord(text[bad]):04X} at index {bad}, which a label may not hold: remove it "
            "(a label is one line of printable text, without tabs or line breaks)"
        )
    if len(text) > LABEL_TEXT_MAX:
        raise ClientValidationError(
            f"{argument} {describe_value(text)} is {len(text):,} characters long; a label holds "
            f"at most {LABEL_TEXT_MAX}: shorten it"
        )
    return text


@dataclass(frozen=True)
class CustomLabel:
    """One direction of a custom label: its typeId, text and the object types it goes between."""

    type_id: int
    label: str | None
    from_object: str
    to_object: str
    category: str = "USER_DEFINED"


@dataclass(frozen=True)
class LabelPair:
    """A label as created: the typeId of each direction (they differ; use the right one)."""

    forward: CustomLabel
    inverse: CustomLabel | None
    paired: bool = False


def label_pair(
    created: Sequence[Any], from_object: str, to_object: str, label: str, inverse_label: str | None
) -> LabelPair:
    """Both typeIds of a label from the create (or labels list) answer, each with its direction.

    ``created`` holds generated ``AssociationSpecWithLabel`` models or plain dicts with
    ``category``, ``typeId`` and ``label`` as on the wire.

    HubSpot returns the types of both directions without saying which is which; the forward one
    carries ``label`` and the inverse one ``inverse_label``.
    """
    entries = sorted((_entry(item) for item in created), key=lambda e: e[0])
    # When both directions carry the same text, HubSpot made the forward one first (lower typeId).
    forward = next((e for e in entries if e[1] == label), entries[0] if entries else None)
    if forward is None:
        raise ClientValidationError("the create answer listed no association types")
    rest = [e for e in entries if e is not forward]
    wanted = inverse_label if inverse_label is not None else label
    match = next((e for e in rest if e[1] == wanted), rest[0] if rest else None)
    inverse = CustomLabel(match[0], match[1], to_object, from_object, match[2]) if match else None
    first = CustomLabel(forward[0], forward[1], from_object, to_object, forward[2])
    return LabelPair(first, inverse, paired=inverse_label is not None)


def _entry(item: Any) -> tuple[int, str | None, str]:
    if isinstance(item, dict):
        type_id, text, category = item.get("typeId"), item.get("label"), item.get("category")
    else:
        type_id, text, category = item.type_id, item.label, item.category
    if type_id is None:
        raise ClientValidationError(f"an association type without a typeId: {item!r}")
    category = getattr(category, "value", category)
    return int(type_id), text if isinstance(text, str) else None, str(category or "USER_DEFINED")
