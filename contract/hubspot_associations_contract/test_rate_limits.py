"""Rate limits: 429s with HubSpot's body and headers, and a bulk job under limits and faults.

Needs the emulator's control API (it sets the limit and the faults): skipped against a live
portal, whose limits the suite must not exhaust.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from . import checks, conditions, coverage, verdicts
from .accounting import run_accounted
from .target import Target, selected

LIMIT, WINDOW = 5, 2.0
LABELS = "/crm/v4/associations/contacts/companies/labels"


@pytest.fixture
def emulator() -> Iterator[Target]:
    """The emulator target, emptied before and after, with no rate limit and no faults."""
    target = selected()
    if not target.strict:
        pytest.skip("rate limits and faults need the emulator's control API")
    conditions.fresh(target.base_url)
    try:
        yield target
    finally:
        conditions.fresh(target.base_url)


def _set_rate_limit(target: Target, requests: int, seconds: float) -> None:
    answer = conditions.http().put(
        f"{target.base_url}/_emulator/rate-limit", json={"requests": requests, "seconds": seconds}
    )
    answer.raise_for_status()


def test_past_the_limit_answers_429_with_hubspots_body_and_headers(emulator: Target) -> None:
    """ratelimit.enforced and ratelimit.headers: the request after the limit gets HubSpot's 429."""
    _set_rate_limit(emulator, LIMIT, WINDOW)
    headers = {"Authorization": f"Bearer {emulator.token}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=30) as http:
        answers = [http.get(LABELS) for _ in range(LIMIT + 3)]
    statuses = [a.status_code for a in answers]
    verdicts.judge(
        429 in statuses[LIMIT:],
        "ratelimit.enforced",
        "list_labels",
        f"{LIMIT + 3} requests within a limit of {LIMIT} per {WINDOW} s answered {statuses}",
    )
    verdicts.judge(
        all(s == 200 for s in statuses[:LIMIT]),
        "ratelimit.enforced",
        "list_labels",
        f"the first {LIMIT} requests within the limit answered {statuses[:LIMIT]}",
    )
    for answer in answers:
        # Its own client, not the judging transport: the run's coverage hears of it here.
        coverage.saw("list_labels", answer.status_code)
        checks.judge_rate_limit_headers("list_labels", answer.status_code, answer.headers)
        checks.judge_error_body("list_labels", answer.status_code, answer.content)
        if answer.status_code == 429:
            body = answer.json()
            verdicts.judge(
                body.get("errorType") == "RATE_LIMIT" and bool(body.get("policyName")),
                "ratelimit.enforced",
                "list_labels",
                f"a 429 without errorType RATE_LIMIT and a policyName: {body}",
            )
    verdicts.judge(
        any(checks.RATE_LIMIT_HEADERS[0] in a.headers for a in answers),
        "ratelimit.headers",
        "list_labels",
        "no answer under a rate limit carried X-HubSpot-RateLimit-Max",
    )


def test_no_input_lost_or_duplicated_under_rate_limit_and_faults(emulator: Target) -> None:
    """accounting.under-faults: every input of a bulk job comes back once, and is stored once."""
    _set_rate_limit(emulator, 40, 1.0)
    spec = f"rate=0.1,kinds=429+502+503+html+drop+cut,seed={emulator.seed}"
    conditions.http().put(
        f"{emulator.base_url}/_emulator/faults", json={"spec": spec}
    ).raise_for_status()
    pairs = [(str(1000 + i // 50), str(5000 + i)) for i in range(1000)]
    accounting = run_accounted(
        emulator.base_url, emulator.token, pairs, batch_size=50, concurrency=4, rate_limit=(35, 1.0)
    )
    verdicts.judge(
        accounting.exact and accounting.succeeded == len(pairs),
        "accounting.under-faults",
        "batch_create_associations",
        f"{accounting.inputs} inputs: {accounting.succeeded} done, {accounting.failed} failed "
        f"({accounting.categories}), {accounting.lost} lost, {accounting.duplicated} duplicated, "
        f"{accounting.without_reason} failed without a reason",
    )
    conditions.lift(emulator.base_url)
    stored = 0
    with httpx.Client(
        base_url=emulator.base_url,
        headers={"Authorization": f"Bearer {emulator.token}"},
        timeout=30,
    ) as http:
        for contact in sorted({c for c, _ in pairs}):
            answer = http.get(
                f"/crm/v4/objects/contact/{contact}/associations/company", params={"limit": 500}
            )
            coverage.saw("list_associations", answer.status_code)
            stored += len(answer.json()["results"])
    verdicts.judge(
        stored == len(pairs),
        "accounting.under-faults",
        "batch_create_associations",
        f"{len(pairs)} pairs reported done, {stored} stored",
    )
