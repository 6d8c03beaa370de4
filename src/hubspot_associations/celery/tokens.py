"""Where a worker finds each portal's token: messages carry the portal ID, never a token."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping, Sequence

from .._exceptions import TokenProviderError

__all__ = ["TokenSource"]

# A command that hangs must not hold a chunk (its lease would be renewed forever).
_COMMAND_TIMEOUT = 120.0


class TokenSource:
    """A portal's token on the worker: from a mapping, a callable, the environment, a command."""

    def __init__(self, source: Mapping[int, str] | Callable[[int], str]) -> None:
        if isinstance(source, Mapping):
            tokens = {int(portal): token for portal, token in source.items()}
            self._resolve: Callable[[int], str] = lambda portal: _from_mapping(tokens, portal)
        elif callable(source):
            self._resolve = source
        else:
            raise TypeError(
                "TokenSource takes a mapping {portal_id: token} or a callable portal_id -> token, "
                f"got {type(source).__name__}"
            )

    @classmethod
    def from_environment(cls) -> TokenSource:
        """HUBSPOT_ACCESS_TOKEN_<portal id>, else HUBSPOT_ACCESS_TOKEN, read when needed."""
        return cls(_from_environment)

    @classmethod
    def from_command(cls, argv: Sequence[str]) -> TokenSource:
        """The output of ``argv``, run with HUBSPOT_PORTAL_ID set, each time a token is needed."""
        command = list(argv)
        if not command:
            raise ValueError("TokenSource.from_command needs the command that prints the token")
        return cls(lambda portal: _from_command(command, portal))

    def token(self, portal_id: int) -> str:
        """The token for ``portal_id`` now (asked again when HubSpot refuses it)."""
        return self._resolve(portal_id)

    def provider(self, portal_id: int) -> Callable[[], str]:
        """A client's token provider for one portal."""

        def provide() -> str:
            return self.token(portal_id)

        # What the client's messages call the provider.
        provide.__name__ = f"the worker's TokenSource (portal {portal_id})"
        return provide


def _from_mapping(tokens: Mapping[int, str], portal: int) -> str:
    try:
        return tokens[portal]
    except KeyError:
        raise TokenProviderError(
            f"no token for portal {portal} in this worker's TokenSource: add it to the mapping"
        ) from None


def _from_environment(portal: int) -> str:
    token = os.environ.get(f"HUBSPOT_ACCESS_TOKEN_{portal}") or os.environ.get(
        "HUBSPOT_ACCESS_TOKEN"
    )
    if not token:
        raise TokenProviderError(
            f"no token for portal {portal} on this worker: set HUBSPOT_ACCESS_TOKEN_{portal} "
            "(or HUBSPOT_ACCESS_TOKEN for every portal) in the worker's environment"
        )
    return token


def _from_command(argv: list[str], portal: int) -> str:
    # Messages name the program only: its arguments or output may hold a secret.
    where = f"the token command {argv[0]!r} (portal {portal})"
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_COMMAND_TIMEOUT,
            env={**os.environ, "HUBSPOT_PORTAL_ID": str(portal)},
            check=False,
        )
    except FileNotFoundError:
        raise TokenProviderError(f"{where} was not found: give a program on PATH") from None
    except subprocess.TimeoutExpired:
        raise TokenProviderError(f"{where} did not finish in {_COMMAND_TIMEOUT:g} s") from None
    token = done.stdout.strip()
    if done.returncode != 0 or not token or "\n" in token:
        raise TokenProviderError(
            f"{where} exited {done.returncode} and printed {len(done.stdout.splitlines())} lines: "
            f"it must print only the token; its standard error: {done.stderr.strip()[-500:]!r}"
        )
    return token
