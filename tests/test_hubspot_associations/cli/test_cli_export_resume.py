"""export under an outage: the summary counts what the file holds, and --resume completes it."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shlex
import tempfile
from collections import Counter
from pathlib import Path

import httpx

from tests.test_hubspot_associations.cli.cli_helpers import counts, in_process, run

PAIR = ["--from", "contact", "--to", "company", "--rate-limit", "1000/1"]
# Record -> its companies. Record 1 alone takes 20 pages (20 good calls before the outage, so
# the client's retries of the 502s are short), a few have none, and the last IDs, which the last
# read asks for, take three pages each: the outage falls between their first and second pages.
WANTED = {r: 0 if r % 17 == 0 else 1 + r % 3 for r in range(1, 321)}
WANTED |= {1: 10_000, 317: 1_200, 318: 1_200, 319: 1_200, 320: 1_200}


def seed(server: str) -> None:
    """Give each contact of WANTED its companies (IDs from 10^9 + record * 10^5)."""
    bulk = [
        {"fromObjectType": "contact", "fromObjectId": record, "toObjectType": "company",
         "firstToObjectId": 10**9 + record * 10**5, "count": count}
        for record, count in WANTED.items() if count
    ]  # fmt: skip
    httpx.post(f"{server}/_emulator/seed", json={"bulk": bulk}).raise_for_status()


def stored(server: str) -> set[tuple[str, str, str]]:
    """The emulator's contact → company associations as (from, to, type ID), from its snapshot."""
    tables = httpx.get(f"{server}/_emulator/snapshot").json()["tables"]
    return {(str(f), str(t), str(ty)) for ft, f, tt, t, ty in tables["assoc"]
            if (ft, tt) == ("0-1", "0-2")}  # fmt: skip


@functools.cache
def reads_of_a_whole_export(server: str) -> int:
    """How many batch reads an export of WANTED makes (the same for every test: once a module)."""
    with tempfile.TemporaryDirectory() as scratch:
        ids = Path(scratch, "ids.txt")
        ids.write_text("".join(f"{record}\n" for record in WANTED))
        before = int(counts(server)["operations"].get("batch_read_associations", 0))
        code, _, err = in_process(["export", str(ids), *PAIR, "--out", str(ids) + ".csv"], server)
        assert code == 0, err
        return int(counts(server)["operations"]["batch_read_associations"]) - before


def fail_the_last_pages(server: str) -> None:
    """Let all the reads of an export but the last two through, then answer every read with an
    HTML 502: the last read's second pages never arrive."""
    reads = reads_of_a_whole_export(server)
    script = [{"operationId": "batch_read_associations", "kind": "html", "after": reads - 2,
               "times": 1_000_000}]  # fmt: skip
    httpx.put(f"{server}/_emulator/faults", json={"script": script}).raise_for_status()


def lift_faults(server: str) -> None:
    """The outage ends."""
    httpx.put(f"{server}/_emulator/faults", json={"script": None}).raise_for_status()


def triples(path: Path) -> list[tuple[str, str, str]]:
    """An export file's rows as (from, to, type ID), CSV or JSONL."""
    text = path.read_text()
    if path.suffix == ".jsonl":
        return [(row["from"], row["to"], str(kind["typeId"]))
                for row in map(json.loads, text.splitlines()) for kind in row["types"]]  # fmt: skip
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["from_id", "to_id", "type_id", "category", "label"]
    return [(f, t, ty) for f, t, ty, _, _ in rows[1:]]


def holds(path: Path) -> tuple[int, int]:
    """(records, associations) the file holds, each record's rows checked to be whole."""
    rows = triples(path)
    assert len(rows) == len(set(rows)), "a row is repeated"
    records = Counter(f for f, _, _ in rows)
    for record, count in records.items():
        assert count == WANTED[int(record)], f"record {record} is not whole in {path.name}"
    return len(records), len({(f, t) for f, t, _ in rows})


def text_numbers(err: str) -> tuple[int, int, int]:
    """(associations, records, failed records) of an export's text summary."""
    found = re.search(r"(\d+) association\(s\) of (\d+) record\(s\) written to ", err)
    assert found, err
    failed = re.search(r"(\d+) record\(s\) failed and are not in ", err)
    return int(found[1]), int(found[2]), int(failed[1]) if failed else 0


def test_json_summary_counts_the_file_and_resume_completes_it(tmp_path: Path, server: str) -> None:
    """HTML 502s: --json counts what the file holds; the resume command it names completes it."""
    seed(server)
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"{record}\n" for record in WANTED))
    out = tmp_path / "out.jsonl"
    fail_the_last_pages(server)
    failed = run(["export", str(ids), *PAIR, "--out", str(out), "--json"], server)
    assert failed.code == 1, failed.err
    summary = json.loads(failed.out)
    empty = sum(1 for count in WANTED.values() if not count)
    assert (summary["records_written"], summary["associations_written"]) == holds(out)
    assert summary["records_without_associations"] == empty
    assert summary["records_failed"] == len(WANTED) - summary["records_written"] - empty > 0
    in_file = {f for f, _, _ in triples(out)}
    lacking = {str(r) for r, count in WANTED.items() if count} - in_file
    assert {item["id"] for item in summary["failed_records"]} == lacking
    assert "502" in summary["failed_records"][0]["reason"]
    # Three-page records whose first page had arrived: none of their rows was written.
    assert lacking == {"317", "318", "319", "320"}

    lift_faults(server)
    command = shlex.split(summary["resume_command"])
    assert command[:2] == ["hubspot-associations", "export"]
    resumed = run(command[1:], server)
    assert resumed.code == 0, resumed.err
    done = json.loads(resumed.out)
    rows = triples(out)
    assert len(rows) == len(set(rows))
    assert set(rows) == stored(server)
    assert (done["records_written"], done["associations_written"]) == holds(out)
    # The file's last record was read again (a kill might have cut it short).
    assert done["records_already_in_file"] == summary["records_written"] - 1
    assert done["records_failed"] == 0


def test_text_summary_counts_the_file_and_resume_after_a_cut_line(
    tmp_path: Path, server: str
) -> None:
    """502s into a CSV: the text counts the file; with its last line cut, --resume completes it."""
    seed(server)
    ids = tmp_path / "ids.csv"
    ids.write_text("id\n" + "".join(f"{record}\n" for record in WANTED))
    out = tmp_path / "out.csv"
    fail_the_last_pages(server)
    failed = run(["export", str(ids), *PAIR, "--out", str(out)], server)
    assert failed.code == 1, failed.err
    associations, records, failures = text_numbers(failed.err)
    assert (records, associations) == holds(out)
    empty = sum(1 for count in WANTED.values() if not count)
    assert failures == len(WANTED) - records - empty > 0
    assert f"--out {out} --resume`" in failed.err

    lift_faults(server)
    data = out.read_bytes()
    last_line = data.rstrip(b"\n").rfind(b"\n") + 1
    out.write_bytes(data[: last_line + (len(data) - last_line) // 2])
    resumed = run(["export", str(ids), *PAIR, "--out", str(out), "--resume"], server)
    assert resumed.code == 0, resumed.err
    rows = triples(out)
    assert len(rows) == len(set(rows))
    assert set(rows) == stored(server)
    associations, records, failures = text_numbers(resumed.err)
    assert ((records, associations), failures) == (holds(out), 0)
    # The cut line goes, and the last record of the whole lines is read again.
    whole_lines = data[:last_line].decode().splitlines()[1:]
    already = len({line.split(",")[0] for line in whole_lines}) - 1
    assert f"({already} record(s) were already in {out})" in resumed.err


def test_resume_needs_the_out_file_in_its_own_format(tmp_path: Path, server: str) -> None:
    """--resume without --out, or in a format not the file's: exit 2, nothing read or changed."""
    ids = tmp_path / "ids.txt"
    ids.write_text("1\n2\n")
    stdout = run(["export", str(ids), *PAIR, "--resume"], server)
    assert stdout.code == 2
    assert "--resume continues the file an earlier export wrote" in stdout.err
    assert "give it as --out FILE" in stdout.err
    out = tmp_path / "out.csv"
    out.write_text("from_id,to_id,type_id,category,label\n1,5,279,HUBSPOT_DEFINED,\n")
    other = run(["export", str(ids), *PAIR, "--out", str(out), "--resume", "--json"], server)
    assert other.code == 2
    assert json.loads(other.out)["error"] == "usage"
    assert "the file holds CSV" in other.err
    assert "Nothing was changed" in other.err
    assert out.read_text() == "from_id,to_id,type_id,category,label\n1,5,279,HUBSPOT_DEFINED,\n"
    assert counts(server)["received"] == 0
