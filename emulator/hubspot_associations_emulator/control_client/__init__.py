"""A typed client of the emulator's control API (``/_emulator/``), sync and async.

Everything the control API does, with dataclasses in and out, so that a test file using it passes
``mypy --strict``: seed (records, labels, associations, bulk ranges, limits), reset, the runtime
configuration (per-pair record limits included), the rate limit, faults (random and aimed),
request counts, reports, snapshot / restore of the store, portals (rate limit, daily cap, scope
mode, the CRM object property rules), custom object schemas, tokens (add, list, expire,
revoke) and webhooks (subscribe, list, unsubscribe, flush, deliveries, the delivery switches).
Every per-portal call takes ``portal_id=`` (the
emulator's default portal, ``DEFAULT_PORTAL_ID``, when absent). It needs only httpx (the
emulator's server parts are not imported).

    control = ControlClient("http://127.0.0.1:8080")  # control_token=: see --control-token
    control.seed(labels=[SeedLabel("contact", "company", "buyer", "Buyer")])
    saved = control.snapshot()
    ...
    control.restore(saved)
    control.add_token("read-only", portal_id=42, scopes=["crm.objects.contacts.read"])

The folder holds the dataclasses and their wire forms (``values.py``), the async client
(``async_client.py``, written by hand) and the sync client generated from it (``sync_client.py``).
"""

from __future__ import annotations

from .async_client import AsyncControlClient
from .sync_client import ControlClient
from .values import (
    DEFAULT_PORTAL_ID,
    UNCHANGED,
    AimedFault,
    ControlError,
    EmulatorPortal,
    EmulatorSchema,
    EmulatorSettings,
    EmulatorToken,
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
    Unchanged,
)

# configure()'s record_limits type, importable from here as it was before the split.
from .values import RecordLimits as RecordLimits
from .webhook_values import EmulatorWebhook, WebhookAttempt, WebhookDelivery, WebhookFlush

__all__ = [
    "DEFAULT_PORTAL_ID",
    "UNCHANGED",
    "AimedFault",
    "AsyncControlClient",
    "ControlClient",
    "ControlError",
    "EmulatorPortal",
    "EmulatorSchema",
    "EmulatorSettings",
    "EmulatorToken",
    "EmulatorWebhook",
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
    "Unchanged",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookFlush",
]
