"""Long CLI runs against the emulator: 20,000 pairs with faults, and an interrupted run resumed."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import HubSpotAssociations

PAIRS = 20_000


def write_pairs(path: Path, count: int) -> list[tuple[str, str]]:
    """A CSV of ``count`` distinct pairs; returns them."""
    pairs = [(str(1_000_000 + i), str(5_000 + i % 97)) for i in range(count)]
    path.write_text("from_id,to_id\n" + "".join(f"{a},{b}\n" for a, b in pairs))
    return pairs


def done_lines(path: Path) -> collections.Counter[tuple[str, str]]:
    """How many 'done' lines the results file holds for each pair."""
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for line in path.read_text().splitlines()[1:]:
        row = json.loads(line)
        if row["status"] == "done":
            counts[(row["from"], row["to"])] += 1
    return counts


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start the command as its own process, as an operator would."""
    return subprocess.Popen(
        [sys.executable, "-m", "hubspot_associations.cli", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_20000_pairs_with_faults_complete_with_exact_accounting(tmp_path: Path) -> None:
    """With 10 % of answers faulted, every one of 20,000 inputs is listed once as done."""
    source = tmp_path / "pairs.csv"
    pairs = write_pairs(source, PAIRS)
    config = EmulatorConfig(faults="rate=0.1,kinds=429+503+html+drop,seed=3")
    with serve_in_thread(config) as server:
        env = dict(os.environ, HUBSPOT_ACCESS_TOKEN=server.token, HUBSPOT_BASE_URL=server.base_url)
        process = run_cli(
            [
                "associate",
                str(source),
                "--from",
                "contact",
                "--to",
                "company",
                "--rate-limit",
                "1000/1",
                "--concurrency",
                "4",
            ],
            env,
        )
        out, err = process.communicate(timeout=240)
        assert process.returncode == 0, err.decode()
        counts = done_lines(tmp_path / "pairs.csv.associate-contact-company.results.jsonl")
        assert set(counts) == set(pairs)
        assert set(counts.values()) == {1}
        httpx.put(f"{server.base_url}/_emulator/faults", json={"spec": None}).raise_for_status()
        with HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None) as client:
            stored = client.bulk.read("contact", "company", [a for a, _ in pairs[:2000]])
        assert {a: [x.to_object_id for x in found] for a, found in stored.associations.items()} == {
            a: [b] for a, b in pairs[:2000]
        }
    assert f"{PAIRS} done, 0 failed" in out.decode()


def test_interrupted_run_resumes_and_ends_with_each_input_done_once(tmp_path: Path) -> None:
    """Ctrl-C in the middle, then --resume: every input ends done exactly once, none redone."""
    source = tmp_path / "pairs.csv"
    pairs = write_pairs(source, PAIRS)
    results = tmp_path / "pairs.csv.associate-contact-company.results.jsonl"
    with serve_in_thread(EmulatorConfig(latency_ms=30)) as server:
        env = dict(os.environ, HUBSPOT_ACCESS_TOKEN=server.token, HUBSPOT_BASE_URL=server.base_url)
        args = [
            "associate",
            str(source),
            "--from",
            "contact",
            "--to",
            "company",
            "--rate-limit",
            "40/1",
            "--concurrency",
            "2",
        ]
        first = run_cli(args, env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            not results.exists() or results.stat().st_size < 50_000
        ):
            time.sleep(0.1)
        first.send_signal(signal.SIGINT)
        _, err = first.communicate(timeout=60)
        assert first.returncode == 130, err.decode()
        assert b"--resume" in err
        before = done_lines(results)
        assert 0 < len(before) < PAIRS
        second = run_cli([*args, "--resume", "--rate-limit", "1000/1"], env)
        out, err = second.communicate(timeout=240)
        assert second.returncode == 0, err.decode()
    counts = done_lines(results)
    assert set(counts) == set(pairs)
    assert set(counts.values()) == {1}
    assert f"{len(before)} skipped" in out.decode()
