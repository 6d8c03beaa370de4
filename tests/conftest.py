"""Shared pytest configuration for the unit tests."""

from __future__ import annotations

import signal

import pytest

# A suite started in the background (`make test &`, a CI runner without a terminal) inherits SIGINT
# ignored, and so would every command it starts: the Ctrl-C tests would then test nothing a user
# meets. A handler here gives the commands the default disposition, as a terminal does.
signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio only: the client supports asyncio, trio is not a target."""
    return "asyncio"
