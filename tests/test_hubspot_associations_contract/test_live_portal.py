"""`check --live` with writes against a server that keeps its state, as a user's sandbox portal does.

The emulator runs as its own process, reached by URL, seeded first with the user's own data. Each
run, whether it passes, breaks a rule, loses the target or is stopped, must leave that data exactly
as it was, and the suite's own labels, associations and limits gone (after an unreachable run,
once the next run has swept what it left).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
from hubspot_associations_contract import target, verdicts
from hubspot_associations_contract.scenario import Scenario

from tests.mutants.running import serve_mutant
from tests.test_hubspot_associations_contract.portal import (
    HEADERS,
    check,
    live_env,
    portal_state,
    reserved_labels,
    seed_user_data,
    stopped_case,
    store,
    users_emulator,
)

pytestmark = pytest.mark.timeout(900)
# Enough for the state machine to create, rename and delete labels across several examples.
EXAMPLES = ("--examples", "6")


def test_two_live_runs_in_a_row_leave_the_users_data_as_it_was(tmp_path: Path) -> None:
    """Two writing live runs in a row both pass, and labels (both directions, type IDs),
    associations (each named contact's primary company, which is not named, included) and limits
    are exactly as seeded afterwards, in the store itself too; the run counts its changes."""
    with users_emulator() as url:
        seed_user_data(url)
        seeded, stored = portal_state(url), store(url)
        first = check("--live", "--base-url", url, *EXAMPLES, env=live_env())
        after_first, stored_first = portal_state(url), store(url)
        second = check("--live", "--base-url", url, *EXAMPLES, env=live_env())
        after_second = portal_state(url)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-2000:]
    assert "labels this run creates are named hsa_contract_" in first.stdout
    made = re.search(r"the run made (\d+) association change\(s\) on the portal", first.stdout)
    assert made is not None, first.stdout[-2000:]
    assert int(made.group(1)) > 0
    assert after_first == seeded
    assert stored_first == stored
    assert after_second == seeded


def test_a_live_run_that_breaks_a_rule_leaves_the_users_data_as_it_was(tmp_path: Path) -> None:
    """A rule broken mid-run (a batch create that drops an input): exit 1, one block naming the
    rule and how to replay, no traceback, and the user's data as seeded."""
    with serve_mutant("batch-create-drops-one") as url:
        seed_user_data(url)
        seeded = portal_state(url)
        done = check("--live", "--base-url", url, *EXAMPLES, env=live_env())
        after = portal_state(url)
    assert done.returncode == 1, done.stdout[-4000:]
    assert after == seeded
    blocks = done.stdout.split("broken rules", 1)[1]
    assert "[batch.accounting] batch_create_associations" in blocks
    assert "replay: hubspot-associations check --live" in blocks
    assert "Traceback" not in done.stdout + done.stderr
    assert len(done.stdout.splitlines()) < 150, done.stdout


def test_labels_renamed_any_number_of_times_are_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scenario that renames a paired label three times still removes it at the end (the
    clean-up finds labels by the run's tag, not by a wording it expects)."""
    with users_emulator() as url:
        seed_user_data(url)
        seeded = portal_state(url)
        for name, value in live_env(HUBSPOT_CONTRACT_TARGET="live", HUBSPOT_BASE_URL=url).items():
            monkeypatch.setenv(name, value)
        target.selected.cache_clear()
        try:
            scenario = Scenario()
            scenario.create_label("alpha", paired=True)
            for _ in range(3):
                scenario.rename_label("alpha")
            renamed = reserved_labels(url)
            scenario.close()
        finally:
            target.selected.cache_clear()
            verdicts.reset()
        after = portal_state(url)
    assert renamed == [f"hsa_contract_alpha_{scenario.target.run_tag} renamed renamed renamed"]
    assert after == seeded


@pytest.mark.parametrize(
    ("why", "code", "expected"),
    [
        ("associated", 2, "already associated with company"),
        ("wrong-token", 3, "refused the token"),
        ("down", 3, "unreachable"),
    ],
)
def test_a_refused_run_writes_a_junit_file_naming_why(
    tmp_path: Path, why: str, code: int, expected: str
) -> None:
    """A run refused at the start (records already associated, a wrong token, the target down)
    still writes its JUnit file, with one error case naming the reason."""
    junit = tmp_path / "refused.xml"
    with users_emulator() as url:
        env = live_env()
        if why == "associated":
            put = f"{url}/crm/v4/objects/contact/101/associations/default/company/201"
            httpx.put(put, headers=HEADERS).raise_for_status()
        elif why == "wrong-token":
            env["HUBSPOT_ACCESS_TOKEN"] = "not-the-portals-token"
        else:
            url = "http://127.0.0.1:9"
        done = check("--live", "--base-url", url, "--junit", str(junit), env=env)
    assert done.returncode == code, done.stdout[-2000:] + done.stderr
    error = stopped_case(junit)
    assert expected in str(error.get("message")), error.get("message")
    root = ET.parse(junit).getroot()
    assert root.get("errors") == "1"
    if why == "associated":
        assert "hubspot-associations unassociate - --from contact --to company" in done.stderr
        assert "101,201" in done.stderr


def test_the_users_pytest_set_up_does_not_change_the_run(tmp_path: Path) -> None:
    """PYTEST_ADDOPTS, PYTEST_PLUGINS, PYTHONWARNINGS and a hostile conftest.py, pytest.ini and
    pyproject.toml in the current directory change nothing: the run passes."""
    (tmp_path / "conftest.py").write_text(
        "import pytest\n\n\ndef pytest_collection_modifyitems(items):\n"
        "    raise RuntimeError('the user conftest ran')\n",
        encoding="utf-8",
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -k nothing -x\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\naddopts = '-k nothing'\n", encoding="utf-8"
    )
    env = {
        "PYTEST_ADDOPTS": "-k nothing",
        "PYTEST_PLUGINS": "a_plugin_that_does_not_exist",
        "PYTHONWARNINGS": "error",
    }
    done = check("--examples", "2", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "deselected" not in done.stdout
    assert "the user conftest ran" not in done.stdout + done.stderr
