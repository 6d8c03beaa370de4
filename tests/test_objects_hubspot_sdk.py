"""HubSpot's new SDK (hubspot-sdk, Stainless-generated, /crm/objects/2026-03/… paths) runs a
user's CRM flow against the emulator: create with associations, read with associations, search
by association, merge, archive and the batch calls, each seen by the association calls of this
package's client and of the SDK. Its search method is called as its own generated tests call it
(only the required arguments; every argument; through ``with_raw_response`` and
``with_streaming_response``) for contacts, companies and deals, with values meaningful to a
server, and every answer must validate against the SDK's own types."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

import hubspot_sdk
import pytest
from hubspot_associations_emulator import RunningEmulator, serve_in_thread
from hubspot_sdk.resources.crm.objects.companies import CompaniesResource
from hubspot_sdk.resources.crm.objects.contacts import ContactsResource
from hubspot_sdk.resources.crm.objects.deals import DealsResource
from hubspot_sdk.types.crm import (
    CollectionResponseWithTotalSimplePublicObject,
    SimplePublicObject,
)
from hubspot_sdk.types.crm.filter_group_param import FilterGroupParam
from hubspot_sdk.types.crm.public_associations_for_object_param import (
    PublicAssociationsForObjectParam,
)

from hubspot_associations import BadRequestError, HubSpotAssociations

__all__: list[str] = []

DEAL_TO_COMPANY = 341
DEAL_TO_CONTACT = 3
CONTACT_TO_COMPANY = 279

Searchable: TypeAlias = ContactsResource | CompaniesResource | DealsResource


@dataclass
class Clients:
    """The SDK as users build it (loose), the SDK validating every answer against its types
    (strict), and this package's client on 2026-03.

    The strict client reads only records whose asked-for properties are all set: HubSpot (and
    the emulator) answer an unset property as null, which the SDK's ``Dict[str, str]`` refuses.
    """

    sdk: hubspot_sdk.HubSpot
    strict: hubspot_sdk.HubSpot
    ours: HubSpotAssociations
    url: str

    def seen(self, from_type: str, from_id: str, to_type: str) -> set[str]:
        """The records associated with one record, read by this package's client and by the
        SDK's associations resource, which must agree."""
        ours = {str(r.to_object_id) for r in self.ours.basic.iter_all(from_type, from_id, to_type)}
        page = self.strict.crm.associations.list(to_type, object_type=from_type, object_id=from_id)
        theirs = {r.to_object_id for r in page.results}
        assert ours == theirs, (from_type, from_id, to_type)
        return ours


@pytest.fixture(scope="module")
def module_clients() -> Iterator[Clients]:
    """One emulator on 127.0.0.1 for the module, and the clients."""
    server: RunningEmulator
    with serve_in_thread() as server:
        url, token = server.base_url, server.token
        with (
            hubspot_sdk.HubSpot(access_token=token, base_url=url, max_retries=0) as sdk,
            hubspot_sdk.HubSpot(
                access_token=token, base_url=url, max_retries=0, _strict_response_validation=True
            ) as strict,
            HubSpotAssociations(
                token, base_url=url, rate_limit=None, api_version="2026-03"
            ) as ours,
        ):
            yield Clients(sdk, strict, ours, url)


@pytest.fixture
def hs(module_clients: Clients) -> Clients:
    """The module's clients, the emulator reset first."""
    reset = module_clients.sdk.post("/_emulator/reset", cast_to=object, body={})
    assert reset == {"status": "ok"}
    return module_clients


def to(record_id: str, type_id: int) -> PublicAssociationsForObjectParam:
    """One ``associations`` input of a create, as the SDK takes it."""
    return {
        "to": {"id": record_id},
        "types": [{"association_category": "HUBSPOT_DEFINED", "association_type_id": type_id}],
    }


def test_create_read_search_merge_archive(hs: Clients) -> None:
    """A deal created with its company and two contacts in one call on 2026-03 paths is seen by
    both association readers and a read with ``associations``; a search by
    ``associations.company`` finds it; a merge moves its contact association to the primary;
    archiving it removes its associations from every side."""
    crm = hs.sdk.crm.objects
    company = crm.companies.create(associations=[], properties={"name": "Acme"}).id
    first = crm.contacts.create(associations=[], properties={"email": "ada@a.test"}).id
    second = crm.contacts.create(
        associations=[to(company, CONTACT_TO_COMPANY)], properties={"email": "bob@a.test"}
    ).id
    deal = crm.deals.create(
        associations=[to(company, DEAL_TO_COMPANY), to(first, DEAL_TO_CONTACT)],
        properties={"dealname": "Big one", "amount": "1500"},
    )
    assert deal.properties["amount"] == "1500"
    assert hs.seen("deal", deal.id, "company") == {company}
    assert hs.seen("company", company, "deal") == {deal.id}
    assert hs.seen("contact", first, "deal") == {deal.id}

    read = crm.deals.get(deal.id, associations=["companies", "contacts"], properties=["dealname"])
    assert read.associations is not None
    assert [r.id for r in read.associations["companies"].results] == [company]
    assert [r.id for r in read.associations["contacts"].results] == [first]

    by_company: list[FilterGroupParam] = [
        {"filters": [{"operator": "EQ", "property_name": "associations.company", "value": company}]}
    ]
    found = crm.deals.search(
        after="0", filter_groups=by_company, limit=10, properties=["dealname"], sorts=["dealname"]
    )
    assert (found.total, [r.id for r in found.results]) == (1, [deal.id])

    merged = crm.contacts.merge(object_id_to_merge=first, primary_object_id=second)
    assert merged.id == second
    assert hs.seen("deal", deal.id, "contact") == {second}
    assert hs.seen("contact", second, "deal") == {deal.id}
    assert hs.sdk.crm.objects.contacts.get(first).id == second
    with pytest.raises(BadRequestError, match="is not valid"):
        hs.ours.basic.associate_default("contact", first, "company", company)

    crm.deals.delete(deal.id)
    assert hs.seen("company", company, "deal") == set()
    assert hs.seen("contact", second, "deal") == set()
    with pytest.raises(hubspot_sdk.NotFoundError):
        crm.deals.get(deal.id)
    archived = crm.deals.get(deal.id, archived=True, properties=["dealname"])
    assert archived.archived is True
    after = crm.deals.search(
        after="0", filter_groups=by_company, limit=10, properties=["dealname"], sorts=["dealname"]
    )
    assert (after.total, after.results) == (0, [])


def test_batch_calls(hs: Clients) -> None:
    """Batch create (with associations), read (a missing ID answered 207 with its error),
    update, upsert by email (``new``) and archive on 2026-03 paths, each parsed into the
    SDK's types; the association calls follow."""
    crm = hs.sdk.crm.objects
    company = crm.companies.create(associations=[], properties={"name": "Acme"}).id
    created = crm.contacts.batch.create(
        inputs=[
            {
                "properties": {"email": f"c{i}@a.test", "firstname": f"C{i}", "lastname": "X"},
                "associations": [to(company, CONTACT_TO_COMPANY)],
            }
            for i in range(3)
        ]
    )
    ids = sorted(r.id for r in created.results)
    assert len(ids) == 3
    assert hs.seen("company", company, "contact") == set(ids)

    raw = crm.contacts.batch.with_raw_response.get(
        inputs=[{"id": i} for i in [*ids, "424242"]],
        properties=["firstname"],
        properties_with_history=[],
    )
    assert raw.status_code == 207
    assert sorted(r.id for r in raw.parse().results) == ids
    assert raw.http_response.json()["errors"][0]["context"]["ids"] == ["424242"]

    updated = crm.contacts.batch.update(
        inputs=[{"id": ids[0], "properties": {"lastname": "Lovelace"}}]
    )
    assert updated.results[0].properties["lastname"] == "Lovelace"
    upserted = crm.contacts.batch.upsert(
        inputs=[
            {"id": email, "id_property": "email", "properties": {"firstname": "Up"}}
            for email in ("c1@a.test", "new@a.test")
        ]
    )
    new = {r.properties["email"]: (r.new, r.id) for r in upserted.results}
    assert new["c1@a.test"] == (False, ids[1])
    assert new["new@a.test"][0] is True

    crm.contacts.batch.delete(inputs=[{"id": ids[0]}, {"id": ids[1]}])
    assert hs.seen("company", company, "contact") == {ids[2]}
    assert hs.seen("contact", ids[0], "company") == set()


# Per searched type: its resource's name, a text property and a number property, and three
# records (text, number) with every property the searches ask for set, so that the strict SDK
# client validates every answer (an unset property answers null, which the SDK types refuse).
SEARCHED = {
    "contacts": ("email", "score", [("ada@a.test", 10), ("bob@a.test", 20), ("cy@b.test", 30)]),
    "companies": (
        "name",
        "numberofemployees",
        [("Acme", 10), ("Bolt", 20), ("Core", 30)],
    ),
    "deals": ("dealname", "amount", [("Alpha", 10), ("Beta", 20), ("Gamma", 30)]),
}


def resource(client: hubspot_sdk.HubSpot, name: str) -> Searchable:
    """A client's resource of one object type."""
    objects = client.crm.objects
    found: dict[str, Searchable] = {
        "contacts": objects.contacts,
        "companies": objects.companies,
        "deals": objects.deals,
    }
    return found[name]


@pytest.mark.parametrize("name", sorted(SEARCHED))
def test_search_with_every_argument_raw_and_streaming(hs: Clients, name: str) -> None:
    """``search`` with only its required arguments, with every argument (filters using
    propertyName, operator, value, highValue and values; sorts; properties; limit; after;
    query), and through ``with_raw_response`` and ``with_streaming_response``: each answer
    validates against CollectionResponseWithTotalSimplePublicObject and holds what the
    arguments select."""
    text, number, rows = SEARCHED[name]
    api = resource(hs.strict, name)
    made = {
        value: resource(hs.sdk, name)
        .create(associations=[], properties={text: value, number: str(n)})
        .id
        for value, n in rows
    }
    wanted = [text, number]

    # Only the required arguments: a filter of just propertyName and operator, one sort.
    has: list[FilterGroupParam] = [
        {"filters": [{"property_name": number, "operator": "HAS_PROPERTY"}]}
    ]
    first = api.search(after="0", filter_groups=has, limit=2, properties=wanted, sorts=[number])
    assert isinstance(first, CollectionResponseWithTotalSimplePublicObject)
    assert first.total == 3
    assert [r.properties[number] for r in first.results] == ["10", "20"]
    assert all(isinstance(r, SimplePublicObject) for r in first.results)
    assert first.paging is not None
    assert first.paging.next is not None
    cursor = first.paging.next.after

    # Every argument: two filter groups (ORed) using every filter field, a descending sort,
    # the query, and the cursor of the first page.
    every: list[FilterGroupParam] = [
        {
            "filters": [
                {"property_name": number, "operator": "BETWEEN", "value": "5", "high_value": "25"},
                {"property_name": text, "operator": "IN", "values": [rows[0][0], rows[1][0]]},
            ]
        },
        {"filters": [{"property_name": number, "operator": "EQ", "value": "30"}]},
    ]
    query = rows[2][0].split("@")[0]
    full = api.search(
        after="0",
        filter_groups=every,
        limit=1,
        properties=wanted,
        sorts=[f"-{number}"],
        query=query,
    )
    assert (full.total, [r.id for r in full.results]) == (1, [made[rows[2][0]]])
    both = api.search(
        after=cursor, filter_groups=every, limit=2, properties=wanted, sorts=[f"-{number}"]
    )
    assert both.total == 3
    assert [r.properties[number] for r in both.results] == ["10"]  # past the first two

    raw = api.with_raw_response.search(
        after="0", filter_groups=has, limit=2, properties=wanted, sorts=[number]
    )
    assert raw.status_code == 200
    # The SDK names deals by type ID (0-3) and the others by name: both on 2026-03.
    assert raw.http_request.url.path.startswith("/crm/objects/2026-03/")
    assert raw.http_request.url.path.endswith("/search")
    parsed = raw.parse()
    assert isinstance(parsed, CollectionResponseWithTotalSimplePublicObject)
    assert [r.id for r in parsed.results] == [r.id for r in first.results]

    with api.with_streaming_response.search(
        after=cursor, filter_groups=has, limit=2, properties=wanted, sorts=[number], query=""
    ) as streamed:
        assert not streamed.is_closed
        page = streamed.parse()
    assert streamed.is_closed
    assert isinstance(page, CollectionResponseWithTotalSimplePublicObject)
    assert [r.properties[text] for r in page.results] == [rows[2][0]]
    assert page.paging is None
