"""Tokens as data: each one belongs to a portal and, for OAuth, to an app and a user, with its
scopes, expiry and refresh token. The start-up set (``--token``, ``--tokens FILE``) comes back on
a reset; ``POST /_emulator/tokens`` adds more.

HubSpot's facts: a token belongs to one portal (``hubId``); OAuth access tokens live 30 minutes
and a refresh token gets a new one; private-app tokens do not expire (they can be rotated, which
is a revoke here). The default IDs below are this emulator's, chosen to be recognisable.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from . import errors, parsing
from .scopes import misspelt_scope

__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_PORTAL_ID",
    "DEFAULT_USER_ID",
    "OAUTH_LIFETIME",
    "Token",
    "TokenRegistry",
    "load_tokens_file",
    "parse_token",
]

# The portal of every start-up --token, and of a token added without one.
DEFAULT_PORTAL_ID = 12345678
# The app and user of a token added without them (and of the start-up tokens).
DEFAULT_APP_ID = 1234567
DEFAULT_USER_ID = 7654321
# Seconds an access token from POST /oauth/v1/token lives: HubSpot's 30 minutes.
OAUTH_LIFETIME = 1800
KINDS = ("private-app", "oauth")
TOKEN_FIELDS = (
    "token",
    "portalId",
    "kind",
    "appId",
    "userId",
    "scopes",
    "associationWrites",
    "expiresAt",
    "refreshToken",
)
_OAUTH_ONLY = ("associationWrites", "expiresAt", "refreshToken")
MAX_ID = 2**53 - 1  # IDs travel as JSON numbers: stay exact in every JSON reader


@dataclass(frozen=True)
class Token:
    """One accepted token and what it may do."""

    token: str
    portal_id: int = DEFAULT_PORTAL_ID
    kind: str = "private-app"
    app_id: int = DEFAULT_APP_ID
    user_id: int = DEFAULT_USER_ID
    # None: every scope (a full-access token, as the start-up ones are).
    scopes: frozenset[str] | None = None
    # OAuth only: whether the user behind the token has HubSpot's "Edit associations" permission
    # (enforced from the releases whose row has association_permission: 2026-09 on).
    association_writes: bool = True
    expires_at: datetime.datetime | None = None
    refresh_token: str | None = None
    revoked: bool = False

    def expired(self, now: datetime.datetime | None = None) -> bool:
        """Whether the token's expiry has passed."""
        if self.expires_at is None:
            return False
        return (now or datetime.datetime.now(datetime.UTC)) >= self.expires_at

    def expires_in(self) -> int | None:
        """Whole seconds until the expiry (0 once passed; None: it never expires)."""
        if self.expires_at is None:
            return None
        left = self.expires_at - datetime.datetime.now(datetime.UTC)
        return max(0, int(left.total_seconds()))

    def describe(self) -> dict[str, Any]:
        """The token as GET /_emulator/tokens shows it (the body that would make it, plus its
        state)."""
        out: dict[str, Any] = {
            "token": self.token,
            "portalId": self.portal_id,
            "kind": self.kind,
            "appId": self.app_id,
            "userId": self.user_id,
            "scopes": None if self.scopes is None else sorted(self.scopes),
        }
        if self.kind == "oauth":
            expires = self.expires_at
            out["associationWrites"] = self.association_writes
            out["expiresAt"] = (
                None if expires is None else expires.isoformat().replace("+00:00", "Z")
            )
            out["refreshToken"] = self.refresh_token
        out["expired"] = self.expired()
        out["revoked"] = self.revoked
        return out


def parse_token(body: Any, where: str = "body") -> Token:
    """A token from the JSON that POST /_emulator/tokens takes; a 400 naming what is wrong (an
    unknown key included)."""
    o = parsing.obj(body, where)
    unknown = sorted(set(o) - set(TOKEN_FIELDS))
    if unknown:
        raise errors.validation(
            f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(TOKEN_FIELDS)})",
            context={"unknownFields": unknown},
        )
    token = o.get("token")
    if not isinstance(token, str) or not token.strip() or token != token.strip():
        raise errors.validation(f"{where}.token: a non-empty string without surrounding spaces")
    if any(not 0x21 <= ord(c) <= 0x7E for c in token):
        # It travels in an Authorization header: visible ASCII only.
        raise errors.validation(f"{where}.token: visible ASCII characters only")
    kind = o.get("kind", "private-app")
    if kind not in KINDS:
        raise errors.validation(f"{where}.kind: private-app or oauth, got {shown(kind)}")
    if kind != "oauth":
        given = [k for k in _OAUTH_ONLY if k in o]
        if given:
            raise errors.validation(
                f'{where}.{given[0]}: only an oauth token has it (send "kind": "oauth")'
            )
    scopes = _scopes(o.get("scopes"), f"{where}.scopes")
    writes = o.get("associationWrites", True)
    if type(writes) is not bool:
        raise errors.validation(f"{where}.associationWrites: true or false, got {shown(writes)}")
    refresh = o.get("refreshToken")
    if refresh is not None and (not isinstance(refresh, str) or not refresh):
        raise errors.validation(f"{where}.refreshToken: a non-empty string")
    return Token(
        token=token,
        portal_id=_id(o.get("portalId", DEFAULT_PORTAL_ID), f"{where}.portalId"),
        kind=kind,
        app_id=_id(o.get("appId", DEFAULT_APP_ID), f"{where}.appId"),
        user_id=_id(o.get("userId", DEFAULT_USER_ID), f"{where}.userId"),
        scopes=scopes,
        association_writes=writes,
        expires_at=_instant(o.get("expiresAt"), f"{where}.expiresAt"),
        refresh_token=refresh,
    )


def _scopes(value: Any, where: str) -> frozenset[str] | None:
    """A token's scopes (None: absent, every scope); a misspelt CRM object scope is a 400."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
        raise errors.validation(f"{where}: a list of scope names, or absent for every scope")
    for scope in value:
        meant = misspelt_scope(scope)
        if meant is not None:
            # A misspelt CRM object scope would make a token refused everything, silently.
            raise errors.validation(
                f"{where}: {shown(scope)} is no scope HubSpot grants: did you mean {shown(meant)}?"
            )
    return frozenset(value)


def shown(value: Any) -> str:
    """A JSON value as the request spelled it (``true``, ``"5"``), for messages."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _id(value: Any, where: str) -> int:
    if type(value) is not int or not 1 <= value <= MAX_ID:
        raise errors.validation(f"{where}: an integer from 1 to {MAX_ID}, got {shown(value)}")
    return value


def _instant(value: Any, where: str) -> datetime.datetime | None:
    """An RFC 3339 date-time with its offset, as an aware UTC datetime (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.validation(f"{where}: an RFC 3339 date-time string, got {shown(value)}")
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value.upper():
        raise errors.validation(
            f"{where}: an RFC 3339 date-time with its offset, e.g. 2026-12-07T10:30:00Z, "
            f"got {shown(value)}"
        )
    return parsed.astimezone(datetime.UTC)


def load_tokens_file(path: str) -> list[Token]:
    """The tokens of a ``--tokens`` file: a JSON array of the bodies POST /_emulator/tokens
    takes; ValueError naming the file and what is wrong."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        raise ValueError(f"--tokens {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"--tokens {path}: not JSON ({exc})") from None
    if not isinstance(data, list):
        raise ValueError(f'--tokens {path}: a JSON array of tokens, e.g. [{{"token": "…"}}]')
    out: list[Token] = []
    try:
        for i, item in enumerate(data):
            out.append(parse_token(item, f"[{i}]"))
    except errors.ApiError as exc:
        raise ValueError(f"--tokens {path}: {exc.message}") from None
    seen: set[str] = set()
    for t in out:
        if t.token in seen:
            raise ValueError(f"--tokens {path}: token {t.token!r} is given twice")
        seen.add(t.token)
    return out


class TokenRegistry:
    """Every token the emulator accepts, by its value, and the refresh tokens of OAuth ones."""

    def __init__(self, startup: Iterable[Token]) -> None:
        self.startup = tuple(startup)
        self.tokens: dict[str, Token] = {}
        self.reset()

    def reset(self) -> None:
        """Back to the start-up tokens (added, expired and revoked ones forgotten)."""
        self.tokens = {t.token: t for t in self.startup}

    def get(self, value: str) -> Token | None:
        """The token of that value, revoked or expired alike (None: unknown)."""
        return self.tokens.get(value)

    def add(self, token: Token) -> None:
        """Accept a new token; 409 when the value is taken."""
        if token.token in self.tokens:
            raise errors.ApiError(
                409,
                f"Token {token.token!r} already exists (portal "
                f"{self.tokens[token.token].portal_id}): revoke it first, or choose another value",
                "CONFLICT",
            )
        if token.refresh_token is not None and self._by_refresh(token.refresh_token) is not None:
            raise errors.ApiError(409, "That refreshToken belongs to another token", "CONFLICT")
        self.tokens[token.token] = token

    def _by_refresh(self, refresh_token: str) -> Token | None:
        for t in self.tokens.values():
            if t.refresh_token == refresh_token:
                return t
        return None

    def _known(self, value: Any) -> Token:
        if not isinstance(value, str) or value not in self.tokens:
            raise errors.ApiError(404, f"No token {value!r} (GET /_emulator/tokens lists them)",
                                  "OBJECT_NOT_FOUND")  # fmt: skip
        return self.tokens[value]

    def expire(self, value: Any) -> Token:
        """Make an OAuth token expired now (its refresh token keeps working)."""
        token = self._known(value)
        if token.kind != "oauth":
            raise errors.validation(
                f"Token {token.token!r} is a private-app token: those never expire (revoke it)"
            )
        now = datetime.datetime.now(datetime.UTC)
        self.tokens[token.token] = replace(token, expires_at=now - datetime.timedelta(seconds=1))
        return self.tokens[token.token]

    def revoke(self, value: Any) -> Token:
        """Refuse a token from now on (401 INVALID_AUTHENTICATION), its refresh token too."""
        token = self._known(value)
        self.tokens[token.token] = replace(token, revoked=True)
        return self.tokens[token.token]

    def refresh(self, refresh_token: str) -> Token | None:
        """A new access token for a refresh token, living OAUTH_LIFETIME seconds, with the same
        portal, app, user, scopes and permission (None: no live token has that refresh token).
        The old access token keeps working until its own expiry, as HubSpot's do."""
        old = self._by_refresh(refresh_token)
        if old is None or old.revoked:
            return None
        now = datetime.datetime.now(datetime.UTC)
        new = replace(
            old,
            token=f"emulator-oauth-{secrets.token_hex(16)}",
            expires_at=now + datetime.timedelta(seconds=OAUTH_LIFETIME),
            revoked=False,
        )
        # The refresh token moves to the newest access token (it stays the same value).
        self.tokens[old.token] = replace(old, refresh_token=None)
        self.tokens[new.token] = new
        return new

    def portals(self) -> set[int]:
        """Every portal a token belongs to."""
        return {t.portal_id for t in self.tokens.values()}

    def describe(self, portal: int | None = None) -> list[dict[str, Any]]:
        """Every token (of one portal when given), in the order they were added."""
        return [t.describe() for t in self.tokens.values() if portal in (None, t.portal_id)]
