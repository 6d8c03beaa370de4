"""Which operations answered with which statuses during the run, per part of the suite.

Tests call :func:`record`; the terminal summary hook in conftest.py prints :func:`table`, so a
reader sees at a glance that every operation was exercised and how.
"""

from __future__ import annotations

from collections import defaultdict

__all__ = ["NOTES", "SOURCES", "record", "reset", "table"]

# Column order of the table: the generated client end to end against the emulator,
# and the generated client parsing canned answers.
SOURCES = ("client e2e", "client parse")

# Lines printed under the table (known disagreements and the like).
NOTES: list[str] = []

_SEEN: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))


def record(source: str, operation_id: str, status: int) -> None:
    """Note that one operation answered one status in one part of the suite."""
    if source not in SOURCES:
        raise ValueError(f"unknown coverage source {source!r}")
    _SEEN[operation_id][source].add(int(status))


def reset() -> None:
    """Forget everything recorded (for the suite's own tests of this module)."""
    _SEEN.clear()


def table(operation_ids: list[str]) -> list[str]:
    """The coverage table as lines: one row per operation, statuses per source; gaps marked."""
    header = ["operation", *SOURCES]
    rows = [header]
    for operation_id in operation_ids:
        seen = _SEEN.get(operation_id, {})
        cells = [operation_id]
        for source in SOURCES:
            statuses = sorted(seen.get(source, ()))
            cells.append(" ".join(str(s) for s in statuses) if statuses else "—")
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    missing = [op for op in operation_ids if not _SEEN.get(op)]
    lines.append(
        f"{len(operation_ids) - len(missing)}/{len(operation_ids)} operations exercised"
        + (f"; never: {', '.join(missing)}" if missing else "")
    )
    return lines
