# GENERATED FILE: do not edit. Made by codegen/unasync.py from control_client/async_client.py;
# change that file and run `make generate`.
"""The synchronous control client: one method per control call, dataclasses in and out.

Only the async module is written by hand; codegen/unasync.py derives the sync twin from it, so
the two cannot drift apart. The wire forms both use live in ``values.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import httpx

from .values import (
    AimedFault,
    EmulatorSettings,
    FaultPlan,
    Journal,
    RecordLimits,
    RequestCounts,
    SeedAssociation,
    SeedBulk,
    Seeded,
    SeedLabel,
    SeedLimit,
    Snapshot,
    config_body,
    journal_body,
    rate_limit_body,
    read_answer,
    read_counts,
    read_faults,
    read_journal,
    read_rate_limit,
    read_seeded,
    read_settings,
    seed_body,
)

__all__ = ["ControlClient"]

_TIMEOUT = 30.0


class ControlClient:
    """The control API of the emulator at ``base_url``, for synchronous tests."""

    def __init__(self, base_url: str, *, http: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.Client(timeout=_TIMEOUT)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, body: object = None) -> Any:
        url = f"{self.base_url}/_emulator/{path}"
        return read_answer(self._http.request(method, url, json=body))

    def health(self) -> bool:
        """Whether the emulator answers."""
        answer = self._call("GET", "health")
        return bool(answer.get("status") == "ok")

    def reset(self) -> None:
        """Empty the store and the counts; faults, rate limit and config back to the start-up."""
        self._call("POST", "reset", {})

    def seed(
        self,
        *,
        records: Mapping[str, Sequence[int | str]] | None = None,
        labels: Sequence[SeedLabel] = (),
        associations: Sequence[SeedAssociation] = (),
        bulk: Sequence[SeedBulk] = (),
        limits: Sequence[SeedLimit] = (),
    ) -> Seeded:
        """Add state, applied whole or not at all (``ControlError`` naming what is wrong)."""
        body = seed_body(records, labels, associations, bulk, limits)
        return read_seeded(self._call("POST", "seed", body))

    def settings(self) -> EmulatorSettings:
        """The configuration answering now."""
        return read_settings(self._call("GET", "config"))

    def configure(
        self,
        *,
        profile: str | None = None,
        numeric_ids: bool | None = None,
        max_labels_per_pair: int | None = None,
        enqueue_time_format: Literal["auto", "string", "object"] | None = None,
        repeat_answers: Mapping[str, str] | None = None,
        record_limits: RecordLimits | None = None,
    ) -> EmulatorSettings:
        """Change what is given, until the next reset; ``record_limits`` (``RecordLimit`` or
        (from, to, limit) tuples) replaces the configured per-pair record limits whole."""
        body = config_body(
            profile,
            numeric_ids,
            max_labels_per_pair,
            enqueue_time_format,
            repeat_answers,
            record_limits,
        )
        return read_settings(self._call("PUT", "config", body))

    def rate_limit(self) -> tuple[int, float] | None:
        """(requests, seconds) of the rate limit, or None."""
        return read_rate_limit(self._call("GET", "rate-limit"))

    def set_rate_limit(self, requests: int | None, seconds: float | None = None) -> None:
        """At most ``requests`` per rolling ``seconds`` (None: no limit)."""
        self._call("PUT", "rate-limit", rate_limit_body(requests, seconds))

    def faults(self) -> FaultPlan:
        """The fault plan, with each aimed fault's ``seen`` and ``fired``."""
        return read_faults(self._call("GET", "faults"))

    def set_faults(self, spec: str | None = None, script: Sequence[AimedFault] = ()) -> FaultPlan:
        """Replace the plan: random faults (``rate=…,kinds=…``) and aimed ones."""
        body = {"spec": spec, "script": [f.body() for f in script]}
        return read_faults(self._call("PUT", "faults", body))

    def requests(self) -> RequestCounts:
        """Request counts since the last reset."""
        return read_counts(self._call("GET", "requests"))

    def reports(self) -> list[dict[str, Any]]:
        """Every high-usage report requested, with its content."""
        answer = self._call("GET", "reports")
        return list(answer["results"])

    def journal(self) -> Journal:
        """Every HubSpot-path request since the last reset (oldest first)."""
        return read_journal(self._call("GET", "journal"))

    def journal_jsonl(self) -> str:
        """The journal as JSON Lines."""
        response = self._http.get(f"{self.base_url}/_emulator/journal.jsonl")
        return response.text

    def journal_har(self) -> dict[str, Any]:
        """The journal as a HAR 1.2 log."""
        return dict(self._call("GET", "journal.har"))

    def set_journal(
        self,
        *,
        max_entries: int | None = None,
        max_bytes: int | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Bound the journal (by entries and bytes), or turn it off or on."""
        self._call("PUT", "journal", journal_body(max_entries, max_bytes, enabled))

    def snapshot(self) -> Snapshot:
        """The store now: records, labels with their type-ID counter, associations, limits,
        reports (not faults, the rate limit nor request counts)."""
        return Snapshot(self._call("GET", "snapshot"))

    def restore(self, snapshot: Snapshot) -> None:
        """The store exactly as ``snapshot`` holds it."""
        self._call("PUT", "snapshot", snapshot.data)
