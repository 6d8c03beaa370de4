"""An on-disk index of a job's inputs: duplicates, done-before and what is left, in bounded memory.

A million pairs held as Python tuples cost hundreds of MB; in a temporary SQLite file they cost
its page cache. IDs are canonical (at most 2^63 - 1), so they fit SQLite's INTEGER exactly.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from ._input_files import SHOWN_PROBLEMS, InputFileError, Problem, Row

__all__ = ["PairIndex", "load_checked"]

_BATCH: Final = 10_000
_CACHE_KIB: Final = 8_192


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
        self._db.execute("CREATE TABLE rows (line INTEGER PRIMARY KEY, f INTEGER, t INTEGER)")
        self._db.execute(
            "CREATE TABLE state (f INTEGER, t INTEGER, done INTEGER, PRIMARY KEY (f, t))"
        )
        self.rows = 0

    def load(self, scanned: Iterable[Row | Problem], problems: list[Problem], keep: int) -> int:
        """Store every Row, keep the first ``keep`` Problems; return the number of Problems."""
        count = 0
        batch: list[tuple[int, int, int]] = []
        for item in scanned:
            if isinstance(item, Problem):
                count += 1
                if len(problems) < keep:
                    problems.append(item)
                continue
            batch.append((item.line, int(item.from_id), int(item.to_id or 0)))
            if len(batch) >= _BATCH:
                self._insert(batch)
        self._insert(batch)
        self._db.execute("CREATE INDEX rows_pair ON rows (f, t)")
        return count

    def _insert(self, batch: list[tuple[int, int, int]]) -> None:
        self._db.executemany("INSERT INTO rows VALUES (?, ?, ?)", batch)
        self.rows += len(batch)
        batch.clear()

    def duplicates(self, keep: int, as_ids: bool = False) -> tuple[list[Problem], int]:
        """Lines that repeat an earlier line's input: the first ``keep``, and how many in all."""
        query = (
            "SELECT r.line, r.f, r.t, m.first FROM rows r JOIN (SELECT f, t, MIN(line) AS first "
            "FROM rows GROUP BY f, t HAVING COUNT(*) > 1) m ON r.f = m.f AND r.t = m.t "
            "WHERE r.line > m.first ORDER BY r.line"
        )
        found: list[Problem] = []
        count = 0
        for line, f, t, first in self._db.execute(query):
            count += 1
            if len(found) < keep:
                what = f"{f}" if as_ids else f"{f} → {t}"
                found.append(Problem(line, f"duplicate of line {first} ({what})"))
        return found, count

    def record_states(self, states: Iterable[tuple[str, str, bool]]) -> None:
        """What a results file says of each pair (a later line about a pair wins)."""
        batch: list[tuple[int, int, int]] = []
        for f, t, done in states:
            batch.append((int(f), int(t), int(done)))
            if len(batch) >= _BATCH:
                self._db.executemany("INSERT OR REPLACE INTO state VALUES (?, ?, ?)", batch)
                batch.clear()
        self._db.executemany("INSERT OR REPLACE INTO state VALUES (?, ?, ?)", batch)

    def done_count(self) -> int:
        """How many of the inputs the results file records as done."""
        query = "SELECT COUNT(*) FROM rows r JOIN state s ON r.f = s.f AND r.t = s.t WHERE s.done"
        return int(self._db.execute(query).fetchone()[0])

    def todo(self, size: int) -> Iterator[list[Row]]:
        """The inputs not yet done, in file order, ``size`` at a time."""
        cursor = self._db.execute(
            "SELECT line, f, t FROM rows r WHERE NOT EXISTS "
            "(SELECT 1 FROM state s WHERE s.f = r.f AND s.t = r.t AND s.done) ORDER BY line"
        )
        while chunk := cursor.fetchmany(size):
            yield [Row(line, str(f), str(t) if t else "") for line, f, t in chunk]

    def close(self) -> None:
        """Delete the scratch file."""
        self._db.close()
        with contextlib.suppress(OSError):
            self._path.unlink()


def load_checked(
    index: PairIndex, scanned: Iterable[Row | Problem], name: str, *, ids: bool = False
) -> None:
    """Fill ``index`` from a scan; any bad or repeated line raises InputFileError (exit 2)."""
    problems: list[Problem] = []
    count = index.load(scanned, problems, SHOWN_PROBLEMS)
    duplicates, repeated = index.duplicates(SHOWN_PROBLEMS, as_ids=ids)
    if count + repeated:
        merged = sorted([*problems, *duplicates], key=lambda p: p.line)
        raise InputFileError(name, [(p.line, p.text) for p in merged], count + repeated)
    if index.rows == 0:
        raise InputFileError(name, [(1, f"no {'IDs' if ids else 'pairs'} in the file")])
