"""migrate-report on traffic that mixes CRM object calls with association calls, recorded as the
emulator's journal (JSON Lines): the object calls are counted by name and not judged (neither
unmapped nor errors), and ``--replay`` sends them to both emulators with the record IDs they
created mapped, so that later association calls naming those IDs replay faithfully."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread
from hubspot_associations_emulator.object_routes import OBJECT_API_OPERATIONS
from hubspot_associations_emulator.release_table import RELEASES as EMULATOR_RELEASES

from hubspot_associations import HubSpotAssociations
from hubspot_associations._release_table import RELEASE_DATA
from hubspot_associations.cli import main
from hubspot_associations.cli._migration.objects import (
    OBJECT_OPERATIONS,
    object_call,
    objects_base,
)
from hubspot_associations.cli._migration.replay import replay
from hubspot_associations.cli._migration.report import build_report, render_text
from hubspot_associations.cli._migration.traffic import read_traffic

DEAL_TO_COMPANY = 341  # HubSpot-defined, unlabeled
NOT_JUDGED = "not judged: migrate-report judges association calls"


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal of an app's flow on an emulator whose first two companies were made with the
    journal off, so the traffic's IDs (…03 on) are not the ones a fresh emulator hands out
    (…01 on): a replay must map them. Object calls on v3 and 2026-03 paths, association calls
    through this package's client, a v3 associations call and another API's."""
    with serve_in_thread(EmulatorConfig()) as server:
        auth = {"Authorization": f"Bearer {server.token}"}
        with httpx.Client(base_url=server.base_url, headers=auth) as http:
            http.put("/_emulator/journal", json={"enabled": False}).raise_for_status()
            for name in ("Filler 1", "Filler 2"):
                http.post("/crm/v3/objects/companies", json={"properties": {"name": name}})
            http.put("/_emulator/journal", json={"enabled": True}).raise_for_status()
            company = http.post(
                "/crm/v3/objects/companies", json={"properties": {"name": "Acme"}}
            ).json()["id"]
            types = [{"associationCategory": "HUBSPOT_DEFINED",
                      "associationTypeId": DEAL_TO_COMPANY}]  # fmt: skip
            deal = http.post("/crm/v3/objects/deals", json={
                "properties": {"dealname": "Renewal"},
                "associations": [{"to": {"id": company}, "types": types}],
            }).json()["id"]  # fmt: skip
            assert (company, deal) == ("10000000003", "10000000004")
            http.get(f"/crm/v3/objects/deals/{deal}", params={"associations": "companies"})
            filters = [{"propertyName": "associations.company", "operator": "EQ",
                        "value": company}]  # fmt: skip
            http.post("/crm/objects/2026-03/deals/search", json={"filterGroups": [
                {"filters": filters}]})  # fmt: skip
            # The second input's email is taken: v4 answers 207, 2026-09's objects file 201.
            contacts = http.post("/crm/v3/objects/contacts/batch/create", json={"inputs": [
                {"properties": {"email": "ada@a.test"}}, {"properties": {"email": "ada@a.test"}},
            ]}).json()["results"]  # fmt: skip
            with HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None) as c:
                c.basic.associate_default("contact", contacts[0]["id"], "company", company)
                c.basic.get_page("company", company, "contact")
            http.get(f"/crm/v3/objects/deals/{deal}/associations/companies")  # v3: not served
            http.get("/crm/v3/properties/deals")
            text = http.get("/_emulator/journal.jsonl").text
    path = tmp_path_factory.mktemp("traffic") / "traffic.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


def test_object_calls_are_counted_apart_and_not_judged(journal: Path) -> None:
    """The report counts the object calls by name (on v3 and dated paths) in a section of their
    own, lists only the other APIs as unmapped, judges the association calls alone, and does
    not count the object calls' v3 paths towards the release the traffic mostly used."""
    traffic = read_traffic(journal)
    report = build_report(traffic, "2026-09")
    assert report.object_calls == {"batch_create_objects": 1, "create_object": 2,
                                   "get_object": 1, "search_objects": 1}  # fmt: skip
    assert [o.operation for o in report.operations] == ["associate_default", "list_associations"]
    assert report.unmapped == [
        "GET /crm/v3/objects/deals/10000000004/associations/companies",
        "GET /crm/v3/properties/deals",
    ]
    lines = render_text(report)
    at = lines.index(f"  object calls (5), {NOT_JUDGED}:")
    assert (
        lines[at + 1]
        == "      batch_create_objects 1, create_object 2, get_object 1, search_objects 1"
    )
    # Only the two association calls (v4) decide the source, whatever the object paths say.
    objects_only = build_report([x for x in traffic if "/crm/v4/" not in x.path], "2026-09")
    assert (objects_only.source, objects_only.operations, objects_only.exit_code) == (
        "2026-09",
        [],
        0,
    )


def test_the_command_line_s_json_names_the_object_calls(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json carries objectCalls (total, by operation, the note) beside the judged report."""
    code = main(["migrate-report", "--to", "2026-03", "--json", str(journal)])
    printed = json.loads(capsys.readouterr().out)
    assert printed["objectCalls"]["total"] == 5
    assert printed["objectCalls"]["operations"]["create_object"] == 2
    assert printed["objectCalls"]["note"] == NOT_JUDGED
    assert (code, printed["exitCode"]) == (0, 0)  # v4 → 2026-03: only paths change


def test_replay_sends_object_calls_with_their_ids_mapped(journal: Path) -> None:
    """--replay creates the traffic's records in both emulators and maps their IDs: the deal
    created with its company and the association write naming a created contact replay as
    recorded, both stores end with the same four association rows, and the object batch's 207
    against 2026-09's 201 is listed apart without making the exit code 1 (2026-09's missing
    list call does)."""
    report = replay(read_traffic(journal), "v4", "2026-09")
    assert [(d.index, d.operation) for d in report.object_differences] == [
        (4, "batch_create_objects")
    ]
    assert [(d.index, d.operation) for d in report.differences] == [(6, "list_associations")]
    assert report.unfaithful == [
        "#6 list_associations (GET /crm/v4/objects/company/10000000003/associations/contact): "
        "2026-09 has no list_associations; sent anyway, answered 404",
        "#7 GET /crm/v3/objects/deals/10000000004/associations/companies: maps to no operation "
        "(not sent)",
        "#8 GET /crm/v3/properties/deals: maps to no operation (not sent)",
    ]
    assert report.state_differences == []
    # deal ↔ company from the create, contact ↔ company from associate_default: both ways.
    assert report.state_counts["source"]["associations"] == 4
    assert report.state_counts["target"]["associations"] == 4
    without_lacking = replay(read_traffic(journal), "v4", "2026-03")
    assert (without_lacking.object_differences, without_lacking.exit_code) == ([], 0)
    text = "\n".join(report.render_text())
    assert f"object calls answered differently ({NOT_JUDGED}) (1):" in text


def test_object_operations_and_bases_are_the_emulator_s() -> None:
    """The migration's spelt-out object table and each release's objects base agree with the
    emulator's, and an object call is told from a v3 associations call and a v4 path."""
    assert OBJECT_OPERATIONS == OBJECT_API_OPERATIONS
    for release in RELEASE_DATA:
        assert objects_base(release) == EMULATOR_RELEASES[release]["objects_base"], release
        call = object_call("POST", f"{objects_base(release)}/deals/batch/upsert")
        assert call is not None
        assert (call.operation, call.release) == ("batch_upsert_objects", release)
    beta = object_call("DELETE", "/crm/objects/2026-09-beta/p42_cars/7")
    assert beta is not None
    assert (beta.operation, beta.release) == ("archive_object", None)
    assert object_call("GET", "/crm/v3/objects/deals/1/associations/companies") is None
    assert object_call("POST", "/crm/v4/objects/deals") is None
    assert object_call("PUT", "/crm/v3/objects/deals/1") is None
