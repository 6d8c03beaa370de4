"""``make bench``: every benchmark, printed as Markdown tables (``--update-docs`` saves them).

``--update-docs`` rewrites the full tables in docs/benchmarks.md and the short summary in
README.md, each between its own markers; a run with ``--only`` replaces only its suites' parts.
Figures are ratios within one run on one machine; absolute times vary with the shared machine.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SUITES = [
    "benchmarks.decode_bench",
    "benchmarks.bulk_bench",
    "benchmarks.emulator_bench",
    "benchmarks.cli_memory_bench",
    "benchmarks.client_memory_bench",
    "benchmarks.accounting_bench",
    "benchmarks.live_check_bench",
    "benchmarks.proxy_bench",
    "benchmarks.fleet_bench",
]
NAMES = [suite.rsplit(".", 1)[1] for suite in SUITES]
ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs" / "benchmarks.md"
DOCS_LINK = "docs/benchmarks.md"
TABLE_MARKS = ("<!-- bench-table -->", "<!-- bench-table-end -->")
SUMMARY_MARKS = ("<!-- bench-summary -->", "<!-- bench-summary-end -->")
OFFICIAL = "hubspot-api-client"

Rows = list[dict[str, object]]


@dataclass
class Results:
    """One run's rows per suite (short names: ``decode_bench``, …) and the machine it ran on."""

    suites: dict[str, Rows]
    machine: str = field(
        default_factory=lambda: f"{platform.machine()}, Python {platform.python_version()}"
    )


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.0f}"
    return str(value)


def table(rows: Rows) -> str:
    """Rows as a Markdown table with the union of their columns."""
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def section(name: str, rows: Rows) -> str:
    """One suite's part of the docs page: its name as a heading (README links to it), its table."""
    return f"### {name}\n\n{table(rows)}"


# --- the README's one line per benchmark -------------------------------------------------------


def _row(rows: Rows, *words: str) -> dict[str, object] | None:
    """The first row whose name contains every word."""
    for row in rows:
        if all(word in str(row.get("name", "")) for word in words):
            return row
    return None


def _number(row: dict[str, object] | None, key: str) -> float | None:
    value = None if row is None else row.get(key)
    return float(value) if isinstance(value, int | float) else None


def _times(ours: float | None, theirs: float | None) -> str:
    """``**2.9× faster**`` (or slower) than the official client, from two costs or two rates."""
    if ours is None or theirs is None or ours <= 0 or theirs <= 0:
        return f"not compared (a {OFFICIAL} row is missing)"
    ratio = theirs / ours
    word = "faster" if ratio >= 1 else "slower"
    return f"**{max(ratio, 1 / ratio):.1f}× {word}** than `{OFFICIAL}`"


def _decode(rows: Rows) -> str:
    # Like with like: each client's whole get_page, then each one's bytes-to-models step alone.
    ours = _row(rows, "hubspot-associations get_page")
    theirs = _row(rows, OFFICIAL, "get_page") or _row(rows, OFFICIAL)
    # The ratio to json.loads keeps three decimals where the time may be rounded to the ms.
    times = _times(_number(ours, "ratio"), _number(theirs, "ratio"))
    line = f"{times} (`get_page` of one 500-item page with two types per record"
    decoded = _number(_row(rows, "hubspot-associations bytes to models"), "ratio")
    their_decode = _number(_row(rows, OFFICIAL, "bytes to models"), "ratio")
    if decoded is not None and their_decode is not None:
        line += f"; bytes to models alone {their_decode / decoded:.1f}×"
    ratio = _number(ours, "ratio")
    if ratio is not None:
        line += f"; `get_page` {ratio:.1f}× `json.loads`"
        floor = _number(_row(rows, "floor of attrs models"), "ratio")
        structs = _number(_row(rows, "msgspec Structs"), "ratio")
        if floor is not None and structs is not None:
            line += f"; bare attrs objects alone {floor:.1f}×, msgspec Structs {structs:.1f}×"
    return line + ")"


def _bulk(rows: Rows) -> str:
    ours = _row(rows, "pairs: hubspot-associations")
    theirs = _row(rows, f"pairs: {OFFICIAL}")
    # A rate: the faster side has the larger figure, so the arguments are swapped.
    line = _times(_number(theirs, "inputs_per_s"), _number(ours, "inputs_per_s"))
    share = _number(ours, "ceiling_share")
    if share is not None:
        line += f" ({share:.1%} of the rate-limit ceiling"
        official_share = _number(theirs, "ceiling_share")
        line += f" against {official_share:.1%}" if official_share is not None else ""
        refused = _number(ours, "server_429_share")
        line += f"; {refused:.2%} of requests answered 429)" if refused is not None else ")"
    for words, what in (("4 processes",  "4 processes sharing a Redis budget"),
                        ("10% faults", "with 10 % faults")):  # fmt: skip
        other = _number(_row(rows, words), "ceiling_share")
        if other is not None:
            line += f"; {what}: {other:.1%}"
    return line


def _emulator(rows: Rows) -> str:
    ratio = _number(_row(rows, "1M / 1k, over HTTP"), "value")
    shown = "–" if ratio is None else f"{ratio:.2f}"
    line = f"a page read with 1M stored associations takes {shown}× the time with 1k"
    cost = _number(_row(rows, "journal cost"), "value")
    reset = _number(_row(rows, "per-test reset"), "value")
    if cost is not None and reset is not None:
        line += (
            f"; the request journal costs {max(cost, 0):.0%} of the request rate (target 10 %), "
            f"a per-test reset {reset:.1f} ms"
        )
    return line


def _peaks(rows: Rows) -> str:
    peaks = [
        f"{_cell(row.get('value'))} {row.get('unit')}"
        for row in rows
        if row.get("unit") == "MB" and row.get("target") not in (None, "–")
    ]
    met = sum(row.get("met") == "yes" for row in rows)
    judged = sum(row.get("met") in ("yes", "no") for row in rows)
    return f"peak RSS {', '.join(peaks) or '–'}; targets met: {met} of {judged}"


def _accounting(rows: Rows) -> str:
    def total(key: str) -> int:
        return sum(int(value) for row in rows if isinstance(value := row.get(key), int | float))

    return (
        f"{total('inputs'):,} inputs with faults: {total('lost')} lost, "
        f"{total('duplicated')} duplicated, "
        f"{total('without_reason')} failures without HubSpot's reason"
    )


def _live_check(rows: Rows) -> str:
    times = ", ".join(f"{_cell(row.get('value'))} s" for row in rows) or "–"
    met = sum(row.get("met") == "yes" for row in rows)
    kept = all(row.get("portal_left_as_found") == "yes" for row in rows) and bool(rows)
    return (
        f"a writing `check --live` against an emulator by URL, twice in a row: {times} "
        f"(target under 180 s, met {met} of {len(rows)}); the user's data left as found: "
        f"{'yes' if kept else 'no'}"
    )


def _proxy(rows: Rows) -> str:
    parts = []
    for mode in ("proxy", "proxy --shadow"):
        median = _row(rows, f"{mode}: GET", "median")
        p99 = _row(rows, f"{mode}: GET", "p99")
        peak = _number(_row(rows, f"{mode}: peak RSS"), "value")
        added = _number(median, "added_ms"), _number(p99, "added_ms"), _number(median, "ratio")
        if None in added or peak is None:
            parts.append(f"`{mode}`: not measured")
            continue
        parts.append(
            f"`{mode}` adds {added[0]:.1f} ms to a GET's median ({added[2]:.1f}× direct), "
            f"{added[1]:.1f} ms to its p99, peak RSS {peak:.0f} MB"
        )
    return "; ".join(parts)


def _fleet(rows: Rows) -> str:
    one = _row(rows, "one portal")
    share, ratio = _number(one, "ceiling_share"), _number(one, "vs_one_process")
    if one is None or share is None or ratio is None:
        return "not measured"
    line = (
        f"4 workers on one portal: {share:.1%} of the ceiling ({ratio:.2f}× one process), "
        f"{one.get('lost')} lost, {one.get('duplicated')} duplicated, "
        f"{one.get('server_429')} × 429 at the server"
    )
    for slots in (2, 8):
        found = [
            value
            for row in rows
            if f"× {slots} slots, jobs one by one" in str(row.get("name"))
            and (value := _number(row, "ceiling_share")) is not None
        ]
        if found:
            line += f"; 4 portals, {slots} slots per worker: each ≥ {min(found):.1%} of its own"
    routed = [
        value
        for row in rows
        if "a queue and a worker" in str(row.get("name"))
        and (value := _number(row, "ceiling_share")) is not None
    ]
    if routed:
        line += f"; 4 portals, a queue and a worker each: each ≥ {min(routed):.1%}"
    return line


NOT_COMPARED = f"; `{OFFICIAL}` has no counterpart"
SUMMARY: dict[str, tuple[str, Callable[[Rows], str], str]] = {
    "decode_bench": ("Decode a page", _decode, ""),
    "bulk_bench": ("Bulk-associate 100,000 pairs", _bulk, ""),
    "emulator_bench": ("Emulator at scale", _emulator, NOT_COMPARED),
    "cli_memory_bench": ("Command-line memory", _peaks, NOT_COMPARED),
    "client_memory_bench": ("Client memory against hostile answers", _peaks, NOT_COMPARED),
    "accounting_bench": ("Accounting under faults", _accounting, NOT_COMPARED),
    "live_check_bench": ("Live contract run", _live_check, NOT_COMPARED),
    "proxy_bench": ("Proxy overhead", _proxy, NOT_COMPARED),
    "fleet_bench": ("Celery fleet", _fleet, NOT_COMPARED),
}


def summary_line(name: str, rows: Rows) -> str:
    """The README's line for one suite: its label, then the ratio versus the official client."""
    label, describe, suffix = SUMMARY[name]
    return f"- **{label}**: {describe(rows)}{suffix} ([table]({DOCS_LINK}#{name}))."


# --- rewriting between the markers -------------------------------------------------------------


def _between(text: str, marks: tuple[str, str], where: Path) -> tuple[str, str, str]:
    """``text`` split into what precedes the start marker, the block inside, and what follows."""
    start, end = text.find(marks[0]), text.find(marks[1])
    if start < 0 or end < start:
        raise ValueError(f"{where}: markers {marks[0]} … {marks[1]} not found")
    return text[: start + len(marks[0])], text[start + len(marks[0]) : end], text[end:]


def _parts(block: str, head: str) -> dict[str, str]:
    """The block's parts keyed by suite: each part starts at a line matching ``head``."""
    parts: dict[str, str] = {}
    current: str | None = None
    for line in block.strip("\n").splitlines():
        match = re.match(head, line)
        if match:
            current = match.group(1)
            parts[current] = ""
        if current is not None:
            parts[current] += line + "\n"
    return {name: part.strip("\n") for name, part in parts.items()}


def rewrite_tables(text: str, results: Results, where: Path = DOCS) -> str:
    """The docs page with the tables of ``results`` between its markers (others kept)."""
    before, block, after = _between(text, TABLE_MARKS, where)
    parts = _parts(block, r"^### ([a-z_]+)$")
    parts.update({name: section(name, rows) for name, rows in results.suites.items()})
    ordered = [parts[name] for name in NAMES if name in parts]
    ordered += [part for name, part in parts.items() if name not in NAMES]
    body = "\n\n".join([f"Machine: {results.machine}.", *ordered])
    return f"{before}\n{body}\n{after}"


def rewrite_summary(text: str, results: Results, where: Path = README) -> str:
    """The README with one summary line per suite of ``results`` between its markers."""
    before, block, after = _between(text, SUMMARY_MARKS, where)
    by_label = {label: name for name, (label, _, _) in SUMMARY.items()}
    lines = {
        by_label.get(label, label): part
        for label, part in _parts(block, r"^- \*\*(.+?)\*\*").items()
    }
    lines.update({name: summary_line(name, rows) for name, rows in results.suites.items()})
    ordered = [lines[name] for name in NAMES if name in lines]
    ordered += [line for name, line in lines.items() if name not in NAMES]
    return f"{before}\n" + "\n".join(ordered) + f"\n{after}"


def update_docs(results: Results, readme: Path = README, docs: Path = DOCS) -> None:
    """Write ``results``: full tables into ``docs``, one summary line per suite into ``readme``."""
    docs_text = rewrite_tables(docs.read_text(encoding="utf-8"), results, docs)
    readme_text = rewrite_summary(readme.read_text(encoding="utf-8"), results, readme)
    docs.write_text(docs_text, encoding="utf-8")
    readme.write_text(readme_text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the suites (all by default) and print the tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", choices=NAMES, action="append")
    parser.add_argument(
        "--update-docs",
        action="store_true",
        help="rewrite the tables in docs/benchmarks.md and the summary in README.md",
    )
    parser.add_argument(
        "--update-readme", action="store_true", help="deprecated alias of --update-docs"
    )
    args = parser.parse_args(argv)
    if args.update_readme:
        print("--update-readme is deprecated: use --update-docs", file=sys.stderr)
    results = Results({})
    print(f"Machine: {results.machine}.\n", flush=True)
    for suite, name in zip(SUITES, NAMES, strict=True):
        if args.only and name not in args.only:
            continue
        results.suites[name] = importlib.import_module(suite).run()
        print(section(name, results.suites[name]) + "\n", flush=True)
    if args.update_docs or args.update_readme:
        update_docs(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
