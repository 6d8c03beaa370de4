"""The command's exit codes: scripts tell "some rows failed" from "nothing could run"."""

from __future__ import annotations

from typing import Final

__all__ = [
    "EXIT_AUTH",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_RUN",
    "EXIT_OK",
    "EXIT_PIPE_CLOSED",
    "EXIT_USAGE",
    "UsageError",
]

EXIT_OK: Final = 0  # every input done
EXIT_FAILED: Final = 1  # some inputs failed; the results file lists each with HubSpot's reason
EXIT_USAGE: Final = 2  # usage or input error: nothing was sent
EXIT_NOT_RUN: Final = 3  # the job could not run: authentication, permission, network
# Authentication or permission in particular (the same code): HubSpot refused the token (401),
# a scope (403, the scopes to add are printed) or the user's permission, or the token provider
# (--token-command) failed.
EXIT_AUTH: Final = 3
EXIT_INTERRUPTED: Final = 130  # Ctrl-C; --resume continues
EXIT_PIPE_CLOSED: Final = 141  # stdout closed early (`| head`), as a shell reports SIGPIPE


class UsageError(Exception):
    """A problem with the command line or its files, found before anything was sent (exit 2)."""
