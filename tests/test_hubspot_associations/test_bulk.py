"""Bulk helpers: every input accounted for exactly once, whatever the answers (canned, no network)."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest

from hubspot_associations import AsyncHubSpotAssociations, HubSpotAssociations

TIMES = {"startedAt": "2026-03-01T10:00:00Z", "completedAt": "2026-03-01T10:00:01Z"}
BAD_ID = "666"


def default_answer(request: httpx.Request) -> httpx.Response:
    """Batch associate/default: 400 for a batch holding BAD_ID, else every pair done."""
    inputs = json.loads(request.content)["inputs"]
    if any(i["from"]["id"] == BAD_ID for i in inputs):
        return httpx.Response(400, json={
            "status": "error", "message": "One or more associations are invalid", "category": "VALIDATION_ERROR",
            "context": {"INVALID_OBJECT_IDS": [f"CONTACT={BAD_ID} is not valid"]},
        })  # fmt: skip
    results = [
        {
            "from": i["from"],
            "to": i["to"],
            "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
        }
        for i in inputs
    ]
    return httpx.Response(200, json={"status": "COMPLETE", "results": results, **TIMES})


def client(handler: Any) -> HubSpotAssociations:
    """A sync client answering from ``handler``."""
    return HubSpotAssociations(
        "t",
        base_url="https://api.test",
        transport=httpx.MockTransport(handler),
        max_retries=0,
        rate_limit=None,
    )


def test_bad_input_is_isolated_by_splitting_and_the_rest_succeed() -> None:
    """A 400 batch is halved until only the bad pair fails; all others succeed, each once."""
    pairs = (
        [(str(i), "9") for i in range(1, 40)]
        + [(BAD_ID, "9")]
        + [(str(i), "9") for i in range(40, 80)]
    )
    with client(default_answer) as c:
        result = c.bulk.associate_default("contact", "company", pairs, batch_size=16)
    assert sorted(result.succeeded) == sorted(p for p in pairs if p[0] != BAD_ID)
    assert [f.input for f in result.failed] == [(BAD_ID, "9")]
    assert result.failed[0].status_code == 400
    assert result.failed[0].category == "VALIDATION_ERROR"
    assert "invalid" in result.failed[0].reason
    assert result.total == len(pairs)


def test_207_answers_are_split_into_done_and_failed() -> None:
    """Batch create's 207: inputs in results succeed, the others fail with HubSpot's matching error."""

    def handler(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        ok = [i for i in inputs if i["from"]["id"] != "3"]
        results = [
            {
                "fromObjectTypeId": "0-1",
                "fromObjectId": int(i["from"]["id"]),
                "toObjectTypeId": "0-2",
                "toObjectId": int(i["to"]["id"]),
                "labels": [],
            }
            for i in ok
        ]
        errors = [
            {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "limit exceeded for 3",
                "context": {"fromObjectId": ["3"]},
            }
        ]
        status = 207 if len(ok) < len(inputs) else 201
        return httpx.Response(
            status,
            json={
                "status": "COMPLETE",
                "results": results,
                "errors": errors if status == 207 else [],
                "numErrors": 1,
                **TIMES,
            },
        )

    pairs = [("1", "10"), ("2", "10"), ("3", "10"), ("4", "10")]
    with client(handler) as c:
        result = c.bulk.create("contact", "company", pairs, [("USER_DEFINED", 36)], batch_size=2)
    assert sorted(result.succeeded) == [("1", "10"), ("2", "10"), ("4", "10")]
    assert len(result.failed) == 1
    failure = result.failed[0]
    assert (failure.input, failure.reason, failure.category, failure.status_code) == (
        ("3", "10"),
        "limit exceeded for 3",
        "VALIDATION_ERROR",
        207,
    )


def test_authentication_error_stops_the_job_and_accounts_for_unsent_inputs() -> None:
    """A 401 stops sending; every input is failed with the reason, none is lost."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(
            401,
            json={
                "status": "error",
                "message": "expired token",
                "category": "INVALID_AUTHENTICATION",
            },
        )

    pairs = [(str(i), "1") for i in range(1, 1001)]
    with client(handler) as c:
        result = c.bulk.associate_default(
            "contact", "company", pairs, batch_size=100, concurrency=1
        )
    assert result.succeeded == []
    assert sorted(f.input for f in result.failed) == sorted(pairs)
    assert len(calls) == 1
    assert sum(f.reason.startswith("not sent") for f in result.failed) == 900


def test_progress_and_on_chunk_report_every_input() -> None:
    """progress sees the running total; on_chunk receives each input exactly once."""
    reported: list[tuple[int, int]] = []
    chunks: list[tuple[str, str]] = []
    lock = threading.Lock()

    def on_chunk(done: list[Any], failed: list[Any]) -> None:
        with lock:
            chunks.extend(done)
            chunks.extend(f.input for f in failed)

    pairs = [(str(i), "5") for i in range(1, 251)]
    with client(default_answer) as c:
        c.bulk.associate_default(
            "contact",
            "company",
            pairs,
            batch_size=50,
            progress=lambda d, t: reported.append((d, t)),
            on_chunk=on_chunk,
        )
    assert sorted(chunks) == sorted(pairs)
    assert reported[-1] == (250, 250)
    assert [d for d, _ in reported] == sorted(d for d, _ in reported)


def test_invalid_pairs_are_refused_before_anything_is_sent() -> None:
    """Bad IDs anywhere in the input raise one error listing them, with no request sent."""
    from hubspot_associations import ClientValidationError

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    with client(refuse) as c, pytest.raises(ClientValidationError, match=r"input 1: .*input 3"):
        c.bulk.associate_default(
            "contact", "company", [("1", "2"), ("x", "2"), ("3", "4"), ("5", "")]
        )


def test_remove_and_read_account_for_every_input() -> None:
    """bulk.remove marks every pair done on 204; read returns each record's associations, empty when none."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/batch/archive"):
            return httpx.Response(204)
        inputs = json.loads(request.content)["inputs"]
        results = [
            {"from": {"id": i["id"]}, "to": [{"toObjectId": 99, "associationTypes": []}]}
            for i in inputs
            if i["id"] != "2"
        ]
        errors = [
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                "message": "No company is associated with contact 2.",
                "context": {"fromObjectId": ["2"]},
            }
        ]
        return httpx.Response(
            207,
            json={
                "status": "COMPLETE",
                "results": results,
                "errors": errors,
                "numErrors": 1,
                **TIMES,
            },
        )

    with client(handler) as c:
        archived = c.bulk.remove("contact", "company", [("1", "2"), ("1", "3"), ("4", "5")])
        read = c.bulk.read("contact", "company", [1, 2, 3])
    assert sorted(archived.succeeded) == [("1", "2"), ("1", "3"), ("4", "5")]
    assert sorted(read.succeeded) == ["1", "2", "3"]
    assert {k: [a.to_object_id for a in v] for k, v in read.associations.items()} == {
        "1": ["99"],
        "2": [],
        "3": ["99"],
    }


@pytest.mark.anyio
async def test_async_bulk_runs_chunks_concurrently_and_accounts_exactly() -> None:
    """The async bulk helper overlaps chunks and still returns every input once."""
    in_flight = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        import asyncio

        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return default_answer(request)

    pairs = [(str(i), "7") for i in range(1000, 2000)]
    async with AsyncHubSpotAssociations(
        "t",
        base_url="https://api.test",
        transport=httpx.MockTransport(handler),
        max_retries=0,
        rate_limit=None,
    ) as c:
        result = await c.bulk.associate_default(
            "contact", "company", pairs, batch_size=50, concurrency=4
        )
    assert sorted(result.succeeded) == sorted(pairs)
    assert result.failed == []
    assert peak > 1
