"""Reading an answer's body inside the transport: within the call's deadline and a size cap.

httpx decodes gzip in one go per network chunk, so a small compressed chunk can inflate to
hundreds of MB, and a server that trickles one byte every two seconds never trips a read timeout.
Here the body is read chunk by chunk, inflated with a bounded output per step, counted against
``max_bytes`` and checked against the deadline between chunks; the caller gets a response whose
content is already in memory, so nothing is decoded twice and a retry reads nothing again.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import Final

import httpx

from .._exceptions import ResponseTooLargeError

__all__ = ["DEFAULT_MAX_BODY_BYTES", "ERROR_BODY_BYTES", "BodyReader", "in_memory"]

# Above the largest answer HubSpot sends to this client's calls with one type per association: a
# batch/read of 1,000 records with full pages of 500 (~105 bytes each) is about 52 MB; a 2,000-input
# batch create about 1 MB. bulk.read and export ask for ~10,000 associations per answer (~2 MB).
# Raise it (max_body_bytes=) for batch reads of many heavily labelled records.
DEFAULT_MAX_BODY_BYTES: Final = 64 * 1024 * 1024
# JSON compresses 5-30 times; a body inflating 200 times past the first 8 MiB is a bomb.
BOMB_RATIO: Final = 200
BOMB_AFTER: Final = 8 * 1024 * 1024
# Error answers are read for their policyName and message: the first MiB says all of it.
ERROR_BODY_BYTES: Final = 1024 * 1024
_STEP: Final = 256 * 1024
_DROPPED_HEADERS: Final = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class _Inflater:
    """gzip / deflate / identity, producing at most ``_STEP`` bytes per call."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.raw = 0
        if encoding in {"gzip", "x-gzip"}:
            self._z: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            self._z = None

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of one raw chunk, a bounded piece at a time."""
        self.raw += len(data)
        if self._z is None:
            yield data
            return
        pending = data
        while pending:
            try:
                out = self._z.decompress(pending, _STEP)
            except zlib.error as exc:
                raise httpx.DecodingError(f"invalid {self.encoding} body: {exc}") from exc
            pending = self._z.unconsumed_tail
            yield out
            if not out and not pending:
                return


class _Body:
    """Chunks and their total: no over-allocation while growing (a bytearray's can be 1/8)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, piece: bytes) -> None:
        self.chunks.append(piece)
        self.size += len(piece)

    def bytes(self) -> bytes:
        return b"".join(self.chunks)


class BodyReader:
    """The state and checks of reading one answer under a deadline and a size cap; the reading
    itself is ``read_body`` in ``_async/body.py`` and its generated sync twin."""

    def __init__(self, deadline: float, clock: Callable[[], float], max_bytes: int) -> None:
        self.deadline = deadline
        self.clock = clock
        self.max_bytes = max_bytes

    def inflater(self, response: httpx.Response) -> _Inflater | None:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in {"identity", "", "gzip", "x-gzip", "deflate"}:
            return None  # br, zstd: left to httpx (we never ask for them)
        return _Inflater(encoding)

    def add(
        self, body: _Body, piece: bytes, cap: int, inflater: _Inflater, request: httpx.Request
    ) -> bool:
        """Append; False once the cap is passed (the rest is not read)."""
        if self.clock() > self.deadline:
            raise httpx.ReadTimeout("the call's deadline passed while reading the answer",
                                    request=request)  # fmt: skip
        if body.size + len(piece) > cap:
            return False
        body.add(piece)
        if body.size > BOMB_AFTER and body.size > BOMB_RATIO * max(1, inflater.raw):
            raise ResponseTooLargeError(
                self.max_bytes, request=request, reason="inflates more than 200 times: a bomb"
            )
        return True

    def refuse_declared(
        self, response: httpx.Response, request: httpx.Request, truncate_at: int | None
    ) -> None:
        """An uncompressed answer that declares a length past the cap is refused unread."""
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        uncompressed = encoding in {"", "identity"}
        # Length first: past 4,300 digits int() itself raises.
        too_long = (
            declared.isascii()
            and declared.isdigit()
            and (len(declared) > 18 or int(declared) > self.max_bytes)
        )
        if truncate_at is None and uncompressed and too_long:
            response.close()
            raise ResponseTooLargeError(self.max_bytes, request=request)

    def checked(
        self, response: httpx.Response, request: httpx.Request, truncate_at: int | None
    ) -> httpx.Response:
        """A body already in memory (a test transport, or an encoding httpx decoded)."""
        if len(response.content) <= (truncate_at or self.max_bytes):
            return response
        if truncate_at is None:
            raise ResponseTooLargeError(self.max_bytes, request=request)
        return self.rebuilt(response, request, response.content[:truncate_at], True)

    def rebuilt(
        self, response: httpx.Response, request: httpx.Request, body: bytes, decoded: bool
    ) -> httpx.Response:
        headers = [
            (k, v) for k, v in response.headers.multi_items()
            if not decoded or k.lower() not in _DROPPED_HEADERS
        ]  # fmt: skip
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=body,
            request=request,
            extensions=response.extensions,
        )

    def new_body(self) -> _Body:
        """An empty body to read into."""
        return _Body()


def in_memory(response: httpx.Response) -> bool:
    """Whether the body is already held (made with content=, or read before)."""
    try:
        response.content  # noqa: B018 - httpx raises ResponseNotRead when it is not
    except httpx.ResponseNotRead:
        return False
    return True
