"""What a run covered: every operation of the release, the statuses its answers had, and the rules
judged on it with their outcome (``coverage.json`` of ``--report-dir``).

Statuses are noted where answers arrive: schemathesis' responses (a check registered in checks.py
sees each one), the client's (wire.JudgingTransport) and the suite's own requests.
"""

from __future__ import annotations

import collections
from typing import Any

from . import verdicts
from .baseline import Comparison
from .rules import RULES
from .specs import strict_spec
from .target import selected

__all__ = ["VERSION", "document", "operations", "reset", "saw", "short_lines", "statuses"]

VERSION = 1
_METHODS = ("get", "put", "post", "delete", "patch")
_SEEN: dict[str, collections.Counter[int]] = {}


def saw(operation: str, status: int) -> None:
    """One answer of ``operation`` had ``status``."""
    _SEEN.setdefault(operation, collections.Counter())[status] += 1


def statuses() -> dict[str, dict[int, int]]:
    """Per operation, how many answers had each status."""
    return {operation: dict(counts) for operation, counts in _SEEN.items()}


def reset() -> None:
    """Forget every status (the package's own tests)."""
    _SEEN.clear()


def operations(release: str) -> list[tuple[str, str, str]]:
    """(operationId, method, path) of every operation of the release, in the spec's order."""
    out = []
    for path, item in strict_spec(release)["paths"].items():
        for method, operation in item.items():
            if method in _METHODS:
                out.append((str(operation["operationId"]), method.upper(), path))
    return out


def document(comparison: Comparison | None = None) -> dict[str, Any]:
    """coverage.json: the run, then every operation of the release with its statuses and rules;
    the suite's own cases that are not operations (run.unexpected names a test) come apart."""
    target = selected()
    seen = statuses()
    judged: dict[str, dict[str, str]] = {}
    for (rule, operation), case in sorted(verdicts.cases().items()):
        judged.setdefault(operation, {})[rule] = verdicts.outcome_of(
            rule, operation, case, comparison
        )
    listed = operations(target.release)
    names = {name for name, _, _ in listed}
    return {
        "version": VERSION,
        "release": target.release,
        "target": target.kind,
        "seed": target.seed,
        "examples": target.examples,
        "operations": [
            {
                "operation_id": name,
                "method": method,
                "path": path,
                "statuses": {str(s): n for s, n in sorted(seen.get(name, {}).items())},
                "rules": judged.get(name, {}),
            }
            for name, method, path in listed
        ],
        "other_cases": [
            {"name": name, "rules": rules}
            for name, rules in sorted(judged.items())
            if name not in names
        ],
        "rules_not_judged": [r for r in RULES if r not in {r for r, _ in verdicts.judged()}],
    }


def short_lines(document: dict[str, Any]) -> list[str]:
    """The coverage in a few lines: operations answered, their statuses, what was not reached."""
    listed = document["operations"]
    answered = [o for o in listed if o["statuses"]]
    lines = [
        f"{len(answered)} of {len(listed)} operations of {document['release']} answered; "
        f"{sum(1 for o in listed if o['rules'])} judged by at least one rule"
    ]
    by_status: collections.Counter[str] = collections.Counter()
    for operation in listed:
        for status, count in operation["statuses"].items():
            by_status[status] += count
    if by_status:
        lines.append(
            "statuses seen: " + ", ".join(f"{s} ×{n}" for s, n in sorted(by_status.items()))
        )
    missing = [o["operation_id"] for o in listed if not o["statuses"]]
    if missing:
        lines.append("no answer seen from: " + ", ".join(missing))
    return lines
