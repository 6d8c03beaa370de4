"""Custom labels, association limits and the high-usage report, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.test_hubspot_associations_emulator.emulator_helpers import spec, types, without_volatile

LABELS = "/crm/v4/associations/contact/deal/labels"
CONF = "/crm/v4/associations/definitions/configurations"


def test_labels_list_hubspot_defined_types_of_the_direction(api: httpx.Client) -> None:
    """GET labels lists the direction's HubSpot-defined types, the unlabeled one with label null."""
    r = api.get("/crm/v4/associations/deal/company/labels")
    assert r.status_code == 200
    assert r.json() == {"results": types((5, "Primary"), (341, None))}


def test_paired_label_returns_both_directions_and_works_in_each(api: httpx.Client) -> None:
    """A paired label makes two typeIds; each is valid only in its own direction."""
    r = api.post(
        LABELS,
        json={"name": "decision_maker", "label": "Decision maker", "inverseLabel": "Decided by"},
    )
    assert r.status_code == 200
    results = r.json()["results"]
    forward, inverse = results[0]["typeId"], results[1]["typeId"]
    assert results == types(
        (forward, "Decision maker"), (inverse, "Decided by"), category="USER_DEFINED"
    )
    assert api.get(LABELS).json()["results"][-1] == {
        "category": "USER_DEFINED",
        "typeId": forward,
        "label": "Decision maker",
    }
    assert {"category": "USER_DEFINED", "typeId": inverse, "label": "Decided by"} in api.get(
        "/crm/v4/associations/deal/contact/labels"
    ).json()["results"]
    put = api.put(
        "/crm/v4/objects/contact/1/associations/deal/2", json=[spec(forward, "USER_DEFINED")]
    )
    assert put.status_code == 201
    assert put.json()["labels"] == ["Decision maker"]
    back = api.get("/crm/v4/objects/deal/2/associations/contact").json()
    assert back == {
        "results": [
            {
                "toObjectId": "1",
                "associationTypes": [
                    {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None},
                    {"category": "USER_DEFINED", "typeId": inverse, "label": "Decided by"},
                ],
            }
        ]
    }
    wrong = api.put(
        "/crm/v4/objects/contact/1/associations/deal/2", json=[spec(inverse, "USER_DEFINED")]
    )
    assert wrong.status_code == 400
    assert wrong.json()["context"] == {
        "INVALID_ASSOCIATION_TYPE_ID": [
            f"USER_DEFINED={inverse} is not a valid association definition id"
        ]
    }
    category = api.put(
        "/crm/v4/objects/contact/1/associations/deal/2", json=[spec(forward, "HUBSPOT_DEFINED")]
    )
    assert category.status_code == 400


def test_single_label_on_one_object_type_is_one_type(api: httpx.Client) -> None:
    """A single label between contacts has one typeId, its own inverse."""
    made = api.post(
        "/crm/v4/associations/contact/contact/labels", json={"name": "friend", "label": "Friend"}
    ).json()["results"]
    assert len(made) == 1
    friend = made[0]["typeId"]
    api.put("/crm/v4/objects/contact/1/associations/contact/2", json=[spec(friend, "USER_DEFINED")])
    back = api.get("/crm/v4/objects/contact/2/associations/contact").json()
    assert back["results"][0]["associationTypes"] == [
        {"category": "HUBSPOT_DEFINED", "typeId": 449, "label": None},
        {"category": "USER_DEFINED", "typeId": friend, "label": "Friend"},
    ]


@pytest.mark.parametrize("name", ["has-hyphen", "1starts_with_digit", ""])
def test_label_names_with_hyphens_or_leading_digits_are_refused(
    api: httpx.Client, name: str
) -> None:
    """Label names must not contain hyphens nor start with a digit."""
    r = api.post(LABELS, json={"name": name, "label": "X"})
    assert r.status_code == 400
    assert r.json()["category"] == "VALIDATION_ERROR"


def test_label_create_requires_name_and_label(api: httpx.Client) -> None:
    """Missing fields answer 400 naming them."""
    r = api.post(LABELS, json={"label": "X"})
    assert r.status_code == 400
    assert r.json()["message"] == "Some required fields were not set: [name]"


def test_per_pair_label_maximum(api: httpx.Client) -> None:
    """The eleventh label definition of a pair (either direction) is refused."""
    for i in range(10):
        path = LABELS if i % 2 else "/crm/v4/associations/deal/contact/labels"
        assert api.post(path, json={"name": f"l{i}", "label": f"L{i}"}).status_code == 200
    r = api.post(LABELS, json={"name": "l10", "label": "L10"})
    assert r.status_code == 400
    assert without_volatile(r.json()) == {
        "status": "error",
        "message": "Cannot create more than 10 association labels between contact and deal",
        "category": "VALIDATION_ERROR",
    }


def test_label_update_and_delete(api: httpx.Client) -> None:
    """PUT renames (204); DELETE removes the label and its uses (204)."""
    made = api.post(
        LABELS, json={"name": "champion", "label": "Champion", "inverseLabel": "Championed"}
    ).json()["results"]
    forward, inverse = made[0]["typeId"], made[1]["typeId"]
    api.put("/crm/v4/objects/contact/1/associations/deal/2", json=[spec(forward, "USER_DEFINED")])
    r = api.put(
        LABELS, json={"associationTypeId": forward, "label": "Sponsor", "inverseLabel": "Sponsored"}
    )
    assert r.status_code == 204
    labels = api.get(LABELS).json()["results"]
    assert {"category": "USER_DEFINED", "typeId": forward, "label": "Sponsor"} in labels
    back = api.get("/crm/v4/associations/deal/contact/labels").json()["results"]
    assert {"category": "USER_DEFINED", "typeId": inverse, "label": "Sponsored"} in back
    r = api.delete(f"{LABELS}/{forward}")
    assert r.status_code == 204
    assert all(t["category"] == "HUBSPOT_DEFINED" for t in api.get(LABELS).json()["results"])
    page = api.get("/crm/v4/objects/contact/1/associations/deal").json()
    assert page == {"results": [{"toObjectId": "2", "associationTypes": types((4, None))}]}
    assert api.delete(f"{LABELS}/{forward}").status_code == 400
    assert api.delete(f"{LABELS}/4").status_code == 400


def test_limits_create_read_update_purge(api: httpx.Client) -> None:
    """Limits: batch/create 201, reads, batch/update 200, batch/purge 204."""
    made = api.post(
        LABELS.replace("contact/deal", "deal/contact"),
        json={"name": "poc", "label": "Point of contact"},
    ).json()["results"][0]["typeId"]
    r = api.post(
        f"{CONF}/deal/contact/batch/create",
        json={
            "inputs": [
                {"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": 5},
                {"category": "USER_DEFINED", "typeId": made, "maxToObjectIds": 1},
            ]
        },
    )
    assert r.status_code == 201
    assert without_volatile(r.json()) == {
        "status": "COMPLETE",
        "results": [
            {
                "category": "HUBSPOT_DEFINED",
                "typeId": 3,
                "userEnforcedMaxToObjectIds": 5,
                "label": None,
            },
            {
                "category": "USER_DEFINED",
                "typeId": made,
                "userEnforcedMaxToObjectIds": 1,
                "label": "Point of contact",
            },
        ],
    }
    pair = api.get(f"{CONF}/deal/contact").json()
    assert pair["results"][0] == {
        "category": "HUBSPOT_DEFINED",
        "typeId": 3,
        "userEnforcedMaxToObjectIds": 5,
        "label": None,
    }
    assert api.get(f"{CONF}/contact/deal").json() == {"results": []}
    assert len(api.get(f"{CONF}/all").json()["results"]) == 2
    r = api.post(
        f"{CONF}/deal/contact/batch/update",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": 7}]},
    )
    assert r.status_code == 200
    assert without_volatile(r.json()) == {
        "status": "COMPLETE",
        "results": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "userEnforcedMaxToObjectIds": 7}],
    }
    r = api.post(
        f"{CONF}/deal/contact/batch/purge",
        json={"inputs": [{"category": "USER_DEFINED", "typeId": made}]},
    )
    assert r.status_code == 204
    assert api.get(f"{CONF}/all").json() == {
        "results": [
            {
                "category": "HUBSPOT_DEFINED",
                "typeId": 3,
                "userEnforcedMaxToObjectIds": 7,
                "label": None,
            }
        ]
    }


def test_limits_partial_answers(api: httpx.Client) -> None:
    """Creating an existing limit or updating a missing one fails per input with 207."""
    api.post(
        f"{CONF}/deal/contact/batch/create",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": 5}]},
    )
    r = api.post(
        f"{CONF}/deal/contact/batch/create",
        json={
            "inputs": [
                {"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": 5},
                {"category": "HUBSPOT_DEFINED", "typeId": 4, "maxToObjectIds": 5},
            ]
        },
    )
    assert r.status_code == 207
    body = r.json()
    assert body["results"] == []
    assert body["numErrors"] == 2
    r = api.post(
        f"{CONF}/deal/contact/batch/update",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 5, "maxToObjectIds": 5}]},
    )
    assert r.status_code == 207


def test_limits_are_enforced_on_single_and_batch_writes(api: httpx.Client) -> None:
    """Past a limit a single write answers 400 and a batch input fails alone (207)."""
    api.post(
        f"{CONF}/deal/contact/batch/create",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": 2}]},
    )
    assert api.put("/crm/v4/objects/deal/1/associations/default/contact/10").status_code == 200
    assert api.put("/crm/v4/objects/contact/11/associations/default/deal/1").status_code == 200
    assert api.put("/crm/v4/objects/deal/1/associations/default/contact/10").status_code == 200
    r = api.put("/crm/v4/objects/deal/1/associations/default/contact/12")
    assert r.status_code == 400
    assert without_volatile(r.json()) == {
        "status": "error",
        "message": "Association limit exceeded: DEAL=1 may have at most 2 CONTACT associations of type 3",
        "category": "VALIDATION_ERROR",
        "subCategory": "crm.associations.ASSOCIATION_LIMIT_EXCEEDED",
        "context": {
            "ASSOCIATION_LIMIT_EXCEEDED": [
                "DEAL=1 may have at most 2 CONTACT associations of type 3"
            ]
        },
    }
    r = api.post(
        "/crm/v4/associations/contact/deal/batch/create",
        json={
            "inputs": [
                {"from": {"id": "13"}, "to": {"id": "1"}, "types": [spec(4)]},
                {"from": {"id": "13"}, "to": {"id": "2"}, "types": [spec(4)]},
            ]
        },
    )
    assert r.status_code == 207
    assert [x["toObjectId"] for x in r.json()["results"]] == ["2"]
    assert r.json()["errors"][0]["subCategory"] == "crm.associations.ASSOCIATION_LIMIT_EXCEEDED"
    assert len(api.get("/crm/v4/objects/deal/1/associations/contact").json()["results"]) == 2
    assert api.get("/crm/v4/objects/contact/12/associations/deal").json() == {"results": []}


def test_limit_on_an_unknown_type_is_refused(api: httpx.Client) -> None:
    """A limit's typeId must belong to the direction."""
    r = api.post(
        f"{CONF}/deal/contact/batch/create",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 4, "maxToObjectIds": 2}]},
    )
    assert r.status_code == 207
    assert r.json()["errors"][0]["context"] == {
        "INVALID_ASSOCIATION_TYPE_ID": [
            "HUBSPOT_DEFINED=4 is not a valid association definition id"
        ]
    }


def test_high_usage_report_answers_at_once_and_lists_records_at_80_percent(
    api: httpx.Client,
) -> None:
    """The report answers {userEmail, userId, enqueueTime}; its content lists records at >= 80 %."""
    api.post(
        "/_emulator/seed",
        json={
            "bulk": [
                {
                    "fromObjectType": "deal",
                    "fromObjectId": "1",
                    "toObjectType": "contact",
                    "firstToObjectId": 1,
                    "count": 8,
                },
                {
                    "fromObjectType": "deal",
                    "fromObjectId": "2",
                    "toObjectType": "contact",
                    "firstToObjectId": 1,
                    "count": 7,
                },
            ],
            "limits": [
                {
                    "fromObjectType": "deal",
                    "toObjectType": "contact",
                    "category": "HUBSPOT_DEFINED",
                    "typeId": 3,
                    "maxToObjectIds": 10,
                }
            ],
        },
    )
    r = api.post("/crm/v4/associations/usage/high-usage-report/42")
    assert r.status_code == 200
    body = r.json()
    assert body["userId"] == 42
    assert body["userEmail"] == "user42@emulator.invalid"
    assert isinstance(body["enqueueTime"], str)
    reports = api.get("/_emulator/reports").json()["results"]
    assert reports == [
        {
            **body,
            "records": [
                {
                    "fromObjectTypeId": "0-3",
                    "fromObjectId": "1",
                    "toObjectTypeId": "0-1",
                    "typeId": 3,
                    "count": 8,
                    "limit": 10,
                }
            ],
        }
    ]


def test_report_user_id_must_be_an_integer(api: httpx.Client) -> None:
    """A non-integer userId answers 400."""
    r = api.post("/crm/v4/associations/usage/high-usage-report/abc")
    assert r.status_code == 400
    assert r.json()["category"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("maximum", [0, -1, 2**31])
def test_limit_values_outside_int32_positive_range_are_refused(
    api: httpx.Client, maximum: int
) -> None:
    """maxToObjectIds is a positive int32; anything else answers 400 for the whole call."""
    r = api.post(
        f"{CONF}/deal/contact/batch/create",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": maximum}]},
    )
    assert r.status_code == 400
    assert (
        r.json()["message"]
        == "Invalid input JSON: inputs[0].maxToObjectIds must be between 1 and 2147483647"
    )
    assert api.get(f"{CONF}/all").json() == {"results": []}
