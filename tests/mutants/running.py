"""Run a mutant emulator in a subprocess for the length of a ``with`` block (or a fixture)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY = "READY "
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@contextmanager
def serve_mutant(
    name: str,
    *,
    rate_limit: str | None = None,
    lifetime: float | None = None,
    timeout: float = START_TIMEOUT,
) -> Iterator[str]:
    """Start ``python -m tests.mutants.server NAME`` and yield its base URL until the block ends.

    ``rate_limit`` is ``N/SECONDS``; ``lifetime`` caps how long the server lives (at most 15
    minutes, its default). RuntimeError, with the server's stderr, when it is not READY within
    ``timeout`` seconds.
    """
    command = [sys.executable, "-m", "tests.mutants.server", name, "--port", "0"]
    if rate_limit is not None:
        command += ["--rate-limit", rate_limit]
    if lifetime is not None:
        command += ["--lifetime", str(lifetime)]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        try:
            url = _wait_ready(process, timeout)
            if url is None:
                process.kill()
                process.wait(STOP_TIMEOUT)
                stderr.seek(0)
                problem = stderr.read().decode(errors="replace")
                raise RuntimeError(
                    f"mutant server {name!r} not ready within {timeout:g} s "
                    f"(exit status {process.returncode}):\n{problem}"
                )
            yield url
        finally:
            _stop(process)


def _wait_ready(process: subprocess.Popen[str], timeout: float) -> str | None:
    """The URL of the READY line, or None when the process ends or stays silent past timeout."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: list[str] = []
    # readline blocks: a daemon thread reads it, so that the wait has a deadline.
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines or not lines[0].startswith(READY):
        return None
    return lines[0][len(READY) :].strip()


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, then SIGKILL if it lingers; reap it and close its pipe."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)
    if process.stdout is not None:
        process.stdout.close()
