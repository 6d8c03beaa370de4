"""Bulk helpers: any number of inputs, split at the API's maxima, every input accounted for.

The bookkeeping (what a chunk's answer means for each of its inputs) is plain code shared by the
sync and async clients; only how chunks are run differs (``run_chunks`` in ``_async/bulk.py``,
asyncio tasks, and its generated sync twin, threads). Every input
ends in exactly one of ``succeeded`` or ``failed``, with HubSpot's reason for the failures.

Retrying is safe: associating twice is idempotent and archiving what is gone is a no-op, so the
transport may resend a batch whose answer was lost, and a caller may re-run ``result.failed``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from hubspot_associations_api.models import AssociatedRecord

from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    HubSpotError,
    PermissionDeniedError,
    RateLimitError,
    TokenProviderError,
)
from ._numbers import DEFAULT_CONCURRENCY
from ._ratelimit.shared import DailyLimitReached, SharedBudgetUnavailable
from ._values.ranges import in_range

__all__ = [
    "BulkFailure",
    "BulkResult",
    "ChunkOutcome",
    "OnChunk",
    "Progress",
    "Tally",
    "check_concurrency",
    "split_by_errors",
]

InputT = TypeVar("InputT")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BulkFailure(Generic[InputT]):
    """One input that was not done, and why (HubSpot's message and category when it gave one)."""

    input: InputT
    reason: str
    category: str | None = None
    status_code: int | None = None
    # False: never sent, because the job stopped first (a retry or --resume sends it).
    sent: bool = True
    # HubSpot's policyName of a 429 (``DAILY``, ``TEN_SECONDLY_ROLLING``), when the chunk got one.
    policy: str | None = None


@dataclass
class BulkResult(Generic[InputT]):
    """Every input of a bulk call, each exactly once: succeeded or failed."""

    succeeded: list[InputT] = field(default_factory=list)
    failed: list[BulkFailure[InputT]] = field(default_factory=list)
    # Only for reads: the associations found for each record ID (empty when none).
    associations: dict[str, list[AssociatedRecord]] = field(default_factory=dict)
    requests: int = 0
    # The error that stopped the job (authentication, permission, no connection), if one did.
    stopped: HubSpotError | None = None

    @property
    def total(self) -> int:
        """How many inputs were given."""
        return len(self.succeeded) + len(self.failed)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def failed_inputs(self) -> list[InputT]:
        """The inputs to try again."""
        return [failure.input for failure in self.failed]


@dataclass
class ChunkOutcome(Generic[InputT]):
    """What one answer meant: done inputs, failed inputs, and chunks to try again smaller."""

    succeeded: list[InputT] = field(default_factory=list)
    failed: list[BulkFailure[InputT]] = field(default_factory=list)
    split: list[list[InputT]] = field(default_factory=list)
    associations: dict[str, list[AssociatedRecord]] = field(default_factory=dict)
    stop: HubSpotError | None = None


def check_concurrency(concurrency: int) -> None:
    """Refuse a concurrency that cannot run (0 used to spin a core forever)."""
    in_range(
        "concurrency",
        concurrency,
        hint=f"the rate limit, not concurrency, sets the pace (the default {DEFAULT_CONCURRENCY} "
        "is plenty)",
    )


def chunked(items: Sequence[InputT], size: int) -> list[list[InputT]]:
    """Consecutive chunks of at most ``size`` items."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def outcome_of_error(chunk: list[InputT], error: HubSpotError) -> ChunkOutcome[InputT]:
    """What an error for a whole chunk means for its inputs.

    A 400 for a chunk of several inputs is usually one bad input (an unknown record, a wrong
    typeId): split the chunk in halves and send them again, so only the bad inputs fail; a 413
    (the request too large for the server) is halved the same way. An
    authentication or permission error stops the whole job: every later request would fail too.
    So does a connection error: the transport has already retried it, and sending the rest of a
    large job into an unreachable server would only take hours to fail the same way. And so does
    a shared rate budget that cannot be reached or whose daily cap is spent: nothing was sent, and
    every later chunk would wait and fail the same way. And so does a token provider that failed:
    HubSpot applied nothing (the chunk was not sent, or was refused with a 401), and every later
    chunk would ask it again.
    """
    too_large = isinstance(error, APIStatusError) and error.status_code == 413
    if (isinstance(error, BadRequestError) or too_large) and len(chunk) > 1:
        middle = len(chunk) // 2
        return ChunkOutcome(split=[chunk[:middle], chunk[middle:]])
    reason, category, status = _describe(error)
    # Nothing of the chunk reached HubSpot, or HubSpot applied none of it: a shared budget that
    # refused, connections that never opened (a refused connection), or a token provider that
    # failed (before sending, or after a 401); the inputs are "not sent", not "failed".
    unsent = isinstance(
        error, SharedBudgetUnavailable | DailyLimitReached | TokenProviderError
    ) or (isinstance(error, APIConnectionError) and not error.sent)
    policy = error.policy_name if isinstance(error, RateLimitError) else None
    failed = [
        BulkFailure(item, reason, category, status, sent=not unsent, policy=policy)
        for item in chunk
    ]
    stops = AuthenticationError | PermissionDeniedError | APIConnectionError
    stop = error if unsent or isinstance(error, stops) else None
    return ChunkOutcome(failed=failed, stop=stop)


def _describe(error: HubSpotError) -> tuple[str, str | None, int | None]:
    if isinstance(error, APIStatusError):
        return str(error), error.category, error.status_code
    return str(error), None, None


def split_by_results(
    chunk: list[InputT],
    done_keys: set[tuple[str, str]],
    key: Callable[[InputT], tuple[str, str]],
    errors: Sequence[Any],
    status: int,
) -> ChunkOutcome[InputT]:
    """Split a batch answer (a 207, or a 200 with errors inside) into done and failed inputs."""
    outcome: ChunkOutcome[InputT] = ChunkOutcome()
    error_list = list(errors)
    for item in chunk:
        if key(item) in done_keys:
            outcome.succeeded.append(item)
            continue
        reason, category = _reason_for(key(item), error_list)
        outcome.failed.append(BulkFailure(item, reason, category, status))
    return outcome


def split_by_errors(
    chunk: list[InputT],
    key: Callable[[InputT], tuple[str, str]],
    errors: Sequence[Any],
    status: int,
) -> ChunkOutcome[InputT]:
    """An answer without per-input results: the inputs its errors name failed, the rest are done.

    Errors that name no input cannot say which inputs failed: then the whole chunk fails with
    their messages (safe, since removing again is a no-op).
    """
    error_list = list(errors)
    if not error_list:
        return ChunkOutcome(succeeded=list(chunk))
    outcome: ChunkOutcome[InputT] = ChunkOutcome()
    named = [item for item in chunk if _named_by(key(item), error_list)]
    for item in chunk:
        if named and item not in named:
            outcome.succeeded.append(item)
            continue
        reason, category = _reason_for(key(item), error_list)
        outcome.failed.append(BulkFailure(item, reason, category, status))
    return outcome


def _named_by(ids: tuple[str, str], errors: list[Any]) -> bool:
    return any(_error_names(error, ids) for error in errors)


def _error_names(error: Any, ids: tuple[str, str]) -> bool:
    """Whether an error names one of the input's IDs, in its context or its message."""
    context = getattr(error, "context", None)
    values: list[str] = []
    if context is not None:
        for entries in context.additional_properties.values():
            values.extend(str(v) for v in entries)
    message = str(getattr(error, "message", "") or "")
    return any(i in values or _names(message, i) for i in ids)


def _reason_for(ids: tuple[str, str], errors: list[Any]) -> tuple[str, str | None]:
    """HubSpot's error that names one of the input's IDs, else what the errors say in all.

    An error that names no record (a bad typeId, say) applies to every input it did not list as
    done: its message is the reason when it is the only one, else the distinct messages joined.
    """
    for error in errors:
        if _error_names(error, ids):
            message = str(getattr(error, "message", "") or "")
            return message or "failed", _text(getattr(error, "category", None))
    said = {
        (str(getattr(e, "message", "") or ""), _text(getattr(e, "category", None))) for e in errors
    }
    said.discard(("", None))
    if not said:
        return "HubSpot's answer did not list this input as done, and gave no reason", None
    messages = sorted({message for message, _ in said if message})
    categories = {category for _, category in said}
    category = categories.pop() if len(categories) == 1 else None
    return "; ".join(messages) or "failed", category


def _names(message: str, record_id: str) -> bool:
    """Whether a message names this ID as a whole number (ID 1 is not named by "1200")."""
    return re.search(rf"(?<![0-9]){re.escape(record_id)}(?![0-9])", message) is not None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# Called with each chunk's done and failed inputs as soon as its answer is in: a caller that
# records them (the CLI's results file) loses nothing when the job is interrupted.
OnChunk = Callable[[list[Any], list[BulkFailure[Any]]], None]


class Tally(Generic[InputT]):
    """Collects outcomes from concurrent chunks under a lock and reports progress."""

    def __init__(self, total: int, progress: Progress | None, on_chunk: OnChunk | None) -> None:
        self.result: BulkResult[InputT] = BulkResult()
        self.total = total
        self.progress = progress
        self.on_chunk = on_chunk
        self.stop: HubSpotError | None = None
        self._lock = threading.Lock()

    def add(self, outcome: ChunkOutcome[InputT]) -> None:
        with self._lock:
            # A request was made unless every input failed before sending (abandoned, or the
            # shared budget refused).
            if outcome.succeeded or outcome.split or any(f.sent for f in outcome.failed):
                self.result.requests += 1
            self.result.succeeded.extend(outcome.succeeded)
            self.result.failed.extend(outcome.failed)
            self.result.associations.update(outcome.associations)
            if outcome.stop is not None and self.stop is None:
                self.stop = outcome.stop
                self.result.stopped = outcome.stop
            done = self.result.total
            if self.on_chunk is not None and (outcome.succeeded or outcome.failed):
                self.on_chunk(outcome.succeeded, outcome.failed)
        if self.progress is not None and (outcome.succeeded or outcome.failed):
            self.progress(done, self.total)

    def abandon(self, chunk: list[InputT]) -> None:
        """Inputs never sent because the job stopped: failed, with the reason it stopped."""
        assert self.stop is not None
        reason, category, status = _describe(self.stop)
        self.add(
            ChunkOutcome(
                failed=[
                    BulkFailure(i, f"not sent: {reason}", category, status, sent=False)
                    for i in chunk
                ]
            )
        )
