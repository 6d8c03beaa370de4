"""migrate-report's reading of traffic: every operation of every release maps back to itself,
HAR files from the emulator read like its journal, and traffic without answers is judged from
the source release's table."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from pathlib import Path

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import HubSpotAssociations
from hubspot_associations._release_table import OPERATION_PATHS, RELEASE_DATA
from hubspot_associations._versions import RELEASES
from hubspot_associations.cli import main
from hubspot_associations.cli._migration.report import build_report, map_request, render_text
from hubspot_associations.cli._migration.traffic import Exchange, read_traffic


@pytest.mark.parametrize("release", list(RELEASE_DATA))
def test_every_operation_maps_back_to_itself_on_every_release(release: str) -> None:
    """Each curated path, as the release spells it (IDs filled in), maps to its operationId."""
    for operation, (method, path) in OPERATION_PATHS.items():
        concrete = RELEASES[release].path(path)
        for name in ("fromObjectType", "toObjectType", "objectType", "fromObjectTypeId",
                     "toObjectTypeId"):  # fmt: skip
            concrete = concrete.replace("{" + name + "}", "0-1")
        for name in ("fromObjectId", "toObjectId", "objectId", "userId", "associationTypeId"):
            concrete = concrete.replace("{" + name + "}", "17")
        found = map_request(method, concrete)
        assert found is not None, (release, operation, concrete)
        assert found[:2] == (release, operation), concrete


def test_the_other_v4_spelling_and_foreign_paths() -> None:
    """/crm/associations/v4/… is v4; a CRM object call and a wrong method map to nothing."""
    found = map_request("GET", "/crm/associations/v4/contact/company/labels")
    assert found is not None
    assert found[:2] == ("v4", "list_labels")
    assert map_request("GET", "/crm/v3/objects/contacts") is None
    assert map_request("PATCH", "/crm/v4/associations/contact/company/labels") is None


def test_a_har_file_reads_like_the_journal(tmp_path: Path) -> None:
    """The emulator's HAR export gives the same report as its journal."""
    with serve_in_thread(EmulatorConfig()) as server:
        with HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None) as c:
            c.basic.associate_default("contact", 1, "company", 2)
            c.basic.get_page("contact", 1, "company")
            c.batch.remove("contact", "company", [(1, 2)])
        har = httpx.get(f"{server.base_url}/_emulator/journal.har").text
        jsonl = httpx.get(f"{server.base_url}/_emulator/journal.jsonl").text
    (tmp_path / "t.har").write_text(har)
    (tmp_path / "t.jsonl").write_text(jsonl)
    from_har = build_report(read_traffic(tmp_path / "t.har"), "2026-03").to_dict()
    from_journal = build_report(read_traffic(tmp_path / "t.jsonl"), "2026-03").to_dict()
    assert from_har == from_journal
    by_operation = {o["operation"]: o for o in from_har["operations"]}
    # v4's batch archive answers 204; 2026-03 answers 200 with a batch body.
    assert by_operation["batch_remove_associations"]["statusChanges"]


def test_traffic_without_answers_is_judged_from_the_source_table() -> None:
    """Requests whose answers were not recorded: the source release's statuses are compared."""
    sent = [Exchange("POST", "/crm/v4/associations/contact/company/batch/create", "", b"{}",
                     None, b"")]  # fmt: skip
    report = build_report(sent, "2026-09")
    (operation,) = report.operations
    assert operation.observed == ["no answers recorded"]
    assert any(c.startswith("v4 answers 201") for c in operation.status_changes)
    same = build_report(sent, "2026-03")
    assert same.exit_code == 0
    assert same.operations[0].path_rewrites == [
        "/crm/v4/associations/… → /crm/associations/2026-03/…"
    ]


def test_from_overrides_the_release_the_traffic_is_read_as(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--from 2026-03 on answerless traffic: 2026-03's 200 archive body vs 2026-09's is the same,
    so only paths change; the CLI prints JSON with --json and exits 0."""
    entry = {"method": "POST", "path": "/crm/v4/associations/contact/company/batch/archive",
             "query": "", "requestBody": {"text": "{}"}, "status": None,
             "responseBody": {"text": ""}}  # fmt: skip
    (tmp_path / "t.jsonl").write_text(json.dumps(entry) + "\n")
    code = main(["migrate-report", "--to", "2026-09", "--from", "2026-03", str(tmp_path / "t.jsonl"),
                 "--json"])  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    assert (code, printed["from"], printed["exitCode"]) == (0, "2026-03", 0)


def test_an_empty_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty journal: exit 2 with a message, nothing else."""
    (tmp_path / "empty.jsonl").write_text("")
    assert main(["migrate-report", "--to", "2026-09", str(tmp_path / "empty.jsonl")]) == 2
    assert "no requests" in capsys.readouterr().err


def test_replay_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """migrate-report --replay --json: the replay's differences and state comparison come with
    the report, and a batch create's 201 against 2026-09's 200 makes the exit code 1."""
    with serve_in_thread(EmulatorConfig()) as server:
        with HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None) as c:
            c.basic.associate("contact", 1, "company", 2, [("HUBSPOT_DEFINED", 1)])
            c.batch.create("contact", "company", [(1, 3)], [("HUBSPOT_DEFINED", 279)])
        jsonl = httpx.get(f"{server.base_url}/_emulator/journal.jsonl").text
    (tmp_path / "t.jsonl").write_text(jsonl)
    code = main(["migrate-report", "--to", "2026-09", "--replay", "--json",
                 str(tmp_path / "t.jsonl")])  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    assert code == printed["exitCode"] == 1
    replayed = printed["replay"]
    assert [d["operation"] for d in replayed["differences"]] == ["batch_create_associations"]
    assert replayed["stateDifferences"] == []
    assert replayed["statesCompared"] is True


LABELS_PATH = "/crm/v4/associations/contact/company/labels"
LABELS_BODY = b'{"results":[{"category":"HUBSPOT_DEFINED","typeId":279,"label":null}]}'


def har_file(
    tmp_path: Path, content: dict[str, object], headers: list[dict[str, str]] | None = None
) -> Path:
    """A HAR 1.2 file holding one v4 list_labels call answered 200 with ``content``."""
    entry = {
        "request": {"method": "GET", "url": f"https://api.hubapi.com{LABELS_PATH}",
                    "headers": []},
        "response": {"status": 200, "headers": headers or [], "content": content},
    }  # fmt: skip
    path = tmp_path / "t.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}), encoding="utf-8")
    return path


def test_a_har_body_the_browser_did_not_record_is_not_read_as_no_body(tmp_path: Path) -> None:
    """content.size > 0 with no text: "body not recorded", judged from the release table, so a
    list_labels that answers alike on v4 and 2026-03 is not reported as changing."""
    har = har_file(tmp_path, {"size": len(LABELS_BODY), "mimeType": "application/json"})
    (exchange,) = read_traffic(har)
    report = build_report([exchange], "2026-03")
    (operation,) = report.operations
    assert (operation.status_changes, operation.body_changes) == ([], [])
    assert report.exit_code == 0
    assert operation.observed == ["200 (body not recorded)"]
    assert exchange.response_unread == "body not recorded"
    # An empty body the browser did record (size 0) is still no body.
    (empty,) = read_traffic(har_file(tmp_path, {"size": 0, "mimeType": "application/json"}))
    assert build_report([empty], "2026-03").operations[0].body_changes
    assert empty.response_unread is None


@pytest.mark.parametrize(
    ("coding", "packed"),
    [
        ("gzip", gzip.compress(LABELS_BODY)),
        ("deflate", zlib.compress(LABELS_BODY)),
        ("deflate", zlib.compress(LABELS_BODY, wbits=-15)),
        ("gzip", LABELS_BODY),
    ],
    ids=["gzip", "deflate-zlib", "deflate-raw", "already-decoded"],
)
def test_a_base64_body_still_compressed_is_decoded(
    tmp_path: Path, coding: str, packed: bytes
) -> None:
    """A base64 HAR body whose content-encoding header was kept is decoded (gzip, deflate),
    and one a tool already decoded is read as it is."""
    content = {"size": len(LABELS_BODY), "mimeType": "application/json", "encoding": "base64",
               "text": base64.b64encode(packed).decode()}  # fmt: skip
    headers = [{"name": "Content-Encoding", "value": coding}]
    (exchange,) = read_traffic(har_file(tmp_path, content, headers))
    assert exchange.response_body == LABELS_BODY
    assert build_report([exchange], "2026-03").operations[0].observed == ["200 {results}"]


def test_a_brotli_body_says_so_instead_of_not_json(tmp_path: Path) -> None:
    """br, which the standard library cannot undo: "[compressed: br]", judged from the table."""
    content = {"size": len(LABELS_BODY), "mimeType": "application/json", "encoding": "base64",
               "text": base64.b64encode(b"\x1b\x46\x00\xf8\x25\x02brotli").decode()}  # fmt: skip
    headers = [{"name": "content-encoding", "value": "br"}]
    (exchange,) = read_traffic(har_file(tmp_path, content, headers))
    report = build_report([exchange], "2026-03")
    assert report.operations[0].observed == ["200 [compressed: br]"]
    assert report.exit_code == 0
    assert exchange.response_unread == "compressed: br"


def test_an_operation_the_target_lacks_gets_no_path_line() -> None:
    """list_associations on 2026-09 is lacking: no rewrite to a path that does not exist there,
    while the batch create beside it keeps its path line."""
    sent = [
        Exchange("GET", "/crm/v4/objects/contact/1/associations/company", "", b"", None, b""),
        Exchange("POST", "/crm/v4/associations/contact/company/batch/create", "", b"{}", None,
                 b""),
    ]  # fmt: skip
    report = build_report(sent, "2026-09")
    by_operation = {o.operation: o for o in report.operations}
    assert by_operation["list_associations"].lacking
    assert by_operation["list_associations"].path_rewrites == []
    assert by_operation["batch_create_associations"].path_rewrites == [
        "/crm/v4/associations/… → /crm/associations/2026-09/…"
    ]
    lines = render_text(report)
    start = lines.index("  list_associations (1 call): LACKING in 2026-09") + 1
    block = lines[start:]
    block = block[: next(i for i, line in enumerate(block) if not line.startswith("      "))]
    assert block  # the "instead" line
    assert not any(line.startswith("      path") for line in block)
