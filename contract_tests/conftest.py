"""Shared fixtures of the repository's contract tests: Hypothesis settings and the coverage table."""

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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print operations × statuses exercised, so a reader sees that nothing was left out."""
    terminalreporter.section("generated client coverage: operations × statuses")
    for line in coverage.table([operation.operation_id for operation in OPERATIONS]):
        terminalreporter.write_line(line)
    for note in coverage.NOTES:
        terminalreporter.write_line(note)
