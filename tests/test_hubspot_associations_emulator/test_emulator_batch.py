"""The five batch operations over real HTTP, with their partial (207) answers."""

from __future__ import annotations

from typing import Any

import httpx

from tests.test_hubspot_associations_emulator.emulator_helpers import spec, types, without_volatile

BASE = "/crm/v4/associations"


def _post(api: httpx.Client, path: str, inputs: list[Any]) -> httpx.Response:
    return api.post(f"{BASE}/{path}", json={"inputs": inputs})


def test_batch_associate_default(api: httpx.Client) -> None:
    """batch/associate/default answers 200 with one result per pair."""
    r = _post(
        api,
        "deal/company/batch/associate/default",
        [{"from": {"id": "1"}, "to": {"id": "2"}}, {"from": {"id": 3}, "to": {"id": "4"}}],
    )
    assert r.status_code == 200
    assert without_volatile(r.json()) == {
        "status": "COMPLETE",
        "results": [
            {
                "from": {"id": "1"},
                "to": {"id": "2"},
                "associationSpec": {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": 341,
                },
            },
            {
                "from": {"id": "3"},
                "to": {"id": "4"},
                "associationSpec": {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": 341,
                },
            },
        ],
    }
    back = api.get("/crm/v4/objects/company/4/associations/deal").json()
    assert back == {"results": [{"toObjectId": "3", "associationTypes": types((342, None))}]}


def test_batch_create_answers_201_with_labels(api: httpx.Client) -> None:
    """batch/create answers 201 BatchResponseLabelsBetweenObjectPair."""
    r = _post(
        api,
        "company/company/batch/create",
        [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(13)]}],
    )
    assert r.status_code == 201
    assert without_volatile(r.json()) == {
        "status": "COMPLETE",
        "results": [
            {
                "fromObjectTypeId": "0-2",
                "fromObjectId": "1",
                "toObjectTypeId": "0-2",
                "toObjectId": "2",
                "labels": ["Child Company"],
            }
        ],
    }
    back = api.get("/crm/v4/objects/company/2/associations/company").json()
    assert back == {
        "results": [
            {"toObjectId": "1", "associationTypes": types((14, "Parent Company"), (450, None))}
        ]
    }


def test_batch_create_answers_207_and_applies_only_good_inputs(api: httpx.Client) -> None:
    """An input with a wrong-direction typeId fails alone; results hold only the good input."""
    r = _post(
        api,
        "contact/company/batch/create",
        [
            {"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(279)]},
            {"from": {"id": "3"}, "to": {"id": "4"}, "types": [spec(1), spec(2)]},
        ],
    )
    assert r.status_code == 207
    message = "HUBSPOT_DEFINED=2 is not a valid association definition id"
    assert without_volatile(r.json()) == {
        "status": "COMPLETE",
        "results": [
            {
                "fromObjectTypeId": "0-1",
                "fromObjectId": "1",
                "toObjectTypeId": "0-2",
                "toObjectId": "2",
                "labels": [],
            }
        ],
        "errors": [
            {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": message,
                "context": {"INVALID_ASSOCIATION_TYPE_ID": [message]},
                "links": {},
                "errors": [],
            }
        ],
        "numErrors": 1,
    }
    assert api.get("/crm/v4/objects/contact/3/associations/company").json() == {"results": []}


def test_batch_read_answers_200_with_each_inputs_associations(api: httpx.Client) -> None:
    """batch/read answers 200 when every input has associations."""
    api.put("/crm/v4/objects/deal/1/associations/default/contact/10")
    api.put("/crm/v4/objects/deal/1/associations/default/contact/11")
    api.put("/crm/v4/objects/deal/2/associations/default/contact/10")
    r = _post(api, "deal/contact/batch/read", [{"id": "1"}, {"id": "2"}])
    assert r.status_code == 200
    assert without_volatile(r.json()) == {
        "status": "COMPLETE",
        "results": [
            {
                "from": {"id": "1"},
                "to": [
                    {"toObjectId": "10", "associationTypes": types((3, None))},
                    {"toObjectId": "11", "associationTypes": types((3, None))},
                ],
            },
            {
                "from": {"id": "2"},
                "to": [{"toObjectId": "10", "associationTypes": types((3, None))}],
            },
        ],
    }


def test_batch_read_answers_207_for_inputs_without_associations(api: httpx.Client) -> None:
    """Inputs with nothing associated become NO_ASSOCIATIONS_FOUND errors, left out of results."""
    api.put("/crm/v4/objects/deal/1/associations/default/company/10")
    r = _post(api, "deal/company/batch/read", [{"id": "123"}, {"id": "1"}])
    assert r.status_code == 207
    assert without_volatile(r.json()) == {
        "status": "COMPLETE",
        "results": [
            {
                "from": {"id": "1"},
                "to": [{"toObjectId": "10", "associationTypes": types((341, None))}],
            }
        ],
        "errors": [
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                "message": "No company is associated with deal 123.",
                "context": {"fromObjectId": ["123"]},
                "links": {},
                "errors": [],
            }
        ],
        "numErrors": 1,
    }


def test_batch_read_pages_each_input_with_its_own_cursor(api: httpx.Client) -> None:
    """Each result has its own paging after 500 records; its cursor reads the rest."""
    api.post(
        "/_emulator/seed",
        json={
            "bulk": [
                {
                    "fromObjectType": "company",
                    "fromObjectId": "1",
                    "toObjectType": "contact",
                    "firstToObjectId": 1,
                    "count": 501,
                }
            ]
        },
    )
    first = _post(api, "company/contact/batch/read", [{"id": "1"}]).json()["results"][0]
    assert len(first["to"]) == 500
    after = first["paging"]["next"]["after"]
    second = _post(api, "company/contact/batch/read", [{"id": "1", "after": after}]).json()
    assert second["results"] == [
        {"from": {"id": "1"}, "to": [{"toObjectId": "501", "associationTypes": types((280, None))}]}
    ]


def test_batch_read_takes_at_most_1000_inputs(api: httpx.Client) -> None:
    """1,001 inputs answer 400; 1,000 are accepted."""
    too_many = _post(api, "deal/contact/batch/read", [{"id": str(i)} for i in range(1, 1002)])
    assert too_many.status_code == 400
    assert without_volatile(too_many.json()) == {
        "status": "error",
        "message": "Too many inputs: 1001; batch read accepts at most 1000",
        "category": "VALIDATION_ERROR",
        "context": {"inputs": ["1001"]},
    }
    assert (
        _post(api, "deal/contact/batch/read", [{"id": str(i)} for i in range(1, 1001)]).status_code
        == 207
    )


def test_batch_archive_removes_whole_associations(api: httpx.Client) -> None:
    """batch/archive answers 204 and removes every type between the pairs."""
    api.put("/crm/v4/objects/contact/1/associations/company/2", json=[spec(1)])
    api.put("/crm/v4/objects/contact/1/associations/default/company/3")
    r = _post(
        api,
        "contact/company/batch/archive",
        [{"from": {"id": "1"}, "to": [{"id": "2"}, {"id": "3"}]}],
    )
    assert r.status_code == 204
    assert r.content == b""
    assert api.get("/crm/v4/objects/company/2/associations/contact").json() == {"results": []}
    assert api.get("/crm/v4/objects/contact/1/associations/company").json() == {"results": []}


def test_batch_labels_archive_removes_only_the_given_types(api: httpx.Client) -> None:
    """batch/labels/archive keeps the unlabeled type when only the label is named."""
    api.put("/crm/v4/objects/contact/1/associations/company/2", json=[spec(1)])
    r = _post(
        api,
        "contact/company/batch/labels/archive",
        [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(1)]}],
    )
    assert r.status_code == 204
    page = api.get("/crm/v4/objects/contact/1/associations/company").json()
    assert page == {"results": [{"toObjectId": "2", "associationTypes": types((279, None))}]}
    back = api.get("/crm/v4/objects/company/2/associations/contact").json()
    assert back == {"results": [{"toObjectId": "1", "associationTypes": types((280, None))}]}


def test_archiving_the_unlabeled_type_removes_labels_too(api: httpx.Client) -> None:
    """Naming the unlabeled type in labels/archive deletes the whole association."""
    api.put("/crm/v4/objects/contact/1/associations/company/2", json=[spec(1)])
    r = _post(
        api,
        "contact/company/batch/labels/archive",
        [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(279)]}],
    )
    assert r.status_code == 204
    assert api.get("/crm/v4/objects/contact/1/associations/company").json() == {"results": []}


def test_batch_bodies_name_missing_fields(api: httpx.Client) -> None:
    """Missing inputs, from or types answer 400 naming the field; nothing is applied."""
    r = api.post(f"{BASE}/contact/company/batch/create", json={})
    assert r.status_code == 400
    assert r.json()["message"] == "Some required fields were not set: [inputs]"
    r = _post(
        api,
        "contact/company/batch/create",
        [{"from": {"id": "1"}, "to": {"id": "2"}}, {"to": {"id": "2"}}],
    )
    assert r.json()["message"] == "Some required fields were not set: [inputs[0].types]"
    r = _post(api, "contact/company/batch/associate/default", [{"from": {}, "to": {"id": "2"}}])
    assert r.json()["message"] == "Some required fields were not set: [inputs[0].from.id]"
    r = api.post(f"{BASE}/contact/company/batch/archive", json={"inputs": "x"})
    assert r.status_code == 400
    assert r.json()["message"] == "Invalid input JSON: inputs must be an array"
    assert api.get("/crm/v4/objects/contact/1/associations/company").json() == {"results": []}
