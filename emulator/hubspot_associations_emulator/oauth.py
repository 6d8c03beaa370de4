"""HubSpot's OAuth and token-info calls, as far as a test of a HubSpot integration needs them:

- ``POST /oauth/v1/token`` with ``grant_type=refresh_token`` (form-encoded, with ``refresh_token``,
  ``client_id``, ``client_secret``): a new access token living 30 minutes, HubSpot's answer shape
  (``access_token``, ``refresh_token``, ``expires_in``, ``token_type``). The authorization-code
  grant needs a browser: tokens are made with ``POST /_emulator/tokens`` instead.
- ``GET /oauth/v1/access-tokens/{token}``: what an OAuth access token is (``hub_id``, ``app_id``,
  ``user_id``, ``scopes``, ``expires_in``, ``token_type``, ``user``, ``hub_domain``, ``token``).
- ``POST /oauth/v2/private-apps/get/access-token-info`` with ``{"tokenKey"}``: what a private-app
  token is (``hubId``, ``appId``, ``userId``, ``scopes``).

No scope is needed (HubSpot's introspection takes the token itself). A token this emulator does
not accept (unknown, revoked, expired, or of the other kind) is a 404. The error bodies of the
OAuth calls (``status`` holding a code such as ``BAD_REFRESH_TOKEN``) follow HubSpot's OAuth
errors as integrators report them: INFERRED.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from . import errors, parsing
from .scopes import all_scopes
from .tokens import OAUTH_LIFETIME, Token, TokenRegistry
from .views import json_response

__all__ = ["OAuth", "oauth_routes"]


def _oauth_error(status: str, message: str, code: int = 400) -> Response:
    return json_response(
        {"status": status, "message": message, "correlationId": errors.new_id()}, code
    )


def _scopes(token: Token) -> list[str]:
    return all_scopes() if token.scopes is None else sorted(token.scopes)


class OAuth:
    """The OAuth and token-info handlers, over the emulator's tokens."""

    def __init__(self, tokens: TokenRegistry) -> None:
        self.tokens = tokens

    def _live(self, value: str, kind: str) -> Token | None:
        token = self.tokens.get(value)
        if token is None or token.revoked or token.expired() or token.kind != kind:
            return None
        return token

    async def refresh(self, request: Request) -> Response:
        """POST /oauth/v1/token: a new access token for a refresh token."""
        try:
            form = {k: v[-1] for k, v in parse_qs((await request.body()).decode("utf-8")).items()}
        except UnicodeDecodeError:
            form = {}
        content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return _oauth_error(
                "BAD_REQUEST",
                "POST /oauth/v1/token takes a form-encoded body (Content-Type: "
                "application/x-www-form-urlencoded: grant_type=refresh_token&refresh_token=…"
                f"&client_id=…&client_secret=…), got {content_type or 'no Content-Type'}",
            )
        grant = form.get("grant_type")
        if grant != "refresh_token":
            return _oauth_error(
                "BAD_GRANT_TYPE",
                f"grant_type must be refresh_token here, got {grant or 'none'} (the emulator makes "
                "tokens through POST /_emulator/tokens, not the authorization-code flow)",
            )
        missing = [k for k in ("refresh_token", "client_id", "client_secret") if not form.get(k)]
        if missing:
            return _oauth_error("BAD_REQUEST", f"missing form field(s): {', '.join(missing)}")
        made = self.tokens.refresh(form["refresh_token"])
        if made is None:
            return _oauth_error("BAD_REFRESH_TOKEN", "missing or unknown refresh token")
        return json_response(
            {
                "token_type": "bearer",
                "refresh_token": made.refresh_token,
                "access_token": made.token,
                "expires_in": OAUTH_LIFETIME,
            }
        )

    async def access_token_info(self, request: Request) -> Response:
        """GET /oauth/v1/access-tokens/{token}: an OAuth access token's portal, app and scopes."""
        token = self._live(request.path_params["token"], "oauth")
        if token is None:
            return _oauth_error("error", "The access token is unknown, expired or revoked", 404)
        return json_response(
            {
                "token": token.token,
                "user": f"user-{token.user_id}@example.com",
                "hub_domain": f"portal-{token.portal_id}.example.com",
                "scopes": _scopes(token),
                "hub_id": token.portal_id,
                "app_id": token.app_id,
                "expires_in": token.expires_in()
                if token.expires_at is not None
                else OAUTH_LIFETIME,
                "user_id": token.user_id,
                "token_type": "access",
            }
        )

    async def private_app_info(self, request: Request) -> Response:
        """POST /oauth/v2/private-apps/get/access-token-info: a private-app token's portal, app
        and scopes."""
        try:
            body: Any = parsing.obj(parsing.json_body(await request.body()), "body")
            value = body.get("tokenKey")
            if not isinstance(value, str) or not value:
                raise errors.missing_fields("tokenKey")
        except errors.ApiError as exc:
            return json_response(exc.body(), exc.status)
        token = self._live(value, "private-app")
        if token is None:
            return _oauth_error("error", "The private app access token is unknown or revoked", 404)
        return json_response(
            {
                "userId": token.user_id,
                "hubId": token.portal_id,
                "appId": token.app_id,
                "scopes": _scopes(token),
            }
        )


def oauth_routes(oauth: OAuth) -> list[BaseRoute]:
    """The OAuth and token-info routes."""
    return [
        Route("/oauth/v1/token", oauth.refresh, methods=["POST"]),
        Route("/oauth/v1/access-tokens/{token}", oauth.access_token_info, methods=["GET"]),
        Route(
            "/oauth/v2/private-apps/get/access-token-info",
            oauth.private_app_info,
            methods=["POST"],
        ),
    ]
