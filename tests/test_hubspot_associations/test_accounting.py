"""Bulk jobs under faults (cut bodies included) and refused inputs, on every release and v4
profile: every input once, every failure with HubSpot's category and message."""

from __future__ import annotations

import httpx
import pytest
from hubspot_associations_contract.accounting import run_accounted
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import RetryPolicy

FAULTS = "rate=0.1,kinds=429+503+html+drop+cut,seed=5"
QUICK = RetryPolicy(max_retries=8, initial_backoff=0.01, max_backoff=0.05, total_timeout=60)
INPUTS = 3000


@pytest.mark.parametrize(
    ("release", "profile"),
    [("v4", "current"), ("v4", "2025-10"), ("2026-03", "current"), ("2026-09", "current")],
)
@pytest.mark.parametrize("labelled", [True, False], ids=["create", "default"])
def test_every_input_once_with_reasons(release: str, profile: str, labelled: bool) -> None:
    """3,000 inputs, 10 % faulted answers, one contact in ten unknown to HubSpot: the accounting
    is exact, refused inputs carry HubSpot's reason, and the rest is done."""
    pairs = [(str(1000 + i), str(90 + i % 7)) for i in range(INPUTS)]
    known = [a for a, _ in pairs if int(a) % 10]
    config = EmulatorConfig(strict_records=True, profile=profile, faults=FAULTS)
    with serve_in_thread(config) as server:
        httpx.post(
            f"{server.base_url}/_emulator/seed",
            json={"records": {"contact": [int(a) for a in known],
                              "company": list(range(90, 97))}},
        ).raise_for_status()  # fmt: skip
        accounting = run_accounted(server.base_url, server.token, pairs, release=release,
                                   labelled=labelled, retry_policy=QUICK)  # fmt: skip
    assert accounting.exact, accounting
    assert accounting.succeeded == len(known)
    assert accounting.failed == INPUTS - len(known)
    assert set(accounting.categories) == {"VALIDATION_ERROR"}


def test_a_batch_too_large_for_the_server_is_halved_until_it_fits() -> None:
    """A server that answers 413 to large bodies: chunks are halved, and every input is done."""
    pairs = [(str(1000 + i), "90") for i in range(1200)]
    with serve_in_thread(EmulatorConfig(max_body_bytes=20_000)) as server:
        accounting = run_accounted(server.base_url, server.token, pairs, batch_size=1200,
                                   retry_policy=QUICK)  # fmt: skip
    assert accounting.exact, accounting
    assert accounting.succeeded == len(pairs)
