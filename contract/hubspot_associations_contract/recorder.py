"""What a graph scenario sent, recorded in the suite's process, saved as a reproducer on failure.

:class:`~hubspot_associations_contract.wire.JudgingTransport` hands every exchange of the client
under test to :func:`exchange`; :class:`~hubspot_associations_contract.scenario.Scenario` marks its
start (:func:`begin`, the starting state), its paged reads (:func:`reading`), what the model
expects each read to answer (:func:`expect_reads`), what each write may leave on a portal
(:func:`note_writes`, for a live reproduction's restore) and its end (:func:`end`: a live run's
clean-up is not part of the sequence). The plugin calls :func:`save` when a test fails: the
failing example's sequence (Hypothesis runs it last) becomes a reproducer file
(:mod:`.reproduce` reads it back), written only when ``--reproduce`` can judge its rule again.

Server-assigned IDs stay symbolic: the type IDs a ``create_label`` answer gives become
``{label:<name>}`` (captured from that answer at replay, by the label's wording), and the run's
tag in label wordings becomes ``{tag}``. Record IDs are the starting state's and stay as they are.
Tokens are never seen here: headers are not recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

from .leftovers import PREFIX
from .model import OTHER, Graph
from .rules import RuleViolation

__all__ = [
    "ANSWER_RULES",
    "DIRECTORY_VARIABLE",
    "FORMAT",
    "KIND",
    "READS",
    "READ_RULES",
    "VERSION",
    "begin",
    "end",
    "exchange",
    "expect_reads",
    "expected",
    "note_writes",
    "reading",
    "save",
    "saved",
    "write",
]

FORMAT = "hubspot-associations-reproducer"
# 2: a "kind" ("graph", or "conformance": conformance_record.py); version 1 files are graph ones.
VERSION = 2
READS = (1, 2)
KIND = "graph"
# Where the plugin writes reproducers (set by `hubspot-associations check`); unset: none.
DIRECTORY_VARIABLE = "HUBSPOT_CONTRACT_REPRODUCERS"
# The command line that replays a file on the run's target, without the file ("--live …").
COMMAND_VARIABLE = "HUBSPOT_CONTRACT_REPRODUCE_OPTIONS"
# Rules --reproduce judges again on every answer (the checks of checks.py).
ANSWER_RULES = frozenset(
    {"status.documented", "errors.fields", "errors.category", "batch.accounting",
     "ratelimit.headers"}
)  # fmt: skip
# Rules judged on a read-back: --reproduce compares each read with what the model expected.
READ_RULES = frozenset(
    {"graph.both-directions", "graph.model", "labels.paired-inverse", "labels.unlabeled-type",
     "delete.cascade", "primary.one-per-record"}
)  # fmt: skip
ANSWER_KEPT = 4000  # characters of the failing answer kept in the file, for the reader
LABEL_KEYS = ("associationTypeId", "typeId")


@dataclass
class _Recording:
    """The sequence of the scenario running now."""

    active: bool = False
    release: str = "v4"
    tag: str = ""
    records: dict[str, list[str]] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    symbols: dict[int, str] = field(default_factory=dict)
    read: tuple[str, str] | None = None
    read_step: dict[str, Any] | None = None
    notes: dict[str, Any] | None = None


_NOW = _Recording()
_SAVED: list[tuple[str, Path]] = []


def begin(records: Mapping[str, tuple[str, ...]], tag: str, release: str) -> None:
    """A scenario starts from ``records`` (nothing else: it creates its own labels)."""
    global _NOW
    _NOW = _Recording(
        active=True,
        release=release,
        tag=tag,
        records={kind: list(ids) for kind, ids in records.items()},
    )


def end() -> None:
    """The scenario's own requests are over (what follows is its clean-up)."""
    _NOW.active = False


@contextlib.contextmanager
def reading(side: str, record: str) -> Iterator[None]:
    """The pages read inside are one read of ``record``'s associations (one step)."""
    _NOW.read, _NOW.read_step = (side, record), None
    try:
        yield
    finally:
        _NOW.read, _NOW.read_step = None, None


def note_writes(
    pairs: Mapping[tuple[str, str], set[int]], primaries: Mapping[str, tuple[str | None, ...]]
) -> None:
    """What the next write may leave (each pair's typeIds, each contact's primary moving from
    one company to another), as a writing live run notes it in its ledger before sending."""
    if not _NOW.active:
        return
    notes = _NOW.notes or {"pairs": {}, "primary": {}}
    for (contact, company), ids in pairs.items():
        held = notes["pairs"].setdefault(f"{contact},{company}", [])
        held += [_symbol(i) for i in sorted(ids) if _symbol(i) not in held]
    for contact, moved in primaries.items():
        values = notes["primary"].setdefault(contact, [])
        if list(moved) not in values:
            values.append(list(moved))
    _NOW.notes = notes


def expected(
    graph: Graph, named: Mapping[str, tuple[str, ...]]
) -> dict[tuple[str, str], dict[str, list[tuple[int, str | None]]]]:
    """What the model holds for every read of a read-back: per (side, record), {named other
    record: [(typeId, the label's wording from that side, or None)]}."""
    out: dict[tuple[str, str], dict[str, list[tuple[int, str | None]]]] = {}
    for side in ("contact", "company"):
        mine = set(named.get(OTHER[side], ()))
        for record in named.get(side, ()):
            found: dict[str, list[tuple[int, str | None]]] = {}
            for other, ids in graph.seen_from(side, record).items():
                pair = (record, other) if side == "contact" else (other, record)
                if other not in mine or "other" in graph.pairs.get(pair, set()):
                    continue
                found[other] = []
                for type_id in sorted(ids):
                    kind = graph.kind_of(type_id, side)
                    label = graph.labels.get(kind) if kind is not None else None
                    found[other].append((type_id, label.wording(side) if label else None))
            out[(side, record)] = found
    return out


def expect_reads(
    expected: Mapping[tuple[str, str], Mapping[str, list[tuple[int, str | None]]]],
) -> None:
    """What the model expects each read of this read-back to hold: {other record: [(typeId,
    label wording or None)]}, attached to the read's step."""
    if not _NOW.active:
        return
    for step in reversed(_NOW.steps):
        key = tuple(step.get("read") or ())
        if "pages" not in step or key not in expected or "expect" in step:
            continue
        step["expect"] = {
            other: sorted(
                ([_symbol(t), _text(w) if w is not None else None] for t, w in types), key=str
            )
            for other, types in sorted(expected[key].items())
        }


def exchange(request: httpx.Request, status: int, answer: bytes, operation: str | None) -> None:
    """One request the client sent and the answer it got."""
    if not _NOW.active:
        return
    query = parse_qsl(request.url.query.decode("ascii", "replace"), keep_blank_values=True)
    if _NOW.read is not None and operation == "list_associations":
        if _NOW.read_step is not None:
            _NOW.read_step["pages"] += 1
            _NOW.read_step["status"] = status
            _NOW.read_step["answer"] = answer
            return
        query = [(k, v) for k, v in query if k != "after"]
    step: dict[str, Any] = {
        "operation": operation,
        "method": request.method,
        "path": _path(request.url.path),
        "query": [list(pair) for pair in query],
        "body": _body(request.content),
        "status": status,
        "answer": answer,
    }
    if _NOW.read is not None and operation == "list_associations":
        step["read"], step["pages"] = list(_NOW.read), 1
        _NOW.read_step = step
    elif _NOW.notes is not None and request.method != "GET":
        step["notes"], _NOW.notes = _NOW.notes, None
    if operation in ("create_label", "list_labels") and 200 <= status < 300:
        # A label's type IDs come from its create's answer, or (an unpaired label's other
        # direction) from the listing that first shows them.
        captures = _captures(answer)
        if captures:
            step["captures"] = captures
    _NOW.steps.append(step)


def _captures(answer: bytes) -> list[dict[str, Any]]:
    """Symbols for the type IDs an answer shows first (USER_DEFINED ones), each found again at
    replay as the answer's ``index``-th type of the same wording."""
    try:
        results = json.loads(answer).get("results") or []
    except (ValueError, AttributeError):
        return []
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for result in results:
        if not isinstance(result, dict) or not isinstance(result.get("typeId"), int):
            continue
        if result.get("category", "USER_DEFINED") != "USER_DEFINED":
            continue
        wording = str(result.get("label"))
        index = seen.get(wording, 0)
        seen[wording] = index + 1
        short = wording.removeprefix(PREFIX).replace(f"_{_NOW.tag}", "") if _NOW.tag else wording
        symbol, number = f"label:{short}", 1
        while symbol in _NOW.symbols.values():
            number += 1
            symbol = f"label:{short}:{number}"
        if result["typeId"] not in _NOW.symbols:
            _NOW.symbols[result["typeId"]] = symbol
            out.append({"symbol": symbol, "label": _text(wording), "index": index})
    return out


def _symbol(type_id: int) -> Any:
    name = _NOW.symbols.get(type_id)
    return "{" + name + "}" if name is not None else type_id


def _text(value: str) -> str:
    return value.replace(_NOW.tag, "{tag}") if _NOW.tag else value


def _symbolic(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _symbolic(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_symbolic(v, key) for v in value]
    if isinstance(value, str):
        return _text(value)
    if key in LABEL_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return _symbol(value)
    return value


def _path(path: str) -> str:
    # Only delete_label carries a server-assigned ID in its path (…/labels/{typeId}).
    found = re.fullmatch(r"(.*/labels/)(\d+)", path)
    if found and int(found.group(2)) in _NOW.symbols:
        return found.group(1) + str(_symbol(int(found.group(2))))
    return path


def _body(content: bytes) -> Any:
    if not content:
        return None
    try:
        return _symbolic(json.loads(content))
    except ValueError:
        return {"unparsed": content.decode("utf-8", "replace")}


def _violation(error: BaseException) -> RuleViolation | None:
    if isinstance(error, RuleViolation):
        return error
    for inner in getattr(error, "exceptions", ()):
        found = _violation(inner)
        if found is not None:
            return found
    return None


def save(test: str, error: BaseException) -> Path | None:
    """Write the reproducer of a failed test; None when there is nothing --reproduce could judge
    again (no sequence, or a rule it does not judge: see the README)."""
    folder = os.environ.get(DIRECTORY_VARIABLE, "").strip()
    violation = _violation(error)
    steps = _NOW.steps
    if not folder or violation is None or not steps:
        return None
    if violation.rule not in ANSWER_RULES and not (
        violation.rule in READ_RULES and "expect" in steps[-1]
    ):
        return None
    for step in steps[:-1]:
        del step["answer"]
    last = steps[-1]
    last["answer"] = bytes(last["answer"]).decode("utf-8", "replace")[:ANSWER_KEPT]
    body = {
        "format": FORMAT,
        "version": VERSION,
        "kind": KIND,
        "rule": violation.rule,
        "operation": violation.operation,
        "message": _text(violation.detail),
        "test": test,
        "release": _NOW.release,
        "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "start": {"records": _NOW.records, "labels": []},
        "steps": steps,
    }
    path = write(body, violation.rule, violation.operation)
    _NOW.active = False
    _NOW.steps = []
    return path


def write(body: Mapping[str, Any], rule: str, operation: str) -> Path | None:
    """Write a reproducer file where this run keeps them (None: the run keeps none)."""
    folder = os.environ.get(DIRECTORY_VARIABLE, "").strip()
    if not folder:
        return None
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{rule}-{operation}")
    path = target / f"reproducer-{name}.json"
    number = 2
    while path.exists():
        path = target / f"reproducer-{name}-{number}.json"
        number += 1
    path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    _SAVED.append((rule, path))
    return path


def saved() -> list[str]:
    """For the summary: the command that reproduces each failure saved in this run."""
    options = os.environ.get(COMMAND_VARIABLE, "")
    return [
        f"[{rule}] hubspot-associations check --reproduce {path}{options}" for rule, path in _SAVED
    ]
