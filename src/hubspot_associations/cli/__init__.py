"""The ``hubspot-associations`` command line (needs the ``cli`` extra for rich)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubspot-associations`` command."""
    try:
        from ._app import main as run
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
        if exc.name == "rich":
            print(
                "the command line needs rich: pip install 'hubspot-associations[cli]'",
                file=sys.stderr,
            )
            return 2
        raise
    return run(argv)
