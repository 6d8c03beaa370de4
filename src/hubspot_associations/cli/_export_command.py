"""export: the associations of many records, written as each page arrives.

Nothing holds the whole export: records are read a batch (1,000 records) at a time, each
record's pages followed to the end, and every row written out before the next page is asked for.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from .._exceptions import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    HubSpotError,
    PermissionDeniedError,
)
from .._numbers import BATCH_READ_PAGE_SIZE
from .._object_types import normalize_object_type
from .._sync.client import HubSpotAssociations
from ._client import make_client
from ._columns import Roles
from ._exit_codes import EXIT_FAILED, EXIT_NOT_RUN, EXIT_OK, UsageError
from ._input_files import open_input
from ._output import Output
from ._pair_index import PairIndex, load_checked
from ._scan import Scan

__all__ = ["run_export"]

BATCH: Final = 1_000  # HubSpot's batch/read maximum
PAGE_MAX: Final = BATCH_READ_PAGE_SIZE  # associations per record in one batch/read answer
ITEMS_PER_READ: Final = 10_000
FIRST_READ: Final = ITEMS_PER_READ // PAGE_MAX  # busy records cannot overfill the first answer
MIN_READ: Final = 10
SHOWN_FAILURES: Final = 1_000
# One row per association type: `associate --types-from-file` reads these columns back.
COLUMNS: Final = ("from_id", "to_id", "type_id", "category", "label")
# Errors after which every later request would fail the same way.
_STOPS: Final = (AuthenticationError, PermissionDeniedError, APIConnectionError)


class _Rows:
    """Writes rows as CSV or JSONL to a file or stdout."""

    def __init__(self, handle: IO[str], jsonl: bool) -> None:
        self.handle = handle
        self.jsonl = jsonl
        self.count = 0
        self._csv = None if jsonl else csv.writer(handle, lineterminator="\n")
        if self._csv is not None:
            self._csv.writerow(COLUMNS)

    def write(self, record: str, items: list[Any]) -> None:
        for item in items:
            types = [
                {"typeId": t.type_id, "category": str(t.category),
                 "label": t.label if isinstance(t.label, str) else None}
                for t in item.association_types
            ]  # fmt: skip
            to_id = str(item.to_object_id)
            if self._csv is None:
                line = {"from": record, "to": to_id, "types": types}
                self.handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                continue
            for kind in types or [{"typeId": "", "category": "", "label": None}]:
                self._csv.writerow((record, to_id, kind["typeId"], kind["category"],
                                    "" if kind["label"] is None else kind["label"]))  # fmt: skip
        self.count += len(items)


def run_export(args: argparse.Namespace, out: Output) -> int:
    """Read every record's associations and write them out; returns the exit code."""
    from_type, to_type = normalize_object_type(args.from_type), normalize_object_type(args.to_type)
    source = open_input(args.ids_file, fmt="csv")
    if args.out not in (None, "-") and not source.spooled and _same_file(args.out, source.path):
        source.close()
        raise UsageError(f"--out {args.out}: is the input file itself; the export would destroy it")
    index = PairIndex()
    loaded = None
    try:
        scan = Scan(source, Roles(from_type, to_type, args.from_column), delimiter=args.delimiter,
                    ids_only=True)  # fmt: skip
        loaded = load_checked(index, scan, strict=args.strict, ids=True)
        jsonl = args.json or (
            args.out not in (None, "-") and args.out.lower().endswith((".jsonl", ".ndjson"))
        )
        with make_client(args) as client, _output(args.out) as handle:
            rows = _Rows(handle, jsonl)
            failures = _read_all(client, from_type, to_type, index, rows, out)
    finally:
        if loaded is not None:
            loaded.close()
        index.close()
        source.close()
    out.export_summary(rows.count, index.rows, failures.count, failures.shown, args.out,
                       loaded.to_json())  # fmt: skip
    if not failures.count:
        return EXIT_OK
    everything = failures.count == index.rows
    return EXIT_NOT_RUN if failures.stopped or everything else EXIT_FAILED


def _same_file(given: str, source: Path) -> bool:
    try:
        return os.path.samefile(given, source)
    except OSError:
        return False


@contextlib.contextmanager
def _output(given: str | None) -> Iterator[IO[str]]:
    if given in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        handle = open(given, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageError(f"--out {given}: cannot be written ({exc.strerror})") from None
    with handle:
        yield handle


class _Sizer:
    """How many records to ask for at once, so that one answer stays about ITEMS_PER_READ items.

    One batch/read answers up to 500 associations per record: 1,000 busy records would be half a
    million items in one answer. The size adapts to the associations seen per record so far.
    """

    def __init__(self) -> None:
        self.records = 0
        self.items = 0

    def seen(self, records: int, items: int) -> None:
        """Count one answer's records and the associations they had."""
        self.records += records
        self.items += items

    def size(self) -> int:
        """Records to ask for next."""
        if not self.records:
            return FIRST_READ
        per_record = min(PAGE_MAX, max(1.0, self.items / self.records))
        return max(MIN_READ, min(BATCH, int(ITEMS_PER_READ / per_record)))


@dataclass
class _Failures:
    """Records not read: how many, the first few with the reason, and what stopped the job."""

    count: int = 0
    shown: list[tuple[str, str]] = field(default_factory=list)
    stopped: HubSpotError | None = None

    def add(self, records: list[str], reason: str) -> None:
        self.count += len(records)
        room = SHOWN_FAILURES - len(self.shown)
        self.shown.extend((record, reason) for record in records[: max(0, room)])


def _read_all(
    client: HubSpotAssociations,
    from_type: str,
    to_type: str,
    index: PairIndex,
    rows: _Rows,
    out: Output,
) -> _Failures:
    """Read every record in adaptive chunks, writing rows as they arrive."""
    failures = _Failures()
    sizer = _Sizer()
    cap = BATCH
    for batch in index.todo(BATCH):
        pending = [row.from_id for row in batch]
        while pending:
            if failures.stopped is not None:
                failures.add(pending, f"not read: the export stopped ({failures.stopped})")
                break
            size = min(sizer.size(), cap)
            chunk, pending = pending[:size], pending[size:]
            before = rows.count
            error, split = _read_chunk(client, from_type, to_type, chunk, rows, failures)
            sizer.seen(len(chunk), rows.count - before)
            if split:
                # One bad ID refuses the whole batch (400): halve it until the bad IDs stand alone.
                cap = max(1, len(chunk) // 2)
                pending = [*chunk, *pending]
                continue
            cap = min(BATCH, cap * 2)
            if isinstance(error, _STOPS):
                failures.stopped = error
        out.progress_note(rows.count)
    return failures


def _read_chunk(
    client: HubSpotAssociations,
    from_type: str,
    to_type: str,
    chunk: list[str],
    rows: _Rows,
    failures: _Failures,
) -> tuple[HubSpotError | None, bool]:
    """Write a chunk's rows as they arrive; on an error, fail the records not read to the end.

    Returns the error, if any, and whether to split the chunk and read its halves again.
    """
    unfinished = set(chunk)
    written = False
    try:
        for result in client.batch.iter_read(from_type, to_type, chunk):
            record = result.from_.id
            rows.write(record, list(result.to))
            written = True
            if _last_page(result):
                unfinished.discard(record)
        return None, False
    except HubSpotError as error:
        if isinstance(error, BadRequestError) and len(chunk) > 1 and not written:
            return error, True
        failures.add([record for record in chunk if record in unfinished], str(error))
        return error, False


def _last_page(result: Any) -> bool:
    paging = getattr(result, "paging", None)
    following = getattr(paging, "next_", None) if paging is not None else None
    return following is None or not getattr(following, "after", None)
