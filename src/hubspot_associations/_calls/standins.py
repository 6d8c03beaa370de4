"""What the facade does where a release lacks a call: a record's page through batch/read.

HubSpot's 2026-09 release has no list call; batch/read of one record answers the same items (up
to 500 per page, with its own cursor). ``limit`` still caps the page: the stand-in cursor carries
HubSpot's cursor and an offset into HubSpot's page. Cursors are opaque and belong to one release:
a v4 cursor is refused here, and this cursor means nothing to v4.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Final

from hubspot_associations_api.models import (
    AssociatedRecord,
    AssociatedRecordPage,
    ForwardPaging,
    NextPage,
    Paging,
)

from .._exceptions import ClientValidationError
from .._versions import RELEASES, Release

__all__ = ["decode_cursor", "next_after", "page_from_batch_read", "require_offered"]

_PREFIX: Final = "hsa1."


def encode_cursor(hubspot_after: str | None, offset: int) -> str:
    """Our cursor: HubSpot's batch/read cursor and an offset into that page."""
    raw = json.dumps({"a": hubspot_after, "o": offset}, separators=(",", ":")).encode()
    return _PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(after: str | None, release: str) -> tuple[str | None, int]:
    """(HubSpot's cursor, offset) from our cursor; None means the first page."""
    if after is None:
        return None, 0
    problem = ClientValidationError(
        f"after={after!r} is not a cursor of this client for release {release}: cursors are "
        "opaque and belong to one release; pass the paging.next_.after of a page read with the "
        "same api_version"
    )
    if not after.startswith(_PREFIX):
        raise problem
    body = after[len(_PREFIX) :]
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        hubspot_after, offset = data["a"], data["o"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise problem from None
    if not (hubspot_after is None or isinstance(hubspot_after, str)) or not (
        isinstance(offset, int) and offset >= 0
    ):
        raise problem
    return hubspot_after, offset


def page_from_batch_read(
    answer: Any, hubspot_after: str | None, offset: int, limit: int
) -> AssociatedRecordPage:
    """The list call's page, cut from a batch/read answer for one record."""
    results = list(getattr(answer, "results", None) or [])
    items: list[AssociatedRecord] = list(results[0].to) if results else []
    page = items[offset : offset + limit]
    following: str | None = None
    if offset + limit < len(items):
        following = encode_cursor(hubspot_after, offset + limit)
    elif results:
        hubspot_next = next_after(results[0].paging)
        if hubspot_next is not None:
            following = encode_cursor(hubspot_next, 0)
    paging: ForwardPaging | None = None
    if following is not None:
        paging = ForwardPaging(next_=NextPage(after=following))
    return AssociatedRecordPage(results=page, paging=paging)


def next_after(paging: ForwardPaging | Paging | None) -> str | None:
    """The cursor of the next page, or None on the last page (HubSpot leaves paging out)."""
    if paging is None or paging.next_ is None:
        return None
    return paging.next_.after


def require_offered(release: Release, operation_id: str) -> None:
    """Refuse, before sending, an operation the release lacks, naming where it exists."""
    if release.offers(operation_id):
        return
    elsewhere = [name for name, other in RELEASES.items() if other.offers(operation_id)]
    where = f"; it exists in {', '.join(elsewhere)}" if elsewhere else ""
    raise ClientValidationError(
        f"HubSpot's {release.name} release has no {operation_id}{where}. Use a client with "
        "another api_version for it, or see the README's release table for what this "
        "release offers instead"
    )
