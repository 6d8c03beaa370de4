# GENERATED FILE: do not edit. Made by codegen/unasync.py from _async/auth.py;
# change that file and run `make generate`.
"""The token on every request: a fixed one, or a provider's, asked again once on a 401.

``TokenAuth`` is the httpx auth of a client's connection pool, so every request (facade
calls, ``client.raw``, ``with_options`` copies) carries the current token. With a provider it
asks for a token when the first request needs one, keeps the answer, and on a 401 asks again
once for that request and sends it again with the new token; a second 401 is the caller's
AuthenticationError. The resend goes through the whole transport again (rate limiter, retries,
a deadline of its own), so it counts against no ``max_retries``. Many requests refused at once
ask once: under a lock, a request whose refused token was already replaced takes the new one.

``token_info`` asks HubSpot about the token requests carry (see ``_auth/info.py``), and
with a provider behaves as a call does: a token the introspection finds not live is replaced
once (the same renewal as after a 401) and the new one asked about. codegen/unasync.py writes
the sync twin, ``_sync/auth.py``.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from .._auth.info import (
    TRY_THE_OTHER,
    TokenInfo,
    TokenKind,
    introspection_order,
    introspection_request,
    read_introspection,
    redacted,
)
from .._auth.tokens import TokenSource, ask, provider_of, token_lock
from .._exceptions import TOKEN_SOURCE, AuthenticationError
from .._responses import connection_error

__all__ = ["TokenAuth", "token_info"]


class TokenAuth(httpx.Auth):
    """The Authorization header of every request; a provider asked again once on a 401."""

    # A request refused with a 401 is sent again: its body must be in memory.
    requires_request_body = True

    def __init__(self, source: TokenSource) -> None:
        self._provider = provider_of(source)
        self._token: str | None = source if isinstance(source, str) else None
        self._lock = token_lock()

    def __repr__(self) -> str:
        kind = "a token" if self._provider is None else "a token provider"
        return f"<{type(self).__name__} with {kind}>"

    @property
    def has_provider(self) -> bool:
        """Whether a refused token can be replaced (the client was given a provider)."""
        return self._provider is not None

    def token(self) -> str:
        """The token requests carry now: the provider's kept answer, asked for on first need."""
        if self._token is not None:
            return self._token
        with self._lock:
            if self._token is None:
                assert self._provider is not None
                self._token = ask(self._provider)
            return self._token

    def renew(self, refused: str) -> str:
        """A token to replace ``refused``: the provider's new answer, or the one another request
        already got for the same refusal (the provider is asked once for all of them)."""
        with self._lock:
            if self._token == refused:
                assert self._provider is not None
                self._token = ask(self._provider)
            return self._token or refused

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """Send with the current token; with a provider, once more with a new one after a 401."""
        request.read()
        token = self.token()
        _authorize(request, token, "string" if self._provider is None else "provider")
        response = yield request
        if self._provider is None or response.status_code != 401:
            return
        # A 401 means HubSpot did nothing with the request (it was not authenticated), so
        # sending it again is safe for every method, the writes that are not safe to resend
        # after a lost answer included.
        _authorize(request, self.renew(token), "renewed")
        yield request


def _authorize(request: httpx.Request, token: str, source: str) -> None:
    request.headers["Authorization"] = f"Bearer {token}"
    request.extensions[TOKEN_SOURCE] = source


def token_info(http: httpx.Client, auth: TokenAuth) -> TokenInfo:
    """What HubSpot says about the token requests carry now. With a provider, a token the
    introspection finds not live (an AuthenticationError: both calls refused it) is replaced
    as a 401 would replace it (once, shared with requests refused meanwhile) and the new token
    asked about; a second refusal is the caller's."""
    token = auth.token()
    try:
        return _token_info(http, token)
    except AuthenticationError:
        if not auth.has_provider:
            raise
    return _token_info(http, auth.renew(token))


def _token_info(http: httpx.Client, token: str) -> TokenInfo:
    """What HubSpot says about ``token``, by the introspection call of its kind; the other call
    when the first answers 400 or 404 (both refusing it: an AuthenticationError). Sent on
    ``http`` (its base URL, retries, rate limiter and timeouts) without an Authorization
    header: HubSpot needs none there."""
    kind, other = introspection_order(token)
    answers = [(kind, _introspect(http, kind, token))]
    if answers[0][1].status_code in TRY_THE_OTHER:
        answers.append((other, _introspect(http, other, token)))
    return read_introspection(answers)


def _introspect(http: httpx.Client, kind: TokenKind, token: str) -> httpx.Response:
    """One introspection call's answer, read from a copy without the token in it."""
    try:
        answer = http.request(**introspection_request(kind, token), auth=None)
    except httpx.RequestError as exc:
        raise connection_error(exc) from exc
    return redacted(answer, token)
