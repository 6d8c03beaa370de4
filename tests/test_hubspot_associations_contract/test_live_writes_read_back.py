"""Every write's effect is read back on a live portal: a write that answers success and does
nothing fails `check --live` with writes, under the rule that names it; and the run's selection
(--operation, --rule) is validated before anything runs and leaves only selected cases.

One emulator process for the file stands in for the portal, seeded with the user's data; an
altering proxy in front of it makes one write a no-op at a time.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hubspot_associations_contract import runner

from tests.test_hubspot_associations_contract.altering_proxy import AlteringProxy
from tests.test_hubspot_associations_contract.portal import (
    check,
    live_env,
    portal_state,
    seed_user_data,
    users_emulator,
)

pytestmark = pytest.mark.timeout(600)
# The client paces itself to a portal's budget: this one is an emulator with none, and each run
# here is a few hundred requests (the state machine's read-backs), seconds at portal.FAST_PORTAL.
UNPACED = "100000/10"

# Each write made a no-op, and the rule its read-back fails under.
NO_OPS = {
    "remove_associations": "graph.model",
    "batch_remove_associations": "graph.model",
    "update_label": "labels.paired-inverse",
    "delete_label": "delete.cascade",
}


@pytest.fixture(scope="module")
def portal() -> Iterator[tuple[str, Any]]:
    """The user's portal (an emulator seeded with their data) and its state as seeded."""
    with users_emulator() as url:
        seed_user_data(url)
        yield url, portal_state(url)


def _cases(junit: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(every judged case, the failed ones) of a JUnit file, as (rule, operation)."""
    judged, failed = set(), set()
    for case in ET.parse(junit).getroot().iter("testcase"):
        key = (str(case.get("classname")), str(case.get("name")))
        if case.find("skipped") is None:
            judged.add(key)
        if case.find("failure") is not None:
            failed.add(key)
    return judged, failed


def _run(proxy: AlteringProxy, junit: Path, *operations: str) -> Any:
    chosen = [word for op in operations for word in ("--operation", op)]
    return check("--live", "--base-url", proxy.url, *chosen, "--examples", "1",
                 "--junit", str(junit),
                 # An emulator agrees at once: a no-op waits out a short read-back wait, not 2 s.
                 env=live_env(HUBSPOT_ASSOCIATIONS_RATE_LIMIT=UNPACED,
                              HUBSPOT_CONTRACT_READ_BACK_WAIT_MS="400"))  # fmt: skip


@pytest.mark.parametrize("operation", sorted(NO_OPS))
def test_a_write_that_does_nothing_fails_under_its_rule(
    portal: tuple[str, Any], operation: str, tmp_path: Path
) -> None:
    """A write answered with its documented success that changes nothing: exit 1, the rule named
    in the output and failed in the JUnit file on that operation; the user's data as seeded."""
    url, seeded = portal
    junit = tmp_path / "run.xml"
    with AlteringProxy(url) as proxy:
        # Only the first: the run's restore removes with batch_remove_associations and deletes
        # its labels with delete_label, and a portal that ignores those every time cannot be
        # restored by anyone. The first one is the probe's, read back before the next step.
        proxy.no_op(operation, times=1)
        done = _run(proxy, junit, operation)
    output = done.stdout + done.stderr
    assert proxy.altered == [operation], output[-3000:]
    assert done.returncode == 1, output[-4000:]
    rule = NO_OPS[operation]
    assert f"[{rule}] {operation}" in done.stdout, output[-4000:]
    judged, failed = _cases(junit)
    assert (rule, operation) in failed, sorted(failed)
    assert {op for _, op in judged} == {operation}, sorted(judged)
    assert portal_state(url) == seeded


def test_the_pass_through_proxy_passes(portal: tuple[str, Any], tmp_path: Path) -> None:
    """The same writes forwarded unchanged: exit 0; the JUnit file holds cases of the selected
    operations only; the user's data as seeded."""
    url, seeded = portal
    junit = tmp_path / "run.xml"
    with AlteringProxy(url) as proxy:
        done = _run(proxy, junit, *NO_OPS)
    assert proxy.altered == []
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    judged, failed = _cases(junit)
    assert not failed
    assert {op for _, op in judged} == set(NO_OPS), sorted(judged)
    assert {rule for rule, _ in judged} >= set(NO_OPS.values())
    assert portal_state(url) == seeded


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--operation", "remove_association", "remove_associations"),
        ("--exclude-operation", "list_associations", "batch_read_associations"),
        ("--rule", "graph.modle", "graph.model"),
        ("--exclude-rule", "grpah.*", "graph.both-directions"),
    ],
)
def test_an_unknown_operation_or_rule_is_refused_naming_the_known_ones(
    option: str, value: str, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An operationId the release lacks (list_associations on 2026-09) or an unknown rule or
    family: exit 2 before anything runs (the command's own main, in process), naming the value
    and every known one."""
    assert runner.main(["--api-version", "2026-09", option, value]) == 2
    out, err = capsys.readouterr()
    assert f"{option} {value!r}" in err
    assert named in err
    assert "contract check:" not in out  # nothing ran


def test_a_selection_of_nothing_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """A rule family never judged on the selected operation selects nothing: exit 2, saying so."""
    assert runner.main(["--operation", "remove_associations", "--rule", "usage.*"]) == 2
    assert "selects nothing" in capsys.readouterr().err
