"""The asynchronous control client: one method per control call, dataclasses in and out.

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

__all__ = ["AsyncControlClient"]

_TIMEOUT = 30.0


class AsyncControlClient:
    """The control API of the emulator at ``base_url``, for asynchronous tests."""

    def __init__(self, base_url: str, *, http: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=_TIMEOUT)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncControlClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _call(self, method: str, path: str, body: object = None) -> Any:
        url = f"{self.base_url}/_emulator/{path}"
        return read_answer(await self._http.request(method, url, json=body))

    async def health(self) -> bool:
        """Whether the emulator answers."""
        answer = await self._call("GET", "health")
        return bool(answer.get("status") == "ok")

    async def reset(self) -> None:
        """Empty the store and the counts; faults, rate limit and config back to the start-up."""
        await self._call("POST", "reset", {})

    async def seed(
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
        return read_seeded(await self._call("POST", "seed", body))

    async def settings(self) -> EmulatorSettings:
        """The configuration answering now."""
        return read_settings(await self._call("GET", "config"))

    async def configure(
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
        return read_settings(await self._call("PUT", "config", body))

    async def rate_limit(self) -> tuple[int, float] | None:
        """(requests, seconds) of the rate limit, or None."""
        return read_rate_limit(await self._call("GET", "rate-limit"))

    async def set_rate_limit(self, requests: int | None, seconds: float | None = None) -> None:
        """At most ``requests`` per rolling ``seconds`` (None: no limit)."""
        await self._call("PUT", "rate-limit", rate_limit_body(requests, seconds))

    async def faults(self) -> FaultPlan:
        """The fault plan, with each aimed fault's ``seen`` and ``fired``."""
        return read_faults(await self._call("GET", "faults"))

    async def set_faults(
        self, spec: str | None = None, script: Sequence[AimedFault] = ()
    ) -> FaultPlan:
        """Replace the plan: random faults (``rate=…,kinds=…``) and aimed ones."""
        body = {"spec": spec, "script": [f.body() for f in script]}
        return read_faults(await self._call("PUT", "faults", body))

    async def requests(self) -> RequestCounts:
        """Request counts since the last reset."""
        return read_counts(await self._call("GET", "requests"))

    async def reports(self) -> list[dict[str, Any]]:
        """Every high-usage report requested, with its content."""
        answer = await self._call("GET", "reports")
        return list(answer["results"])

    async def journal(self) -> Journal:
        """Every HubSpot-path request since the last reset (oldest first)."""
        return read_journal(await self._call("GET", "journal"))

    async def journal_jsonl(self) -> str:
        """The journal as JSON Lines."""
        response = await self._http.get(f"{self.base_url}/_emulator/journal.jsonl")
        return response.text

    async def journal_har(self) -> dict[str, Any]:
        """The journal as a HAR 1.2 log."""
        return dict(await self._call("GET", "journal.har"))

    async def set_journal(
        self,
        *,
        max_entries: int | None = None,
        max_bytes: int | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Bound the journal (by entries and bytes), or turn it off or on."""
        await self._call("PUT", "journal", journal_body(max_entries, max_bytes, enabled))

    async def snapshot(self) -> Snapshot:
        """The store now: records, labels with their type-ID counter, associations, limits,
        reports (not faults, the rate limit nor request counts)."""
        return Snapshot(await self._call("GET", "snapshot"))

    async def restore(self, snapshot: Snapshot) -> None:
        """The store exactly as ``snapshot`` holds it."""
        await self._call("PUT", "snapshot", snapshot.data)
