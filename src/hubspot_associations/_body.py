"""Reading an answer's body inside the transport: within the call's deadline and a size cap.

httpx decodes gzip in one go per network chunk, so a small compressed chunk can inflate to
hundreds of MB, and a server that trickles one byte every two seconds never trips a read timeout.
Here the body is read chunk by chunk, inflated with a bounded output per step, counted against
``max_bytes`` and checked against the deadline between chunks; the caller gets a response whose
content is already in memory, so nothing is decoded twice and a retry reads nothing again.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Final

import httpx

from ._exceptions import ResponseTooLargeError

__all__ = ["DEFAULT_MAX_BODY_BYTES", "ERROR_BODY_BYTES", "BodyReader"]

# The largest legitimate answer: a batch/read of 1,000 records with full pages of 500
# associations (~100-180 bytes each) is 50-90 MB. bulk.read and export ask for far less.
DEFAULT_MAX_BODY_BYTES: Final = 128 * 1024 * 1024
# Error answers are read for their policyName and message: the first MiB says all of it.
ERROR_BODY_BYTES: Final = 1024 * 1024
_STEP: Final = 256 * 1024
_DROPPED_HEADERS: Final = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class _Inflater:
    """gzip / deflate / identity, producing at most ``_STEP`` bytes per call."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        if encoding in {"gzip", "x-gzip"}:
            self._z: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            self._z = None

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of one raw chunk, a bounded piece at a time."""
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


class BodyReader:
    """Reads a transport's response into memory under a deadline and a size cap."""

    def __init__(self, deadline: float, clock: Callable[[], float], max_bytes: int) -> None:
        self.deadline = deadline
        self.clock = clock
        self.max_bytes = max_bytes

    def _inflater(self, response: httpx.Response) -> _Inflater | None:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in {"identity", "", "gzip", "x-gzip", "deflate"}:
            return None  # br, zstd: left to httpx (we never ask for them)
        return _Inflater(encoding)

    def _add(self, body: bytearray, piece: bytes, cap: int, request: httpx.Request) -> bool:
        """Append; False once the cap is passed (the rest is not read)."""
        if self.clock() > self.deadline:
            raise httpx.ReadTimeout("the call's deadline passed while reading the answer",
                                    request=request)  # fmt: skip
        if len(body) + len(piece) > cap:
            return False
        body += piece
        return True

    def _checked(
        self, response: httpx.Response, request: httpx.Request, truncate_at: int | None
    ) -> httpx.Response:
        """A body already in memory (a test transport, or an encoding httpx decoded)."""
        if len(response.content) <= (truncate_at or self.max_bytes):
            return response
        if truncate_at is None:
            raise ResponseTooLargeError(self.max_bytes, request=request)
        return self._rebuilt(response, request, response.content[:truncate_at], True)

    def _rebuilt(
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

    def read(
        self, response: httpx.Response, request: httpx.Request, *, truncate_at: int | None = None
    ) -> httpx.Response:
        """The response with its body read; ResponseTooLargeError past the cap (or truncated at
        ``truncate_at`` for error answers, which are only read for their message)."""
        inflater = self._inflater(response)
        if _in_memory(response) or inflater is None:
            response.read()
            return self._checked(response, request, truncate_at)
        cap = truncate_at or self.max_bytes
        body = bytearray()
        try:
            for raw in response.iter_raw():
                for piece in inflater.feed(raw):
                    if not self._add(body, piece, cap, request):
                        if truncate_at is None:
                            raise ResponseTooLargeError(self.max_bytes, request=request)
                        return self._rebuilt(response, request, bytes(body), True)
        finally:
            response.close()
        return self._rebuilt(response, request, bytes(body), True)

    async def aread(
        self, response: httpx.Response, request: httpx.Request, *, truncate_at: int | None = None
    ) -> httpx.Response:
        """The async twin of :meth:`read`."""
        inflater = self._inflater(response)
        if _in_memory(response) or inflater is None:
            await response.aread()
            return self._checked(response, request, truncate_at)
        cap = truncate_at or self.max_bytes
        body = bytearray()
        chunks: AsyncIterator[bytes] = response.aiter_raw()
        try:
            async for raw in chunks:
                for piece in inflater.feed(raw):
                    if not self._add(body, piece, cap, request):
                        if truncate_at is None:
                            raise ResponseTooLargeError(self.max_bytes, request=request)
                        return self._rebuilt(response, request, bytes(body), True)
        finally:
            await response.aclose()
        return self._rebuilt(response, request, bytes(body), True)


def _in_memory(response: httpx.Response) -> bool:
    """Whether the body is already held (made with content=, or read before)."""
    try:
        response.content  # noqa: B018 - httpx raises ResponseNotRead when it is not
    except httpx.ResponseNotRead:
        return False
    return True
