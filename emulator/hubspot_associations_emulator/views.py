"""Every wire shape: backend results in HubSpot's JSON (field names exactly as published), the
batch envelope, cursors, timestamps, and the JSON encoding of every answer."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from . import errors, parsing
from .catalog import AssociationType, display_labels
from .results import (
    DefaultAssociation,
    LabelsBetween,
    LabelUsage,
    Limit,
    LimitStatus,
    Page,
    RecordLimitsUsage,
    RecordPage,
    RecordUsage,
)

JSON = dict[str, Any]
# How record IDs go out: str (as HubSpot documents them) or int (--numeric-ids, as it sends them).
FormatId = Callable[[int], int | str]

try:
    import orjson

    def dumps(value: Any) -> bytes:
        """Encode JSON (orjson when installed)."""
        return orjson.dumps(value)
except ImportError:  # pragma: no cover - orjson is optional
    import json

    def dumps(value: Any) -> bytes:
        """Encode JSON (orjson when installed)."""
        return json.dumps(value, separators=(",", ":")).encode()


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON answer."""
    return Response(dumps(body), status_code=status, media_type="application/json")


def error_response(exc: errors.ApiError) -> Response:
    """A HubSpot-shaped error answer."""
    return json_response(exc.body(), exc.status)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HubSpot writes timestamps."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


# -- the batch envelope -------------------------------------------------------------------------


def batch_envelope(
    results: list[Any],
    started: datetime,
    completed: datetime,
    failed: Sequence[errors.ApiError] = (),
) -> JSON:
    """BatchResponse…: status, results, startedAt, completedAt, then errors and numErrors when
    some inputs failed. Also the body of a void call (batch archive, purge) on the releases that
    answer one (``results`` empty)."""
    body: JSON = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso(started),
        "completedAt": iso(completed),
    }
    if failed:
        body["errors"] = [e.standard_error() for e in failed]
        body["numErrors"] = len(failed)
    return body


# -- associations -------------------------------------------------------------------------------


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


def multi_associated_object(to_id: int, types: list[AssociationType], fmt_id: FormatId) -> JSON:
    """MultiAssociatedObjectWithLabel: one associated record and its types."""
    return {
        "toObjectId": fmt_id(to_id),
        "associationTypes": [spec_with_label(t) for t in types],
    }


def associations_page(page: Page, fmt_id: FormatId, link_base: str, limit: int) -> JSON:
    """CollectionResponseMultiAssociatedObjectWithLabelForwardPaging (list_associations).

    ``link_base`` is the request's URL without its query: the next link repeats it.
    """
    body: JSON = {"results": [multi_associated_object(i, ts, fmt_id) for i, ts in page.items]}
    if page.next_after is not None:
        cursor = encode_after(page.next_after)
        link = f"{link_base}?after={cursor}&limit={limit}"
        body["paging"] = {"next": {"after": cursor, "link": link}}
    return body


def batch_read_result(found: RecordPage, fmt_id: FormatId) -> JSON:
    """PublicAssociationMultiWithLabel: one input of batch/read (its cursor without a link)."""
    page = found.page
    item: JSON = {
        "from": {"id": str(found.from_id)},
        "to": [multi_associated_object(i, ts, fmt_id) for i, ts in page.items],
    }
    if page.next_after is not None:
        item["paging"] = {"next": {"after": encode_after(page.next_after)}}
    return item


def default_association(r: DefaultAssociation, category: str) -> JSON:
    """PublicDefaultAssociation: one unlabeled association of a default call."""
    return {
        "from": {"id": str(r.from_id)},
        "to": {"id": str(r.to_id)},
        "associationSpec": {"associationCategory": category, "associationTypeId": r.type_id},
    }


def labels_between(r: LabelsBetween, fmt_id: FormatId) -> JSON:
    """LabelsBetweenObjectPair."""
    return {
        "fromObjectTypeId": r.from_type,
        "fromObjectId": fmt_id(r.from_id),
        "toObjectTypeId": r.to_type,
        "toObjectId": fmt_id(r.to_id),
        "labels": r.labels,
    }


def created_labels_between(entity: JSON, from_id: int, to_id: int, location: str) -> JSON:
    """The labelled PUT's wrapped answer of earlier v4 releases (``labelled_put: wrapped``)."""
    return {"createdResourceId": f"{from_id}-{to_id}", "entity": entity, "location": location}


# -- the high-usage report ----------------------------------------------------------------------


def report_record(
    from_type: str, from_id: int, to_type: str, type_id: int, count: int, limit: int
) -> JSON:
    """One record of a report's content: a record near a limit of one association type."""
    return {
        "fromObjectTypeId": from_type,
        "fromObjectId": str(from_id),
        "toObjectTypeId": to_type,
        "typeId": type_id,
        "count": count,
        "limit": limit,
    }


def report_content(user_id: int, user_email: str, enqueued: datetime, records: list[JSON]) -> JSON:
    """A queued report's content, as stored and as GET /_emulator/reports lists it."""
    return {
        "userId": user_id,
        "userEmail": user_email,
        "enqueueTime": iso(enqueued),
        "records": records,
    }


def report_answer(content: JSON, form: str) -> JSON:
    """ReportCreationResponse: ``enqueueTime`` as the ISO string or (``form`` object) HubSpot's
    DateTime object ``{value, dateOnly, timeZoneShift}``."""
    enqueued: Any = content["enqueueTime"]
    if form == "object":
        moment = datetime.strptime(str(enqueued), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        enqueued = {
            "value": int(moment.timestamp() * 1000),
            "dateOnly": False,
            "timeZoneShift": 0,
        }
    return {"userEmail": content["userEmail"], "userId": content["userId"], "enqueueTime": enqueued}


# -- limits -------------------------------------------------------------------------------------


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


# -- limits usage -------------------------------------------------------------------------------


def percentage(usage: int, limit: int) -> float:
    """Usage as a percentage of the limit (0 to 100, past 100 only when over the limit)."""
    return 100 * usage / limit if limit else 0.0


def limits_object_type(type_id: str) -> JSON:
    """LimitsObjectType: an object type with its display names."""
    singular, plural = display_labels(type_id)
    return {"objectTypeId": type_id, "singularLabel": singular, "pluralLabel": plural}


def label_limit(u: LabelUsage) -> JSON:
    """AssociationLabelLimit: one direction's custom-label usage."""
    return {
        "fromObjectType": limits_object_type(u.from_type),
        "toObjectType": limits_object_type(u.to_type),
        "limit": u.limit,
        "usage": u.usage,
        "percentage": percentage(u.usage, u.limit),
        "allLabels": u.labels,
    }


def record_limit_status(s: LimitStatus) -> JSON:
    """ObjectTypeRecordLimitStatus: an object type and whether records are near or at a limit."""
    return {
        **limits_object_type(s.type_id),
        "hasRecordsNearLimit": s.near,
        "hasRecordsAtLimit": s.at,
    }


def record_display_name(type_id: str, record_id: int) -> str:
    """A sample's ``label``: the record's display name, "<singular label> <ID>" ("Contact 17")."""
    return f"{display_labels(type_id)[0]} {record_id}"


def record_limits_usage(u: RecordLimitsUsage, fmt_id: FormatId) -> JSON:
    """AssociationRecordLimitUsage: one pair's record limit and the records near or at it."""

    def sample(r: RecordUsage) -> JSON:
        return {"objectId": fmt_id(r.from_id), "label": record_display_name(u.from_type, r.from_id)}

    return {
        "limit": u.limit,
        "totalRecordsNearLimit": u.near_total,
        "totalRecordsAtLimit": u.at_total,
        "nearLimitFromRecordSamples": [
            {**sample(r), "usage": r.usage, "percentage": percentage(r.usage, r.limit)}
            for r in u.near
        ],
        "atLimitFromRecordSamples": [sample(r) for r in u.at],
    }
