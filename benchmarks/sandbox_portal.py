"""A stand-in for a user's sandbox portal: the user's own data on an emulator, and all of it read
back through HubSpot's paths, so that a live contract run can be shown to leave it as it was."""

from __future__ import annotations

from typing import Any

import httpx

TOKEN = "emulator-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
CONTACTS = ("101", "102", "103", "104")
COMPANIES = ("201", "202", "203", "204")
# HUBSPOT_CONTRACT_RECORDS naming them.
RECORDS = f"contact:{','.join(CONTACTS)};company:{','.join(COMPANIES)}"
# The user's data the suite must not touch: a paired label, a primary and a labelled association
# from each named contact to a company that is not named, and a limit.
USER_DATA: dict[str, Any] = {
    "labels": [
        {
            "fromObjectType": "contact",
            "toObjectType": "company",
            "name": "contract_renewal",
            "label": "Contract renewal",
            "inverseLabel": "Renewed by",
        }
    ],
    "associations": [
        association
        for i, contact in enumerate(CONTACTS)
        for association in (
            {
                "fromObjectType": "contact",
                "fromObjectId": contact,
                "toObjectType": "company",
                "toObjectId": str(900 + i),
                # The contact's primary company is not a named record: a run that makes a named
                # company primary takes it away (as HubSpot does) and must give it back.
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
            },
            {
                "fromObjectType": "contact",
                "fromObjectId": contact,
                "toObjectType": "company",
                "toObjectId": str(910 + i),
                "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 1200}],
            },
        )
    ],
    "limits": [
        {
            "fromObjectType": "contact",
            "toObjectType": "company",
            "category": "HUBSPOT_DEFINED",
            "typeId": 279,
            "maxToObjectIds": 50,
        }
    ],
}


def seed_user_data(url: str) -> None:
    """Give the portal the user's own data."""
    httpx.post(f"{url}/_emulator/seed", json=USER_DATA, timeout=30).raise_for_status()


def portal_state(url: str) -> dict[str, Any]:
    """Everything a live run could touch, read through HubSpot's paths: labels of both
    directions (with type IDs), every association of the named and the user's records, and
    every limit."""
    with httpx.Client(base_url=url, headers=HEADERS, timeout=30) as http:

        def results(path: str) -> list[Any]:
            answer = http.get(path, params={"limit": 500})
            answer.raise_for_status()
            return sorted(answer.json()["results"], key=repr)

        base = "/crm/v4"
        return {
            "labels": {
                f"{a}→{b}": results(f"{base}/associations/{a}/{b}/labels")
                for a, b in (("contact", "company"), ("company", "contact"))
            },
            "associations": {
                f"{kind} {record}": results(f"{base}/objects/{kind}/{record}/associations/{other}")
                for kind, other, ids in (
                    ("contact", "company", CONTACTS),
                    ("company", "contact", (*COMPANIES, *[str(900 + i) for i in range(4)])),
                )
                for record in ids
            },
            "limits": results(f"{base}/associations/definitions/configurations/all"),
        }
