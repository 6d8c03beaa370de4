"""Running `check` against a stand-in for a user's sandbox portal (benchmarks/sandbox_portal.py):
an emulator process that keeps its state, and a proxy in front of it that can make it unreachable."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "CLI",
    "COMPANIES",
    "CONTACTS",
    "HEADERS",
    "RECORDS",
    "TOKEN",
    "USER_DATA",
    "Proxy",
    "check",
    "command_env",
    "live_env",
    "portal_state",
    "reserved_labels",
    "run_processes",
    "seed_user_data",
    "start_check",
    "stop_mid_run",
    "stopped_case",
    "store",
    "users_emulator",
    "wait_for",
    "writes",
]

import httpx

from benchmarks.sandbox_portal import (
    COMPANIES,
    CONTACTS,
    HEADERS,
    RECORDS,
    TOKEN,
    USER_DATA,
    portal_state,
    seed_user_data,
)

CLI = str(Path(sys.executable).parent / "hubspot-associations")
# Ledgers of live runs go here, never to the home directory of whoever runs the tests.
STATE_DIR = tempfile.mkdtemp(prefix="hsa-contract-state-")


FAST_PORTAL = "1000/10"


def live_env(**more: str) -> dict[str, str]:
    """The environment of a writing live run on the named records."""
    return {
        "HUBSPOT_ACCESS_TOKEN": TOKEN,
        "HUBSPOT_CONTRACT_RECORDS": RECORDS,
        "HUBSPOT_CONTRACT_ALLOW_WRITES": "1",
        # The "portal" is an emulator without a rate limit: a budget ten times HubSpot's smallest
        # keeps each run's pace honest (the client still paces itself) without waiting on it.
        "HUBSPOT_ASSOCIATIONS_RATE_LIMIT": FAST_PORTAL,
        **more,
    }


def command_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The machine's environment without HUBSPOT_* settings (nor a CI job's step summary, which
    every run would append to), plus ``env``."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HUBSPOT_") and k != "GITHUB_STEP_SUMMARY"
    }
    return {**base, "HUBSPOT_CONTRACT_STATE_DIR": STATE_DIR, **(env or {})}


def check(
    *args: str, env: dict[str, str] | None = None, cwd: str | Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``hubspot-associations check`` with a clean contract environment plus ``env``."""
    return subprocess.run(
        [CLI, "check", *args],
        env=command_env(env),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=cwd,
    )


@contextlib.contextmanager
def users_emulator(*options: str) -> Iterator[str]:
    """``hubspot-associations emulator serve`` started as a user starts it, until the block ends.

    It picks its own port (``--port 0``) and says it: a port chosen here and passed in could be
    taken meanwhile by another test's server, whose health check would then pass for this one.
    """
    # A file, not a pipe: a pipe nobody reads would stall a server that logs every request.
    with tempfile.NamedTemporaryFile() as log:
        process = subprocess.Popen(
            [CLI, "emulator", "serve", "--port", "0", *options], stdout=log, stderr=log
        )
        try:
            url = _announced_url(Path(log.name), process)
            # An emulator started with --control-token answers its control API only with it.
            given = options.index("--control-token") + 1 if "--control-token" in options else 0
            auth = {"Authorization": f"Bearer {options[given]}"} if given else {}
            httpx.get(f"{url}/_emulator/health", headers=auth, timeout=5).raise_for_status()
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def _announced_url(log: Path, process: subprocess.Popen[bytes]) -> str:
    """The URL the emulator prints once its socket is bound."""
    deadline = time.monotonic() + 60
    while True:
        found = re.search(
            r"emulator on (http://127\.0\.0\.1:\d+)", log.read_text("utf-8", "replace")
        )
        if found:
            return found.group(1)
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"no emulator: {log.read_text('utf-8', 'replace')!r}")
        time.sleep(0.05)


def wait_for(predicate: Any, what: str, timeout: float = 180) -> None:
    """Poll ``predicate()`` until it is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def writes(url: str) -> int:
    """HubSpot-path writes the emulator has answered since its start."""
    return int(httpx.get(f"{url}/_emulator/requests", timeout=30).json()["writes"])


def reserved_labels(url: str) -> list[str]:
    """The suite's labels the emulator holds now (read directly, not through any proxy)."""
    answer = httpx.get(f"{url}/crm/v4/associations/contact/company/labels", headers=HEADERS)
    return [
        str(t["label"])
        for t in answer.json()["results"]
        if str(t.get("label") or "").startswith("hsa_contract_")
    ]


def stop_mid_run(
    args: list[str], env: dict[str, str], url: str, stop: signal.Signals = signal.SIGTERM
) -> tuple[int, str, str]:
    """Run check, send ``stop`` once it has written; (exit code, stdout, stderr)."""
    process = subprocess.Popen(
        [CLI, "check", *args],
        env=command_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: writes(url) > 0, "the run wrote")
        process.send_signal(stop)
        out, err = process.communicate(timeout=300)
    finally:
        process.kill()
    return process.returncode, out, err


class Proxy:
    """A TCP proxy on 127.0.0.1 in front of a server; ``cut()`` makes the server unreachable
    (open connections closed, new ones refused) until ``restore()``."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._held: socket.socket | None = self._reserve(0)
        self.port = int(self._held.getsockname()[1])
        self.restore()

    @staticmethod
    def _reserve(port: int) -> socket.socket:
        # Bound but not listening: connections are refused, and no other test's server can take
        # the port while the proxy is cut.
        held = socket.socket()
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind(("127.0.0.1", port))
        return held

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def restore(self) -> None:
        """Listen (again) and pass connections on."""
        listener, self._held = self._held, None
        if listener is None:
            listener = self._reserve(self.port)
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
            self._held = self._reserve(self.port)
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=10)
                server.settimeout(None)  # keep-alive connections idle as long as the client's
            except OSError:
                client.close()
                continue
            # Without NODELAY a request written in two pieces (head, then body) waits for the
            # peer's delayed ACK at each hop: 40 ms a request, a live run four times slower.
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._open |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def store(url: str) -> dict[str, Any]:
    """``GET /_emulator/snapshot``'s tables, less the type-ID counter (a run's own labels come
    and go, moving it) and the limits usage reports."""
    tables = httpx.get(f"{url}/_emulator/snapshot", timeout=30).json()["tables"]
    return {
        name: sorted(map(tuple, rows))
        for name, rows in tables.items()
        if name not in ("meta", "reports")
    }


def start_check(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """``check`` started as a terminal starts it: the leader of its own process group (so that
    ``os.killpg`` is a terminal's Ctrl-C)."""
    return subprocess.Popen(
        [CLI, "check", *args], env=command_env(env), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def run_processes(pid: int) -> set[int]:
    """``pid`` and every live descendant (zombies count as ended)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found = {pid} if pid in parents else set()
    grew = True
    while grew:
        more = {child for child, parent in parents.items() if parent in found} - found
        grew = bool(more)
        found |= more
    return found


def stopped_case(junit: Path) -> ET.Element:
    """The one run.stopped error case of a JUnit file."""
    cases = [c for c in ET.parse(junit).getroot().iter("testcase")]
    stopped = [c for c in cases if c.get("classname") == "run.stopped"]
    assert len(stopped) == 1, [c.get("classname") for c in cases]
    error = stopped[0].find("error")
    assert error is not None
    return error
