"""``migrate-report --replay``: recorded traffic sent again to a source and a target emulator."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import HubSpotAssociations
from hubspot_associations.cli._migration.replay import (
    BODY_KEPT,
    ReplayUnavailable,
    compare_states,
    replay,
)
from hubspot_associations.cli._migration.traffic import Exchange, read_traffic

Actions = Callable[[HubSpotAssociations, httpx.Client], None]


def record(
    tmp_path: Path, actions: Actions, seed: dict[str, Any] | None = None
) -> tuple[list[Exchange], int]:
    """Run ``actions`` against a fresh emulator (seeded first, outside the journal): its journal
    read back as traffic, and how many association rows its store then held."""
    with serve_in_thread(EmulatorConfig()) as server:
        control = httpx.Client(base_url=server.base_url)
        if seed:
            control.post("/_emulator/seed", json=seed).raise_for_status()
        http = httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {server.token}"}
        )
        client = HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None)
        try:
            actions(client, http)
        finally:
            client.close()
            http.close()
        journal = control.get("/_emulator/journal.jsonl").text
        rows = len(control.get("/_emulator/snapshot").json()["tables"]["assoc"])
        control.close()
    path = tmp_path / "traffic.jsonl"
    path.write_text(journal, encoding="utf-8")
    return read_traffic(path), rows


# A label the traffic never lists (on another pair), so that the traffic's custom type IDs start
# past the replay emulators' and a missed rewrite shows.
FILLER = {"labels": [{"fromObjectType": "contact", "toObjectType": "deal", "name": "filler",
                      "label": "Filler"}]}  # fmt: skip


def v4_batch_traffic(client: HubSpotAssociations, http: httpx.Client) -> None:
    """Create a custom label, list it, batch create with it, list, batch archive (v4)."""
    client.labels.create("contact", "company", name="buyer", label="Buyer")
    listed = client.labels.list("contact", "company")
    buyer = next(t.type_id for t in listed if str(t.category) == "USER_DEFINED")
    assert buyer != 1200  # the filler label took the first IDs
    client.batch.create(
        "contact", "company", [("1", "2"), ("3", "4")], types=[("USER_DEFINED", buyer)]
    )
    client.basic.get_page("contact", "1", "company")
    client.batch.remove("contact", "company", [("1", "2")])


def test_v4_batch_traffic_against_2026_09_shows_status_and_lacking_changes(tmp_path: Path) -> None:
    """Batch create answers 201 vs 200, list_associations 404s on 2026-09; the stores match."""
    traffic, rows = record(tmp_path, v4_batch_traffic, FILLER)
    assert [x.operation_id for x in traffic] == [
        "create_label", "list_labels", "batch_create_associations", "list_associations",
        "batch_remove_associations",
    ]  # fmt: skip
    report = replay(traffic, "v4", "2026-09")
    by_op = {d.operation: d for d in report.differences}
    assert by_op["batch_create_associations"].source.startswith("201 {")
    assert by_op["batch_create_associations"].target.startswith("200 {")
    assert "numErrors" not in by_op["batch_create_associations"].target  # the label was rewritten
    assert by_op["list_associations"].target.startswith("404 ")
    assert by_op["batch_remove_associations"].source == "204 (no body)"
    assert "create_label" not in by_op
    assert "list_labels" not in by_op
    assert [u for u in report.unfaithful if "list_associations" in u] == [
        "#3 list_associations (GET /crm/v4/objects/contact/1/associations/company): 2026-09 has "
        "no list_associations; sent anyway, answered 404"
    ]
    assert len(report.unfaithful) == 1
    assert report.set_up == []  # the traffic creates its own label: replayed, not set up
    assert report.states_compared
    assert report.state_counts["source"]["associations"] == rows > 0
    assert report.state_counts["source"] == report.state_counts["target"]
    assert report.state_differences == []
    assert report.exit_code == 1
    data = json.loads(json.dumps(report.to_dict()))
    assert (data["exitCode"], data["from"], data["to"]) == (1, "v4", "2026-09")
    assert {d["operation"] for d in data["differences"]} == set(by_op)
    assert any(
        "source: 201 {" in line and "  |  target: 200 {" in line for line in report.render_text()
    )


def test_a_state_difference_is_named_in_words() -> None:
    """Rows and labels only one store holds are listed, custom types matched by their label."""

    def snapshot(assoc: list[list[Any]], types: list[list[Any]]) -> dict[str, Any]:
        return {"version": 1, "tables": {"assoc": assoc, "types": types, "limits": [],
                                         "records": [], "reports": [], "meta": []}}  # fmt: skip

    buyer = [[1200, "USER_DEFINED", "0-1", "0-2", "Buyer", None, "custom", "buyer"]]
    moved = [[1300, "USER_DEFINED", "0-1", "0-2", "Buyer", None, "custom", "buyer"]]
    source = snapshot([["0-1", 1, "0-2", 2, 279], ["0-1", 1, "0-2", 2, 1200]], buyer)
    target = snapshot([["0-1", 1, "0-2", 2, 1300], ["0-1", 5, "0-2", 6, 279]], moved)
    assert compare_states(source, target, "v4", "2026-03") == [
        "contact 1 → company 2: type 279 only in v4's emulator",
        "contact 5 → company 6: type 279 only in 2026-03's emulator",
    ]
    assert compare_states(source, source, "v4", "v4") == []
    renamed = snapshot([], [[1200, "USER_DEFINED", "0-1", "0-2", "Boss", None, "custom", "boss"]])
    assert compare_states(snapshot([], buyer), renamed, "v4", "v4", {1200: 7}) == [
        "label contact → company 'Buyer' (USER_DEFINED, name 'buyer', type 7 (USER_DEFINED "
        "'Buyer')) only in source (v4)'s emulator",
        "label contact → company 'Boss' (USER_DEFINED, name 'boss', type 1200 (USER_DEFINED "
        "'Boss')) only in target (v4)'s emulator",
    ]


def unchanged_traffic(client: HubSpotAssociations, http: httpx.Client) -> None:
    """List labels (the label was seeded), labelled PUT, default PUT, DELETE (v4)."""
    listed = client.labels.list("contact", "company")
    buyer = next(t.type_id for t in listed if str(t.category) == "USER_DEFINED")
    client.basic.associate("contact", "5", "company", "6", [("USER_DEFINED", buyer)])
    client.basic.associate_default("contact", "7", "company", "8")
    client.basic.associate_default("contact", "9", "company", "10")
    client.basic.remove("contact", "9", "company", "10")


def test_calls_unchanged_from_v4_to_2026_03_show_nothing(tmp_path: Path) -> None:
    """Labelled PUT, default PUT and DELETE answer alike on v4 and 2026-03: exit 0."""
    seed = {"labels": [*FILLER["labels"], {"fromObjectType": "contact",
                                            "toObjectType": "company", "name": "buyer",
                                            "label": "Buyer"}]}  # fmt: skip
    traffic, rows = record(tmp_path, unchanged_traffic, seed)
    report = replay(traffic, "v4", "2026-03")
    assert report.set_up == ["contact → company 'Buyer'"]
    assert report.differences == []
    assert report.unfaithful == []
    assert report.state_differences == []
    assert report.states_compared
    # The labelled PUT landed with the rewritten type (a missed rewrite would leave fewer rows).
    assert report.state_counts["target"]["associations"] == rows > 0
    assert report.exit_code == 0
    assert report.render_text()[-1] == "exit 0: nothing differs"


def unknown_type_traffic(client: HubSpotAssociations, http: httpx.Client) -> None:
    """A batch create naming a USER_DEFINED type the traffic never lists nor creates."""
    body = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"},
                        "types": [{"associationCategory": "USER_DEFINED",
                                   "associationTypeId": 4242}]}]}  # fmt: skip
    http.post("/crm/v4/associations/contact/company/batch/create", json=body)


def test_unknown_custom_type_and_broken_bodies_are_unfaithful(tmp_path: Path) -> None:
    """An unknown USER_DEFINED type ID, a cut body, a non-JSON body, answers unlike the recorded
    ones and an unmapped path."""
    traffic, _ = record(tmp_path, unknown_type_traffic)
    path = "/crm/v4/associations/contact/company/batch/create"
    cut = b'{"inputs":[' + b"x" * BODY_KEPT
    traffic += [
        Exchange("POST", path, "", cut[:BODY_KEPT], 201, b""),
        Exchange("POST", path, "", b"not json", 201, b""),
        # Another API (an object call would be replayed: test_migration_objects.py).
        Exchange("GET", "/crm/v3/properties/contacts", "", b"", 200, b"{}"),
    ]
    report = replay(traffic, "v4", "2026-03")
    assert report.unfaithful == [
        f"#0 batch_create_associations (POST {path}): USER_DEFINED type ID(s) 4242 neither listed "
        "nor created in the traffic; sent unchanged",
        f"#1 batch_create_associations (POST {path}): body cut by the journal (64 KiB); sent as "
        "recorded",
        # The recorded answers are made up: the emulator refuses these bodies.
        f"#1 batch_create_associations (POST {path}): recorded 201 (no body); the v4 emulator "
        "answered 400 {category, correlationId, message, status}",
        f"#2 batch_create_associations (POST {path}): body is not JSON; sent as recorded",
        f"#2 batch_create_associations (POST {path}): recorded 201 (no body); the v4 emulator "
        "answered 400 {category, correlationId, message, status}",
        "#3 GET /crm/v3/properties/contacts: maps to no operation (not sent)",
    ]
    assert report.requests == 4


def test_without_the_emulator_replay_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing emulator extra is a ReplayUnavailable naming the extra."""
    # None in sys.modules makes `import hubspot_associations_emulator` raise ImportError, as an
    # install without the [emulator] extra does.
    monkeypatch.setitem(sys.modules, "hubspot_associations_emulator", None)
    with pytest.raises(ReplayUnavailable, match=r"pip install 'hubspot-associations\[emulator\]'"):
        replay([], "v4", "2026-09")


LIMIT_ONE = {"limits": [{"fromObjectType": "contact", "toObjectType": "company",
                         "category": "HUBSPOT_DEFINED", "typeId": 279, "maxToObjectIds": 1}]}  # fmt: skip
BATCH_CREATE = "/crm/v4/associations/contact/company/batch/create"


def limited_traffic(client: HubSpotAssociations, http: httpx.Client) -> None:
    """Two companies for one contact in one batch create, the portal's limit allowing one."""
    body = {"inputs": [{"from": {"id": "1"}, "to": {"id": to},
                        "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                   "associationTypeId": 279}]} for to in ("2", "3")]}  # fmt: skip
    assert http.post(BATCH_CREATE, json=body).status_code == 207


def test_an_answer_the_replay_does_not_reproduce_is_listed(tmp_path: Path) -> None:
    """207 recorded (a limit the replay's emulators lack refused an input), 201 replayed: the
    answers of both releases agree, yet the request is listed as not replayed faithfully."""
    traffic, _ = record(tmp_path, limited_traffic, LIMIT_ONE)
    report = replay(traffic, "v4", "2026-03")
    assert report.differences == []
    assert len(report.unfaithful) == 1
    (note,) = report.unfaithful
    assert note.startswith(f"#0 batch_create_associations (POST {BATCH_CREATE}): recorded 207 {{")
    assert "numErrors=1" in note
    assert note.endswith("the v4 emulator answered 201 {completedAt, results, startedAt, status}")
    assert any(line.endswith(note) for line in report.render_text())


def test_an_unrecorded_body_is_compared_by_status_only(tmp_path: Path) -> None:
    """A HAR answer whose body was not recorded differs from the replayed one in status only, or
    not at all: its list_labels is noted as unknown, not as an answer that differs."""
    path = "/crm/v4/associations/contact/company/labels"
    entry = {
        "request": {"method": "GET", "url": f"https://app.example{path}", "headers": []},
        "response": {"status": 200, "headers": [],
                     "content": {"size": 120, "mimeType": "application/json"}},
    }  # fmt: skip
    (tmp_path / "t.har").write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    report = replay(read_traffic(tmp_path / "t.har"), "v4", "2026-03")
    assert report.differences == []
    assert report.unfaithful == [
        "#0 list_labels: its answer cannot be read (body not recorded); the labels it lists are "
        "unknown"
    ]
