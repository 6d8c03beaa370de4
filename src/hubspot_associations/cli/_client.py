"""The client every command uses, from --token or --token-command, --base-url, --api-version
and --rate-limit."""

from __future__ import annotations

import argparse
import os

from .._settings import TOKEN_ENV
from .._sync.client import HubSpotAssociations
from ._exit_codes import UsageError
from ._token_command import TokenCommand

__all__ = ["make_client"]


def make_client(args: argparse.Namespace) -> HubSpotAssociations:
    """A client configured from the command line (bad values raise ClientValidationError)."""
    command = getattr(args, "token_command", None)
    given = args.token or os.environ.get(TOKEN_ENV) or ""
    if command is not None:
        # argparse refuses --token with it; the variable is refused here, so that the token
        # used is never a guess between two sources.
        if given.strip():
            raise UsageError(
                f"--token-command and {TOKEN_ENV} both give the token: unset {TOKEN_ENV} (or "
                "leave out --token-command)"
            )
        return _client(args, TokenCommand(command))
    if not given.strip():
        raise UsageError(
            f"no access token: pass --token TOKEN, --token-command CMD (a command printing it) "
            f"or set {TOKEN_ENV} (a private app's token with the crm.objects.*.read/write scopes)"
        )
    return _client(args, given)


def _client(args: argparse.Namespace, token: str | TokenCommand) -> HubSpotAssociations:
    return HubSpotAssociations(
        token,
        base_url=args.base_url,
        api_version=args.api_version,
        rate_limit=args.rate_limit,
    )
