"""A user's app, as someone moving off HubSpot's official client would write it.

It calls every facade method of both clients, binds each answer and each field it reads to a
declared type and pins the answers with ``assert_type``; it imports nothing from
``hubspot_associations_api``, never names ``Unset`` and never narrows a type by hand (the wheel
test checks its source for that and runs ``mypy --strict`` on it). One code path for every
HubSpot release and v4 profile: ``run(base_url, token, release)`` returns what it saw.
"""

from __future__ import annotations

import asyncio
import datetime
import sys
from typing import assert_type

from hubspot_associations import (
    AssociatedRecord,
    AssociatedRecordPage,
    AssociationCategory,
    AssociationLabelLimit,
    AssociationLimit,
    AssociationLimitBatch,
    AssociationLimitUpdate,
    AssociationLimitUpdateBatch,
    AssociationRecordLimitUsage,
    AssociationSpecWithLabel,
    AssociationType,
    AsyncHubSpotAssociations,
    BulkFailure,
    BulkResult,
    DefaultAssociation,
    DefaultAssociationBatch,
    EpochTime,
    ForwardPaging,
    HubSpotAssociations,
    LabelsBetweenObjectPair,
    LabelsBetweenObjectPairBatch,
    NextPage,
    ObjectTypeRecordLimitStatus,
    Paging,
    RecordAssociations,
    RecordAssociationsBatch,
    ReportCreationResponse,
    StandardError,
    VoidBatch,
)

CONTACT_TO_COMPANY = AssociationType.CONTACT_TO_COMPANY
PRIMARY = AssociationType.PRIMARY_CONTACT_TO_COMPANY
# A type ID no portal has: the input that fails inside a batch answer (a 207, or a 200).
UNKNOWN_TYPE = ("HUBSPOT_DEFINED", 999_999)


def run(base_url: str, token: str, release: str) -> dict[str, object]:
    """Every call once against ``base_url`` (an emulator), as HubSpot release ``release``."""
    seen: dict[str, object] = {"release": release}
    with HubSpotAssociations(
        token, base_url=base_url, api_version=release, rate_limit=None
    ) as client:
        seen.update(_records(client))
        seen.update(_batches(client))
        seen.update(_labels_and_limits(client))
        seen.update(_bulk(client))
    seen.update(asyncio.run(_async_reads(base_url, token, release)))
    return seen


def _records(client: HubSpotAssociations) -> dict[str, object]:
    made = client.basic.associate_default("contact", 1, "company", 10)
    assert_type(made, DefaultAssociationBatch)
    first: DefaultAssociation = made.results[0]
    pair: tuple[str, str] = (first.from_.id, first.to.id)
    made_errors: list[StandardError] = made.errors

    labelled = client.basic.associate("contact", 1, "company", 11, [PRIMARY])
    assert_type(labelled, LabelsBetweenObjectPair)
    label_names: list[str] = labelled.labels

    page = client.basic.get_page("contact", 1, "company", limit=1)
    assert_type(page, AssociatedRecordPage)
    record: AssociatedRecord = page.results[0]
    to_id: str = record.to_object_id
    spec: AssociationSpecWithLabel = record.association_types[0]
    type_id: int = spec.type_id
    category: AssociationCategory = spec.category
    label: str | None = spec.label
    from_type: str | None = spec.from_object_type_id
    # Manual paging: a page without paging (the last one) has paging None, as does next_.
    paging: ForwardPaging | None = page.paging
    following: NextPage | None = paging.next_ if paging is not None else None
    after: str | None = following.after if following is not None else None
    second = client.basic.get_page("contact", 1, "company", after=after, limit=1)
    everything: list[str] = [r.to_object_id for r in client.basic.iter_all("contact", 1, "company")]
    client.basic.remove("contact", 1, "company", 11)
    return {
        "basic": [
            pair,
            label_names,
            to_id,
            type_id,
            str(category),
            label,
            from_type,
            after is not None,
            len(second.results),
            sorted(everything),
            len(made_errors),
        ],
        "types": [type(made).__name__, type(page).__name__],
    }


def _batches(client: HubSpotAssociations) -> dict[str, object]:
    default = client.batch.associate_default("deal", "contact", [(1, 20), (2, 21)])
    assert_type(default, DefaultAssociationBatch)
    done = client.batch.create("deal", "company", [(1, 30)], [AssociationType.DEAL_TO_COMPANY])
    assert_type(done, LabelsBetweenObjectPairBatch)
    partial = client.batch.create("contact", "company", [(5, 50), (5, 51)], [UNKNOWN_TYPE])
    assert_type(partial, LabelsBetweenObjectPairBatch)
    failed: list[StandardError] = partial.errors
    reason: str | None = failed[0].message if failed else None
    counted: int | None = partial.num_errors
    read = client.batch.read("deal", "contact", [1, 2, 3])
    assert_type(read, RecordAssociationsBatch)
    found: RecordAssociations = read.results[0]
    read_paging: Paging | None = found.paging
    missing: list[StandardError] = read.errors
    iterated: list[str] = [r.from_.id for r in client.batch.iter_read("deal", "contact", [1, 2])]
    unlabelled = client.batch.remove_labels(
        "deal", "company", [(1, 30)], [AssociationType.DEAL_TO_COMPANY]
    )
    assert_type(unlabelled, VoidBatch | None)
    gone = client.batch.remove("deal", "contact", [(2, 21)])
    assert_type(gone, VoidBatch | None)
    gone_errors: list[StandardError] = gone.errors if gone is not None else []
    return {
        "batch": [
            len(default.results),
            [(r.from_object_id, r.to_object_id) for r in done.results],
            len(failed),
            reason is not None,
            counted,
            found.from_.id,
            read_paging is None,
            len(missing),
            sorted(iterated),
            len(gone_errors),
        ],
        "batch_types": sorted({type(a).__name__ for a in (done, partial)}),
        "read_type": type(read).__name__,
    }


def _labels_and_limits(client: HubSpotAssociations) -> dict[str, object]:
    created = client.labels.create(
        "contact", "company", name="app_owner", label="Owner", inverse_label="Owned by"
    )
    assert_type(created, list[AssociationSpecWithLabel])
    owner: int = next(t.type_id for t in created if t.label == "Owner")
    listed: list[AssociationSpecWithLabel] = client.labels.list("contact", "company")
    names: list[str | None] = [t.label for t in listed]
    client.labels.update("contact", "company", type_id=owner, label="Boss", inverse_label="Staff")

    made = client.limits.create("deal", "contact", [(AssociationType.DEAL_TO_CONTACT, 2)])
    assert_type(made, AssociationLimitBatch)
    limit: AssociationLimit = made.results[0]
    maximum: int | None = limit.user_enforced_max_to_object_ids
    changed = client.limits.update("deal", "contact", [(AssociationType.DEAL_TO_CONTACT, 3)])
    assert_type(changed, AssociationLimitUpdateBatch)
    update: AssociationLimitUpdate = changed.results[0]
    new_maximum: int | None = update.user_enforced_max_to_object_ids
    limits: list[AssociationLimit] = client.limits.list("deal", "contact")
    every: list[AssociationLimit] = client.limits.list_all()

    usage: list[AssociationLabelLimit] = client.limits.usage.labels("contacts", "companies")
    used: list[int] = [u.usage for u in usage]
    sources: list[ObjectTypeRecordLimitStatus] = client.limits.usage.record_sources()
    targets: list[ObjectTypeRecordLimitStatus] = client.limits.usage.record_targets("0-3")
    pair = client.limits.usage.records("0-3", "0-1")
    assert_type(pair, AssociationRecordLimitUsage)
    per_record: int = pair.limit

    client.limits.purge("deal", "contact", [AssociationType.DEAL_TO_CONTACT])
    client.labels.delete("contact", "company", owner)

    report = client.report.request(42)
    assert_type(report, ReportCreationResponse)
    # HubSpot sends the time as ISO text on some releases and as an object on others.
    enqueued: datetime.datetime | EpochTime = report.enqueue_time
    return {
        "labels": [
            "Owner" in names,
            maximum,
            new_maximum,
            [c.type_id for c in limits],
            len(every),
            used,
            len(sources),
            len(targets),
            per_record,
            report.user_id,
            type(enqueued).__name__ in {"datetime", "EpochTime"},
        ],
        "limit_types": [type(made).__name__, type(changed).__name__],
    }


def _bulk(client: HubSpotAssociations) -> dict[str, object]:
    pairs = [(100 + i, 900) for i in range(5)]
    created = client.bulk.create("contact", "company", pairs, [CONTACT_TO_COMPANY], batch_size=2)
    assert_type(created, BulkResult[tuple[str, str]])
    default: BulkResult[tuple[str, str]] = client.bulk.associate_default("contact", "deal", pairs)
    read: BulkResult[str] = client.bulk.read("contact", "company", ["100", "101", "999"])
    found: dict[str, list[AssociatedRecord]] = read.associations
    refused = client.bulk.create("contact", "company", [(7, 70)], [UNKNOWN_TYPE])
    failures: list[BulkFailure[tuple[str, str]]] = refused.failed
    status: int | None = failures[0].status_code if failures else None
    unlabelled = client.bulk.remove_labels("contact", "company", pairs, [CONTACT_TO_COMPANY])
    removed = client.bulk.remove("contact", "deal", pairs)
    return {
        "bulk": [
            len(created.succeeded),
            len(default.succeeded),
            sorted(found),
            [len(v) for _, v in sorted(found.items())],
            len(failures),
            status,
            unlabelled.ok,
            removed.ok,
        ],
    }


async def _async_reads(base_url: str, token: str, release: str) -> dict[str, object]:
    async with AsyncHubSpotAssociations(
        token, base_url=base_url, api_version=release, rate_limit=None
    ) as client:
        made = await client.basic.associate_default("contact", 2, "company", 12)
        assert_type(made, DefaultAssociationBatch)
        page = await client.basic.get_page("contact", 2, "company")
        assert_type(page, AssociatedRecordPage)
        iterated = [r.to_object_id async for r in client.basic.iter_all("contact", 2, "company")]
        created = await client.batch.create("contact", "company", [(2, 13)], [CONTACT_TO_COMPANY])
        assert_type(created, LabelsBetweenObjectPairBatch)
        read = await client.batch.read("contact", "company", [2])
        assert_type(read, RecordAssociationsBatch)
        rows: list[str] = [
            r.from_.id async for r in client.batch.iter_read("contact", "company", [2])
        ]
        bulk: BulkResult[str] = await client.bulk.read("contact", "company", ["2"])
        return {
            "async": [
                page.results[0].to_object_id,
                sorted(iterated),
                len(created.results),
                [t.to_object_id for t in read.results[0].to],
                rows,
                sorted(bulk.associations),
            ],
            "async_types": [type(created).__name__, type(read).__name__],
        }


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1], sys.argv[2], sys.argv[3])))
