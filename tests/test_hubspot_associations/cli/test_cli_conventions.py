"""What users expect of any command line: --version, help, -q/-v, whole lines when piped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubspot_associations import __version__
from tests.test_hubspot_associations.cli.cli_helpers import run, write_pairs

FAST = ["--rate-limit", "1000/1", "--progress", "never"]


def test_version_and_help_name_the_exit_codes(server: str) -> None:
    """--version prints the version; --help documents exit codes 0, 1, 2 and 3."""
    version = run(["--version"], server)
    assert (version.code, version.out.strip()) == (0, f"hubspot-associations {__version__}")
    helped = run(["associate", "--help"], server)
    assert helped.code == 0
    for text in ("0  every input done", "1  some inputs failed", "2  usage", "3  the job could"):
        assert text in helped.out


def test_emulator_help_is_the_emulators_own(server: str) -> None:
    """`hubspot-associations emulator --help` shows the emulator's usage, exit 0."""
    ran = run(["emulator", "--help"], server)
    assert ran.code == 0, ran.err
    assert "serve" in ran.out


def test_piped_output_keeps_long_paths_on_one_line(tmp_path: Path, server: str) -> None:
    """Piped (not a terminal), the summary is one line even when the path is long."""
    folder = tmp_path / ("a-rather-long-folder-name-" * 4)
    folder.mkdir()
    source = write_pairs(folder / "pairs.csv", [(1, 2)])
    ran = run(["associate", str(source), "--from", "contact", "--to", "company", *FAST], server)
    assert ran.code == 0, ran.err
    [line] = [x for x in ran.out.splitlines() if "every input is listed" in x]
    assert str(folder) in line


def test_quiet_prints_nothing_and_verbose_lists_every_failure(tmp_path: Path) -> None:
    """-q prints nothing on success; -v lists every failed input, not only the first ten."""
    import httpx
    from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

    pairs = [(i, 500 + i) for i in range(1, 16)]
    source = write_pairs(tmp_path / "p.csv", pairs)
    with serve_in_thread(EmulatorConfig(strict_records=True)) as strict:
        httpx.post(f"{strict.base_url}/_emulator/seed",
                   json={"records": {"contact": [1], "company": [501]}}).raise_for_status()  # fmt: skip
        args = ["associate", str(source), "--from", "contact", "--to", "company", *FAST]
        quiet = run([*args, "-q", "--results", str(tmp_path / "q.jsonl")], strict.base_url)
        verbose = run([*args, "-v", "--results", str(tmp_path / "v.jsonl")], strict.base_url)
    assert quiet.code == 1
    assert quiet.out == ""
    assert sum("failed " in line for line in quiet.err.splitlines()) == 10
    assert verbose.code == 1
    assert sum("failed " in line and "→" in line for line in verbose.err.splitlines()) == 14


def test_json_summary_is_one_object(tmp_path: Path, server: str) -> None:
    """--json on a bulk run prints exactly one JSON object with the counts."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2), (3, 4)])
    ran = run(["associate", str(source), "--from", "contact", "--to", "company", *FAST,
               "--json"], server)  # fmt: skip
    assert ran.code == 0, ran.err
    summary = json.loads(ran.out)
    assert (summary["inputs"], summary["done"], summary["failed"]) == (2, 2, 0)


@pytest.mark.parametrize("when", ["at-once", "serving"])
def test_emulator_stops_cleanly_on_ctrl_c(when: str) -> None:
    """`hubspot-associations emulator serve` ends on SIGINT with 130 and no traceback, whether
    the signal comes before the server runs or while it serves."""
    import signal
    import subprocess
    import sys

    import httpx

    process = subprocess.Popen(
        [sys.executable, "-m", "hubspot_associations.cli", "emulator", "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline()
    assert b"emulator on http://127.0.0.1:" in first
    if when == "serving":
        url = first.decode().split(" on ")[1].strip()
        assert httpx.get(f"{url}/_emulator/health", timeout=10).status_code == 200
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err.decode()
    assert b"Traceback" not in err
