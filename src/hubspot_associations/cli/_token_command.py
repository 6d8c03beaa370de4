"""``--token-command CMD``: the access token printed by a command, run again on expiry.

The command runs without a shell (``shlex.split``), its standard input closed, in a process
group of its own; its standard output, stripped, is the token (one line). The client asks for a
token when its first request needs one and again when HubSpot answers 401 (an OAuth access token
lives 30 minutes), so a long job outlives its first token. A command that cannot run, fails,
prints nothing or more than one line, or outlives its time is a TokenProviderError (exit 3)
showing the command's standard error. Messages name the program only, never its arguments or
its output: either may hold a secret.

A wrapper script's children must not outlive it: on a timeout the whole group is stopped
(SIGTERM, then SIGKILL after a grace), and so are children still holding the output open after
the command itself exited (else reading its output would wait for them). Killing only the
command, as ``subprocess.run`` does, left a ``sleep`` or a hung ``vault`` holding the pipe, and
the job waiting on it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from typing import Final

from .._exceptions import TokenProviderError
from ._exit_codes import UsageError

__all__ = ["TokenCommand"]

# Long enough for a password manager or a vault login; a command that hangs must not hold a job.
# Not Final: the tests shorten it.
TIMEOUT_SECONDS: float = 120
# How long a stopped command's group has between SIGTERM and SIGKILL (not Final: the tests
# shorten it).
GRACE_SECONDS: float = 1.0
# How often the command is looked at while its output is read (has it exited, left children?).
_POLL_SECONDS: Final = 0.05
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
            process = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                # Its own process group: what it starts can be stopped with it (POSIX only).
                start_new_session=True,
            )
        except FileNotFoundError:
            raise TokenProviderError(
                f"{where} was not found: give a program on PATH, or its path"
            ) from None
        except OSError as exc:
            raise TokenProviderError(f"{where} could not run: {exc.strerror or exc}") from None
        stdout, stderr, finished = _output(process)
        shown = _shown(stderr)
        if not finished:
            raise TokenProviderError(
                f"{where} did not finish in {TIMEOUT_SECONDS:g} s and was stopped, with what it "
                f"started; nothing was sent with it{shown}"
            )
        if process.returncode != 0:
            raise TokenProviderError(f"{where} exited {process.returncode}{shown}")
        lines = [line for line in stdout.splitlines() if line.strip()]
        if len(lines) > 1:
            raise TokenProviderError(
                f"{where} printed {len(lines)} lines on its standard output; it must print only "
                "the token (send anything else to its standard error)"
            )
        token = stdout.strip()
        if not token:
            raise TokenProviderError(
                f"{where} printed no token on its standard output{shown}: it must print the "
                "access token"
            )
        return token


def _output(process: subprocess.Popen[str]) -> tuple[str, str, bool]:
    """The command's standard output and error, and whether it finished in time. Read until
    both close; a command that exited while something it started still holds them, or one past
    TIMEOUT_SECONDS, has its whole group stopped and what it printed kept."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        try:
            stdout, stderr = process.communicate(timeout=_POLL_SECONDS)
            return stdout, stderr, True
        except subprocess.TimeoutExpired:
            exited = process.poll() is not None
            if exited or time.monotonic() >= deadline:
                stdout, stderr = _stop_group(process)
                return stdout, stderr, exited


def _stop_group(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Stop the command's process group (SIGTERM, then SIGKILL after GRACE_SECONDS) and read
    what is left of its output ("" for what could not be read: a process that left the group
    and still holds the output)."""
    for signum in (signal.SIGTERM, _SIGKILL):
        _signal_group(process, signum)
        try:
            return process.communicate(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            continue
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    process.wait()
    return "", ""


# Windows has neither process groups of this kind nor SIGKILL: kill() ends the command there.
_SIGKILL: Final = getattr(signal, "SIGKILL", signal.SIGTERM)


def _signal_group(process: subprocess.Popen[str], signum: int) -> None:
    if sys.platform == "win32":
        process.kill()
        return
    with contextlib.suppress(ProcessLookupError):  # the group is gone already
        os.killpg(process.pid, signum)


def _shown(stderr: str) -> str:
    text = stderr.strip()
    if not text:
        return " (nothing on its standard error)"
    if len(text) > _STDERR_SHOWN:
        text = "…" + text[-_STDERR_SHOWN:]
    return f"; its standard error:\n{text}"
