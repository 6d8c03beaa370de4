"""One emulator per CLI test module on a loopback port, emptied before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from tests.test_hubspot_associations.cli.cli_helpers import reset


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    """The base URL of an emulator shared by the module's tests."""
    with serve_in_thread(EmulatorConfig()) as running:
        yield running.base_url


@pytest.fixture
def server(emulator_url: str) -> str:
    """The shared emulator, emptied (store and request counts) for this test."""
    reset(emulator_url)
    return emulator_url
