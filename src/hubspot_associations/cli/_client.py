"""The client every command uses, from --token/--base-url/--api-version/--rate-limit."""

from __future__ import annotations

import argparse
import os

from .._settings import TOKEN_ENV
from .._sync.client import HubSpotAssociations
from ._exit_codes import UsageError

__all__ = ["make_client"]


def make_client(args: argparse.Namespace) -> HubSpotAssociations:
    """A client configured from the command line (bad values raise ClientValidationError)."""
    token = args.token or os.environ.get(TOKEN_ENV)
    if not (token or "").strip():
        raise UsageError(
            f"no access token: pass --token TOKEN or set {TOKEN_ENV} (a private app's token with "
            "the crm.objects.*.read/write scopes)"
        )
    return HubSpotAssociations(
        token,
        base_url=args.base_url,
        api_version=args.api_version,
        rate_limit=args.rate_limit,
    )
