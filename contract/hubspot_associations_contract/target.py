"""What the suite runs against, read once from the environment ``hubspot-associations check`` sets.

* ``HUBSPOT_CONTRACT_TARGET=emulator`` with ``HUBSPOT_BASE_URL``: an emulator (the embedded one the
  command starts, or one you run) whose control API under ``/_emulator/`` the suite may use. Every
  rule is enforced.
* ``HUBSPOT_CONTRACT_TARGET=live``: any server by URL and token (a sandbox portal). Rules HubSpot
  does not promise are reported, not failed; generated data only reads; the model-based run writes
  only with ``HUBSPOT_CONTRACT_ALLOW_WRITES=1`` and on the records of ``HUBSPOT_CONTRACT_RECORDS``.

Nothing else in the package reads these variables.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from hubspot_associations._values.ids import InvalidId, canonical_id, describe_value

from .ledger import LEDGER_VARIABLE
from .leftovers import RUN_TAG_VARIABLE, new_run_tag

__all__ = [
    "DEFAULT_READ_BACK_WAIT_MS",
    "DEFAULT_SEED",
    "MIN_RECORDS",
    "READONLY_TOKEN_VARIABLE",
    "READ_BACK_WAIT_VARIABLE",
    "Target",
    "TargetError",
    "env_int",
    "parse_records",
    "phases",
    "selected",
]

DEFAULT_SEED = 20260323
DEFAULT_EXAMPLES = 20
# How long a live read-back waits for HubSpot's eventually consistent reads to agree with the
# model (milliseconds; HUBSPOT_CONTRACT_READ_BACK_WAIT_MS): long enough for HubSpot's usual lag,
# short enough that a write that did nothing fails the run in seconds.
READ_BACK_WAIT_VARIABLE = "HUBSPOT_CONTRACT_READ_BACK_WAIT_MS"
# A read-only token of the live portal, for refusals.change-nothing (preflight.py checks it).
READONLY_TOKEN_VARIABLE = "HUBSPOT_CONTRACT_READONLY_TOKEN"
DEFAULT_READ_BACK_WAIT_MS = 2000
DEFAULT_TOKEN = "emulator-token"


class TargetError(ValueError):
    """The environment names no usable target; the message says what to set."""


@dataclass(frozen=True)
class Target:
    """Where the suite sends its requests and how strictly it judges the answers."""

    kind: Literal["emulator", "live"]
    base_url: str
    token: str
    release: str = "v4"
    seed: int = DEFAULT_SEED
    examples: int = DEFAULT_EXAMPLES
    allow_writes: bool = True
    # object type -> record IDs the model-based run may associate (live: from the environment).
    records: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # This run's tag in the names of the labels it creates (leftovers.py), and the ledger file of
    # the pairs it may have associated (live runs; None: not kept).
    run_tag: str = field(default_factory=new_run_tag)
    ledger: Path | None = None
    # Seconds a live read-back re-reads until the portal agrees with the model.
    read_back_wait: float = DEFAULT_READ_BACK_WAIT_MS / 1000
    # A second token of the portal without write scopes (HUBSPOT_CONTRACT_READONLY_TOKEN): a live
    # run sends refusals.change-nothing's refused write with it ("": the rule is not judged).
    readonly_token: str = ""

    @property
    def strict(self) -> bool:
        """Every rule is enforced (the emulator), or only what HubSpot promises (live)."""
        return self.kind == "emulator"


# The graph run associates contacts with companies; these spellings name them.
_ALIASES = {"contact": "contact", "contacts": "contact", "0-1": "contact",
            "company": "company", "companies": "company", "0-2": "company"}  # fmt: skip
MIN_RECORDS = 2


def parse_records(text: str) -> dict[str, tuple[str, ...]]:
    """``contact:101,102;company:201,202`` as {object type: IDs}; a bad value says what is wrong.

    Empty text is no records (the graph run is skipped); otherwise both contacts and companies,
    at least two of each, are needed.
    """
    out: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, ids = part.partition(":")
        values = tuple(filter(None, (i.strip() for i in ids.split(","))))
        if not sep or not name.strip() or not values:
            raise TargetError(
                f"HUBSPOT_CONTRACT_RECORDS: {part!r} is not TYPE:ID,ID,… "
                "(e.g. contact:101,102,103;company:201,202,203)"
            )
        canonical = [_record_id(name, v) for v in values]
        kind = _ALIASES.get(name.strip().lower())
        if kind is None:
            raise TargetError(
                f"HUBSPOT_CONTRACT_RECORDS: {name.strip()!r}: the graph run uses contacts and "
                "companies only (contact:…;company:…)"
            )
        out[kind] = tuple(dict.fromkeys(canonical))
    short = [k for k in ("contact", "company") if len(out.get(k, ())) < MIN_RECORDS]
    if out and short:
        raise TargetError(
            f"HUBSPOT_CONTRACT_RECORDS needs at least {MIN_RECORDS} different IDs of both contact "
            f"and company (short: {', '.join(short)}), e.g. contact:101,102,103;company:201,202,203"
        )
    return out


def _record_id(name: str, value: str) -> str:
    # The client's one rule for record IDs: ASCII digits, 1 to 2^63 - 1, 007 is 7.
    try:
        return canonical_id(value)
    except InvalidId as exc:
        shown = describe_value(value)
        raise TargetError(f"HUBSPOT_CONTRACT_RECORDS: {name}: {shown} {exc}") from None


def env_int(name: str, default: int, minimum: int) -> int:
    """An integer setting from the environment; TargetError names the variable when it is bad."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise TargetError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise TargetError(f"{name} must be at least {minimum}, got {value}")
    return value


if TYPE_CHECKING:
    from hypothesis import Phase


def phases() -> tuple[Phase, ...]:
    """Hypothesis' phases for this run: no shrinking against a live target, where every
    shrinking step is more writes and minutes of waiting; the first failing example is reported
    as it came, and the same --seed replays it."""
    from hypothesis import Phase  # the [contract] extra; the command checks it is installed

    return tuple(p for p in Phase if selected().strict or p is not Phase.shrink)


@functools.cache
def selected() -> Target:
    """The target of this run, from the environment."""
    kind = os.environ.get("HUBSPOT_CONTRACT_TARGET", "emulator").strip().lower() or "emulator"
    if kind not in ("emulator", "live"):
        raise TargetError(f"HUBSPOT_CONTRACT_TARGET must be 'emulator' or 'live', got {kind!r}")
    base_url = os.environ.get("HUBSPOT_BASE_URL", "").strip().rstrip("/")
    if not base_url:
        if kind == "emulator":
            raise TargetError(
                "no emulator URL: run the suite with `hubspot-associations check`, which starts one"
            )
        base_url = "https://api.hubapi.com"
    token = os.environ.get("HUBSPOT_ACCESS_TOKEN", "").strip()
    if kind == "live" and not token:
        raise TargetError("HUBSPOT_ACCESS_TOKEN is not set: a live target needs a token")
    return Target(
        kind="live" if kind == "live" else "emulator",
        base_url=base_url,
        token=token or DEFAULT_TOKEN,
        release=os.environ.get("HUBSPOT_CONTRACT_API_VERSION", "v4").strip() or "v4",
        seed=env_int("HUBSPOT_CONTRACT_SEED", DEFAULT_SEED, 0),
        examples=env_int("HUBSPOT_CONTRACT_EXAMPLES", DEFAULT_EXAMPLES, 1),
        allow_writes=kind == "emulator"
        or os.environ.get("HUBSPOT_CONTRACT_ALLOW_WRITES", "") in ("1", "true", "yes"),
        records=parse_records(os.environ.get("HUBSPOT_CONTRACT_RECORDS", "")),
        run_tag=os.environ.get(RUN_TAG_VARIABLE, "").strip() or new_run_tag(),
        ledger=Path(ledger) if (ledger := os.environ.get(LEDGER_VARIABLE, "").strip()) else None,
        read_back_wait=env_int(READ_BACK_WAIT_VARIABLE, DEFAULT_READ_BACK_WAIT_MS, 0) / 1000,
        readonly_token=os.environ.get(READONLY_TOKEN_VARIABLE, "").strip(),
    )
