"""Fixtures for the client foundation tests: a fake clock whose sleeps only move time."""

from __future__ import annotations

import pytest

from tests.test_hubspot_associations.client_fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A fresh fake clock."""
    return FakeClock()


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio."""
    return "asyncio"
