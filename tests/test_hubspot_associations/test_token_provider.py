"""A token provider (``access_token=callable``) against a real loopback server: asked when the
first request needs a token, asked again once on a 401 (outside max_retries), once for many
requests refused together; a string token's expiry and a failing provider say what to do."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from hubspot_associations import (
    AsyncHubSpotAssociations,
    AuthenticationError,
    HubSpotAssociations,
    TokenProviderError,
)
from tests.test_hubspot_associations.token_server import (
    BATCH_ANSWER,
    EXPIRED,
    Seen,
    by_token,
    serve,
)


class Tokens:
    """A provider handing out t1, t2, … and counting how often it was asked."""

    def __init__(self, pause: float = 0.0) -> None:
        self.asked = 0
        self.pause = pause
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            self.asked += 1
            number = self.asked
        time.sleep(self.pause)  # a slow refresh: unguarded, concurrent refusals would overlap
        return f"t{number}"


def _client(url: str, token: str | Callable[[], str], **options: Any) -> HubSpotAssociations:
    return HubSpotAssociations(token, base_url=url, rate_limit=None, **options)


def test_a_401_asks_the_provider_once_more_and_resends_outside_max_retries() -> None:
    """The first token is refused (EXPIRED_AUTHENTICATION): the provider is asked once more and
    the same write is sent again with t2, with max_retries=0 and no retry counted."""
    tokens = Tokens()
    retries: list[int] = []
    with (
        serve(by_token({"t2"}, BATCH_ANSWER)) as server,
        _client(server.url, tokens, max_retries=0, on_retry=lambda n, *_: retries.append(n)) as c,
    ):
        answer = c.batch.associate_default("contact", "company", [(1, 2)])
    assert [r.to.id for r in answer.results] == ["2"]
    assert [r.token for r in server.seen] == ["t1", "t2"]
    assert server.seen[0].body == server.seen[1].body != b""
    assert tokens.asked == 2
    assert retries == []


def test_the_kept_token_is_reused_until_a_401() -> None:
    """Three calls after one refusal: the provider is asked twice in all, not per request."""
    tokens = Tokens()
    with serve(by_token({"t2"}, BATCH_ANSWER)) as server, _client(server.url, tokens) as c:
        for _ in range(3):
            c.batch.associate_default("contact", "company", [(1, 2)])
    assert [r.token for r in server.seen] == ["t1", "t2", "t2", "t2"]
    assert tokens.asked == 2


def test_a_second_401_is_an_authentication_error_naming_the_provider() -> None:
    """A new token refused as well ends the call: AuthenticationError, two requests, two asks."""
    tokens = Tokens()
    with (
        serve(by_token(set(), BATCH_ANSWER)) as server,
        _client(server.url, tokens) as c,
        pytest.raises(AuthenticationError) as raised,
    ):
        c.batch.associate_default("contact", "company", [(1, 2)])
    assert "token provider" in str(raised.value)
    assert "refused too" in str(raised.value)
    assert [r.token for r in server.seen] == ["t1", "t2"]
    assert tokens.asked == 2


def test_an_expired_string_token_says_to_pass_a_provider() -> None:
    """With a string token an EXPIRED_AUTHENTICATION 401 is raised at once, saying the OAuth
    token expired and how to give the client a provider; the token is not in the message."""
    with (
        serve(by_token(set(), BATCH_ANSWER)) as server,
        _client(server.url, "old-oauth-token") as c,
        pytest.raises(AuthenticationError) as raised,
    ):
        c.batch.associate_default("contact", "company", [(1, 2)])
    message = str(raised.value)
    assert "OAuth access token expired" in message
    assert "token provider" in message
    assert "--token-command" in message
    assert "old-oauth-token" not in message + repr(raised.value)
    assert len(server.seen) == 1


def test_threads_refused_together_ask_the_provider_once() -> None:
    """Eight threads whose requests are all refused at the same moment: the provider is asked
    once for the first token and once for all eight refusals (a slow provider, so unguarded
    asks would overlap), and every resend carries t2."""
    tokens = Tokens(pause=0.1)
    together = threading.Barrier(8)

    def answer(request: Seen) -> tuple[int, Any]:
        if request.token == "t2":
            return 200, BATCH_ANSWER
        together.wait(timeout=5)  # every refusal leaves at once
        return 401, EXPIRED

    with serve(answer) as server, _client(server.url, tokens) as c:
        errors: list[BaseException] = []

        def call() -> None:
            try:
                c.batch.associate_default("contact", "company", [(1, 2)])
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    assert errors == []
    assert tokens.asked == 2
    assert sorted(r.token or "" for r in server.seen) == ["t1"] * 8 + ["t2"] * 8


@pytest.mark.anyio
async def test_async_tasks_refused_together_ask_a_coroutine_provider_once() -> None:
    """The async client awaits a coroutine provider; eight tasks refused at once ask it once
    more, and each resend carries the new token."""
    asked: list[str] = []

    async def provider() -> str:
        asked.append(f"t{len(asked) + 1}")
        token = asked[-1]
        await asyncio.sleep(0.05)
        return token

    together = threading.Barrier(8)

    def answer(request: Seen) -> tuple[int, Any]:
        if request.token == "t2":
            return 200, BATCH_ANSWER
        together.wait(timeout=5)
        return 401, EXPIRED

    with serve(answer) as server:
        async with AsyncHubSpotAssociations(
            provider, base_url=server.url, rate_limit=None, max_retries=0
        ) as c:
            await asyncio.gather(
                *(c.batch.associate_default("contact", "company", [(1, 2)]) for _ in range(8))
            )
    assert asked == ["t1", "t2"]
    assert sorted(r.token or "" for r in server.seen) == ["t1"] * 8 + ["t2"] * 8


def _raises() -> str:
    raise RuntimeError("refresh endpoint said invalid_grant")


async def _async_token() -> str:
    return "never-awaited"


@pytest.mark.parametrize(
    ("provider", "said"),
    [
        (_raises, "_raises raised RuntimeError: refresh endpoint said invalid_grant"),
        (lambda: None, "returned None, not a token"),
        (lambda: "  ", "returned an empty string"),
        (lambda: b"bytes-token", "returned a bytes, not a token"),
        (lambda: 42, "returned an int, not a token"),
        (lambda: "secret\ntoken", "contains a line break"),
        (_async_token, "returned an awaitable"),
    ],
    ids=["raises", "none", "empty", "bytes", "int", "line-break", "async-on-sync"],
)
def test_a_failing_provider_is_named_and_nothing_is_sent(
    provider: Callable[[], Any], said: str
) -> None:
    """A provider that raises or answers no usable token: TokenProviderError naming it and what
    it did, before anything is sent, the token never shown."""
    with (
        serve(by_token({"t1"}, BATCH_ANSWER)) as server,
        _client(server.url, provider) as c,
        pytest.raises(TokenProviderError) as raised,
    ):
        c.batch.associate_default("contact", "company", [(1, 2)])
    assert said in str(raised.value)
    assert "secret" not in str(raised.value)
    assert server.seen == []


def test_a_provider_failing_on_renewal_stops_a_bulk_job_as_not_sent() -> None:
    """A bulk job whose provider fails after a 401 stops: every pair is listed not sent (HubSpot
    applied nothing), the error names the provider, and no chunk asks it again."""
    asked: list[int] = []

    def provider() -> str:
        asked.append(1)
        if len(asked) > 1:
            raise RuntimeError("no refresh token")
        return "t1"

    with serve(by_token(set(), BATCH_ANSWER)) as server, _client(server.url, provider) as c:
        result = c.bulk.associate_default(
            "contact", "company", [(n, n + 1) for n in range(1, 31)], batch_size=10, concurrency=1
        )
    assert isinstance(result.stopped, TokenProviderError)
    assert "provider raised RuntimeError: no refresh token" in str(result.stopped)
    assert len(result.failed) == 30
    assert not any(f.sent for f in result.failed)
    assert len(asked) == 2
    assert len(server.seen) == 1


def test_neither_the_client_nor_its_settings_show_the_providers_token() -> None:
    """repr of a client built with a provider names no token and calls no provider."""
    tokens = Tokens()
    client = _client("http://127.0.0.1:9", tokens)
    shown = repr(client) + repr(client.settings)
    client.close()
    assert "t1" not in shown
    assert tokens.asked == 0
