"""The suite can fail: each planted bug is reported, by the rule it breaks, through `hubspot-associations check`.

Every mutant of tests/mutants/catalog.py (behavioural bugs that keep every shape valid, and shape
bugs) is served by a real emulator process on 127.0.0.1 with that one bug. The unchanged entry point
users run, ``hubspot-associations check --base-url URL`` (narrowed to the mutant's rule where the
catalog says so: ``Mutant.selection``), must exit 1 (contract broken) and name the mutant's rule in
its output and in its JUnit file; the unmutated emulator must pass.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from hubspot_associations_contract.rule_operations import ON_EVERY_OPERATION, ON_NAMED_OPERATIONS
from hubspot_associations_contract.selection import ALWAYS_KEPT, SCENARIOS, TRACE_VARIABLE

from tests.mutants.catalog import MUTANTS, NO_MUTANT
from tests.mutants.running import serve_mutant

# A server and a run of the suite per mutant and one more, two at a time: minutes on a loaded 2-core
# machine.
pytestmark = pytest.mark.timeout(1800)

CLI = str(Path(sys.executable).parent / "hubspot-associations")
# Few examples: the probes judge every rule on fixed sequences; generation adds depth, not reach.
EXAMPLES = "3"


@dataclass(frozen=True)
class Run:
    """What `check` did against one mutant."""

    returncode: int
    output: str
    failed_rules: frozenset[str]
    # (rule, operation) of every case judged (JUnit's classname and name).
    cases: frozenset[tuple[str, str]]
    # {test node ID: the (rule, operation) pairs it judged}.
    trace: dict[str, list[list[str]]]


def _check(name: str, folder: Path) -> Run:
    junit, trace = folder / f"{name}.xml", folder / f"{name}.trace.json"
    chosen = MUTANTS[name].selection if name in MUTANTS else ()
    with serve_mutant(name) as url:
        command = [CLI, "check", "--base-url", url, "--examples", EXAMPLES, "--junit", str(junit)]
        done = subprocess.run(
            [*command, *chosen],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env={**os.environ, TRACE_VARIABLE: str(trace)},
        )
    failed: set[str] = set()
    cases: set[tuple[str, str]] = set()
    if junit.exists():
        for case in ET.parse(junit).getroot().iter("testcase"):
            if case.find("failure") is not None:
                failed.add(case.get("classname", ""))
            if case.find("skipped") is None:
                cases.add((case.get("classname", ""), case.get("name", "")))
    traced = json.loads(trace.read_text(encoding="utf-8")) if trace.exists() else {}
    return Run(
        done.returncode, done.stdout + done.stderr, frozenset(failed), frozenset(cases), traced
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """`check` against every mutant and the unmutated emulator, two at a time (two cores)."""
    folder = tmp_path_factory.mktemp("mutants")
    names = [NO_MUTANT, *MUTANTS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(names, pool.map(lambda n: _check(n, folder), names), strict=True))


def test_the_unmutated_emulator_passes(runs: dict[str, Run]) -> None:
    """Without a planted bug the same command exits 0 with no failed case (so failures below are the bugs')."""
    run = runs[NO_MUTANT]
    assert run.returncode == 0, run.output[-4000:]
    assert not run.failed_rules


def test_every_case_of_a_clean_run_is_declared(runs: dict[str, Run]) -> None:
    """Each (rule, operation) the unmutated run judged is declared in rule_operations.py (which
    docs/operations.md shows): on that operation by name, or on every operation a check sees."""
    cases = runs[NO_MUTANT].cases
    assert {rule for rule, _ in cases} & set(ON_NAMED_OPERATIONS)
    undeclared = sorted(
        (rule, operation)
        for rule, operation in cases
        if rule not in ON_EVERY_OPERATION and operation not in ON_NAMED_OPERATIONS.get(rule, ())
    )
    assert undeclared == []


def test_each_scenario_declares_what_it_sends_and_judges(runs: dict[str, Run]) -> None:
    """Each test of a clean run is declared in selection.SCENARIOS (which --operation and --rule
    choose tests by) and judged only rules it declares, on operations it declares it sends."""
    trace = runs[NO_MUTANT].trace
    seen: set[str] = set()
    wrong: list[tuple[str, ...]] = []
    for nodeid, pairs in trace.items():
        path, _, test = nodeid.partition("::")
        key = f"{Path(path).stem}::{test.split('[')[0]}"
        seen.add(key)
        declared = SCENARIOS.get(key)
        if declared is None:
            wrong.append((key, "not declared"))
            continue
        for rule, operation in pairs:
            sends = declared.sends
            if rule != ALWAYS_KEPT and (
                rule not in declared.judges or (sends is not None and operation not in sends)
            ):
                wrong.append((key, rule, operation))
    assert wrong == []
    assert seen == set(SCENARIOS)


def test_there_are_behavioural_mutants() -> None:
    """The harness holds the seven behavioural bugs the shape checks missed, and the shape ones."""
    behavioural = {
        "paired-label-no-inverse", "401-without-correlation-id", "batch-create-drops-one",
        "default-ignores-limit", "rate-limit-ignored", "delete-leaves-reverse", "delete-label-200-body",
    }  # fmt: skip
    assert behavioural <= set(MUTANTS)
    assert len(MUTANTS) >= 10


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_each_mutant_is_reported_by_its_rule(runs: dict[str, Run], name: str) -> None:
    """`check` exits 1 and names the mutant's rule in its output and as a failed JUnit case."""
    mutant, run = MUTANTS[name], runs[name]
    assert run.returncode == 1, f"{name}: exit {run.returncode}\n{run.output[-4000:]}"
    assert f"[{mutant.rule}]" in run.output, f"{name}: [{mutant.rule}] not in\n{run.output[-4000:]}"
    assert mutant.rule in run.failed_rules, (name, sorted(run.failed_rules))
