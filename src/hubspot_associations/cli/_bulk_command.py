"""associate, unassociate and remove-label: check the whole file, then send it in windows.

Two passes over the input: the first checks every line and fills an on-disk index (duplicates,
done-before); the second streams what is left to the bulk helpers a window at a time, so
memory stays flat however long the file is. Every input ends in the results file as done,
failed (with HubSpot's reason) or not sent.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .._association_types import types_between
from .._bulk import BulkFailure, BulkResult
from .._exceptions import HubSpotError
from .._sync.client import HubSpotAssociations
from .._values.object_types import canonical_object_type
from ._client import make_client
from ._columns import Roles
from ._exit_codes import EXIT_FAILED, EXIT_NOT_RUN, EXIT_OK, UsageError
from ._input_files import InputSource, open_input
from ._job import JobIdentity
from ._output import Output
from ._pair_index import Loaded, PairIndex, load_checked
from ._results_file import ResultsFile, check_results_path, read_identity, read_states
from ._scan import Scan

__all__ = ["check_skip_path", "default_results_path", "job_suffix", "run_bulk"]

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


def default_results_path(
    given: str, command: str, from_type: str, to_type: str, job: str = ""
) -> Path | None:
    """FILE.COMMAND-FROM-TO[-JOB].results.jsonl beside the input: one per distinct job.

    ``job`` names what else makes the job distinct (see ``job_suffix``); without it this is the
    name every job had before 0.3, which ``--resume`` still finds.
    """
    if given == "-":
        return None
    path = Path(given)
    return path.with_name(f"{path.name}.{command}-{from_type}-{to_type}{job}.results.jsonl")


def job_suffix(args: argparse.Namespace) -> str:
    """What sets this job apart from the plain one on the same file, for its results file name."""
    parts = []
    if getattr(args, "primary", False):
        parts.append("primary")
    elif getattr(args, "label", None):
        slug = re.sub(r"[^a-z0-9]+", "-", args.label.strip().lower()).strip("-")[:40]
        # Labels that differ only in punctuation would share a slug: the hash keeps them apart.
        exact = slug == args.label.strip().lower()
        parts.append(f"label-{slug}" if exact else f"label-{slug}-{_short_hash(args.label)}")
    elif getattr(args, "type_id", None) is not None:
        category = f"-{args.category.lower()}" if args.category else ""
        parts.append(f"type-{args.type_id}{category}")
    elif getattr(args, "types_from_file", False):
        parts.append("file-types")
    reading = (args.from_column, args.to_column, args.delimiter)
    if reading != (None, None, None):
        parts.append(f"read-{_short_hash(json.dumps(reading))}")
    if args.strict:
        parts.append("strict")
    if args.skip_invalid is not None:
        parts.append("skip-invalid")
    return "".join(f"-{part}" for part in parts)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


# What runs a checked job: here (_run), or on a Celery fleet (_fleet_command.run_on_fleet).
JobRunner = Callable[["_Job", Output, "Path | None"], int]


def run_bulk(args: argparse.Namespace, out: Output, runner: JobRunner | None = None) -> int:
    """Run one bulk command from parsed arguments; returns the exit code."""
    command = args.command
    from_type, to_type = canonical_object_type(args.from_type), canonical_object_type(args.to_type)
    needs_type = command == "remove-label"
    if needs_type and not (args.label or args.type_id is not None or args.primary
                           or args.types_from_file):  # fmt: skip
        raise UsageError("remove-label needs --label, --type-id, --primary or --types-from-file")
    default = default_results_path(args.file, command, from_type, to_type, job_suffix(args))
    results_path = args.results or default
    if results_path is None:
        raise UsageError("reading pairs from stdin (-) needs --results FILE")
    # 0.2 named every job's results FILE.COMMAND-FROM-TO.results.jsonl: --resume looks there too.
    old_default = None if args.results else default_results_path(args.file, command, from_type,
                                                                 to_type)  # fmt: skip
    source = open_input(args.file, fmt=args.format)
    index = PairIndex()
    loaded = None
    try:
        check_results_path(results_path, None if source.spooled else source.path)
        if args.skip_invalid is not None:
            check_skip_path(args.skip_invalid, source, results_path)
        roles = Roles(from_type, to_type, args.from_column, args.to_column,
                      with_types=args.types_from_file)  # fmt: skip
        scan = Scan(source, roles, delimiter=args.delimiter)
        loaded = load_checked(index, scan, strict=args.strict, skip_invalid=args.skip_invalid)
        job = _Job(args, source, index, loaded, results_path, from_type, to_type)
        return (runner or _run)(job, out, old_default if old_default != results_path else None)
    finally:
        if loaded is not None:
            loaded.close()
        index.close()
        source.close()


@dataclass
class _Job:
    """One bulk run: its arguments, its checked input and where its results go."""

    args: argparse.Namespace
    source: InputSource
    index: PairIndex
    loaded: Loaded
    results_path: Path
    from_type: str
    to_type: str
    # Type number in the index -> the (category, typeId) sent; 0 is the job's own types.
    resolved: dict[int, tuple[str, int]] = field(default_factory=dict)


def check_skip_path(path: Path, source: InputSource, results_path: Path) -> None:
    """Refuse a --skip-invalid path that is the input, the results file or no regular file."""
    others = ((None if source.spooled else source.path, "the input file"),
              (results_path, "the results file"))  # fmt: skip
    for other, what in others:
        if other is not None and _same_path(path, other):
            raise UsageError(f"--skip-invalid {path}: is {what}; give a file of its own")
    if path.exists() and not path.is_file():
        raise UsageError(f"--skip-invalid {path}: is not a regular file; give a file path")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--skip-invalid {path}: the folder {parent} does not exist")


def _same_path(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _run(job: _Job, out: Output, old_default: Path | None) -> int:
    args = job.args
    offline = _offline_types(args, job.from_type, job.to_type)
    if args.dry_run:
        # A dry run sends no write; a --label is still looked up (one read) so the plan is real.
        with contextlib.ExitStack() as stack:
            client = None
            labels_named = any(spec[2] is not None for spec in job.index.specs)
            if offline is None and (labels_named or not args.types_from_file):
                client = stack.enter_context(make_client(args))
            types = _job_types(job, client, offline)
        identity = _identity(job, types)
        job.results_path = _results_for(job, identity, old_default)
        skipped = _resume_state(job, out, identity)
        out.dry_run(args.command, job.from_type, job.to_type, job.index.todo(5),
                    job.index.rows - skipped, skipped, args.batch_size, identity,
                    job.loaded.to_json())  # fmt: skip
        return EXIT_OK
    with make_client(args) as client:
        types = _job_types(job, client, offline)
        identity = _identity(job, types)
        job.results_path = _results_for(job, identity, old_default)
        skipped = _resume_state(job, out, identity)
        writer = ResultsFile(job.results_path, identity)
        try:
            if writer.new:
                writer.set_aside(job.index.duplicates(), iter(job.loaded.invalid or ()))
            tally = _send(job, out, client, writer, types, skipped)
        finally:
            writer.close()
    out.summary(job.index.rows, skipped, tally, job.results_path, job.loaded.to_json(),
                args.skip_invalid)  # fmt: skip
    code = tally.exit_code()
    # Lines set aside by --skip-invalid were not done: the run as a whole is not a success.
    return EXIT_FAILED if code == EXIT_OK and job.loaded.invalid_lines else code


def _results_for(job: _Job, identity: JobIdentity, old_default: Path | None) -> Path:
    """The results file: the given or default one, or under --resume the 0.2 default name when
    only that one exists and holds this very job."""
    path = job.results_path
    if not job.args.resume or old_default is None or path.exists() or not old_default.exists():
        return path
    _, earlier = read_identity(old_default)
    if earlier is not None and not identity.differences(earlier):
        return old_default
    return path


def _job_types(
    job: _Job, client: HubSpotAssociations | None, offline: list[tuple[str, int]] | None
) -> list[tuple[str, int]]:
    """The types the job sends (every distinct one, when read from the file)."""
    if offline is not None:
        return offline
    if job.args.types_from_file:
        job.resolved = _resolved_specs(job, client)
        return sorted(set(job.resolved.values()))
    assert client is not None
    return _looked_up(job.args, client, job.from_type, job.to_type)


def _resolved_specs(job: _Job, client: HubSpotAssociations | None) -> dict[int, tuple[str, int]]:
    """Each type the file names, as this portal knows it: custom labels are looked up by name."""
    wanted = {number: spec for spec, number in job.index.specs.items()}
    by_label: dict[str, tuple[str, int]] | None = None
    resolved: dict[int, tuple[str, int]] = {}
    missing: list[str] = []
    for number in job.index.spec_numbers():
        category, type_id, label = wanted[number]
        if label is None:
            assert type_id is not None
            resolved[number] = (category, type_id)
            continue
        if by_label is None:
            assert client is not None  # a client is made whenever the file names a label
            by_label = {}
            for item in client.labels.list(job.from_type, job.to_type):
                if isinstance(item.label, str):
                    by_label.setdefault(item.label.strip().lower(), (str(item.category),
                                                                     item.type_id))  # fmt: skip
        found = by_label.get(label.lower())
        if found is None:
            missing.append(label)
        else:
            resolved[number] = found
    if missing:
        shown = ", ".join(repr(m) for m in sorted(missing)[:10])
        raise UsageError(
            f"{job.source.name}: {len(missing)} label(s) the file names do not exist from "
            f"{job.from_type} to {job.to_type} in this portal: {shown}. Custom labels are "
            "matched by their text (the label HubSpot lists, not the internal name); create "
            "each first, e.g. `hubspot-associations labels create "
            f"{job.from_type} {job.to_type} --name NAME --label {missing[0]!r}`. Nothing was sent."
        )
    return resolved


def _offline_types(
    args: argparse.Namespace, from_type: str, to_type: str
) -> list[tuple[str, int]] | None:
    """The types named without asking HubSpot ([] for the default), or None when the portal
    must be asked (a --label, or the labels --types-from-file names)."""
    if args.command == "unassociate":
        return []
    if args.types_from_file:
        return None
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


def _identity(job: _Job, types: list[tuple[str, int]]) -> JobIdentity:
    args = job.args
    return JobIdentity(
        command=args.command,
        from_type=job.from_type,
        to_type=job.to_type,
        api_version=args.api_version,
        input_sha256=job.source.sha256,
        types=tuple(sorted(types)),
        label=args.label if getattr(args, "label", None) else None,
        primary=bool(getattr(args, "primary", False)),
        input_name=job.source.name,
        from_column=args.from_column,
        to_column=args.to_column,
        delimiter=args.delimiter,
        strict=args.strict,
        skip_invalid=args.skip_invalid is not None,
        types_from_file=bool(getattr(args, "types_from_file", False)),
    )


def _resume_state(job: _Job, out: Output, identity: JobIdentity) -> int:
    """Check the results file against this job; return how many inputs it records as done."""
    args = job.args
    results_path = job.results_path
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
    numbers = {kind: number for number, kind in job.resolved.items()}
    job.index.record_states(
        (f, t, 0 if kind is None else numbers.get(kind, -1), done)
        for f, t, kind, done in read_states(results_path)
    )
    return job.index.done_count()


def _send(
    job: _Job,
    out: Output,
    client: HubSpotAssociations,
    writer: ResultsFile,
    types: list[tuple[str, int]],
    skipped: int,
) -> Tally:
    tally = Tally()
    index = job.index
    todo = index.rows - skipped
    # One pass per type the file names (--types-from-file), else one pass with the job's types.
    passes = [(n, [job.resolved[n]]) for n in index.spec_numbers()] if job.resolved else [
        (None, types)]  # fmt: skip
    with out.progress(todo, job.args.progress, already=skipped) as advance:
        sent_before = 0
        for number, kinds in passes:
            call = _bulk_call(job.args, client, kinds)
            kind = kinds[0] if number is not None else None
            for rows in index.todo(WINDOW, number):
                writer.expect({(r.from_id, r.to_id): r.line for r in rows}, kind)
                if tally.stopped is not None:
                    writer.not_sent([(r.line, r.from_id, r.to_id) for r in rows],
                                    _stop_reason(tally))  # fmt: skip
                    tally.not_sent += len(rows)
                    continue
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
