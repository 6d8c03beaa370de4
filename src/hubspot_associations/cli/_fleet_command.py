"""The bulk commands with ``--broker``, and ``jobs``: a job run by a Celery fleet.

The file is read and checked exactly as for a local run (``run_bulk``: the same input checks,
duplicates and invalid lines set aside, the same job identity and results file); then the inputs
left to do go into the job ledger (Redis) in chunks, the chunks are submitted, and the ledger is
polled for the progress bar. When the job is over, the results file is written from the ledger:
one line per input, in the format and with the accounting of a local run, and the same exit code.

The ledger's job ID is kept in Redis under a key made of the job identity, the portal and the
results file, so that ``--resume --broker`` finds the job this very command started (and says
which), submits its unfinished chunks again (a chunk already queued or running records nothing
twice) and follows it. The key is dropped once the results file holds the job's outcomes: a later
``--resume`` then reads the results file, as a local one does, and sends only what is not done.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._bulk import BulkFailure, BulkResult
from .._exceptions import ClientValidationError
from .._settings import RATE_LIMIT_ENV, ClientSettings
from .._values.ranges import parse_rate
from ._bulk_command import (
    WINDOW,
    Tally,
    _identity,
    _Job,
    _job_types,
    _offline_types,
    _results_for,
    _resume_state,
    run_bulk,
)
from ._client import make_client
from ._exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_NOT_RUN, EXIT_OK, UsageError
from ._fleet import FleetUnreachable, celery_module, check_broker, fleet_addresses, ledger_redis
from ._job import JobIdentity
from ._output import Output
from ._results_file import ResultsFile

if TYPE_CHECKING:
    import redis

__all__ = ["refuse_fleet_options", "run_fleet_bulk", "run_jobs"]

# How often the ledger is read while following a job.
POLL_SECONDS: Final = 0.25
# With no input recorded for this long, a hint that no worker may be running.
IDLE_HINT_SECONDS: Final = 60.0
_OPERATIONS: Final = {"unassociate": "remove", "remove-label": "remove_labels"}
_CANCELLED_REASON: Final = "not sent: the job was cancelled (jobs cancel)"


def refuse_fleet_options(args: argparse.Namespace) -> None:
    """A fleet option without --broker is a mistake to say, not to ignore (exit 2)."""
    given = [option for option, value in (("--redis", args.redis), ("--portal-id", args.portal_id),
             ("--chunk-size", args.chunk_size)) if value is not None]  # fmt: skip
    if given:
        raise UsageError(
            f"{', '.join(given)}: only with --broker URL (a job run on a Celery fleet)"
        )


def run_fleet_bulk(args: argparse.Namespace, out: Output) -> int:
    """``associate``, ``unassociate`` or ``remove-label`` with ``--broker``."""
    try:
        broker, redis_url = fleet_addresses(args.broker, args.redis)
        fleet = celery_module()
        if args.types_from_file:
            raise UsageError(
                "--types-from-file does not run on a fleet yet: a fleet job sends one type (or "
                "the default); run it without --broker, or one file per type with --type-id"
            )
        if args.dry_run:
            # A dry run sends nothing anywhere: the plan is the local one.
            return run_bulk(args, out)
        chunk = args.chunk_size or 10 * args.batch_size
        run = _FleetRun(fleet, broker, redis_url, chunk)
        return run_bulk(args, out, runner=run)
    except FleetUnreachable as error:
        out.error(str(error))
        return EXIT_NOT_RUN


@dataclass
class _FleetRun:
    """Runs one checked job on the fleet (``run_bulk`` hands it the job)."""

    fleet: Any  # the hubspot_associations.celery module (the extra; imported when run)
    broker: str
    redis_url: str
    chunk_size: int

    def __call__(self, job: _Job, out: Output, old_default: Path | None) -> int:
        import redis  # the [celery] extra's: celery_module() found it

        args = job.args
        store = ledger_redis(self.redis_url)
        # Before a job or a results file exists: a job no message reaches would stay `running`.
        check_broker(self.broker)
        types, portal, app_id = _types_and_portal(job)
        identity = _identity(job, types)
        job.results_path = _results_for(job, identity, old_default)
        skipped = _resume_state(job, out, identity)
        ledger = self.fleet.JobLedger(client=store)
        app = self.fleet.make_app(self.broker, redis_url=self.redis_url)
        key = _follow_key(identity, portal, job.results_path)
        writer = ResultsFile(job.results_path, identity)
        try:
            if writer.new:
                writer.set_aside(job.index.duplicates(), iter(job.loaded.invalid or ()))
            todo = job.index.rows - skipped
            job_id = self._job_to_follow(job, out, store, (ledger, app), key, todo)
            status = None
            try:
                if job_id is None and todo:
                    spec = self.fleet.JobSpec(
                        operation=_operation(args.command, types), from_type=job.from_type,
                        to_type=job.to_type, types=tuple(types), api_version=args.api_version,
                        portal_id=portal, app_id=app_id, batch_size=args.batch_size,
                        rate_limit=_rate_limit(args), identity=identity.to_json(),
                    )  # fmt: skip
                    job_id = ledger.create(spec, list(_inputs(job)), chunk_size=self.chunk_size)
                    store.set(key, job_id)
                    self._submit(out, (ledger, app), job_id, todo, portal)
                if job_id is not None:
                    try:
                        status = self._follow(ledger, job_id, out, args.progress)
                    except (redis.ConnectionError, redis.TimeoutError) as exc:
                        self._lost_redis(out, job_id, exc)
                        return EXIT_NOT_RUN
            except KeyboardInterrupt:
                if job_id is None:
                    raise
                self._interrupted(out, job_id)
                return EXIT_INTERRUPTED
            tally = _write_results(job, writer, ledger, job_id, out, self.chunk_size)
            if job_id is not None:
                store.delete(key)
        finally:
            writer.close()
        out.summary(job.index.rows, skipped, tally, job.results_path, job.loaded.to_json(),
                    args.skip_invalid, job_id=job_id)  # fmt: skip
        if status is not None and status.state == "cancelled" and not out.quiet:
            out.error(f"job {job_id} was cancelled: --resume sends what it did not")
        code = tally.exit_code()
        return EXIT_FAILED if code == EXIT_OK and job.loaded.invalid_lines else code

    def _submit(
        self, out: Output, fleet: tuple[Any, Any], job_id: str, todo: int, portal: int
    ) -> None:
        """Send the new job's chunks; a broker that fails meanwhile cancels the job."""
        ledger, app = fleet
        try:
            chunks = ledger.submit(app, job_id)
        except Exception as exc:  # kombu's and its transports' errors
            # Some chunks may have gone: cancelled, they record nothing.
            ledger.cancel(job_id)
            out.error(
                f"the broker at {_no_password(self.broker)} refused the job's messages "
                f"({type(exc).__name__}: {exc}): job {job_id} is cancelled in the ledger; every "
                "input is listed as not sent, and --resume sends them when the broker answers"
            )
            return
        if not out.quiet:
            out.error(
                f"job {job_id}: {todo} input(s) in {chunks} chunk(s) sent to the fleet (portal "
                f"{portal}); Ctrl-C leaves it running there"
            )

    def _job_to_follow(
        self,
        job: _Job,
        out: Output,
        store: redis.Redis,
        fleet: tuple[Any, Any],
        key: str,
        todo: int,
    ) -> str | None:
        """The ledger job this command started before and did not finish writing (--resume),
        submitted again; None for a new job."""
        ledger, app = fleet
        found = store.get(key)
        if found is None:
            return None
        job_id = found.decode() if isinstance(found, bytes) else str(found)
        status = _status(ledger, job_id)
        if status is None:
            out.error(f"note: job {job_id} is no longer in the ledger; starting a new job")
            return None
        if not job.args.resume:
            # _resume_state let it through: the results file is gone, so this is a new run.
            return None
        if status.total != todo:
            raise UsageError(
                f"--resume refused: job {job_id} in the ledger holds {status.total} input(s), "
                f"but {todo} are left in {job.results_path}; give this run its own --results "
                "FILE"
            )
        again = ledger.submit(app, job_id) if status.state == "running" else 0
        if not job.args.quiet:
            out.error(
                f"resuming job {job_id} on the fleet: {status.recorded} of {status.total} "
                f"input(s) recorded, {again} unfinished chunk(s) submitted again"
            )
        return job_id

    def _follow(self, ledger: Any, job_id: str, out: Output, mode: str) -> Any:
        """Poll the ledger until the job is over; its last status."""
        status = ledger.status(job_id)
        last, since, hinted = -1, time.monotonic(), False
        told: str | None = None
        with out.progress(status.total, mode) as advance:
            while True:
                advance(status.recorded, status.total)
                if status.state == "cancelled":
                    # Chunks running at the cancel finish and record what they sent: the
                    # results file is written once they have, or an applied input would be
                    # listed as not sent (and sent again by --resume).
                    return self._settled(ledger, job_id, out)
                if status.state != "running":
                    return status
                problem = getattr(status, "problem", None)
                if problem and problem != told:
                    # Once each: the workers retry the chunks, and would say it every retry.
                    told = problem
                    out.error(f"job {job_id}: the workers cannot send: {problem}")
                if status.recorded != last:
                    last, since = status.recorded, time.monotonic()
                elif not hinted and time.monotonic() - since > IDLE_HINT_SECONDS:
                    hinted = True
                    out.error(self._idle_hint(status))
                time.sleep(POLL_SECONDS)
                status = ledger.status(job_id)

    def _settled(self, ledger: Any, job_id: str, out: Output) -> Any:
        """A cancelled job's status once no chunk of it runs (a lost worker's lease lapses
        within LEASE_SECONDS)."""
        told = False
        deadline = time.monotonic() + celery_module().LEASE_SECONDS + POLL_SECONDS
        while (running := ledger.running(job_id)) and time.monotonic() < deadline:
            if not told:
                told = True
                out.error(
                    f"job {job_id} was cancelled: waiting for the {running} chunk(s) running "
                    "to finish and record what they sent"
                )
            time.sleep(POLL_SECONDS)
        return ledger.status(job_id)

    def _interrupted(self, out: Output, job_id: str) -> None:
        """Ctrl-C while following: the job is the fleet's now; how to follow or stop it."""
        where = self._where()
        out.error(
            f"interrupted: job {job_id} keeps running on the fleet. Follow it with "
            f"`hubspot-associations jobs status {job_id} {where}`, stop it with "
            f"`hubspot-associations jobs cancel {job_id} {where}`; the same command with "
            "--resume follows it again (and submits its unfinished chunks again) and writes the "
            "results file when it is over."
        )

    def _lost_redis(self, out: Output, job_id: str, exc: Exception) -> None:
        """The ledger's Redis stopped answering while following: the job is the fleet's."""
        where = self._where()
        out.error(
            f"the job ledger's Redis at {_no_password(self.redis_url)} stopped answering ({exc}) "
            f"while following job {job_id}; the job keeps running on the fleet (its workers "
            "retry until Redis answers again). Follow it with "
            f"`hubspot-associations jobs status {job_id} {where}`; the same command with "
            "--resume follows it again and writes the results file when it is over."
        )

    def _idle_hint(self, status: Any) -> str:
        if status.waiting:
            return (f"{status.waiting} input(s) wait for the portal's daily limit to reset; "
                    "the job resumes by itself then")  # fmt: skip
        return (
            f"no input recorded for {IDLE_HINT_SECONDS:g} s: is a worker running? "
            f"`hubspot-associations worker {self._where()}`. Chunks a lost worker held come "
            f"back to the others after the broker's visibility timeout ({_visibility()} s)"
        )

    def _where(self) -> str:
        where = f"--broker {_no_password(self.broker)}"
        if self.redis_url != self.broker:
            where += f" --redis {_no_password(self.redis_url)}"
        return where


def _types_and_portal(job: _Job) -> tuple[list[tuple[str, int]], int, int | None]:
    """The types the job sends, its portal and app. The local token is asked only what the
    fleet cannot know: a label's type ID, and the portal (token introspection) unless
    --portal-id names it."""
    args = job.args
    offline = _offline_types(args, job.from_type, job.to_type)
    if offline is not None and args.portal_id is not None:
        return offline, args.portal_id, None
    with make_client(args) as client:
        types = _job_types(job, client, offline)
        if args.portal_id is not None:
            return types, args.portal_id, None
        info = client.token_info()
        return types, info.portal_id, info.app_id


def _status(ledger: Any, job_id: str) -> Any:
    """The job's status, or None when the ledger no longer has it."""
    try:
        return ledger.status(job_id)
    except ClientValidationError:  # the ledger's "no job …"
        return None


def _operation(command: str, types: list[tuple[str, int]]) -> str:
    if command == "associate":
        return "create" if types else "associate_default"
    return _OPERATIONS[command]


def _rate_limit(args: argparse.Namespace) -> tuple[int, float] | None:
    """The job's rate limit: --rate-limit, else $HUBSPOT_ASSOCIATIONS_RATE_LIMIT here, else None
    (the workers' tier default)."""
    if args.rate_limit is not ClientSettings.DEFAULT_RATE_LIMIT:
        return (int(args.rate_limit[0]), float(args.rate_limit[1]))
    text = os.environ.get(RATE_LIMIT_ENV, "").strip()
    return parse_rate(text, source=RATE_LIMIT_ENV) if text else None


def _inputs(job: _Job) -> Iterator[tuple[str, str]]:
    """The inputs left to do, in file order: input number N of the ledger is the Nth."""
    for rows in job.index.todo(WINDOW):
        for row in rows:
            yield row.from_id, row.to_id


def _follow_key(identity: JobIdentity, portal: int, results: Path) -> str:
    """Where the ledger job of this identity, portal and results file is named."""
    text = json.dumps([identity.to_json(), portal, str(results.resolve())], sort_keys=True)
    return f"hubspot-associations:cli:follow:{hashlib.sha256(text.encode()).hexdigest()}"


def _write_results(
    job: _Job, writer: ResultsFile, ledger: Any, job_id: str | None, out: Output, chunk: int
) -> Tally:
    """One results line per input from the ledger's outcomes, as a local run writes them; an
    input with no outcome (a cancelled job) is listed as not sent, so --resume sends it."""
    outcomes: dict[int, Any] = {} if job_id is None else ledger.outcomes(job_id)
    if job_id is not None:
        chunk = int(ledger.meta(job_id)["chunk_size"])
    tally = Tally()
    keep = 10_000 if out.verbose else 10
    batch = max(1, job.args.batch_size)
    number = 0
    per_chunk: dict[int, int] = {}
    for rows in job.index.todo(WINDOW):
        writer.expect({(r.from_id, r.to_id): r.line for r in rows})
        result: BulkResult[tuple[str, str]] = BulkResult()
        for row in rows:
            pair = (row.from_id, row.to_id)
            outcome = outcomes.get(number)
            if outcome is None:
                result.failed.append(BulkFailure(pair, _CANCELLED_REASON, sent=False))
            else:
                per_chunk[number // chunk] = per_chunk.get(number // chunk, 0) + 1
                if outcome.status == "done":
                    result.succeeded.append(pair)
                else:
                    reason = outcome.reason or "failed"
                    failure = BulkFailure(pair, reason, outcome.category, outcome.http_status)
                    result.failed.append(failure)
            number += 1
        writer.record(result.succeeded, result.failed)
        tally.add(result, keep)
    # The batch requests the chunks make (retries not counted): what a local run reports.
    tally.requests = sum(-(-count // batch) for count in per_chunk.values())
    return tally


def _visibility() -> str:
    """The package's visibility timeout, in seconds, as a message shows it."""
    from ..celery import VISIBILITY_TIMEOUT

    return f"{VISIBILITY_TIMEOUT:g}"


def _no_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return url.replace(f":{parts.password}@", ":***@", 1) if parts.password else url


def run_jobs(args: argparse.Namespace, out: Output) -> int:
    """``jobs list|status ID|cancel ID``: the ledger's jobs, as a table or JSON."""
    try:
        _, redis_url = fleet_addresses(args.broker, args.redis)
        fleet = celery_module()
        ledger = fleet.JobLedger(client=ledger_redis(redis_url, sending=False))
    except FleetUnreachable as error:
        out.error(str(error))
        return EXIT_NOT_RUN
    if args.action == "list":
        rows = [_row(status) for status in ledger.jobs()]
        rows.sort(key=lambda row: str(row["created"]), reverse=True)
        out.table(list(_COLUMNS), rows, title="Jobs in the ledger")
        return EXIT_OK
    status = _status(ledger, args.job_id)
    if status is None:
        raise UsageError(f"no job {args.job_id!r} in the ledger; `jobs list` shows the jobs")
    if args.action == "cancel":
        if status.state == "running":
            ledger.cancel(args.job_id)
            status = ledger.status(args.job_id)
            said = (f"job {args.job_id} cancelled: chunks not started record nothing; running "
                    "ones finish the chunk they are on and record what they sent")  # fmt: skip
        else:
            said = f"job {args.job_id} is {status.state} already: nothing to cancel"
        if not out.json_mode:
            out.message(said)
    if out.json_mode or not out.quiet:
        out.record(_row(status))
    return EXIT_OK


_COLUMNS: Final = ("job", "state", "portal", "app", "total", "done", "failed", "waiting",
                   "created", "kept until")  # fmt: skip


def _row(status: Any) -> dict[str, object]:
    created = datetime.fromtimestamp(status.created_at, UTC).isoformat(timespec="seconds")
    # Finished and cancelled jobs leave the ledger 30 days after they ended; running ones stay.
    expires = getattr(status, "expires_at", None)
    kept = (
        None if expires is None else datetime.fromtimestamp(expires, UTC).isoformat("T", "seconds")
    )
    return {
        "job": status.job_id,
        "state": status.state,
        "portal": status.portal_id,
        "app": status.app_id,
        "total": status.total,
        "done": status.done,
        "failed": status.failed,
        "waiting": status.waiting,
        "created": created,
        "kept until": kept,
        "problem": getattr(status, "problem", None),
    }
