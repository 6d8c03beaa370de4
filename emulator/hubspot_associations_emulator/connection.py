"""The connection under the routes: request bodies in (bounded in size and time), faults out."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.types import Message, Receive, Scope, Send

from . import errors
from .parsing import ascii_int

App = Callable[[Scope, Receive, Send], Awaitable[None]]


def close(send: Send, why: str) -> None:
    """Close the client's connection now; in-process (no socket) raise ConnectionResetError."""
    # uvicorn's send is a bound method of its request cycle: close its transport and mark the
    # cycle disconnected so that no 500 follows. In-process (no transport) an exception is the
    # closest thing to a lost connection.
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionResetError(f"emulator fault: {why}")
    transport.close()
    cycle.disconnected = True  # type: ignore[union-attr]


async def answer_cut(app: App, scope: Scope, receive: Receive, send: Send, raw_send: Send) -> None:
    """Run the request, then send its answer's headers and half its body, and close.

    ``send`` may add headers; ``raw_send`` is the server's own, which knows the connection.
    """
    messages: list[Message] = []

    async def keep(message: Message) -> None:
        """Hold the answer back until it is known whether there is a body to cut."""
        messages.append(message)

    await app(scope, receive, keep)
    start, rest = messages[0], messages[1:]
    if not 200 <= start["status"] < 300:
        # Only an answer that would succeed is cut: a refused call was not applied.
        for message in messages:
            await send(message)
        return
    body = b"".join(m.get("body", b"") for m in rest)
    if len(body) >= 2:
        # The real Content-Length stays in the headers: the client learns the body is short.
        await send(start)
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
    # An answer without a body (204) cannot be cut: the connection closes before it instead.
    close(raw_send, "answer cut short")


class ClientGone(Exception):
    """The client disconnected before its request body arrived: nobody to answer."""


async def read_body(scope: Scope, receive: Receive, limit: int, seconds: float) -> bytes:
    """The whole request body, at most ``limit`` bytes, arriving within ``seconds``.

    413 (ApiError) past the limit, read no further; 408 when the body is late; ClientGone.
    """
    for name, value in scope["headers"]:
        # A declared length past the cap is refused before a byte of the body is read.
        if name == b"content-length" and (ascii_int(value.decode("latin-1")) or 0) > limit:
            raise errors.too_large(limit)
    chunks: list[bytes] = []
    size = 0
    more = True
    try:
        async with asyncio.timeout(seconds):
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise ClientGone
                chunk = message.get("body", b"")
                # Counted as it streams: a chunked body declares no length.
                size += len(chunk)
                if size > limit:
                    raise errors.too_large(limit)
                chunks.append(chunk)
                more = message.get("more_body", False)
    except TimeoutError:
        raise errors.request_timeout(seconds) from None
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then the server's own messages."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        """The body once, then whatever the server says (a disconnect)."""
        return pending.pop() if pending else await receive()

    return replayed
