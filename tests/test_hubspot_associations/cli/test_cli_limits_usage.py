"""`limits usage labels|sources|targets|records`, run as a process against the emulator after the
state was built through the API: the table, the --json shape, and refusals before sending."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.test_hubspot_associations.cli.cli_helpers import HEADERS, counts, run

V4 = "/crm/v4"


def build(server: str) -> None:
    """A paired label, a limit of 2 on contact→company, contact 1 at it and contact 2 below it."""
    labels = f"{server}{V4}/associations/contact/company/labels"
    made = httpx.post(labels, headers=HEADERS,
                      json={"name": "billing", "label": "Billing", "inverseLabel": "Billed by"})  # fmt: skip
    made.raise_for_status()
    limits = f"{server}{V4}/associations/definitions/configurations/contact/company/batch/create"
    body = {"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "maxToObjectIds": 2}]}
    httpx.post(limits, headers=HEADERS, json=body).raise_for_status()
    for contact, company in ((1, 11), (1, 12), (2, 21)):
        url = f"{server}{V4}/objects/contact/{contact}/associations/default/company/{company}"
        httpx.put(url, headers=HEADERS).raise_for_status()


def test_labels_json_is_hubspots_shape(server: str) -> None:
    """--json prints each pair as HubSpot answers it; --from/--to narrow to one pair."""
    build(server)
    ran = run(["limits", "usage", "labels", "--from", "contacts", "--to", "0-2", "--json"], server)
    assert ran.code == 0, ran.err
    (pair,) = json.loads(ran.out)
    assert pair["fromObjectType"]["objectTypeId"] == "0-1"
    assert (pair["usage"], pair["limit"], pair["allLabels"]) == (1, 10, ["Billing"])


def test_labels_table_lists_every_pair_with_a_label(server: str) -> None:
    """Without filters, both directions of the paired label, each with its wording."""
    build(server)
    ran = run(["limits", "usage", "labels"], server, COLUMNS="200")
    assert ran.code == 0, ran.err
    assert "0-1" in ran.out
    assert "Billing" in ran.out
    assert "Billed by" in ran.out
    assert "10.0" not in ran.out  # the percentage is shown as 10, not 10.0


def test_records_reports_the_record_at_its_limit(server: str) -> None:
    """records contact company: one record at the limit (contact 1), none near; JSON and table."""
    build(server)
    ran = run(["limits", "usage", "records", "contact", "company", "--json"], server)
    assert ran.code == 0, ran.err
    answer = json.loads(ran.out)
    assert (answer["totalRecordsAtLimit"], answer["totalRecordsNearLimit"]) == (1, 0)
    assert answer["atLimitFromRecordSamples"] == [{"objectId": "1", "label": "Contact 1"}]
    table = run(["limits", "usage", "records", "contact", "company"], server, COLUMNS="200")
    assert table.code == 0, table.err
    assert "Contact 1" in table.out


def test_sources_and_targets_flag_the_contact_type(server: str) -> None:
    """sources lists contacts at a limit; targets of contacts lists companies at it."""
    build(server)
    sources = json.loads(run(["limits", "usage", "sources", "--json"], server).out)
    flags = {s["objectTypeId"]: s["hasRecordsAtLimit"] for s in sources}
    assert flags["0-1"] is True
    assert flags.get("0-2", False) is False
    targets = json.loads(run(["limits", "usage", "targets", "0-1", "--json"], server).out)
    assert [(t["objectTypeId"], t["hasRecordsAtLimit"]) for t in targets] == [("0-2", True)]


@pytest.mark.parametrize(
    "args",
    [["targets", "p_cars"], ["records", "contact", "p12345_cars"], ["labels", "--to", "lead"]],
)
def test_a_custom_object_by_name_exits_2_before_sending(server: str, args: list[str]) -> None:
    """A custom object given by name: exit 2, a message naming the type ID, no request sent."""
    ran = run(["limits", "usage", *args], server)
    assert ran.code == 2
    assert "type ID" in ran.err
    assert "Traceback" not in ran.err
    assert not counts(server)["operations"]
