"""Object and association calls mixed in process against a plain model, on every release: every
association of an archived, merged or GDPR-deleted record is gone or moved, both directions, and
the association calls, batch reads and object reads with ``?associations=`` agree with the model
after every step."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from hubspot_associations_emulator import create_app


def spec(type_id: int) -> dict[str, Any]:
    """An association spec."""
    return {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}


def test_merge_keeps_the_primary_records_primary_company() -> None:
    """A merge keeps the primary record's primary company and makes the merged record's a plain
    association (HubSpot's changelog); a primary record without one takes the merged record's."""

    async def scenario() -> None:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app()),
            base_url="http://emulator",
            headers={"Authorization": "Bearer emulator-token"},
        ) as c:

            async def make(kind: str, *primary_of: str) -> str:
                links = [{"to": {"id": k}, "types": [spec(1)]} for k in primary_of]
                r = await c.post(f"/crm/v3/objects/{kind}", json={"associations": links})
                assert r.status_code == 201, r.text
                return str(r.json()["id"])

            async def companies(contact: str) -> dict[str, list[int]]:
                r = await c.get(f"/crm/v4/objects/contact/{contact}/associations/company")
                return {o["toObjectId"]: sorted(t["typeId"] for t in o["associationTypes"])
                        for o in r.json()["results"]}  # fmt: skip

            k1, k2 = await make("companies"), await make("companies")
            a, b, alone = (
                await make("contacts", k1),
                await make("contacts", k2),
                await make("contacts"),
            )
            merge = {"primaryObjectId": a, "objectIdToMerge": b}
            assert (await c.post("/crm/v3/objects/contacts/merge", json=merge)).status_code == 200
            assert await companies(a) == {k1: [1, 279], k2: [279]}
            r = await c.get(f"/crm/v4/objects/company/{k2}/associations/contact")
            assert r.json()["results"] == [
                {
                    "toObjectId": a,
                    "associationTypes": [
                        {"category": "HUBSPOT_DEFINED", "typeId": 280, "label": None}
                    ],
                }
            ]
            merge = {"primaryObjectId": alone, "objectIdToMerge": a}
            assert (await c.post("/crm/v3/objects/contacts/merge", json=merge)).status_code == 200
            assert await companies(alone) == {k1: [1, 279], k2: [279]}

    asyncio.run(scenario())
