"""All 19 association operations answer under every path family, with that family's success
statuses (the four limits usage calls: test_emulator_limits_usage)."""

from __future__ import annotations

import httpx
import pytest

from tests.test_hubspot_associations_emulator.emulator_helpers import spec

FAMILIES = [
    ("/crm/v4/objects", "/crm/v4/associations", 204, 201),
    ("/crm/v4/objects", "/crm/associations/v4", 204, 201),
    # 2025-09 answers limits create (and update) 200 only: limits_errors_in_200.
    ("/crm/objects/2025-09", "/crm/associations/2025-09", 200, 200),
    ("/crm/objects/2026-03", "/crm/associations/2026-03", 200, 201),
]


@pytest.mark.parametrize(("objects", "associations", "emptied", "limited"), FAMILIES)
def test_every_operation_in_every_family(
    api: httpx.Client, objects: str, associations: str, emptied: int, limited: int
) -> None:
    """Each of the 19 operations succeeds; archive-like calls answer 204 in v4 and 200 in the
    dated releases; limits create 201, but 200 on 2025-09."""
    a, conf = associations, f"{associations}/definitions/configurations"
    label = api.post(f"{a}/contact/deal/labels", json={"name": "sponsor", "label": "Sponsor"})
    assert label.status_code == 200
    type_id = label.json()["results"][0]["typeId"]
    user = [spec(type_id, "USER_DEFINED")]
    statuses = [
        api.get(f"{a}/contact/deal/labels").status_code,
        api.put(
            f"{a}/contact/deal/labels", json={"associationTypeId": type_id, "label": "Patron"}
        ).status_code,
        api.put(f"{objects}/contact/1/associations/default/deal/2").status_code,
        api.put(f"{objects}/contact/1/associations/deal/3", json=user).status_code,
        api.get(f"{objects}/contact/1/associations/deal").status_code,
        api.post(
            f"{a}/contact/deal/batch/associate/default",
            json={"inputs": [{"from": {"id": "4"}, "to": {"id": "5"}}]},
        ).status_code,
        api.post(
            f"{a}/contact/deal/batch/create",
            json={"inputs": [{"from": {"id": "4"}, "to": {"id": "6"}, "types": user}]},
        ).status_code,
        api.post(f"{a}/contact/deal/batch/read", json={"inputs": [{"id": "4"}]}).status_code,
        api.post(
            f"{conf}/contact/deal/batch/create",
            json={"inputs": [{"category": "USER_DEFINED", "typeId": type_id, "maxToObjectIds": 9}]},
        ).status_code,
        api.post(
            f"{conf}/contact/deal/batch/update",
            json={"inputs": [{"category": "USER_DEFINED", "typeId": type_id, "maxToObjectIds": 8}]},
        ).status_code,
        api.get(f"{conf}/contact/deal").status_code,
        api.get(f"{conf}/all").status_code,
        api.post(f"{a}/usage/high-usage-report/77").status_code,
        api.post(
            f"{a}/contact/deal/batch/labels/archive",
            json={"inputs": [{"from": {"id": "4"}, "to": {"id": "6"}, "types": user}]},
        ).status_code,
        api.post(
            f"{a}/contact/deal/batch/archive",
            json={"inputs": [{"from": {"id": "4"}, "to": [{"id": "5"}]}]},
        ).status_code,
        api.post(
            f"{conf}/contact/deal/batch/purge",
            json={"inputs": [{"category": "USER_DEFINED", "typeId": type_id}]},
        ).status_code,
        api.delete(f"{objects}/contact/1/associations/deal/2").status_code,
        api.delete(f"{a}/contact/deal/labels/{type_id}").status_code,
    ]
    assert statuses == [
        200,
        204,
        200,
        201,
        200,
        200,
        201,
        200,
        limited,
        200,
        200,
        200,
        200,
        emptied,
        emptied,
        emptied,
        204,
        204,
    ]
    page = api.get(f"{objects}/contact/4/associations/deal").json()
    assert page == {
        "results": [
            {
                "toObjectId": "6",
                "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 4, "label": None}],
            }
        ]
    }
