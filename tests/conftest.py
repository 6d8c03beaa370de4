"""Shared pytest configuration for the unit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio only: the client supports asyncio, trio is not a target."""
    return "asyncio"
