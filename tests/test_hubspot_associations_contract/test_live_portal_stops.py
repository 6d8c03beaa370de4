"""`check --live` with writes stopped before its end, against a server that keeps its state: the
target lost mid-run (the next run sweeps what was left) and SIGTERM. The user's data must end as
seeded. (Apart from test_live_portal.py so that the two long files run on two workers.)"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hubspot_associations_contract.ledger import STATE_DIR_VARIABLE, ledger_path

from tests.test_hubspot_associations_contract.portal import (
    CLI,
    STATE_DIR,
    TOKEN,
    Proxy,
    check,
    command_env,
    live_env,
    portal_state,
    reserved_labels,
    run_processes,
    seed_user_data,
    start_check,
    stop_mid_run,
    stopped_case,
    store,
    users_emulator,
    wait_for,
    writes,
)

pytestmark = pytest.mark.timeout(900)
EXAMPLES = ("--examples", "4")


def test_a_target_lost_mid_run_leaves_leftovers_the_next_run_sweeps_and_names(
    tmp_path: Path,
) -> None:
    """The target unreachable mid-run: exit 3 with an honest JUnit file; the next run removes
    what the first left (its labels by their prefix, its pairs from its ledger), names them, and
    the user's data is as seeded."""
    junit = tmp_path / "lost.xml"
    with users_emulator() as url:
        seed_user_data(url)
        seeded = portal_state(url)
        proxy = Proxy(int(urlsplit(url).port or 0))
        process = subprocess.Popen(
            [CLI, "check", "--live", "--base-url", proxy.url, *EXAMPLES, "--junit", str(junit)],
            # Paced to 40 requests a second: a label lives for the dozens of requests between its
            # create and its scenario's clean-up, a second or more, not the tens of milliseconds
            # it lives unpaced (a 0.1 s poll missed it and the run ended before the cut).
            env=command_env(live_env(HUBSPOT_ASSOCIATIONS_RATE_LIMIT="40/1")),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            wait_for(lambda: bool(reserved_labels(url)) or process.poll() is not None,
                     "the run created a label")  # fmt: skip
            if process.poll() is not None:
                raise AssertionError(f"ended before its first label: {process.communicate()[0]}")
            proxy.cut()
            out, _ = process.communicate(timeout=300)
        finally:
            process.kill()
        left = portal_state(url)
        proxy.restore()
        swept = check("--live", "--base-url", proxy.url, *EXAMPLES, env=live_env())
        after = portal_state(url)
        proxy.cut()
    assert process.returncode == 3, out[-4000:]
    assert left != seeded  # the lost run could not clean up: there is something to sweep
    assert "unreachable" in str(stopped_case(junit).get("message"))
    assert swept.returncode == 0, swept.stdout[-4000:] + swept.stderr[-2000:]
    assert "restored what earlier runs of the suite left" in swept.stdout
    assert "label hsa_contract_" in swept.stdout
    assert after == seeded


def test_a_live_run_stopped_by_sigterm_leaves_the_users_data_as_it_was(tmp_path: Path) -> None:
    """SIGTERM mid-run: exit 130 once the run's writes are restored (the named contacts' outside
    primaries included); the JUnit file says what was restored and that nothing remains."""
    junit = tmp_path / "stopped.xml"
    with users_emulator() as url:
        seed_user_data(url)
        seeded, before = portal_state(url), store(url)
        returncode, out, err = stop_mid_run(
            ["--live", "--base-url", url, *EXAMPLES, "--junit", str(junit)], live_env(), url
        )
        after = portal_state(url)
        assert store(url) == before
    assert returncode == 130, out[-3000:] + err[-3000:]
    assert after == seeded
    message = str(stopped_case(junit).get("message"))
    assert message.startswith("interrupted (Ctrl-C or SIGTERM)"), message
    assert "nothing the run wrote remains" in message


def _ledger_of(url: str) -> Path:
    os.environ[STATE_DIR_VARIABLE] = STATE_DIR
    try:
        return ledger_path(url, TOKEN)
    finally:
        del os.environ[STATE_DIR_VARIABLE]


@pytest.mark.parametrize("when", ["before-the-first-write", "mid-run"])
def test_ctrl_c_to_the_process_group_restores_everything(tmp_path: Path, when: str) -> None:
    """Ctrl-C as a terminal sends it (SIGINT to the whole process group), before the run wrote
    and mid-run: exit 130, the store as before, and the JUnit message says what was done."""
    junit = tmp_path / "ctrl-c.xml"
    with users_emulator() as url:
        seed_user_data(url)
        before, written_before = store(url), writes(url)
        process = start_check("--live", "--base-url", url, *EXAMPLES, "--junit", str(junit),
                              env=live_env())  # fmt: skip
        try:
            if when == "mid-run":
                wait_for(lambda: writes(url) > written_before, "the run wrote")
            else:
                # The run's record is in the ledger: its reads are done, no write is sent yet.
                wait_for(_ledger_of(url).exists, "the run recorded the named records")
            os.killpg(process.pid, signal.SIGINT)
            out, err = process.communicate(timeout=300)
        finally:
            process.kill()
        after = store(url)
    assert process.returncode == 130, out[-3000:] + err[-3000:]
    assert after == before
    message = str(stopped_case(junit).get("message"))
    assert message.startswith("interrupted (Ctrl-C or SIGTERM)"), message
    assert "nothing the run wrote remains" in message
    made = re.search(r"the run made (\d+) association change\(s\)", message)
    assert made is not None, message
    # Before its first write the run changed nothing; mid-run it had (each change counted).
    assert (int(made.group(1)) > 0) == (when == "mid-run"), message


def test_a_killed_run_leaves_no_process_and_cleanup_only_restores(tmp_path: Path) -> None:
    """A second writing run during a live one refuses (exit 2, naming the live one); kill -9 of
    the command ends the whole run within 5 s; `--cleanup-only --wait`, waiting for the lock
    meanwhile, then restores the store as it was."""
    with users_emulator() as url:
        seed_user_data(url)
        before, written_before = store(url), writes(url)
        first = start_check("--live", "--base-url", url, "--examples", "20", env=live_env())
        try:
            wait_for(lambda: writes(url) > written_before, "the run wrote")
            second = check("--live", "--base-url", url, *EXAMPLES, "--junit",
                           str(tmp_path / "second.xml"), env=live_env())  # fmt: skip
            waiting = start_check("--live", "--base-url", url, "--cleanup-only", "--wait",
                                  env=live_env())  # fmt: skip
            assert waiting.stderr is not None
            waited = waiting.stderr.readline()  # it says whom it waits for, then blocks
            processes = run_processes(first.pid)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and any(run_processes(p) for p in processes):
                time.sleep(0.1)
            left = {p for p in processes if run_processes(p)}
            out, err = waiting.communicate(timeout=120)
        finally:
            first.kill()
        after = store(url)
    assert len(processes) >= 2, processes  # the command and its suite
    assert not left, f"processes of the killed run still alive: {left}"
    assert second.returncode == 2, second.stdout[-2000:] + second.stderr[-2000:]
    assert f"PID {first.pid} on host {socket.gethostname()}, started " in second.stderr
    assert "--wait" in second.stderr
    refused = str(stopped_case(tmp_path / "second.xml").get("message"))
    assert f"another writing live run on this target is going on: PID {first.pid}" in refused
    assert waiting.returncode == 0, out[-3000:] + err[-3000:]
    assert f"waiting for the writing run PID {first.pid}" in waited
    assert "restored what earlier runs of the suite left on the target" in out
    assert f"(PID {first.pid} on host" in out
    assert after == before
