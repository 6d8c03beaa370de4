"""associate, unassociate and remove-label: check the whole file, then send it in windows.

Two passes over the input: the first checks every line and fills an on-disk index (duplicates,
done-before); the second streams what is left to the bulk helpers a window at a time, so
memory stays flat however long the file is. Every input ends in the results file as done,
failed (with HubSpot's reason) or not sent.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .._association_types import types_between
from .._bulk import BulkFailure, BulkResult
from .._exceptions import HubSpotError
from .._object_types import canonical_object_type
from .._sync.client import HubSpotAssociations
from ._client import make_client
from ._exit_codes import EXIT_FAILED, EXIT_NOT_RUN, EXIT_OK, UsageError
from ._input_files import (
    InputSource,
    open_input,
    scan_pairs,
)
from ._job import JobIdentity
from ._output import Output
from ._pair_index import PairIndex, load_checked
from ._results_file import ResultsFile, check_results_path, read_identity, read_states

__all__ = ["default_results_path", "run_bulk"]

# Inputs handed to the bulk helpers at once: large enough that the pause while a window's last
# chunks finish is a small share of it, small enough that its bookkeeping stays a few MB.
WINDOW: Final = 20_000
# Statuses that say nothing about the inputs themselves: the job as a whole could not run.
_JOB_LEVEL: Final = frozenset({None, 401, 403, 429, 500, 502, 503, 504})


@dataclass
class Tally:
    """Counts across windows, and the first failures to show."""

    done: int = 0
    failed: int = 0
    not_sent: int = 0
    requests: int = 0
    input_level_failures: int = 0
    shown: list[BulkFailure[Any]] = field(default_factory=list)
    stopped: HubSpotError | None = None

    def add(self, result: BulkResult[tuple[str, str]], keep: int) -> None:
        """Fold one window's result in."""
        self.done += len(result.succeeded)
        self.requests += result.requests
        for failure in result.failed:
            if failure.sent:
                self.failed += 1
            else:
                self.not_sent += 1
            if failure.status_code not in _JOB_LEVEL:
                self.input_level_failures += 1
            if len(self.shown) < keep:
                self.shown.append(failure)
        self.stopped = self.stopped or result.stopped

    def exit_code(self) -> int:
        """0 all done; 3 nothing could run; 1 some inputs failed."""
        if not self.failed and not self.not_sent:
            return EXIT_OK
        if self.stopped is not None or (self.done == 0 and self.input_level_failures == 0):
            return EXIT_NOT_RUN
        return EXIT_FAILED


def default_results_path(given: str, command: str, from_type: str, to_type: str) -> Path | None:
    """FILE.COMMAND-FROM-TO.results.jsonl beside the input: one per command and pair."""
    if given == "-":
        return None
    path = Path(given)
    return path.with_name(f"{path.name}.{command}-{from_type}-{to_type}.results.jsonl")


def run_bulk(args: argparse.Namespace, out: Output) -> int:
    """Run one bulk command from parsed arguments; returns the exit code."""
    command = args.command
    from_type, to_type = canonical_object_type(args.from_type), canonical_object_type(args.to_type)
    needs_type = command == "remove-label"
    if needs_type and not (args.label or args.type_id is not None or args.primary):
        raise UsageError("remove-label needs --label, --type-id or --primary")
    results_path = args.results or default_results_path(args.file, command, from_type, to_type)
    if results_path is None:
        raise UsageError("reading pairs from stdin (-) needs --results FILE")
    source = open_input(args.file, fmt=args.format)
    index = PairIndex()
    try:
        check_results_path(results_path, None if source.spooled else source.path)
        load_checked(index, scan_pairs(source), source.name)
        return _run(args, out, source, index, results_path, from_type, to_type)
    finally:
        index.close()
        source.close()


def _run(
    args: argparse.Namespace,
    out: Output,
    source: InputSource,
    index: PairIndex,
    results_path: Path,
    from_type: str,
    to_type: str,
) -> int:
    offline = _offline_types(args, from_type, to_type)
    if args.dry_run:
        # A dry run sends no write; a --label is still looked up (one read) so the plan is real.
        if offline is None:
            with make_client(args) as client:
                offline = _looked_up(args, client, from_type, to_type)
        identity = _identity(args, source, from_type, to_type, offline)
        skipped = _resume_state(args, out, index, results_path, identity)
        out.dry_run(args.command, from_type, to_type, index.todo(5), index.rows - skipped, skipped,
                    args.batch_size, identity)  # fmt: skip
        return EXIT_OK
    with make_client(args) as client:
        types = offline if offline is not None else _looked_up(args, client, from_type, to_type)
        identity = _identity(args, source, from_type, to_type, types)
        skipped = _resume_state(args, out, index, results_path, identity)
        writer = ResultsFile(results_path, identity)
        try:
            tally = _send(args, out, client, index, writer, types, skipped)
        finally:
            writer.close()
    out.summary(index.rows, skipped, tally, results_path)
    return tally.exit_code()


def _offline_types(
    args: argparse.Namespace, from_type: str, to_type: str
) -> list[tuple[str, int]] | None:
    """The types named without asking HubSpot ([] for the default), or None for a --label."""
    if args.command == "unassociate":
        return []
    if args.primary:
        primary = [t for t in types_between(from_type, to_type) if t.kind == "primary"]
        if not primary:
            raise UsageError(f"HubSpot defines no primary type from {from_type} to {to_type}")
        return [("HUBSPOT_DEFINED", t.type_id) for t in primary]
    if args.type_id is not None:
        builtin = {t.type_id for t in types_between(from_type, to_type)}
        category = args.category or (
            "HUBSPOT_DEFINED" if args.type_id in builtin else "USER_DEFINED"
        )
        return [(category.upper(), args.type_id)]
    return None if args.label else []


def _looked_up(
    args: argparse.Namespace, client: HubSpotAssociations, from_type: str, to_type: str
) -> list[tuple[str, int]]:
    wanted = args.label.strip().lower()
    for item in client.labels.list(from_type, to_type):
        label = item.label if isinstance(item.label, str) else ""
        if label.lower() == wanted:
            return [(str(item.category), item.type_id)]
    raise UsageError(
        f"no label {args.label!r} from {from_type} to {to_type}; "
        f"`hubspot-associations types {from_type} {to_type}` lists them"
    )


def _identity(
    args: argparse.Namespace,
    source: InputSource,
    from_type: str,
    to_type: str,
    types: list[tuple[str, int]],
) -> JobIdentity:
    return JobIdentity(
        command=args.command,
        from_type=from_type,
        to_type=to_type,
        api_version=args.api_version,
        input_sha256=source.sha256,
        types=tuple(sorted(types)),
        label=args.label if getattr(args, "label", None) else None,
        primary=bool(getattr(args, "primary", False)),
        input_name=source.name,
    )


def _resume_state(
    args: argparse.Namespace,
    out: Output,
    index: PairIndex,
    results_path: Path,
    identity: JobIdentity,
) -> int:
    """Check the results file against this job; return how many inputs it records as done."""
    if not results_path.exists() or results_path.stat().st_size == 0:
        if args.resume:
            out.error(f"note: {results_path} holds no results yet; starting the job from the top")
        return 0
    has_header, earlier = read_identity(results_path)
    if not args.resume:
        if args.dry_run:
            return 0
        what = f"the results of `{earlier.describe()}`" if earlier else "results"
        raise UsageError(
            f"{results_path} already holds {what}. To continue that run, repeat its command with "
            "--resume; to start a new run, give --results NEW_FILE."
        )
    if earlier is None:
        what = "an unreadable job identity" if has_header else "no job identity"
        raise UsageError(
            f"{results_path} has {what} (written before results files carried one, or "
            "not a results file), so --resume cannot tell whether it belongs to this job. Run "
            "again with --results NEW_FILE: associating or removing twice is harmless, so the "
            "new run simply redoes what the old one did."
        )
    differences = identity.differences(earlier)
    if differences:
        raise UsageError(
            f"--resume refused: {results_path} belongs to another job.\n"
            f"  that file: {earlier.describe()}\n  this run:  {identity.describe()}\n"
            f"  differs in: {'; '.join(differences)}\n"
            "Give this run its own --results FILE (or repeat the earlier command to continue it)."
        )
    index.record_states(read_states(results_path))
    return index.done_count()


def _send(
    args: argparse.Namespace,
    out: Output,
    client: HubSpotAssociations,
    index: PairIndex,
    writer: ResultsFile,
    types: list[tuple[str, int]],
    skipped: int,
) -> Tally:
    tally = Tally()
    todo = index.rows - skipped
    call = _bulk_call(args, client, types)
    with out.progress(todo, args.progress, already=skipped) as advance:
        sent_before = 0
        windows = index.todo(WINDOW)
        for rows in windows:
            if tally.stopped is not None:
                writer.not_sent([(r.line, r.from_id, r.to_id) for r in rows], _stop_reason(tally))
                tally.not_sent += len(rows)
                continue
            writer.expect({(r.from_id, r.to_id): r.line for r in rows})
            offset = sent_before

            def step(done: int, _total: int, offset: int = offset) -> None:
                advance(offset + done, todo)

            result = call([(r.from_id, r.to_id) for r in rows], step, writer.record)
            tally.add(result, 10_000 if out.verbose else 10)
            sent_before += len(rows)
    return tally


def _stop_reason(tally: Tally) -> str:
    return f"not sent: the job stopped ({tally.stopped})"


BulkCall = Callable[
    [list[tuple[str, str]], Callable[[int, int], None], Callable[..., None]],
    BulkResult[tuple[str, str]],
]


def _bulk_call(
    args: argparse.Namespace, client: HubSpotAssociations, types: list[tuple[str, int]]
) -> BulkCall:
    """The bulk helper this command maps to (its operationId is in the command's help)."""
    bulk = client.bulk
    options: dict[str, Any] = {"batch_size": args.batch_size, "concurrency": args.concurrency}
    from_type, to_type = args.from_type, args.to_type

    def call(pairs: list[tuple[str, str]], progress: Any, on_chunk: Any) -> Any:
        extra = {**options, "progress": progress, "on_chunk": on_chunk}
        if args.command == "associate" and types:
            return bulk.create(from_type, to_type, pairs, types, **extra)
        if args.command == "associate":
            return bulk.associate_default(from_type, to_type, pairs, **extra)
        if args.command == "unassociate":
            return bulk.remove(from_type, to_type, pairs, **extra)
        return bulk.remove_labels(from_type, to_type, pairs, types, **extra)

    return call
