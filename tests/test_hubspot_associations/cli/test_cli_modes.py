"""Every bulk command in every mode, run as a process against the emulator, state checked after."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.test_hubspot_associations.cli.cli_helpers import (
    HEADERS,
    counts,
    linked,
    result_lines,
    run,
    statuses,
    write_pairs,
    writes,
)

PAIRS = [(1, 11), (2, 12), (3, 13)]
FAST = ["--rate-limit", "1000/1", "--progress", "never"]


def bulk(command: str, source: Path | str, *extra: str) -> list[str]:
    """A bulk command line from contact to company."""
    return [command, str(source), "--from", "contact", "--to", "company", *FAST, *extra]


def create_label(server: str, name: str = "buyer", label: str = "Buyer") -> int:
    """A custom label from contact to company; returns its typeId."""
    url = f"{server}/crm/v4/associations/contact/company/labels"
    answer = httpx.post(url, headers=HEADERS, json={"name": name, "label": label})
    answer.raise_for_status()
    return int(answer.json()["results"][0]["typeId"])


@pytest.mark.parametrize("jsonl", [False, True], ids=["csv", "jsonl"])
def test_associate_default_stores_every_pair(tmp_path: Path, server: str, jsonl: bool) -> None:
    """associate (CSV or JSONL) stores each pair with the unlabeled type, in both directions."""
    source = write_pairs(tmp_path / ("p.jsonl" if jsonl else "p.csv"), PAIRS, jsonl=jsonl)
    ran = run(bulk("associate", source), server)
    assert ran.code == 0, ran.err
    for a, b in PAIRS:
        assert linked(server, "contact", a, "company") == {str(b): [279]}
        assert linked(server, "company", b, "contact") == {str(a): [280]}
    results = source.with_name(f"{source.name}.associate-contact-company.results.jsonl")
    assert statuses(results) == {(str(a), str(b)): "done" for a, b in PAIRS}
    assert counts(server)["operations"]["batch_associate_default"] == 1
    assert writes(server) == 1


def test_associate_primary_applies_the_primary_type(tmp_path: Path, server: str) -> None:
    """--primary sends HubSpot's primary contact→company type (1) with every pair."""
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    ran = run(bulk("associate", source, "--primary"), server)
    assert ran.code == 0, ran.err
    assert linked(server, "contact", 1, "company") == {"11": [1, 279]}
    assert counts(server)["operations"]["batch_create_associations"] == 1
    assert writes(server) == 1


def test_associate_label_and_type_id_apply_the_custom_label(tmp_path: Path, server: str) -> None:
    """--label (looked up) and --type-id both apply the custom label's typeId."""
    type_id = create_label(server)
    source = write_pairs(tmp_path / "p.csv", PAIRS[:2])
    assert run(bulk("associate", source, "--label", "buyer"), server).code == 0
    other = write_pairs(tmp_path / "q.csv", [(4, 14)])
    assert run(bulk("associate", other, "--type-id", str(type_id)), server).code == 0
    for a, b in [*PAIRS[:2], (4, 14)]:
        assert linked(server, "contact", a, "company") == {str(b): sorted([279, type_id])}


def test_unassociate_removes_every_association(tmp_path: Path, server: str) -> None:
    """unassociate removes all associations of each pair, both directions, and only those."""
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    assert run(bulk("associate", source), server).code == 0
    gone = write_pairs(tmp_path / "gone.csv", PAIRS[:2])
    ran = run(bulk("unassociate", gone), server)
    assert ran.code == 0, ran.err
    assert linked(server, "contact", 1, "company") == {}
    assert linked(server, "company", 12, "contact") == {}
    assert linked(server, "contact", 3, "company") == {"13": [279]}
    results = gone.with_name("gone.csv.unassociate-contact-company.results.jsonl")
    assert {row["operation"] for row in result_lines(results)} == {"unassociate"}


def test_unassociate_dry_run_sends_nothing(tmp_path: Path, server: str) -> None:
    """unassociate --dry-run prints the plan and sends no request at all."""
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    ran = run(bulk("unassociate", source, "--dry-run", "--json"), server)
    assert ran.code == 0, ran.err
    plan = json.loads(ran.out)
    assert (plan["command"], plan["inputs"], plan["requests"]) == ("unassociate", 3, 1)
    assert counts(server)["received"] == 0


def test_remove_label_keeps_the_association(tmp_path: Path, server: str) -> None:
    """remove-label --label removes only that label; the pair stays associated."""
    type_id = create_label(server)
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    assert run(bulk("associate", source, "--label", "Buyer"), server).code == 0
    ran = run(bulk("remove-label", source, "--label", "Buyer"), server)
    assert ran.code == 0, ran.err
    assert type_id not in linked(server, "contact", 2, "company")["12"]
    assert linked(server, "contact", 2, "company") == {"12": [279]}


def test_remove_label_needs_a_type(tmp_path: Path, server: str) -> None:
    """remove-label without --label/--type-id/--primary is a usage error; nothing is sent."""
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    ran = run(bulk("remove-label", source), server)
    assert ran.code == 2
    assert "needs --label" in ran.err
    assert counts(server)["received"] == 0


@pytest.mark.parametrize(
    "extra", [[], ["--primary"], ["--type-id", "279"], ["--label", "Buyer"]], ids=str
)
def test_dry_run_of_every_associate_mode_sends_no_write(
    tmp_path: Path, server: str, extra: list[str]
) -> None:
    """associate --dry-run, in each mode, writes nothing to the emulator and no results file."""
    create_label(server)
    before = writes(server)
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    ran = run(bulk("associate", source, "--dry-run", *extra), server)
    assert ran.code == 0, ran.err
    assert "nothing sent" in ran.out
    assert writes(server) == before
    assert not list(tmp_path.glob("*.results.jsonl"))


def test_stdin_needs_results_and_then_works(tmp_path: Path, server: str) -> None:
    """`-` reads pairs from stdin (CSV or JSONL), with --results required."""
    data = b'{"from": 5, "to": 15}\n{"from": "006", "to": 16}\n'
    refused = run(bulk("associate", "-"), server, stdin=data)
    assert refused.code == 2
    assert "--results" in refused.err
    results = tmp_path / "stdin.results.jsonl"
    ran = run(bulk("associate", "-", "--results", str(results)), server, stdin=data)
    assert ran.code == 0, ran.err
    assert statuses(results) == {("5", "15"): "done", ("6", "16"): "done"}
    assert linked(server, "contact", 6, "company") == {"16": [279]}


def test_resume_continues_the_same_job_only(tmp_path: Path, server: str) -> None:
    """--resume of the same job sends only what is not done; the emulator holds each pair once."""
    source = write_pairs(tmp_path / "p.csv", [(i, 100) for i in range(1, 21)])
    results = tmp_path / "p.csv.associate-contact-company.results.jsonl"
    assert run(bulk("associate", source), server).code == 0
    lines = results.read_text().splitlines()
    # Forget the last five answers, as a crash would have.
    results.write_text("\n".join(lines[:-5]) + "\n")
    before = counts(server)["writes"]
    ran = run(bulk("associate", source, "--resume", "--json"), server)
    assert ran.code == 0, ran.err
    summary = json.loads(ran.out)
    assert (summary["done"], summary["skipped_as_done"]) == (5, 15)
    assert counts(server)["writes"] == before + 1
    assert set(statuses(results).values()) == {"done"}
    assert len(linked(server, "company", 100, "contact")) == 20


def test_leading_zeros_are_one_record_everywhere(tmp_path: Path, server: str) -> None:
    """`007` is sent, recorded and resumed as 7: done once, never resent."""
    source = tmp_path / "p.csv"
    source.write_text("from_id,to_id\n007,0042\n")
    results = tmp_path / "p.csv.associate-contact-company.results.jsonl"
    assert run(bulk("associate", source), server).code == 0
    assert statuses(results) == {("7", "42"): "done"}
    assert linked(server, "contact", 7, "company") == {"42": [279]}
    before = counts(server)["received"]
    ran = run(bulk("associate", source, "--resume"), server)
    assert ran.code == 0, ran.err
    assert "0 done, 0 failed, 1 skipped" in ran.out
    assert counts(server)["received"] == before


def test_export_writes_csv_jsonl_and_stdout(tmp_path: Path, server: str) -> None:
    """export writes to a CSV file, a JSONL file, or stdout (--json: JSONL, summary on stderr)."""
    pairs = [(1, 100 + i) for i in range(250)] + [(2, 7)]
    source = write_pairs(tmp_path / "p.csv", pairs)
    assert run(bulk("associate", source), server).code == 0
    ids = tmp_path / "ids.csv"
    ids.write_text("id\n1\n2\n3\n")
    out_csv, out_jsonl = tmp_path / "out.csv", tmp_path / "out.jsonl"
    export = ["export", str(ids), "--from", "contact", "--to", "company", *FAST[:2]]
    assert run([*export, "--out", str(out_csv)], server).code == 0
    rows = out_csv.read_text().splitlines()
    assert rows[0] == "from_id,to_id,type_id,category,label"
    assert sorted(tuple(r.split(",")[:2]) for r in rows[1:]) == sorted(
        (str(a), str(b)) for a, b in pairs
    )
    assert run([*export, "--out", str(out_jsonl)], server).code == 0
    assert len(out_jsonl.read_text().splitlines()) == len(pairs)
    piped = run([*export, "--json"], server)
    assert piped.code == 0, piped.err
    assert {json.loads(line)["to"] for line in piped.out.splitlines()} == {str(b) for _, b in pairs}
    # stdout is the export itself: the --json summary goes to stderr.
    summary = json.loads(piped.err)
    assert (summary["associations_written"], summary["records_written"]) == (251, 2)
    assert summary["records_without_associations"] == 1


def test_labels_limits_types_report_print_json(server: str) -> None:
    """The other commands answer --json with JSON a program can read."""
    created = run(["labels", "create", "contact", "company", "--name", "a", "--label", "A",
                   "--json"], server)  # fmt: skip
    assert created.code == 0, created.err
    [label] = json.loads(created.out)
    type_id = str(label["typeId"])
    for args in (
        ["labels", "list", "contact", "company", "--json"],
        ["labels", "update", "contact", "company", type_id, "--label", "B", "--json"],
        ["limits", "set", "contact", "company", type_id, "3", "--json"],
        ["limits", "list", "--json"],
        ["limits", "purge", "contact", "company", type_id, "--json"],
        ["types", "contact", "company", "--json"],
        ["report", "42", "--json"],
        ["labels", "delete", "contact", "company", type_id, "--json"],
    ):
        ran = run(args, server)
        assert ran.code == 0, (args, ran.err)
        json.loads(ran.out)
    listed = json.loads(run(["labels", "list", "contact", "company", "--json"], server).out)
    assert all(str(row["typeId"]) != type_id for row in listed)


def test_limits_set_refused_by_hubspot_exits_1(server: str) -> None:
    """limits set for a type HubSpot refuses (error inside the answer) is a failure, not a set."""
    ran = run(["limits", "set", "contact", "company", "9999", "5"], server)
    assert ran.code == 1, ran.out
    assert "not set" in ran.err
    listed = run(["limits", "list", "contact", "company", "--json"], server)
    assert json.loads(listed.out) == []


def test_jsonl_is_recognised_by_its_first_brace_whatever_the_name(
    tmp_path: Path, server: str
) -> None:
    """A .txt file of JSON lines is read as JSONL (its first byte is '{')."""
    source = tmp_path / "pairs.txt"
    source.write_text('{"from": 8, "to": 18}\n')
    ran = run(bulk("associate", source), server)
    assert ran.code == 0, ran.err
    assert linked(server, "contact", 8, "company") == {"18": [279]}


def test_dry_run_looks_the_label_up(tmp_path: Path, server: str) -> None:
    """--dry-run --label resolves the label (a read): an unknown label is exit 2, no write."""
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    ran = run(bulk("associate", source, "--dry-run", "--label", "Nope"), server)
    assert ran.code == 2
    assert "no label 'Nope'" in ran.err
    type_id = create_label(server)
    planned = run(bulk("associate", source, "--dry-run", "--label", "Buyer", "--json"), server)
    assert json.loads(planned.out)["types"] == [["USER_DEFINED", type_id]]
    assert writes(server) == 1  # the label made above, nothing from the dry runs


def test_a_hubspot_reason_naming_no_record_reaches_every_input(tmp_path: Path, server: str) -> None:
    """An unknown --type-id: each input fails with HubSpot's own message and category."""
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    ran = run(bulk("associate", source, "--type-id", "99999"), server)
    assert ran.code in (1, 3), ran.err
    # The type ID is in the default name: another type's job on this file keeps its own results.
    results = source.with_name("p.csv.associate-contact-company-type-99999.results.jsonl")
    rows = result_lines(results)
    assert len(rows) == 3
    for row in rows:
        assert row["status"] == "failed"
        assert "99999" in row["reason"]
        assert "did not list" not in row["reason"]
        assert row.get("category")


@pytest.mark.parametrize("release", ["2026-03", "2026-09"])
def test_dated_releases_run_every_bulk_command(tmp_path: Path, server: str, release: str) -> None:
    """--api-version: associate, export, remove-label and unassociate on the release's own paths,
    against one store (read back through v4)."""
    type_id = create_label(server)
    source = write_pairs(tmp_path / "p.csv", PAIRS)
    version = ["--api-version", release]
    assert run(bulk("associate", source, *version, "--label", "Buyer"), server).code == 0
    assert linked(server, "contact", 1, "company") == {"11": sorted([279, type_id])}
    ids = tmp_path / "ids.txt"
    ids.write_text("1\n2\n9\n")
    exported = run(["export", str(ids), "--from", "contact", "--to", "company", *FAST[:2],
                    *version, "--json"], server)  # fmt: skip
    assert exported.code == 0, exported.err
    assert sorted(json.loads(line)["to"] for line in exported.out.splitlines()) == ["11", "12"]
    assert run(bulk("remove-label", source, *version, "--label", "Buyer"), server).code == 0
    assert linked(server, "contact", 2, "company") == {"12": [279]}
    assert run(bulk("unassociate", source, *version), server).code == 0
    assert linked(server, "contact", 3, "company") == {}
    operations = counts(server)["operations"]
    assert operations["batch_create_associations"] == 1


def test_releases_lists_what_each_release_lacks(server: str) -> None:
    """`releases --json` names every release, its paths and what it lacks."""
    ran = run(["releases", "--json"], server)
    assert ran.code == 0, ran.err
    rows = {row["release"]: row for row in json.loads(ran.out)}
    assert set(rows) == {"v4", "2025-09", "2026-03", "2026-09"}
    assert rows["2026-09"]["lacks"] == "list_associations"
    assert rows["v4"]["support ends"] == "2027-03-30"
    assert [name for name, row in rows.items() if row["beta"]] == ["2025-09"]
    assert rows["2025-09"]["batch answers"] == (
        "201/207; limits create and update 200 with errors inside"
    )
    assert rows["v4"]["limits usage"] == "/crm/v3/limits/associations"
    assert "2026-03-19" in rows["2026-09"]["source"]
