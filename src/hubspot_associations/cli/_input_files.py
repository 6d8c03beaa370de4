"""Reading pair and ID files (CSV or JSONL) line by line: bounded memory, every line checked.

A file is read as bytes and decoded line by line as strict UTF-8, so a Latin-1, UTF-16 or binary
file is refused with the line it went wrong on instead of a traceback, and a line longer than
``MAX_LINE_BYTES`` is skipped in pieces instead of read whole (``/dev/zero`` has no newline).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from .._ids import InvalidId, canonical_id, describe_value
from ._exit_codes import UsageError

__all__ = [
    "MAX_LINE_BYTES",
    "InputFileError",
    "InputSource",
    "Problem",
    "Row",
    "open_input",
    "scan_ids",
    "scan_pairs",
]

FROM_COLUMNS: Final = ("from_id", "from", "fromobjectid", "from_object_id")
TO_COLUMNS: Final = ("to_id", "to", "toobjectid", "to_object_id")
ID_COLUMNS: Final = ("id", "record_id", "object_id", "from_id")
MAX_LINE_BYTES: Final = 64 * 1024
_JSONL_SUFFIXES: Final = {".jsonl", ".ndjson"}
_BOMS: Final = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}
SHOWN_PROBLEMS: Final = 20


class InputFileError(UsageError):
    """An input file has problems; nothing was sent. Shows the first problems and the count."""

    def __init__(
        self, name: str, problems: list[tuple[int, str]], total: int | None = None
    ) -> None:
        self.name = name
        self.problems = problems
        self.total = len(problems) if total is None else total
        shown = "\n".join(f"  {name}:{line}: {text}" for line, text in problems[:SHOWN_PROBLEMS])
        hidden = self.total - min(len(problems), SHOWN_PROBLEMS)
        more = f"\n  … and {hidden} more" if hidden > 0 else ""
        super().__init__(
            f"{name}: {self.total} problem(s); nothing was sent. Fix the file and run again.\n"
            f"{shown}{more}"
        )


@dataclass(frozen=True)
class Row:
    """One valid line: its number and its canonical IDs (``to_id`` is "" in an ID file)."""

    line: int
    from_id: str
    to_id: str = ""


@dataclass(frozen=True)
class Problem:
    """One line that cannot be used, and why."""

    line: int
    text: str


@dataclass
class InputSource:
    """A readable regular file (stdin is spooled to one), its display name and SHA-256."""

    path: Path
    name: str
    sha256: str
    jsonl: bool
    spooled: bool = False

    def close(self) -> None:
        """Remove the spool file of stdin, if any."""
        if self.spooled:
            with contextlib.suppress(OSError):
                self.path.unlink()


def open_input(given: str, *, fmt: str = "auto") -> InputSource:
    """Check that ``given`` (a path, or ``-`` for stdin) can be read, and hash its bytes.

    Stdin is copied to a temporary file first, so the file can be read twice (check, then send)
    and hashed for the results file's job identity.
    """
    if given == "-":
        spool = _spool_stdin()
        return InputSource(spool, "<stdin>", _sha256(spool), _is_jsonl(spool, fmt), spooled=True)
    path = Path(given)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UsageError(f"{given}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{given}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{given}: is a directory; give a CSV or JSONL file")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(
            f"{given}: is not a regular file (a device or a pipe); save the data to a file, "
            "or pipe it to - (stdin)"
        )
    if not os.access(path, os.R_OK):
        raise UsageError(f"{given}: cannot be read (permission denied)")
    try:
        digest = _sha256(path)
    except OSError as exc:
        raise UsageError(f"{given}: cannot be read ({exc.strerror})") from None
    return InputSource(path, given, digest, _is_jsonl(path, fmt))


def _spool_stdin() -> Path:
    handle, name = tempfile.mkstemp(prefix="hubspot-associations-stdin-")
    with os.fdopen(handle, "wb") as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
    return Path(name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _is_jsonl(path: Path, fmt: str) -> bool:
    if fmt != "auto":
        return fmt == "jsonl"
    if path.suffix.lower() in _JSONL_SUFFIXES:
        return True
    # A CSV starts with its header, never with '{': a first non-blank '{' means JSONL.
    with path.open("rb") as handle:
        start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"{")


def _lines(source: InputSource) -> Iterator[tuple[int, str | None, str | None]]:
    """(number, text, problem) per line; text is None when the line cannot be decoded."""
    with source.path.open("rb") as handle:
        first = handle.read(4)
        for bom, name in _BOMS.items():
            if first.startswith(bom):
                raise InputFileError(
                    source.name, [(1, f"the file is {name}; save it as UTF-8 (CSV UTF-8)")]
                )
        handle.seek(3 if first.startswith(b"\xef\xbb\xbf") else 0)
        number = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                _skip_rest_of_line(handle)
                yield number, None, f"longer than {MAX_LINE_BYTES} bytes: is this the right file?"
                continue
            yield (number, *_decode(raw))


def _skip_rest_of_line(handle: IO[bytes]) -> None:
    while True:
        piece = handle.readline(MAX_LINE_BYTES)
        if not piece or piece.endswith(b"\n"):
            return


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    if b"\x00" in raw:
        return None, "holds a NUL byte: this looks like a binary file, not CSV or JSONL"
    try:
        return raw.decode("utf-8").rstrip("\r\n"), None
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        return None, (
            f"is not UTF-8 (byte 0x{byte:02X} at column {exc.start + 1}); "
            "save the file as UTF-8 (CSV UTF-8)"
        )


def scan_pairs(source: InputSource) -> Iterator[Row | Problem]:
    """Every line of a pair file as a Row (canonical IDs) or a Problem."""
    lines = _lines(source)
    if source.jsonl:
        yield from _jsonl_pairs(lines)
    else:
        yield from _csv_pairs(lines)


def _csv_pairs(lines: Iterator[tuple[int, str | None, str | None]]) -> Iterator[Row | Problem]:
    header: list[str] | None = None
    columns: tuple[int, int] | None = None
    for number, text, problem in lines:
        if problem is not None or text is None:
            yield Problem(number, problem or "unreadable")
            if header is None:
                return
            continue
        if header is None:
            header, picked = _header(text, (FROM_COLUMNS, TO_COLUMNS))
            if picked is None:
                yield Problem(number, f"the header {describe_value(text, 60)} needs a from_id and "
                              "a to_id column (e.g. from_id,to_id)")  # fmt: skip
                return
            columns = (picked[0], picked[1])
            continue
        if not text.strip():
            yield Problem(number, "empty line")
            continue
        cells = _cells(text)
        if isinstance(cells, str):
            yield Problem(number, cells)
        elif len(cells) != len(header):
            yield Problem(number, f"{len(cells)} columns where the header has {len(header)}")
        else:
            assert columns is not None
            yield _row(number, cells[columns[0]], cells[columns[1]])
    if header is None:
        yield Problem(1, "the file is empty; the first line must be a header such as from_id,to_id")


def _header(text: str, wanted: tuple[tuple[str, ...], ...]) -> tuple[list[str], list[int] | None]:
    cells = _cells(text)
    if isinstance(cells, str):
        return [], None
    lowered = [c.strip().lower() for c in cells]
    picked: list[int] = []
    for names in wanted:
        found = next((lowered.index(n) for n in names if n in lowered), None)
        if found is None:
            return cells, None
        picked.append(found)
    return cells, picked


def _cells(text: str) -> list[str] | str:
    """The CSV cells of one line, or a problem text."""
    try:
        return next(csv.reader([text]), [])
    except csv.Error as exc:
        return f"not valid CSV: {exc}"


def _row(number: int, first: object, second: object) -> Row | Problem:
    bad = []
    ids = []
    for name, value in (("from", first), ("to", second)):
        try:
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise InvalidId("is not a record ID (a string or integer of digits)")
            ids.append(canonical_id(value))
        except InvalidId as exc:
            bad.append(f"{name} {describe_value(value)} {exc}")
    if bad:
        return Problem(number, "; ".join(bad))
    return Row(number, ids[0], ids[1])


def _jsonl_pairs(lines: Iterator[tuple[int, str | None, str | None]]) -> Iterator[Row | Problem]:
    seen_any = False
    for number, text, problem in lines:
        seen_any = True
        if problem is not None or text is None:
            yield Problem(number, problem or "unreadable")
            continue
        if not text.strip():
            yield Problem(number, "empty line")
            continue
        item = _json_object(text)
        if isinstance(item, str):
            yield Problem(number, item)
            continue
        keys = {str(k).lower(): v for k, v in item.items()}
        first = next((keys[k] for k in FROM_COLUMNS if k in keys), None)
        second = next((keys[k] for k in TO_COLUMNS if k in keys), None)
        if first is None or second is None:
            yield Problem(number, 'each line needs "from" and "to", like {"from": 1, "to": 2}')
            continue
        yield _row(number, first, second)
    if not seen_any:
        yield Problem(1, "the file is empty")


def _json_object(text: str) -> dict[str, object] | str:
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} at column {exc.colno}"
    except (RecursionError, ValueError):
        # Deeply nested arrays exhaust the parser's stack; huge numbers pass int()'s digit limit.
        return "not a usable JSON object (nested too deeply, or a number too long)"
    if not isinstance(item, dict):
        return 'each line must be a JSON object like {"from": 1, "to": 2}'
    return item


def scan_ids(source: InputSource) -> Iterator[Row | Problem]:
    """Every line of an ID file (CSV with an id column, or one ID per line) as a Row or Problem."""
    column: int | None = None
    width = 0
    for number, text, problem in _lines(source):
        if problem is not None or text is None:
            yield Problem(number, problem or "unreadable")
            continue
        if number == 1 and not _looks_like_id(text):
            cells, picked = _header(text, (ID_COLUMNS,))
            if picked is None:
                yield Problem(1, f"the header {describe_value(text, 60)} needs an id column")
                return
            column, width = picked[0], len(cells)
            continue
        if not text.strip():
            yield Problem(number, "empty line")
            continue
        value: object = text
        if column is not None:
            row_cells = _cells(text)
            if isinstance(row_cells, str):
                yield Problem(number, row_cells)
                continue
            if len(row_cells) != width:
                yield Problem(number, f"{len(row_cells)} columns where the header has {width}")
                continue
            value = row_cells[column]
        try:
            yield Row(number, canonical_id(str(value)))
        except InvalidId as exc:
            yield Problem(number, f"{describe_value(value)} {exc}")


def _looks_like_id(text: str) -> bool:
    try:
        canonical_id(text)
    except InvalidId:
        return False
    return True
