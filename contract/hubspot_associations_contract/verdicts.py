"""Every judgement the suite makes, per rule and operation, and the JUnit file made from them.

A check calls :func:`judge` (or :func:`passed` / :func:`violated`). Against a live target a rule
HubSpot does not promise is *reported*: kept for the summary and the JUnit file, never raised.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree as ET

from . import selection
from .baseline import Comparison, Fingerprint, mask
from .rules import RULES, RuleViolation, rule
from .target import selected

__all__ = [
    "Case",
    "Outcome",
    "broken",
    "cases",
    "collecting",
    "failure_fingerprints",
    "judge",
    "judged",
    "judged_by_test",
    "listed_rules",
    "outcome_of",
    "outcomes",
    "passed",
    "reset",
    "set_test",
    "summary_lines",
    "unjudged_reason",
    "violated",
    "write_junit",
    "write_refused_junit",
]

# Messages kept per case: enough to see the pattern, bounded however long the run.
MESSAGES_KEPT = 5


@dataclass
class Case:
    """The judgements of one rule on one operation."""

    passes: int = 0
    failures: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    failed: int = 0
    reported: int = 0
    # The tests whose runs broke the rule, first one first (the summary shows its example).
    tests: list[str] = field(default_factory=list)
    # Every failure as the baseline knows it: (status of the failing answer where known, the
    # message masked); bounded by the distinct masked messages, not by the run's length.
    failed_as: set[tuple[int | None, str]] = field(default_factory=set)

    def keep(self, into: list[str], message: str) -> None:
        """Keep a message if it is new and there is room."""
        if message not in into and len(into) < MESSAGES_KEPT:
            into.append(message)


_CASES: dict[tuple[str, str], Case] = {}
_CURRENT_TEST: list[str] = []


def set_test(nodeid: str) -> None:
    """The test whose judgements come next."""
    _CURRENT_TEST[:] = [nodeid]


def _failed(case: Case, message: str, status: int | None) -> None:
    case.failed += 1
    case.keep(case.failures, message)
    case.failed_as.add((status, mask(message)))
    if _CURRENT_TEST and _CURRENT_TEST[0] not in case.tests:
        case.tests.append(_CURRENT_TEST[0])


def broken() -> list[tuple[tuple[str, str], Case]]:
    """Every (rule, operation) that failed, in the rules' order."""
    order = {name: i for i, name in enumerate(RULES)}
    failed = [(key, case) for key, case in _CASES.items() if case.failed]
    return sorted(failed, key=lambda item: (order[item[0][0]], item[0][1]))


def _case(rule_name: str, operation: str) -> Case:
    rule(rule_name)
    return _CASES.setdefault((rule_name, operation), Case())


def _kept(rule_name: str, operation: str) -> bool:
    """Whether the run's selection (--operation, --rule) keeps this verdict: one it does not
    keep is neither recorded nor raised."""
    rule(rule_name)
    if not selection.current().keeps(rule_name, operation):
        return False
    if _CURRENT_TEST:
        _BY_TEST.setdefault(_CURRENT_TEST[0], set()).add((rule_name, operation))
    return True


# Every (rule, operation) each test judged: what selection.SCENARIOS declares is held to it.
_BY_TEST: dict[str, set[tuple[str, str]]] = {}


def judged_by_test() -> dict[str, list[tuple[str, str]]]:
    """{test node ID: the (rule, operation) pairs it judged}, for the scenario table's test."""
    return {test: sorted(pairs) for test, pairs in sorted(_BY_TEST.items())}


# While set (collecting()), judgements go to this list only: no selection, no record, no raise.
_COLLECTOR: contextvars.ContextVar[list[tuple[str, str, str, int | None]] | None] = (
    contextvars.ContextVar("verdicts_collector", default=None)
)


@contextlib.contextmanager
def collecting() -> Iterator[list[tuple[str, str, str, int | None]]]:
    """Collect every violation judged inside as (rule, operation, message, status), outside a
    run: nothing is recorded in this run's cases, filtered by its selection or raised (the
    proxy judges a user's exchanges one by one and reports them all)."""
    found: list[tuple[str, str, str, int | None]] = []
    token = _COLLECTOR.set(found)
    try:
        yield found
    finally:
        _COLLECTOR.reset(token)


def passed(rule_name: str, operation: str) -> None:
    """The rule held for one answer of the operation."""
    if _COLLECTOR.get() is not None:
        rule(rule_name)
        return
    if not _kept(rule_name, operation):
        return
    _case(rule_name, operation).passes += 1


def violated(rule_name: str, operation: str, message: str, *, status: int | None = None) -> None:
    """The rule broke: raise RuleViolation, or against a live target report what is not promised.

    ``status``: the HTTP status of the failing answer, where the check knows it (the baseline's
    fingerprint of the failure)."""
    collector = _COLLECTOR.get()
    if collector is not None:
        rule(rule_name)
        collector.append((rule_name, operation, message, status))
        return
    if not _kept(rule_name, operation):
        return
    case = _case(rule_name, operation)
    if not selected().strict and RULES[rule_name].live == "report":
        case.reported += 1
        case.keep(case.reports, message)
        return
    _failed(case, message, status)
    raise RuleViolation(rule_name, operation, message)


def note_failure(error: RuleViolation, *, status: int | None = None) -> None:
    """Record a violation raised elsewhere (schemathesis' own checks) without raising again."""
    if _kept(error.rule, error.operation):
        _failed(_case(error.rule, error.operation), error.detail, status)


def judge(
    ok: bool, rule_name: str, operation: str, message: str, *, status: int | None = None
) -> None:
    """passed() when ``ok``, else violated()."""
    if ok:
        passed(rule_name, operation)
    else:
        violated(rule_name, operation, message, status=status)


def cases() -> dict[tuple[str, str], Case]:
    """Every (rule, operation) judged so far."""
    return dict(_CASES)


def failure_fingerprints() -> list[Fingerprint]:
    """Every failure of the run as the baseline knows it."""
    return [
        Fingerprint(name, operation, status, masked)
        for (name, operation), case in _CASES.items()
        for status, masked in case.failed_as
    ]


def judged() -> set[tuple[str, str]]:
    """Every (rule, operation) judged in this run, held or not."""
    return set(_CASES)


def reset() -> None:
    """Forget every judgement (the package's own tests)."""
    _CASES.clear()


# What one (rule, operation) came to: held; broken (a failure the baseline does not list);
# known (every failure listed in the baseline); reported (not promised by HubSpot, live only).
Outcome = Literal["held", "broken", "known", "reported"]


def outcome_of(name: str, operation: str, case: Case, comparison: Comparison | None) -> Outcome:
    """The outcome of one (rule, operation) case, against the baseline when there is one."""
    if case.failed:
        listed = comparison.known if comparison is not None else frozenset()
        every = {Fingerprint(name, operation, status, m) for status, m in case.failed_as}
        return "known" if every and every <= listed else "broken"
    return "reported" if case.reported else "held"


def outcomes(comparison: Comparison | None = None) -> dict[str, dict[str, list[str]]]:
    """Per rule (in the rules' order, judged ones only): the operations of each outcome."""
    out: dict[str, dict[str, list[str]]] = {}
    for (name, operation), case in sorted(_CASES.items()):
        result = outcome_of(name, operation, case, comparison)
        out.setdefault(name, {}).setdefault(result, []).append(operation)
    order = {name: i for i, name in enumerate(RULES)}
    return dict(sorted(out.items(), key=lambda item: order[item[0]]))


def listed_rules() -> list[str]:
    """The rules a run's terminal lines, summary.md and JUnit file list, in the rules' order: every
    rule, or in a filtered run those its selection can judge on the release (selection.py)."""
    reach = selection.current().rules_in_reach(selection.release_operations(selected().release))
    return [name for name in RULES if name in reach]


def _operations_in_reach(name: str) -> list[str]:
    """The operations a filtered run may judge the rule on (empty: the run is not filtered)."""
    chosen = selection.current()
    if chosen.everything:
        return []
    pairs = chosen.judged_pairs(selection.release_operations(selected().release))
    return [operation for rule_name, operation in pairs if rule_name == name]


def _scenario_key(nodeid: str) -> str:
    """``<module>::<test function>`` of a test's node ID (selection.SCENARIOS' keys)."""
    path, _, test = nodeid.partition("::")
    return f"{Path(path).stem}::{test.split('[', 1)[0]}"


def unjudged_reason(name: str) -> str:
    """Why a rule the run could judge has no verdict: a failure stopped the scenario that judges
    it before it got there (a failing answer raises, ending the scenario), the target is live and
    the rule needs the emulator's control API, or nothing of this run judged it."""
    failed_tests = {test for case in _CASES.values() if case.failed for test in case.tests}
    stopped = sorted(
        test for test in failed_tests
        if name in getattr(selection.SCENARIOS.get(_scenario_key(test)), "judges", ())
    )  # fmt: skip
    if stopped:
        names = ", ".join(_scenario_key(test).split("::", 1)[1] for test in stopped)
        return f"not reached: the scenario failed before ({names})"
    if not selected().strict and RULES[name].live == "skip":
        return "needs the emulator's control API"
    if not selected().strict and RULES[name].live_needs:
        return f"on a live target, needs {RULES[name].live_needs}"
    return "not judged in this run"


def summary_lines(comparison: Comparison | None = None) -> Iterable[str]:
    """One line per rule: operations judged, failed, known from the baseline and reported."""
    found = outcomes(comparison)
    width = max(len(name) for name in RULES)
    for name in listed_rules():
        judged = found.get(name, {})
        failed, known = judged.get("broken", []), judged.get("known", [])
        reported = judged.get("reported", [])
        # Held: judged with no failure and no report (a reported operation is not held).
        held = len(judged.get("held", []))
        parts = [
            f"BROKEN on {', '.join(failed)}" if failed else "",
            f"held on {held} operation(s)" if held and not failed else "",
            f"known failure (baseline) on {', '.join(known)}" if known else "",
            f"reported (not promised) on {', '.join(reported)}" if reported else "",
        ]
        state = "; ".join(p for p in parts if p) or unjudged_reason(name)
        yield f"{name.ljust(width)}  {state}"


# The JUnit case that says why a run stopped before it ended (refused, unreachable, interrupted).
STOPPED_CASE = "run.stopped"


def _suite(started: float) -> ET.Element:
    return ET.Element(
        "testsuite",
        name="hubspot-associations contract",
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started)),
        time=f"{time.time() - started:.3f}",
    )


def _stopped_case(suite: ET.Element, why: str, kind: str) -> None:
    element = ET.SubElement(
        suite, "testcase", classname=STOPPED_CASE, name="(the whole run)", time="0"
    )
    error = ET.SubElement(element, "error", message=why, type=kind)
    error.text = why


def _write(suite: ET.Element, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def write_junit(
    path: Path,
    started: float,
    stopped: tuple[str, str] | None = None,
    *,
    comparison: Comparison | None = None,
    fail_on_report: bool = False,
) -> None:
    """JUnit XML with one test case per rule and operation judged (and one skipped case per rule
    this run could not judge, with the reason); ``stopped`` (why, kind) adds the error case of a
    run that did not end by itself (the target unreachable, Ctrl-C).

    A reported case (live, not promised) is skipped with ``reported: …`` (a failure with
    ``fail_on_report``); a case whose failures the baseline lists is skipped as a known failure;
    a case whose listed failure no longer happens says so (a failure with ``fail_on_report``)."""
    suite = _suite(started)
    _properties(suite, _target_properties())
    kinds = [
        _judged_case(suite, name, op, case, comparison, fail_on_report)
        for (name, op), case in sorted(_CASES.items())
    ]
    skipped = _skipped_cases(suite)
    if stopped is not None:
        _stopped_case(suite, *stopped)
    suite.set("tests", str(len(_CASES) + skipped + (stopped is not None)))
    suite.set("failures", str(kinds.count("failure")))
    suite.set("errors", str(int(stopped is not None)))
    suite.set("skipped", str(skipped + kinds.count("skipped")))
    _write(suite, path)


def set_stopped(path: Path, why: str, kind: str) -> None:
    """Give the JUnit file's stop case this message (added when the file has none)."""
    tree = ET.parse(path)
    suite = tree.getroot()
    for case in suite.iter("testcase"):
        if case.get("classname") == STOPPED_CASE:
            error = case.find("error")
            if error is not None:
                error.set("message", why)
                error.text = why
                _write(suite, path)
                return
    _stopped_case(suite, why, kind)
    suite.set("tests", str(int(suite.get("tests") or 0) + 1))
    suite.set("errors", str(int(suite.get("errors") or 0) + 1))
    _write(suite, path)


def write_refused_junit(
    path: Path, started: float, why: str, kind: str, properties: dict[str, str]
) -> None:
    """JUnit XML of a run that stopped before its checks ran: one error case naming why."""
    suite = _suite(started)
    _properties(suite, properties)
    _stopped_case(suite, why, kind)
    for key, value in (("tests", "1"), ("failures", "0"), ("errors", "1"), ("skipped", "0")):
        suite.set(key, value)
    _write(suite, path)


def _target_properties() -> dict[str, str]:
    target = selected()
    return {
        "target": target.kind,
        "base_url": target.base_url,
        "release": target.release,
        "seed": str(target.seed),
        "examples": str(target.examples),
    }


def _properties(suite: ET.Element, values: dict[str, str]) -> None:
    properties = ET.SubElement(suite, "properties")
    for key, value in values.items():
        ET.SubElement(properties, "property", name=key, value=value)


def _judged_case(
    suite: ET.Element,
    name: str,
    operation: str,
    case: Case,
    comparison: Comparison | None,
    fail_on_report: bool,
) -> Literal["passed", "failure", "skipped"]:
    """Add one case; what it counts as in the suite's totals."""
    element = ET.SubElement(suite, "testcase", classname=name, name=operation, time="0")
    result = outcome_of(name, operation, case, comparison)
    fixed = [
        f for f in (comparison.fixed if comparison is not None else ())
        if (f.rule, f.operation_id) == (name, operation)
    ]  # fmt: skip
    if result == "broken":
        message = f"[{name}] {operation}: {case.failures[0]}"
        failure = ET.SubElement(element, "failure", message=message, type=name)
        failure.text = "\n".join(case.failures)
        return "failure"
    if fixed:
        assert comparison is not None
        text = (
            f"fixed: listed in the baseline {comparison.path} and no longer happening "
            f"(write it again with --update-baseline): {fixed[0].describe()}"
        )
        if fail_on_report:
            failure = ET.SubElement(element, "failure", message=text, type=name)
            failure.text = "\n".join(f.describe() for f in fixed) + "\n(--fail-on-report)"
            return "failure"
        # A passing case would hide it: a property dashboards show, and the entries as output.
        _properties(element, {"baseline": f"fixed since the baseline {comparison.path}"})
        ET.SubElement(element, "system-out").text = (
            f"fixed since the baseline {comparison.path} (no longer happening; write it again "
            "with --update-baseline):\n" + "\n".join(f.describe() for f in fixed)
        )
    if result == "known":
        assert comparison is not None
        skipped = ET.SubElement(
            element,
            "skipped",
            message=f"known failure (baseline {comparison.path}): {case.failures[0]}",
        )
        skipped.text = "\n".join(case.failures)
        return "skipped"
    if result == "reported":
        message = f"reported: {case.reports[0]}"
        text = "reported (HubSpot does not promise this):\n" + "\n".join(case.reports)
        if fail_on_report:
            failure = ET.SubElement(element, "failure", message=message, type=name)
            failure.text = text + "\n(--fail-on-report)"
            return "failure"
        ET.SubElement(element, "skipped", message=message).text = text
        return "skipped"
    return "passed"


def _skipped_cases(suite: ET.Element) -> int:
    """One skipped case per rule listed (listed_rules) and not judged: named after the operations
    a filtered run could judge it on, "(every operation)" in an unfiltered run."""
    judged = {name for name, _ in _CASES}
    skipped = [name for name in listed_rules() if name not in judged]
    for name in skipped:
        where = ", ".join(_operations_in_reach(name)) or "(every operation)"
        element = ET.SubElement(suite, "testcase", classname=name, name=where, time="0")
        ET.SubElement(element, "skipped", message=unjudged_reason(name))
    return len(skipped)
