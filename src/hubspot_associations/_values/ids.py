"""The one rule for record IDs, shared by the client, the bulk helpers and the command line.

A record ID is ASCII digits only, with a value from 1 to 2^63 - 1 (HubSpot stores IDs as signed
64-bit integers). Leading zeros are dropped: ``007`` is record 7, so what is sent, what a results
file records and what the accounting compares are one canonical string.
"""

from __future__ import annotations

import re
from typing import Final

from .._numbers import RECORD_ID_MAX

__all__ = ["MAX_RECORD_ID", "InvalidId", "canonical_id", "describe_value"]

MAX_RECORD_ID: Final = RECORD_ID_MAX
# re.ASCII: str.isdigit() also accepts '²', Arabic-Indic and full-width digits, which HubSpot
# refuses or reads as another number.
_DIGITS: Final = re.compile(r"[0-9]+", re.ASCII)
_MAX_DIGITS: Final = len(str(MAX_RECORD_ID))
_ASCII_SPACE: Final = " \t\r\n"


class InvalidId(ValueError):
    """A value that is not a record ID; the message says why, without the value itself."""


def canonical_id(value: str | int) -> str:
    """The canonical digit string of a record ID, or InvalidId saying what is wrong."""
    # The common case, decided without a regex: 1 to 18 ASCII digits, no leading zero, is always
    # below 2^63 (a bulk job checks every ID of every pair before it sends anything).
    if (
        type(value) is str
        and value.isascii()
        and value.isdigit()
        and len(value) < _MAX_DIGITS
        and value[0] != "0"
    ):
        return value
    if isinstance(value, bool):
        raise InvalidId("is a boolean, not a record ID")
    if isinstance(value, int):
        if not 1 <= value <= MAX_RECORD_ID:
            raise InvalidId("is outside HubSpot's record IDs (1 to 2^63 - 1)")
        return str(value)
    text = value.strip(_ASCII_SPACE)
    if not text:
        raise InvalidId("is empty")
    if not _DIGITS.fullmatch(text):
        raise InvalidId("is not a record ID (ASCII digits 0-9 only)")
    # Compare lengths before int(): past 4,300 digits int() itself raises.
    text = text.lstrip("0")
    if not text:
        raise InvalidId("is zero; record IDs start at 1")
    if len(text) > _MAX_DIGITS or int(text) > MAX_RECORD_ID:
        raise InvalidId("is larger than HubSpot's largest record ID (2^63 - 1)")
    return text


def describe_value(value: object, limit: int = 40) -> str:
    """A short repr for error messages: a 10,000-digit value must not flood the terminal."""
    shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[: limit - 1]}…({len(shown)} chars)"
