"""A command that prints an access token: run without a shell, its standard input closed, in a
process group of its own; its standard output, stripped, is the token (one line). Used by the
command line's ``--token-command`` and by the fleet's ``TokenSource.from_command``.

A command that cannot run, fails, prints nothing or more than one line, or outlives its time is
a TokenProviderError showing the command's standard error. Messages name the program only,
never its arguments or its output: either may hold a secret.

A wrapper script's children must not outlive it: on a timeout the whole group is stopped
(SIGTERM, then SIGKILL after a grace), and so are children still holding the output open after
the command itself exited (else reading its output would wait for them). Killing only the
command, as ``subprocess.run`` does, left a ``sleep`` or a hung ``vault`` holding the pipe, and
the job waiting on it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Final

from .._exceptions import TokenProviderError

__all__ = ["run_token_command"]

# How often the command is looked at while its output is read (has it exited, left children?).
_POLL_SECONDS: Final = 0.05
# How much of the command's standard error a message shows (its last lines).
_STDERR_SHOWN: Final = 2000


def run_token_command(
    argv: Sequence[str],
    *,
    where: str,
    timeout: float,
    grace: float,
    env: Mapping[str, str] | None = None,
) -> str:
    """Run the command; its standard output, stripped, is the token. ``where`` names it in
    messages (the program, never its arguments); ``timeout`` bounds it, ``grace`` is the time its
    group has between SIGTERM and SIGKILL; ``env`` replaces the environment when given."""
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=None if env is None else dict(env),
            # Its own process group: what it starts can be stopped with it (POSIX only).
            start_new_session=True,
        )
    except FileNotFoundError:
        raise TokenProviderError(
            f"{where} was not found: give a program on PATH, or its path"
        ) from None
    except OSError as exc:
        raise TokenProviderError(f"{where} could not run: {exc.strerror or exc}") from None
    stdout, stderr, finished = _output(process, timeout, grace)
    shown = _shown(stderr)
    if not finished:
        raise TokenProviderError(
            f"{where} did not finish in {timeout:g} s and was stopped, with what it "
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


def _output(process: subprocess.Popen[str], timeout: float, grace: float) -> tuple[str, str, bool]:
    """The command's standard output and error, and whether it finished in time. Read until
    both close; a command that exited while something it started still holds them, or one past
    ``timeout``, has its whole group stopped and what it printed kept."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            stdout, stderr = process.communicate(timeout=_POLL_SECONDS)
            return stdout, stderr, True
        except subprocess.TimeoutExpired:
            exited = process.poll() is not None
            if exited or time.monotonic() >= deadline:
                stdout, stderr = _stop_group(process, grace)
                return stdout, stderr, exited


def _stop_group(process: subprocess.Popen[str], grace: float) -> tuple[str, str]:
    """Stop the command's process group (SIGTERM, then SIGKILL after ``grace`` seconds) and read
    what is left of its output ("" for what could not be read: a process that left the group
    and still holds the output)."""
    for signum in (signal.SIGTERM, _SIGKILL):
        _signal_group(process, signum)
        try:
            return process.communicate(timeout=grace)
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
