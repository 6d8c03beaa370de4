"""A user's file with per-call options: ``timeout=``, ``extra_headers=``, ``with_options`` and
the raw view, in both clients, every answer pinned with ``assert_type``. The wheel test runs
``mypy --strict`` on it and then runs it against the installed emulator, reading the journal."""

from __future__ import annotations

import asyncio
from typing import assert_type

from hubspot_associations import (
    AssociatedRecordPage,
    AssociationSpecWithLabel,
    AssociationType,
    AsyncHubSpotAssociations,
    BulkResult,
    DefaultAssociationBatch,
    HubSpotAssociations,
    LabelsBetweenObjectPairBatch,
    RawResponse,
)

JOB = {"X-Job-Id": "nightly-42"}


def run(base_url: str, token: str) -> dict[str, object]:
    """Calls with options against ``base_url``; what the raw views showed."""
    seen: dict[str, object] = {}
    with HubSpotAssociations(token, base_url=base_url, rate_limit=None) as client:
        made = client.basic.associate_default(
            "contact", 1, "company", 2, timeout=10.0, extra_headers=JOB
        )
        assert_type(made, DefaultAssociationBatch)
        tagged = client.with_options(timeout=15, extra_headers={"X-Team": "crm"}, max_retries=2)
        assert_type(tagged, HubSpotAssociations)
        done = tagged.bulk.create(
            "contact", "company", [(1, 3), (1, 4)], [AssociationType.CONTACT_TO_COMPANY],
            batch_size=1, extra_headers=JOB,
        )  # fmt: skip
        assert_type(done, BulkResult[tuple[str, str]])
        raw_page = client.with_raw_response(client.basic.get_page)(
            "contact", 1, "company", extra_headers=JOB
        )
        assert_type(raw_page, RawResponse[AssociatedRecordPage])
        status: int = raw_page.status_code
        correlation: str | None = raw_page.correlation_id
        limits: dict[str, int] = raw_page.rate_limits
        page: AssociatedRecordPage = raw_page.parsed
        raw_batch = tagged.with_raw_response(tagged.batch.create)(
            "contact", "company", [(1, 5)], [AssociationType.CONTACT_TO_COMPANY]
        )
        assert_type(raw_batch, RawResponse[LabelsBetweenObjectPairBatch])
        seen["page"] = {
            "status": status,
            "correlation_id": correlation,
            "rate_limits": limits,
            "to": [r.to_object_id for r in page.results],
        }
        seen["batch"] = {
            "status": raw_batch.status_code,
            "correlation_id": raw_batch.correlation_id,
        }
        seen["bulk_done"] = sorted(done.succeeded)
    seen["async_labels"] = asyncio.run(_async(base_url, token))
    return seen


async def _async(base_url: str, token: str) -> dict[str, object]:
    async with AsyncHubSpotAssociations(token, base_url=base_url, rate_limit=None) as client:
        copy = client.with_options(extra_headers=JOB)
        assert_type(copy, AsyncHubSpotAssociations)
        raw = await copy.with_raw_response(copy.labels.list)("contact", "company", timeout=5.0)
        assert_type(raw, RawResponse[list[AssociationSpecWithLabel]])
        return {
            "status": raw.status_code,
            "correlation_id": raw.correlation_id,
            "n": len(raw.parsed),
        }
