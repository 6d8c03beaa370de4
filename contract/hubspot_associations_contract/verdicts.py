"""Every judgement the suite makes, per rule and operation, and the JUnit file made from them.

A check calls :func:`judge` (or :func:`passed` / :func:`violated`). Against a live target a rule
HubSpot does not promise is *reported*: kept for the summary and the JUnit file, never raised.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from .rules import RULES, RuleViolation, rule
from .target import selected

__all__ = [
    "Case",
    "broken",
    "cases",
    "judge",
    "passed",
    "reset",
    "set_test",
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

    def keep(self, into: list[str], message: str) -> None:
        """Keep a message if it is new and there is room."""
        if message not in into and len(into) < MESSAGES_KEPT:
            into.append(message)


_CASES: dict[tuple[str, str], Case] = {}
_CURRENT_TEST: list[str] = []


def set_test(nodeid: str) -> None:
    """The test whose judgements come next."""
    _CURRENT_TEST[:] = [nodeid]


def _failed(case: Case, message: str) -> None:
    case.failed += 1
    case.keep(case.failures, message)
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


def passed(rule_name: str, operation: str) -> None:
    """The rule held for one answer of the operation."""
    _case(rule_name, operation).passes += 1


def violated(rule_name: str, operation: str, message: str) -> None:
    """The rule broke: raise RuleViolation, or against a live target report what is not promised."""
    case = _case(rule_name, operation)
    if not selected().strict and RULES[rule_name].live == "report":
        case.reported += 1
        case.keep(case.reports, message)
        return
    _failed(case, message)
    raise RuleViolation(rule_name, operation, message)


def note_failure(error: RuleViolation) -> None:
    """Record a violation raised elsewhere (schemathesis' own checks) without raising again."""
    _failed(_case(error.rule, error.operation), error.detail)


def judge(ok: bool, rule_name: str, operation: str, message: str) -> None:
    """passed() when ``ok``, else violated()."""
    if ok:
        passed(rule_name, operation)
    else:
        violated(rule_name, operation, message)


def cases() -> dict[tuple[str, str], Case]:
    """Every (rule, operation) judged so far."""
    return dict(_CASES)


def reset() -> None:
    """Forget every judgement (the package's own tests)."""
    _CASES.clear()


def summary_lines() -> Iterable[str]:
    """One line per rule: operations judged, failed and reported."""
    by_rule: dict[str, list[tuple[str, Case]]] = {}
    for (name, operation), case in sorted(_CASES.items()):
        by_rule.setdefault(name, []).append((operation, case))
    width = max(len(name) for name in RULES)
    for name in RULES:
        judged = by_rule.get(name, [])
        failed = [op for op, c in judged if c.failed]
        reported = [op for op, c in judged if c.reported]
        if not judged:
            state = "not judged in this run"
        elif failed:
            state = f"BROKEN on {', '.join(failed)}"
        else:
            state = f"held on {len(judged)} operation(s)"
        if reported:
            state += f"; reported (not promised) on {', '.join(reported)}"
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


def write_junit(path: Path, started: float, stopped: tuple[str, str] | None = None) -> None:
    """JUnit XML with one test case per rule and operation judged (and one skipped case per rule
    this run could not judge, with the reason); ``stopped`` (why, kind) adds the error case of a
    run that did not end by itself (the target unreachable, Ctrl-C)."""
    suite = _suite(started)
    _properties(suite, _target_properties())
    failures = sum(
        _judged_case(suite, name, op, case) for (name, op), case in sorted(_CASES.items())
    )
    skipped = _skipped_cases(suite)
    if stopped is not None:
        _stopped_case(suite, *stopped)
    suite.set("tests", str(len(_CASES) + skipped + (stopped is not None)))
    suite.set("failures", str(failures))
    suite.set("errors", str(int(stopped is not None)))
    suite.set("skipped", str(skipped))
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


def _judged_case(suite: ET.Element, name: str, operation: str, case: Case) -> bool:
    """Add one case; True when it failed."""
    element = ET.SubElement(suite, "testcase", classname=name, name=operation, time="0")
    if case.failed:
        message = f"[{name}] {operation}: {case.failures[0]}"
        failure = ET.SubElement(element, "failure", message=message, type=name)
        failure.text = "\n".join(case.failures)
    if case.reports:
        out = ET.SubElement(element, "system-out")
        out.text = "reported, not failed (HubSpot does not promise this):\n" + "\n".join(
            case.reports
        )
    return bool(case.failed)


def _skipped_cases(suite: ET.Element) -> int:
    judged = {name for name, _ in _CASES}
    live = not selected().strict
    skipped = [name for name in RULES if name not in judged]
    for name in skipped:
        element = ET.SubElement(
            suite, "testcase", classname=name, name="(every operation)", time="0"
        )
        reason = (
            "needs the emulator's control API"
            if live and RULES[name].live == "skip"
            else "not judged in this run"
        )
        ET.SubElement(element, "skipped", message=reason)
    return len(skipped)
