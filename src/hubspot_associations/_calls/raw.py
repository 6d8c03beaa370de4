"""An answer with what came with it: the HTTP status and headers beside the parsed model."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

import httpx

__all__ = ["CORRELATION_HEADER", "RATE_LIMIT_PREFIX", "RawResponse", "captured", "capturing"]

T = TypeVar("T")

CORRELATION_HEADER: Final = "x-hubspot-correlation-id"
RATE_LIMIT_PREFIX: Final = "x-hubspot-ratelimit-"


@dataclass(frozen=True)
class RawResponse(Generic[T]):
    """The status HubSpot answered with, its headers, and what the call returned.

    ``with_raw_response`` gives one per call: ``status_code`` and ``headers`` are those of the
    call's last answer, ``parsed`` the call's own result, and ``history`` every answer the call
    received, in order (a call may send more than one request: a label create that re-reads after
    a lost answer, a page on a release without the list call). The bulk helpers read
    ``status_code`` of each chunk (a 207 and a 200 with errors inside parse to one model).
    """

    status_code: int
    headers: httpx.Headers
    parsed: T
    history: tuple[RawResponse[object], ...] = field(default=(), repr=False, compare=False)

    @property
    def correlation_id(self) -> str | None:
        """HubSpot's ID of this answer (``X-HubSpot-Correlation-Id``): quote it to support."""
        value = self.headers.get(CORRELATION_HEADER)
        return None if value is None else str(value)

    @property
    def rate_limits(self) -> dict[str, int]:
        """The ``X-HubSpot-RateLimit-*`` headers as numbers, by the rest of their name
        (``max``, ``remaining``, ``interval-milliseconds``, ``daily``, ``daily-remaining``, …);
        any may be absent, and a value that is not a whole number is left out."""
        found: dict[str, int] = {}
        for name, value in self.headers.items():
            lowered = name.lower()
            if lowered.startswith(RATE_LIMIT_PREFIX) and value.strip().isdigit():
                found[lowered[len(RATE_LIMIT_PREFIX) :]] = int(value)
        return found


_capture: contextvars.ContextVar[list[RawResponse[object]] | None] = contextvars.ContextVar(
    "hubspot_associations_raw_capture", default=None
)


@contextmanager
def capturing() -> Iterator[list[RawResponse[object]]]:
    """Collect every answer the client's calls receive in this context (task or thread)."""
    answers: list[RawResponse[object]] = []
    token = _capture.set(answers)
    try:
        yield answers
    finally:
        _capture.reset(token)


def captured(answer: RawResponse[T]) -> RawResponse[T]:
    """``answer``, noted for ``capturing`` if a caller is collecting."""
    answers = _capture.get()
    if answers is not None:
        answers.append(answer)  # type: ignore[arg-type]
    return answer
