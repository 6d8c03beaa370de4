"""The four basic operations over real HTTP: default and labelled PUT, page reads, DELETE."""

from __future__ import annotations

import httpx
import pytest

from tests.test_hubspot_associations_emulator.emulator_helpers import spec, types, without_volatile

CONTACT_COMPANY_UNLABELED = types((279, None))


def test_default_put_answers_a_batch_body_with_the_unlabeled_spec(api: httpx.Client) -> None:
    """PUT …/default/… answers 200 BatchResponsePublicDefaultAssociation."""
    r = api.put("/crm/v4/objects/contact/101/associations/default/company/202")
    assert r.status_code == 200
    assert without_volatile(r.json()) == {
        "status": "COMPLETE",
        "results": [
            {
                "from": {"id": "101"},
                "to": {"id": "202"},
                "associationSpec": {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": 279,
                },
            }
        ],
    }


def test_page_read_shows_the_association_from_both_sides(api: httpx.Client) -> None:
    """An association reads back from the other record with the inverse direction's type."""
    api.put("/crm/v4/objects/contact/101/associations/default/company/202")
    forward = api.get("/crm/v4/objects/contact/101/associations/company")
    assert forward.status_code == 200
    assert forward.json() == {
        "results": [{"toObjectId": "202", "associationTypes": CONTACT_COMPANY_UNLABELED}]
    }
    backward = api.get("/crm/v4/objects/companies/202/associations/contacts")
    assert backward.json() == {
        "results": [{"toObjectId": "101", "associationTypes": types((280, None))}]
    }


def test_labelled_put_answers_201_with_the_labels_between_the_pair(api: httpx.Client) -> None:
    """The labelled PUT adds the unlabeled type too and answers LabelsBetweenObjectPair."""
    r = api.put("/crm/v4/objects/contact/5434402448/associations/company/7", json=[spec(1)])
    assert r.status_code == 201
    assert r.json() == {
        "fromObjectTypeId": "0-1",
        "fromObjectId": "5434402448",
        "toObjectTypeId": "0-2",
        "toObjectId": "7",
        "labels": ["Primary"],
    }
    page = api.get("/crm/v4/objects/0-1/5434402448/associations/0-2").json()
    assert page == {
        "results": [{"toObjectId": "7", "associationTypes": types((1, "Primary"), (279, None))}]
    }


def test_primary_company_moves_when_another_company_becomes_primary(api: httpx.Client) -> None:
    """One primary company per record: a new primary demotes the old one to unlabeled."""
    api.put("/crm/v4/objects/contact/1/associations/company/10", json=[spec(1)])
    api.put("/crm/v4/objects/company/11/associations/contact/1", json=[spec(2)])
    page = api.get("/crm/v4/objects/contact/1/associations/company").json()
    assert page == {
        "results": [
            {"toObjectId": "10", "associationTypes": types((279, None))},
            {"toObjectId": "11", "associationTypes": types((1, "Primary"), (279, None))},
        ]
    }
    old = api.get("/crm/v4/objects/company/10/associations/contact").json()
    assert old == {"results": [{"toObjectId": "1", "associationTypes": types((280, None))}]}


def test_paging_walks_every_record_with_opaque_cursors(api: httpx.Client) -> None:
    """limit splits the records into pages; the last page has no paging."""
    for company in (5, 3, 9, 1, 7):
        api.put(f"/crm/v4/objects/contact/1/associations/default/company/{company}")
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        params = {"limit": "2", **({"after": after} if after else {})}
        body = api.get("/crm/v4/objects/contact/1/associations/company", params=params).json()
        pages += 1
        seen += [item["toObjectId"] for item in body["results"]]
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
        assert after not in seen
        base = str(api.base_url).rstrip("/")
        assert (
            body["paging"]["next"]["link"]
            == f"{base}/crm/v4/objects/contact/1/associations/company?after={after}&limit=2"
        )
    assert seen == ["1", "3", "5", "7", "9"]
    assert pages == 3


@pytest.mark.parametrize("limit", ["0", "501", "-1", "abc"])
def test_limit_outside_1_to_500_is_a_validation_error(api: httpx.Client, limit: str) -> None:
    """limit outside 1..500 answers 400 VALIDATION_ERROR."""
    r = api.get("/crm/v4/objects/contact/1/associations/company", params={"limit": limit})
    assert r.status_code == 400
    assert without_volatile(r.json()) == {
        "status": "error",
        "message": f"limit must be between 1 and 500, got {limit}",
        "category": "VALIDATION_ERROR",
        "context": {"limit": [limit]},
    }


def test_limit_500_and_a_bogus_cursor(api: httpx.Client) -> None:
    """limit=500 is accepted; a cursor the emulator did not make is a 400."""
    ok = api.get("/crm/v4/objects/contact/1/associations/company", params={"limit": "500"})
    assert ok.status_code == 200
    assert ok.json() == {"results": []}
    bad = api.get("/crm/v4/objects/contact/1/associations/company", params={"after": "!!"})
    assert bad.status_code == 400
    assert bad.json()["category"] == "VALIDATION_ERROR"


def test_delete_removes_every_type_in_both_directions(api: httpx.Client) -> None:
    """DELETE answers 204 and removes labelled and unlabeled types on both sides."""
    api.put("/crm/v4/objects/contact/1/associations/company/2", json=[spec(1)])
    r = api.delete("/crm/v4/objects/contact/1/associations/company/2")
    assert r.status_code == 204
    assert r.content == b""
    assert api.get("/crm/v4/objects/contact/1/associations/company").json() == {"results": []}
    assert api.get("/crm/v4/objects/company/2/associations/contact").json() == {"results": []}


@pytest.mark.parametrize("name", ["contact", "contacts", "CONTACTS", "Contact", "0-1"])
def test_object_types_by_name_plural_case_and_id(api: httpx.Client, name: str) -> None:
    """Object types resolve from singular, plural, any case and the type ID."""
    api.put(f"/crm/v4/objects/{name}/1/associations/default/deals/2")
    body = api.get("/crm/v4/objects/deal/2/associations/contact").json()
    assert body == {"results": [{"toObjectId": "1", "associationTypes": types((3, None))}]}


def test_custom_objects_get_an_unlabeled_type_per_direction(api: httpx.Client) -> None:
    """A custom object type 2-NNN works; its made-up unlabeled types are inverse of each other."""
    r = api.put("/crm/v4/objects/2-1234/1/associations/default/contact/2")
    assert r.status_code == 200
    forward_type = r.json()["results"][0]["associationSpec"]["associationTypeId"]
    page = api.get("/crm/v4/objects/contact/2/associations/2-1234").json()
    backward = page["results"][0]["associationTypes"]
    assert backward[0]["category"] == "USER_DEFINED"
    assert backward[0]["label"] is None
    assert backward[0]["typeId"] != forward_type


def test_unknown_object_type_has_hubspot_message_and_no_category(api: httpx.Client) -> None:
    """An unknown object type answers 400 with 'Unable to infer object type from: X'."""
    r = api.get("/crm/v4/objects/widgets/1/associations/contact")
    assert r.status_code == 400
    assert without_volatile(r.json()) == {
        "status": "error",
        "message": "Unable to infer object type from: widgets",
    }


@pytest.mark.parametrize("record", ["abc", "0", "-5", "1.5", "99999999999999999999"])
def test_malformed_record_ids_are_invalid_object_ids(api: httpx.Client, record: str) -> None:
    """An ID that is not a positive 64-bit integer answers 400 INVALID_OBJECT_IDS."""
    r = api.put(f"/crm/v4/objects/contact/{record}/associations/default/company/1")
    assert r.status_code == 400
    assert without_volatile(r.json()) == {
        "status": "error",
        "message": "One or more associations are invalid",
        "category": "VALIDATION_ERROR",
        "context": {"INVALID_OBJECT_IDS": [f"CONTACT={record} is not valid"]},
    }


def test_wrong_direction_type_id_is_rejected(api: httpx.Client) -> None:
    """280 is company→contact, so using it contact→company is INVALID_ASSOCIATION_TYPE_ID."""
    r = api.put("/crm/v4/objects/contact/1/associations/company/2", json=[spec(280)])
    assert r.status_code == 400
    message = "HUBSPOT_DEFINED=280 is not a valid association definition id"
    assert without_volatile(r.json()) == {
        "status": "error",
        "message": message,
        "category": "VALIDATION_ERROR",
        "context": {"INVALID_ASSOCIATION_TYPE_ID": [message]},
    }
    assert api.get("/crm/v4/objects/contact/1/associations/company").json() == {"results": []}


def test_labelled_put_body_must_be_an_array_of_specs(api: httpx.Client) -> None:
    """A labelled PUT with a bad body names the faulty field."""
    url = "/crm/v4/objects/contact/1/associations/company/2"
    r = api.put(url, json=[{"associationCategory": "HUBSPOT_DEFINED"}])
    assert r.status_code == 400
    assert r.json()["message"] == "Some required fields were not set: [body[0].associationTypeId]"
    r = api.put(url, json=[spec(1, "NOPE")])
    assert r.status_code == 400
    assert "body[0].associationCategory" in r.json()["message"]
    r = api.put(url, content=b"[{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["message"].startswith("Invalid input JSON")


def test_labelled_put_with_no_types_writes_the_unlabeled_association(api: httpx.Client) -> None:
    """An empty array of specs is valid input: the association carries only the unlabeled type."""
    r = api.put("/crm/v4/objects/contact/1/associations/company/2", json=[])
    assert r.status_code == 201
    assert r.json()["labels"] == []
    page = api.get("/crm/v4/objects/contact/1/associations/company").json()
    assert page == {"results": [{"toObjectId": "2", "associationTypes": CONTACT_COMPANY_UNLABELED}]}


def test_one_way_table_rows_get_an_inverse(api: httpx.Client) -> None:
    """lead→contact has no contact→lead row in the table: one is made so both sides read back."""
    r = api.put("/crm/v4/objects/lead/1/associations/default/contact/2")
    assert r.status_code == 200
    forward = r.json()["results"][0]["associationSpec"]["associationTypeId"]
    back = api.get("/crm/v4/objects/contact/2/associations/lead").json()["results"]
    assert back[0]["toObjectId"] == "1"
    assert back[0]["associationTypes"][0]["typeId"] != forward
    labels = api.get("/crm/v4/associations/contact/lead/labels").json()["results"]
    assert labels == back[0]["associationTypes"]
