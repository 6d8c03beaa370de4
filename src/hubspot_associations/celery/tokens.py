"""Where a worker finds each portal's token: messages carry the portal ID, never a token.

A token is checked, once per (portal, token), against the portal the message names (HubSpot's
token introspection): a worker whose only token is another portal's would otherwise apply a
job's writes to the wrong portal and report success.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence

from .._auth.command import run_token_command
from .._exceptions import AuthenticationError, TokenProviderError

__all__ = ["TokenSource"]

# A command that hangs must not hold a chunk (its lease would be renewed forever).
_COMMAND_TIMEOUT = 120.0
# Seconds a stopped command's process group has between SIGTERM and SIGKILL.
_COMMAND_GRACE = 1.0
_ENV = "HUBSPOT_ACCESS_TOKEN"
_ON_WORKER = "give `hubspot-associations worker` --token-command"


class TokenSource:
    """A portal's token on the worker: from a mapping, a callable, the environment, a command."""

    def __init__(self, source: Mapping[int, str] | Callable[[int], str]) -> None:
        if isinstance(source, Mapping):
            tokens = {int(portal): token for portal, token in source.items()}
            self._resolve: Callable[[int], str] = lambda portal: _from_mapping(tokens, portal)
            self._where: Callable[[int], str] = lambda portal: "the TokenSource mapping's token"
            self._fix: Callable[[int], str] = lambda portal: (
                f"put portal {portal}'s own token in the mapping"
            )
        elif callable(source):
            self._resolve = source
            self._where = lambda portal: "the TokenSource callable's token"
            self._fix = lambda portal: f"make it return portal {portal}'s token"
        else:
            raise TypeError(
                "TokenSource takes a mapping {portal_id: token} or a callable portal_id -> token, "
                f"got {type(source).__name__}"
            )
        # (portal, token digest) checked to be the portal's: introspected once, not per chunk.
        self._checked: set[tuple[int, str]] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> TokenSource:
        """HUBSPOT_ACCESS_TOKEN_<portal id>, else HUBSPOT_ACCESS_TOKEN, read when needed."""
        source = cls(_from_environment)
        source._where = _environment_name
        source._fix = lambda portal: f"set {_ENV}_{portal} or {_ON_WORKER}"
        return source

    @classmethod
    def from_command(cls, argv: Sequence[str]) -> TokenSource:
        """The output of ``argv``, run with HUBSPOT_PORTAL_ID set, each time a token is needed."""
        command = list(argv)
        if not command:
            raise ValueError("TokenSource.from_command needs the command that prints the token")
        source = cls(lambda portal: _from_command(command, portal))
        # Named by its program only: its arguments may hold a secret.
        source._where = lambda portal: f"the token command {command[0]!r}"
        source._fix = lambda portal: f"make it print portal {portal}'s token for HUBSPOT_PORTAL_ID"
        return source

    def token(self, portal_id: int) -> str:
        """The token for ``portal_id`` now (asked again when HubSpot refuses it)."""
        return self._resolve(portal_id)

    def describe(self, portal_id: int) -> str:
        """Where this worker takes ``portal_id``'s token from, as messages name it."""
        return self._where(portal_id)

    def check(self, portal_id: int, token: str, *, again: bool = False) -> None:
        """Refuse (TokenProviderError) a token HubSpot says belongs to another portal, or does
        not know (revoked, expired); asked once per (portal, token), or ``again``."""
        key = (portal_id, hashlib.sha256(token.encode()).hexdigest())
        with self._lock:
            if key in self._checked and not again:
                return
        where = self.describe(portal_id)
        # Made here: the worker's client for the portal calls this from its token provider.
        from .._sync.client import HubSpotAssociations

        try:
            with HubSpotAssociations(token) as client:
                info = client.token_info()
        except AuthenticationError as exc:
            with self._lock:
                self._checked.discard(key)
            raise TokenProviderError(
                f"{where} for portal {portal_id} was refused by HubSpot (unknown, expired or "
                f"revoked: {exc.status_code}); nothing was sent: {self._fix(portal_id)}"
            ) from None
        if info.portal_id != portal_id:
            raise TokenProviderError(
                f"no token for portal {portal_id} on this worker: {where} belongs to portal "
                f"{info.portal_id}; {self._fix(portal_id)}"
            )
        with self._lock:
            self._checked.add(key)

    def provider(self, portal_id: int) -> Callable[[], str]:
        """A client's token provider for one portal: each token checked to be the portal's."""
        given: list[str] = []

        def provide() -> str:
            token = self.token(portal_id)
            # Asked again (a 401) for the very token it gave: look again whether it is live.
            self.check(portal_id, token, again=token in given)
            given[:] = [token]
            return token

        # What the client's messages call the provider.
        provide.__name__ = f"the worker's TokenSource (portal {portal_id})"
        provide.__qualname__ = provide.__name__
        return provide


def _from_mapping(tokens: Mapping[int, str], portal: int) -> str:
    try:
        return tokens[portal]
    except KeyError:
        raise TokenProviderError(
            f"no token for portal {portal} in this worker's TokenSource: add it to the mapping"
        ) from None


def _environment_name(portal: int) -> str:
    """The variable a portal's token is read from: its own, else the shared one."""
    own = f"{_ENV}_{portal}"
    return own if os.environ.get(own) else _ENV


def _from_environment(portal: int) -> str:
    token = os.environ.get(f"{_ENV}_{portal}") or os.environ.get(_ENV)
    if not token:
        raise TokenProviderError(
            f"no token for portal {portal} on this worker: set {_ENV}_{portal} "
            f"(or {_ENV} for every portal) in the worker's environment, or {_ON_WORKER}"
        )
    return token


def _from_command(argv: list[str], portal: int) -> str:
    # Messages name the program only: its arguments or output may hold a secret. The same runner
    # as the command line's --token-command (its own process group, stopped whole on a timeout).
    return run_token_command(
        argv,
        where=f"the token command {argv[0]!r} (portal {portal})",
        timeout=_COMMAND_TIMEOUT,
        grace=_COMMAND_GRACE,
        env={**os.environ, "HUBSPOT_PORTAL_ID": str(portal)},
    )
