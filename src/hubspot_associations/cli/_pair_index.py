"""An on-disk index of a job's inputs: duplicates, done-before and what is left, in bounded memory.

A million pairs held as Python tuples cost hundreds of MB; in a temporary SQLite file they cost
its page cache. IDs are canonical (at most 2^63 - 1), so they fit SQLite's INTEGER exactly. A
line may give several pairs (a cell of IDs separated by ``;``), so rows are kept in file order by
their own sequence number, each with its line.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ._problems import InputFileError, Problem, ProblemLog, write_rejected
from ._scan import Row, Scan, TypeSpec

__all__ = ["Loaded", "PairIndex", "load_checked"]

_BATCH: Final = 10_000
_CACHE_KIB: Final = 8_192
# Distinct association types one file may name (--types-from-file): far above any portal's.
MAX_TYPES: Final = 1_000


class PairIndex:
    """The valid rows of one input file, and the pairs a results file records."""

    def __init__(self) -> None:
        handle, name = tempfile.mkstemp(prefix="hubspot-associations-index-", suffix=".sqlite")
        os.close(handle)
        self._path = Path(name)
        self._db = sqlite3.connect(name)
        # A scratch file: durability buys nothing, and the cache bound is the memory bound.
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{_CACHE_KIB}"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(
            "CREATE TABLE rows (seq INTEGER PRIMARY KEY, line INTEGER, f INTEGER, t INTEGER, "
            "ty INTEGER)"
        )
        self._db.execute("CREATE TABLE dups (line INTEGER, f INTEGER, t INTEGER, ty INTEGER, "
                         "first INTEGER)")  # fmt: skip
        self._db.execute(
            "CREATE TABLE state (f INTEGER, t INTEGER, ty INTEGER, done INTEGER, "
            "PRIMARY KEY (f, t, ty))"
        )
        self.rows = 0
        self.duplicate_count = 0
        # Type spec -> its number in the rows (0: the job's own types, given on the command line).
        self.specs: dict[TypeSpec, int] = {}
        self._name = ""  # the input's name, for a problem found while loading

    def load(self, scanned: Iterable[Row | Problem], problems: ProblemLog, name: str) -> None:
        """Store every Row; log every Problem."""
        self._name = name
        batch: list[tuple[int, int, int, int]] = []
        for item in scanned:
            if isinstance(item, Problem):
                problems.add(item)
                continue
            ty = 0 if item.spec is None else self._spec_number(item.spec, item.line)
            batch.append((item.line, int(item.from_id), int(item.to_id or 0), ty))
            if len(batch) >= _BATCH:
                self._insert(batch)
        self._insert(batch)

    def _spec_number(self, spec: TypeSpec, line: int) -> int:
        number = self.specs.get(spec)
        if number is None:
            if len(self.specs) >= MAX_TYPES:
                raise InputFileError(self._name, [Problem(line, f"names more than {MAX_TYPES} "
                                                   "distinct association types")])  # fmt: skip
            number = self.specs[spec] = len(self.specs) + 1
        return number

    def _insert(self, batch: list[tuple[int, int, int, int]]) -> None:
        self._db.executemany("INSERT INTO rows (line, f, t, ty) VALUES (?, ?, ?, ?)", batch)
        self.rows += len(batch)
        batch.clear()

    def set_duplicates_aside(self) -> int:
        """Move every row that repeats an earlier one to the duplicates; return how many."""
        self._db.execute("CREATE INDEX rows_pair ON rows (f, t, ty, seq)")
        self._db.execute(
            "INSERT INTO dups SELECT r.line, r.f, r.t, r.ty, m.line FROM rows r JOIN "
            "(SELECT f, t, ty, MIN(seq) AS first FROM rows GROUP BY f, t, ty HAVING COUNT(*) > 1) "
            "g ON r.f = g.f AND r.t = g.t AND r.ty = g.ty AND r.seq > g.first "
            "JOIN rows m ON m.seq = g.first ORDER BY r.seq"
        )
        self.duplicate_count = int(self._db.execute("SELECT COUNT(*) FROM dups").fetchone()[0])
        if self.duplicate_count:
            self._db.execute(
                "DELETE FROM rows WHERE seq NOT IN (SELECT MIN(seq) FROM rows GROUP BY f, t, ty)"
            )
            self.rows -= self.duplicate_count
        return self.duplicate_count

    def duplicates(self) -> Iterator[tuple[int, str, str, int, int]]:
        """(line, from, to, type number, first line) of each repeated row, in file order."""
        for line, f, t, ty, first in self._db.execute("SELECT * FROM dups ORDER BY rowid"):
            yield line, str(f), str(t) if t else "", ty, first

    def spec_numbers(self) -> list[int]:
        """The type numbers the rows use, in order (``[0]`` when the job's types apply)."""
        return [n for (n,) in self._db.execute("SELECT DISTINCT ty FROM rows ORDER BY ty")]

    def record_states(self, states: Iterable[tuple[str, str, int, bool]]) -> None:
        """What a results file says of each pair (a later line about a pair wins)."""
        batch: list[tuple[int, int, int, int]] = []
        for f, t, ty, done in states:
            batch.append((int(f), int(t), ty, int(done)))
            if len(batch) >= _BATCH:
                self._db.executemany("INSERT OR REPLACE INTO state VALUES (?, ?, ?, ?)", batch)
                batch.clear()
        self._db.executemany("INSERT OR REPLACE INTO state VALUES (?, ?, ?, ?)", batch)

    def done_count(self) -> int:
        """How many of the inputs the results file records as done."""
        query = ("SELECT COUNT(*) FROM rows r JOIN state s ON r.f = s.f AND r.t = s.t "
                 "AND r.ty = s.ty WHERE s.done")  # fmt: skip
        return int(self._db.execute(query).fetchone()[0])

    def todo(self, size: int, ty: int | None = None) -> Iterator[list[Row]]:
        """The inputs not yet done (of one type number, or all), in file order, by ``size``."""
        where = "" if ty is None else f"AND r.ty = {int(ty)}"
        cursor = self._db.execute(
            "SELECT line, f, t FROM rows r WHERE NOT EXISTS (SELECT 1 FROM state s WHERE "
            f"s.f = r.f AND s.t = r.t AND s.ty = r.ty AND s.done) {where} ORDER BY seq"
        )
        while chunk := cursor.fetchmany(size):
            yield [Row(line, str(f), str(t) if t else "") for line, f, t in chunk]

    def close(self) -> None:
        """Delete the scratch file."""
        self._db.close()
        with contextlib.suppress(OSError):
            self._path.unlink()


@dataclass
class Loaded:
    """What checking the file found besides the rows: the counts a summary shows."""

    blank_lines: int = 0
    no_ids: int = 0
    duplicates: int = 0
    invalid_lines: int = 0
    invalid: ProblemLog | None = None

    def to_json(self) -> dict[str, int]:
        """The counts, for summaries and dry runs."""
        return {"blank_lines": self.blank_lines, "lines_without_ids": self.no_ids,
                "duplicates": self.duplicates, "invalid_lines": self.invalid_lines}  # fmt: skip

    def close(self) -> None:
        """Delete the rejected rows' spool."""
        if self.invalid is not None:
            self.invalid.close()


def load_checked(
    index: PairIndex,
    scan: Scan,
    *,
    strict: bool = False,
    skip_invalid: Path | None = None,
    ids: bool = False,
) -> Loaded:
    """Fill ``index`` from a scan and set duplicates aside.

    A bad line raises InputFileError (exit 2), or with ``skip_invalid`` is written to that file;
    a repeated line is sent once, or with ``strict`` refused too.
    """
    problems = ProblemLog()
    loaded = Loaded()
    try:
        index.load(scan, problems, scan.source.name)
        loaded.blank_lines, loaded.no_ids = scan.blank_lines, scan.no_ids
        loaded.duplicates = index.set_duplicates_aside()
        repeated = ProblemLog()
        if strict:
            for line, f, t, _, first in index.duplicates():
                what = f if ids else f"{f} → {t}"
                repeated.add(Problem(line, f"duplicate of line {first} ({what}); --strict "
                                     "refuses repeated lines"))  # fmt: skip
        if (problems.count and skip_invalid is None) or repeated.count:
            # The error keeps both logs open (--json prints them); main() closes them.
            raise InputFileError(scan.source.name, [problems, repeated])
        if problems.count and skip_invalid is not None:
            loaded.invalid, loaded.invalid_lines = problems, problems.lines
            write_rejected(skip_invalid, problems, jsonl=scan.source.jsonl, header=scan.header,
                           delimiter=scan.used_delimiter)  # fmt: skip
        else:
            problems.close()
    except InputFileError as error:
        if not any(log is problems for log in error.logs):
            problems.close()
        raise
    except BaseException:
        problems.close()
        raise
    if index.rows == 0 and not loaded.invalid_lines:
        what = "IDs" if ids else "pairs"
        raise InputFileError(scan.source.name, [Problem(1, f"no {what} in the file")])
    return loaded
