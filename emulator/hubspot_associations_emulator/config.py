"""The emulator's settings, shared by the app factory, the CLI and the test helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .catalog import resolve_object_type
from .errors import ApiError
from .numbers import LABELS_PER_PAIR
from .tokens import Token

DEFAULT_TOKEN = "emulator-token"
# The environment variable holding the control token, read by serve, the fixtures and clients.
CONTROL_TOKEN_ENV = "HUBSPOT_EMULATOR_CONTROL_TOKEN"
# The largest per-pair record limit (HubSpot's limits are int32 in its configuration calls).
MAX_RECORD_LIMIT = 2**31 - 1

RecordLimits = tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that changes how the emulator answers.

    Auth is always on: requests to HubSpot paths need ``Authorization: Bearer <one of tokens>``.
    """

    # Full-access private-app tokens of the default portal (``--token``).
    tokens: tuple[str, ...] = (DEFAULT_TOKEN,)
    # More start-up tokens, of any portal, kind and scopes (``--tokens FILE``).
    token_records: tuple[Token, ...] = ()
    # How a portal enforces scopes: granular (inferred rules) or published (HubSpot's files).
    scope_mode: Literal["granular", "published"] = "granular"
    # When set, every /_emulator/* call needs ``Authorization: Bearer <control_token>``.
    control_token: str | None = None
    db_path: str | None = None
    rate_limit: tuple[int, float] | None = None
    latency_ms: int = 0
    faults: str | None = None
    numeric_ids: bool = False
    max_labels_per_pair: int = LABELS_PER_PAIR
    strict_records: bool = False
    # auto: each release's own form (string on v4, the DateTime object on dated releases).
    enqueue_time_format: Literal["auto", "string", "object"] = "auto"
    # How the v4 paths answer: a key of release_table.PROFILES ("current", or an earlier v4).
    profile: str = "current"
    # Seconds a client may take to send a request's headers, and then its body (each).
    request_timeout: float = 30.0
    # Far above a 2,000-input batch (about 300 KB), far below what would strain a test machine.
    max_body_bytes: int = 16 * 1024 * 1024
    # (operationId, answer) pairs: how a repeated write is answered where HubSpot is silent
    # (repeat_answers.CHOICES; the first choice of each when absent).
    repeat_answers: tuple[tuple[str, str], ...] = ()
    # (from object type, to object type, limit): the per-record limit of an object pair, the one
    # the limits usage calls and the high-usage report use where no user limit is set (pairs not
    # listed: numbers.RECORDS_PER_TYPE). Object types by name or ID; writes are not refused past it.
    record_limits: RecordLimits = ()
    # Webhook deliveries (webhooks.py): the retry schedule's scale (0.001: a minute is 60 ms), and
    # the test switches: every batch sent twice, batches and events out of order, nothing sent
    # until POST /_emulator/webhooks/flush.
    webhook_time_scale: float = 1.0
    webhook_duplicates: bool = False
    webhook_shuffle: bool = False
    webhook_hold: bool = False
    # The release table (release_table.RELEASES when None); a test may play a made-up release.
    releases: Mapping[str, dict[str, Any]] | None = field(default=None, hash=False, compare=False)

    @property
    def token(self) -> str:
        """The token to hand to clients (the first accepted one)."""
        return self.tokens[0] if self.tokens else DEFAULT_TOKEN


def check_record_limits(items: Iterable[tuple[str, str, int]]) -> RecordLimits:
    """Per-pair record limits with their object types as type IDs, each pair once, each limit from
    1 to MAX_RECORD_LIMIT, in the order given; ValueError naming what is wrong."""
    out: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    for from_type, to_type, limit in items:
        try:
            pair = (resolve_object_type(from_type), resolve_object_type(to_type))
        except ApiError as exc:
            raise ValueError(f"record limit {from_type}:{to_type}: {exc.message}") from None
        if type(limit) is not int or not 1 <= limit <= MAX_RECORD_LIMIT:
            raise ValueError(
                f"record limit {from_type}:{to_type}: an integer from 1 to {MAX_RECORD_LIMIT}, "
                f"got {limit!r}"
            )
        if pair in seen:
            raise ValueError(f"record limit {pair[0]}:{pair[1]} is given twice")
        seen.add(pair)
        out.append((*pair, limit))
    return tuple(out)


def parse_record_limit(text: str) -> tuple[str, str, int]:
    """``FROM:TO=N`` (``0-1:0-2=3``, ``contact:company=3``) as (from, to, N); ValueError else."""
    pair, equals, number = text.partition("=")
    from_type, colon, to_type = pair.partition(":")
    digits = number.strip()
    if not (equals and colon and from_type and to_type and digits.isascii() and digits.isdigit()):
        raise ValueError(f"record limit {text!r}: expected FROM:TO=N, e.g. 0-1:0-2=3")
    # int() refuses more than 4,300 digits: anything past 20 is out of range anyway.
    limit = int(digits) if len(digits) <= 20 else MAX_RECORD_LIMIT + 1
    (checked,) = check_record_limits([(from_type.strip(), to_type.strip(), limit)])
    return checked
