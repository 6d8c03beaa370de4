"""Reading an answer's body within the deadline and the size cap (see ``_body.BodyReader``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from .._exceptions import ResponseTooLargeError
from .._transports.body import BodyReader, in_memory

__all__ = ["read_body"]


async def read_body(
    reader: BodyReader,
    response: httpx.Response,
    request: httpx.Request,
    *,
    truncate_at: int | None = None,
) -> httpx.Response:
    """The response with its body read; ResponseTooLargeError past the cap (or truncated at
    ``truncate_at`` for error answers, which are only read for their message)."""
    inflater = reader.inflater(response)
    if in_memory(response) or inflater is None:
        await response.aread()
        return reader.checked(response, request, truncate_at)
    cap = truncate_at or reader.max_bytes
    reader.refuse_declared(response, request, truncate_at)
    body = reader.new_body()
    chunks: AsyncIterator[bytes] = response.aiter_raw()
    try:
        async for raw in chunks:
            for piece in inflater.feed(raw):
                if not reader.add(body, piece, cap, inflater, request):
                    if truncate_at is None:
                        raise ResponseTooLargeError(reader.max_bytes, request=request)
                    return reader.rebuilt(response, request, body.bytes(), True)
    finally:
        await response.aclose()
    return reader.rebuilt(response, request, body.bytes(), True)
