"""SQLite storage: associations (both directions), custom types, limits, records, reports, CRM
objects and custom object schemas, each row belonging to one portal.

One connection (``Database``), used under a lock, shared by the stores of every portal (``Store``,
one portal's view: every statement is scoped to its portal ID). Every request runs in one
transaction and every batch input in a savepoint, so an input is applied whole or not at all, and a
crash loses only uncommitted requests. The primary key orders rows by (portal, from record, to
type, to record), so a page read is one index range whatever the table's size. There is no second
index: counting one record's associations of one type (only needed when a limit is set) scans
that record's range, and every insert stays cheaper.

A file's format is SQLite's ``user_version``: 2 since portals, 3 since CRM objects. A file of
format 1 (written before portals: the same tables without the portal column) is migrated in place
on opening, its rows becoming the default portal's; one of format 2 gains the object tables; a
file of a later format is refused, never misread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager

from .catalog import AssociationType
from .tokens import DEFAULT_PORTAL_ID

Row = tuple[str, int, str, int, int]

FORMAT = 3
_SCHEMA = """
CREATE TABLE IF NOT EXISTS assoc (
    portal INTEGER NOT NULL, from_type TEXT NOT NULL, from_id INTEGER NOT NULL,
    to_type TEXT NOT NULL, to_id INTEGER NOT NULL, type_id INTEGER NOT NULL,
    PRIMARY KEY (portal, from_type, from_id, to_type, to_id, type_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS types (
    portal INTEGER NOT NULL, type_id INTEGER NOT NULL, category TEXT NOT NULL,
    from_type TEXT NOT NULL, to_type TEXT NOT NULL, label TEXT, inverse_id INTEGER,
    kind TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (portal, type_id)
);
CREATE TABLE IF NOT EXISTS limits (
    portal INTEGER NOT NULL, type_id INTEGER NOT NULL, max_to INTEGER NOT NULL,
    PRIMARY KEY (portal, type_id)
);
CREATE TABLE IF NOT EXISTS records (
    portal INTEGER NOT NULL, type TEXT NOT NULL, id INTEGER NOT NULL,
    PRIMARY KEY (portal, type, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reports (
    portal INTEGER NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (portal, id)
);
CREATE TABLE IF NOT EXISTS meta (
    portal INTEGER NOT NULL, key TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (portal, key)
);
CREATE TABLE IF NOT EXISTS objects (
    portal INTEGER NOT NULL, type TEXT NOT NULL, id INTEGER NOT NULL, properties TEXT NOT NULL,
    created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, state TEXT NOT NULL,
    archived_ms INTEGER, merged_into INTEGER, PRIMARY KEY (portal, type, id)
);
CREATE TABLE IF NOT EXISTS schemas (
    portal INTEGER NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL, primary_property TEXT NOT NULL,
    PRIMARY KEY (portal, type)
);
"""
# The association changes' log (``Database.capture``): temporary, so never part of a file's format.
_CAPTURE_ON = """
CREATE TEMP TABLE IF NOT EXISTS assoc_log (
    seq INTEGER PRIMARY KEY, portal INTEGER, from_type TEXT, from_id INTEGER, to_type TEXT,
    to_id INTEGER, type_id INTEGER, removed INTEGER
);
CREATE TEMP TABLE IF NOT EXISTS types_gone (
    portal INTEGER, type_id INTEGER, category TEXT, from_type TEXT, to_type TEXT, label TEXT,
    inverse_id INTEGER, kind TEXT, name TEXT
);
CREATE TEMP TRIGGER IF NOT EXISTS assoc_added AFTER INSERT ON main.assoc BEGIN
    INSERT INTO assoc_log (portal, from_type, from_id, to_type, to_id, type_id, removed)
    VALUES (NEW.portal, NEW.from_type, NEW.from_id, NEW.to_type, NEW.to_id, NEW.type_id, 0);
END;
CREATE TEMP TRIGGER IF NOT EXISTS assoc_removed AFTER DELETE ON main.assoc BEGIN
    INSERT INTO assoc_log (portal, from_type, from_id, to_type, to_id, type_id, removed)
    VALUES (OLD.portal, OLD.from_type, OLD.from_id, OLD.to_type, OLD.to_id, OLD.type_id, 1);
END;
CREATE TEMP TRIGGER IF NOT EXISTS type_removed AFTER DELETE ON main.types BEGIN
    INSERT INTO types_gone VALUES (OLD.portal, OLD.type_id, OLD.category, OLD.from_type,
        OLD.to_type, OLD.label, OLD.inverse_id, OLD.kind, OLD.name);
END;
"""
_CAPTURE_OFF = """
DROP TRIGGER IF EXISTS temp.assoc_added;
DROP TRIGGER IF EXISTS temp.assoc_removed;
DROP TRIGGER IF EXISTS temp.type_removed;
DROP TABLE IF EXISTS temp.assoc_log;
DROP TABLE IF EXISTS temp.types_gone;
"""
# (portal, from type, from ID, to type, to ID, type ID, removed): one directional row's change.
Change = tuple[int, str, int, str, int, int, bool]
# A removed custom type's row (portal first), as the types table holds it.
TypeRow = tuple[int, int, str, str, str, str | None, int | None, str, str]
FIRST_CUSTOM_TYPE_ID = 1200
TABLES = ("assoc", "types", "limits", "records", "reports", "meta", "objects", "schemas")
# The tables of format 1 and 2 (and of version 1 and 2 snapshots): no CRM objects yet.
OLD_TABLES = TABLES[:6]
ObjectRow = tuple[str, int, str, int, int, str, int | None, int | None]


class Database:
    """The one SQLite connection of an emulator, in memory or in a file, and its transactions.

    ``default_portal`` receives a format-1 file's rows; ValueError when the file is of a format
    this emulator cannot read.
    """

    def __init__(self, path: str | None, default_portal: int) -> None:
        self.path = path
        self.lock = threading.RLock()
        # The server thread and the thread that built the app both use it, always under lock.
        self.db = sqlite3.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
        try:
            self._open(default_portal)
            if path:
                # After _open: a file refused there is left exactly as it was.
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise ValueError(
                f"{path}: not a SQLite database ({exc}): give --db a file the emulator wrote, "
                "or a path that does not exist yet"
            ) from None
        except BaseException:
            self.db.close()
            raise
        self._depth = 0
        self._savepoints = 0
        # Association changes, taken at each commit (``capture``): None until something listens.
        self.on_changes: Callable[[list[Change], list[TypeRow]], None] | None = None
        self._quiet = 0

    def _open(self, default_portal: int) -> None:
        """Create the tables, or migrate a format-1 file, or refuse a file of another format."""
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        tables = {
            r[0]
            for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if not r[0].startswith("sqlite_")  # SQLite's own (sqlite_sequence of AUTOINCREMENT)
        }
        if version > FORMAT:
            raise ValueError(
                f"{self.path}: an emulator database of format {version}, written by a newer "
                f"emulator; this one reads formats 1 and {FORMAT}: upgrade hubspot-associations, "
                "or start with another --db file"
            )
        if version == 0 and tables:
            # Format 1 wrote no user_version: recognise it by its tables and their columns.
            columns = [r[1] for r in self.db.execute("PRAGMA table_info(assoc)")]
            if set(tables) != set(OLD_TABLES) or columns[:1] != ["from_type"]:
                raise ValueError(
                    f"{self.path}: a SQLite file of another application (tables "
                    f"{', '.join(sorted(tables))}), not the emulator's: it is left as it is; "
                    "give --db a file the emulator wrote, or a path that does not exist yet"
                )
            self._migrate_format_1(default_portal)
            return
        if version in (2, FORMAT) and not set(OLD_TABLES) <= tables:
            raise ValueError(
                f"{self.path}: format {version} but without the emulator's tables: not the "
                "emulator's file; give --db another path"
            )
        # Format 2 (portals, no CRM objects) gains the new tables: CREATE … IF NOT EXISTS.
        self.db.executescript(_SCHEMA)
        self.db.execute(f"PRAGMA user_version={FORMAT}")

    def _migrate_format_1(self, portal: int) -> None:
        """Move a format-1 file's rows (one portal, no portal column) to ``portal``, in one
        transaction: the file is migrated whole or left as it was."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for table in OLD_TABLES:
                self.db.execute(f"ALTER TABLE {table} RENAME TO old_{table}")
            # One statement at a time: executescript would commit the open transaction first.
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            for table in OLD_TABLES:
                if table == "reports":
                    sql = "INSERT INTO reports SELECT ?, id, body FROM old_reports"
                else:
                    sql = f"INSERT INTO {table} SELECT ?, * FROM old_{table}"
                self.db.execute(sql, (portal,))
                self.db.execute(f"DROP TABLE old_{table}")
            self.db.execute(f"PRAGMA user_version={FORMAT}")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work; nested calls join the outer one."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                taken = self._take_changes() if self.on_changes is not None else None
                self.db.execute("COMMIT")
                if taken and taken[0] and self.on_changes is not None:
                    self.on_changes(*taken)
            finally:
                self._depth = 0

    def capture(self, on_changes: Callable[[list[Change], list[TypeRow]], None] | None) -> None:
        """Hand every committed transaction's association changes to ``on_changes`` (None:
        stop). SQLite's triggers log each directional row added or removed, whatever statement
        did it (an association call, a label's removal, a record's archive or merge), in a
        temporary table: a rolled-back savepoint or transaction takes its log lines with it,
        and nothing is logged while nobody listens (no trigger exists then)."""
        with self.lock:
            if on_changes is None:
                self.db.executescript(_CAPTURE_OFF)
            elif self.on_changes is None:
                self.db.executescript(_CAPTURE_ON)
            self.on_changes = on_changes

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Changes made inside are not handed on (seeding, restoring, resetting: the control
        API sets a portal's state, no one changed its associations)."""
        with self.lock:
            self._quiet += 1
            try:
                yield
            finally:
                self._quiet -= 1

    def _take_changes(self) -> tuple[list[Change], list[TypeRow]]:
        """The log's lines (emptied), inside the transaction about to commit."""
        changes = [
            (r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]))
            for r in self.db.execute(
                "SELECT portal, from_type, from_id, to_type, to_id, type_id, removed "
                "FROM temp.assoc_log ORDER BY seq"
            )
        ]
        gone = [tuple(r) for r in self.db.execute("SELECT * FROM temp.types_gone")]
        if changes or gone:
            self.db.execute("DELETE FROM temp.assoc_log")
            self.db.execute("DELETE FROM temp.types_gone")
        if self._quiet:
            return [], []
        return changes, gone

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Part of a transaction that an error undoes alone (one batch input)."""
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        self.db.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.db.execute(f"ROLLBACK TO {name}")
            self.db.execute(f"RELEASE {name}")
            raise
        else:
            self.db.execute(f"RELEASE {name}")

    def portals(self) -> set[int]:
        """Every portal that holds a row."""
        with self.lock:
            return {
                int(r[0])
                for table in TABLES
                for r in self.db.execute(f"SELECT DISTINCT portal FROM {table}")
            }


class Store:
    """One portal's state: the rows of its portal ID in the shared database."""

    def __init__(self, database: Database | None = None, portal: int = DEFAULT_PORTAL_ID) -> None:
        # Alone (no database given): a portal in a private in-memory database (tests, tools).
        self.database = database or Database(None, portal)
        self.portal = portal
        self.db = self.database.db
        self._lock = self.database.lock

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic unit of work (``Database.transaction``)."""
        return self.database.transaction()

    def savepoint(self) -> AbstractContextManager[None]:
        """One batch input (``Database.savepoint``)."""
        return self.database.savepoint()

    def snapshot(self) -> dict[str, list[list[object]]]:
        """Every table's rows of this portal (associations, types and their ID counter, limits,
        records, reports), without the portal column, as JSON-ready lists."""
        with self._lock:
            return {
                table: [
                    list(row[1:])
                    for row in self.db.execute(
                        f"SELECT * FROM {table} WHERE portal=?", (self.portal,)
                    )
                ]
                for table in TABLES
            }

    def restore(self, tables: object) -> None:
        """Replace this portal's rows with a snapshot's; ValueError (nothing changed) when it is
        not one."""
        if not isinstance(tables, dict) or set(tables) not in (set(TABLES), set(OLD_TABLES)):
            raise ValueError(f"a snapshot holds exactly the tables {', '.join(TABLES)}")
        with self.transaction():
            for table in TABLES:
                rows = tables.get(table, [])  # a snapshot from before CRM objects has none
                width = len(self.db.execute(f"SELECT * FROM {table} LIMIT 0").description) - 1
                if not isinstance(rows, list) or any(
                    not isinstance(r, list) or len(r) != width for r in rows
                ):
                    raise ValueError(f"snapshot table {table}: rows of {width} values expected")
                self.db.execute(f"DELETE FROM {table} WHERE portal=?", (self.portal,))
                marks = ", ".join("?" * (width + 1))
                try:
                    self.db.executemany(
                        f"INSERT INTO {table} VALUES ({marks})", ([self.portal, *r] for r in rows)
                    )
                except sqlite3.Error as exc:
                    raise ValueError(f"snapshot table {table}: {exc}") from None

    def reset(self) -> None:
        """Forget everything of this portal."""
        with self.transaction():
            for table in TABLES:
                self.db.execute(f"DELETE FROM {table} WHERE portal=?", (self.portal,))

    def close(self) -> None:
        """Close the shared connection (the emulator stops)."""
        self.database.close()

    # -- associations --------------------------------------------------------------------------

    def insert(self, row: Row) -> bool:
        """Add one directional row; True when it was not there yet."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO assoc VALUES (?,?,?,?,?,?)", (self.portal, *row)
        )
        return cur.rowcount > 0

    def insert_both(self, row: Row, inverse: Row) -> bool:
        """Add a row and its inverse in one statement; True when either was new."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO assoc VALUES (?,?,?,?,?,?),(?,?,?,?,?,?)",
            (self.portal, *row, self.portal, *inverse),
        )
        return cur.rowcount > 0

    def insert_many(self, rows: Iterable[Row]) -> None:
        """Add rows in bulk (seeding)."""
        portal = self.portal
        self.db.executemany(
            "INSERT OR IGNORE INTO assoc VALUES (?,?,?,?,?,?)", ((portal, *r) for r in rows)
        )

    def delete(self, row: Row) -> None:
        """Remove one directional row."""
        self.db.execute(
            "DELETE FROM assoc WHERE portal=? AND from_type=? AND from_id=? AND to_type=? "
            "AND to_id=? AND type_id=?",
            (self.portal, *row),
        )

    def delete_between(self, from_type: str, from_id: int, to_type: str, to_id: int) -> None:
        """Remove every row between two records, in both directions."""
        sql = (
            "DELETE FROM assoc WHERE portal=? AND from_type=? AND from_id=? AND to_type=? "
            "AND to_id=?"
        )
        self.db.execute(sql, (self.portal, from_type, from_id, to_type, to_id))
        self.db.execute(sql, (self.portal, to_type, to_id, from_type, from_id))

    def types_between(self, from_type: str, from_id: int, to_type: str, to_id: int) -> list[int]:
        """Type IDs from one record to another, ascending."""
        cur = self.db.execute(
            "SELECT type_id FROM assoc WHERE portal=? AND from_type=? AND from_id=? AND to_type=? "
            "AND to_id=? ORDER BY type_id",
            (self.portal, from_type, from_id, to_type, to_id),
        )
        return [r[0] for r in cur]

    def to_ids_with_type(
        self, from_type: str, from_id: int, to_type: str, type_id: int
    ) -> list[int]:
        """Records reached from one record through one type."""
        cur = self.db.execute(
            "SELECT to_id FROM assoc WHERE portal=? AND from_type=? AND from_id=? AND to_type=? "
            "AND type_id=?",
            (self.portal, from_type, from_id, to_type, type_id),
        )
        return [r[0] for r in cur]

    def count(self, from_type: str, from_id: int, to_type: str, type_id: int) -> int:
        """How many records one record reaches through one type."""
        cur = self.db.execute(
            "SELECT COUNT(*) FROM assoc WHERE portal=? AND from_type=? AND from_id=? "
            "AND to_type=? AND type_id=?",
            (self.portal, from_type, from_id, to_type, type_id),
        )
        return int(cur.fetchone()[0])

    def page(
        self, from_type: str, from_id: int, to_type: str, after: int, limit: int
    ) -> tuple[list[tuple[int, list[int]]], bool]:
        """Up to ``limit`` associated records with to_id > after, and whether more follow."""
        with self._lock:
            ids = [
                r[0]
                for r in self.db.execute(
                    "SELECT DISTINCT to_id FROM assoc WHERE portal=? AND from_type=? AND "
                    "from_id=? AND to_type=? AND to_id>? ORDER BY to_id LIMIT ?",
                    (self.portal, from_type, from_id, to_type, after, limit + 1),
                )
            ]
            more = len(ids) > limit
            ids = ids[:limit]
            if not ids:
                return [], False
            out: list[tuple[int, list[int]]] = []
            for to_id, type_id in self.db.execute(
                "SELECT to_id, type_id FROM assoc WHERE portal=? AND from_type=? AND from_id=? "
                "AND to_type=? AND to_id BETWEEN ? AND ? ORDER BY to_id, type_id",
                (self.portal, from_type, from_id, to_type, ids[0], ids[-1]),
            ):
                if out and out[-1][0] == to_id:
                    out[-1][1].append(type_id)
                else:
                    out.append((to_id, [type_id]))
            return out, more

    def delete_type_rows(self, type_ids: Iterable[int]) -> None:
        """Remove every row of the given types (a deleted label)."""
        for type_id in type_ids:
            self.db.execute(
                "DELETE FROM assoc WHERE portal=? AND type_id=?", (self.portal, type_id)
            )

    def heavy_users(
        self, threshold: int, from_type: str | None = None
    ) -> list[tuple[str, int, str, int, int]]:
        """(from_type, from_id, to_type, type_id, count) for every group of at least threshold:
        one record's associations of one type (of one source object type when given)."""
        where, args = ("AND from_type=? ", (from_type,)) if from_type is not None else ("", ())
        with self._lock:
            cur = self.db.execute(
                "SELECT from_type, from_id, to_type, type_id, COUNT(*) AS n FROM assoc "
                f"WHERE portal=? {where}GROUP BY from_type, from_id, to_type, type_id "
                "HAVING n >= ?",
                (self.portal, *args, threshold),
            )
            return list(cur)

    def pair_usage(
        self, from_type: str, to_type: str, threshold: int
    ) -> list[tuple[int, int, int]]:
        """(from_id, type_id, count) of one direction: every record that reaches at least
        ``threshold`` records through one type, by record ID then type ID. One range of the
        primary key (the source object type), grouped; no row below the threshold comes back."""
        with self._lock:
            cur = self.db.execute(
                "SELECT from_id, type_id, COUNT(*) AS n FROM assoc WHERE portal=? "
                "AND from_type=? AND to_type=? GROUP BY from_id, type_id HAVING n >= ? "
                "ORDER BY from_id, type_id",
                (self.portal, from_type, to_type, threshold),
            )
            return list(cur)

    def row_count(self) -> int:
        """Number of directional rows."""
        with self._lock:
            sql = "SELECT COUNT(*) FROM assoc WHERE portal=?"
            return int(self.db.execute(sql, (self.portal,)).fetchone()[0])

    # -- custom types, limits, records, reports ------------------------------------------------

    def next_type_id(self, count: int) -> int:
        """Reserve ``count`` consecutive type IDs of this portal and return the first."""
        row = self.db.execute(
            "SELECT value FROM meta WHERE portal=? AND key='next_type_id'", (self.portal,)
        ).fetchone()
        first = int(row[0]) if row else FIRST_CUSTOM_TYPE_ID
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, 'next_type_id', ?)",
            (self.portal, first + count),
        )
        return first

    def next_object_id(self, first: int) -> int:
        """Reserve the next CRM object ID of this portal (``first`` when none was given yet)."""
        row = self.db.execute(
            "SELECT value FROM meta WHERE portal=? AND key='next_object_id'", (self.portal,)
        ).fetchone()
        given = int(row[0]) if row else first
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, 'next_object_id', ?)", (self.portal, given + 1)
        )
        return given

    def save_type(self, t: AssociationType) -> None:
        """Create or replace a custom (or synthesised) association type."""
        self.db.execute(
            "INSERT OR REPLACE INTO types VALUES (?,?,?,?,?,?,?,?,?)",
            (self.portal, t.type_id, t.category, t.from_type, t.to_type, t.label, t.inverse_id,
             t.kind, t.name),
        )  # fmt: skip

    def delete_type(self, type_id: int) -> None:
        """Forget a custom type."""
        self.db.execute("DELETE FROM types WHERE portal=? AND type_id=?", (self.portal, type_id))

    def load_types(self) -> list[AssociationType]:
        """Every stored custom or synthesised type."""
        with self._lock:
            cur = self.db.execute("SELECT * FROM types WHERE portal=?", (self.portal,))
            return [AssociationType(*r[1:]) for r in cur]

    def set_limit(self, type_id: int, max_to: int) -> None:
        """Create or change the limit of one type."""
        self.db.execute(
            "INSERT OR REPLACE INTO limits VALUES (?,?,?)", (self.portal, type_id, max_to)
        )

    def delete_limit(self, type_id: int) -> None:
        """Return one type to the system default."""
        self.db.execute("DELETE FROM limits WHERE portal=? AND type_id=?", (self.portal, type_id))

    def load_limits(self) -> dict[int, int]:
        """Every user-enforced limit by type ID."""
        with self._lock:
            sql = "SELECT type_id, max_to FROM limits WHERE portal=?"
            return dict(self.db.execute(sql, (self.portal,)))

    def add_records(self, type_id: str, ids: Iterable[int]) -> None:
        """Declare records that exist (strict-records mode)."""
        portal = self.portal
        self.db.executemany(
            "INSERT OR IGNORE INTO records VALUES (?,?,?)", ((portal, type_id, i) for i in ids)
        )

    def record_exists(self, type_id: str, record_id: int) -> bool:
        """Whether a record was declared."""
        cur = self.db.execute(
            "SELECT 1 FROM records WHERE portal=? AND type=? AND id=?",
            (self.portal, type_id, record_id),
        )
        return cur.fetchone() is not None

    def add_report(self, body: str) -> None:
        """Keep the content of one high-usage report (numbered from 1 in each portal)."""
        self.db.execute(
            "INSERT INTO reports VALUES (?, (SELECT COALESCE(MAX(id), 0) + 1 FROM reports "
            "WHERE portal=?), ?)",
            (self.portal, self.portal, body),
        )

    def reports(self) -> list[str]:
        """Every report's content, oldest first."""
        with self._lock:
            sql = "SELECT body FROM reports WHERE portal=? ORDER BY id"
            return [r[0] for r in self.db.execute(sql, (self.portal,))]

    # -- CRM objects and custom object schemas -----------------------------------------------------

    def save_object(self, row: ObjectRow) -> None:
        """Create or replace one object: (type, id, properties JSON, created ms, updated ms, state,
        archived ms, merged into)."""
        self.db.execute(
            "INSERT OR REPLACE INTO objects VALUES (?,?,?,?,?,?,?,?,?)", (self.portal, *row)
        )

    def delete_object(self, type_id: str, object_id: int) -> None:
        """Forget one object entirely (GDPR delete)."""
        self.db.execute(
            "DELETE FROM objects WHERE portal=? AND type=? AND id=?",
            (self.portal, type_id, object_id),
        )

    def load_object(self, type_id: str, object_id: int) -> ObjectRow | None:
        """One object's row, whatever its state."""
        with self._lock:
            row = self.db.execute(
                "SELECT type, id, properties, created_ms, updated_ms, state, archived_ms, "
                "merged_into FROM objects WHERE portal=? AND type=? AND id=?",
                (self.portal, type_id, object_id),
            ).fetchone()
            return None if row is None else tuple(row)

    def objects_of(self, type_id: str, state: str | None = "live") -> list[ObjectRow]:
        """Every object of one type (of one state when given), by ID."""
        where, args = ("AND state=? ", (state,)) if state is not None else ("", ())
        with self._lock:
            cur = self.db.execute(
                "SELECT type, id, properties, created_ms, updated_ms, state, archived_ms, "
                f"merged_into FROM objects WHERE portal=? AND type=? {where}ORDER BY id",
                (self.portal, type_id, *args),
            )
            return [tuple(r) for r in cur]

    def gone_objects(self) -> list[tuple[str, int]]:
        """(type, id) of every archived or merged object: IDs that no longer exist."""
        with self._lock:
            cur = self.db.execute(
                "SELECT type, id FROM objects WHERE portal=? AND state!='live'", (self.portal,)
            )
            return [(str(t), int(i)) for t, i in cur]

    def associated_from(self, from_type: str, from_id: int) -> list[tuple[str, int, int]]:
        """(to type, to ID, type ID) of every association row from one record, any to type."""
        with self._lock:
            cur = self.db.execute(
                "SELECT to_type, to_id, type_id FROM assoc WHERE portal=? AND from_type=? "
                "AND from_id=? ORDER BY to_type, to_id, type_id",
                (self.portal, from_type, from_id),
            )
            return [(str(t), int(i), int(k)) for t, i, k in cur]

    def save_schema(self, type_id: str, name: str, primary_property: str) -> None:
        """Declare a custom object type of this portal."""
        self.db.execute(
            "INSERT OR REPLACE INTO schemas VALUES (?,?,?,?)",
            (self.portal, type_id, name, primary_property),
        )

    def schemas(self) -> list[tuple[str, str, str]]:
        """(type ID, name, primary display property) of every custom object type declared."""
        with self._lock:
            cur = self.db.execute(
                "SELECT type, name, primary_property FROM schemas WHERE portal=? ORDER BY type",
                (self.portal,),
            )
            return [(str(t), str(n), str(p)) for t, n, p in cur]
