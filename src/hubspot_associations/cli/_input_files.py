"""Reading pair and ID files (CSV or JSONL), checking every line before anything is sent."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputFileError", "PairRow", "read_ids", "read_pairs"]

FROM_COLUMNS = ("from_id", "from", "fromobjectid", "from_object_id")
TO_COLUMNS = ("to_id", "to", "toobjectid", "to_object_id")
ID_COLUMNS = ("id", "record_id", "object_id", "from_id")


class InputFileError(Exception):
    """An input file has problems; ``problems`` lists each with its line number."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n".join(f"  {path}:{p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(
            f"{path}: {len(problems)} problem(s); nothing was sent. Fix the file and run again.\n"
            f"{shown}{more}"
        )


@dataclass(frozen=True)
class PairRow:
    """One (from ID, to ID) pair and the line it came from."""

    line: int
    from_id: str
    to_id: str

    @property
    def key(self) -> tuple[str, str]:
        """The pair, as the bulk helpers and the results file name it."""
        return (self.from_id, self.to_id)


def _is_id(value: str) -> bool:
    return value.isdigit() and int(value) > 0


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def read_pairs(path: Path) -> list[PairRow]:
    """Every pair of a CSV (header from_id,to_id) or JSONL ({"from": …, "to": …}) file."""
    if not path.exists():
        raise InputFileError(path, ["0: the file does not exist"])
    text = path.read_text(encoding="utf-8-sig")
    raw = _jsonl_pairs(text) if path.suffix.lower() in {".jsonl", ".ndjson"} else _csv_pairs(text)
    problems: list[str] = []
    rows: list[PairRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values, problem in raw:
        if problem:
            problems.append(f"{line}: {problem}")
            continue
        a, b = values
        bad = [
            f"{name} {v!r} is not a record ID (digits only)"
            for name, v in (("from", a), ("to", b))
            if not _is_id(v)
        ]
        if bad:
            problems.append(f"{line}: " + "; ".join(bad))
            continue
        if (a, b) in seen:
            problems.append(f"{line}: duplicate of line {seen[(a, b)]} ({a} → {b})")
            continue
        seen[(a, b)] = line
        rows.append(PairRow(line, a, b))
    if problems:
        raise InputFileError(path, problems)
    if not rows:
        raise InputFileError(path, ["1: no pairs in the file"])
    return rows


def _csv_pairs(text: str) -> list[tuple[int, tuple[str, str], str | None]]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [(1, ("", ""), "the first line must be a header such as from_id,to_id")]
    header = next(csv.reader([lines[0]]))
    first, second = _pick(header, FROM_COLUMNS), _pick(header, TO_COLUMNS)
    if first is None or second is None:
        return [(1, ("", ""), f"the header {lines[0]!r} needs a from_id and a to_id column")]
    out: list[tuple[int, tuple[str, str], str | None]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            out.append((number, ("", ""), "empty line"))
            continue
        cells = next(csv.reader([line]))
        if len(cells) != len(header):
            out.append(
                (number, ("", ""), f"{len(cells)} columns where the header has {len(header)}")
            )
            continue
        out.append((number, (cells[first].strip(), cells[second].strip()), None))
    return out


def _jsonl_pairs(text: str) -> list[tuple[int, tuple[str, str], str | None]]:
    out: list[tuple[int, tuple[str, str], str | None]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            out.append((number, ("", ""), "empty line"))
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append((number, ("", ""), f"not JSON: {exc.msg}"))
            continue
        if not isinstance(item, dict):
            out.append((number, ("", ""), 'each line must be an object like {"from": 1, "to": 2}'))
            continue
        keys = {k.lower(): v for k, v in item.items()}
        a = next((keys[k] for k in FROM_COLUMNS if k in keys), None)
        b = next((keys[k] for k in TO_COLUMNS if k in keys), None)
        if a is None or b is None:
            out.append((number, ("", ""), 'each line needs "from" and "to"'))
            continue
        out.append((number, (str(a).strip(), str(b).strip()), None))
    return out


def read_ids(path: Path) -> list[tuple[int, str]]:
    """Record IDs from a CSV (with an id column) or a plain list, one per line."""
    if not path.exists():
        raise InputFileError(path, ["0: the file does not exist"])
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    problems: list[str] = []
    ids: list[tuple[int, str]] = []
    column = 0
    start = 1
    if lines and not lines[0].strip().isdigit():
        header = next(csv.reader([lines[0]]))
        picked = _pick(header, ID_COLUMNS)
        if picked is None:
            raise InputFileError(path, [f"1: the header {lines[0]!r} needs an id column"])
        column, start = picked, 2
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[start - 1 :], start=start):
        if not line.strip():
            problems.append(f"{number}: empty line")
            continue
        value = next(csv.reader([line]))[column].strip()
        if not _is_id(value):
            problems.append(f"{number}: {value!r} is not a record ID (digits only)")
        elif value in seen:
            problems.append(f"{number}: duplicate of line {seen[value]} ({value})")
        else:
            seen[value] = number
            ids.append((number, value))
    if problems:
        raise InputFileError(path, problems)
    if not ids:
        raise InputFileError(path, ["1: no IDs in the file"])
    return ids
