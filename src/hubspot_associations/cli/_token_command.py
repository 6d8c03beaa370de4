"""``--token-command CMD``: the access token printed by a command, run again on expiry.

The command runs without a shell (``shlex.split``), its standard input closed; its standard
output, stripped, is the token. The client asks for a token when its first request needs one and
again when HubSpot answers 401 (an OAuth access token lives 30 minutes), so a long job outlives
its first token. A command that cannot run, fails or prints nothing is a TokenProviderError
(exit 3) showing the command's standard error. Messages name the program only, never its
arguments or its output: either may hold a secret.
"""

from __future__ import annotations

import shlex
import subprocess
from typing import Final

from .._exceptions import TokenProviderError
from ._exit_codes import UsageError

__all__ = ["TokenCommand"]

# Long enough for a password manager or a vault login; a command that hangs must not hold a job.
TIMEOUT_SECONDS: Final = 120
# How much of the command's standard error a message shows (its last lines).
_STDERR_SHOWN: Final = 2000


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
        where = f"--token-command: {self.program}"
        try:
            done = subprocess.run(
                self.argv,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except FileNotFoundError:
            raise TokenProviderError(
                f"{where} was not found: give a program on PATH, or its path"
            ) from None
        except subprocess.TimeoutExpired:
            raise TokenProviderError(
                f"{where} did not finish in {TIMEOUT_SECONDS} s; nothing was sent with it"
            ) from None
        except OSError as exc:
            raise TokenProviderError(f"{where} could not run: {exc.strerror or exc}") from None
        stderr = _shown(done.stderr)
        if done.returncode != 0:
            raise TokenProviderError(f"{where} exited {done.returncode}{stderr}")
        token = done.stdout.strip()
        if not token:
            raise TokenProviderError(
                f"{where} printed no token on its standard output{stderr}: it must print the "
                "access token"
            )
        return token


def _shown(stderr: str) -> str:
    text = stderr.strip()
    if not text:
        return " (nothing on its standard error)"
    if len(text) > _STDERR_SHOWN:
        text = "…" + text[-_STDERR_SHOWN:]
    return f"; its standard error:\n{text}"
