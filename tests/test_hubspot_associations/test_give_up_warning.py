"""The "giving up" warning is logged for a call whose failure reaches the caller, never for a
write the facade completes after its answer was lost (it confirms by a read, or resends)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import (
    APIConnectionError,
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    OutcomeUnknownError,
    RetryPolicy,
)

FAST = RetryPolicy(initial_backoff=0.005, max_backoff=0.02, isolated_backoff=0.005)
LABEL = {"fromObjectType": "contact", "toObjectType": "company", "name": "buyer",
         "label": "Buyer", "inverseLabel": "Bought from"}  # fmt: skip
LIMIT = {"fromObjectType": "contact", "toObjectType": "company", "category": "HUBSPOT_DEFINED",
         "typeId": 279, "maxToObjectIds": 5}  # fmt: skip

# The writes the facade completes after a lost answer: (seed, the call).
CONFIRMED: dict[str, tuple[dict[str, Any], Callable[[HubSpotAssociations], object]]] = {
    "create_label": ({}, lambda c: c.labels.create("contact", "company", name="buyer",
                                                   label="Buyer", inverse_label="Bought from")),
    "delete_label": ({"labels": [LABEL]}, lambda c: c.labels.delete("contact", "company", 1200)),
    "create_limits": ({}, lambda c: c.limits.create("contact", "company",
                                                    [(("HUBSPOT_DEFINED", 279), 5)])),
    "purge_limits": ({"limits": [LIMIT]},
                     lambda c: c.limits.purge("contact", "company", [("HUBSPOT_DEFINED", 279)])),
}  # fmt: skip


@pytest.fixture(scope="module")
def emulator() -> Iterator[tuple[str, str]]:
    """One emulator for the module: (base URL, token)."""
    with serve_in_thread(EmulatorConfig()) as server:
        yield server.base_url, server.token


def lose_first_answer(
    url: str, seed: dict[str, Any], operation: str, kind: str = "cut", times: int = 1
) -> None:
    """A fresh store (seeded), and the first answer(s) of ``operation`` lost: ``cut`` after the
    call was applied, ``drop`` before the request was read."""
    with httpx.Client(base_url=url) as control:
        control.post("/_emulator/reset", json={}).raise_for_status()
        if seed:
            control.post("/_emulator/seed", json=seed).raise_for_status()
        script = [{"operationId": operation, "kind": kind, "after": 0, "times": times}]
        control.put("/_emulator/faults", json={"script": script}).raise_for_status()


def fired(url: str) -> int:
    """How many aimed faults fired."""
    script = httpx.get(f"{url}/_emulator/faults").json()["script"]
    return sum(int(entry["fired"]) for entry in script)


def give_ups(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The "giving up" warnings logged on the package's logger."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "hubspot_associations" and "giving up" in r.getMessage()
    ]


@pytest.mark.parametrize("operation", CONFIRMED)
def test_no_warning_for_a_write_the_facade_completes(
    emulator: tuple[str, str], operation: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Each write confirmed by a read after its lost answer returns, and logs no give-up."""
    url, token = emulator
    seed, call = CONFIRMED[operation]
    lose_first_answer(url, seed, operation)
    with (
        caplog.at_level(logging.INFO, logger="hubspot_associations"),
        HubSpotAssociations(token, base_url=url, rate_limit=None, retry_policy=FAST) as client,
    ):
        call(client)
    assert fired(url) == 1
    assert give_ups(caplog) == []


def test_no_warning_for_an_async_label_create_the_facade_confirms(
    emulator: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """The async twin: the label create whose answer was lost is confirmed, with no give-up."""
    url, token = emulator
    lose_first_answer(url, {}, "create_label")

    async def create() -> None:
        async with AsyncHubSpotAssociations(
            token, base_url=url, rate_limit=None, retry_policy=FAST
        ) as client:
            made = await client.labels.create("contact", "company", name="buyer", label="Buyer")
            assert [str(t.label) for t in made] == ["Buyer"]

    with caplog.at_level(logging.INFO, logger="hubspot_associations"):
        asyncio.run(create())
    assert fired(url) == 1
    assert give_ups(caplog) == []


def test_the_warning_is_logged_once_when_the_failure_reaches_the_caller(
    emulator: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """report.request, whose lost answer nothing can confirm, raises OutcomeUnknownError and
    logs one give-up naming the request (without the token)."""
    url, token = emulator
    lose_first_answer(url, {}, "request_high_usage_report")
    with (
        caplog.at_level(logging.INFO, logger="hubspot_associations"),
        HubSpotAssociations(token, base_url=url, rate_limit=None, retry_policy=FAST) as client,
        pytest.raises(OutcomeUnknownError),
    ):
        client.report.request(7)
    (warning,) = give_ups(caplog)
    assert warning.startswith("giving up on POST ")
    assert "/high-usage-report/7 after 1 send(s), the answer lost" in warning
    assert token not in warning


def test_a_label_create_lost_every_time_warns_once_when_it_escapes(
    emulator: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Every create dropped (never applied, so never confirmed): after the facade's resends the
    APIConnectionError reaches the caller with one give-up, not one per lost answer."""
    url, token = emulator
    lose_first_answer(url, {}, "create_label", kind="drop", times=100)
    policy = RetryPolicy(max_retries=2, initial_backoff=0.005, max_backoff=0.02)
    with (
        caplog.at_level(logging.INFO, logger="hubspot_associations"),
        HubSpotAssociations(token, base_url=url, rate_limit=None, retry_policy=policy) as client,
        pytest.raises(APIConnectionError),
    ):
        client.labels.create("contact", "company", name="buyer", label="Buyer")
    assert fired(url) == 3  # the first send and the two resends
    (warning,) = give_ups(caplog)
    assert "/labels after 3 send(s), the answer lost" in warning
