"""Fixtures for the emulator tests: one real server per module, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hubspot_associations_emulator import RunningEmulator, serve_in_thread


@pytest.fixture(scope="module")
def server() -> Iterator[RunningEmulator]:
    """A default emulator on a free loopback port, shared by the tests of one module."""
    with serve_in_thread() as running:
        yield running


@pytest.fixture
def api(server: RunningEmulator) -> Iterator[httpx.Client]:
    """A client authenticated against the shared server, whose state was just reset."""
    with httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=30,
    ) as client:
        assert client.post("/_emulator/reset").status_code == 200
        yield client
