"""100,000 inputs per release and v4 profile, 10 % faulted answers (cut bodies included) and one
input in ten refused by HubSpot (--strict-records): every input accounted for exactly once."""

from __future__ import annotations

import os

import httpx
from hubspot_associations_contract.accounting import run_accounted
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import RetryPolicy

INPUTS = int(os.environ.get("BENCH_ACCOUNTING_INPUTS", "100000"))
FAULTS = "rate=0.1,kinds=429+503+html+drop+cut,seed=9"
POLICY = RetryPolicy(max_retries=10, initial_backoff=0.01, max_backoff=0.1, total_timeout=120)
COMBINATIONS = [
    ("v4", "current"),
    ("v4", "2025-10"),
    ("2026-03", "current"),
    ("2026-09", "current"),
]


def run() -> list[dict[str, object]]:
    """One row per release and profile."""
    rows: list[dict[str, object]] = []
    pairs = [(str(10_000_000 + i), str(500 + i % 97)) for i in range(INPUTS)]
    known = [int(a) for a, _ in pairs if int(a) % 10]
    for release, profile in COMBINATIONS:
        config = EmulatorConfig(strict_records=True, profile=profile, faults=FAULTS)
        with serve_in_thread(config) as server:
            seed = {"records": {"contact": known, "company": list(range(500, 597))}}
            httpx.post(
                f"{server.base_url}/_emulator/seed", json=seed, timeout=300
            ).raise_for_status()
            result = run_accounted(server.base_url, server.token, pairs, release=release,
                                   retry_policy=POLICY, concurrency=4)  # fmt: skip
        rows.append(
            {
                "name": f"{INPUTS:,} inputs, 10% faults + cut bodies: {release} ({profile})",
                "inputs": result.inputs,
                "succeeded": result.succeeded,
                "failed_with_reason": result.failed - result.without_reason,
                "lost": result.lost,
                "duplicated": result.duplicated,
                "without_reason": result.without_reason,
                "seconds": result.seconds,
            }
        )
    return rows
