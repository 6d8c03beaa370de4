"""Problems found in an input file: kept on disk, shown by line, printed as JSON, or written out.

A file of a million bad lines has a million problems; they are spooled to a temporary JSON Lines
file, with only the first few held in memory for the message, so ``--json`` can list every one
and ``--skip-invalid`` can write every rejected row without memory growing with the file.
"""

from __future__ import annotations

import contextlib
import csv
import heapq
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from ._exit_codes import UsageError

__all__ = [
    "SHOWN_PROBLEMS",
    "InputFileError",
    "Problem",
    "ProblemLog",
    "json_spelling",
    "write_rejected",
]

SHOWN_PROBLEMS: Final = 20
# The column names a rejected-rows file adds to the input's own columns.
LINE_COLUMN: Final = "input_line"
REASON_COLUMN: Final = "reason"


def json_spelling(value: object, limit: int = 40) -> str:
    """A value as JSON spells it (``true``, ``null``, ``"12"``), cut short for messages."""
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[: limit - 1]}…({len(shown)} chars)"


@dataclass(frozen=True)
class Problem:
    """One line that cannot be used: where, which column and value, and why.

    ``record`` is what the line held (its CSV cells, its JSON object, or its text), kept so that
    ``--skip-invalid`` can write the row back out in the input's own format.
    """

    line: int
    reason: str
    column: str | None = None
    value: object = None
    record: object = None

    @property
    def text(self) -> str:
        """The problem as one line of a message."""
        if self.column is None:
            return self.reason
        return f"{self.column} {json_spelling(self.value)} {self.reason}"

    def to_json(self) -> dict[str, object]:
        """The problem for ``--json``: line, column, value and reason."""
        return {"line": self.line, "column": self.column, "value": self.value,
                "reason": self.reason}  # fmt: skip


class ProblemLog:
    """Every problem of one input, in line order, spooled to disk; the first few in memory."""

    def __init__(self) -> None:
        self.count = 0
        self.lines = 0  # distinct lines: one line may have a problem in each column
        self._last_line = -1
        self.first: list[Problem] = []
        self._path: Path | None = None
        self._handle: IO[str] | None = None

    def add(self, problem: Problem) -> None:
        """Record one problem (in line order)."""
        self.count += 1
        if problem.line != self._last_line:
            self.lines += 1
            self._last_line = problem.line
        if len(self.first) < SHOWN_PROBLEMS:
            self.first.append(problem)
        if self._handle is None:
            handle, name = tempfile.mkstemp(prefix="hubspot-associations-problems-")
            self._path = Path(name)
            self._handle = os.fdopen(handle, "w", encoding="utf-8")
        entry = {**problem.to_json(), "record": problem.record}
        self._handle.write(json.dumps(entry, default=str) + "\n")

    def __iter__(self) -> Iterator[Problem]:
        """Every problem, read back from the spool."""
        if self._handle is None or self._path is None:
            return
        self._handle.flush()
        with self._path.open(encoding="utf-8") as handle:
            for line in handle:
                data = json.loads(line)
                yield Problem(data["line"], data["reason"], data["column"], data["value"],
                              data["record"])  # fmt: skip

    def close(self) -> None:
        """Delete the spool."""
        if self._handle is not None:
            self._handle.close()
        if self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()
        self._handle = self._path = None


class InputFileError(UsageError):
    """An input file has problems; nothing was sent. Shows the first problems and the count.

    ``logs`` hold every problem (each in line order); ``--json`` prints them all.
    """

    def __init__(self, name: str, found: list[ProblemLog] | list[Problem]) -> None:
        self.name = name
        self.logs = [item for item in found if isinstance(item, ProblemLog)]
        loose = [item for item in found if isinstance(item, Problem)]
        if loose:
            log = ProblemLog()
            for problem in sorted(loose, key=lambda p: p.line):
                log.add(problem)
            self.logs.append(log)
        self.total = sum(log.count for log in self.logs)
        first = sorted((p for log in self.logs for p in log.first), key=lambda p: p.line)
        shown = "\n".join(f"  {name}:{p.line}: {p.text}" for p in first[:SHOWN_PROBLEMS])
        hidden = self.total - min(len(first), SHOWN_PROBLEMS)
        more = f"\n  … and {hidden} more (--json lists every one)" if hidden > 0 else ""
        super().__init__(
            f"{name}: {self.total} problem(s); nothing was sent. Fix the file and run again"
            f"{self._hint(first)}.\n{shown}{more}"
        )

    @staticmethod
    def _hint(first: list[Problem]) -> str:
        if any(p.column is not None or p.line > 1 for p in first):
            return ", or pass --skip-invalid FILE to send the valid rows and set these aside"
        return ""

    def every(self) -> Iterator[Problem]:
        """Every problem, in line order."""
        return heapq.merge(*self.logs, key=lambda p: p.line)

    def to_json(self) -> dict[str, Any]:
        """The object ``--json`` prints on exit 2."""
        return {
            "error": "input_file",
            "file": self.name,
            "total": self.total,
            "problems": [p.to_json() for p in self.every()],
        }

    def close(self) -> None:
        """Delete the spools."""
        for log in self.logs:
            log.close()


def write_rejected(
    path: Path, log: ProblemLog, *, jsonl: bool, header: list[str] | None, delimiter: str
) -> None:
    """Write each rejected row with its line and reason, in the input's own format.

    CSV keeps the input's header and delimiter and adds ``input_line`` and ``reason`` columns, so
    the file can be fixed and fed back as it is (extra columns are ignored). JSONL keeps each
    object and adds the same two keys; a line that was no usable object is kept as ``text``.
    """
    try:
        handle = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"--skip-invalid {path}: cannot be written ({exc.strerror})") from None
    with handle:
        if jsonl:
            for problem in _by_line(log):
                handle.write(json.dumps(_json_row(problem), ensure_ascii=False) + "\n")
            return
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow([*(header or []), LINE_COLUMN, REASON_COLUMN])
        for problem in _by_line(log):
            cells = problem.record if isinstance(problem.record, list) else [problem.record or ""]
            writer.writerow([*map(str, cells), problem.line, problem.text])


def _by_line(log: Iterable[Problem]) -> Iterator[Problem]:
    """One problem per line, the reasons of a line's columns joined."""
    group: list[Problem] = []
    for problem in log:
        if group and problem.line != group[0].line:
            yield _joined(group)
            group = []
        group.append(problem)
    if group:
        yield _joined(group)


def _joined(group: list[Problem]) -> Problem:
    if len(group) == 1:
        return group[0]
    first = group[0]
    return Problem(first.line, "; ".join(p.text for p in group), record=first.record)


def _json_row(problem: Problem) -> dict[str, object]:
    extra = {LINE_COLUMN: problem.line, REASON_COLUMN: problem.text}
    if isinstance(problem.record, dict):
        return {**problem.record, **extra}
    return {**extra, "text": problem.record}
