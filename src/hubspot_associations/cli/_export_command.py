"""export: the associations of many records, each record written once its last page arrives.

Nothing holds the whole export: records are read a batch (1,000 records) at a time and each
record's pages followed to the end. A record's rows wait for its last page (a record has a few
pages at most), so every record in the file is whole: the counts say what the file holds, and
``--resume`` can trust every record but the last (a kill may have cut its write short).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
from .._sync.client import HubSpotAssociations
from .._values.object_types import normalize_object_type
from ._client import make_client
from ._columns import Roles
from ._exit_codes import EXIT_FAILED, EXIT_NOT_RUN, EXIT_OK, UsageError
from ._export_file import COLUMNS, EarlierExport, Kept
from ._input_files import open_input
from ._output import Output, required_scopes
from ._pair_index import PairIndex, load_checked
from ._scan import Scan

__all__ = ["run_export"]

BATCH: Final = 1_000  # HubSpot's batch/read maximum
PAGE_MAX: Final = BATCH_READ_PAGE_SIZE  # associations per record in one batch/read answer
ITEMS_PER_READ: Final = 10_000
FIRST_READ: Final = ITEMS_PER_READ // PAGE_MAX  # busy records cannot overfill the first answer
MIN_READ: Final = 10
SHOWN_FAILURES: Final = 1_000
# Errors after which every later request would fail the same way.
_STOPS: Final = (AuthenticationError, PermissionDeniedError, APIConnectionError)


class _Rows:
    """Writes each record's rows as CSV or JSONL, all at once when its last page has arrived."""

    def __init__(self, handle: IO[str], jsonl: bool, *, header: bool = True) -> None:
        self.handle = handle
        self.jsonl = jsonl
        self.count = 0  # associations written
        self.records = 0  # records with rows written
        self.empty = 0  # records read to the end that had no association
        self.received = 0  # associations received, written or waiting
        self._text = io.StringIO()
        self._csv = None if jsonl else csv.writer(self._text, lineterminator="\n")
        # Record -> its rows so far and their associations, until its last page arrives.
        self._waiting: dict[str, tuple[list[str], int]] = {}
        if self._csv is not None and header:
            self.handle.write(",".join(COLUMNS) + "\n")

    def add(self, record: str, items: list[Any], *, last: bool) -> bool:
        """One page of a record's associations; returns whether the record was written."""
        parts, count = self._waiting.pop(record, ([], 0))
        parts.append(self._format(record, items))
        count += len(items)
        self.received += len(items)
        if not last:
            self._waiting[record] = (parts, count)
            return False
        if count:
            # One write per record: a kill leaves at most the last record cut short.
            self.handle.write("".join(parts))
            self.records += 1
            self.count += count
        else:
            self.empty += 1
        return True

    def drop_waiting(self) -> None:
        """Forget the pages of records whose reading failed: they are not written at all."""
        self._waiting.clear()

    def _format(self, record: str, items: list[Any]) -> str:
        self._text.seek(0)
        self._text.truncate()
        for item in items:
            types = [
                {"typeId": t.type_id, "category": str(t.category),
                 "label": t.label if isinstance(t.label, str) else None}
                for t in item.association_types
            ]  # fmt: skip
            to_id = str(item.to_object_id)
            if self._csv is None:
                line = {"from": record, "to": to_id, "types": types}
                self._text.write(json.dumps(line, ensure_ascii=False) + "\n")
                continue
            for kind in types or [{"typeId": "", "category": "", "label": None}]:
                self._csv.writerow((record, to_id, kind["typeId"], kind["category"],
                                    "" if kind["label"] is None else kind["label"]))  # fmt: skip
        return self._text.getvalue()


def run_export(args: argparse.Namespace, out: Output) -> int:
    """Read every record's associations and write them out; returns the exit code."""
    to_stdout = args.out in (None, "-")
    if args.resume and to_stdout:
        raise UsageError(
            "--resume continues the file an earlier export wrote: give it as --out FILE "
            "(stdout cannot be continued)"
        )
    from_type, to_type = normalize_object_type(args.from_type), normalize_object_type(args.to_type)
    source = open_input(args.ids_file, fmt="csv")
    if not to_stdout and not source.spooled and _same_file(args.out, source.path):
        source.close()
        raise UsageError(f"--out {args.out}: is the input file itself; the export would destroy it")
    index = PairIndex()
    loaded = None
    try:
        scan = Scan(source, Roles(from_type, to_type, args.from_column), delimiter=args.delimiter,
                    ids_only=True)  # fmt: skip
        loaded = load_checked(index, scan, strict=args.strict, ids=True)
        jsonl = args.json or (not to_stdout and args.out.lower().endswith((".jsonl", ".ndjson")))
        kept = Kept()
        if args.resume:
            earlier = EarlierExport(args.out, jsonl=jsonl)
            # The records already whole in the file count as done: todo() leaves them out.
            index.record_states((record, "0", 0, True) for record in earlier.records())
            kept = earlier.kept
        skipped = index.done_count()
        with make_client(args) as client, _output(args.out, kept, args.resume) as handle:
            rows = _Rows(handle, jsonl, header=not kept.header)
            failures = _read_all(client, from_type, to_type, index, rows, out)
    finally:
        if loaded is not None:
            loaded.close()
        index.close()
        source.close()
    todo = index.rows - skipped
    out.export_summary(
        {
            "inputs": index.rows,
            "records_written": kept.records + rows.records,
            "associations_written": kept.associations + rows.count,
            "records_failed": failures.count,
            "records_without_associations": rows.empty,
            "records_already_in_file": kept.records,
            "associations_already_in_file": kept.associations,
            "out_file": None if to_stdout else args.out,
            "resume_command": _resume_command(args) if failures.count and not to_stdout else None,
            "stopped_by": None if failures.stopped is None else str(failures.stopped),
            "required_scopes": required_scopes(failures.stopped),
            **loaded.to_json(),
            "failed_records": [{"id": record, "reason": why} for record, why in failures.shown],
        },
        to_stdout=to_stdout,
    )
    if not failures.count:
        return EXIT_OK
    return EXIT_NOT_RUN if failures.stopped or failures.count == todo else EXIT_FAILED


def _resume_command(args: argparse.Namespace) -> str:
    """The command that completes this export: the reading options kept, --resume added."""
    words = ["hubspot-associations", "export", args.ids_file, "--from", args.from_type,
             "--to", args.to_type, "--out", args.out]  # fmt: skip
    for option, value in (("--id-column", args.from_column), ("--delimiter", args.delimiter),
                          ("--base-url", args.base_url)):  # fmt: skip
        if value is not None:
            words += [option, value]
    if args.api_version != "v4":
        words += ["--api-version", args.api_version]
    if args.json:
        words.append("--json")
    return shlex.join([*words, "--resume"])


def _same_file(given: str, source: Path) -> bool:
    try:
        return os.path.samefile(given, source)
    except OSError:
        return False


@contextmanager
def _output(given: str | None, kept: Kept, resume: bool) -> Iterator[IO[str]]:
    if given in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        if resume and os.path.exists(given):
            # Cut what is read again (the last record, a cut line), then append after the rest.
            with open(given, "r+b") as existing:
                existing.truncate(kept.offset)
            handle = open(given, "a", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        else:
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
    """Read every record in adaptive chunks, writing each record once its last page is in."""
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
            before = rows.received
            error, split = _read_chunk(client, from_type, to_type, chunk, rows, failures)
            sizer.seen(len(chunk), rows.received - before)
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
    """Write each record of a chunk once its last page is in; on an error, fail the records not
    written (their pages so far are dropped: a record is in the file whole or not at all).

    Returns the error, if any, and whether to split the chunk and read its halves again.
    """
    unfinished = set(chunk)
    written = False
    try:
        for result in client.batch.iter_read(from_type, to_type, chunk):
            record = result.from_.id
            if rows.add(record, list(result.to), last=_last_page(result)):
                unfinished.discard(record)
                written = True
    except HubSpotError as error:
        rows.drop_waiting()
        if isinstance(error, BadRequestError) and len(chunk) > 1 and not written:
            return error, True
        failures.add([record for record in chunk if record in unfinished], str(error))
        return error, False
    # A record the answers left out has nothing to write (HubSpot lists it under errors).
    rows.empty += len(unfinished)
    return None, False


def _last_page(result: Any) -> bool:
    paging = getattr(result, "paging", None)
    following = getattr(paging, "next_", None) if paging is not None else None
    return following is None or not getattr(following, "after", None)
