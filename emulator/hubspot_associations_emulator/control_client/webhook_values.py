"""What the control API's webhook calls take and give: subscriptions, deliveries with their
attempts, a flush's outcome, and their wire forms (shared by both control clients).

Kept apart from ``values.py``: the webhook calls are the emulator's (subscriptions belong to
apps, not portals), and ``portal_id`` only narrows a flush or the deliveries list.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = [
    "WEBHOOK_EVENT_TYPES",
    "EmulatorWebhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookFlush",
    "read_delivery",
    "read_flush",
    "read_webhook",
    "webhook_body",
]

# Every association-change subscription type the emulator delivers (its webhooks.EVENT_TYPES).
WEBHOOK_EVENT_TYPES: Final[tuple[str, ...]] = (
    "contact.associationChange",
    "company.associationChange",
    "deal.associationChange",
    "ticket.associationChange",
    "line_item.associationChange",
    "object.associationChange",
)

DeliveryState = Literal["pending", "held", "sending", "delivered", "failed"]


@dataclass(frozen=True)
class EmulatorWebhook:
    """An app's webhook subscription (its client secret is never shown back); ``portal_ids``:
    the portals with a token of the app when it was made (empty in ``webhooks()``' list)."""

    id: int
    app_id: int
    target_url: str
    event_types: tuple[str, ...]
    signature_version: Literal["v1", "v2"]
    subscription_ids: dict[str, int] = field(default_factory=dict)
    portal_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class WebhookAttempt:
    """One attempt of a delivery: the receiver's status (None: no answer) or why it failed."""

    attempt_number: int
    at: datetime.datetime
    status: int | None
    error: str | None
    ms: float | None = None


@dataclass(frozen=True)
class WebhookDelivery:
    """One batch of events for one subscription and portal, and its attempts so far."""

    id: int
    webhook_id: int
    portal_id: int
    target_url: str
    event_ids: tuple[int, ...]
    duplicate: bool
    state: DeliveryState
    attempts: tuple[WebhookAttempt, ...]
    next_attempt_at: datetime.datetime | None


@dataclass(frozen=True)
class WebhookFlush:
    """What a flush did: attempts made, deliveries delivered or failed for good, and how many
    still wait (0 unless another call made events meanwhile)."""

    attempts: int
    delivered: int
    failed: int
    pending: int


def webhook_body(
    target_url: str,
    client_secret: str,
    event_types: Sequence[str] | None,
    signature_version: Literal["v1", "v2"] | None,
    app_id: int | None,
) -> dict[str, Any]:
    """``POST webhooks``' body (no event types given: all six; unset: the emulator's defaults)."""
    if isinstance(event_types, str):
        # A lone string would be sent as a list of its characters: say what to write.
        raise TypeError(
            f"event_types: a list of subscription types, e.g. [{event_types!r}], not a string"
        )
    given: dict[str, Any] = {
        "targetUrl": target_url,
        "clientSecret": client_secret,
        "eventTypes": list(WEBHOOK_EVENT_TYPES if event_types is None else event_types),
        "signatureVersion": signature_version,
        "appId": app_id,
    }
    return {k: v for k, v in given.items() if v is not None}


def read_webhook(body: dict[str, Any]) -> EmulatorWebhook:
    """A subscription from ``POST webhooks``' answer or ``GET webhooks``' items."""
    return EmulatorWebhook(
        id=body["id"],
        app_id=body["appId"],
        target_url=body["targetUrl"],
        event_types=tuple(body["eventTypes"]),
        signature_version=body["signatureVersion"],
        subscription_ids=dict(body.get("subscriptionIds", {})),
        portal_ids=tuple(body.get("portalIds", ())),
    )


def _time(value: str | None) -> datetime.datetime | None:
    # fromisoformat reads the trailing Z from Python 3.11 on.
    return None if value is None else datetime.datetime.fromisoformat(value)


def read_delivery(body: dict[str, Any]) -> WebhookDelivery:
    """A delivery from ``GET webhooks/deliveries``' items."""
    attempts = tuple(
        WebhookAttempt(
            attempt_number=a["attemptNumber"],
            at=datetime.datetime.fromisoformat(a["at"]),
            status=a.get("status"),
            error=a.get("error"),
            ms=a.get("ms"),
        )
        for a in body["attempts"]
    )
    return WebhookDelivery(
        id=body["id"],
        webhook_id=body["webhookId"],
        portal_id=body["portalId"],
        target_url=body["targetUrl"],
        event_ids=tuple(body["eventIds"]),
        duplicate=body["duplicate"],
        state=body["state"],
        attempts=attempts,
        next_attempt_at=_time(body.get("nextAttemptAt")),
    )


def read_flush(body: dict[str, Any]) -> WebhookFlush:
    """``POST webhooks/flush``'s answer."""
    return WebhookFlush(body["attempts"], body["delivered"], body["failed"], body["pending"])
