"""What moving to another HubSpot release changes for recorded traffic (``migrate-report``).

Everything it knows is data: the generated release table (each release's path families, the
operations it lacks, its success statuses and the top-level keys of each success answer, read
from its strict spec) and the curated spec's operation paths. A new row of
``openapi/releases.yaml`` and ``make generate`` are all it needs to know a new release.

Each request of the traffic is mapped to its release (by path family) and its operationId (by the
operation's path under that family). Then, for the target release and per operation:

- **lacking**: the target has no such operation (and what this package offers instead);
- **status and body changes**: what the traffic's answers show (status, top-level keys, the
  report's ``enqueueTime`` form) against what the target answers for the same operation, or, when
  the traffic holds no answers, the source release's table against the target's. An answer whose
  body the file does not hold readably (a HAR body not recorded, or compressed with a coding the
  standard library cannot undo) keeps its status, and its keys come from its release's table;
- **path rewrites**: information only, since this package's clients make them (none for a
  lacking operation: the target has no path for it);
- requests that map to no operation.

CRM object calls (``/crm/v3/objects/…``, ``/crm/objects/{release}/…``: create, read, search,
batch …) are counted apart by name (``objects.py``), not judged: neither lacking nor unmapped,
and no part of the exit code or of which release the traffic mostly used.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from ..._release_table import OPERATION_PATHS, RELEASE_DATA
from .objects import NOT_JUDGED, object_call
from .traffic import Exchange

__all__ = [
    "EXIT_CHANGES",
    "EXIT_ONLY_PATHS",
    "INSTEAD",
    "Mapped",
    "MigrationReport",
    "OperationReport",
    "build_report",
    "family_base",
    "map_request",
    "render_text",
    "report_json",
]

EXIT_ONLY_PATHS: Final = 0
EXIT_CHANGES: Final = 1
# What this package offers where a release lacks an operation (per operation, not per release).
INSTEAD: Final[dict[str, str]] = {
    "list_associations": (
        "client.basic.get_page / iter_all read through batch_read_associations on a release "
        "without the list call (same items, limit kept; cursors belong to that release)"
    ),
}
_CURATED_BASES: Final = {
    "/crm/v4/objects": "object_base",
    "/crm/v4/associations": "association_bases",
    "/crm/v3/limits/associations": "limits_base",
}
Keys = tuple[str, ...] | None


def _templates() -> list[tuple[str, str, str, re.Pattern[str], int]]:
    """(family field, method, operationId, pattern of the path under the base, literal count),
    most literal segments first so that ``records/from`` wins over ``records/{id}/to``."""
    out = []
    for operation, (method, path) in OPERATION_PATHS.items():
        for base, family in _CURATED_BASES.items():
            if path.startswith(base + "/"):
                rest = path[len(base) :]
                parts = rest.strip("/").split("/")
                regex = "/" + "/".join(
                    "[^/]+" if p.startswith("{") else re.escape(p) for p in parts
                )
                literals = sum(not p.startswith("{") for p in parts)
                out.append((family, method, operation, re.compile(regex + "/?"), literals))
    return sorted(out, key=lambda t: -t[4])


_TEMPLATES: Final = _templates()


def _bases(releases: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """(base, family field, release), longest base first."""
    found = []
    for name, row in releases.items():
        found.append((row["object_base"], "object_base", name))
        found.extend((base, "association_bases", name) for base in row["association_bases"])
        found.append((row["limits_base"], "limits_base", name))
    return sorted(found, key=lambda b: -len(b[0]))


class Mapped(NamedTuple):
    """Where a request belongs: its release, operationId, path family field and the base it used."""

    release: str
    operation: str
    family: str
    base: str


def family_base(row: Mapping[str, Any], family: str) -> str:
    """The base a client sends for one path family of a release row (the first spelling)."""
    value = row[family]
    return str(value[0] if isinstance(value, list | tuple) else value)


def map_request(
    method: str, path: str, releases: Mapping[str, Mapping[str, Any]] = RELEASE_DATA
) -> Mapped | None:
    """The release, operationId, path family and base of one request, or None."""
    for base, family, release in _bases(releases):
        if not path.startswith(base + "/"):
            continue
        rest = path[len(base) :]
        for wanted, verb, operation, pattern, _ in _TEMPLATES:
            if wanted == family and verb == method.upper() and pattern.fullmatch(rest):
                return Mapped(release, operation, family, base)
        return None
    return None


@dataclass
class OperationReport:
    """One operation of the traffic, against the target release."""

    operation: str
    calls: int
    releases: list[str]
    lacking: bool = False
    instead: str | None = None
    status_changes: list[str] = field(default_factory=list)
    body_changes: list[str] = field(default_factory=list)
    path_rewrites: list[str] = field(default_factory=list)
    # The answers the traffic shows: "201 {results, status, …}", or "no answers recorded".
    observed: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        """Whether the user's code sees a difference beyond the path."""
        return self.lacking or bool(self.status_changes or self.body_changes)


@dataclass
class MigrationReport:
    """The whole report: the source release(s), the target, each operation, what did not map."""

    source: str
    target: str
    requests: int
    operations: list[OperationReport]
    unmapped: list[str]
    # CRM object calls by operation name (create_object: 2, …): counted, not judged.
    object_calls: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 when only paths change, 1 when an operation is lacking or its answers change."""
        return EXIT_CHANGES if any(o.changes for o in self.operations) else EXIT_ONLY_PATHS

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``--json``)."""
        return {
            "from": self.source,
            "to": self.target,
            "requests": self.requests,
            "exitCode": self.exit_code,
            "operations": [
                {
                    "operation": o.operation,
                    "calls": o.calls,
                    "releases": o.releases,
                    "lacking": o.lacking,
                    "instead": o.instead,
                    "statusChanges": o.status_changes,
                    "bodyChanges": o.body_changes,
                    "pathRewrites": o.path_rewrites,
                    "observed": o.observed,
                }
                for o in self.operations
            ],
            "unmapped": self.unmapped,
            "objectCalls": {
                "total": sum(self.object_calls.values()),
                "operations": dict(self.object_calls),
                "note": NOT_JUDGED,
            },
        }


def _keys(exchange: Exchange) -> Keys:
    """The answer's top-level keys (None: no body; ("[array]",) for a JSON array)."""
    if not exchange.response_body.strip():
        return None
    body = exchange.response_json()
    if isinstance(body, dict):
        return tuple(sorted(body))
    return ("[array]",) if isinstance(body, list) else ("[not JSON]",)


def _show(status: int, keys: Keys) -> str:
    return f"{status} " + ("(no body)" if keys is None else "{" + ", ".join(keys) + "}")


def _observed(exchange: Exchange, status: int) -> str:
    """One answer of the traffic as the report shows it."""
    unread = exchange.response_unread
    if unread is None:
        return _show(status, _keys(exchange))
    if unread == "body not recorded":
        return f"{status} (body not recorded)"
    return f"{status} [{unread}]"


def _enqueue_form(exchange: Exchange) -> str | None:
    body = exchange.response_json()
    value = body.get("enqueueTime") if isinstance(body, dict) else None
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else None


_FORMS: Final = {"string": "an ISO string", "object": "a DateTime object {dateOnly, value, …}"}


# One answer to compare: (status, top-level keys, how it is shown when its body is unknown).
Seen = tuple[int, Keys, str | None]


def _compare(
    report: OperationReport,
    seen: Iterable[Seen],
    target: Mapping[str, Any],
    target_name: str,
    where: str,
) -> None:
    """Status and body changes of ``seen`` answers against the target's table (an answer whose
    body is unknown is compared by its status only)."""
    bodies: dict[int, Keys] = target["bodies"].get(report.operation, {})
    shown_targets = ", ".join(_show(s, k) for s, k in bodies.items())
    for status, keys, unknown in sorted(set(seen), key=lambda s: (s[0], s[1] or (), s[2] or "")):
        if not 200 <= status <= 299:
            continue
        if status not in bodies:
            shown = unknown or _show(status, keys)
            report.status_changes.append(f"{where} {shown}; {target_name} answers {shown_targets}")
            continue
        if unknown is not None:
            continue
        theirs = bodies[status]
        if keys is None and theirs is not None:
            report.body_changes.append(
                f"{where} {status} with no body; {target_name} answers {_show(status, theirs)}"
            )
        elif keys is not None and theirs is None:
            report.body_changes.append(
                f"{where} {_show(status, keys)}; {target_name} answers {status} with no body"
            )
        elif keys is not None and theirs is not None:
            gone = sorted(set(keys) - set(theirs) - {"[array]", "[not JSON]"})
            if gone:
                report.body_changes.append(
                    f"{where} {status} has {', '.join(gone)}, which {target_name}'s {status} "
                    f"lacks ({_show(status, theirs)})"
                )


def _compare_answers(
    report: OperationReport,
    answered: Sequence[tuple[Exchange, str]],
    releases: Mapping[str, Mapping[str, Any]],
    target: str,
) -> None:
    """The traffic's answers against the target's. An answer whose body the traffic does not
    hold readably (not recorded, compressed past the standard library) is judged from the table
    of the release that gave it: its status is real, its keys are that release's for the status
    (only the status is compared when the table does not know the status either)."""
    goal = releases[target]
    read: list[Seen] = []
    by_release: dict[str, list[Seen]] = {}
    for x, release in answered:
        status = x.status
        if status is None:
            continue
        if x.response_unread is None:
            read.append((status, _keys(x), None))
            continue
        table: Mapping[int, Keys] = releases[release]["bodies"].get(report.operation, {})
        if status in table:
            by_release.setdefault(release, []).append((status, table[status], None))
        else:
            read.append((status, None, _observed(x, status)))
    _compare(report, read, goal, target, "the traffic shows")
    for release, seen in sorted(by_release.items()):
        _compare(report, seen, goal, target, f"{release} answers")


def build_report(
    exchanges: Sequence[Exchange],
    target: str,
    source: str | None = None,
    releases: Mapping[str, Mapping[str, Any]] = RELEASE_DATA,
) -> MigrationReport:
    """The report of ``exchanges`` against release ``target`` (``source``: the release to read
    when the traffic holds no answers; by default the release most of the traffic used)."""
    if target not in releases:
        raise ValueError(f"unknown release {target!r}; known: {', '.join(releases)}")
    by_operation: dict[str, list[tuple[str, str, Exchange]]] = {}
    unmapped: list[str] = []
    object_calls: Counter[str] = Counter()
    for exchange in exchanges:
        found = map_request(exchange.method, exchange.path, releases)
        if found is None:
            other = object_call(exchange.method, exchange.path, releases)
            if other is not None:
                object_calls[other.operation] += 1
            else:
                unmapped.append(f"{exchange.method} {exchange.path}")
            continue
        by_operation.setdefault(found.operation, []).append((found.release, found.family, exchange))
    used = Counter(r for calls in by_operation.values() for r, _, _ in calls)
    chosen = source or (used.most_common(1)[0][0] if used else target)
    if chosen not in releases:
        raise ValueError(f"unknown release {chosen!r}; known: {', '.join(releases)}")
    goal = releases[target]
    operations = []
    for operation, calls in sorted(by_operation.items()):
        report = OperationReport(operation, len(calls), sorted({r for r, _, _ in calls}))
        answered = [(x, r) for r, _, x in calls if x.status is not None]
        report.observed = sorted({_observed(x, x.status) for x, _ in answered if x.status}) or [
            "no answers recorded"
        ]
        if operation in goal["lacks"]:
            report.lacking = True
            report.instead = INSTEAD.get(operation)
        else:
            if answered:
                _compare_answers(report, answered, releases, target)
            else:
                table = releases[chosen]["bodies"].get(operation, {})
                seen = [(s, k, None) for s, k in table.items()]
                _compare(report, seen, goal, target, f"{chosen} answers")
            if operation == "request_high_usage_report":
                _compare_enqueue(report, [x for x, _ in answered], releases[chosen], goal, target)
            # No path line for a lacking operation: the target has no path to rewrite it to.
            report.path_rewrites = _rewrites(calls, releases, target)
        operations.append(report)
    return MigrationReport(
        chosen, target, len(exchanges), operations, unmapped, dict(sorted(object_calls.items()))
    )


def _compare_enqueue(
    report: OperationReport,
    answered: list[Exchange],
    source: Mapping[str, Any],
    goal: Mapping[str, Any],
    target: str,
) -> None:
    forms = {f for f in (_enqueue_form(x) for x in answered) if f is not None}
    if not forms:
        forms = {str(source["enqueue_time"])}
    for form in sorted(forms - {str(goal["enqueue_time"])}):
        report.body_changes.append(
            f"enqueueTime is {_FORMS.get(form, form)} in the traffic; {target} answers "
            f"{_FORMS.get(str(goal['enqueue_time']), goal['enqueue_time'])}"
        )


def _rewrites(
    calls: list[tuple[str, str, Exchange]], releases: Mapping[str, Mapping[str, Any]], target: str
) -> list[str]:
    out: set[str] = set()
    for release, family, _ in calls:
        if release == target:
            continue
        out.add(
            f"{family_base(releases[release], family)}/… → "
            f"{family_base(releases[target], family)}/…"
        )
    return sorted(out)


def render_text(report: MigrationReport) -> list[str]:
    """The report as lines for a terminal."""
    lines = [
        f"migrate-report: {report.requests} request(s), mostly {report.source}, against "
        f"{report.target}"
    ]
    for o in report.operations:
        head = f"{o.operation} ({o.calls} call{'s' if o.calls != 1 else ''})"
        if o.lacking:
            lines.append(f"  {head}: LACKING in {report.target}")
            if o.instead:
                lines.append(f"      instead: {o.instead}")
        elif o.changes:
            lines.append(f"  {head}: answers change")
        else:
            lines.append(f"  {head}: unchanged but for the path")
        lines.extend(f"      status: {c}" for c in o.status_changes)
        lines.extend(f"      body: {c}" for c in o.body_changes)
        lines.extend(f"      path (the client rewrites it): {r}" for r in o.path_rewrites)
    if report.object_calls:
        total = sum(report.object_calls.values())
        counts = ", ".join(f"{op} {n}" for op, n in report.object_calls.items())
        lines.append(f"  object calls ({total}), {NOT_JUDGED}:")
        lines.append(f"      {counts}")
    if report.unmapped:
        lines.append(f"  not mapped to any operation ({len(report.unmapped)}):")
        lines.extend(f"      {u}" for u in sorted(set(report.unmapped)))
    lines.append(
        "exit 1: an operation is lacking or its answers change"
        if report.exit_code
        else "exit 0: only paths change"
    )
    return lines


def report_json(report: MigrationReport) -> str:
    """The report as one JSON document."""
    return json.dumps(report.to_dict(), indent=2)
