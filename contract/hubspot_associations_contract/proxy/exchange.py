"""What passes through the proxy, and what it finds: the types its parts share.

``forward`` makes an :class:`Exchange` of every request it forwards; ``recording`` writes it
down, ``validation`` judges it against the release's contract (:class:`Finding`), ``shadow``
replays it on an in-process emulator and compares the answers (:class:`Difference`).
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["CATEGORIES", "Difference", "Exchange", "Finding"]

# A difference between HubSpot's answer and the emulator's, by what explains it.
CATEGORIES = ("emulator defect", "HubSpot drift", "missing state", "unexplained")


@dataclass(frozen=True)
class Exchange:
    """One request the proxy forwarded and the answer it handed back (``status`` None: the
    upstream gave none, and the app got the proxy's 502).

    Headers are as they travelled (names as sent, secrets included: never write them down
    without ``recording``'s redaction); ``response_body`` is the body as it came over the
    wire, still compressed when ``Content-Encoding`` says so (``decoded_response_body``
    undoes gzip and deflate).
    """

    index: int  # 0, 1, … in the order the answers came back
    started: str  # ISO 8601 UTC, milliseconds, Z
    seconds: float  # upstream time, request sent to answer read
    method: str
    path: str
    query: str  # without "?", as the app sent it
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    status: int | None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: bytes = b""
    error: str | None = None  # why there is no answer (status None)

    def header(self, name: str, *, response: bool = True) -> str | None:
        """One header's value (the first, names without case), of the answer or the request."""
        wanted = name.lower()
        for key, value in self.response_headers if response else self.request_headers:
            if key.lower() == wanted:
                return value
        return None

    def decoded_response_body(self) -> bytes:
        """The answer's body with its gzip or deflate content-coding undone (as is when it has
        another one, or none)."""
        coding = (self.header("content-encoding") or "").strip().lower()
        try:
            if coding in ("gzip", "x-gzip"):
                return gzip.decompress(self.response_body)
            if coding == "deflate":
                return zlib.decompress(self.response_body)
        except (OSError, zlib.error, EOFError):
            return self.response_body
        return self.response_body


@dataclass(frozen=True)
class Finding:
    """One exchange's answer breaking one rule of the release's contract."""

    index: int
    method: str
    path: str
    operation_id: str | None
    status: int | None
    rule: str  # a rule name of the contract suite (rules.RULES), e.g. "status.documented"
    message: str

    def to_dict(self) -> dict[str, Any]:
        """As ``--findings`` writes it: the fields, snake_case as named here."""
        return asdict(self)


@dataclass(frozen=True)
class Difference:
    """One exchange where HubSpot's answer and the shadow emulator's differ."""

    index: int
    method: str
    path: str
    operation_id: str | None
    category: str  # one of CATEGORIES
    # The first difference: "status 200 vs 404", "paging missing", "results[0].id: str vs int".
    what: str
    # {"status", "body"}: the body as JSON, or as text when it is none.
    hubspot: dict[str, Any] = field(default_factory=dict)
    emulator: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""  # why this category (the rule broken, the records not seen yet, …)

    def to_dict(self) -> dict[str, Any]:
        """As ``--findings`` writes it: the fields, snake_case as named here."""
        return asdict(self)
