"""Rendering: backend results in HubSpot's wire shapes (field names exactly as published)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from . import errors, parsing
from .backend import BatchOutcome, Limit, iso
from .catalog import AssociationType

JSON = dict[str, Any]


def spec_with_label(t: AssociationType) -> JSON:
    """AssociationSpecWithLabel."""
    return {"category": t.category, "typeId": t.type_id, "label": t.label}


def encode_after(to_id: int) -> str:
    """An opaque cursor for the record after which the next page starts."""
    return base64.urlsafe_b64encode(str(to_id).encode()).decode().rstrip("=")


def decode_after(after: str | None) -> int:
    """The record ID inside a cursor; 400 for a cursor we did not make."""
    if not after:
        return 0
    try:
        raw = base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)).decode()
        number = None if raw.startswith("-") else parsing.ascii_int(raw)
        if number is not None and number < 2**63:
            return number
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise errors.validation(f"Invalid after cursor: {after}", context={"after": [after]})


def batch(
    outcome: BatchOutcome[Any], results: list[Any], started: datetime, done: datetime
) -> JSON:
    """A BatchResponse…, with errors and numErrors when some inputs failed."""
    body: JSON = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso(started),
        "completedAt": iso(done),
    }
    if outcome.errors:
        body["errors"] = [e.standard_error() for e in outcome.errors]
        body["numErrors"] = len(outcome.errors)
    return body


def user_configuration(limit: Limit) -> JSON:
    """PublicAssociationDefinitionUserConfiguration."""
    return {
        "category": limit.type.category,
        "typeId": limit.type.type_id,
        "userEnforcedMaxToObjectIds": limit.max_to,
        "label": limit.type.label,
    }


def update_result(limit: Limit) -> JSON:
    """PublicAssociationDefinitionConfigurationUpdateResult."""
    return {
        "category": limit.type.category,
        "typeId": limit.type.type_id,
        "userEnforcedMaxToObjectIds": limit.max_to,
    }
