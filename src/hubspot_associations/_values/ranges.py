"""The one range check: a whole number (not a bool) within a range of openapi/numbers.yaml.

The facade, the bulk helpers, the settings and the command line all check their bounded numbers
here, against ``RANGES`` (generated from the numbers file), so none can accept what another refuses.
"""

from __future__ import annotations

import math
from typing import Final

from .._exceptions import ClientValidationError
from .._numbers import RANGES
from .ids import describe_value

__all__ = ["RANGES", "TIERS", "in_range", "parse_rate", "range_text", "rate_limit"]

TIERS: Final = "HubSpot's tiers are (100, 10), (190, 10) and (250, 10)"


def range_text(name: str) -> str:
    """The range in words: ``from 1 to 2,000`` or ``of at least 1``."""
    _, low, high = RANGES[name]
    return f"of at least {low:,}" if high is None else f"from {low:,} to {high:,}"


def in_range(name: str, value: object, *, hint: str = "") -> int:
    """``value`` if it is a whole number within the range ``name``, else ClientValidationError
    naming what was wrong (``hint``, if given, follows: what to do instead)."""
    what, low, high = RANGES[name]
    # bool is an int subclass: True would otherwise pass as 1.
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        shown = f"{value!r} (a boolean)" if isinstance(value, bool) else describe_value(value)
        tail = f"; {hint}" if hint else ""
        raise ClientValidationError(
            f"{what} must be a whole number {range_text(name)}, got {shown}{tail}"
        )
    return value


def rate_limit(value: object) -> tuple[int, float]:
    """A rate limit as (requests, seconds): whole requests >= 1 and finite seconds > 0."""
    try:
        requests, seconds = value  # type: ignore[misc]
    except (TypeError, ValueError):
        requests, seconds = None, None
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
        or seconds <= 0
    ):
        raise ClientValidationError(
            f"rate_limit must be (requests, seconds) with finite seconds > 0, got "
            f"{describe_value(value)}; {TIERS}"
        )
    return in_range("rate_limit_requests", requests, hint=TIERS), float(seconds)


def parse_rate(text: str, *, source: str) -> tuple[int, float]:
    """``N/SECONDS`` (e.g. ``190/10``) as a rate limit; ``source`` names where it was read."""
    requests_text, slash, seconds_text = text.strip().partition("/")
    try:
        pair: object = (int(requests_text), float(seconds_text))
    except ValueError:
        pair = None
    if not slash or pair is None:
        raise ClientValidationError(
            f"{source}: {text!r} is not N/SECONDS (e.g. 100/10, HubSpot's smallest tier)"
        )
    try:
        return rate_limit(pair)
    except ClientValidationError as exc:
        raise ClientValidationError(f"{source}: {text!r}: {exc}") from None
