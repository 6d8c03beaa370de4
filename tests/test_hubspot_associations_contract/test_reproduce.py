"""`check --reproduce`: a failing run's saved sequence fails again on the faulty target, passes on a
correct one, prints as a curl script that sends the same requests, and replays live restoring all.

One planted bug (tests/mutants/catalog.py ``batch-create-drops-one``: a labelled batch create drops
its last input and answers 201) is served by a mutant emulator; one filtered run of the unchanged
command against it writes the reproducer every test here replays. The sequence creates labels, so
the type IDs the server assigns are captured and mapped at replay.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hubspot_associations_contract import reproduce, runner
from hubspot_associations_contract.runner import PROBE_PATH

from tests.mutants.running import serve_mutant
from tests.test_hubspot_associations_contract.altering_proxy import AlteringProxy, Received
from tests.test_hubspot_associations_contract.portal import (
    check,
    command_env,
    live_env,
    portal_state,
    seed_user_data,
    store,
    users_emulator,
)

MUTANT = "batch-create-drops-one"
RULE = "batch.accounting"
PROBE = "test_graph.py::test_paired_and_unpaired_labels"


@pytest.fixture(scope="module")
def faulty() -> Iterator[str]:
    """The mutant emulator (the target that broke)."""
    with serve_mutant(MUTANT) as url:
        yield url


@pytest.fixture(scope="module")
def correct() -> Iterator[str]:
    """An emulator without the bug, as a user runs one (the target once fixed)."""
    with users_emulator() as url:
        yield url


@pytest.fixture(scope="module")
def reproducer(faulty: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reproducer a failing run against the mutant wrote into its --report-dir."""
    folder = tmp_path_factory.mktemp("reports")
    done = check("--base-url", faulty, "--examples", "1", "--rule", RULE,
                 "--report-dir", str(folder))  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    # One per failed test: the probe with labels is the one replayed here.
    files = [
        path
        for path in folder.glob(f"reproducer-{RULE}-*.json")
        if json.loads(path.read_text(encoding="utf-8"))["test"].endswith(PROBE)
    ]
    assert len(files) == 1, done.stdout + done.stderr
    # The run prints the one command that replays it on the same target.
    assert f"hubspot-associations check --reproduce {files[0]} --base-url {faulty}" in done.stdout
    return files[0]


def test_the_reproducer_fails_again_on_the_faulty_target(
    faulty: str, reproducer: Path, tmp_path: Path
) -> None:
    """--reproduce against the mutant exits 1 naming the recorded rule, writes --junit's one
    failed case and leaves the emulator emptied; the file holds no token."""
    junit = tmp_path / "replay.xml"
    done = check("--reproduce", str(reproducer), "--base-url", faulty, "--junit", str(junit))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"[{RULE}] batch_create_associations" in done.stdout
    assert f"reproduced: [{RULE}]" in done.stdout
    (case,) = ET.parse(junit).getroot().iter("testcase")
    assert case.get("name") == f"{RULE} {json.loads(reproducer.read_text())['operation']}"
    failure = case.find("failure")
    assert failure is not None
    assert f"[{RULE}] batch_create_associations" in str(failure.get("message"))
    # As a check run ends: nothing of the sequence is left on the emulator.
    assert "is reset (emptied) after the replay" in done.stdout
    assert not any(rows for name, rows in store(faulty).items() if "association" in name)
    saved = reproducer.read_text(encoding="utf-8")
    assert "emulator-token" not in saved
    assert "Bearer" not in saved
    # The server's type IDs are symbols, captured at replay.
    assert "{label:alpha}" in saved
    assert "{tag}" in saved


def _journal(url: str) -> list[tuple[str, str, str, str]]:
    """(method, path, query, body) of every HubSpot-path request since the last reset, with the
    run's tag in label names masked (each replay makes its own)."""
    entries = httpx.get(f"{url}/_emulator/journal", timeout=30).json()["entries"]
    out = []
    for entry in entries:
        text = str(entry["requestBody"].get("text", ""))
        text = re.sub(r"hsa_contract_(\w+?)_[0-9a-f]{12}", r"hsa_contract_\1_TAG", text)
        out.append((str(entry["method"]), str(entry["path"]), str(entry.get("query", "")), text))
    return out


def test_a_correct_emulator_passes_and_the_curl_script_sends_the_same_requests(
    correct: str, reproducer: Path
) -> None:
    """On an emulator without the bug the replay exits 0 and empties the emulator when it ends (as
    a check run does), and --curl's bash script (curl, jq) sends the replay's requests, request for
    request, as a proxy in front of the emulator receives them."""
    with AlteringProxy(correct) as proxy:
        replayed = check("--reproduce", str(reproducer), "--base-url", proxy.url)
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        assert f"passed: the recorded failure [{RULE}]" in replayed.stdout
        assert _journal(correct) == []
        # The command's reachability probe first, then the sequence.
        probe, *replay = proxy.hubspot_requests()
        assert (probe.method, probe.target) == ("GET", PROBE_PATH)
        expected = _sent(replay)
        proxy.received.clear()
        script = check("--reproduce", str(reproducer), "--curl")
        assert script.returncode == 0, script.stderr
        assert script.stdout.startswith("#!/usr/bin/env bash")
        assert "jq -r" in script.stdout
        ran = subprocess.run(
            ["bash", "-c", script.stdout],
            env=command_env({"HUBSPOT_BASE_URL": proxy.url}),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert ran.returncode == 0, ran.stderr
        sent = _sent(proxy.hubspot_requests())
    assert len(expected) > 10
    assert sent == expected


def _sent(requests: list[Received]) -> list[tuple[str, str, str]]:
    """(method, path and query, body) of each request, the run's tag in label names masked (each
    replay makes its own)."""
    return [
        (r.method, r.target, re.sub(r"hsa_contract_(\w+?)_[0-9a-f]{12}", r"hsa_contract_\1_TAG",
                                    r.body.decode("utf-8", "replace")))
        for r in requests
    ]  # fmt: skip


def _masked(path: str) -> str:
    """A path with its IDs and symbols as N (the replay maps symbols to the server's IDs)."""
    return re.sub(r"\{[^{}]+\}|\d+", "N", path)


def test_a_live_reproduction_restores_the_portal(reproducer: Path) -> None:
    """--reproduce --live is a writing run: it passes on a correct portal and leaves it as seeded."""
    with users_emulator() as portal:
        seed_user_data(portal)
        before, tables = portal_state(portal), store(portal)
        done = check("--reproduce", str(reproducer), "--live", "--base-url", portal,
                     env=live_env())  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert "passed:" in done.stdout
        # Every change the replay and its restore made, worded for a replay (no scenarios):
        # each write of the sequence changes at least one association, each restored.
        counted = re.search(
            r"the replay and its restore made (\d+) association change", done.stdout
        )
        assert counted is not None, done.stdout
        writes = reproduce.load(reproducer).writes()
        assert int(counted.group(1)) >= len(writes) + 1, done.stdout
        assert "restored after the replay" in done.stdout
        assert "each scenario" not in done.stdout
        assert portal_state(portal) == before
        assert store(portal) == tables
        refused = check("--reproduce", str(reproducer), "--live", "--base-url", portal,
                        env=live_env(HUBSPOT_CONTRACT_ALLOW_WRITES="0"))  # fmt: skip
        assert refused.returncode == 2
        assert "HUBSPOT_CONTRACT_ALLOW_WRITES=1" in refused.stderr


def test_a_bad_reproducer_is_refused(tmp_path: Path) -> None:
    """A file that is no reproducer this version reads: exit 2 saying what is wrong."""
    for content, said in (
        ("not json", "is not JSON"),
        (json.dumps({"format": "hubspot-associations-reproducer", "version": 99}), "version 99"),
    ):
        path = tmp_path / "bad.json"
        path.write_text(content, encoding="utf-8")
        done = check("--reproduce", str(path), "--curl")
        assert done.returncode == 2, done.stdout
        assert said in done.stderr, done.stderr


@pytest.mark.parametrize(
    "options",
    [["--rule", "graph.model"], ["--operation", "list_labels", "--baseline", "known.json"],
     ["--report-dir", "out", "--fail-on-report", "--update-baseline"]],
)  # fmt: skip
def test_options_a_replay_would_ignore_are_refused(
    reproducer: Path, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--reproduce with a run's selection, reports or baseline options exits 2 naming each."""
    assert runner.main(["--reproduce", str(reproducer), *options]) == 2
    err = capsys.readouterr().err
    for option in options:
        if option.startswith("--"):
            assert option in err, err


def test_a_difference_read_again_is_printed_once() -> None:
    """A live run's read-back read again until it agreed repeats one difference: once, with its
    steps."""
    same = [reproduce.Difference(step, "graph.model", "list_associations", "5 missing")
            for step in (4, 5, 6)]  # fmt: skip
    other = reproduce.Difference(7, "graph.model", "list_associations", "6 missing")
    assert reproduce.distinct([*same, other]) == [(same[0], [4, 5, 6]), (other, [7])]
