"""``--token-command CMD``: the access token printed by a command, run again on expiry.

The command is split as a shell would (``shlex.split``) and run by ``_auth.command`` (no shell,
its own process group, one line of standard output; its whole group stopped on a timeout). The
client asks for a token when its first request needs one and again when HubSpot answers 401 (an
OAuth access token lives 30 minutes), so a long job outlives its first token. A command that
cannot run, fails, prints nothing or more than one line, or outlives its time is a
TokenProviderError (exit 3) showing the command's standard error.
"""

from __future__ import annotations

import shlex

from .._auth.command import run_token_command
from ._exit_codes import UsageError

__all__ = ["TokenCommand"]

# Long enough for a password manager or a vault login; a command that hangs must not hold a job.
# Not Final: the tests shorten it.
TIMEOUT_SECONDS: float = 120
# How long a stopped command's group has between SIGTERM and SIGKILL (not Final: the tests
# shorten it).
GRACE_SECONDS: float = 1.0


class TokenCommand:
    """A token provider that runs ``--token-command`` each time it is asked."""

    def __init__(self, command: str) -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise UsageError(
                f"--token-command: {exc} (quote the command as a shell would, e.g. "
                "--token-command 'vault read -field=token secret/hubspot')"
            ) from None
        if not self.argv:
            raise UsageError("--token-command is empty: give the command that prints the token")
        self.program = self.argv[0]
        # What the client's messages call this provider (see _auth/tokens.provider_name).
        self.__name__ = f"--token-command ({self.program})"

    def __repr__(self) -> str:
        return f"<TokenCommand {self.program!r}>"

    def __call__(self) -> str:
        """Run the command; its standard output, stripped, is the token."""
        return run_token_command(
            self.argv,
            where=f"--token-command: {self.program}",
            timeout=TIMEOUT_SECONDS,
            grace=GRACE_SECONDS,
        )
