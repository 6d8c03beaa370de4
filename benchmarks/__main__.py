"""``make bench``: every benchmark, printed as one Markdown table (``--update-readme`` saves it).

Figures are ratios within one run on one machine; absolute times vary with the shared machine.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import re
import sys
from pathlib import Path

SUITES = [
    "benchmarks.decode_bench",
    "benchmarks.bulk_bench",
    "benchmarks.emulator_bench",
    "benchmarks.cli_memory_bench",
    "benchmarks.client_memory_bench",
    "benchmarks.accounting_bench",
]
README = Path(__file__).resolve().parent.parent / "README.md"
MARK = "<!-- bench-table -->"


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.0f}"
    return str(value)


def table(rows: list[dict[str, object]]) -> str:
    """Rows as a Markdown table with the union of their columns."""
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the suites (all by default) and print the tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", choices=[s.rsplit(".", 1)[1] for s in SUITES], action="append")
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args(argv)
    sections = [f"Machine: {platform.machine()}, Python {platform.python_version()}."]
    for suite in SUITES:
        if args.only and suite.rsplit(".", 1)[1] not in args.only:
            continue
        rows = importlib.import_module(suite).run()
        sections.append(f"**{suite.rsplit('.', 1)[1]}**\n\n{table(rows)}")
        print(sections[-1] + "\n", flush=True)
    if args.update_readme:
        text = README.read_text(encoding="utf-8")
        body = MARK + "\n" + "\n\n".join(sections) + "\n" + MARK.replace("table", "table-end")
        pattern = re.escape(MARK) + r".*?(" + re.escape(MARK.replace("table", "table-end")) + r"|$)"
        README.write_text(
            re.sub(pattern, lambda _: body, text, count=1, flags=re.S), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
