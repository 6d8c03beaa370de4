"""An answer with what came with it: the HTTP status and headers beside the parsed model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

__all__ = ["RawResponse"]

T = TypeVar("T")


@dataclass(frozen=True)
class RawResponse(Generic[T]):
    """The status HubSpot answered with, its headers, and the model parsed from the body.

    The bulk helpers read ``status_code`` (a 207 and a 200 with errors inside parse to one model).
    """

    status_code: int
    headers: httpx.Headers
    parsed: T
