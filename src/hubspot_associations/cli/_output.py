"""What the command prints: tables on a terminal, JSON with --json, a progress bar on stderr."""

from __future__ import annotations

import contextlib
import csv
import io
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

__all__ = ["Output"]


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

    def __init__(self, *, json_mode: bool = False) -> None:
        self.json_mode = json_mode
        self.console = Console()
        self.errors = Console(stderr=True)

    def error(self, text: str) -> None:
        """A message on stderr, unwrapped so that file:line references stay whole."""
        print(text, file=sys.stderr, flush=True)

    def message(self, text: str) -> None:
        """A one-line confirmation."""
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
        todo: Sequence[Any],
        types: Sequence[Any],
        skipped: int,
        batch_size: int,
    ) -> None:
        """What a bulk run would send, without sending it."""
        requests = -(-len(todo) // max(1, batch_size))
        plan = {
            "command": command,
            "from": from_type,
            "to": to_type,
            "inputs": len(todo),
            "skipped_as_done": skipped,
            "requests": requests,
            "types": [str(t) for t in types],
            "first": [{"line": r.line, "from": r.from_id, "to": r.to_id} for r in todo[:5]],
        }
        if self.json_mode:
            print(json.dumps(plan))
            return
        self.console.print(
            f"dry run: {command} {len(todo)} pair(s) {from_type} → {to_type} in {requests} "
            f"request(s); {skipped} already done; nothing sent.",
            markup=False,
        )
        for row in todo[:5]:
            self.console.print(f"  line {row.line}: {row.from_id} → {row.to_id}", markup=False)

    @contextlib.contextmanager
    def progress(
        self, total: int, mode: str, *, already: int = 0
    ) -> Iterator[Callable[[int, int], None]]:
        """A progress bar with rate and ETA on stderr (on a terminal, or with --progress always)."""
        show = mode == "always" or (mode == "auto" and sys.stderr.isatty() and not self.json_mode)
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

    def summary(self, total: int, skipped: int, result: Any, results_path: Path) -> None:
        """The end of a bulk run: counts, and where every input's result is."""
        data = {
            "inputs": total,
            "skipped_as_done": skipped,
            "done": len(result.succeeded),
            "failed": len(result.failed),
            "requests": result.requests,
            "results_file": str(results_path),
        }
        if self.json_mode:
            print(json.dumps(data))
            return
        self.console.print(
            f"{data['done']} done, {data['failed']} failed, {skipped} skipped (done before); "
            f"every input is listed in {results_path}",
            markup=False,
        )
        for failure in result.failed[:10]:
            self.console.print(
                f"  failed {failure.input[0]} → {failure.input[1]}: {failure.reason}", markup=False
            )

    def export(self, result: Any, out: Path | None) -> None:
        """Associations read in bulk, as CSV (default) or JSONL."""
        rows = [
            {
                "from_id": record,
                "to_id": item.to_object_id,
                "type_ids": " ".join(str(t.type_id) for t in item.association_types),
                "labels": "|".join(
                    t.label for t in item.association_types if isinstance(t.label, str)
                ),
            }
            for record, items in result.associations.items()
            for item in items
        ]
        if out is not None and out.suffix.lower() in {".jsonl", ".ndjson"}:
            text = "".join(json.dumps(r) + "\n" for r in rows)
        else:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, ["from_id", "to_id", "type_ids", "labels"])
            writer.writeheader()
            writer.writerows(rows)
            text = buffer.getvalue()
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8")
            self.errors.print(
                f"{len(rows)} association(s) of {len(result.associations)} record(s) in {out}",
                markup=False,
            )
        for failure in result.failed:
            self.errors.print(f"failed {failure.input}: {failure.reason}", markup=False)
