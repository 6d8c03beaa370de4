"""Known failures: ``check --baseline FILE`` accepts the failures listed there.

A failure is known by its fingerprint: the rule, the operationId, the HTTP status of the failing
answer where the check knows it, and the message with its digits and IDs masked (so the seed, the
port of an emulator, a record's ID or a run's label name do not make a known failure new). The
file is JSON, sorted and stable (``--update-baseline`` writes the same bytes for the same
failures), with a version key and one readable entry per failure::

    {
      "version": 1,
      "failures": [
        {"rule": "schema.response", "operation_id": "list_labels", "status": 200,
         "message": "Response violates schema"}
      ]
    }

This module knows nothing of the run: verdicts.py fingerprints what failed and the plugin compares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .rules import RULES

__all__ = [
    "VERSION",
    "BaselineError",
    "Comparison",
    "Fingerprint",
    "compare",
    "load",
    "mask",
    "merged",
    "write",
]

VERSION = 1
_ENTRY_KEYS = ("rule", "operation_id", "status", "message")
# IDs first (a UUID or a long hex run holds digits the digit mask would cut in pieces),
# each bounded by anything but a letter or digit: label names end in "_<run tag>".
_UUID = re.compile(
    r"(?<![0-9A-Za-z])[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}(?![0-9A-Za-z])"
)
_HEX_ID = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}(?![0-9A-Za-z])")
_DIGITS = re.compile(r"\d+")


def mask(message: str) -> str:
    """The message with IDs as ``<id>`` and every run of digits as ``#``."""
    return _DIGITS.sub("#", _HEX_ID.sub("<id>", _UUID.sub("<id>", message)))


@dataclass(frozen=True, order=True)
class Fingerprint:
    """One failure as the baseline knows it."""

    rule: str
    operation_id: str
    # -1 sorts a failure of no known status first; None is what users read and write.
    status: int | None
    message: str

    def sort_key(self) -> tuple[str, str, int, str]:
        """Rule, operation, status (unknown first), message."""
        status = -1 if self.status is None else self.status
        return (self.rule, self.operation_id, status, self.message)

    def entry(self) -> dict[str, Any]:
        """The file's form."""
        return {
            "rule": self.rule,
            "operation_id": self.operation_id,
            "status": self.status,
            "message": self.message,
        }

    def describe(self) -> str:
        """One line for the summary."""
        status = "" if self.status is None else f" (status {self.status})"
        return f"[{self.rule}] {self.operation_id}{status}: {self.message}"


class BaselineError(ValueError):
    """The baseline file cannot be used; the message says what is wrong and what to do."""


def load(path: Path) -> frozenset[Fingerprint]:
    """The failures a baseline file lists; BaselineError names the file and the problem."""
    fix = f"fix it, or write it again with --baseline {path} --update-baseline"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"the baseline {path} does not exist: write it from a run with "
            f"--baseline {path} --update-baseline"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"the baseline {path} cannot be read: {exc}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise BaselineError(f"the baseline {path} is not JSON ({exc}): {fix}") from None
    if not isinstance(document, dict):
        raise BaselineError(f"the baseline {path} is not a JSON object: {fix}")
    if document.get("version") != VERSION:
        raise BaselineError(
            f"the baseline {path} has version {document.get('version')!r}; this suite reads "
            f"version {VERSION}: {fix}"
        )
    failures = document.get("failures")
    if not isinstance(failures, list):
        raise BaselineError(f'the baseline {path} has no list under "failures": {fix}')
    return frozenset(
        _fingerprint(path, number, entry, fix) for number, entry in enumerate(failures, 1)
    )


def _fingerprint(path: Path, number: int, entry: object, fix: str) -> Fingerprint:
    where = f"the baseline {path}, failure {number}"
    if not isinstance(entry, dict):
        raise BaselineError(f"{where} is not an object: {fix}")
    missing = [key for key in _ENTRY_KEYS if key not in entry]
    unknown = sorted(set(entry) - set(_ENTRY_KEYS))
    if missing or unknown:
        problem = "; ".join(
            part
            for part in (
                f"lacks {', '.join(missing)}" if missing else "",
                f"has unknown keys {', '.join(unknown)}" if unknown else "",
            )
            if part
        )
        raise BaselineError(f"{where} {problem} (keys: {', '.join(_ENTRY_KEYS)}): {fix}")
    rule, operation, status, message = (entry[key] for key in _ENTRY_KEYS)
    if rule not in RULES:
        raise BaselineError(f"{where}: {rule!r} is not a rule of this suite: {fix}")
    if not isinstance(operation, str) or not operation:
        raise BaselineError(f"{where}: operation_id must be a non-empty string: {fix}")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise BaselineError(f"{where}: status must be an HTTP status or null: {fix}")
    if not isinstance(message, str):
        raise BaselineError(f"{where}: message must be a string: {fix}")
    return Fingerprint(rule, operation, status, message)


def write(path: Path, failures: Iterable[Fingerprint]) -> None:
    """Write the file: sorted, two-space indented, one trailing newline."""
    entries = [f.entry() for f in sorted(set(failures), key=Fingerprint.sort_key)]
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": VERSION, "failures": entries}, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def merged(
    listed: Iterable[Fingerprint], failed: Iterable[Fingerprint], judged: set[tuple[str, str]]
) -> set[Fingerprint]:
    """What ``--update-baseline`` writes: this run's failures, and the listed ones of (rule,
    operation) cases this run did not judge (a filtered run keeps the rest of the file)."""
    kept = {f for f in listed if (f.rule, f.operation_id) not in judged}
    return kept | set(failed)


@dataclass(frozen=True)
class Comparison:
    """This run's failures against a baseline."""

    path: Path
    known: frozenset[Fingerprint] = field(default_factory=frozenset)
    new: frozenset[Fingerprint] = field(default_factory=frozenset)
    # Listed, judged in this run, and no longer happening.
    fixed: tuple[Fingerprint, ...] = ()


def compare(
    path: Path,
    listed: frozenset[Fingerprint],
    failed: Iterable[Fingerprint],
    judged: set[tuple[str, str]],
) -> Comparison:
    """Sort this run's failures into known and new; a listed failure of a case judged in this
    run that did not happen is fixed (a case outside the run says nothing either way)."""
    happened = set(failed)
    return Comparison(
        path=path,
        known=frozenset(happened & listed),
        new=frozenset(happened - listed),
        fixed=tuple(
            sorted(
                (f for f in listed - happened if (f.rule, f.operation_id) in judged),
                key=Fingerprint.sort_key,
            )
        ),
    )
