"""What the command prints: tables on a terminal, JSON with --json, a progress bar on stderr."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

__all__ = ["Output", "required_scopes"]


class _RateColumn(TextColumn):
    """Inputs per second, the number a bulk job is judged by."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task: Any) -> Any:
        speed = task.finished_speed or task.speed
        from rich.text import Text

        return Text(f"{speed:,.0f}/s" if speed else "–/s", style="progress.data.speed")


class Output:
    """Prints results for people (rich tables) or programs (--json)."""

    def __init__(
        self, *, json_mode: bool = False, quiet: bool = False, verbose: bool = False
    ) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        self.verbose = verbose
        self.console = _console(sys.stdout)
        self.errors = _console(sys.stderr, stderr=True)

    def error(self, text: str) -> None:
        """A message on stderr, unwrapped so that file:line references stay whole."""
        print(text, file=sys.stderr, flush=True)

    def message(self, text: str) -> None:
        """A one-line confirmation."""
        if self.quiet:
            return
        if self.json_mode:
            print(json.dumps({"message": text}))
        else:
            self.console.print(text, markup=False)

    def record(self, data: dict[str, Any]) -> None:
        """One object, as JSON or as a two-column table."""
        if self.json_mode:
            print(json.dumps(data, default=str))
            return
        table = Table(show_header=False)
        for key, value in data.items():
            table.add_row(
                str(key), json.dumps(value, default=str) if isinstance(value, dict) else str(value)
            )
        self.console.print(table)

    def table(self, columns: Sequence[str], rows: list[dict[str, Any]], *, title: str = "") -> None:
        """Rows as a table, or as a JSON array."""
        if self.json_mode:
            print(json.dumps(rows, default=str))
            return
        table = Table(*columns, title=title or None)
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        self.console.print(table)

    def labels(self, items: Sequence[Any]) -> None:
        """Association types (from the labels API)."""
        rows = [
            {
                "typeId": i.type_id,
                "category": str(i.category),
                "label": i.label if isinstance(i.label, str) else None,
            }
            for i in items
        ]
        self.table(["typeId", "category", "label"], rows)

    def limits(self, items: Sequence[Any]) -> None:
        """Association limits."""
        rows = []
        for item in items:
            data = item.to_dict()
            rows.append(
                {
                    "category": data.get("category"),
                    "typeId": data.get("typeId"),
                    "label": data.get("label"),
                    "limit": data.get("userEnforcedMaxToObjectIds", data.get("maxToObjectIds")),
                }
            )
        self.table(["category", "typeId", "label", "limit"], rows)

    def dry_run(
        self,
        command: str,
        from_type: str,
        to_type: str,
        first: Iterator[Sequence[Any]],
        inputs: int,
        skipped: int,
        batch_size: int,
        identity: Any,
        lines: dict[str, int],
    ) -> None:
        """What a bulk run would send, without sending it."""
        requests = -(-inputs // max(1, batch_size))
        shown = next(first, [])
        plan = {
            "command": command,
            "from": from_type,
            "to": to_type,
            "inputs": inputs,
            "skipped_as_done": skipped,
            "requests": requests,
            "types": [list(t) for t in identity.types],
            "label": identity.label,
            "first": [{"line": r.line, "from": r.from_id, "to": r.to_id} for r in shown],
            "job": identity.to_json(),
            **lines,
        }
        if self.json_mode:
            print(json.dumps(plan))
            return
        if self.quiet:
            return
        self.console.print(
            f"dry run: {command} {inputs} pair(s) {from_type} → {to_type} in {requests} "
            f"request(s); {skipped} already done{_set_aside(lines)}; nothing sent.",
            markup=False,
        )
        for row in shown:
            self.console.print(f"  line {row.line}: {row.from_id} → {row.to_id}", markup=False)

    @contextlib.contextmanager
    def progress(
        self, total: int, mode: str, *, already: int = 0
    ) -> Iterator[Callable[[int, int], None]]:
        """A progress bar with rate and ETA on stderr (on a terminal, or with --progress always)."""
        show = mode == "always" or (
            mode == "auto" and sys.stderr.isatty() and not self.json_mode and not self.quiet
        )
        if not show:
            yield lambda done, total_: None
            return
        bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=Console(stderr=True, force_terminal=mode == "always" or None),
            transient=False,
        )
        task = bar.add_task("associations", total=total)
        with bar:
            yield lambda done, total_: bar.update(task, completed=done)

    def summary(
        self,
        total: int,
        skipped: int,
        tally: Any,
        results_path: Path,
        lines: dict[str, int],
        rejected: Path | None,
        *,
        job_id: str | None = None,
    ) -> None:
        """The end of a bulk run: counts, and where every input's result is (and, run on a
        fleet, its job in the ledger)."""
        data: dict[str, Any] = {
            "inputs": total,
            "skipped_as_done": skipped,
            "done": tally.done,
            "failed": tally.failed,
            "not_sent": tally.not_sent,
            "requests": tally.requests,
            "results_file": str(results_path),
            "stopped_by": None if tally.stopped is None else str(tally.stopped),
            "required_scopes": required_scopes(tally.stopped),
            **lines,
            "invalid_lines_file": str(rejected) if rejected and lines["invalid_lines"] else None,
        }
        if job_id is not None:
            data["job"] = job_id
        if self.json_mode:
            print(json.dumps(data))
            # What to fix goes to stderr in every mode (scripts read stdout's JSON).
            self.scopes_to_add(tally.stopped)
            return
        if not self.quiet:
            not_sent = f", {tally.not_sent} not sent" if tally.not_sent else ""
            self.console.print(
                f"{tally.done} done, {tally.failed} failed{not_sent}, {skipped} skipped "
                f"(done before){_set_aside(lines)}; every input is listed in {results_path}",
                markup=False,
            )
        if lines["invalid_lines"]:
            self.error(
                f"{lines['invalid_lines']} invalid line(s) were not sent; each is in {rejected} "
                "with its line and reason: fix them there and run that file."
            )
        # Failures are errors: on stderr, and shown with -q too.
        if tally.stopped is not None:
            # A reason of many lines (a token command's stderr) gets the advice on a line of
            # its own, not glued to its last line.
            reason = str(tally.stopped)
            glue = "\n" if "\n" in reason else ". "
            self.error(
                f"the job stopped: {reason}{glue}Fix that, then run the same command with "
                "--resume to send what is left."
            )
            self.scopes_to_add(tally.stopped)
        for failure in tally.shown:
            what = "failed" if failure.sent else "not sent"
            reason = failure.reason.removeprefix("not sent: ")
            if _stopped_it(failure, tally.stopped):
                # The reason was printed once above (a token command's stderr, a missing
                # scope's advice): only the status here. The results file keeps each reason.
                reason = "the job stopped (the reason is above)"
            self.error(f"  {what} {failure.input[0]} → {failure.input[1]}: {reason}")

    def scopes_to_add(self, error: object) -> None:
        """The scopes a 403 named (PermissionDeniedError.required_scopes), on stderr."""
        self.print_scopes(required_scopes(error))

    def print_scopes(self, scopes: list[str]) -> None:
        """The scopes to add on stderr, comma-separated as the error's message lists them."""
        if scopes:
            self.error(f"scopes to add: {', '.join(scopes)}")

    def progress_note(self, rows: int) -> None:
        """How far a long export has got (with -v)."""
        if self.verbose and not self.json_mode:
            self.error(f"… {rows} association(s) written")

    def export_summary(self, data: dict[str, Any], *, to_stdout: bool) -> None:
        """The end of an export: what the out file holds, and what completes it.

        With --json one object (on stderr when stdout holds the export itself); else a line on
        stderr, the failed records after it (the first ten, every one listed with -v).
        """
        if self.json_mode:
            print(json.dumps(data), file=sys.stderr if to_stdout else sys.stdout, flush=True)
            self.print_scopes(data.get("required_scopes") or [])
            return
        written, failed = _export_text(data)
        if not self.quiet:
            self.error("; ".join(filter(None, (written, failed))))
        elif failed:
            self.error(failed)  # failures are errors: shown with -q too
        self.print_scopes(data.get("required_scopes") or [])
        listed = data["failed_records"]
        shown = listed if self.verbose else listed[:10]
        for item in shown:
            self.error(f"failed {item['id']}: {item['reason']}")
        more = data["records_failed"] - len(shown)
        if more > 0:
            hint = " (-v shows more)" if len(shown) < len(listed) else ""
            self.error(f"… and {more} more record(s) failed{hint}")


def _export_text(data: dict[str, Any]) -> tuple[str, str]:
    """An export summary's two clauses: what the file holds, and what failed and completes it."""
    where = "stdout" if data["out_file"] is None else data["out_file"]
    written = (
        f"{data['associations_written']} association(s) of {data['records_written']} "
        f"record(s) written to {where}"
    )
    if data["records_already_in_file"]:
        written += f" ({data['records_already_in_file']} record(s) were already in {where})"
    if data["records_without_associations"]:
        written += f"; {data['records_without_associations']} record(s) had no association"
    if data.get("duplicates"):
        written += f"; {data['duplicates']} repeated ID(s) read once"
    if not data["records_failed"]:
        return written, ""
    if data["resume_command"]:
        then = f"complete the export with `{data['resume_command']}`"
    else:
        then = (
            "stdout cannot be continued: export to a file (--out FILE), whose --resume fetches "
            "only what the file lacks"
        )
    return written, f"{data['records_failed']} record(s) failed and are not in {where}: {then}"


def _stopped_it(failure: Any, stopped: object) -> bool:
    """Whether the job's stop is the failure's reason: an input never sent (the job stopped
    first), or one HubSpot refused as it refused the job (the same status and category:
    another request's copy of the refusal, with its own correlation ID). A sent input's own
    reason stays when the stop has no status (a lost connection: its outcome may be unknown)."""
    if stopped is None:
        return False
    if not failure.sent:
        return True
    status = getattr(stopped, "status_code", None)
    category = getattr(stopped, "category", None)
    return status is not None and (failure.status_code, failure.category) == (status, category)


def required_scopes(error: object) -> list[str]:
    """The scopes to add that stopped a job (a PermissionDeniedError's), else none."""
    return list(getattr(error, "required_scopes", None) or [])


def _set_aside(lines: dict[str, int]) -> str:
    """The lines a run did not send, as a clause: duplicates, blank and invalid lines."""
    parts = []
    if lines.get("duplicates"):
        parts.append(f"{lines['duplicates']} duplicate(s) sent once")
    if lines.get("blank_lines"):
        parts.append(f"{lines['blank_lines']} blank line(s) ignored")
    if lines.get("lines_without_ids"):
        parts.append(f"{lines['lines_without_ids']} line(s) with no target ID")
    if lines.get("invalid_lines"):
        parts.append(f"{lines['invalid_lines']} invalid line(s) set aside")
    return f"; {', '.join(parts)}" if parts else ""


def _console(stream: Any, *, stderr: bool = False) -> Console:
    """A console that wraps only on a terminal: piped output keeps each line whole."""
    if stream.isatty():
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=10_000, soft_wrap=True)
