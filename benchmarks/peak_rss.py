"""Peak RSS of one command run as its own process, and a launcher that measures it.

On Linux a process's ru_maxrss starts from the RSS of the process it was forked (or vforked)
from: exec keeps the old address space's high-water mark. A command started straight from a
benchmark holding an emulator with a million associations would report the benchmark's memory.
So the benchmark starts this file as a small launcher, which starts the command, waits for it with
``os.wait4`` and writes the command's own peak; the command inherits only the launcher's ~15 MB,
below what any Python CLI needs for itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# How much of a failed command's stderr an error shows (its end, where the traceback is).
STDERR_SHOWN = 8_000


@dataclass(frozen=True)
class Measured:
    """One finished command: its peak RSS and how long it ran."""

    peak_mb: float
    seconds: float


class CommandFailed(RuntimeError):
    """The measured command exited non-zero, was killed or ran out of time."""


def measure(argv: list[str], *, env: dict[str, str], cwd: Path, timeout: float) -> Measured:
    """Run ``argv`` in ``cwd`` through the launcher; raise CommandFailed unless it exits 0."""
    with tempfile.TemporaryDirectory(prefix="peak-rss-") as tmp:
        report = Path(tmp) / "report.json"
        stderr_path = Path(tmp) / "stderr"
        launcher = [sys.executable, str(Path(__file__).resolve()), str(report), "--", *argv]
        with open(os.devnull, "wb") as devnull, stderr_path.open("wb") as stderr:
            # A session of its own, so that a timeout can end the launcher and the command.
            process = subprocess.Popen(
                launcher,
                stdin=subprocess.DEVNULL,
                stdout=devnull,
                stderr=stderr,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise CommandFailed(f"{_shown(argv)} ran longer than {timeout:g} s") from None
        text = stderr_path.read_text(encoding="utf-8", errors="replace")
        if process.returncode != 0 or not report.exists():
            raise CommandFailed(
                f"{_shown(argv)} exited {process.returncode}; its stderr:\n"
                + (text[-STDERR_SHOWN:] or "(empty)")
            )
        result = json.loads(report.read_text(encoding="utf-8"))
    # ru_maxrss is in KiB on Linux.
    return Measured(peak_mb=result["maxrss_kib"] / 1024, seconds=result["seconds"])


def _shown(argv: list[str]) -> str:
    """The command as one readable line, without the interpreter's path."""
    return " ".join(["python", *argv[1:]] if argv and argv[0] == sys.executable else argv)


def launch(report: Path, command: list[str]) -> int:
    """Run the command, write its peak RSS and wall time to ``report``; its exit code."""
    started = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    # Tell Popen the child is reaped, so that it never waits for it again.
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    report.write_text(json.dumps({"maxrss_kib": usage.ru_maxrss, "seconds": seconds}))
    return child.returncode


def main(argv: list[str]) -> int:
    """The launcher's entry point: ``peak_rss.py REPORT -- COMMAND…``."""
    if len(argv) < 3 or argv[1] != "--":
        print("usage: peak_rss.py REPORT -- COMMAND...", file=sys.stderr)
        return 2
    return launch(Path(argv[0]), argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
