"""One writing live run per target on this machine: a lock file beside the target's ledger.

The lock is an advisory ``flock`` on ``lock-<key>`` in the state directory: the kernel releases it
when every process holding it has ended, ``kill -9`` included, so a lock is never stale. The
command passes the open file to its suite (the child holds it too), so the lock lasts as long as
any process of the run. The file holds the owner's PID, host and start time, for the refusal of a
second run. It covers runs on this machine that share the state directory; runs on other machines
or CI runners are not seen (their labels are protected by their tags' time, see
:mod:`.leftovers`).
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Busy", "RunLock", "describe_owner", "owner_now"]

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; runs are not locked there
    fcntl = None  # type: ignore[assignment]


class Busy(Exception):
    """Another writing run holds the lock; ``owner`` is what it wrote in the lock file."""

    def __init__(self, owner: dict[str, Any]) -> None:
        super().__init__(describe_owner(owner))
        self.owner = owner


def owner_now() -> dict[str, Any]:
    """This process as a run's owner."""
    return {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}


def describe_owner(owner: dict[str, Any]) -> str:
    """``PID 123 on host ci-7, started 2026-12-07 05:12:00 UTC``."""
    started = owner.get("started")
    when = (
        time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(started)))
        if isinstance(started, (int, float))
        else "at an unknown time"
    )
    return f"PID {owner.get('pid', '?')} on host {owner.get('host', '?')}, started {when}"


@dataclass
class RunLock:
    """A held lock; ``fd`` is passed to the suite's process so that it holds it too."""

    path: Path
    fd: int

    @classmethod
    def acquire(cls, ledger: Path, *, wait: bool, on_wait: Any = None) -> RunLock:
        """Take the lock of the target whose ledger is ``ledger``; :class:`Busy` when another run
        holds it (with ``wait``: block until it ends, calling ``on_wait(owner)`` once)."""
        path = ledger.with_name(ledger.name.replace("ledger-", "lock-", 1)).with_suffix("")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = _read_owner(path)
                if not wait:
                    os.close(fd)
                    raise Busy(owner) from None
                if on_wait is not None:
                    on_wait(owner)
                fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(owner_now()).encode(), 0)
        return cls(path, fd)

    def release(self) -> None:
        """Let the next run in (the suite's process has ended by now)."""
        try:
            os.ftruncate(self.fd, 0)
        finally:
            os.close(self.fd)


def _read_owner(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}
