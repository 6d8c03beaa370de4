"""`check --live` with writes stopped before its end, against a server that keeps its state: the
target lost mid-run (the next run sweeps what was left) and SIGTERM. The user's data must end as
seeded. (Apart from test_live_portal.py so that the two long files run on two workers.)"""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.test_hubspot_associations_contract.portal import (
    CLI,
    Proxy,
    check,
    command_env,
    live_env,
    portal_state,
    reserved_labels,
    seed_user_data,
    stop_mid_run,
    stopped_case,
    users_emulator,
    wait_for,
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
            env=command_env(live_env()), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        try:
            wait_for(lambda: bool(reserved_labels(url)), "the run created a label")
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
    assert "removed what earlier runs of the suite left" in swept.stdout
    assert "label hsa_contract_" in swept.stdout
    assert after == seeded


def test_a_live_run_stopped_by_sigterm_leaves_the_users_data_as_it_was(tmp_path: Path) -> None:
    """SIGTERM mid-run: exit 130 once the run's writes are removed; JUnit says it was stopped."""
    junit = tmp_path / "stopped.xml"
    with users_emulator() as url:
        seed_user_data(url)
        seeded = portal_state(url)
        returncode, out, err = stop_mid_run(
            ["--live", "--base-url", url, *EXAMPLES, "--junit", str(junit)], live_env(), url
        )
        after = portal_state(url)
    assert returncode == 130, out[-3000:] + err[-3000:]
    assert after == seeded
    assert "interrupted" in str(stopped_case(junit).get("message"))
