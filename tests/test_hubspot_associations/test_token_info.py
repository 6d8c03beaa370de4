"""client.token_info() against a real loopback server speaking HubSpot's two introspection
calls: the call of the token's kind first, the other on a 400 or 404, answers read strictly,
and the token never in a message (the OAuth call carries it in its path and its answer)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

from hubspot_associations import (
    AsyncHubSpotAssociations,
    AuthenticationError,
    HubSpotAssociations,
    NotFoundError,
    ServerError,
    TokenInfo,
    UnexpectedResponseError,
)
from tests.test_hubspot_associations.token_server import Seen, serve

PAT = "pat-na1-11111111-2222-3333-4444-555555555555"
OAUTH = "CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwHjX7OIpuIFEavB2-qYAGQsF4"
PRIVATE_ANSWER: Any = {"hubId": 12345678, "appId": 1234567, "userId": 7654321,
                       "scopes": ["crm.objects.contacts.read", "crm.objects.companies.write"]}  # fmt: skip
OAUTH_ANSWER: Any = {"token": OAUTH, "user": "someone@example.com", "hub_domain": "x.example",
                     "scopes": ["oauth", "crm.objects.contacts.write"], "hub_id": 12345678,
                     "app_id": 111, "expires_in": 1799, "user_id": 222, "token_type": "access"}  # fmt: skip


def _hubspot(private: Any = PRIVATE_ANSWER, oauth: Any = OAUTH_ANSWER) -> Any:
    """HubSpot's introspection: a private app's tokenKey or an OAuth token in the path, each
    answered when it is the known token of its kind, 404 (OAuth) or 400 (private) otherwise."""

    def answer(request: Seen) -> tuple[int, Any]:
        if (
            request.method == "POST"
            and request.path == "/oauth/v2/private-apps/get/access-token-info"
        ):
            known = json.loads(request.body).get("tokenKey") == PAT
            return (200, private) if known else (400, {"message": "invalid tokenKey"})
        if request.method == "GET" and request.path == f"/oauth/v1/access-tokens/{OAUTH}":
            return 200, oauth
        return 404, {"message": f"no token at {request.path}"}

    return answer


def _client(url: str, token: Any) -> HubSpotAssociations:
    return HubSpotAssociations(token, base_url=url, rate_limit=None, max_retries=0)


def test_a_private_app_token_is_read_by_its_own_call_without_authorization() -> None:
    """A pat- token: one POST with tokenKey, no Authorization header; camelCase fields read."""
    with serve(_hubspot()) as server, _client(server.url, PAT) as c:
        info = c.token_info()
    assert info == TokenInfo(12345678, 1234567, 7654321,
                             ("crm.objects.contacts.read", "crm.objects.companies.write"),
                             "private-app", None)  # fmt: skip
    assert [(r.method, r.path) for r in server.seen] == [
        ("POST", "/oauth/v2/private-apps/get/access-token-info")
    ]
    assert json.loads(server.seen[0].body) == {"tokenKey": PAT}
    assert server.seen[0].token is None


def test_an_oauth_token_is_read_by_its_get_with_seconds_left() -> None:
    """Any other token: one GET with the token in the path; snake_case fields and expires_in."""
    with serve(_hubspot()) as server, _client(server.url, OAUTH) as c:
        info = c.token_info()
    assert info == TokenInfo(12345678, 111, 222, ("oauth", "crm.objects.contacts.write"),
                             "oauth", 1799)  # fmt: skip
    assert [r.method for r in server.seen] == ["GET"]
    assert OAUTH not in repr(info)


def _known(private: set[str], oauth: set[str]) -> Any:
    """Introspection knowing these private-app and OAuth tokens (400 / 404 for the others)."""

    def answer(request: Seen) -> tuple[int, Any]:
        if request.method == "POST":
            known = json.loads(request.body).get("tokenKey") in private
            return (200, PRIVATE_ANSWER) if known else (400, {"message": "invalid tokenKey"})
        token = request.path.removeprefix("/oauth/v1/access-tokens/")
        return (200, OAUTH_ANSWER) if token in oauth else (404, {"message": "not found"})

    return answer


@pytest.mark.parametrize(
    ("token", "kind", "calls"),
    [
        ("pat-shaped-oauth-token", "oauth", ["POST", "GET"]),
        ("private-token-without-prefix", "private-app", ["GET", "POST"]),
    ],
    ids=["pat-prefix-but-oauth", "no-prefix-but-private"],
)
def test_the_other_call_is_tried_after_a_400_or_a_404(
    token: str, kind: str, calls: list[str]
) -> None:
    """A token the first call does not know (400 from the private call, 404 from the OAuth
    call) is found by the second."""
    answer = _known({"private-token-without-prefix"}, {"pat-shaped-oauth-token"})
    with serve(answer) as server, _client(server.url, token) as c:
        assert c.token_info().kind == kind
    assert [r.method for r in server.seen] == calls


def test_a_token_neither_call_knows_is_an_authentication_error_naming_both_calls() -> None:
    """Unknown to both (404 from the OAuth call, 400 from the private one): an
    AuthenticationError saying the token is unknown, expired or revoked and naming both calls,
    not the private call's 400 as if the token were a private app's; never the token."""
    token = "unknown-oauth-token"
    with (
        serve(_known(set(), set())) as server,
        _client(server.url, token) as c,
        pytest.raises(AuthenticationError) as raised,
    ):
        c.token_info()
    said = str(raised.value)
    assert "unknown, expired or revoked" in said
    assert "GET /oauth/v1/access-tokens/REDACTED answered 404" in said
    assert "POST /oauth/v2/private-apps/get/access-token-info answered 400" in said
    assert "invalid tokenKey" not in said
    assert token not in said + repr(raised.value) + raised.value.body
    assert [r.method for r in server.seen] == ["GET", "POST"]


def test_a_server_without_introspection_raises_the_first_calls_own_error() -> None:
    """Both calls answered by another server's HTML 404 (no introspection there at all): the
    first call's NotFoundError, not a verdict on the token."""

    def html(request: Seen) -> tuple[int, Any]:
        return 404, b"<html><body>Not Found</body></html>"

    with (
        serve(html) as server,
        _client(server.url, PAT) as c,
        pytest.raises(NotFoundError) as raised,
    ):
        c.token_info()
    assert not isinstance(raised.value, AuthenticationError)
    assert raised.value.method == "POST"
    assert [r.method for r in server.seen] == ["POST", "GET"]


def test_a_provider_is_asked_again_when_its_token_is_not_live() -> None:
    """With a provider, a token the introspection does not know (expired) is replaced once, as
    a 401 would replace it, and the new token is the one described."""
    tokens = iter(["expired-oauth-token", "pat-shaped-oauth-token"])
    asked: list[str] = []

    def provider() -> str:
        asked.append(token := next(tokens))
        return token

    with (
        serve(_known(set(), {"pat-shaped-oauth-token"})) as server,
        _client(server.url, provider) as c,
    ):
        assert c.token_info().kind == "oauth"
    assert asked == ["expired-oauth-token", "pat-shaped-oauth-token"]
    assert [r.method for r in server.seen] == ["GET", "POST", "POST", "GET"]


def test_a_provider_whose_new_token_is_not_live_either_is_asked_once_more_only() -> None:
    """A provider's new token refused too: AuthenticationError, the provider asked twice."""
    asked: list[int] = []

    def provider() -> str:
        asked.append(len(asked))
        return f"gone-{len(asked)}"

    with (
        serve(_known(set(), set())) as server,
        _client(server.url, provider) as c,
        pytest.raises(AuthenticationError, match="unknown, expired or revoked"),
    ):
        c.token_info()
    assert len(asked) == 2
    assert len(server.seen) == 4


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"hub_id": "12345678"}, "hub_id is a str, not an integer"),
        ({"hub_id": None}, "hub_id is missing"),
        ({"app_id": True}, "app_id is a bool, not an integer"),
        ({"scopes": "oauth"}, "scopes is a str, not a list"),
        ({"scopes": ["oauth", 7]}, "scopes holds an int, not a scope name"),
        ({"expires_in": 1.5}, "expires_in is a float, not an integer"),
    ],
    ids=[
        "hub-id-string",
        "hub-id-missing",
        "app-id-bool",
        "scopes-string",
        "scopes-int",
        "expires-float",
    ],
)
def test_a_wrong_shape_is_an_unexpected_response_naming_the_field(
    change: dict[str, Any], said: str
) -> None:
    """Read strictly: each wrong field is named, and the token (in the path and the answer's
    own ``token`` field) is in neither the message nor the body excerpt."""
    with (
        serve(_hubspot(oauth={**OAUTH_ANSWER, **change})) as server,
        _client(server.url, OAUTH) as c,
        pytest.raises(UnexpectedResponseError) as raised,
    ):
        c.token_info()
    error = raised.value
    assert said in str(error)
    assert OAUTH not in str(error) + repr(error) + error.body + (error.url or "")
    assert error.url is not None
    assert error.url.endswith("/oauth/v1/access-tokens/REDACTED")


def test_a_server_error_of_the_oauth_call_hides_the_token() -> None:
    """A 500 of the OAuth call is a ServerError whose URL and message show no token."""
    with (
        serve(lambda request: (500, {"message": f"failed on {request.path}"})) as server,
        _client(server.url, OAUTH) as c,
        pytest.raises(ServerError) as raised,
    ):
        c.token_info()
    assert OAUTH not in str(raised.value) + raised.value.body
    assert len(server.seen) == 1


@pytest.mark.anyio
async def test_the_async_client_asks_its_provider_and_reads_the_answer() -> None:
    """The async twin asks its coroutine provider for the token and reads the same answer."""

    async def provider() -> str:
        return PAT

    with serve(_hubspot()) as server:
        async with AsyncHubSpotAssociations(provider, base_url=server.url, rate_limit=None) as c:
            info = await c.token_info()
    assert (info.portal_id, info.kind, info.expires_in) == (12345678, "private-app", None)


def test_the_emulators_introspection_reads_as_hubspots() -> None:
    """Against the emulator: its start-up token (no pat- prefix: the OAuth call's 404, then the
    private call) is a private app's of the default portal, and an OAuth token made through the
    control API reads back with its portal, app, user, scopes and seconds left."""
    oauth = {"token": "oauth-of-a-user", "portalId": 222, "kind": "oauth", "appId": 33,
             "userId": 44, "scopes": ["crm.objects.contacts.read"]}  # fmt: skip
    with serve_in_thread(EmulatorConfig()) as running:
        httpx.post(f"{running.base_url}/_emulator/tokens", json=oauth).raise_for_status()
        with _client(running.base_url, running.token) as c:
            private = c.token_info()
        with _client(running.base_url, "oauth-of-a-user") as c:
            user = c.token_info()
    assert (private.portal_id, private.kind, private.expires_in) == (12345678, "private-app", None)
    assert private.scopes
    assert user.expires_in is not None
    assert 0 < user.expires_in <= 1800
    assert user == TokenInfo(222, 33, 44, ("crm.objects.contacts.read",), "oauth", user.expires_in)
