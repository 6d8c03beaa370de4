"""HubSpot's official Python client (hubspot-api-client) runs a user's whole CRM flow against the
emulator on its own paths (``/crm/v3/objects/…`` and the v4 associations): records created with
their associations in one call, read, searched by association, batch-written, merged, archived and
GDPR-deleted; after each step the association calls of this package's client and of the official
client both see the result."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import hubspot
import pytest
from hubspot.crm import companies, contacts, deals, objects
from hubspot.crm.associations.v4 import ApiException as AssociationsApiException
from hubspot.crm.contacts import ApiException as ContactsApiException
from hubspot.crm.deals import ApiException as DealsApiException
from hubspot.crm.objects import ApiException as ObjectsApiException
from hubspot_associations_emulator import EmulatorConfig, RunningEmulator, serve_in_thread

from hubspot_associations import BadRequestError, HubSpotAssociations

__all__: list[str] = []

# HubSpot-defined association type IDs (HubSpot's association-type table).
DEAL_TO_COMPANY = 341
DEAL_TO_CONTACT = 3
CONTACT_TO_COMPANY = 279
CAR_TYPE_ID = "2-3456"
# Past Python's 4,300-digit int conversion limit: an ID must not reach int() unguarded.
HUGE_ID = "9" * 4301
ARABIC_INDIC_ID = "١٢٣"  # digits to str.isdigit(), not an ID


@dataclass
class Clients:
    """Both clients and a control-API client of one emulator."""

    url: str
    api: Any  # hubspot.HubSpot (untyped)
    v4: Any  # its crm.associations.v4 (one ApiClient kept: each attribute access builds one)
    ours: HubSpotAssociations
    control: httpx.Client

    def seen(self, from_type: str, from_id: str, to_type: str) -> set[str]:
        """The records associated with one record, read by this package's client and by the
        official client's v4 associations api, which must agree."""
        ours = {str(r.to_object_id) for r in self.ours.basic.iter_all(from_type, from_id, to_type)}
        page = self.v4.basic_api.get_page(from_type, from_id, to_type, limit=500)
        official = {r.to_object_id for r in page.results}
        assert ours == official, (from_type, from_id, to_type)
        return ours

    def refused(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        """An association write naming the pair is refused by both clients as an invalid
        record (HubSpot's 400 INVALID_OBJECT_IDS), and nothing is written."""
        with pytest.raises(BadRequestError, match="is not valid"):
            self.ours.basic.associate_default(from_type, from_id, to_type, to_id)
        with pytest.raises(AssociationsApiException) as caught:
            self.v4.basic_api.create_default(from_type, from_id, to_type, to_id)
        assert caught.value.status == 400
        assert "INVALID_OBJECT_IDS" in caught.value.body


def make_clients(server: RunningEmulator) -> Clients:
    """The clients of one emulator (the official one on its default v3/v4 paths)."""
    api = hubspot.HubSpot(access_token=server.token, host=server.base_url)
    return Clients(
        server.base_url,
        api,
        api.crm.associations.v4,
        HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None),
        httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.token}"}),
    )


@pytest.fixture(scope="module")
def module_clients() -> Iterator[Clients]:
    """One emulator on 127.0.0.1 for the module, and its clients."""
    with serve_in_thread() as server:
        made = make_clients(server)
        yield made
        made.ours.close()
        made.control.close()


@pytest.fixture
def hs(module_clients: Clients) -> Clients:
    """The module's clients, the emulator reset first (portal settings and schemas too)."""
    assert module_clients.control.post("/_emulator/reset").status_code == 200
    return module_clients


def assoc(to_id: str, type_id: int, module: Any = deals) -> Any:
    """One ``associations`` input of a create, in the official client's models."""
    return module.PublicAssociationsForObject(
        to=module.PublicObjectId(id=to_id),
        types=[module.AssociationSpec(association_category="HUBSPOT_DEFINED",
                                      association_type_id=type_id)],
    )  # fmt: skip


@dataclass
class Deal:
    """A deal created with its company and two contacts in one call."""

    company: str
    first: str
    second: str
    deal: str


def create_deal(hs: Clients) -> Deal:
    """A company and two contacts, then a deal associated with all three in one create."""
    company = hs.api.crm.companies.basic_api.create(
        companies.SimplePublicObjectInputForCreate(properties={"name": "Acme", "domain": "a.test"})
    ).id
    first, second = (
        hs.api.crm.contacts.basic_api.create(
            contacts.SimplePublicObjectInputForCreate(properties={"email": email})
        ).id
        for email in ("ada@a.test", "bob@a.test")
    )
    deal = hs.api.crm.deals.basic_api.create(
        deals.SimplePublicObjectInputForCreate(
            properties={"dealname": "Big one", "amount": 1500},
            associations=[
                assoc(company, DEAL_TO_COMPANY),
                assoc(first, DEAL_TO_CONTACT),
                assoc(second, DEAL_TO_CONTACT),
            ],
        )
    )
    assert deal.properties["amount"] == "1500"  # properties travel as strings
    assert deal.properties["hs_object_id"] == deal.id
    return Deal(company, first, second, deal.id)


def test_create_with_associations_read_and_search(hs: Clients) -> None:
    """A deal created with its company and contacts in one call: both clients' association calls
    see it from every side, a read with ``associations`` lists them, and a search by
    ``associations.company`` finds it."""
    made = create_deal(hs)
    assert made.company != made.first != made.second  # one ID counter per portal
    assert hs.seen("deal", made.deal, "company") == {made.company}
    assert hs.seen("deal", made.deal, "contact") == {made.first, made.second}
    assert hs.seen("company", made.company, "deal") == {made.deal}
    assert hs.seen("contact", made.first, "deal") == {made.deal}

    read = hs.api.crm.deals.basic_api.get_by_id(
        made.deal, properties=["dealname"], associations=["companies", "contacts"]
    )
    assert read.properties["dealname"] == "Big one"
    assert [r.id for r in read.associations["companies"].results] == [made.company]
    assert {r.id for r in read.associations["contacts"].results} == {made.first, made.second}
    back = hs.api.crm.companies.basic_api.get_by_id(made.company, associations=["deals"])
    assert [r.id for r in back.associations["deals"].results] == [made.deal]

    other = hs.api.crm.deals.basic_api.create(
        deals.SimplePublicObjectInputForCreate(properties={"dealname": "Another"})
    )

    def deals_of(company: str) -> list[str]:
        by_company = deals.Filter(
            property_name="associations.company", operator="EQ", value=company
        )
        found = hs.api.crm.deals.search_api.do_search(
            deals.PublicObjectSearchRequest(filter_groups=[deals.FilterGroup([by_company])])
        )
        assert found.total == len(found.results)
        return [r.id for r in found.results]

    assert deals_of(made.company) == [made.deal]
    hs.ours.basic.associate_default("deal", other.id, "company", made.company)
    assert sorted(deals_of(made.company)) == sorted([made.deal, other.id])


def test_merge_moves_associations_to_the_primary(hs: Clients) -> None:
    """Merging a contact into another moves the deal's association to the primary; the merged
    ID reads as the primary and is refused by the association calls."""
    made = create_deal(hs)
    hs.ours.basic.remove("deal", made.deal, "contact", made.second)
    hs.ours.basic.associate_default("contact", made.first, "company", made.company)
    merged = hs.api.crm.contacts.basic_api.merge(
        contacts.PublicMergeInput(primary_object_id=made.second, object_id_to_merge=made.first)
    )
    assert merged.id == made.second
    assert hs.seen("deal", made.deal, "contact") == {made.second}
    assert hs.seen("contact", made.second, "deal") == {made.deal}
    assert hs.seen("contact", made.second, "company") == {made.company}
    assert hs.seen("company", made.company, "contact") == {made.second}
    assert hs.seen("contact", made.first, "deal") == set()
    assert hs.api.crm.contacts.basic_api.get_by_id(made.first).id == made.second
    hs.refused("contact", made.first, "company", made.company)
    hs.refused("deal", made.deal, "contact", made.first)


def test_archive_removes_associations_both_ways(hs: Clients) -> None:
    """An archived deal is gone for the association calls from every side, a read 404s it
    (``archived=true`` still finds it), and a write naming it is refused."""
    made = create_deal(hs)
    hs.api.crm.deals.basic_api.archive(made.deal)
    assert hs.seen("deal", made.deal, "company") == set()
    assert hs.seen("company", made.company, "deal") == set()
    assert hs.seen("contact", made.first, "deal") == set()
    with pytest.raises(DealsApiException) as caught:
        hs.api.crm.deals.basic_api.get_by_id(made.deal)
    assert caught.value.status == 404
    assert hs.api.crm.deals.basic_api.get_by_id(made.deal, archived=True).archived is True
    hs.refused("deal", made.deal, "company", made.company)
    hs.refused("company", made.company, "deal", made.deal)


def test_gdpr_delete_removes_the_record_and_its_associations(hs: Clients) -> None:
    """A contact deleted for GDPR (``basic_api.purge``) is readable by no call, archived or not,
    its associations are gone both ways and its ID is refused; its email is free again."""
    made = create_deal(hs)
    hs.api.crm.contacts.basic_api.purge(contacts.PublicGdprDeleteInput(object_id=made.first))
    assert hs.seen("deal", made.deal, "contact") == {made.second}
    assert hs.seen("contact", made.first, "deal") == set()
    for archived in (False, True):
        with pytest.raises(ContactsApiException) as caught:
            hs.api.crm.contacts.basic_api.get_by_id(made.first, archived=archived)
        assert caught.value.status == 404
    hs.refused("contact", made.first, "deal", made.deal)
    again = hs.api.crm.contacts.basic_api.create(
        contacts.SimplePublicObjectInputForCreate(properties={"email": "ada@a.test"})
    )
    assert again.id != made.first


def test_batch_create_read_update_upsert_archive(hs: Clients) -> None:
    """The batch calls: create with associations, read (a missing ID in ``errors``), update,
    upsert by email (``new`` says which), archive; the association calls follow each."""
    company = hs.api.crm.companies.basic_api.create(
        companies.SimplePublicObjectInputForCreate(properties={"name": "Acme"})
    ).id
    batch = hs.api.crm.contacts.batch_api
    created = batch.create(contacts.BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
        contacts.SimplePublicObjectBatchInputForCreate(
            properties={"email": f"c{i}@a.test", "firstname": f"C{i}"},
            associations=[assoc(company, CONTACT_TO_COMPANY, contacts)],
        )
        for i in range(3)
    ]))  # fmt: skip
    ids = sorted(r.id for r in created.results)
    assert len(ids) == 3
    assert hs.seen("company", company, "contact") == set(ids)

    read = batch.read(contacts.BatchReadInputSimplePublicObjectId(
        properties=["firstname"],
        inputs=[contacts.SimplePublicObjectId(id=i) for i in [*ids, "424242"]],
    ))  # fmt: skip
    assert sorted(r.id for r in read.results) == ids
    assert read.errors[0].category == "OBJECT_NOT_FOUND"
    assert read.errors[0].context["ids"] == ["424242"]

    updated = batch.update(contacts.BatchInputSimplePublicObjectBatchInput(inputs=[
        contacts.SimplePublicObjectBatchInput(id=ids[0], properties={"lastname": "Lovelace"})
    ]))  # fmt: skip
    assert updated.results[0].id == ids[0]
    by_email = hs.api.crm.contacts.basic_api.get_by_id(
        "c0@a.test", id_property="email", properties=["lastname"]
    )
    assert (by_email.id, by_email.properties["lastname"]) == (ids[0], "Lovelace")

    upserted = batch.upsert(contacts.BatchInputSimplePublicObjectBatchInputUpsert(inputs=[
        contacts.SimplePublicObjectBatchInputUpsert(
            id=email, id_property="email", properties={"firstname": "Up"}
        )
        for email in ("c1@a.test", "new@a.test")
    ]))  # fmt: skip
    new = {r.properties["email"]: (r.new, r.id) for r in upserted.results}
    assert new["c1@a.test"] == (False, ids[1])
    assert new["new@a.test"][0] is True
    assert new["new@a.test"][1] not in ids

    batch.archive(contacts.BatchInputSimplePublicObjectId(inputs=[
        contacts.SimplePublicObjectId(id=ids[0]), contacts.SimplePublicObjectId(id=ids[1])
    ]))  # fmt: skip
    assert hs.seen("company", company, "contact") == {ids[2]}
    assert hs.seen("contact", ids[0], "company") == set()
    hs.refused("contact", ids[1], "company", company)


def test_a_taken_email_is_a_409_naming_the_existing_contact(hs: Clients) -> None:
    """A second contact with an email another contact has (any case) is HubSpot's 409 naming
    the existing ID, and no contact is made."""
    first = hs.api.crm.contacts.basic_api.create(
        contacts.SimplePublicObjectInputForCreate(properties={"email": "ada@a.test"})
    )
    with pytest.raises(ContactsApiException) as caught:
        hs.api.crm.contacts.basic_api.create(
            contacts.SimplePublicObjectInputForCreate(properties={"email": "ADA@a.test"})
        )
    assert caught.value.status == 409
    assert f"Existing ID: {first.id}" in caught.value.body
    assert [r.id for r in hs.api.crm.contacts.basic_api.get_page().results] == [first.id]


def test_a_create_naming_an_unknown_record_is_refused_whole(hs: Clients) -> None:
    """A deal whose ``associations`` name one existing company and one never created is refused
    with HubSpot's 400 naming the unknown one: no deal, no association to the existing one."""
    company = hs.api.crm.companies.basic_api.create(
        companies.SimplePublicObjectInputForCreate(properties={"name": "Acme"})
    ).id
    with pytest.raises(DealsApiException) as caught:
        hs.api.crm.deals.basic_api.create(
            deals.SimplePublicObjectInputForCreate(
                properties={"dealname": "Half"},
                associations=[assoc(company, DEAL_TO_COMPANY), assoc("777", DEAL_TO_COMPANY)],
            )
        )
    assert caught.value.status == 400
    assert "COMPANY=777 is not valid" in caught.value.body
    assert hs.api.crm.deals.basic_api.get_page().results == []
    assert hs.seen("company", company, "deal") == set()


def test_strict_properties_and_required_properties(hs: Clients) -> None:
    """With ``strictProperties`` an unknown property is HubSpot's PROPERTY_DOESNT_EXIST and a
    declared one is taken; required properties refuse a create on 2026-09 paths only."""
    settings = {"strictProperties": True, "properties": {"contacts": ["favourite_colour"]}}
    portal = hs.control.get("/_emulator/portals").json()["results"][0]["portalId"]
    answer = hs.control.put(f"/_emulator/portals/{portal}", json={"settings": settings})
    assert answer.status_code == 200, answer.text
    assert answer.json()["settings"]["strictProperties"] is True

    with pytest.raises(ContactsApiException) as caught:
        hs.api.crm.contacts.basic_api.create(
            contacts.SimplePublicObjectInputForCreate(properties={"shoe_size": "44"})
        )
    assert caught.value.status == 400
    assert "PROPERTY_DOESNT_EXIST" in caught.value.body
    assert "shoe_size" in caught.value.body
    made = hs.api.crm.contacts.basic_api.create(
        contacts.SimplePublicObjectInputForCreate(properties={"favourite_colour": "green"})
    )
    assert (
        hs.api.crm.contacts.basic_api.get_page(properties=["favourite_colour"]).results[0].id
        == made.id
    )

    answer = hs.control.put(
        f"/_emulator/portals/{portal}",
        json={
            "settings": {"strictProperties": False, "requiredProperties": {"deals": ["dealname"]}}
        },
    )
    assert answer.status_code == 200, answer.text
    body = {"properties": {"amount": "10"}}
    refused = hs.control.post("/crm/objects/2026-09/deals", json=body)
    assert refused.status_code == 400, refused.text
    assert refused.json()["category"] == "VALIDATION_ERROR"
    assert "dealname" in refused.json()["message"]
    assert hs.control.post("/crm/objects/2026-09/deals", json={
        "properties": {"amount": "10", "dealname": "Named"}}).status_code == 201  # fmt: skip
    assert hs.control.post("/crm/objects/2026-03/deals", json=body).status_code == 201
    kept = hs.api.crm.deals.basic_api.get_page(properties=["dealname", "amount"]).results
    assert sorted((d.properties["dealname"] or "") for d in kept) == ["", "Named"]


def test_a_custom_object_by_its_name_and_its_type_id(hs: Clients) -> None:
    """A custom object declared through the control API is created by its ``p{portal}_{name}``
    with an association to a contact, read by its ``2-…`` ID, and its association is seen by both
    clients from both sides."""
    declared = hs.control.post(
        "/_emulator/schemas",
        json={"name": "cars", "objectTypeId": CAR_TYPE_ID, "primaryDisplayProperty": "model"},
    )
    assert declared.status_code == 201, declared.text
    name = declared.json()["fullyQualifiedName"]
    portal = hs.control.get("/_emulator/portals").json()["results"][0]["portalId"]
    assert name == f"p{portal}_cars"

    contact = hs.api.crm.contacts.basic_api.create(
        contacts.SimplePublicObjectInputForCreate(properties={"email": "ada@a.test"})
    ).id
    (kind,) = hs.v4.schema.definitions_api.get_all(CAR_TYPE_ID, "contact").results
    car = hs.api.crm.objects.basic_api.create(
        name,
        objects.SimplePublicObjectInputForCreate(
            properties={"model": "T"},
            associations=[objects.PublicAssociationsForObject(
                to=objects.PublicObjectId(id=contact),
                types=[objects.AssociationSpec(association_category=kind.category,
                                               association_type_id=kind.type_id)],
            )],
        ),
    )  # fmt: skip
    read = hs.api.crm.objects.basic_api.get_by_id(CAR_TYPE_ID, car.id, properties=["model"])
    assert read.properties["model"] == "T"
    assert hs.seen(CAR_TYPE_ID, car.id, "contact") == {contact}
    assert hs.seen("contact", contact, CAR_TYPE_ID) == {car.id}
    with pytest.raises(ObjectsApiException) as caught:
        hs.api.crm.objects.basic_api.get_by_id("p1_trucks", car.id)
    assert caught.value.status == 400


def test_an_id_never_created_exists_only_for_association_calls(hs: Clients) -> None:
    """Without --strict-records an ID nobody created works in association calls while the object
    read 404s it."""
    company = hs.api.crm.companies.basic_api.create(
        companies.SimplePublicObjectInputForCreate(properties={"name": "Acme"})
    ).id
    hs.ours.basic.associate_default("contact", "42", "company", company)
    assert hs.seen("company", company, "contact") == {"42"}
    with pytest.raises(ContactsApiException) as caught:
        hs.api.crm.contacts.basic_api.get_by_id("42")
    assert caught.value.status == 404
    read = hs.api.crm.companies.basic_api.get_by_id(company, associations=["contacts"])
    assert [r.id for r in read.associations["contacts"].results] == ["42"]


def test_strict_records_know_records_created_through_the_object_api() -> None:
    """With --strict-records, records created through the object API exist for the association
    calls at once, and an ID never created is refused."""
    with serve_in_thread(EmulatorConfig(strict_records=True)) as server:
        hs = make_clients(server)
        try:
            contact = hs.api.crm.contacts.basic_api.create(
                contacts.SimplePublicObjectInputForCreate(properties={"email": "ada@a.test"})
            ).id
            company = hs.api.crm.companies.basic_api.create(
                companies.SimplePublicObjectInputForCreate(properties={"name": "Acme"})
            ).id
            hs.v4.basic_api.create_default("contact", contact, "company", company)
            assert hs.seen("company", company, "contact") == {contact}
            hs.refused("contact", "42", "company", company)
        finally:
            hs.ours.close()
            hs.control.close()


@pytest.mark.parametrize(
    "bad",
    [ARABIC_INDIC_ID, HUGE_ID, "0", "-5"],
    ids=["arabic-indic", "4301-digits", "zero", "negative"],
)
def test_object_calls_answer_404_for_ids_that_cannot_be(hs: Clients, bad: str) -> None:
    """IDs no record can have (non-ASCII digits, a 4,301-digit number, zero, negative) are
    HubSpot's 404 OBJECT_NOT_FOUND on every object call naming one, never a 5xx."""
    base = "/crm/v3/objects/contacts"
    calls = [
        ("GET", f"{base}/{bad}", None),
        ("PATCH", f"{base}/{bad}", {"properties": {"firstname": "X"}}),
        ("DELETE", f"{base}/{bad}", None),
        ("POST", f"{base}/merge", {"primaryObjectId": bad, "objectIdToMerge": bad}),
        ("POST", f"{base}/gdpr-delete", {"objectId": bad}),
    ]
    for method, path, body in calls:
        answer = hs.control.request(method, path, json=body)
        assert answer.status_code == 404, (method, path[:60], answer.text)
        assert answer.json()["category"] == "OBJECT_NOT_FOUND"
    read = hs.control.post(f"{base}/batch/read", json={"inputs": [{"id": bad}]})
    assert read.status_code == 207, read.text
    assert read.json()["errors"][0]["context"]["ids"] == [bad]
    with pytest.raises(ContactsApiException) as caught:
        hs.api.crm.contacts.basic_api.get_by_id(bad)
    assert caught.value.status == 404
