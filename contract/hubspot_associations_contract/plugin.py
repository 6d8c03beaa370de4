"""The pytest plugin of the shipped suite: Hypothesis settings, failure naming, the JUnit file.

``hubspot-associations check`` runs ``pytest --pyargs hubspot_associations_contract -p
hubspot_associations_contract.plugin``; the plugin writes one JUnit case per rule and operation
(``HUBSPOT_CONTRACT_JUNIT``), prints which rules held, and notes in ``HUBSPOT_CONTRACT_OUTCOME``
whether failures came from an unreachable target rather than a broken contract.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from hypothesis import HealthCheck, settings

from hubspot_associations import APIConnectionError

from . import (  # noqa: F401  (checks registers schemathesis' checks)
    checks,
    conformance_record,
    coverage,
    recorder,
    results,
    selection,
    stopping,
    verdicts,
)
from .baseline import BaselineError, Comparison
from .rules import RuleViolation
from .target import phases, selected

settings.register_profile(
    "hubspot-associations-contract",
    max_examples=selected().examples,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
    # Against a portal every shrinking step is more writes and minutes of waiting: the first
    # failing example is reported as it came (replayed with the same --seed).
    phases=phases(),
)
settings.load_profile("hubspot-associations-contract")

_STARTED = time.time()


# SIGTERM (a cancelled CI job) ends the run as Ctrl-C does, once; the command that started the
# suite restores a live portal after this process has ended, and this process ends with it.
stopping.install()
_UNREACHABLE: list[str] = []
_BROKEN: list[str] = []
# The failing example of each failed test (its steps or request), for the summary's blocks.
_EXAMPLES: dict[str, str] = {}
EXAMPLE_LINES = 40


def _unreachable(error: BaseException, seen: set[int] | None = None) -> bool:
    """Whether a failure comes from the target not answering (at any depth of its causes)."""
    seen = set() if seen is None else seen
    if id(error) in seen:
        return False
    seen.add(id(error))
    # schemathesis sends with requests, the client with httpx.
    if isinstance(error, (httpx.TransportError, APIConnectionError, requests.ConnectionError)):
        return True
    if isinstance(error, BaseExceptionGroup) and any(
        _unreachable(inner, seen) for inner in error.exceptions
    ):
        return True
    following = error.__cause__ or error.__context__
    return following is not None and _unreachable(following, seen)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """Sort each failure: target unreachable, or a rule broken (unexpected errors noted too)."""
    report = yield
    if report.failed and call.excinfo is not None:
        error = call.excinfo.value
        _EXAMPLES.setdefault(item.nodeid, _example_of(error))
        if report.when == "call" and not _unreachable(error):
            recorder.save(item.nodeid, error)  # the failing sequence, when it can be replayed
            conformance_record.save(item.nodeid)  # each conformance failure's request(s)
        if _unreachable(error):
            _UNREACHABLE.append(item.nodeid)
            # Everything after would fail the same way: stop, and say why once.
            item.session.shouldstop = (
                f"the target became unreachable during {item.name}: {type(error).__name__}"
            )
        else:
            _BROKEN.append(item.nodeid)
            if not isinstance(error, (RuleViolation, AssertionError, BaseExceptionGroup)):
                verdicts.note_failure(
                    RuleViolation("run.unexpected", item.name, f"{type(error).__name__}: {error}")
                )
    return report


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the scenarios the run's selection (--operation, --rule) does not reach: those
    that send no selected operation or judge no selected rule (selection.SCENARIOS)."""
    chosen = selection.current()
    if chosen.everything:
        return
    operations = selection.release_operations(selected().release)
    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        module = getattr(getattr(item, "module", None), "__name__", "").rsplit(".", 1)[-1]
        key = f"{module}::{getattr(item, 'originalname', item.name)}"
        (kept if chosen.scenario(key, operations) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Judgements made from here on belong to this test (the summary names it)."""
    verdicts.set_test(item.nodeid)


def _example_of(error: BaseException) -> str:
    """What to replay: the notes Hypothesis and schemathesis add (the steps of a state machine,
    the falsifying example, the request as curl), else the error itself; at most 40 lines."""
    lines: list[str] = []
    for inner in [error, *getattr(error, "exceptions", ())]:
        for note in getattr(inner, "__notes__", ()):
            lines += [line for line in str(note).splitlines() if line.strip()]
        for line in str(inner).splitlines():
            if "curl " in line or "Reproduce" in line:
                lines.append(line.strip())
    if not lines:
        lines = [f"{type(error).__name__}: {error}"]
    unique = list(dict.fromkeys(lines))
    if len(unique) > EXAMPLE_LINES:
        unique = [*unique[:EXAMPLE_LINES], f"… {len(unique) - EXAMPLE_LINES} more lines (-v)"]
    return "\n".join(unique)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say what is checked and how to replay it."""
    target = selected()
    return [
        f"contract target: {target.kind} at {target.base_url}, release {target.release}",
        f"contract seed: {target.seed} (replay: --seed {target.seed}), examples: {target.examples}",
    ]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per rule: held, broken (where), known from the baseline or reported; the
    coverage in short; then the reported, known and fixed ones and the broken rules with their
    examples."""
    finished = _FINISHED[0] if _FINISHED else None
    comparison = finished.comparison if finished is not None else None
    terminalreporter.section("contract rules")
    for line in verdicts.summary_lines(comparison):
        terminalreporter.write_line(line)
    for line in _COVERAGE_LINES:
        terminalreporter.write_line(f"coverage: {line}")
    _listed_sections(terminalreporter, comparison)
    broken = [
        ((name, operation), case)
        for (name, operation), case in verdicts.broken()
        if verdicts.outcome_of(name, operation, case, comparison) == "broken"
    ]
    if not broken:
        return
    terminalreporter.section("broken rules")
    replay = os.environ.get("HUBSPOT_CONTRACT_REPLAY", "hubspot-associations check")
    for (name, operation), case in broken:
        terminalreporter.write_line(f"[{name}] {operation}: {case.failures[0]}")
        if case.failed > 1:
            terminalreporter.write_line(f"  ({case.failed} failures in all)")
        test = case.tests[0] if case.tests else None
        if test is not None:
            terminalreporter.write_line(f"  in {test}")
            for line in _EXAMPLES.get(test, "").splitlines():
                terminalreporter.write_line(f"    {line}")
        terminalreporter.write_line(f"  replay: {replay}  (add -v for the tracebacks)")
        terminalreporter.write_line("")
    reproducers = recorder.saved()
    if reproducers:
        terminalreporter.section("reproduce each failure exactly")
        for line in reproducers:
            terminalreporter.write_line(line)


def _first_messages(comparison: Comparison | None) -> tuple[list[str], list[str]]:
    """(reported, known) cases, each with its first message."""
    reported, known = [], []
    for (name, operation), case in sorted(verdicts.cases().items()):
        result = verdicts.outcome_of(name, operation, case, comparison)
        if result == "reported":
            reported.append(f"[{name}] {operation}: {case.reports[0]}")
        elif result == "known":
            known.append(f"[{name}] {operation}: {case.failures[0]}")
    return reported, known


def _listed_sections(terminalreporter: Any, comparison: Comparison | None) -> None:
    """The reported differences (first message each), the known failures and the fixed ones."""
    reported, known = _first_messages(comparison)
    if reported:
        terminalreporter.section("reported")
        terminalreporter.write_line(
            "not promised by HubSpot: "
            + ("each fails the run (--fail-on-report)" if results.settings().fail_on_report
               else "counted, not failed (--fail-on-report fails the run on them)")
        )  # fmt: skip
        for line in reported:
            terminalreporter.write_line(line)
    if comparison is None:
        return
    if known:
        terminalreporter.section(f"known failures (baseline {comparison.path})")
        for line in known:
            terminalreporter.write_line(line)
    if comparison.fixed:
        terminalreporter.section(f"fixed since the baseline {comparison.path}")
        for fixed in comparison.fixed:
            terminalreporter.write_line(fixed.describe())
        terminalreporter.write_line(
            "listed but no longer happening: write the baseline again with --update-baseline"
        )


def _stopped(session: pytest.Session, exitstatus: int) -> tuple[str, str] | None:
    """(why, kind) when the run did not end by itself."""
    if _UNREACHABLE:
        return str(session.shouldstop or "the target became unreachable"), "unreachable"
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        # The command restores a live portal after this process ends and then says what it did.
        return "interrupted (Ctrl-C or SIGTERM)", "interrupted"
    return None


# This run's failures against the baseline, once the suite has run (the terminal summary comes
# after pytest_sessionfinish), and the coverage's short lines.
_FINISHED: list[results.Finished] = []
_COVERAGE_LINES: list[str] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Sort the failures against the baseline; write the JUnit file, the report directory's
    files and the outcome the command maps to its exit code."""
    chosen = results.settings()
    stopped = _stopped(session, exitstatus)
    counts: dict[str, Any] = {}
    # Tests that failed with no failed case (an assertion of no rule): no baseline accepts them.
    accounted = {test for _, case in verdicts.broken() for test in case.tests}
    counts["unaccounted"] = [test for test in _BROKEN if test not in accounted]
    try:
        finished: results.Finished | None = results.finish(
            chosen, stopped=stopped[0] if stopped is not None else False,
            unaccounted=tuple(counts["unaccounted"]),
        )  # fmt: skip
    except BaselineError as exc:  # the command checked the file; it changed since
        finished = None
        counts["baseline_error"] = str(exc)
    comparison = None
    if finished is not None:
        _FINISHED[:] = [finished]
        counts.update(finished.outcome())
        comparison = finished.comparison
    junit = os.environ.get("HUBSPOT_CONTRACT_JUNIT")
    if junit:
        verdicts.write_junit(Path(junit), _STARTED, stopped, comparison=comparison,
                             fail_on_report=chosen.fail_on_report)  # fmt: skip
    if finished is not None:
        document = coverage.document(comparison)
        _COVERAGE_LINES[:] = coverage.short_lines(document)
        if chosen.report_dir is not None:
            replay = os.environ.get("HUBSPOT_CONTRACT_REPLAY", "hubspot-associations check")
            results.write_reports(chosen.report_dir, finished, replay, document)
    # A selection that judged nothing at run time is a usage error, not a pass (the command).
    counts["judged"] = sum(1 for rule, _ in verdicts.judged() if rule != selection.ALWAYS_KEPT)
    trace = os.environ.get(selection.TRACE_VARIABLE)
    if trace:
        Path(trace).write_text(json.dumps(verdicts.judged_by_test()), encoding="utf-8")
    outcome = os.environ.get("HUBSPOT_CONTRACT_OUTCOME")
    if outcome:
        Path(outcome).write_text(
            json.dumps({"unreachable": _UNREACHABLE, "broken": _BROKEN, **counts}),
            encoding="utf-8",
        )
