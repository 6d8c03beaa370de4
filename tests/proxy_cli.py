"""``hubspot-associations proxy`` run as a user runs it: a subprocess whose first line says its
URL, stopped with SIGTERM for its summary."""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.test_hubspot_associations_contract.portal import CLI, command_env

__all__ = ["RunningProxy", "refusing_port", "run_proxy", "running_proxy"]


@dataclass
class RunningProxy:
    """A proxy process; ``stop()`` fills ``code``, ``out`` and ``err``."""

    process: subprocess.Popen[str]
    url: str
    _err: Path
    code: int | None = None
    out: str = ""
    err: str = ""
    _lines: list[str] = field(default_factory=list)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Stderr once it holds ``text`` (the proxy says it while it runs)."""
        deadline = time.monotonic() + timeout
        while text not in (err := self._err.read_text("utf-8", "replace")):
            assert time.monotonic() < deadline, (text, err)
            time.sleep(0.05)
        return err

    def stop(self, stop: signal.Signals = signal.SIGTERM) -> None:
        """Send ``stop`` and wait for the summary."""
        if self.code is not None:
            return
        self.process.send_signal(stop)
        rest, _ = self.process.communicate(timeout=120)
        self.out = "".join(self._lines) + rest
        self.code = self.process.returncode
        self.err = self._err.read_text("utf-8", "replace")


@contextlib.contextmanager
def running_proxy(*options: str) -> Iterator[RunningProxy]:
    """The proxy started with ``options`` until the block ends (then stopped with SIGTERM)."""
    with tempfile.NamedTemporaryFile(suffix=".err") as err:
        process = subprocess.Popen(
            [CLI, "proxy", *options], env=command_env(), stdout=subprocess.PIPE,
            stderr=err, text=True,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            found = re.match(r"proxy listening on (http://127\.0\.0\.1:\d+) -> ", first)
            assert found, (first, Path(err.name).read_text())
            running = RunningProxy(process, found.group(1), Path(err.name), _lines=[first])
            yield running
            running.stop()
        finally:
            process.kill()
            process.wait(timeout=30)


def run_proxy(*options: str) -> subprocess.CompletedProcess[str]:
    """The proxy with options it refuses: it must end by itself."""
    return subprocess.run(
        [CLI, "proxy", *options], env=command_env(), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A port bound but not listening: connections to it are refused, and no other test's
    server can take it meanwhile."""
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    try:
        yield int(held.getsockname()[1])
    finally:
        held.close()
