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

__all__ = ["Case", "cases", "judge", "passed", "reset", "violated", "write_junit"]

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

    def keep(self, into: list[str], message: str) -> None:
        """Keep a message if it is new and there is room."""
        if message not in into and len(into) < MESSAGES_KEPT:
            into.append(message)


_CASES: dict[tuple[str, str], Case] = {}


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
    case.failed += 1
    case.keep(case.failures, message)
    raise RuleViolation(rule_name, operation, message)


def note_failure(error: RuleViolation) -> None:
    """Record a violation raised elsewhere (schemathesis' own checks) without raising again."""
    case = _case(error.rule, error.operation)
    case.failed += 1
    case.keep(case.failures, error.detail)


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


def write_junit(path: Path, started: float) -> None:
    """JUnit XML with one test case per rule and operation judged (and one skipped case per rule
    this run could not judge, with the reason)."""
    suite = ET.Element(
        "testsuite",
        name="hubspot-associations contract",
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started)),
        time=f"{time.time() - started:.3f}",
    )
    _properties(suite)
    failures = sum(
        _judged_case(suite, name, op, case) for (name, op), case in sorted(_CASES.items())
    )
    skipped = _skipped_cases(suite)
    suite.set("tests", str(len(_CASES) + skipped))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def _properties(suite: ET.Element) -> None:
    properties = ET.SubElement(suite, "properties")
    target = selected()
    for key, value in (
        ("target", target.kind),
        ("base_url", target.base_url),
        ("release", target.release),
        ("seed", str(target.seed)),
        ("examples", str(target.examples)),
    ):
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
