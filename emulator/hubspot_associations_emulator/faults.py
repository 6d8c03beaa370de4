"""Seeded, reproducible fault injection: a share of answers replaced by errors or dropped.

Spec strings look like ``rate=0.1,kinds=429+503+html+drop,seed=7,latency=20``:

- ``rate``: the share of HubSpot-path requests that get a fault (0..1);
- ``kinds``: ``+``-separated; an HTTP status (``429``: HubSpot's ten-secondly limit with its
  ``X-HubSpot-RateLimit-*`` headers; ``423``, ``477``, ``502``, ``503``, ``504``, …: HubSpot's
  error body), ``daily`` (the daily-limit 429, ``policyName: DAILY``), ``html`` (a 502 with an
  HTML body), ``drop`` (the connection closes without an answer) or ``cut`` (the request is
  applied, then its answer's body stops halfway and the connection closes);
- ``seed``: the random seed, so a run can be replayed;
- ``latency``: milliseconds added to every HubSpot-path answer.

A faulted request is not applied: the fault replaces the whole call. Except ``cut``: as when a
proxy loses the answer on its way back, the call was made.

Beside the rate, a *script* aims faults: ``{"operationId": "delete_label", "kind": "cut",
"after": 0, "times": 1}`` lets ``after`` matching calls through, then gives the next ``times``
ones that kind (no ``operationId``: every HubSpot-path request matches); ``retryAfter``
(seconds, or null for none) sets the answer's ``Retry-After`` header. Every entry counts the
calls it matches; the first entry that fires decides. Kinds are those of the spec; an entry is
an object so that later kinds can take options of their own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

KINDS_DEFAULT = ("429", "502", "503", "html", "drop")
# Kinds that are not an HTTP status.
NAMED_KINDS = ("html", "drop", "cut", "daily")


SCRIPT_FIELDS = ("operationId", "kind", "after", "times", "retryAfter")
# Retry-After of a fault when no entry sets it: HubSpot documents one on 477 only.
DEFAULT_RETRY_AFTER: dict[str, float | None] = {"477": 1}


@dataclass
class AimedFault:
    """One entry of a fault script: ``times`` faults of ``kind`` after ``after`` matching calls."""

    kind: str
    operation_id: str | None = None
    after: int = 0
    times: int = 1
    retry_after: float | None = None
    seen: int = 0
    fired: int = 0

    def take(self, operation_id: str | None, *, may_fire: bool = True) -> bool:
        """Count a call; whether this entry faults it (never when an earlier entry did)."""
        if self.operation_id is not None and operation_id != self.operation_id:
            return False
        self.seen += 1
        if may_fire and self.seen > self.after and self.fired < self.times:
            self.fired += 1
            return True
        return False

    def describe(self) -> dict[str, object]:
        """The entry as the control API shows it, with what it has done so far."""
        return {
            "operationId": self.operation_id,
            "kind": self.kind,
            "after": self.after,
            "times": self.times,
            "retryAfter": self.retry_after,
            "seen": self.seen,
            "fired": self.fired,
        }


@dataclass
class FaultPlan:
    """A parsed spec plus the random generator it drives."""

    rate: float = 0.0
    kinds: tuple[str, ...] = KINDS_DEFAULT
    seed: int = 0
    latency_ms: int = 0
    spec: str | None = None
    script: list[AimedFault] = field(default_factory=list)
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def draw(self, operation_id: str | None = None) -> tuple[str, float | None] | None:
        """The fault for the next request (to ``operation_id``) and its Retry-After, or None."""
        fired: AimedFault | None = None
        for entry in self.script:
            if entry.take(operation_id, may_fire=fired is None):
                fired = entry
        if fired is not None:
            return fired.kind, fired.retry_after
        if self.rate <= 0:
            return None
        if self._rng.random() < self.rate:
            kind = self._rng.choice(self.kinds)
            return kind, DEFAULT_RETRY_AFTER.get(kind)
        return None

    def describe(self) -> dict[str, object]:
        """The plan as the control API shows it."""
        return {
            "spec": self.spec,
            "rate": self.rate,
            "kinds": list(self.kinds),
            "seed": self.seed,
            "latencyMs": self.latency_ms,
            "script": [entry.describe() for entry in self.script],
        }


def parse_spec(spec: str | None) -> FaultPlan:
    """A FaultPlan from a spec string (None or "" means no faults)."""
    if not spec:
        return FaultPlan()
    values = _spec_items(spec)
    rate = float(values.get("rate", "0"))
    if not 0 <= rate <= 1:
        raise ValueError("fault rate must be between 0 and 1")
    return FaultPlan(
        rate=rate,
        kinds=_kinds(values.get("kinds", "+".join(KINDS_DEFAULT))),
        seed=int(values.get("seed", "0")),
        latency_ms=int(values.get("latency", "0")),
        spec=spec,
    )


def _spec_items(spec: str) -> dict[str, str]:
    """The ``key=value`` items of a spec (empty items skipped), every key a known one."""
    values: dict[str, str] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"fault spec item {part!r} is not key=value")
        values[key.strip()] = value.strip()
    unknown = set(values) - {"rate", "kinds", "seed", "latency"}
    if unknown:
        raise ValueError(f"unknown fault spec keys: {', '.join(sorted(unknown))}")
    return values


def parse_script(items: object, operations: frozenset[str]) -> list[AimedFault]:
    """A fault script from its JSON: a list of ``{operationId?, kind, after?, times?}``;
    ValueError naming the entry and field that is wrong."""
    if not isinstance(items, list):
        raise ValueError("script must be a list of {operationId?, kind, after?, times?}")
    script = []
    for i, item in enumerate(items):
        where = f"script[{i}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where} must be an object {{operationId?, kind, after?, times?}}")
        unknown = sorted(set(item) - set(SCRIPT_FIELDS))
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
        operation = item.get("operationId")
        if operation is not None and operation not in operations:
            raise ValueError(
                f"{where}.operationId: {operation!r} is not an operation "
                f"({', '.join(sorted(operations))})"
            )
        kind = item.get("kind")
        if not isinstance(kind, str):
            raise ValueError(f'{where}.kind must be a string, e.g. "cut" or "drop"')
        _kinds(kind if "+" not in kind else "")
        after, times = item.get("after", 0), item.get("times", 1)
        for name, value, least in (("after", after, 0), ("times", times, 1)):
            if type(value) is not int or value < least:
                raise ValueError(f"{where}.{name} must be an integer from {least}, got {value!r}")
        retry_after = item.get("retryAfter", DEFAULT_RETRY_AFTER.get(kind))
        if retry_after is not None and (
            type(retry_after) not in (int, float) or not 0 <= retry_after <= 86400
        ):
            raise ValueError(
                f"{where}.retryAfter must be seconds from 0 to 86400 or null, got {retry_after!r}"
            )
        script.append(AimedFault(kind, operation, after, times, retry_after))
    return script


def _kinds(text: str) -> tuple[str, ...]:
    """The ``+``-separated kinds: HTTP statuses from 400 to 599 or a named kind, at least one."""
    kinds = tuple(k for k in text.split("+") if k)
    for kind in kinds:
        status = kind.isascii() and kind.isdigit() and len(kind) == 3 and 400 <= int(kind) <= 599
        if kind not in NAMED_KINDS and not status:
            raise ValueError(f"unknown fault kind {kind!r}")
    if not kinds:
        raise ValueError("fault kinds must not be empty")
    return kinds
