"""How the suite's process stops: once, when asked, and never after its parent.

``hubspot-associations check`` owns the clean-up of a live run: it starts the suite in a session
of its own (a terminal's Ctrl-C reaches the command alone), passes a stop on as one SIGTERM, and
restores the portal from the ledger once the suite has ended. The suite therefore stops at the
first SIGINT or SIGTERM without cleaning up (:func:`requested` tells its teardowns so), ignores
any later one, and ends at once if the command dies (``kill -9``): ``PR_SET_PDEATHSIG`` where
Linux offers it, and on every system a thread that watches the parent's PID.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

__all__ = ["PARENT_VARIABLE", "install", "request", "requested"]

PARENT_VARIABLE = "HUBSPOT_CONTRACT_PARENT_PID"
# How often the watch looks at the parent (the run ends within this after the command dies).
WATCH_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1
_STOP = threading.Event()


def requested() -> bool:
    """A stop was asked for: the command, not this process, restores the portal."""
    return _STOP.is_set()


def request() -> None:
    """Note a stop (for the teardowns that follow)."""
    _STOP.set()


def _stop(signum: int, frame: object) -> None:
    if _STOP.is_set():
        return  # one stop is enough: the teardowns after it must not be interrupted again
    _STOP.set()
    raise KeyboardInterrupt


def install() -> None:
    """SIGINT and SIGTERM stop the run once; the run ends with the command that started it."""
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    parent = os.environ.get(PARENT_VARIABLE, "").strip()
    if not parent.isdigit():
        return  # not started by the command (pytest run by hand): no parent to watch
    expected = int(parent)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != expected:
        os._exit(1)  # the command died before the watch began
    threading.Thread(target=_watch, args=(expected,), name="parent-watch", daemon=True).start()


def _watch(expected: int) -> None:
    while os.getppid() == expected:
        time.sleep(WATCH_SECONDS)
    # Re-parented: the command is gone, and with it whoever would restore after a clean-up.
    # Stopping at once leaves the ledger complete for `check --live --cleanup-only`.
    os._exit(1)
