"""A typed client of the emulator's control API (``/_emulator/``), sync and async.

Everything the control API does, with dataclasses in and out, so that a test file using it passes
``mypy --strict``: seed (records, labels, associations, bulk ranges, limits), reset, the runtime
configuration (per-pair record limits included), the rate limit, faults (random and aimed),
request counts, reports, and snapshot / restore of the store. It needs only httpx (the emulator's
server parts are not imported).

    control = ControlClient("http://127.0.0.1:8080")
    control.seed(labels=[SeedLabel("contact", "company", "buyer", "Buyer")])
    saved = control.snapshot()
    ...
    control.restore(saved)

The folder holds the dataclasses and their wire forms (``values.py``), the async client
(``async_client.py``, written by hand) and the sync client generated from it (``sync_client.py``).
"""

from __future__ import annotations

from .async_client import AsyncControlClient
from .sync_client import ControlClient
from .values import (
    AimedFault,
    ControlError,
    EmulatorSettings,
    FaultPlan,
    Journal,
    JournalEntry,
    RecordLimit,
    RequestCounts,
    SeedAssociation,
    SeedBulk,
    Seeded,
    SeedLabel,
    SeedLimit,
    Snapshot,
)

# configure()'s record_limits type, importable from here as it was before the split.
from .values import RecordLimits as RecordLimits

__all__ = [
    "AimedFault",
    "AsyncControlClient",
    "ControlClient",
    "ControlError",
    "EmulatorSettings",
    "FaultPlan",
    "Journal",
    "JournalEntry",
    "RecordLimit",
    "RequestCounts",
    "SeedAssociation",
    "SeedBulk",
    "SeedLabel",
    "SeedLimit",
    "Seeded",
    "Snapshot",
]
