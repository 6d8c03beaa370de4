"""CRM objects belong to one portal: through HubSpot's official client and this package's client,
one portal's token reads, searches, lists and associates only its own portal's objects, although
both portals count their object IDs from the same start; each portal's snapshot (version 3)
holds its own objects, and restoring one brings its objects and their associations back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import hubspot
import pytest
from hubspot.crm import companies, contacts, deals, objects
from hubspot.crm.contacts import ApiException as ContactsApiException
from hubspot.crm.deals import ApiException as DealsApiException
from hubspot.crm.objects import ApiException as ObjectsApiException
from hubspot_associations_emulator import serve_in_thread

from hubspot_associations import BadRequestError, HubSpotAssociations

__all__: list[str] = []

A, B = 7101, 7102
TOKENS = {A: "objects-portal-a-token", B: "objects-portal-b-token"}
DEAL_TO_COMPANY = 341
DEAL_TO_CONTACT = 3


@dataclass
class Portal:
    """Both clients speaking through one portal's token."""

    number: int
    api: Any  # hubspot.HubSpot (untyped)
    v4: Any  # its crm.associations.v4, kept (each attribute access builds an ApiClient)
    ours: HubSpotAssociations

    def seen(self, from_type: str, from_id: str, to_type: str) -> set[str]:
        """The records associated with one record in this portal, read by both clients (which
        must agree)."""
        ours = {str(r.to_object_id) for r in self.ours.basic.iter_all(from_type, from_id, to_type)}
        page = self.v4.basic_api.get_page(from_type, from_id, to_type, limit=500)
        assert ours == {r.to_object_id for r in page.results}, (self.number, from_type, from_id)
        return ours

    def contact(self, email: str) -> str:
        """A new contact's ID."""
        made = self.api.crm.contacts.basic_api.create(
            contacts.SimplePublicObjectInputForCreate(properties={"email": email})
        )
        return str(made.id)


@dataclass
class Setup:
    """The emulator's URL and a portal's clients per portal number."""

    url: str
    portals: dict[int, Portal]


@pytest.fixture(scope="module")
def module_setup() -> Iterator[Setup]:
    """One emulator for the module and both clients of each portal."""
    with serve_in_thread() as server:
        made: dict[int, Portal] = {}
        for number, token in TOKENS.items():
            api = hubspot.HubSpot(access_token=token, host=server.base_url)
            ours = HubSpotAssociations(token, base_url=server.base_url, rate_limit=None)
            made[number] = Portal(number, api, api.crm.associations.v4, ours)
        yield Setup(server.base_url, made)
        for portal in made.values():
            portal.ours.close()


@pytest.fixture
def setup(module_setup: Setup) -> Setup:
    """Every portal emptied, then the two portals' tokens added again."""
    url = module_setup.url
    assert httpx.post(f"{url}/_emulator/reset").status_code == 200
    for number, token in TOKENS.items():
        added = httpx.post(f"{url}/_emulator/tokens", json={"token": token, "portalId": number})
        assert added.status_code == 201, added.text
    return module_setup


@dataclass
class Made:
    """What portal A holds: a company, two contacts, a deal associated with the company and
    the first contact."""

    company: str
    first: str
    second: str
    deal: str


def fill(portal: Portal) -> Made:
    """Two contacts and a company, then a deal created with its associations, in one portal
    (the contacts first: one ID counter serves every object type of a portal)."""
    first, second = portal.contact("ada@a.test"), portal.contact("bob@a.test")
    company = portal.api.crm.companies.basic_api.create(
        companies.SimplePublicObjectInputForCreate(properties={"name": "Acme"})
    ).id
    spec = deals.AssociationSpec
    deal = portal.api.crm.deals.basic_api.create(
        deals.SimplePublicObjectInputForCreate(
            properties={"dealname": "Big one"},
            associations=[
                deals.PublicAssociationsForObject(
                    to=deals.PublicObjectId(id=company),
                    types=[spec(association_category="HUBSPOT_DEFINED",
                                association_type_id=DEAL_TO_COMPANY)],
                ),
                deals.PublicAssociationsForObject(
                    to=deals.PublicObjectId(id=first),
                    types=[spec(association_category="HUBSPOT_DEFINED",
                                association_type_id=DEAL_TO_CONTACT)],
                ),
            ],
        )
    ).id  # fmt: skip
    return Made(company, first, second, deal)


def search_emails(portal: Portal, email: str) -> tuple[int, list[str]]:
    """(total, IDs) of a contact search by email in one portal."""
    by_email = contacts.Filter(property_name="email", operator="EQ", value=email)
    found = portal.api.crm.contacts.search_api.do_search(
        contacts.PublicObjectSearchRequest(filter_groups=[contacts.FilterGroup([by_email])])
    )
    return found.total, [r.id for r in found.results]


def test_one_portals_objects_are_invisible_to_another(setup: Setup) -> None:
    """Portal B's token reads none of portal A's objects (404, archived or not), finds none by
    search or list, sees none of their associations, and its own first contact gets the same ID
    as A's first: each portal counts its own IDs."""
    a, b = setup.portals[A], setup.portals[B]
    made = fill(a)
    assert search_emails(a, "ada@a.test") == (1, [made.first])

    for archived in (False, True):
        with pytest.raises(DealsApiException) as caught:
            b.api.crm.deals.basic_api.get_by_id(made.deal, archived=archived)
        assert caught.value.status == 404
    assert search_emails(b, "ada@a.test") == (0, [])
    assert b.api.crm.contacts.basic_api.get_page().results == []
    assert b.api.crm.deals.basic_api.get_page().results == []
    read = b.api.crm.contacts.batch_api.read(
        contacts.BatchReadInputSimplePublicObjectId(
            properties=["email"], inputs=[contacts.SimplePublicObjectId(id=made.first)]
        )
    )
    assert (read.results, read.errors[0].context["ids"]) == ([], [made.first])
    assert b.seen("deal", made.deal, "company") == set()
    assert b.seen("company", made.company, "deal") == set()
    assert b.seen("contact", made.first, "deal") == set()
    by_company = deals.Filter(
        property_name="associations.company", operator="EQ", value=made.company
    )
    found = b.api.crm.deals.search_api.do_search(
        deals.PublicObjectSearchRequest(filter_groups=[deals.FilterGroup([by_company])])
    )
    assert (found.total, found.results) == (0, [])

    own = b.contact("ada@a.test")  # the email is free in B: uniqueness is per portal too
    assert own == made.first
    assert b.api.crm.contacts.basic_api.get_by_id(own).properties["email"] == "ada@a.test"
    assert search_emails(b, "bob@a.test") == (0, [])
    assert b.seen("contact", own, "deal") == set()
    # A's records are untouched by what B did with the same IDs.
    assert a.seen("contact", made.first, "deal") == {made.deal}
    assert a.seen("deal", made.deal, "company") == {made.company}


def test_writes_in_one_portal_leave_the_others_objects(setup: Setup) -> None:
    """B archiving, merging or GDPR-deleting its records with A's IDs changes none of A's
    objects nor associations; a custom object type declared in A is unknown in B."""
    a, b = setup.portals[A], setup.portals[B]
    made = fill(a)
    mine = fill(b)
    assert mine == made  # the same IDs in both portals, on purpose: a leak would show
    b.api.crm.deals.basic_api.archive(mine.deal)
    b.api.crm.contacts.basic_api.merge(
        contacts.PublicMergeInput(primary_object_id=mine.second, object_id_to_merge=mine.first)
    )
    b.api.crm.contacts.basic_api.purge(contacts.PublicGdprDeleteInput(object_id=mine.second))
    with pytest.raises(ContactsApiException):
        b.api.crm.contacts.basic_api.get_by_id(mine.first)
    with pytest.raises(BadRequestError, match="is not valid"):
        b.ours.basic.associate_default("deal", mine.deal, "company", mine.company)

    assert a.api.crm.deals.basic_api.get_by_id(made.deal).archived is False
    assert a.api.crm.contacts.basic_api.get_by_id(made.first).id == made.first
    assert a.seen("deal", made.deal, "contact") == {made.first}
    assert a.seen("company", made.company, "deal") == {made.deal}
    a.ours.basic.associate_default("deal", made.deal, "contact", made.second)
    assert a.seen("contact", made.second, "deal") == {made.deal}

    declared = httpx.post(
        f"{setup.url}/_emulator/schemas",
        json={"portalId": A, "name": "cars", "objectTypeId": "2-3456"},
    )
    assert declared.status_code == 201, declared.text
    car = a.api.crm.objects.basic_api.create(
        f"p{A}_cars", objects.SimplePublicObjectInputForCreate(properties={"model": "T"})
    )
    with pytest.raises(ObjectsApiException) as caught:
        b.api.crm.objects.basic_api.get_by_id("2-3456", car.id)
    assert caught.value.status == 400
    assert "Unable to infer object type" in caught.value.body


def snapshot(url: str, number: int) -> dict[str, Any]:
    """One portal's snapshot."""
    answer = httpx.get(f"{url}/_emulator/snapshot", params={"portalId": number})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def object_ids(shot: dict[str, Any]) -> dict[str, set[str]]:
    """The object IDs a snapshot holds, per object type ID (rows: type, id, properties, …)."""
    out: dict[str, set[str]] = {}
    for row in shot["tables"]["objects"]:
        out.setdefault(row[0], set()).add(str(row[1]))
    return out


def test_snapshots_hold_each_portals_objects_and_restore_them(setup: Setup) -> None:
    """Each portal's version-3 snapshot holds its own objects; after portal A is reset, putting
    its snapshot back brings its objects and their associations back (an archived record still
    archived and refused by the association calls), leaves B alone, and new IDs continue past the
    restored ones."""
    a, b = setup.portals[A], setup.portals[B]
    made = fill(a)
    a.api.crm.contacts.basic_api.archive(made.second)
    mine = b.contact("cy@b.test")

    shot = snapshot(setup.url, A)
    assert (shot["version"], shot["portalId"]) == (3, A)
    assert object_ids(shot) == {
        "0-1": {made.first, made.second},
        "0-2": {made.company},
        "0-3": {made.deal},
    }
    other = snapshot(setup.url, B)
    assert object_ids(other) == {"0-1": {mine}}
    emails = [row[2] for row in other["tables"]["objects"]]
    assert emails == ['{"email": "cy@b.test"}']

    reset = httpx.post(f"{setup.url}/_emulator/reset", json={"portalId": A})
    assert reset.status_code == 200
    with pytest.raises(DealsApiException):
        a.api.crm.deals.basic_api.get_by_id(made.deal)
    assert a.seen("company", made.company, "deal") == set()

    restored = httpx.put(f"{setup.url}/_emulator/snapshot", json=shot)
    assert restored.status_code == 200, restored.text
    assert restored.json()["portalId"] == A
    read = a.api.crm.deals.basic_api.get_by_id(made.deal, associations=["companies", "contacts"])
    assert [r.id for r in read.associations["companies"].results] == [made.company]
    assert [r.id for r in read.associations["contacts"].results] == [made.first]
    assert a.seen("company", made.company, "deal") == {made.deal}
    assert a.seen("contact", made.first, "deal") == {made.deal}
    assert search_emails(a, "ada@a.test") == (1, [made.first])
    with pytest.raises(ContactsApiException):
        a.api.crm.contacts.basic_api.get_by_id(made.second)
    assert a.api.crm.contacts.basic_api.get_by_id(made.second, archived=True).archived is True
    with pytest.raises(BadRequestError, match="is not valid"):
        a.ours.basic.associate_default("contact", made.second, "company", made.company)

    fresh = a.contact("dee@a.test")
    assert fresh not in {made.company, made.first, made.second, made.deal}
    assert b.api.crm.contacts.basic_api.get_by_id(mine).properties["email"] == "cy@b.test"
    assert search_emails(b, "ada@a.test") == (0, [])
