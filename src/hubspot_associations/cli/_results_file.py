"""The results file: a job identity, then one JSON line per input as soon as its answer is in.

Lines are appended and flushed per chunk, so after a crash or kill -9 at any point the file
holds every answer that arrived, plus perhaps one line cut short, which reading skips. A lock
refuses a second run writing the same file at once.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final

from .._bulk import BulkFailure
from .._values.ids import InvalidId, canonical_id
from ._exit_codes import UsageError
from ._job import JobIdentity

try:  # POSIX; elsewhere the lock is skipped (documented in the README)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["ResultsFile", "check_results_path", "read_identity", "read_states"]

FORMAT: Final = 2
_HEADER_KEY: Final = "hubspot_associations_results"
_MAX_LINE: Final = 1 << 20
# Statuses of lines that were never to be sent: a repeat of an earlier line, or an invalid line.
DUPLICATE: Final = "duplicate"
INVALID: Final = "invalid"
_SET_ASIDE: Final = frozenset({DUPLICATE, INVALID})


def check_results_path(path: Path, input_path: Path | None) -> None:
    """Refuse a results path that is the input itself, a device, a directory or unwritable."""
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"--results {path}: cannot be used ({exc.strerror})") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UsageError(
            f"--results {path}: is not a regular file (a device, pipe or directory); "
            "give the path of a new or earlier results file"
        )
    if info is not None and input_path is not None and _same_file(path, input_path):
        raise UsageError(
            f"--results {path}: is the input file itself; writing results there would destroy it"
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--results {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (info is not None and not os.access(path, os.W_OK)):
        raise UsageError(f"--results {path}: cannot be written (permission denied)")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def read_identity(path: Path) -> tuple[bool, JobIdentity | None]:
    """Whether the file starts with a results header, and the job identity it names."""
    with path.open("rb") as handle:
        parsed = _parse(handle.readline(_MAX_LINE))
    if isinstance(parsed, dict) and parsed.get(_HEADER_KEY) is not None:
        return True, JobIdentity.from_json(parsed.get("job"))
    return False, None


TypeKey = tuple[str, int]


def read_states(path: Path) -> Iterator[tuple[str, str, TypeKey | None, bool]]:
    """Each result line's (from, to, type, done); a later line about a pair overrides an earlier.

    The type is the (category, typeId) a line names (jobs that read types from the file), else
    None. Lines that cannot be read (cut short by a crash, even inside a multi-byte character)
    are skipped: that input is simply not known to be done. Lines about duplicates and invalid
    lines say nothing of what was sent.
    """
    with path.open("rb") as handle:
        while raw := handle.readline(_MAX_LINE):
            item = _parse(raw)
            if not isinstance(item, dict) or _HEADER_KEY in item:
                continue
            if item.get("status") in _SET_ASIDE:
                continue
            try:
                pair = (canonical_id(str(item["from"])), canonical_id(str(item["to"])))
            except (KeyError, InvalidId):
                continue
            kind: TypeKey | None = None
            if isinstance(item.get("type_id"), int) and isinstance(item.get("category"), str):
                kind = (item["category"], item["type_id"])
            yield pair[0], pair[1], kind, item.get("status") == "done"


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


class ResultsFile:
    """Appends result lines, flushed per chunk; safe to call from worker threads."""

    def __init__(self, path: Path, identity: JobIdentity) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._lines: dict[tuple[str, str], int] = {}
        self.identity = identity
        self._handle: IO[str] = path.open("a", encoding="utf-8")
        self._take_lock()
        self._type: TypeKey | None = None
        self.new = path.stat().st_size == 0
        if self.new:
            header = {_HEADER_KEY: FORMAT, "job": identity.to_json()}
            self._handle.write(json.dumps(header) + "\n")
            self._handle.flush()
        elif not _ends_with_newline(path):
            # A crash can leave a last line cut short: start on a fresh line so ours stay readable.
            self._handle.write("\n")

    def _take_lock(self) -> None:
        if fcntl is None:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._handle.close()
            raise UsageError(
                f"{self.path} is being written by another run right now; wait for it to end, "
                "or give this run its own --results file"
            ) from None

    def expect(self, lines: dict[tuple[str, str], int], kind: TypeKey | None = None) -> None:
        """The line numbers of the inputs about to be sent (one window at a time), and their type
        when the job reads types from the file."""
        with self._lock:
            self._lines = lines
            self._type = kind

    def set_aside(
        self, duplicates: Iterator[tuple[int, str, str, int, int]], invalid: Iterator[Any]
    ) -> None:
        """List the lines that are not sent: repeats (``duplicate_of``) and invalid lines."""
        rows: list[dict[str, object]] = []
        for line, f, t, _, first in duplicates:
            rows.append({"line": line, "from": f, "to": t, "operation": self.identity.command,
                         "status": DUPLICATE, "duplicate_of": first})  # fmt: skip
            if len(rows) >= 10_000:
                self._write(rows)
                rows = []
        for problem in invalid:
            rows.append({"line": problem.line, "operation": self.identity.command,
                         "status": INVALID, "reason": problem.text})  # fmt: skip
            if len(rows) >= 10_000:
                self._write(rows)
                rows = []
        self._write(rows)

    def record(self, done: list[Any], failed: list[BulkFailure[Any]]) -> None:
        """Write one line per input of a finished chunk."""
        rows = [self._row(pair, "done") for pair in done]
        rows += [
            self._row(
                f.input,
                "failed" if f.sent else "not_sent",
                reason=f.reason,
                category=f.category,
                status_code=f.status_code,
            )
            for f in failed
        ]
        self._write(rows)

    def not_sent(self, pairs: list[tuple[int, str, str]], reason: str) -> None:
        """Inputs the job stopped before sending: listed, so --resume sends them."""
        self._write(
            [self._row((f, t), "not_sent", line=line, reason=reason) for line, f, t in pairs]
        )

    def _write(self, rows: list[dict[str, object]]) -> None:
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        with self._lock:
            self._handle.write(text)
            self._handle.flush()

    def _row(
        self, pair: tuple[str, str], status: str, *, line: int | None = None, **extra: object
    ) -> dict[str, object]:
        row: dict[str, object] = {
            "line": line if line is not None else self._lines.get(pair),
            "from": pair[0],
            "to": pair[1],
            "operation": self.identity.command,
            "status": status,
        }
        if self._type is not None:
            row["category"], row["type_id"] = self._type
        row.update({k: v for k, v in extra.items() if v is not None})
        return row

    def close(self) -> None:
        """Close the file (which releases the lock)."""
        self._handle.close()


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
