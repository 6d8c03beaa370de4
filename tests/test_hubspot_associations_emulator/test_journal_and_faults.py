"""What HubSpot sends when things go wrong, aimed at one operation, as two clients see it; and the
request journal that records what the user's code sent (bounded, JSONL and HAR 1.2)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hubspot
import jsonschema
import pytest
from hubspot.crm.associations import v4
from hubspot.crm.associations.v4.exceptions import ApiException
from hubspot_associations_emulator import RunningEmulator, serve_in_thread
from hubspot_associations_emulator.control_client import AimedFault, ControlClient

from hubspot_associations import APIStatusError, HubSpotAssociations, RetryPolicy

HAR_SCHEMA = json.loads((Path(__file__).parent / "har_1_2_schema.json").read_text())
FAST = RetryPolicy(initial_backoff=0.005, max_backoff=0.02, isolated_backoff=0.005)
INPUTS = [("1", "10"), ("2", "11")]


@pytest.fixture(scope="module")
def server() -> Iterator[RunningEmulator]:
    """One emulator on loopback for the module."""
    with serve_in_thread() as running:
        yield running


@pytest.fixture
def control(server: RunningEmulator) -> Iterator[ControlClient]:
    """The control client, on an emptied emulator."""
    with ControlClient(server.base_url) as client:
        client.reset()
        yield client


def _ours(server: RunningEmulator, **options: Any) -> HubSpotAssociations:
    return HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None, **options)


def _official(server: RunningEmulator) -> Any:
    return hubspot.HubSpot(access_token=server.token, host=server.base_url)


def _official_batch_create(server: RunningEmulator) -> Any:
    body = v4.BatchInputPublicAssociationMultiPost(
        inputs=[
            v4.PublicAssociationMultiPost(
                _from=v4.PublicObjectId(id=a), to=v4.PublicObjectId(id=b),
                types=[v4.AssociationSpec("HUBSPOT_DEFINED", 279)],
            )
            for a, b in INPUTS
        ]
    )  # fmt: skip
    return _official(server).crm.associations.v4.batch_api.create("contact", "company", body)


def test_two_aimed_429s_then_success_as_both_clients_see_them(
    server: RunningEmulator, control: ControlClient
) -> None:
    """The next two batch creates answer HubSpot's ten-secondly 429 with its headers, the third
    succeeds, a list_labels in between is untouched; this client retries through them, HubSpot's
    client (no retries) raises twice; the journal holds every call, two marked injected."""
    control.set_faults(script=[AimedFault("429", "batch_create_associations", times=2)])
    seen: list[tuple[int, dict[str, str], dict[str, Any]]] = []

    def on_retry(retry: int, delay: float, response: Any, error: Any) -> None:
        seen.append((response.status_code, dict(response.headers), response.json()))

    with _ours(server, retry_policy=FAST, on_retry=on_retry) as client:
        client.labels.list("contact", "company")
        answer = client.batch.create("contact", "company", INPUTS, [("HUBSPOT_DEFINED", 279)])
    assert len(answer.results) == 2
    assert [status for status, _, _ in seen] == [429, 429]
    for _, headers, body in seen:
        assert headers["x-hubspot-ratelimit-max"] == "100"
        assert headers["x-hubspot-ratelimit-remaining"] == "0"
        assert headers["x-hubspot-ratelimit-interval-milliseconds"] == "10000"
        assert body["policyName"] == "TEN_SECONDLY_ROLLING"
        assert body["errorType"] == "RATE_LIMIT"
        assert "category" not in body
    journal = control.journal()
    creates = journal.calls("batch_create_associations")
    assert [(e.status, e.injected) for e in creates] == [(429, "429"), (429, "429"), (201, None)]
    assert [e.status for e in journal.calls("list_labels")] == [200]
    assert creates[-1].request_json["inputs"][0]["from"] == {"id": "1"}

    control.reset()
    control.set_faults(script=[AimedFault("429", "batch_create_associations", times=2)])
    for _ in range(2):
        with pytest.raises(ApiException) as raised:
            _official_batch_create(server)
        assert raised.value.status == 429
        assert raised.value.headers["X-HubSpot-RateLimit-Remaining"] == "0"
        assert json.loads(raised.value.body)["policyName"] == "TEN_SECONDLY_ROLLING"
    assert len(_official_batch_create(server).results) == 2
    assert [e.injected for e in control.journal().calls("batch_create_associations")] == [
        "429", "429", None,
    ]  # fmt: skip


# kind -> (status, body fields, headers) HubSpot's documents (and docs/emulator.md) describe.
KINDS: dict[str, tuple[int, dict[str, Any], dict[str, str]]] = {
    "daily": (429, {"policyName": "DAILY", "errorType": "RATE_LIMIT"},
              {"x-hubspot-ratelimit-daily": "250000", "x-hubspot-ratelimit-daily-remaining": "0"}),
    "423": (423, {"category": "LOCKED"}, {}),
    "477": (477, {"category": "MIGRATION_IN_PROGRESS"}, {"retry-after": "1"}),
    "502": (502, {"category": "INTERNAL_ERROR"}, {}),
    "503": (503, {"category": "INTERNAL_ERROR"}, {}),
    "504": (504, {"category": "INTERNAL_ERROR"}, {}),
    "html": (502, {}, {}),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_fault_kind_as_both_clients_see_it(
    server: RunningEmulator, control: ControlClient, kind: str
) -> None:
    """Each kind aimed at list_labels: both clients see its status, headers and body."""
    status, fields, headers = KINDS[kind]
    control.set_faults(script=[AimedFault(kind, "list_labels", times=2)])
    with _ours(server, max_retries=0) as client, pytest.raises(APIStatusError) as raised:
        client.labels.list("contact", "company")
    error = raised.value
    assert error.status_code == status
    for name, value in headers.items():
        assert error.headers[name] == value, (name, error.headers)
    if fields:
        body = json.loads(error.body)
        assert {k: body.get(k) for k in fields} == fields
        assert body["correlationId"] == error.correlation_id
        if "policyName" in fields:
            assert error.policy_name == fields["policyName"]
    else:
        assert "<html>" in error.body
    # The schema API has exception classes of its own, with the same fields.
    with pytest.raises(Exception, match=f"\\({status}\\)") as official:
        _official(server).crm.associations.v4.schema.definitions_api.get_all("contact", "company")
    assert official.value.status == status  # type: ignore[attr-defined]
    for name, value in headers.items():
        assert official.value.headers[name] == value  # type: ignore[attr-defined]
    if fields:
        official_body = json.loads(official.value.body)  # type: ignore[attr-defined]
        assert {k: official_body.get(k) for k in fields} == fields
    # The next call is not aimed at: it succeeds.
    with _ours(server) as client:
        assert client.labels.list("contact", "company")


def test_an_aimed_retry_after_is_sent(server: RunningEmulator, control: ControlClient) -> None:
    """retryAfter sets the Retry-After header of an aimed fault (absent by default on a 429)."""
    control.set_faults(
        script=[AimedFault("daily", "list_labels", retry_after=7), AimedFault("429")]
    )
    with _ours(server, max_retries=0) as client:
        for expected in ("7", None):
            with pytest.raises(APIStatusError) as raised:
                client.labels.list("contact", "company")
            assert raised.value.headers.get("retry-after") == expected


def test_a_journal_of_three_keeps_the_last_three(
    server: RunningEmulator, control: ControlClient
) -> None:
    """With the journal bounded to 3 entries, five requests leave the last three, dropped 2."""
    control.set_journal(max_entries=3)
    with _ours(server) as client:
        for record in range(1, 6):
            client.basic.get_page("contact", record, "company")
    journal = control.journal()
    assert [e.path for e in journal.entries] == [
        f"/crm/v4/objects/contact/{record}/associations/company" for record in (3, 4, 5)
    ]
    assert journal.dropped == 2
    control.reset()
    assert control.journal().entries == []


def test_the_journal_keeps_no_token_and_cuts_large_bodies(
    server: RunningEmulator, control: ControlClient
) -> None:
    """No Authorization header in any entry; a body past 64 KiB is cut with its length and
    SHA-256; every entry names its operation and release."""
    with _ours(server) as client:
        client.batch.associate_default("contact", "company", [(1, i) for i in range(100, 2100)])
        client.labels.list("contact", "company")
    with _ours(server, api_version="2026-03") as client:
        client.labels.list("contact", "company")
    journal = control.journal()
    text = control.journal_jsonl()
    assert server.token not in text
    assert all(k.lower() != "authorization" for e in journal.entries for k, _ in e.request_headers)
    big = journal.calls("batch_associate_default")[0]
    assert big.request_body["truncated"] is True
    assert big.request_body["size"] > 64 * 1024
    assert len(big.request_body["text"].encode()) <= 64 * 1024
    assert big.response_body["truncated"] is True
    assert len(big.response_body["sha256"]) == 64
    assert [(e.operation_id, e.release) for e in journal.entries] == [
        ("batch_associate_default", "v4"), ("list_labels", "v4"), ("list_labels", "2026-03"),
    ]  # fmt: skip
    assert [json.loads(line)["operationId"] for line in text.splitlines()] == [
        "batch_associate_default", "list_labels", "list_labels",
    ]  # fmt: skip


def test_the_journal_helpers_say_what_was_sent(
    server: RunningEmulator, control: ControlClient
) -> None:
    """assert_called_once checks the inputs and, when it fails, says what was sent."""
    with _ours(server) as client:
        client.batch.create("contact", "company", INPUTS, [("HUBSPOT_DEFINED", 279)])
    journal = control.journal()
    sent = journal.assert_called_once("batch_create_associations")
    inputs = sent.request_json["inputs"]
    journal.assert_called_once("batch_create_associations", inputs=inputs)
    journal.assert_not_called("create_label")
    with pytest.raises(AssertionError, match="called 0 time"):
        journal.assert_called_once("delete_label")
    with pytest.raises(AssertionError, match="was sent"):
        journal.assert_called_once("batch_create_associations", inputs=inputs[:1])


def test_the_har_export_is_valid_har_1_2(server: RunningEmulator, control: ControlClient) -> None:
    """The HAR export validates against the HAR 1.2 schema, a dropped connection included, and
    holds each request's method, URL, body and answer."""
    control.set_faults(script=[AimedFault("drop", "list_labels")])
    with _ours(server, retry_policy=FAST) as client:
        client.labels.list("contact", "company")  # dropped once, then answered
        client.batch.create("contact", "company", INPUTS, [("HUBSPOT_DEFINED", 279)])
    har = control.journal_har()
    jsonschema.validate(har, HAR_SCHEMA)
    entries = har["log"]["entries"]
    assert [(e["request"]["method"], e["response"]["status"], e["_injected"]) for e in entries] == [
        ("GET", 0, "drop"), ("GET", 200, None), ("POST", 201, None),
    ]  # fmt: skip
    post = entries[2]
    assert post["request"]["url"] == (
        f"{server.base_url}/crm/v4/associations/contact/company/batch/create"
    )
    assert json.loads(post["request"]["postData"]["text"])["inputs"][1]["to"] == {"id": "11"}
    assert json.loads(post["response"]["content"]["text"])["status"] == "COMPLETE"
    body = post["request"]["postData"]["text"].encode()
    assert post["request"]["bodySize"] == len(body)
    assert hashlib.sha256(body).hexdigest()  # whole, not cut: no sha256 needed


def test_the_journal_and_its_har_read_back_as_the_same_traffic(
    server: RunningEmulator, control: ControlClient, tmp_path: Path
) -> None:
    """The JSONL and the HAR export are read back by the traffic reader as the same exchanges;
    a file that is no traffic is a TrafficError saying what was expected."""
    from hubspot_associations.cli._migration.traffic import TrafficError, read_traffic

    with _ours(server) as client:
        client.batch.create("contact", "company", INPUTS, [("HUBSPOT_DEFINED", 279)])
        client.basic.get_page("contact", 1, "company")
    (tmp_path / "t.jsonl").write_text(control.journal_jsonl())
    (tmp_path / "t.har").write_text(json.dumps(control.journal_har()))
    from_jsonl = read_traffic(tmp_path / "t.jsonl")
    from_har = read_traffic(tmp_path / "t.har")
    assert from_jsonl == from_har
    assert [(e.method, e.status, e.operation_id) for e in from_har] == [
        ("POST", 201, "batch_create_associations"), ("GET", 200, "list_associations"),
    ]  # fmt: skip
    assert json.loads(from_har[0].request_body)["inputs"][0]["to"] == {"id": "10"}
    (tmp_path / "bad.txt").write_text("not traffic\n")
    with pytest.raises(TrafficError, match="neither a HAR"):
        read_traffic(tmp_path / "bad.txt")
