"""Reading pair and ID files record by record: RFC 4180 CSV or JSONL, every record checked.

CSV is parsed by the standard library's reader (quoted fields may hold the delimiter, quotes and
newlines), fed one decoded line at a time so that a line that is not UTF-8 is a problem of that
line, and memory holds one record. Each record is reported under the line it starts on. Blank
lines (and rows of empty cells, as spreadsheets save them) are counted and ignored.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from .._association_types import types_between
from .._exceptions import ClientValidationError
from .._values.ids import InvalidId, canonical_id
from .._values.ranges import in_range, range_text
from ._columns import (
    ColumnChoice,
    Roles,
    fold,
    header_problem,
    pick_columns,
)
from ._input_files import MAX_LINE_BYTES, InputSource, physical_lines
from ._problems import InputFileError, Problem

__all__ = ["DELIMITERS", "Row", "Scan", "TypeSpec", "delimiter_name"]

# What a cell may separate several IDs with ("Associated Company IDs" in HubSpot's exports).
ID_SEPARATOR: Final = ";"
DELIMITERS: Final = {"comma": ",", ",": ",", "semicolon": ";", ";": ";", "tab": "\t",
                     "\\t": "\t", "\t": "\t", "pipe": "|", "|": "|"}  # fmt: skip
_DETECTED: Final = (",", ";", "\t")
CATEGORIES: Final = ("HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED")
# (category, typeId, label): HubSpot-defined types by ID (the same in every portal), custom ones
# by label when there is one (custom type IDs belong to one portal).
TypeSpec = tuple[str, int | None, str | None]


def delimiter_name(delimiter: str) -> str:
    """How a delimiter is shown: tab as ``tab``."""
    return "tab" if delimiter == "\t" else delimiter


@dataclass(frozen=True)
class Row:
    """One pair (or ID) a line gives: its line, canonical IDs, and its type when read from it."""

    line: int
    from_id: str
    to_id: str = ""
    spec: TypeSpec | None = None


@dataclass
class Scan:
    """One pass over a file: iterate for Rows and Problems; the counts are filled as it goes."""

    source: InputSource
    roles: Roles
    delimiter: str | None = None
    ids_only: bool = False
    blank_lines: int = 0
    no_ids: int = 0
    header: list[str] | None = None
    used_delimiter: str = ","
    choice: ColumnChoice | None = None
    _hubspot_ids: frozenset[int] = field(default_factory=frozenset)

    def __iter__(self) -> Iterator[Row | Problem]:
        self.blank_lines = self.no_ids = 0
        if self.roles.with_types:
            kinds = types_between(self.roles.from_type, self.roles.to_type)
            self._hubspot_ids = frozenset(t.type_id for t in kinds)
        if self.source.jsonl and not self.ids_only:
            return self._jsonl()
        return self._csv()

    # CSV -------------------------------------------------------------------------------------

    def _first_line(self, lines: Iterator[tuple[int, str | None, str | None]]) -> tuple[int, str]:
        for number, text, problem in lines:
            if problem is not None or text is None:
                raise InputFileError(self.source.name, [Problem(number, problem or "unreadable")])
            if text.strip():
                return number, text
            self.blank_lines += 1
        what = "id" if self.ids_only else "from_id,to_id"
        empty = Problem(1, f"the file is empty; the first line must be a header such as {what}")
        raise InputFileError(self.source.name, [empty])

    def _csv(self) -> Iterator[Row | Problem]:
        lines = physical_lines(self.source)
        number, text = self._first_line(lines)
        if self.ids_only and _looks_like_ids(text):
            yield from self._bare_ids(itertools.chain([(number, text, None)], lines))
            return
        self.used_delimiter, cells, choice = self._header(number, text)
        self.header, self.choice = cells, choice
        feed = _Feed(lines, number)
        reader = csv.reader(feed, delimiter=self.used_delimiter, strict=True)
        width = len(cells)
        while True:
            start = feed.number + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                feed.take()
                yield Problem(start, f"not valid CSV: {exc}", record=feed.raw_text())
                continue
            bad = feed.take()
            if bad is not None:
                yield Problem(bad[0], bad[1], record=feed.raw_text())
                continue
            if not any(cell.strip() for cell in record):
                self.blank_lines += feed.number - start + 1
                continue
            if len(record) != width:
                yield Problem(start, f"{len(record)} columns where the header has {width}",
                              record=record)  # fmt: skip
                continue
            yield from self._record(start, record, choice)

    def _header(self, number: int, text: str) -> tuple[str, list[str], ColumnChoice]:
        """The delimiter, the header's cells and the chosen columns; refused with the reason."""
        candidates = [self.delimiter] if self.delimiter else list(_DETECTED)
        tried: list[tuple[str, list[str], ColumnChoice | str]] = []
        for delimiter in candidates:
            cells = _cells(text, delimiter)
            tried.append(
                (delimiter, cells, pick_columns(cells, self.roles, ids_only=self.ids_only))
            )
        found = [t for t in tried if isinstance(t[2], ColumnChoice)]
        if found:
            delimiter, cells, choice = max(found, key=lambda t: len(t[1]))
            assert isinstance(choice, ColumnChoice)
            return delimiter, cells, choice
        delimiter, cells, reason = max(tried, key=lambda t: len(t[1]))
        assert isinstance(reason, str)
        if len(cells) == 1 and self.delimiter:
            shown = delimiter_name(self.delimiter)
            reason += f" (split by --delimiter {shown} it is one column: is that its delimiter?)"
        elif len(cells) == 1:
            reason += " (no , ; or tab splits it: give --delimiter)"
        raise InputFileError(self.source.name, [header_problem(number, cells, reason)])

    def _bare_ids(
        self, lines: Iterator[tuple[int, str | None, str | None]]
    ) -> Iterator[Row | Problem]:
        """One record ID per line (several separated by ``;``), no header."""
        for item in self._texts(lines):
            if isinstance(item, Problem):
                yield item
                continue
            number, text = item
            ids = _split_ids(text.strip(), "id")
            if isinstance(ids, Problem):
                yield Problem(number, ids.reason, record=[text], value=ids.value)
                continue
            for record_id in ids:
                yield Row(number, record_id)

    def _record(
        self, line: int, record: list[str], choice: ColumnChoice
    ) -> Iterator[Row | Problem]:
        names = choice.names
        froms = _split_ids(record[choice.from_index], names[choice.from_index])
        if self.ids_only:
            if isinstance(froms, Problem):
                yield _at(froms, line, record)
                return
            for record_id in froms:
                yield Row(line, record_id)
            return
        assert choice.to_index is not None
        listed = choice.to_index in choice.lists
        tos = _split_ids(record[choice.to_index], names[choice.to_index], empty_ok=listed)
        spec: TypeSpec | Problem | None = None
        if self.roles.with_types:
            spec = self._spec(
                {"type_id": _cell(record, choice.type_id_index),
                 "category": _cell(record, choice.category_index),
                 "label": _cell(record, choice.label_index)},
            )  # fmt: skip
        yield from self._pairs(line, froms, tos, spec, record)

    def _pairs(
        self,
        line: int,
        froms: list[str] | Problem,
        tos: list[str] | Problem,
        spec: TypeSpec | Problem | None,
        record: object,
    ) -> Iterator[Row | Problem]:
        bad = [_at(p, line, record) for p in (froms, tos, spec) if isinstance(p, Problem)]
        if bad:
            yield from bad
            return
        assert isinstance(froms, list)
        assert isinstance(tos, list)
        assert not isinstance(spec, Problem)
        if not tos:
            self.no_ids += 1
            return
        for from_id in froms:
            for to_id in tos:
                yield Row(line, from_id, to_id, spec)

    def _spec(self, cells: dict[str, object]) -> TypeSpec | Problem:
        """The association type a row names, checked (see TypeSpec)."""
        raw_id, raw_label = cells["type_id"], cells["label"]
        type_id: int | None = None
        if raw_id not in (None, ""):
            type_id = _type_id(raw_id)
            if type_id is None:
                reason = f"is not an association type ID ({_type_range()})"
                return Problem(0, reason, column="type_id", value=raw_id)
        if raw_label is not None and not isinstance(raw_label, str):
            return Problem(0, "is not a label (text)", column="label", value=raw_label)
        label = raw_label.strip() if raw_label and raw_label.strip() else None
        category = self._category(cells["category"], type_id, label)
        if isinstance(category, Problem):
            return category
        if category == "HUBSPOT_DEFINED":
            if type_id is None:
                reason = "a HUBSPOT_DEFINED type needs its type_id"
                return Problem(0, reason, column="type_id", value=raw_id)
            return (category, type_id, None)
        if label is not None:
            return (category, None, label)
        if type_id is None:
            return Problem(0, "needs a type_id or a label", column="type_id", value=raw_id)
        return (category, type_id, None)

    def _category(self, raw: object, type_id: int | None, label: str | None) -> str | Problem:
        """The row's category; when it gives none, HubSpot's own for HubSpot's type IDs."""
        if isinstance(raw, str) and raw.strip():
            category = raw.strip().upper()
            if category not in CATEGORIES:
                reason = f"is not one of {', '.join(CATEGORIES)}"
                return Problem(0, reason, column="category", value=raw)
            return category
        if raw not in (None, ""):
            return Problem(0, "is not a category (text)", column="category", value=raw)
        builtin = type_id is not None and type_id in self._hubspot_ids
        return "HUBSPOT_DEFINED" if builtin and label is None else "USER_DEFINED"

    # JSONL -----------------------------------------------------------------------------------

    def _jsonl(self) -> Iterator[Row | Problem]:
        seen_any = False
        for line in self._texts(physical_lines(self.source)):
            seen_any = True
            if isinstance(line, Problem):
                yield line
                continue
            number, text = line
            item = _json_object(text)
            if isinstance(item, str):
                yield Problem(number, item, record=text)
                continue
            yield from self._json_pairs(number, item, text)
        if not seen_any and not self.blank_lines:
            raise InputFileError(self.source.name, [Problem(1, "the file is empty")])

    def _texts(
        self, lines: Iterator[tuple[int, str | None, str | None]]
    ) -> Iterator[tuple[int, str] | Problem]:
        """Each line that holds something, as (number, text), or its problem; blanks counted."""
        for number, text, problem in lines:
            if problem is not None or text is None:
                yield Problem(number, problem or "unreadable", record=text)
            elif not text.strip():
                self.blank_lines += 1
            else:
                yield number, text

    def _json_pairs(
        self, number: int, pairs: list[tuple[str, object]], text: str
    ) -> Iterator[Row | Problem]:
        keys = [k for k, _ in pairs]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            yield Problem(number, f"the key {json.dumps(repeated[0])} appears more than once: "
                          "which value is meant?", record=text)  # fmt: skip
            return
        item = dict(pairs)
        roles = Roles(self.roles.from_type, self.roles.to_type, self.roles.from_column,
                      self.roles.to_column, with_types=False)  # fmt: skip
        choice = pick_columns(keys, roles)
        if isinstance(choice, str):
            reason = choice.replace("columns", "keys").replace("column", "key")
            if "needs a from_id" in choice:
                reason = 'needs "from" and "to" keys, like {"from": 1, "to": 2}'
            yield Problem(number, reason, record=item)
            return
        assert choice.to_index is not None
        from_key, to_key = keys[choice.from_index], keys[choice.to_index]
        froms = _json_ids(item[from_key], from_key)
        tos = _json_ids(item[to_key], to_key, empty_ok=True)
        if not self.roles.with_types:
            yield from self._pairs(number, froms, tos, None, item)
            return
        specs = self._json_specs(item)
        if isinstance(specs, Problem):
            yield _at(specs, number, item)
            return
        for spec in specs:
            yield from self._pairs(number, froms, tos, spec, item)

    def _json_specs(self, item: dict[str, object]) -> list[TypeSpec] | Problem:
        folded = {fold(k): k for k in item}
        if "types" in folded:
            listed = item[folded["types"]]
            if not isinstance(listed, list) or not listed:
                return Problem(0, "must be a non-empty list of {typeId, category, label}",
                               column="types", value=listed)  # fmt: skip
            specs: list[TypeSpec] = []
            for entry in listed:
                if not isinstance(entry, dict):
                    return Problem(0, "is not a {typeId, category, label} object",
                                   column="types", value=entry)  # fmt: skip
                spec = self._spec(_type_keys(entry))
                if isinstance(spec, Problem):
                    return spec
                specs.append(spec)
            return specs
        spec = self._spec(_type_keys(item))
        return spec if isinstance(spec, Problem) else [spec]


class _Feed:
    """Decoded lines for the csv reader, remembering the last line read and its problems."""

    def __init__(self, lines: Iterator[tuple[int, str | None, str | None]], number: int) -> None:
        self._lines = lines
        self.number = number
        self._bad: tuple[int, str] | None = None
        self._raw: list[str] = []
        self._last_raw: list[str] = []

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        number, text, problem = next(self._lines)
        self.number = number
        if len(self._raw) < 2 or sum(map(len, self._raw)) < MAX_LINE_BYTES:
            self._raw.append(text or "")
        if problem is not None or text is None:
            if self._bad is None:
                self._bad = (number, problem or "unreadable")
            return "\n"
        return text + "\n"

    def take(self) -> tuple[int, str] | None:
        """The first problem of the record just read, if any; starts the next record."""
        bad, self._bad = self._bad, None
        self._last_raw, self._raw = self._raw, []
        return bad

    def raw_text(self) -> str:
        """The text of the record just taken (for a rejected-rows file)."""
        return "\n".join(self._last_raw)


def _cells(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return [text]


def _cell(record: list[str], index: int | None) -> str | None:
    return None if index is None else record[index]


def _at(problem: Problem, line: int, record: object) -> Problem:
    return Problem(line, problem.reason, problem.column, problem.value, record)


def _looks_like_ids(text: str) -> bool:
    return not isinstance(_split_ids(text.strip(), "id"), Problem)


def _split_ids(cell: str, column: str, *, empty_ok: bool = False) -> list[str] | Problem:
    """The canonical IDs of one cell: one ID, or several separated by ``;``."""
    parts = [p for p in cell.split(ID_SEPARATOR) if p.strip()] if ID_SEPARATOR in cell else [cell]
    if not cell.strip() or not parts:
        return [] if empty_ok else Problem(0, "is empty", column=column, value=cell)
    ids = []
    for part in parts:
        try:
            ids.append(canonical_id(part))
        except InvalidId as exc:
            return Problem(0, str(exc), column=column, value=part if len(parts) > 1 else cell)
    return ids


def _json_ids(value: object, key: str, *, empty_ok: bool = False) -> list[str] | Problem:
    """The IDs of one JSON value: an integer, a string of digits (``;`` separated), or a list."""
    if isinstance(value, str):
        return _split_ids(value, key)
    values = value if isinstance(value, list) else [value]
    if not values:
        return [] if empty_ok else Problem(0, "is empty", column=key, value=value)
    ids = []
    for one in values:
        if one is None:
            return Problem(0, "is null, not a record ID", column=key, value=one)
        if isinstance(one, bool) or not isinstance(one, str | int):
            reason = "is a boolean, not a record ID" if isinstance(one, bool) else (
                "is not a record ID (a string or integer of digits)")  # fmt: skip
            return Problem(0, reason, column=key, value=one)
        try:
            ids.append(canonical_id(one))
        except InvalidId as exc:
            return Problem(0, str(exc), column=key, value=one)
    return ids


def _type_keys(entry: dict[str, object]) -> dict[str, object]:
    folded = {fold(k): v for k, v in entry.items()}
    pick = {
        "type_id": ("typeid", "type_id", "associationtypeid", "association_type_id"),
        "category": ("category", "associationcategory", "association_category"),
        "label": ("label", "association_label"),
    }
    return {role: next((folded[n] for n in names if n in folded), None)
            for role, names in pick.items()}  # fmt: skip


def _type_id(value: object) -> int | None:
    """A type ID cell or JSON value as the facade checks it, or None."""
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if text.isascii() and text.isdigit() and len(text) < 12 else text
    try:
        return in_range("type_id", value)
    except ClientValidationError:
        return None


def _type_range() -> str:
    return f"a whole number {range_text('type_id')}"


def _json_object(text: str) -> list[tuple[str, object]] | str:
    """A line's JSON object as its (key, value) pairs, duplicates kept, or the problem."""
    try:
        item = json.loads(text, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} at column {exc.colno}"
    except (RecursionError, ValueError):
        # Deeply nested arrays exhaust the parser's stack; huge numbers pass int()'s digit limit.
        return "not a usable JSON object (nested too deeply, or a number too long)"
    if not isinstance(item, _Pairs):
        return 'each line must be a JSON object like {"from": 1, "to": 2}'
    try:
        return [(k, _plain(v)) for k, v in item]
    except RecursionError:
        return "not a usable JSON object (nested too deeply)"


class _Pairs(list[tuple[str, object]]):
    """A JSON object as the parser saw it: every key, in order, repeated ones too."""


def _plain(value: object) -> object:
    """A parsed value with nested objects as dicts (their repeated keys do not matter here)."""
    if isinstance(value, _Pairs):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
