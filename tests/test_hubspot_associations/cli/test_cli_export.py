"""export against the emulator: every association written once, in pages, whatever the sizes."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.test_hubspot_associations.cli.cli_helpers import counts, run

EXPORT = ["--from", "contact", "--to", "company", "--rate-limit", "1000/1"]


def seed(server: str, records: dict[int, int]) -> None:
    """Give each contact ID its number of companies (IDs from 10^9 + contact * 10^5)."""
    bulk = [
        {"fromObjectType": "contact", "fromObjectId": record, "toObjectType": "company",
         "firstToObjectId": 10**9 + record * 10**5, "count": count}
        for record, count in records.items()
    ]  # fmt: skip
    httpx.post(f"{server}/_emulator/seed", json={"bulk": bulk}).raise_for_status()


def test_busy_and_quiet_records_are_exported_exactly_once(tmp_path: Path, server: str) -> None:
    """Records with 0 to 1,200 associations (several pages each): each row once, none missing."""
    wanted = {r: (r * 97) % 1201 for r in range(1, 61)}
    seed(server, wanted)
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"{r}\n" for r in wanted))
    out = tmp_path / "out.csv"
    ran = run(["export", str(ids), *EXPORT, "--out", str(out)], server)
    assert ran.code == 0, ran.err
    rows = [line.split(",")[:2] for line in out.read_text().splitlines()[1:]]
    assert len(rows) == len({tuple(r) for r in rows}) == sum(wanted.values())
    per_record: dict[str, int] = {}
    for record, _ in rows:
        per_record[record] = per_record.get(record, 0) + 1
    assert per_record == {str(r): n for r, n in wanted.items() if n}
    # Adaptive reads: no single answer carries more than ~10,000 associations.
    assert counts(server)["operations"]["batch_read_associations"] >= sum(wanted.values()) // 10_000


def test_export_with_a_refused_token_exits_3(tmp_path: Path, server: str) -> None:
    """A refused token: exit 3 (nothing could run), the reason on stderr, the token not shown."""
    ids = tmp_path / "ids.txt"
    ids.write_text("1\n2\n")
    ran = run(["export", str(ids), *EXPORT, "--token", "pat-na1-nope"], server)
    assert ran.code == 3, ran.err
    assert "401" in ran.err
    assert "pat-na1-nope" not in ran.err + ran.out


def test_export_of_a_bad_id_file_sends_nothing(tmp_path: Path, server: str) -> None:
    """An ID file with a bad ID: exit 2 with its line, no request; a repeated ID is read once,
    unless --strict, which refuses it with its line."""
    ids = tmp_path / "ids.csv"
    ids.write_text("id\n1\n１２\n1\n")
    ran = run(["export", str(ids), *EXPORT], server)
    assert ran.code == 2
    assert "ids.csv:3:" in ran.err
    assert "1 problem(s)" in ran.err
    strict = run(["export", str(ids), *EXPORT, "--strict"], server)
    assert strict.code == 2
    assert "ids.csv:4: duplicate of line 2" in strict.err
    assert counts(server)["received"] == 0
    ids.write_text("id\n1\n2\n1\n")
    once = run(["export", str(ids), *EXPORT], server)
    assert once.code == 0, once.err
    assert "1 repeated ID(s) read once" in once.err
    assert counts(server)["operations"]["batch_read_associations"] == 1


def test_export_refuses_to_overwrite_its_input(tmp_path: Path, server: str) -> None:
    """--out naming the ID file itself is refused before anything is read or written."""
    ids = tmp_path / "ids.csv"
    ids.write_text("id\n1\n2\n")
    ran = run(["export", str(ids), *EXPORT, "--out", str(ids)], server)
    assert ran.code == 2
    assert "input file itself" in ran.err
    assert ids.read_text() == "id\n1\n2\n"
    assert counts(server)["received"] == 0


def test_closed_stdout_exits_141_without_a_traceback(tmp_path: Path, server: str) -> None:
    """`export … | head -1`: the reader leaves early; exit 141 as a shell reports it, no trace."""
    import os
    import subprocess
    import sys

    seed(server, {1: 4000})
    ids = tmp_path / "ids.txt"
    ids.write_text("1\n")
    env = dict(os.environ, HUBSPOT_ACCESS_TOKEN="emulator-token", HUBSPOT_BASE_URL=server)
    process = subprocess.Popen(
        [sys.executable, "-m", "hubspot_associations.cli", "export", str(ids), *EXPORT],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.readline().startswith(b"from_id")
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141, err
    assert "Traceback" not in err
