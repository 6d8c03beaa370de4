"""Small helpers shared by the emulator tests."""

from __future__ import annotations

import re
from typing import Any

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def without_volatile(body: Any) -> Any:
    """The body with correlationId, startedAt and completedAt checked for shape and removed."""
    if isinstance(body, list):
        return [without_volatile(b) for b in body]
    if not isinstance(body, dict):
        return body
    out = {}
    for key, value in body.items():
        if key == "correlationId":
            assert UUID.fullmatch(value), value
        elif key in ("startedAt", "completedAt"):
            assert ISO.fullmatch(value), value
        else:
            out[key] = without_volatile(value)
    return out


def spec(type_id: int, category: str = "HUBSPOT_DEFINED") -> dict[str, Any]:
    """An AssociationSpec."""
    return {"associationCategory": category, "associationTypeId": type_id}


def types(*entries: tuple[int, str | None], category: str = "HUBSPOT_DEFINED") -> list[Any]:
    """AssociationSpecWithLabel items."""
    return [{"category": category, "typeId": t, "label": label} for t, label in entries]
