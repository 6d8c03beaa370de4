"""What HubSpot says about a token: :class:`TokenInfo`, read from either introspection answer.

HubSpot serves two introspection calls, neither an Associations operation nor in need of an
Authorization header: OAuth tokens at ``GET /oauth/v1/access-tokens/{token}`` (``hub_id``,
``app_id``, ``user_id``, ``scopes``, ``expires_in``, ``token_type``) and private-app tokens at
``POST /oauth/v2/private-apps/get/access-token-info`` with ``{"tokenKey": token}`` (``hubId``,
``appId``, ``userId``, ``scopes``). A ``pat-`` token is asked about as a private app's first,
any other as an OAuth token's; the client's ``token_info()`` tries the other call when the
first answers 400 or 404. When the other call refuses it too, the token is unknown, expired or
revoked: an AuthenticationError naming both calls (:func:`read_introspection`), never the
second call's error as if the token were of its kind; unless neither answer is HubSpot's (no
JSON body: a server without introspection), when the first call's own error is raised. Answers
are read strictly: a field of the wrong shape is an UnexpectedResponseError naming it. The
token never appears in a message: answers are read from a copy with the token replaced (the
OAuth call's path and answer both carry it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import quote

import httpx

from .._exceptions import (
    AuthenticationError,
    UnexpectedResponseError,
    a_or_an,
    error_body,
    error_from_response,
    safe_url,
)

__all__ = [
    "OAUTH_PATH",
    "PRIVATE_APP_PATH",
    "TokenInfo",
    "TokenKind",
    "introspection_calls",
    "introspection_order",
    "introspection_request",
    "parse_token_info",
    "read_introspection",
    "redacted",
]

TokenKind: TypeAlias = Literal["oauth", "private-app"]
OAUTH_PATH: Final = "/oauth/v1/access-tokens/"
PRIVATE_APP_PATH: Final = "/oauth/v2/private-apps/get/access-token-info"
PRIVATE_APP_PREFIX: Final = "pat-"
# The statuses after which the other introspection call is tried: the token is not of the
# first call's kind (HubSpot answers 404 for an unknown OAuth token, 400 for a bad tokenKey).
TRY_THE_OTHER: Final = frozenset({400, 404})
_REDACTED: Final = b"REDACTED"


@dataclass(frozen=True)
class TokenInfo:
    """A token as HubSpot describes it: its portal (hub ID), app, user, granted scopes, kind,
    and for an OAuth token the seconds it has left. Never holds the token itself."""

    portal_id: int
    app_id: int | None
    user_id: int | None
    scopes: tuple[str, ...]
    kind: TokenKind
    # Seconds until an OAuth token expires, as HubSpot answered (None for a private app's).
    expires_in: int | None


def introspection_order(token: str) -> tuple[TokenKind, TokenKind]:
    """Which call to try first: a private app's for a ``pat-`` token, else OAuth's."""
    if token.startswith(PRIVATE_APP_PREFIX):
        return ("private-app", "oauth")
    return ("oauth", "private-app")


def introspection_request(kind: TokenKind, token: str) -> dict[str, Any]:
    """The keyword arguments of ``httpx.Client.request`` for one introspection call."""
    if kind == "oauth":
        return {"method": "GET", "url": OAUTH_PATH + quote(token, safe="")}
    return {"method": "POST", "url": PRIVATE_APP_PATH, "json": {"tokenKey": token}}


def redacted(response: httpx.Response, token: str) -> httpx.Response:
    """A copy of an introspection answer with the token replaced in its body and its request's
    address, so that no error, message or repr built from it can show the token."""
    content = response.content
    for form in {token, quote(token, safe="")}:
        content = content.replace(form.encode(), _REDACTED)
    request = httpx.Request(response.request.method, safe_url(response.request.url))
    return httpx.Response(
        response.status_code, headers=response.headers, content=content, request=request
    )


def read_introspection(answers: Sequence[tuple[TokenKind, httpx.Response]]) -> TokenInfo:
    """The TokenInfo of the introspection answers, in the order sent (redacted copies): the
    last one's, unless every call refused the token (400 or 404 from each of two calls).

    Then, when either answer is HubSpot's (a JSON object: the server does answer
    introspection), the token is not live: an AuthenticationError naming both calls. When
    neither is, the server has no introspection at all (an HTML 404 of another server): the
    first call's error, the call of the token's own kind.
    """
    kind, last = answers[-1]
    if len(answers) > 1 and all(r.status_code in TRY_THE_OTHER for _, r in answers):
        if any(isinstance(error_body(r), dict) for _, r in answers):
            raise _not_live(answers)
        kind, last = answers[0]
    return parse_token_info(kind, last)


def introspection_calls(answers: Sequence[tuple[TokenKind, httpx.Response]]) -> str:
    """The calls sent and what each answered, for a message: ``GET /oauth/v1/access-tokens/
    REDACTED answered 404, then POST …`` (paths of redacted copies: never the token)."""
    return ", then ".join(
        f"{r.request.method} {httpx.URL(safe_url(r.request.url)).path} answered {r.status_code}"
        for _, r in answers
    )


def _not_live(answers: Sequence[tuple[TokenKind, httpx.Response]]) -> AuthenticationError:
    """The error of a token both introspection calls refused, naming the calls and never the
    token."""
    calls = introspection_calls(answers)
    return AuthenticationError(
        "the access token is unknown, expired or revoked: HubSpot's token introspection knows "
        f"it by neither call ({calls}). Get a new token (an OAuth access token lives 30 "
        "minutes: refresh it; a private app's token is in its Auth tab, after a rotation too)",
        response=answers[0][1],
    )


def parse_token_info(kind: TokenKind, response: httpx.Response) -> TokenInfo:
    """The TokenInfo of a 2xx introspection answer (a redacted copy: see :func:`redacted`), or
    the typed error of any other status."""
    if not 200 <= response.status_code < 300:
        raise error_from_response(response)
    body = error_body(response)
    if not isinstance(body, dict):
        raise _unreadable(response, "the body is not a JSON object")
    names = _OAUTH if kind == "oauth" else _PRIVATE_APP
    return TokenInfo(
        portal_id=_required(
            response, names["portal_id"], _integer(response, body, names["portal_id"])
        ),
        app_id=_integer(response, body, names["app_id"]),
        user_id=_integer(response, body, names["user_id"]),
        scopes=_scopes(response, body, names["scopes"]),
        kind=kind,
        expires_in=_integer(response, body, "expires_in") if kind == "oauth" else None,
    )


# Each answer's name for each field.
_OAUTH: Final = {
    "portal_id": "hub_id",
    "app_id": "app_id",
    "user_id": "user_id",
    "scopes": "scopes",
}
_PRIVATE_APP: Final = {
    "portal_id": "hubId",
    "app_id": "appId",
    "user_id": "userId",
    "scopes": "scopes",
}


def _required(response: httpx.Response, name: str, value: int | None) -> int:
    if value is None:
        raise _unreadable(response, f"{name} is missing")
    return value


def _integer(response: httpx.Response, body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    # A bool is an int to Python, never an ID to HubSpot.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _unreadable(response, f"{name} is {a_or_an(type(value).__name__)}, not an integer")
    return value


def _scopes(response: httpx.Response, body: dict[str, Any], name: str) -> tuple[str, ...]:
    value = body.get(name)
    if not isinstance(value, list):
        what = "missing" if value is None else f"{a_or_an(type(value).__name__)}, not a list"
        raise _unreadable(response, f"{name} is {what}")
    wrong = [item for item in value if not isinstance(item, str)]
    if wrong:
        raise _unreadable(
            response, f"{name} holds {a_or_an(type(wrong[0]).__name__)}, not a scope name"
        )
    return tuple(value)


def _unreadable(response: httpx.Response, what: str) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        f"HubSpot's token introspection answered {response.status_code} with a body this client "
        f"cannot read: {what}",
        response=response,
    )
