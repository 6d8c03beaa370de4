"""The results file: one JSON line per input as soon as its answer is in, so a run can resume."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import IO, Any

__all__ = ["ResultsFile", "done_keys"]


def done_keys(path: Path) -> set[tuple[str, str]]:
    """The pairs a results file records as done (the last line about a pair wins)."""
    state: dict[tuple[str, str], str] = {}
    if not path.exists():
        return set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            state[(str(item["from"]), str(item["to"]))] = str(item["status"])
        except (json.JSONDecodeError, KeyError, TypeError):
            # A line cut short by a crash: that input is simply not known to be done.
            continue
    return {key for key, status in state.items() if status == "done"}


class ResultsFile:
    """Appends result lines, flushed at once; safe to call from worker threads."""

    def __init__(self, path: Path, lines: dict[tuple[str, str], int], operation: str) -> None:
        self.path = path
        self._lines = lines
        self._operation = operation
        self._lock = threading.Lock()
        # A crash can leave a last line cut short: start on a fresh line so ours stay readable.
        cut_short = (
            path.exists() and path.stat().st_size > 0 and not path.read_bytes().endswith(b"\n")
        )
        self._handle: IO[str] = path.open("a", encoding="utf-8")
        if cut_short:
            self._handle.write("\n")

    def record(self, done: list[Any], failed: list[Any]) -> None:
        """Write one line per input of a finished chunk."""
        rows = [self._row(pair, "done") for pair in done]
        rows += [
            self._row(
                failure.input,
                "failed",
                reason=failure.reason,
                category=failure.category,
                status_code=failure.status_code,
            )
            for failure in failed
        ]
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        with self._lock:
            self._handle.write(text)
            self._handle.flush()

    def _row(self, pair: tuple[str, str], status: str, **extra: object) -> dict[str, object]:
        row: dict[str, object] = {
            "line": self._lines.get(pair),
            "from": pair[0],
            "to": pair[1],
            "operation": self._operation,
            "status": status,
        }
        row.update({k: v for k, v in extra.items() if v is not None})
        return row

    def close(self) -> None:
        """Close the file."""
        self._handle.close()
