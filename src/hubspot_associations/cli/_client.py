"""The client every command uses, from --token/--base-url/--api-version/--rate-limit."""

from __future__ import annotations

import argparse
import os

from .._settings import TOKEN_ENV
from .._sync_client import HubSpotAssociations

__all__ = ["make_client"]


def make_client(args: argparse.Namespace) -> HubSpotAssociations:
    """A client configured from the command line (bad values raise ClientValidationError)."""
    return HubSpotAssociations(
        args.token or os.environ.get(TOKEN_ENV),
        base_url=args.base_url,
        api_version=args.api_version,
        rate_limit=args.rate_limit,
    )
