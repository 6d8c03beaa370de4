"""uvicorn's HTTP/1.1 protocol with deadlines on connections that send nothing, or too slowly."""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class TimedH11Protocol(H11Protocol):
    """Closes a connection whose request headers take longer than ``request_timeout``.

    uvicorn bounds the wait between requests (keep-alive) but not a new connection's silence nor
    headers that trickle in: either would hold a connection open forever.
    """

    request_timeout: float = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """uvicorn's protocol, with no headers' deadline running yet."""
        super().__init__(*args, **kwargs)
        self._headers_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the idle timer uvicorn otherwise starts only after a first answer."""
        super().connection_made(transport)
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def data_received(self, data: bytes) -> None:
        """Start the headers' deadline with a request's first bytes; end it once they are in."""
        if self._headers_deadline is None and self.conn.their_state is h11.IDLE:
            self._headers_deadline = self.loop.call_later(self.request_timeout, self._too_slow)
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            # The body's own deadline is the app's (connection.read_body).
            self._stop_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        """No deadline outlives its connection."""
        self._stop_deadline()
        super().connection_lost(exc)

    def _stop_deadline(self) -> None:
        """Cancel the headers' deadline, if one runs."""
        if self._headers_deadline is not None:
            self._headers_deadline.cancel()
            self._headers_deadline = None

    def _too_slow(self) -> None:
        """Close the connection if its request's headers are still incomplete."""
        self._headers_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def timed_protocol(request_timeout: float) -> type[TimedH11Protocol]:
    """The protocol class for one server (uvicorn instantiates it per connection)."""
    return type("TimedH11Protocol", (TimedH11Protocol,), {"request_timeout": request_timeout})
