"""--resume belongs to one job; exit codes tell "some rows failed" from "nothing could run"."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_hubspot_associations.cli.cli_helpers import (
    TOKEN,
    counts,
    linked,
    result_lines,
    run,
    statuses,
    write_pairs,
)

FAST = ["--rate-limit", "1000/1", "--progress", "never"]


def test_resume_refuses_a_results_file_of_another_job(tmp_path: Path, server: str) -> None:
    """Another pair, command, type or input under --resume: exit 2, both jobs named, no write."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2), (3, 4)])
    results = tmp_path / "shared.jsonl"
    first = ["associate", str(source), "--from", "contact", "--to", "company", *FAST]
    assert run([*first, "--results", str(results)], server).code == 0
    other_input = write_pairs(tmp_path / "q.csv", [(1, 2), (3, 5)])
    others = [
        ["associate", str(source), "--from", "contact", "--to", "deal"],
        ["unassociate", str(source), "--from", "contact", "--to", "company"],
        ["associate", str(source), "--from", "contact", "--to", "company", "--primary"],
        ["associate", str(source), "--from", "contact", "--to", "company", "--type-id", "279"],
        ["associate", str(other_input), "--from", "contact", "--to", "company"],
        ["associate", str(source), "--from", "contact", "--to", "company",
         "--api-version", "2026-03"],
    ]  # fmt: skip
    before = counts(server)["writes"]
    for command in others:
        ran = run([*command, *FAST, "--results", str(results), "--resume"], server)
        assert ran.code == 2, (command, ran.out, ran.err)
        assert "belongs to another job" in ran.err
        assert "that file: associate" in ran.err
        assert "this run:" in ran.err
    assert counts(server)["writes"] == before
    assert len(result_lines(results)) == 2


def test_the_same_job_under_another_name_may_resume(tmp_path: Path, server: str) -> None:
    """The identity is the content, not the file name: a renamed copy resumes the same job."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2), (3, 4)])
    results = tmp_path / "r.jsonl"
    args = ["--from", "contact", "--to", "company", *FAST, "--results", str(results)]
    assert run(["associate", str(source), *args], server).code == 0
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(source.read_bytes())
    ran = run(["associate", str(copy), *args, "--resume"], server)
    assert ran.code == 0, ran.err
    assert "0 done, 0 failed, 2 skipped" in ran.out


def test_results_of_version_0_1_are_refused_with_a_way_on(tmp_path: Path, server: str) -> None:
    """A results file without a job identity (0.1.0): --resume refuses and says what to do."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    old = tmp_path / "p.csv.associate-contact-company.results.jsonl"
    old.write_text(json.dumps({"line": 2, "from": "1", "to": "2", "status": "done"}) + "\n")
    ran = run(["associate", str(source), "--from", "contact", "--to", "company", *FAST,
               "--resume"], server)  # fmt: skip
    assert ran.code == 2
    assert "no job identity" in ran.err
    assert "--results NEW_FILE" in ran.err
    assert counts(server)["received"] == 0


def test_a_second_run_on_one_results_file_is_refused(tmp_path: Path, server: str) -> None:
    """While one run holds the results file, another one writing it is refused (exit 2)."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    results = tmp_path / "r.jsonl"
    assert run(["associate", str(source), "--from", "contact", "--to", "company", *FAST,
                "--results", str(results)], server).code == 0  # fmt: skip
    with results.open("a") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        ran = run(["associate", str(source), "--from", "contact", "--to", "company", *FAST,
                   "--results", str(results), "--resume"], server)  # fmt: skip
    assert ran.code == 2
    assert "being written by another run" in ran.err


def test_wrong_token_exits_3_and_lists_inputs_for_resume(tmp_path: Path, server: str) -> None:
    """A refused token stops the job: exit 3, every input listed, and --resume finishes it."""
    source = write_pairs(tmp_path / "p.csv", [(i, 9) for i in range(1, 451)])
    results = tmp_path / "r.jsonl"
    args = ["associate", str(source), "--from", "contact", "--to", "company", *FAST,
            "--results", str(results), "--concurrency", "1"]  # fmt: skip
    ran = run([*args, "--token", "pat-na1-wrong"], server)
    assert ran.code == 3, ran.err
    assert "pat-na1-wrong" not in ran.out + ran.err + results.read_text()
    states = statuses(results)
    assert len(states) == 450
    assert set(states.values()) <= {"failed", "not_sent"}
    assert "not_sent" in states.values()
    again = run([*args, "--resume"], server)
    assert again.code == 0, again.err
    assert set(statuses(results).values()) == {"done"}
    assert len(linked(server, "company", 9, "contact")) == 450


def test_unreachable_server_exits_3(tmp_path: Path, server: str) -> None:
    """No server at the address (connection refused): exit 3, and every input is recorded as
    not sent, since none reached a server; --resume against the server then does them all."""
    source = write_pairs(tmp_path / "p.csv", [(i, 2) for i in range(1, 301)])
    results = tmp_path / "r.jsonl"
    args = ["associate", str(source), "--from", "contact", "--to", "company", *FAST,
            "--results", str(results), "--concurrency", "2"]  # fmt: skip
    ran = run(args, "http://127.0.0.1:9")
    assert ran.code == 3, ran.err
    assert "--resume" in ran.err
    assert set(statuses(results).values()) == {"not_sent"}
    assert len(statuses(results)) == 300
    again = run([*args, "--resume"], server)
    assert again.code == 0, again.err
    assert set(statuses(results).values()) == {"done"}


def test_some_failed_inputs_exit_1(tmp_path: Path) -> None:
    """Inputs HubSpot refuses one by one (unknown records) end the run with exit 1, with reasons."""
    from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

    source = write_pairs(tmp_path / "p.csv", [(1, 2), (3, 4)])
    results = tmp_path / "r.jsonl"
    with serve_in_thread(EmulatorConfig(strict_records=True)) as strict:
        import httpx

        httpx.post(f"{strict.base_url}/_emulator/seed",
                   json={"records": {"contact": [1], "company": [2]}}).raise_for_status()  # fmt: skip
        ran = run(["associate", str(source), "--from", "contact", "--to", "company", *FAST,
                   "--results", str(results)], strict.base_url)  # fmt: skip
    assert ran.code == 1, ran.err
    rows = {(r["from"], r["to"]): r for r in result_lines(results)}
    assert rows[("1", "2")]["status"] == "done"
    assert rows[("3", "4")]["status"] == "failed"
    assert rows[("3", "4")]["reason"]


# Before the results file exists (interpreter start-up), while chunks are in flight, near the end.
@pytest.mark.parametrize("moment", [0.4, 2.0, 3.2])
def test_kill_9_at_any_point_then_resume_does_each_input_once(
    tmp_path: Path, server: str, moment: float
) -> None:
    """SIGKILL mid-run, then --resume: every input ends done, none recorded done twice."""
    pairs = [(i, 77) for i in range(1, 3001)]
    source = write_pairs(tmp_path / "p.csv", pairs)
    results = tmp_path / "r.jsonl"
    args = [sys.executable, "-m", "hubspot_associations.cli", "associate", str(source),
            "--from", "contact", "--to", "company", "--rate-limit", "30/1", "--batch-size", "50",
            "--concurrency", "2", "--progress", "never", "--results", str(results)]  # fmt: skip
    env = dict(os.environ, HUBSPOT_ACCESS_TOKEN=TOKEN, HUBSPOT_BASE_URL=server)
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(moment)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    resumed = subprocess.run([*args[:-6], "--rate-limit", "1000/1", "--progress", "never",
                              "--results", str(results), "--resume"],
                             env=env, capture_output=True, check=False, timeout=120)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr.decode()
    done = [(row["from"], row["to"]) for row in result_lines(results) if row["status"] == "done"]
    assert sorted(done) == sorted((str(a), str(b)) for a, b in pairs)


def test_spellings_of_one_object_type_are_one_job(tmp_path: Path, server: str) -> None:
    """contacts, Contact and 0-1 name the same job and the same default results file."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    assert run(["associate", str(source), "--from", "contacts", "--to", "0-2", *FAST],
               server).code == 0  # fmt: skip
    ran = run(["associate", str(source), "--from", "Contact", "--to", "companies", *FAST,
               "--resume"], server)  # fmt: skip
    assert ran.code == 0, ran.err
    assert "0 done, 0 failed, 1 skipped" in ran.out
    assert [p.name for p in tmp_path.glob("*.results.jsonl")] == [
        "p.csv.associate-contact-company.results.jsonl"
    ]


def test_resume_without_results_says_it_starts_over(tmp_path: Path, server: str) -> None:
    """--resume when the results file does not exist yet runs everything, and says so."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    ran = run(["associate", str(source), "--from", "contact", "--to", "company", *FAST,
               "--resume", "--results", str(tmp_path / "new.jsonl")], server)  # fmt: skip
    assert ran.code == 0, ran.err
    assert "holds no results yet" in ran.err


def test_no_token_names_the_option(tmp_path: Path, server: str) -> None:
    """Without a token the message names --token and HUBSPOT_ACCESS_TOKEN; exit 2."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    ran = run(["associate", str(source), "--from", "contact", "--to", "company", *FAST],
              server, HUBSPOT_ACCESS_TOKEN="")  # fmt: skip
    assert ran.code == 2
    assert "--token" in ran.err
    assert "HUBSPOT_ACCESS_TOKEN" in ran.err
