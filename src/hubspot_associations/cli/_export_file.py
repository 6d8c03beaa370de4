"""export --resume: what an earlier export left in its --out file, and where to continue it.

An export writes a record's rows together, once its last page has arrived, so every record in the
file is whole except perhaps the last one (a kill can stop a write half way). The file is read
once, streaming: the record IDs go to the on-disk index (memory stays flat), the last record's
rows and any cut line after them are cut off, and they are fetched again.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Final, NoReturn

from ._exit_codes import UsageError

__all__ = ["COLUMNS", "EarlierExport", "Kept"]

# One row per association type: `associate --types-from-file` reads these columns back.
COLUMNS: Final = ("from_id", "to_id", "type_id", "category", "label")
_HEADER: Final = ",".join(COLUMNS)


@dataclass
class Kept:
    """The part of an export file that stays: its whole records, before the last one."""

    offset: int = 0  # bytes kept; the file is cut there
    header: bool = False  # the kept part begins with the CSV header
    records: int = 0
    associations: int = 0


@dataclass
class _Run:
    """The rows of one record, consecutive in the file."""

    record: str
    start: int  # the offset of its first row
    associations: int = 0
    last_to: str = ""


class EarlierExport:
    """An earlier export at ``path``: :meth:`records` yields each whole record's ID, then
    :attr:`kept` says what stays.

    A file that does not exist, or is empty, keeps nothing. A file in the other format, or with a
    line `export` does not write, is a UsageError and is left as it is.
    """

    def __init__(self, path: str, *, jsonl: bool) -> None:
        self.path = path
        self.jsonl = jsonl
        self.kept = Kept()
        self.offset = 0  # the end of the last line read
        self.line = 0
        self.complete = True  # whether the last line read ended with a newline

    def records(self) -> Iterator[str]:
        """The IDs of the records the file holds whole, in file order; then ``kept`` is set."""
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return
        except OSError as exc:
            raise UsageError(
                f"--out {self.path}: cannot be read for --resume ({exc.strerror})"
            ) from None
        with handle:
            yield from self._records(handle)

    def _records(self, handle: IO[bytes]) -> Iterator[str]:
        kept = self.kept
        run: _Run | None = None
        for start, record, to_id in self._rows(handle):
            if run is None or record != run.record:
                if run is not None:
                    # A later record began: the one before it was written whole.
                    yield run.record
                    kept.records += 1
                    kept.associations += run.associations
                run = _Run(record, start)
            if self.jsonl or to_id != run.last_to:
                # CSV: one row per association type; an association's rows are consecutive.
                run.associations += 1
                run.last_to = to_id
        # The last record may have been cut short by a kill: its rows go, and it is read again.
        if run is not None:
            kept.offset = run.start

    def _lines(self, handle: IO[bytes]) -> Iterator[str]:
        for raw in handle:
            self.offset += len(raw)
            self.line += 1
            self.complete = raw.endswith(b"\n")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                if not self.complete:
                    return  # a line cut inside a character: it is cut off anyway
                self._refuse(self.line, "is not UTF-8")
            yield text

    def _rows(self, handle: IO[bytes]) -> Iterator[tuple[int, str, str]]:
        """(start offset, record, to ID) of each whole row (the header checked and skipped)."""
        return self._jsonl_rows(handle) if self.jsonl else self._csv_rows(handle)

    def _csv_rows(self, handle: IO[bytes]) -> Iterator[tuple[int, str, str]]:
        reader = csv.reader(self._lines(handle))
        start = 0
        first_line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if not self.complete:
                    return
                self._refuse(first_line, f"is not CSV ({exc})")
            if not self.complete:
                return  # a cut last row (or header: then nothing is kept, and it is written again)
            if start == 0:
                if row != list(COLUMNS):
                    self._mismatch(first_line, row)
                self.kept.header = True
                self.kept.offset = self.offset
            else:
                if len(row) != len(COLUMNS) or not _is_id(row[0]) or not _is_id(row[1]):
                    self._refuse(first_line, f"is not a row `export` writes ({_HEADER})")
                yield start, row[0], row[1]
            start = self.offset
            first_line = reader.line_num + 1

    def _jsonl_rows(self, handle: IO[bytes]) -> Iterator[tuple[int, str, str]]:
        start = 0
        for text in self._lines(handle):
            if not self.complete:
                return  # a cut last line
            if not text.strip():
                start = self.offset
                continue
            if start == 0 and text.rstrip("\r\n") == _HEADER:
                self._mismatch(self.line, list(COLUMNS))
            item: object = None
            with contextlib.suppress(ValueError):
                item = json.loads(text)
            if not (isinstance(item, dict) and _is_id(item.get("from")) and _is_id(item.get("to"))
                    and isinstance(item.get("types"), list)):  # fmt: skip
                if start == 0:
                    self._mismatch(self.line, None)
                self._refuse(self.line, 'is not a line `export` writes ({"from", "to", "types"})')
            assert isinstance(item, dict)
            yield start, str(item["from"]), str(item["to"])
            start = self.offset

    def _mismatch(self, line: int, row: list[str] | None) -> NoReturn:
        if self.jsonl:
            held = "CSV" if row is not None else None
            wanted = "JSONL (--json, or a .jsonl/.ndjson name)"
        else:
            held = "JSONL" if row and row[0].lstrip().startswith("{") else None
            wanted = f"CSV (header {_HEADER}; no --json, and a name not ending .jsonl/.ndjson)"
        what = (
            f"the file holds {held}, but these options write {wanted}"
            if held
            else f"its first line is not how an export in {wanted} begins"
        )
        raise UsageError(
            f"--out {self.path}:{line}: {what}. Nothing was changed: resume with the options of "
            "the export that wrote it, or give another --out"
        )

    def _refuse(self, line: int, what: str) -> NoReturn:
        raise UsageError(
            f"--out {self.path}:{line}: this line {what}, so the file is not one `export` wrote; "
            "--resume left it as it is: give another --out, or export without --resume to "
            "overwrite it"
        )


def _is_id(value: object) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit()
