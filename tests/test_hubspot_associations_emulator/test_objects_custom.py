"""Custom object types as a user declares and uses them: conflicts refused, names accepted by
the association calls too, association type names, an archive repeated, one portal read back."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hubspot_associations_emulator import RunningEmulator


@pytest.fixture
def http(server: RunningEmulator) -> Iterator[httpx.Client]:
    """An authenticated client of the module's emulator, after a full reset, with a custom
    object type ``cars`` (2-3456) declared."""
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as client:
        client.post("/_emulator/reset")
        made = client.post("/_emulator/schemas", json={"name": "cars", "objectTypeId": "2-3456"})
        assert made.status_code == 201, made.text
        yield client


def test_a_taken_type_id_or_a_hubspot_name_is_refused(http: httpx.Client) -> None:
    """Reusing a type ID under another name is a 409 (it replaced the schema, hiding its
    records); naming a custom object after a HubSpot type is a 400 (it hid that type)."""
    again = http.post("/_emulator/schemas", json={"name": "bikes", "objectTypeId": "2-3456"})
    assert again.status_code == 409
    assert "named cars" in again.json()["message"]
    clash = http.post("/_emulator/schemas", json={"name": "contacts", "objectTypeId": "2-1"})
    assert clash.status_code == 400
    assert [s["name"] for s in http.get("/_emulator/schemas").json()["results"]] == ["cars"]
    contact = http.post("/crm/v3/objects/contacts", json={"properties": {"email": "z@z.test"}})
    assert "lastmodifieddate" in contact.json()["properties"]  # still HubSpot's contacts


def test_association_calls_take_a_custom_objects_names(http: httpx.Client) -> None:
    """The association calls accept ``cars`` and ``p{portal}_cars`` as the object calls do, and
    an object read's associations name the custom type and its pair."""
    car = http.post("/crm/v3/objects/cars", json={"properties": {"name": "Golf"}}).json()["id"]
    company = http.post("/crm/v3/objects/companies", json={"properties": {"name": "A"}}).json()
    r = http.put(
        f"/crm/v4/objects/p12345678_cars/{car}/associations/default/companies/{company['id']}"
    )
    assert r.status_code == 200, r.text
    assert http.get("/crm/v4/associations/cars/companies/labels").status_code == 200
    read = http.get(f"/crm/v3/objects/companies/{company['id']}?associations=cars").json()
    assert read["associations"]["cars"]["results"] == [
        {"id": car, "type": "company_to_2-3456_unlabeled"}
    ]


def test_archiving_twice_answers_204_and_a_portal_reads_back(http: httpx.Client) -> None:
    """A second DELETE of an archived record is a 204 again (a never-made one a 404); GET
    /_emulator/portals/{id} answers one portal."""
    made = http.post("/crm/v3/objects/companies", json={"properties": {"name": "B"}}).json()
    assert http.delete(f"/crm/v3/objects/companies/{made['id']}").status_code == 204
    assert http.delete(f"/crm/v3/objects/companies/{made['id']}").status_code == 204
    assert http.delete("/crm/v3/objects/companies/999").status_code == 404
    one = http.get("/_emulator/portals/12345678")
    assert one.status_code == 200
    assert one.json()["portalId"] == 12345678
