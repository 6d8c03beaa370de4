"""The hubspot-associations command against the emulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations.cli import main


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One emulator for the module, on a free loopback port."""
    with serve_in_thread(EmulatorConfig()) as running:
        yield running.base_url


@pytest.fixture(autouse=True)
def fresh(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reset the emulator and point the command at it through the environment."""
    httpx.post(f"{server}/_emulator/reset", headers={"Authorization": "Bearer emulator-token"})
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "emulator-token")
    monkeypatch.setenv("HUBSPOT_BASE_URL", server)


def write_pairs(path: Path, pairs: list[tuple[int, int]]) -> Path:
    """A CSV of pairs with the from_id,to_id header."""
    path.write_text("from_id,to_id\n" + "".join(f"{a},{b}\n" for a, b in pairs))
    return path


def results(path: Path) -> list[dict[str, object]]:
    """The result lines of a results file (after its job identity line)."""
    return [json.loads(line) for line in path.read_text().splitlines()[1:]]


def test_associate_writes_every_input_to_the_results_file(tmp_path: Path, server: str) -> None:
    """associate sends every pair and lists each as done, with its input line number."""
    source = write_pairs(tmp_path / "pairs.csv", [(i, 900 + i % 3) for i in range(1, 251)])
    assert (
        main(
            [
                "associate",
                str(source),
                "--from",
                "contact",
                "--to",
                "company",
                "--rate-limit",
                "1000/1",
            ]
        )
        == 0
    )
    lines = results(tmp_path / "pairs.csv.associate-contact-company.results.jsonl")
    assert len(lines) == 250
    assert {line["status"] for line in lines} == {"done"}
    assert sorted(int(str(line["line"])) for line in lines) == list(range(2, 252))
    page = httpx.get(
        f"{server}/crm/v4/objects/contact/5/associations/company",
        headers={"Authorization": "Bearer emulator-token"},
    ).json()
    assert [r["toObjectId"] for r in page["results"]] == ["902"]


def test_bad_file_reports_line_numbers_and_sends_nothing(
    tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Non-numeric IDs and wrong columns are listed by line (a blank line and a repeat are not
    problems, except that --strict refuses the repeat); nothing is sent."""
    source = tmp_path / "bad.csv"
    source.write_text("from_id,to_id\n1,2\nabc,3\n\n1,2\n4,5,6\n")
    assert main(["associate", str(source), "--from", "contact", "--to", "company"]) == 2
    err = capsys.readouterr().err
    for fragment in ["bad.csv:3:", 'from_id "abc" is not a record ID', "bad.csv:6: 3 columns",
                     "2 problem(s)"]:  # fmt: skip
        assert fragment in err
    assert "bad.csv:4" not in err
    assert "bad.csv:5" not in err
    strict = ["associate", str(source), "--from", "contact", "--to", "company", "--strict"]
    assert main(strict) == 2
    assert "bad.csv:5: duplicate of line 2 (1 → 2)" in capsys.readouterr().err
    page = httpx.get(
        f"{server}/crm/v4/objects/contact/1/associations/company",
        headers={"Authorization": "Bearer emulator-token"},
    ).json()
    assert page["results"] == []
    assert not list(tmp_path.glob("*.results.jsonl"))


def test_resume_skips_done_inputs(tmp_path: Path) -> None:
    """--resume sends only the inputs the results file does not record as done."""
    source = write_pairs(tmp_path / "p.csv", [(i, 7) for i in range(1, 11)])
    done = tmp_path / "p.csv.associate-contact-company.results.jsonl"
    args = ["associate", str(source), "--from", "contact", "--to", "company"]
    assert main([*args, "--dry-run", "--json"]) == 0
    header = open_header(done, source)
    done.write_text(
        header
        + "".join(
            json.dumps({"from": str(i), "to": "7", "status": "done"}) + "\n" for i in range(1, 8)
        )
        + '{"from": "8", "to"'
    )
    assert main([*args, "--resume"]) == 0
    lines = [json.loads(x) for x in done.read_text().splitlines()[9:]]
    assert sorted(line["from"] for line in lines) == ["10", "8", "9"]


def open_header(results_file: Path, source: Path) -> str:
    """The job identity line a run of `associate SOURCE --from contact --to company` writes."""
    import hashlib

    job: dict[str, object] = {
        "command": "associate",
        "from_type": "contact",
        "to_type": "company",
        "api_version": "v4",
        "input_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "types": [],
        "label": None,
        "primary": False,
        "input_name": str(source),
    }
    return json.dumps({"hubspot_associations_results": 2, "job": job}) + "\n"


def test_existing_results_file_needs_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second run without --resume refuses to mix its results into an old file."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    (tmp_path / "p.csv.associate-contact-company.results.jsonl").write_text("x\n")
    assert main(["associate", str(source), "--from", "contact", "--to", "company"]) == 2
    assert "--resume" in capsys.readouterr().err


def test_dry_run_sends_nothing(
    tmp_path: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run prints the plan and leaves the emulator untouched."""
    source = write_pairs(tmp_path / "p.csv", [(i, 3) for i in range(1, 301)])
    assert (
        main(
            [
                "associate",
                str(source),
                "--from",
                "contact",
                "--to",
                "company",
                "--dry-run",
                "--json",
            ]
        )
        == 0
    )
    plan = json.loads(capsys.readouterr().out)
    assert (plan["inputs"], plan["requests"]) == (300, 3)
    page = httpx.get(
        f"{server}/crm/v4/objects/contact/1/associations/company",
        headers={"Authorization": "Bearer emulator-token"},
    ).json()
    assert page["results"] == []


def test_labels_create_list_and_types(capsys: pytest.CaptureFixture[str]) -> None:
    """labels create makes a paired label; labels list and types show it with its typeIds."""
    assert (
        main(
            [
                "labels",
                "create",
                "contact",
                "company",
                "--name",
                "manager_of",
                "--label",
                "Manager",
                "--inverse-label",
                "Managed by",
                "--json",
            ]
        )
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    assert {row["label"] for row in created} == {"Manager", "Managed by"}
    assert main(["types", "contact", "company", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {
        "typeId": 279,
        "category": "HUBSPOT_DEFINED",
        "label": "CONTACT_TO_COMPANY",
        "kind": "unlabeled",
    } in rows
    assert any(row["label"] == "Manager" and row["kind"] == "custom" for row in rows)


def test_associate_with_label_then_remove_label(tmp_path: Path, server: str) -> None:
    """associate --label applies a custom label; remove-label removes only it."""
    assert (
        main(["labels", "create", "contact", "company", "--name", "buyer", "--label", "Buyer"]) == 0
    )
    source = write_pairs(tmp_path / "p.csv", [(1, 2), (3, 4)])
    assert (
        main(["associate", str(source), "--from", "contact", "--to", "company", "--label", "Buyer"])
        == 0
    )
    headers = {"Authorization": "Bearer emulator-token"}

    def labels() -> list[object]:
        url = f"{server}/crm/v4/objects/contact/1/associations/company"
        page = httpx.get(url, headers=headers).json()
        return [t["label"] for t in page["results"][0]["associationTypes"]]

    assert "Buyer" in labels()
    assert (
        main(
            [
                "remove-label",
                str(source),
                "--from",
                "contact",
                "--to",
                "company",
                "--label",
                "Buyer",
                "--results",
                str(tmp_path / "r2.jsonl"),
            ]
        )
        == 0
    )
    assert labels() == [None]


def test_limits_set_list_purge(capsys: pytest.CaptureFixture[str]) -> None:
    """limits set, list and purge round-trip through the API."""
    assert (
        main(["limits", "set", "deal", "contact", "3", "5", "--category", "HUBSPOT_DEFINED"]) == 0
    )
    assert main(["limits", "list", "deal", "contact", "--json"]) == 0
    out = capsys.readouterr().out.splitlines()[-1]
    [row] = json.loads(out)
    assert (row["category"], row["typeId"], row["limit"]) == ("HUBSPOT_DEFINED", 3, 5)
    assert main(["limits", "purge", "deal", "contact", "3", "--category", "HUBSPOT_DEFINED"]) == 0
    assert main(["limits", "list", "deal", "contact", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == []


def test_export_reads_associations_to_csv(tmp_path: Path) -> None:
    """export reads many records' associations (batch read with paging) into a CSV."""
    source = write_pairs(tmp_path / "p.csv", [(1, 10), (1, 11), (2, 12)])
    assert main(["associate", str(source), "--from", "contact", "--to", "company"]) == 0
    ids = tmp_path / "ids.txt"
    ids.write_text("1\n2\n3\n")
    out = tmp_path / "out.csv"
    assert (
        main(["export", str(ids), "--from", "contact", "--to", "company", "--out", str(out)]) == 0
    )
    lines = out.read_text().splitlines()
    assert lines[0] == "from_id,to_id,type_id,category,label"
    assert sorted(line.split(",")[:2] for line in lines[1:]) == [
        ["1", "10"],
        ["1", "11"],
        ["2", "12"],
    ]


def test_report_prints_the_acknowledgement(capsys: pytest.CaptureFixture[str]) -> None:
    """report USER_ID requests the high-usage report and prints HubSpot's answer."""
    assert main(["report", "42", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["userId"] == 42


def test_token_is_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong token fails with HubSpot's message, and the token appears nowhere in the output."""
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-very-secret")
    assert main(["labels", "list", "contact", "company"]) == 3
    captured = capsys.readouterr()
    assert "pat-na1-very-secret" not in captured.out + captured.err
    assert "401" in captured.err or "authentication" in captured.err.lower()
