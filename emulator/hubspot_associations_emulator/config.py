"""The emulator's settings, shared by the app factory, the CLI and the test helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

DEFAULT_TOKEN = "emulator-token"


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that changes how the emulator answers.

    Auth is always on: requests to HubSpot paths need ``Authorization: Bearer <one of tokens>``.
    """

    tokens: tuple[str, ...] = (DEFAULT_TOKEN,)
    db_path: str | None = None
    rate_limit: tuple[int, float] | None = None
    latency_ms: int = 0
    faults: str | None = None
    numeric_ids: bool = False
    max_labels_per_pair: int = 10
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
    # The release table (release_table.RELEASES when None); a test may play a made-up release.
    releases: Mapping[str, dict[str, Any]] | None = field(default=None, hash=False, compare=False)

    @property
    def token(self) -> str:
        """The token to hand to clients (the first accepted one)."""
        return self.tokens[0] if self.tokens else DEFAULT_TOKEN
