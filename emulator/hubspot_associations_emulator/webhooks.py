"""Association-change webhooks: apps' subscriptions, the events every association change makes,
and their deliveries to the subscribed URLs, signed, batched and retried as HubSpot's are.

What HubSpot publishes (its webhooks guide): the subscription types ``contact``, ``company``,
``deal``, ``ticket`` and ``line_item.associationChange``; a POST of a JSON array of at most 100
events; the event fields ``eventId``, ``subscriptionId``, ``portalId``, ``appId``, ``occurredAt``
(epoch milliseconds), ``subscriptionType``, ``attemptNumber``, ``changeSource``, ``sourceId``,
``associationType``, ``fromObjectId``, ``toObjectId``, ``associationRemoved`` and
``isPrimaryAssociation``; one event per side of a change; the v3 signature headers on every
request, and the v1 or v2 one; at-least-once, unordered delivery; a retry on a non-2xx answer or
none within 5 seconds, up to 10 times over 24 hours.

INFERRED (not published, or published only by integrators):
- the generic ``object.associationChange`` events carry ``fromObjectTypeId``, ``toObjectTypeId``,
  ``associationTypeId`` and ``associationCategory`` too, and cover every object type;
- ``associationType`` names the object pair (``CONTACT_TO_COMPANY``, custom objects by their type
  ID), whatever the label: the label is told by ``isPrimaryAssociation`` (HubSpot's primary types)
  and, on generic events, by ``associationTypeId``;
- one event per association type added or removed (a labelled pair's removal: one per label);
- changes through the API have ``changeSource`` ``INTEGRATION`` and the calling app's ID as
  ``sourceId``;
- a transaction's changes are netted (an association added and removed by one call makes no
  event), and one call's events form the batches, in the order the rows changed;
- the retry schedule: ``RETRY_DELAYS`` after attempts 1 to 9 (about 24 hours in all), scaled by
  the portal's ``webhookTimeScale``.

This module imports no other of the emulator's except ``catalog`` and ``store`` (for types).
"""

from __future__ import annotations

import base64
import contextvars
import datetime
import hashlib
import hmac
import itertools
import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from .catalog import NAME_BY_ID, AssociationType
from .store import Change, Database, TypeRow

__all__ = [
    "EVENT_TYPES",
    "MAX_ATTEMPTS",
    "MAX_BATCH",
    "RETRY_DELAYS",
    "SOURCE_APP",
    "TIMEOUT",
    "Delivery",
    "Subscription",
    "Webhooks",
]

# Each subscription type and the object type whose side of a change it receives (None: all).
EVENT_TYPES: dict[str, str | None] = {
    "contact.associationChange": "0-1",
    "company.associationChange": "0-2",
    "deal.associationChange": "0-3",
    "ticket.associationChange": "0-5",
    "line_item.associationChange": "0-8",
    "object.associationChange": None,
}
SIGNATURE_VERSIONS = ("v1", "v2")
MAX_BATCH = 100
MAX_ATTEMPTS = 10
# Seconds HubSpot waits for an answer (published); not scaled.
TIMEOUT = 5.0
# Seconds before attempts 2 to 10 (INFERRED: HubSpot says 10 attempts over 24 hours).
RETRY_DELAYS = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 28800)
# Deliveries kept for GET /_emulator/webhooks/deliveries (the oldest finished ones go first).
MAX_KEPT = 10_000
USER_AGENT = "HubSpot Connect 2.0 (emulated by hubspot-associations)"

# The app whose token made the request being handled (the gate sets it): events' sourceId.
SOURCE_APP: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "webhook_source_app", default=None
)


class Settings(Protocol):
    """A portal's webhook settings (its running ``EmulatorConfig``)."""

    @property
    def webhook_time_scale(self) -> float: ...
    @property
    def webhook_duplicates(self) -> bool: ...
    @property
    def webhook_shuffle(self) -> bool: ...
    @property
    def webhook_hold(self) -> bool: ...


@dataclass
class Subscription:
    """One app's webhook: where its events go, signed with its secret."""

    id: int
    app_id: int
    target_url: str
    client_secret: str
    event_types: tuple[str, ...]
    signature_version: str
    subscription_ids: dict[str, int]

    def describe(self) -> dict[str, Any]:
        """As the control API shows it (never the secret)."""
        return {
            "id": self.id,
            "appId": self.app_id,
            "targetUrl": self.target_url,
            "eventTypes": list(self.event_types),
            "signatureVersion": self.signature_version,
            "subscriptionIds": dict(self.subscription_ids),
        }


@dataclass
class Delivery:
    """One batch of events for one subscription and portal, and its attempts."""

    id: int
    subscription: Subscription
    portal_id: int
    events: list[dict[str, Any]]
    duplicate: bool
    held: bool
    scale: float
    state: str = "pending"  # pending | sending | delivered | failed
    due: float = 0.0  # time.monotonic() of the next attempt
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        """As GET /_emulator/webhooks/deliveries shows it."""
        waiting = self.state in ("pending", "sending")
        state = "held" if waiting and self.held else self.state
        next_at = None
        if self.state == "pending" and not self.held:
            next_at = _iso(time.time() + max(0.0, self.due - time.monotonic()))
        return {
            "id": self.id,
            "webhookId": self.subscription.id,
            "portalId": self.portal_id,
            "targetUrl": self.subscription.target_url,
            "eventIds": [e["eventId"] for e in self.events],
            "duplicate": self.duplicate,
            "state": state,
            "attempts": list(self.attempts),
            "nextAttemptAt": next_at,
        }


class Webhooks:
    """Every subscription, pending and past delivery of one emulator, and the thread that
    delivers them.

    ``apps_of(portal)`` names the apps with a token in a portal; ``type_of(portal, type_id)``
    finds an association type; ``settings_of(portal)`` gives its webhook settings.
    """

    def __init__(
        self,
        database: Database,
        apps_of: Callable[[int], set[int]],
        type_of: Callable[[int, int], AssociationType | None],
        settings_of: Callable[[int], Settings],
    ) -> None:
        self._database = database
        self._apps_of = apps_of
        self._type_of = type_of
        self._settings_of = settings_of
        self._cond = threading.Condition()
        self._subscriptions: dict[int, Subscription] = {}
        self._deliveries: dict[int, Delivery] = {}
        self._ids = itertools.count(1)
        self._event_ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._random = random.Random()
        self._http: httpx.Client | None = None

    # -- subscriptions ------------------------------------------------------------------------

    def subscribe(
        self,
        app_id: int,
        target_url: str,
        client_secret: str,
        event_types: Iterable[str],
        signature_version: str = "v1",
    ) -> Subscription:
        """A new subscription (ValueError naming what is wrong); from now on its app's changes
        make events."""
        types = tuple(dict.fromkeys(event_types))
        unknown = [t for t in types if t not in EVENT_TYPES]
        if not types or unknown:
            raise ValueError(
                f"eventTypes: one or more of {', '.join(EVENT_TYPES)}"
                + (f"; unknown: {', '.join(map(repr, unknown))}" if unknown else "")
            )
        parts = urlsplit(target_url)
        try:
            port_ok = parts.port is None or parts.port > 0
        except ValueError:  # urlsplit's own: a port past 65535 or not a number
            port_ok = False
        if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
            raise ValueError(
                f"targetUrl: an http or https URL with a host (and a port from 1 to 65535), "
                f"got {target_url!r}"
            )
        if not client_secret:
            raise ValueError("clientSecret: the app's client secret, a non-empty string")
        if signature_version not in SIGNATURE_VERSIONS:
            raise ValueError(f"signatureVersion: v1 or v2, got {signature_version!r}")
        with self._cond:
            sub = Subscription(
                next(self._ids), app_id, target_url, client_secret, types, signature_version,
                {t: next(self._ids) for t in types},
            )  # fmt: skip
            first = not self._subscriptions
            self._subscriptions[sub.id] = sub
        if first:
            # Outside our lock: the database's lock is taken before ours at every commit.
            self._database.capture(self._on_changes)
        self._start()
        return sub

    def subscriptions(self) -> list[Subscription]:
        """Every subscription, oldest first."""
        with self._cond:
            return list(self._subscriptions.values())

    def unsubscribe(self, webhook_id: int) -> bool:
        """Remove a subscription and its waiting deliveries; False when there is none."""
        with self._cond:
            sub = self._subscriptions.pop(webhook_id, None)
            if sub is None:
                return False
            for d in self._deliveries.values():
                if d.subscription is sub and d.state == "pending":
                    d.state = "failed"
                    d.attempts.append(_attempt_record(len(d.attempts), None, "unsubscribed"))
            last = not self._subscriptions
        if last:
            self._database.capture(None)
        return True

    def reset(self, portal_id: int | None = None) -> None:
        """Forget one portal's deliveries, or (None) every subscription and delivery."""
        with self._cond:
            if portal_id is None:
                self._subscriptions.clear()
                self._deliveries.clear()
            else:
                for key in [k for k, d in self._deliveries.items() if d.portal_id == portal_id]:
                    del self._deliveries[key]
            none_left = not self._subscriptions
        if none_left:
            self._database.capture(None)

    # -- events -------------------------------------------------------------------------------

    def _on_changes(self, changes: list[Change], gone: list[TypeRow]) -> None:
        """A committed transaction's association changes become events and deliveries (called
        under the database's lock: only memory is touched here)."""
        removed_types = {(r[0], r[1]): AssociationType(*r[1:]) for r in gone}
        occurred = int(time.time() * 1000)
        source = SOURCE_APP.get()
        by_portal: dict[int, list[Change]] = {}
        for change in _net(changes):
            by_portal.setdefault(change[0], []).append(change)
        made = False
        with self._cond:
            for portal_id, portal_changes in by_portal.items():
                apps = self._apps_of(portal_id)
                subs = [s for s in self._subscriptions.values() if s.app_id in apps]
                if not subs:
                    continue
                settings = self._settings_of(portal_id)
                for sub in subs:
                    events = [
                        self._event(sub, event_type, portal_id, change, occurred, source, t)
                        for change in portal_changes
                        if (t := self._type_of(portal_id, change[5])
                            or removed_types.get((portal_id, change[5]))) is not None
                        for event_type in sub.event_types
                        if EVENT_TYPES[event_type] in (None, change[1])
                    ]  # fmt: skip
                    if events:
                        self._queue(sub, portal_id, events, settings)
                        made = True
            if made:
                self._cond.notify_all()

    def _event(
        self,
        sub: Subscription,
        event_type: str,
        portal_id: int,
        change: Change,
        occurred: int,
        source: int | None,
        t: AssociationType,
    ) -> dict[str, Any]:
        """One event, as HubSpot's body holds it (``attemptNumber`` set at each attempt)."""
        _, from_type, from_id, to_type, to_id, type_id, removed = change
        event: dict[str, Any] = {
            "eventId": next(self._event_ids),
            "subscriptionId": sub.subscription_ids[event_type],
            "portalId": portal_id,
            "appId": sub.app_id,
            "occurredAt": occurred,
            "subscriptionType": event_type,
            "attemptNumber": 0,
            "changeSource": "INTEGRATION",
            "sourceId": str(source) if source is not None else None,
            "associationType": f"{_name(from_type)}_TO_{_name(to_type)}".upper(),
            "fromObjectId": from_id,
            "toObjectId": to_id,
            "associationRemoved": removed,
            "isPrimaryAssociation": t.kind == "primary",
        }
        if EVENT_TYPES[event_type] is None:
            event.update(
                fromObjectTypeId=from_type,
                toObjectTypeId=to_type,
                associationTypeId=type_id,
                associationCategory=t.category,
            )
        return event

    def _queue(
        self, sub: Subscription, portal_id: int, events: list[dict[str, Any]], settings: Settings
    ) -> None:
        """Batches of at most MAX_BATCH events, each twice with ``webhook_duplicates``."""
        if settings.webhook_shuffle:
            self._random.shuffle(events)
        now = time.monotonic()
        for start in range(0, len(events), MAX_BATCH):
            batch = events[start : start + MAX_BATCH]
            for duplicate in (False, True) if settings.webhook_duplicates else (False,):
                d = Delivery(
                    next(self._ids), sub, portal_id, batch, duplicate, settings.webhook_hold,
                    settings.webhook_time_scale, due=now,
                )  # fmt: skip
                self._deliveries[d.id] = d
        self._trim()

    def _trim(self) -> None:
        """Keep at most MAX_KEPT deliveries, dropping the oldest finished ones."""
        excess = len(self._deliveries) - MAX_KEPT
        if excess <= 0:
            return
        for key in [k for k, d in self._deliveries.items() if d.state in ("delivered", "failed")]:
            if excess <= 0:
                break
            del self._deliveries[key]
            excess -= 1

    # -- deliveries ---------------------------------------------------------------------------

    def deliveries(self, portal_id: int | None = None) -> list[dict[str, Any]]:
        """Every kept delivery (of one portal when given), oldest first."""
        with self._cond:
            return [
                d.describe() for d in self._deliveries.values() if portal_id in (None, d.portal_id)
            ]

    def _start(self) -> None:
        with self._cond:
            if self._thread is not None or self._stopped:
                return
            self._http = httpx.Client(timeout=TIMEOUT, trust_env=False, follow_redirects=False)
            self._thread = threading.Thread(
                target=self._run, name="hubspot-emulator-webhooks", daemon=True
            )
            self._thread.start()

    def _pick(self, *, flushing: bool, portal_id: int | None = None) -> Delivery | None:
        """The next delivery to attempt (marked ``sending``), under the lock: a due, not held
        one for the thread; any waiting one when flushing."""
        now = time.monotonic()
        ready = [
            d
            for d in self._deliveries.values()
            if d.state == "pending"
            and portal_id in (None, d.portal_id)
            and (flushing or (not d.held and d.due <= now))
        ]
        if not ready:
            return None
        shuffled = [d for d in ready if self._settings_of(d.portal_id).webhook_shuffle]
        chosen = self._random.choice(shuffled) if shuffled else min(ready, key=lambda d: d.due)
        chosen.state = "sending"
        return chosen

    def _run(self) -> None:
        """The delivery thread: attempt each delivery when due, until the emulator stops."""
        while True:
            with self._cond:
                while not self._stopped:
                    chosen = self._pick(flushing=False)
                    if chosen is not None:
                        break
                    waiting = [
                        d.due
                        for d in self._deliveries.values()
                        if d.state == "pending" and not d.held
                    ]
                    timeout = max(0.0, min(waiting) - time.monotonic()) if waiting else None
                    self._cond.wait(timeout)
                else:
                    return
            self._attempt(chosen, flushing=False)

    def flush(self, portal_id: int | None = None) -> dict[str, int]:
        """Attempt every waiting delivery (held ones too) and every retry at once, until none
        waits or all attempts are spent; what was done."""
        done = {"attempts": 0, "delivered": 0, "failed": 0}
        while True:
            with self._cond:
                chosen = self._pick(flushing=True, portal_id=portal_id)
                if chosen is None:
                    sending = [
                        d
                        for d in self._deliveries.values()
                        if d.state == "sending" and portal_id in (None, d.portal_id)
                    ]
                    if not sending:
                        break
                    # The thread is sending one: its outcome decides whether a retry follows.
                    self._cond.wait(0.05)
                    continue
            outcome = self._attempt(chosen, flushing=True)
            done["attempts"] += 1
            if outcome in ("delivered", "failed"):
                done[outcome] += 1
        with self._cond:
            done["pending"] = sum(
                1
                for d in self._deliveries.values()
                if d.state in ("pending", "sending") and portal_id in (None, d.portal_id)
            )
        return done

    def _attempt(self, d: Delivery, *, flushing: bool) -> str:
        """POST one delivery once and record the outcome; the delivery's new state."""
        number = len(d.attempts)
        body = json.dumps(
            [{**e, "attemptNumber": number} for e in d.events], separators=(",", ":")
        ).encode()
        headers = sign(d.subscription, "POST", d.subscription.target_url, body)
        status: int | None = None
        error: str | None = None
        started = time.monotonic()
        http = self._http
        try:
            if http is None:
                raise httpx.TransportError("the emulator is stopping")
            response = http.post(d.subscription.target_url, content=body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"answered {status}"
        except httpx.TimeoutException:
            error = f"no answer within {TIMEOUT:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        record = _attempt_record(number, status, error)
        record["ms"] = round((time.monotonic() - started) * 1000, 1)
        with self._cond:
            d.attempts.append(record)
            if d.state != "sending":
                pass  # unsubscribed or reset meanwhile: left as it was made
            elif error is not None and d.subscription.id not in self._subscriptions:
                d.state = "failed"  # unsubscribed while this attempt was on its way: no retry
            elif error is None:
                d.state = "delivered"
            elif len(d.attempts) >= MAX_ATTEMPTS:
                d.state = "failed"
            else:
                d.state = "pending"
                delay = RETRY_DELAYS[len(d.attempts) - 1] * d.scale
                d.due = time.monotonic() + (0.0 if flushing else delay)
            self._cond.notify_all()
            return d.state

    def close(self) -> None:
        """Stop the delivery thread (the emulator stops); waiting deliveries are dropped."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
            thread, http = self._thread, self._http
        if thread is not None:
            thread.join(timeout=TIMEOUT + 1)
        if http is not None:
            http.close()


def sign(sub: Subscription, method: str, uri: str, body: bytes) -> dict[str, str]:
    """The headers of one delivery: the v3 signature and timestamp, and the subscription's v1
    or v2 signature (HubSpot's documented recipes)."""
    secret = sub.client_secret.encode()
    timestamp = str(int(time.time() * 1000))
    v3 = hmac.new(secret, method.encode() + uri.encode() + body + timestamp.encode(), "sha256")
    source = body if sub.signature_version == "v1" else method.encode() + uri.encode() + body
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-HubSpot-Request-Timestamp": timestamp,
        "X-HubSpot-Signature-v3": base64.b64encode(v3.digest()).decode(),
        "X-HubSpot-Signature": hashlib.sha256(secret + source).hexdigest(),
        "X-HubSpot-Signature-Version": sub.signature_version,
    }


def _net(changes: list[Change]) -> list[Change]:
    """One transaction's changes, netted: a row added then removed (or removed then added back)
    is no change; what is left, in the order rows first changed."""
    first: dict[tuple[Any, ...], Change] = {}
    count: dict[tuple[Any, ...], int] = {}
    for change in changes:
        key = change[:6]
        first.setdefault(key, change)
        count[key] = count.get(key, 0) + 1
    # Adds and removals of one row alternate (an insert of a present row is ignored): an odd
    # count is a change of the first kind.
    return [c for key, c in first.items() if count[key] % 2]


def _name(type_id: str) -> str:
    """An object type as association type names spell it (custom objects by type ID)."""
    return NAME_BY_ID.get(type_id, type_id)


def _attempt_record(number: int, status: int | None, error: str | None) -> dict[str, Any]:
    return {"attemptNumber": number, "at": _iso(time.time()), "status": status, "error": error}


def _iso(seconds: float) -> str:
    instant = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")
