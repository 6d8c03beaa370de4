"""Peak memory of the ``hubspot-associations`` CLI on large inputs, each run its own process.

Measured (peak RSS of the CLI process alone, see benchmarks.peak_rss): ``associate --dry-run`` of
a 1,000,000-line file; the same with ``--skip-invalid`` on a HubSpot-style export of 1,000,000
records (quoted two-line notes) of which half are invalid; a real ``associate`` of
BENCH_CLI_PAIRS lines (default 1,000,000) against the emulator, then the same command with
``--resume`` when nothing is left; ``export`` of 200 records holding 20,000 and then 600,000
associations. The targets: at most 150 MB for each associate run, and the large export within
1.3 times the small one (memory must not grow with the data). The emulator's request counts say
what each run sent.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from hubspot_associations_emulator import EmulatorConfig, RunningEmulator, serve_in_thread

from benchmarks.peak_rss import measure

DRY_RUN_LINES = 1_000_000
PAIRS = int(os.environ.get("BENCH_CLI_PAIRS", "1000000"))
TARGET_MB = 150.0
TARGET_RATIO = 1.3
EXPORT_RECORDS = 200
EXPORT_SMALL, EXPORT_LARGE = 100, 3_000  # associations per record: 20,000 and 600,000 in all
# A real associate of a million lines runs for minutes; an hour means something is stuck.
TIMEOUT_S = 3_600.0
# The emulator has no rate limit here; the CLI's own limiter must not be the bottleneck either.
NO_RATE_LIMIT = ["--rate-limit", "100000/1"]


def cli(*args: str) -> list[str]:
    """The CLI as a separate Python process."""
    return [sys.executable, "-m", "hubspot_associations.cli", *args]


def write_pairs(path: Path, lines: int) -> Path:
    """A CSV of distinct (contact, company) pairs, written a line at a time."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("from_id,to_id\n")
        for i in range(lines):
            handle.write(f"{10_000_000 + i},{20_000_000 + i % 1_000}\n")
    return path


def write_half_invalid(path: Path, lines: int) -> Path:
    """A HubSpot-style export (`;`, `Record ID`, quoted notes) in which every other line is bad."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Record ID;Notes;Associated Company IDs\n")
        for i in range(lines):
            record = f"{10_000_000 + i}" if i % 2 else f"x{i}"
            handle.write(f'{record};"a note; with a\nsecond line";{20_000_000 + i % 1_000}\n')
    return path


def write_ids(path: Path) -> Path:
    """The IDs file of the exported records, one per line under the header ``id``."""
    ids = "".join(f"{1_000 + r}\n" for r in range(EXPORT_RECORDS))
    path.write_text("id\n" + ids, encoding="utf-8")
    return path


def seed(control: httpx.Client, per_record: int) -> None:
    """Reset the emulator and give each exported record ``per_record`` associations."""
    control.post("/_emulator/reset").raise_for_status()
    bulk = [
        {
            "fromObjectType": "contact",
            "fromObjectId": 1_000 + r,
            "toObjectType": "company",
            "firstToObjectId": 1,
            "count": per_record,
        }
        for r in range(EXPORT_RECORDS)
    ]
    answer = control.post("/_emulator/seed", json={"bulk": bulk})
    answer.raise_for_status()
    if answer.json()["bulk"] != EXPORT_RECORDS * per_record:
        raise RuntimeError(f"the emulator seeded {answer.json()}")


def sent(control: httpx.Client) -> dict[str, Any]:
    """The emulator's request counts since its last reset."""
    answer = control.get("/_emulator/requests")
    answer.raise_for_status()
    counts: dict[str, Any] = answer.json()
    return counts


def peak_row(name: str, argv: list[str], work: Path, env: dict[str, str]) -> dict[str, object]:
    """Run the CLI once; its row: peak RSS against the target, seconds."""
    measured = measure(argv, env=env, cwd=work, timeout=TIMEOUT_S)
    return {
        "name": name,
        "value": measured.peak_mb,
        "unit": "MB",
        "target": f"≤ {TARGET_MB:g}",
        "met": "yes" if measured.peak_mb <= TARGET_MB else "no",
        "seconds": measured.seconds,
    }


def associate_rows(
    work: Path, env: dict[str, str], control: httpx.Client
) -> list[dict[str, object]]:
    """Peak RSS of associate: a dry run, a real run, and a resume with nothing left."""
    rows = []
    dry_file = write_pairs(work / "dry.csv", DRY_RUN_LINES)
    pairs = ["--from", "contact", "--to", "company"]
    control.post("/_emulator/reset").raise_for_status()
    dry = ["associate", str(dry_file), *pairs, "--dry-run", "--results", str(work / "dry.jsonl")]
    row = peak_row(f"associate --dry-run, {DRY_RUN_LINES:,} lines", cli(*dry), work, env)
    row["note"] = f"{sent(control)['received']:,} requests sent"
    rows.append(row)

    # Half the lines invalid: every problem is spooled to disk and written to the rejected file.
    half = write_half_invalid(work / "half.csv", DRY_RUN_LINES)
    skip = ["associate", str(half), *pairs, "--dry-run", "--skip-invalid", str(work / "bad.csv"),
            "--results", str(work / "half.jsonl")]  # fmt: skip
    row = peak_row(f"associate --dry-run --skip-invalid, {DRY_RUN_LINES:,} records, half invalid",
                   cli(*skip), work, env)  # fmt: skip
    with (work / "bad.csv").open(encoding="utf-8", newline="") as handle:
        row["note"] = f"{sum(1 for _ in csv.reader(handle)) - 1:,} records set aside"
    rows.append(row)

    pairs_file = dry_file if PAIRS == DRY_RUN_LINES else write_pairs(work / "pairs.csv", PAIRS)
    real = [
        "associate",
        str(pairs_file),
        *pairs,
        *NO_RATE_LIMIT,
        "--concurrency",
        "4",
        "--progress",
        "never",
        "--results",
        str(work / "results.jsonl"),
    ]
    control.post("/_emulator/reset").raise_for_status()
    row = peak_row(f"associate, {PAIRS:,} lines", cli(*real), work, env)
    row["note"] = f"{sent(control)['writes']:,} write requests"
    rows.append(row)
    control.post("/_emulator/reset").raise_for_status()
    row = peak_row(f"associate --resume, {PAIRS:,} lines done", cli(*real, "--resume"), work, env)
    row["note"] = f"{sent(control)['writes']:,} write requests"
    rows.append(row)
    return rows


def export_rows(work: Path, env: dict[str, str], control: httpx.Client) -> list[dict[str, object]]:
    """Peak RSS of export at 20,000 and 600,000 associations of the same records, and the ratio."""
    ids = write_ids(work / "ids.csv")
    out = work / "export.csv"
    rows: list[dict[str, object]] = []
    peaks: list[float] = []
    for per_record in (EXPORT_SMALL, EXPORT_LARGE):
        seed(control, per_record)
        argv = cli("export", str(ids), "--from", "contact", "--to", "company", "--out", str(out))
        measured = measure([*argv, *NO_RATE_LIMIT], env=env, cwd=work, timeout=TIMEOUT_S)
        peaks.append(measured.peak_mb)
        with out.open("rb") as handle:
            written = sum(1 for _ in handle) - 1  # the header
        rows.append(
            {
                "name": f"export, {EXPORT_RECORDS} records × {per_record:,} associations",
                "value": measured.peak_mb,
                "unit": "MB",
                "seconds": measured.seconds,
                "note": f"{written:,} rows written",
            }
        )
    ratio = peaks[1] / peaks[0]
    rows.append(
        {
            "name": "export peak RSS, 600,000 / 20,000 associations",
            "value": ratio,
            "unit": "ratio",
            "target": f"≤ {TARGET_RATIO:g}",
            "met": "yes" if ratio <= TARGET_RATIO else "no",
        }
    )
    return rows


def run() -> list[dict[str, object]]:
    """Rows of name, value and unit, with each target and whether it is met."""
    with (
        tempfile.TemporaryDirectory(prefix="cli-memory-bench-") as tmp,
        serve_in_thread(EmulatorConfig()) as server,
        httpx.Client(base_url=server.base_url, timeout=600) as control,
    ):
        env = cli_env(server)
        work = Path(tmp)
        return [*associate_rows(work, env, control), *export_rows(work, env, control)]


def cli_env(server: RunningEmulator) -> dict[str, str]:
    """The environment that points the CLI at the emulator."""
    return {
        **os.environ,
        "HUBSPOT_ACCESS_TOKEN": server.token,
        "HUBSPOT_BASE_URL": server.base_url,
    }


if __name__ == "__main__":
    for result in run():
        print(result)
