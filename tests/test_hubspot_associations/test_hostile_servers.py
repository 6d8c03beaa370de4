"""Hostile servers: trickled, cut, endless and bomb answers end in bounded time and memory,
with this package's typed errors; HubSpot's lost answers are retried only where that is safe."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import (
    APIStatusError,
    APITimeoutError,
    AsyncHubSpotAssociations,
    BadRequestError,
    HubSpotAssociations,
    NotFoundError,
    RateLimitError,
    ResponseTooLargeError,
    RetryPolicy,
    ServerError,
)
from tests.test_hubspot_associations.raw_server import (
    cut,
    endless,
    full,
    gzip_bomb,
    serve,
    trickle,
    trickle_head,
)

BATCH_ANSWER = json.dumps({
    "status": "COMPLETE", "startedAt": "2026-01-01T00:00:00Z", "completedAt": "2026-01-01T00:00:01Z",
    "results": [{"from": {"id": "1"}, "to": {"id": "2"},
                 "associationSpec": {"associationCategory": "HUBSPOT_DEFINED",
                                     "associationTypeId": 279}}],
}).encode()  # fmt: skip
QUICK = RetryPolicy(max_retries=3, initial_backoff=0.01, max_backoff=0.02, total_timeout=3)


def client(url: str, **options: Any) -> HubSpotAssociations:
    """A client of the raw server, no client-side rate limit."""
    return HubSpotAssociations("token", base_url=url, rate_limit=None, **options)


def test_a_trickling_server_cannot_hold_a_call_past_its_deadline() -> None:
    """One byte every 2 s never trips a read timeout; the 3 s deadline still ends the call."""
    with serve([trickle(2.0, 100)]) as (url, _), client(url, retry_policy=QUICK) as c:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            c.batch.associate_default("contact", "company", [(1, 2)])
        assert time.monotonic() - started < 8


@pytest.mark.parametrize("head", [True, False], ids=["status-line", "body"])
def test_a_trickled_answer_ends_at_the_deadline_and_is_logged(
    head: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """A status line (or body) trickled one byte every second ends at the 3 s deadline, sync,
    with the give-up logged."""
    answer = trickle_head(1.0) if head else trickle(1.0, 100)
    with (
        serve([answer]) as (url, _),
        caplog.at_level(logging.INFO, logger="hubspot_associations"),
        client(url, retry_policy=QUICK) as c,
    ):
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            c.basic.get_page("contact", 1, "company")
        assert time.monotonic() - started < 4.5
    assert any("giving up" in r.getMessage() for r in caplog.records)


@pytest.mark.anyio
async def test_the_async_deadline_cuts_an_attempt_in_flight() -> None:
    """The async client ends a trickled answer at its deadline too."""
    with serve([trickle(2.0, 100)]) as (url, _):
        async with AsyncHubSpotAssociations("token", base_url=url, rate_limit=None,
                                            retry_policy=QUICK) as c:  # fmt: skip
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                await c.batch.associate_default("contact", "company", [(1, 2)])
            assert time.monotonic() - started < 8


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "until-close"])
def test_a_gzip_bomb_is_refused_at_the_cap(chunked: bool) -> None:
    """A 1 GiB gzip bomb (chunked, or until the connection closes) raises ResponseTooLargeError
    at the cap, without inflating the rest."""
    bomb = serve([gzip_bomb(200, 1 << 30, chunked=chunked)])
    with bomb as (url, _), client(url, max_body_bytes=4 << 20) as c:
        started = time.monotonic()
        with pytest.raises(ResponseTooLargeError) as caught:
            c.batch.associate_default("contact", "company", [(1, 2)])
        assert time.monotonic() - started < 10
    assert caught.value.limit == 4 << 20


def test_an_endless_body_without_length_is_refused_at_the_cap() -> None:
    """An identity body with no Content-Length that never ends: ResponseTooLargeError."""
    with (
        serve([endless()]) as (url, _),
        client(url, max_body_bytes=8 << 20) as c,
        pytest.raises(ResponseTooLargeError),
    ):
        c.batch.associate_default("contact", "company", [(1, 2)])


def test_a_429_bomb_is_read_only_a_little_on_every_retry() -> None:
    """A 429 whose body is a 1 GiB gzip bomb: each retry reads 1 MiB of it, the call ends fast."""
    with serve([gzip_bomb(429, 1 << 30)]) as (url, heads), client(url, retry_policy=QUICK) as c:
        started = time.monotonic()
        with pytest.raises(RateLimitError):
            c.batch.associate_default("contact", "company", [(1, 2)])
        assert time.monotonic() - started < 10
        assert len(heads) == 4


def test_a_cut_2xx_body_of_a_batch_call_is_retried() -> None:
    """A batch answer cut mid-body is a lost answer: the batch is sent again and succeeds."""
    answers = [cut(200, BATCH_ANSWER), full(200, BATCH_ANSWER)]
    with serve(answers) as (url, heads), client(url, retry_policy=QUICK) as c:
        result = c.batch.associate_default("contact", "company", [(1, 2)])
    assert [(r.from_.id, r.to.id) for r in result.results] == [("1", "2")]
    assert len(heads) == 2


class LoseCreateAnswers(httpx.BaseTransport):
    """Sends every request to the real server, but loses the answer of each label create."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Forward; for POST …/labels, drop the answer after the server applied it."""
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/labels"):
            response.read()
            raise httpx.RemoteProtocolError("connection closed mid-answer", request=request)
        return response


def test_a_lost_label_create_is_looked_up_not_resent() -> None:
    """Creating a label is not idempotent: after a lost answer the label is looked up, and the
    emulator holds it once (a resend would have answered "already exists")."""
    with serve_in_thread(EmulatorConfig()) as server:
        with HubSpotAssociations(server.token, base_url=server.base_url, rate_limit=None,
                                 retry_policy=QUICK, transport=LoseCreateAnswers()) as c:  # fmt: skip
            made = c.labels.create("contact", "company", name="buyer", label="Buyer",
                                   inverse_label="Bought from")  # fmt: skip
        assert sorted(str(t.label) for t in made) == ["Bought from", "Buyer"]
        counts = httpx.get(f"{server.base_url}/_emulator/requests").json()["operations"]
        assert counts["create_label"] == 1


def test_retries_are_logged_and_hooked_without_the_token(caplog: pytest.LogCaptureFixture) -> None:
    """Each retry and the give-up are logged on hubspot_associations, and on_retry sees each."""
    seen: list[tuple[int, float]] = []
    busy = serve([full(503, b'{"status":"error","message":"busy"}')])
    with busy as (url, _), caplog.at_level(logging.INFO, logger="hubspot_associations"):
        hook = client(
            url, retry_policy=QUICK, on_retry=lambda n, delay, _r, _e: seen.append((n, delay))
        )
        with hook as c, pytest.raises(Exception, match="503"):
            c.batch.associate_default("contact", "company", [(1, 2)])
    assert [n for n, _ in seen] == [1, 2, 3]
    messages = [r.getMessage() for r in caplog.records if r.name == "hubspot_associations"]
    assert sum("retry" in m for m in messages) == 3
    assert any("giving up" in m for m in messages)
    assert all("token" not in m for m in messages)


def test_with_the_default_cap_a_bomb_is_caught_by_its_ratio() -> None:
    """With the default 64 MiB cap, a bomb is refused after 8 MiB: it inflates over 200 times."""
    with (
        serve([gzip_bomb(200, 1 << 30)]) as (url, _),
        client(url) as c,
        pytest.raises(ResponseTooLargeError, match="bomb"),
    ):
        c.batch.associate_default("contact", "company", [(1, 2)])


def test_a_declared_oversize_body_is_refused_unread() -> None:
    """An answer declaring 1 GiB in Content-Length is refused before a byte of it is read."""
    declared = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n"
    )

    def answer(conn: Any) -> None:
        conn.sendall(declared)
        time.sleep(3)

    with (
        serve([answer]) as (url, _),
        client(url, max_body_bytes=1 << 20) as c,
        pytest.raises(ResponseTooLargeError),
    ):
        c.batch.associate_default("contact", "company", [(1, 2)])


DEEP = b'{"message": "m", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (404, NotFoundError), (429, RateLimitError),
     (500, ServerError), (503, ServerError)],
)  # fmt: skip
def test_an_error_answer_nested_too_deeply_is_a_typed_error(
    status: int, error: type[APIStatusError]
) -> None:
    """An error body of 100,000 nested arrays (a 429 retried too): the typed error, saying the
    body is not JSON, never a RecursionError out of the client."""
    answers = [full(status, DEEP, b"application/json")] * 4
    with (
        serve(answers) as (url, _),
        client(url, retry_policy=QUICK) as c,
        pytest.raises(error, match="non-JSON body"),
    ):
        c.labels.list("contact", "company")


def test_an_error_answer_is_read_as_strictly_as_any_other() -> None:
    """A 400 whose JSON holds NaN and half a surrogate pair is not JSON under either parser:
    the error says so and keeps no decoded body."""
    body = b'{"message": "bad \\ud800 input", "status": NaN}'
    with (
        serve([full(400, body, b"application/json")]) as (url, _),
        client(url) as c,
        pytest.raises(BadRequestError, match="non-JSON body") as caught,
    ):
        c.labels.list("contact", "company")
    assert not isinstance(caught.value.body, dict)
