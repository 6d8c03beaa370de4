"""Retry rules of RetryPolicy and the retrying transports, with waits on a fake clock."""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from hubspot_associations import AsyncRetryingTransport, RetryingTransport
from hubspot_associations._ratelimit import waiting
from hubspot_associations._ratelimit.limiter import RateLimiter
from hubspot_associations._transports.retry import RetryPolicy, hinted_delay
from tests.test_hubspot_associations.client_fakes import FakeClock

URL = "https://api.hubapi.com/crm/v4/associations/contacts/companies/batch/create"
NO_JITTER = RetryPolicy(jitter=0.0)
Handler = Callable[[httpx.Request], httpx.Response]


def scripted(*answers: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler that plays the given answers in order, recording each request it saw."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handle, seen


def client(
    handler: Handler, clock: FakeClock, policy: RetryPolicy = NO_JITTER, **kw: Any
) -> tuple[httpx.Client, RetryingTransport]:
    transport = RetryingTransport(
        httpx.MockTransport(handler), policy=policy, sleep=clock.sleep, clock=clock, **kw
    )
    return httpx.Client(transport=transport), transport


def rate_limited(policy: str, **headers: str) -> httpx.Response:
    body = {"status": "error", "message": "limit", "errorType": "RATE_LIMIT", "policyName": policy}
    return httpx.Response(429, json=body, headers=headers)


@pytest.mark.parametrize("status", [408, 423, 429, 477, 500, 502, 503, 504, 520, 524, 599])
def test_retryable_statuses_are_retried(status: int, clock: FakeClock) -> None:
    """Each transient status is sent again until a success comes back."""
    handler, seen = scripted(httpx.Response(status), httpx.Response(200, json={}))
    http, transport = client(handler, clock)
    assert http.get(URL).status_code == 200
    assert len(seen) == 2
    assert transport.retries == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 501])
def test_final_statuses_are_not_retried(status: int, clock: FakeClock) -> None:
    """Client errors and 501 come back at once, unretried."""
    handler, seen = scripted(httpx.Response(status))
    http, _ = client(handler, clock)
    assert http.get(URL).status_code == status
    assert len(seen) == 1
    assert clock.sleeps == []


def test_backoff_is_exponential_and_capped(clock: FakeClock) -> None:
    """Waits double from the initial backoff and stop growing at max_backoff."""
    policy = RetryPolicy(max_retries=6, initial_backoff=1.0, max_backoff=4.0, jitter=0.0)
    handler, _seen = scripted(*[httpx.Response(503)] * 6, httpx.Response(200))
    http, _ = client(handler, clock, policy)
    assert http.get(URL).status_code == 200
    assert clock.sleeps == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_jitter_stays_within_spread() -> None:
    """Jittered backoffs stay within the spread around the base."""
    policy = RetryPolicy(initial_backoff=1.0, jitter=0.25)
    waits = [policy.backoff(0) for _ in range(200)]
    assert all(0.75 <= w <= 1.25 for w in waits)
    assert len(set(waits)) > 1


def test_max_retries_then_last_answer_returned(clock: FakeClock) -> None:
    """After max_retries the last answer is returned for the caller to turn into an error."""
    handler, seen = scripted(*[httpx.Response(502, text=str(i)) for i in range(5)])
    http, transport = client(handler, clock, RetryPolicy(max_retries=4, jitter=0.0))
    response = http.get(URL)
    assert (response.status_code, response.text) == (502, "4")
    assert len(seen) == 5
    assert transport.retries == 4


def test_zero_retries(clock: FakeClock) -> None:
    """with_max_retries(0) sends once."""
    handler, seen = scripted(httpx.Response(503))
    http, _ = client(handler, clock, NO_JITTER.with_max_retries(0))
    assert http.get(URL).status_code == 503
    assert len(seen) == 1


def test_retry_after_seconds(clock: FakeClock) -> None:
    """A Retry-After in seconds longer than the backoff sets the wait."""
    handler, _ = scripted(httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(200))
    http, _ = client(handler, clock)
    http.get(URL)
    assert clock.sleeps == [7.0]


def test_retry_after_http_date() -> None:
    """A Retry-After HTTP date is the time left until then."""
    date = email.utils.formatdate(1_000_030.0, usegmt=True)
    response = httpx.Response(503, headers={"Retry-After": date})
    assert hinted_delay(response, now=1_000_000.0) == pytest.approx(30.0)


def test_retry_after_in_the_past_or_garbage_falls_back_to_backoff() -> None:
    """A past date waits nothing extra; a garbled header is ignored."""
    past = email.utils.formatdate(10.0, usegmt=True)
    assert hinted_delay(httpx.Response(503, headers={"Retry-After": past}), now=100.0) == 0.0
    assert hinted_delay(httpx.Response(503, headers={"Retry-After": "soon"})) is None
    assert NO_JITTER.delay_for(0, httpx.Response(503, headers={"Retry-After": "soon"})) == 0.5


def test_rate_limit_headers_with_nothing_left_wait_for_interval(clock: FakeClock) -> None:
    """A 429 naming no rolling policy, with Remaining 0 and an interval, waits that interval."""
    headers = {
        "X-HubSpot-RateLimit-Remaining": "0",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
    }
    handler, _ = scripted(httpx.Response(429, headers=headers), httpx.Response(200))
    http, _ = client(handler, clock)
    assert http.get(URL).status_code == 200
    assert clock.sleeps == [10.0]


def test_rolling_window_429_backs_off_instead_of_waiting_a_window(clock: FakeClock) -> None:
    """TEN_SECONDLY_ROLLING with Remaining 0: exponential backoff, capped at the window."""
    headers = {
        "X-HubSpot-RateLimit-Remaining": "0",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
    }
    answers = [rate_limited("TEN_SECONDLY_ROLLING", **headers) for _ in range(4)]
    handler, _ = scripted(*answers, httpx.Response(200))
    http, _ = client(handler, clock)
    assert http.get(URL).status_code == 200
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]


def test_ten_secondly_without_headers_backs_off(clock: FakeClock) -> None:
    """TEN_SECONDLY_ROLLING with no headers backs off (a rolling window frees slots early)."""
    handler, _ = scripted(rate_limited("TEN_SECONDLY_ROLLING"), httpx.Response(200))
    http, _ = client(handler, clock)
    http.get(URL)
    assert clock.sleeps == [0.5]


def test_secondly_waits_one_second(clock: FakeClock) -> None:
    """SECONDLY with no headers waits one second."""
    handler, _ = scripted(rate_limited("SECONDLY"), httpx.Response(200))
    http, _ = client(handler, clock)
    http.get(URL)
    assert clock.sleeps == [1.0]


def test_429_with_requests_remaining_uses_backoff(clock: FakeClock) -> None:
    """A 429 whose headers say the window has room waits only the plain backoff."""
    headers = {
        "X-HubSpot-RateLimit-Remaining": "40",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
    }
    handler, _ = scripted(rate_limited("TEN_SECONDLY_ROLLING", **headers), httpx.Response(200))
    http, _ = client(handler, clock)
    http.get(URL)
    assert clock.sleeps == [0.5]


def test_daily_limit_is_not_retried(clock: FakeClock) -> None:
    """DAILY is returned at once, even with a Retry-After."""
    handler, seen = scripted(rate_limited("DAILY", **{"Retry-After": "1"}))
    http, _ = client(handler, clock)
    assert http.get(URL).status_code == 429
    assert len(seen) == 1
    assert clock.sleeps == []


def test_locked_waits_at_least_two_seconds(clock: FakeClock) -> None:
    """423 waits at least the two seconds HubSpot asks for."""
    handler, _ = scripted(httpx.Response(423), httpx.Response(200))
    http, _ = client(handler, clock)
    http.get(URL)
    assert clock.sleeps == [2.0]


def test_total_time_bound_stops_retries(clock: FakeClock) -> None:
    """A wait that would pass total_timeout ends the retries with the last answer."""
    policy = RetryPolicy(max_retries=10, jitter=0.0, total_timeout=20.0)
    handler, seen = scripted(
        httpx.Response(503, headers={"Retry-After": "15"}),
        httpx.Response(503, headers={"Retry-After": "15"}),
    )
    http, _ = client(handler, clock, policy)
    assert http.get(URL).status_code == 503
    assert len(seen) == 2
    assert clock.sleeps == [15.0]


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
        httpx.ReadError("reset"),
    ],
)
def test_connection_errors_are_retried(error: Exception, clock: FakeClock) -> None:
    """Connection errors and timeouts are retried like a 503."""
    handler, seen = scripted(error, httpx.Response(200))
    http, _ = client(handler, clock)
    assert http.get(URL).status_code == 200
    assert len(seen) == 2


def test_last_connection_error_is_raised(clock: FakeClock) -> None:
    """When retries run out on connection errors the last one is raised."""
    handler, seen = scripted(*[httpx.ConnectError(f"refused {i}") for i in range(3)])
    http, _ = client(handler, clock, RetryPolicy(max_retries=2, jitter=0.0))
    with pytest.raises(httpx.ConnectError, match="refused 2"):
        http.get(URL)
    assert len(seen) == 3


def test_unsupported_protocol_is_not_retried(clock: FakeClock) -> None:
    """A transport error that cannot change on retry is raised at once."""
    handler, seen = scripted(httpx.UnsupportedProtocol("ftp"))
    http, _ = client(handler, clock)
    with pytest.raises(httpx.UnsupportedProtocol):
        http.get(URL)
    assert len(seen) == 1


def test_batch_post_body_resent_identically(clock: FakeClock) -> None:
    """A batch POST is re-sent with byte-identical body and headers (idempotent, so safe)."""
    handler, seen = scripted(httpx.ConnectError("x"), httpx.Response(502), httpx.Response(201))
    http, _ = client(handler, clock)
    body = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": []}]}
    assert http.post(URL, json=body).status_code == 201
    assert len(seen) == 3
    assert len({r.content for r in seen}) == 1
    assert json.loads(seen[-1].content) == body
    assert len({tuple(r.headers.items()) for r in seen}) == 1


def test_streamed_body_is_resent(clock: FakeClock) -> None:
    """A body given as an iterator is read once and sent whole on every attempt."""
    handler, seen = scripted(httpx.Response(503), httpx.Response(200))
    http, _ = client(handler, clock)
    http.post(URL, content=iter([b"ab", b"cd"]))
    assert [r.content for r in seen] == [b"abcd", b"abcd"]


def test_on_retry_hook_sees_each_retry(clock: FakeClock) -> None:
    """on_retry is called once per retry with its number, wait and cause."""
    calls: list[tuple[int, float, int | None, str | None]] = []
    handler, _ = scripted(httpx.Response(503), httpx.ConnectError("x"), httpx.Response(200))
    http, _ = client(
        handler,
        clock,
        on_retry=lambda n, wait, resp, err: calls.append(
            (n, wait, resp.status_code if resp else None, type(err).__name__ if err else None)
        ),
    )
    http.get(URL)
    assert calls == [(1, 0.5, 503, None), (2, 1.0, None, "ConnectError")]


def test_limiter_acquired_before_every_attempt(clock: FakeClock) -> None:
    """Every attempt, retries included, takes a slot from the rate limiter."""
    limiter = RateLimiter(100, 10.0, clock=clock, sleep=clock.sleep)
    handler, _ = scripted(httpx.Response(503), httpx.Response(503), httpx.Response(200))
    http, _ = client(handler, clock, limiter=limiter)
    http.get(URL)
    assert len(limiter._slots) == 3


def test_429_pauses_the_shared_limiter(clock: FakeClock) -> None:
    """A 429 holds every later request of the client for the wait it asked for."""
    limiter = RateLimiter(100, 10.0, clock=clock, sleep=clock.sleep)
    handler, _ = scripted(rate_limited("SECONDLY", **{"Retry-After": "3"}), httpx.Response(200))
    http, _ = client(handler, clock, limiter=limiter)
    http.get(URL)
    assert waiting.book(limiter)[0] == pytest.approx(0.0)
    assert limiter._floor == pytest.approx(1000.0 + 3.0)


def test_default_inner_transport() -> None:
    """Without an inner transport the transports wrap httpx's own."""
    assert isinstance(RetryingTransport().inner, httpx.HTTPTransport)
    assert isinstance(AsyncRetryingTransport().inner, httpx.AsyncHTTPTransport)


@pytest.mark.anyio
async def test_async_transport_retries_and_resends(clock: FakeClock) -> None:
    """The async transport follows the same rules, with an injected async sleep."""
    handler, seen = scripted(
        httpx.ReadTimeout("slow"), rate_limited("SECONDLY"), httpx.Response(201)
    )
    transport = AsyncRetryingTransport(
        httpx.MockTransport(handler), policy=NO_JITTER, sleep=clock.async_sleep, clock=clock
    )
    async with httpx.AsyncClient(transport=transport) as http:
        response = await http.post(URL, json={"inputs": [1]})
    assert response.status_code == 201
    assert clock.sleeps == [0.5, 1.0]
    assert transport.retries == 2
    assert [r.content for r in seen] == [b'{"inputs":[1]}'] * 3


@pytest.mark.anyio
async def test_async_daily_and_connection_error(clock: FakeClock) -> None:
    """Async: DAILY comes back unretried; exhausted connection errors are raised."""
    handler, _ = scripted(rate_limited("DAILY"), httpx.ConnectError("a"), httpx.ConnectError("b"))
    transport = AsyncRetryingTransport(
        httpx.MockTransport(handler),
        policy=RetryPolicy(max_retries=1, jitter=0.0),
        sleep=clock.async_sleep,
        clock=clock,
    )
    async with httpx.AsyncClient(transport=transport) as http:
        assert (await http.get(URL)).status_code == 429
        with pytest.raises(httpx.ConnectError, match="b"):
            await http.get(URL)


def test_unread_streamed_429_body_is_read_for_its_policy(clock: FakeClock) -> None:
    """A 429 arriving as an unread stream still has its policyName honoured (DAILY: no retry)."""
    body = json.dumps({"message": "daily", "policyName": "DAILY"}).encode()
    handler, seen = scripted(httpx.Response(429, stream=httpx.ByteStream(body)))
    http, _ = client(handler, clock)
    response = http.get(URL)
    assert response.status_code == 429
    assert len(seen) == 1
    assert response.json()["policyName"] == "DAILY"


def test_rolling_429_holds_other_requests_for_one_slot_only() -> None:
    """A rolling-window 429 holds the shared limiter for one slot; other 429s for the full wait."""
    from hubspot_associations._ratelimit.limiter import RateLimiter
    from hubspot_associations._transports.shared import shared_pause

    limiter = RateLimiter(100, 10.0)
    assert shared_pause(rate_limited("TEN_SECONDLY_ROLLING"), 0.5, limiter) == pytest.approx(0.1)
    assert shared_pause(rate_limited("SECONDLY"), 1.0, limiter) == 1.0
    assert shared_pause(httpx.Response(429), 2.0, limiter) == 2.0


ROLLING = "TEN_SECONDLY_ROLLING"
LEFT = "x-hubspot-ratelimit-remaining"
WINDOW_MS = "x-hubspot-ratelimit-interval-milliseconds"


@pytest.mark.parametrize(
    ("response", "isolated", "expected"),
    [
        (None, True, 0.025),  # a lost answer among good ones: the short wait
        (httpx.Response(503), True, 0.025),
        (httpx.Response(503), False, 0.5),  # many faults lately: the full backoff
        (rate_limited(ROLLING, **{LEFT: "7", WINDOW_MS: "10000"}), True, 0.025),
        # None left in the window: about the window, not a blip, whatever came before.
        (rate_limited(ROLLING, **{LEFT: "0", WINDOW_MS: "10000"}), True, 0.5),
        (rate_limited(ROLLING), True, 0.5),
    ],
    ids=["lost", "503-isolated", "503-outage", "429-left", "429-none-left", "429-no-headers"],
)
def test_only_blips_get_the_isolated_backoff(
    response: httpx.Response | None, isolated: bool, expected: float
) -> None:
    """The short first wait is for isolated faults; a 429 with nothing left waits the backoff."""
    policy = RetryPolicy(jitter=0.0)
    assert policy.delay_for(0, response, isolated=isolated) == pytest.approx(expected)


def test_a_full_window_is_waited_out_after_a_run_of_good_answers() -> None:
    """No client-side limit; after 40 good answers the server allows 1 request per 3 s: the next
    calls succeed, their 429s (none left in the window) retried with the full backoff, not the
    short wait of a blip that would give up within the window."""
    from hubspot_associations_emulator import serve_in_thread

    from hubspot_associations import HubSpotAssociations

    with (
        serve_in_thread() as emulator,
        HubSpotAssociations(emulator.token, base_url=emulator.base_url, rate_limit=None) as client,
    ):
        for _ in range(40):
            client.labels.list("contact", "company")
        httpx.put(f"{emulator.base_url}/_emulator/rate-limit", json={"requests": 1, "seconds": 3})
        for _ in range(2):
            client.labels.list("contact", "company")
        counts = httpx.get(f"{emulator.base_url}/_emulator/requests").json()
    assert counts["operations"] == {"list_labels": 42}
    assert counts["rateLimited"]["total"] > 0
