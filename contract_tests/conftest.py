"""Shared fixtures of the contract suite: the target, Hypothesis settings and the coverage table."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from contract_tests import coverage, target
from contract_tests.strategies import OPERATIONS

# Deterministic by default (derandomize derives every example from the test itself), no example
# database so a run never depends on an earlier one; HUBSPOT_CONTRACT_EXAMPLES deepens the run.
settings.register_profile(
    "contract",
    max_examples=target.examples(),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.load_profile("contract")


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, the event loop the generated client's users have."""
    return "asyncio"


@pytest.fixture(scope="session")
def selected_target() -> target.Target:
    """The target the switch chose (see contract_tests/target.py)."""
    return target.selected()


@pytest.fixture
def live_target(selected_target: target.Target) -> target.Target:
    """The live target, or a skip that says how to configure one."""
    if not selected_target.live_ready:
        pytest.skip(target.HOW_TO_GO_LIVE)
    return selected_target


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Against a live target only the live tests run: the others need the emulator's control API."""
    if target.selected().kind != "live":
        return
    keep = [item for item in items if item.get_closest_marker("live")]
    dropped = [item for item in items if not item.get_closest_marker("live")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print operations × statuses exercised, so a reader sees that nothing was left out."""
    terminalreporter.section("contract coverage: operations × statuses")
    for line in coverage.table([operation.operation_id for operation in OPERATIONS]):
        terminalreporter.write_line(line)
    for note in coverage.NOTES:
        terminalreporter.write_line(note)
