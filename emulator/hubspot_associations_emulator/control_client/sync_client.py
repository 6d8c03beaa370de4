# GENERATED FILE: do not edit. Made by codegen/unasync.py from control_client/async_client.py;
# change that file and run `make generate`.
"""The synchronous control client: one method per control call, dataclasses in and out.

Only the async module is written by hand; codegen/unasync.py derives the sync twin from it, so
the two cannot drift apart. The wire forms both use live in ``values.py``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import httpx

from .values import (
    DEFAULT_PORTAL_ID,
    UNCHANGED,
    AimedFault,
    EmulatorPortal,
    EmulatorSchema,
    EmulatorSettings,
    EmulatorToken,
    FaultPlan,
    Journal,
    PropertyLists,
    RecordLimits,
    RequestCounts,
    SeedAssociation,
    SeedBulk,
    Seeded,
    SeedLabel,
    SeedLimit,
    Snapshot,
    Unchanged,
    config_body,
    control_token_of,
    journal_body,
    portal_change_body,
    rate_limit_body,
    read_answer,
    read_counts,
    read_faults,
    read_journal,
    read_portal,
    read_rate_limit,
    read_schema,
    read_seeded,
    read_settings,
    read_token,
    schema_body,
    seed_body,
    token_body,
    with_portal,
)
from .webhook_values import (
    EmulatorWebhook,
    WebhookDelivery,
    WebhookFlush,
    read_delivery,
    read_flush,
    read_webhook,
    webhook_body,
)

__all__ = ["ControlClient"]

_TIMEOUT = 30.0


class ControlClient:
    """The control API of the emulator at ``base_url``, for synchronous tests.

    ``control_token``: what an emulator started with ``--control-token`` requires, sent as
    ``Authorization: Bearer …`` on every call (None: ``HUBSPOT_EMULATOR_CONTROL_TOKEN``, when
    set). ``portal_id``: the portal the calls act on when they are not given one (None: the
    emulator's default portal, ``DEFAULT_PORTAL_ID``). Every call taking ``portal_id=`` acts on
    that portal; ``reset()`` and ``tokens()`` without one act on every portal.
    """

    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.Client | None = None,
        control_token: str | None = None,
        portal_id: int | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.portal_id = portal_id
        self._http = http or httpx.Client(timeout=_TIMEOUT)
        token = control_token_of(control_token)
        self._headers = {} if token is None else {"Authorization": f"Bearer {token}"}

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _portal(self, portal_id: int | None) -> int | None:
        """The portal a call acts on: the one given, else the client's (None: the default)."""
        return portal_id if portal_id is not None else self.portal_id

    def _send(
        self, method: str, path: str, body: object = None, portal_id: int | None = None
    ) -> httpx.Response:
        # A GET names its portal in the query; a PUT or POST in its body (with_portal).
        params = {"portalId": str(portal_id)} if portal_id is not None else None
        return self._http.request(
            method,
            f"{self.base_url}/_emulator/{path}",
            json=body,
            params=params,
            headers=self._headers,
        )

    def _call(
        self, method: str, path: str, body: object = None, portal_id: int | None = None
    ) -> Any:
        return read_answer(self._send(method, path, body, portal_id))

    def health(self) -> bool:
        """Whether the emulator answers."""
        answer = self._call("GET", "health")
        return bool(answer.get("status") == "ok")

    def reset(self, *, portal_id: int | None = None) -> None:
        """Without ``portal_id``: every portal emptied (those no start-up token reaches
        forgotten), the tokens back to the start-up set, and faults, rate limits and
        configuration back to the start-up. With it: that portal only (tokens kept)."""
        self._call("POST", "reset", with_portal({}, portal_id))

    def seed(
        self,
        *,
        records: Mapping[str, Sequence[int | str]] | None = None,
        labels: Sequence[SeedLabel] = (),
        associations: Sequence[SeedAssociation] = (),
        bulk: Sequence[SeedBulk] = (),
        limits: Sequence[SeedLimit] = (),
        portal_id: int | None = None,
    ) -> Seeded:
        """Add state, applied whole or not at all (``ControlError`` naming what is wrong)."""
        body = seed_body(records, labels, associations, bulk, limits)
        return read_seeded(self._call("POST", "seed", with_portal(body, self._portal(portal_id))))

    def settings(self, *, portal_id: int | None = None) -> EmulatorSettings:
        """The configuration answering now."""
        return read_settings(self._call("GET", "config", portal_id=self._portal(portal_id)))

    def configure(
        self,
        *,
        profile: str | None = None,
        numeric_ids: bool | None = None,
        max_labels_per_pair: int | None = None,
        enqueue_time_format: Literal["auto", "string", "object"] | None = None,
        repeat_answers: Mapping[str, str] | None = None,
        record_limits: RecordLimits | None = None,
        webhook_time_scale: float | None = None,
        webhook_duplicates: bool | None = None,
        webhook_shuffle: bool | None = None,
        webhook_hold: bool | None = None,
        portal_id: int | None = None,
    ) -> EmulatorSettings:
        """Change what is given, until the next reset; ``record_limits`` (``RecordLimit`` or
        (from, to, limit) tuples) replaces the configured per-pair record limits whole. The
        webhook deliveries: retry delays times ``webhook_time_scale``, every batch sent twice,
        batches out of order, batches held until a flush."""
        body = config_body(
            profile,
            numeric_ids,
            max_labels_per_pair,
            enqueue_time_format,
            repeat_answers,
            record_limits,
            (webhook_time_scale, webhook_duplicates, webhook_shuffle, webhook_hold),
        )
        body = with_portal(body, self._portal(portal_id))
        return read_settings(self._call("PUT", "config", body))

    def rate_limit(self, *, portal_id: int | None = None) -> tuple[int, float] | None:
        """(requests, seconds) of the rate limit (each app of the portal has its own window of
        that size), or None."""
        answer = self._call("GET", "rate-limit", portal_id=self._portal(portal_id))
        return read_rate_limit(answer)

    def set_rate_limit(
        self, requests: int | None, seconds: float | None = None, *, portal_id: int | None = None
    ) -> None:
        """At most ``requests`` per rolling ``seconds`` (None: no limit)."""
        body = with_portal(rate_limit_body(requests, seconds), self._portal(portal_id))
        self._call("PUT", "rate-limit", body)

    def faults(self, *, portal_id: int | None = None) -> FaultPlan:
        """The fault plan, with each aimed fault's ``seen`` and ``fired``."""
        return read_faults(self._call("GET", "faults", portal_id=self._portal(portal_id)))

    def set_faults(
        self,
        spec: str | None = None,
        script: Sequence[AimedFault] = (),
        *,
        portal_id: int | None = None,
    ) -> FaultPlan:
        """Replace the plan: random faults (``rate=…,kinds=…``) and aimed ones."""
        body = {"spec": spec, "script": [f.body() for f in script]}
        body = with_portal(body, self._portal(portal_id))
        return read_faults(self._call("PUT", "faults", body))

    def requests(self, *, portal_id: int | None = None) -> RequestCounts:
        """Request counts since the last reset."""
        return read_counts(self._call("GET", "requests", portal_id=self._portal(portal_id)))

    def reports(self, *, portal_id: int | None = None) -> list[dict[str, Any]]:
        """Every high-usage report requested, with its content."""
        answer = self._call("GET", "reports", portal_id=self._portal(portal_id))
        return list(answer["results"])

    def journal(self, *, portal_id: int | None = None) -> Journal:
        """Every HubSpot-path request since the last reset (oldest first)."""
        return read_journal(self._call("GET", "journal", portal_id=self._portal(portal_id)))

    def journal_jsonl(self, *, portal_id: int | None = None) -> str:
        """The journal as JSON Lines."""
        response = self._send("GET", "journal.jsonl", portal_id=self._portal(portal_id))
        if response.status_code >= 400:
            read_answer(response)  # raises the ControlError
        return response.text

    def journal_har(self, *, portal_id: int | None = None) -> dict[str, Any]:
        """The journal as a HAR 1.2 log."""
        return dict(self._call("GET", "journal.har", portal_id=self._portal(portal_id)))

    def set_journal(
        self,
        *,
        max_entries: int | None = None,
        max_bytes: int | None = None,
        enabled: bool | None = None,
        portal_id: int | None = None,
    ) -> None:
        """Bound the journal (by entries and bytes), or turn it off or on."""
        body = with_portal(journal_body(max_entries, max_bytes, enabled), self._portal(portal_id))
        self._call("PUT", "journal", body)

    def snapshot(self, *, portal_id: int | None = None) -> Snapshot:
        """One portal's store now: records, labels with their type-ID counter, associations,
        limits, reports (not faults, the rate limit nor request counts)."""
        return Snapshot(self._call("GET", "snapshot", portal_id=self._portal(portal_id)))

    def restore(self, snapshot: Snapshot, *, portal_id: int | None = None) -> None:
        """A portal's store exactly as ``snapshot`` holds it: the portal given (or the
        client's), else the one the snapshot was taken of (a version-1 snapshot: the default
        portal)."""
        self._call("PUT", "snapshot", with_portal(snapshot.data, self._portal(portal_id)))

    # -- portals and tokens -------------------------------------------------------------------

    def portals(self) -> list[EmulatorPortal]:
        """Every portal, by ID."""
        answer = self._call("GET", "portals")
        return [read_portal(p) for p in answer["results"]]

    def put_portal(
        self,
        portal_id: int,
        *,
        rate_limit: tuple[int, float] | Unchanged | None = UNCHANGED,
        daily_limit: int | Unchanged | None = UNCHANGED,
        scope_mode: Literal["granular", "published"] | Unchanged = UNCHANGED,
        strict_properties: bool | Unchanged = UNCHANGED,
        properties: PropertyLists | Unchanged = UNCHANGED,
        required_properties: PropertyLists | Unchanged = UNCHANGED,
    ) -> EmulatorPortal:
        """Make the portal if it is new, then change what is given (None: no rate limit, no
        daily cap), until the next reset; checked whole (a ``ControlError`` changes nothing).

        CRM object rules: ``strict_properties`` refuses properties that are neither HubSpot's
        defaults nor in ``properties`` (HubSpot's ``PROPERTY_DOESNT_EXIST``);
        ``required_properties`` refuses creates lacking them on 2026-09 paths. Both map an
        object type (name, ID, or a declared custom object's name) to property names, and
        each replaces the portal's previous mapping whole.
        """
        body = portal_change_body(
            rate_limit,
            daily_limit,
            scope_mode,
            strict_properties,
            properties,
            required_properties,
        )
        return read_portal(self._call("PUT", f"portals/{portal_id}", body))

    def schemas(self, *, portal_id: int | None = None) -> list[EmulatorSchema]:
        """The custom object types the portal declared, by object type ID."""
        answer = self._call("GET", "schemas", portal_id=self._portal(portal_id))
        return [read_schema(s) for s in answer["results"]]

    def add_schema(
        self,
        name: str,
        object_type_id: str,
        *,
        primary_display_property: str | None = None,
        portal_id: int | None = None,
    ) -> EmulatorSchema:
        """Declare a custom object type (``object_type_id`` ``2-…``; no primary display
        property: ``name``) until the next reset: its object calls answer from then on, by
        ID, name or ``p{portalId}_{name}``. Declaring it again as it is changes nothing; a
        name another type has is a ``ControlError`` 409."""
        body = schema_body(name, object_type_id, primary_display_property)
        answer = self._call("POST", "schemas", with_portal(body, self._portal(portal_id)))
        return read_schema(answer)

    def daily_reset(self, portal_id: int | None = None) -> EmulatorPortal:
        """End the portal's day: its daily count back to zero."""
        number = self._portal(portal_id) or DEFAULT_PORTAL_ID
        return read_portal(self._call("POST", f"portals/{number}/daily-reset", {}))

    def tokens(self, portal_id: int | None = None) -> list[EmulatorToken]:
        """The tokens of one portal, or of every portal (None), in the order they were added."""
        answer = self._call("GET", "tokens", portal_id=portal_id)
        return [read_token(t) for t in answer["results"]]

    def add_token(
        self,
        token: str,
        *,
        portal_id: int | None = None,
        kind: Literal["private-app", "oauth"] = "private-app",
        app_id: int | None = None,
        user_id: int | None = None,
        scopes: Sequence[str] | None = None,
        association_writes: bool | None = None,
        expires_at: datetime.datetime | None = None,
        refresh_token: str | None = None,
    ) -> EmulatorToken:
        """One more token the emulator accepts, until the next full reset: of ``portal_id``
        (the client's, else the default portal; made if new), with exactly ``scopes`` (None:
        every scope). ``association_writes``, ``expires_at`` (an aware datetime) and
        ``refresh_token`` are for ``kind="oauth"`` only: given for a private app's token, a
        ValueError before anything is sent. Unset IDs: the emulator's defaults."""
        body = token_body(
            token,
            portal_id=self._portal(portal_id),
            kind=kind,
            app_id=app_id,
            user_id=user_id,
            scopes=scopes,
            association_writes=association_writes,
            expires_at=expires_at,
            refresh_token=refresh_token,
        )
        return read_token(self._call("POST", "tokens", body))

    def expire_token(self, token: str) -> EmulatorToken:
        """An OAuth token expired now (its refresh token keeps working)."""
        return read_token(self._call("POST", "tokens/expire", {"token": token}))

    def revoke_token(self, token: str) -> EmulatorToken:
        """A token refused from now on (401), its refresh token too."""
        return read_token(self._call("POST", "tokens/revoke", {"token": token}))

    # -- webhooks -----------------------------------------------------------------------------
    # Subscriptions belong to apps, not portals: portal_id only narrows a flush or the list.

    def subscribe_webhook(
        self,
        target_url: str,
        client_secret: str,
        *,
        event_types: Sequence[str] | None = None,
        signature_version: Literal["v1", "v2"] | None = None,
        app_id: int | None = None,
    ) -> EmulatorWebhook:
        """Deliver the app's association-change events to ``target_url``, signed with
        ``client_secret``, until unsubscribed or the next full reset (event types: all six
        unless given; ``signature_version``: v1 unless given; ``app_id``: the start-up tokens'
        app unless given)."""
        body = webhook_body(target_url, client_secret, event_types, signature_version, app_id)
        return read_webhook(self._call("POST", "webhooks", body))

    def webhooks(self) -> list[EmulatorWebhook]:
        """Every webhook subscription, oldest first."""
        answer = self._call("GET", "webhooks")
        return [read_webhook(w) for w in answer["results"]]

    def unsubscribe_webhook(self, webhook_id: int) -> None:
        """No more events for that subscription; its waiting deliveries end (failed)."""
        response = self._send("DELETE", f"webhooks/{webhook_id}")
        if response.status_code >= 400:
            read_answer(response)  # raises the ControlError (404: no such webhook)

    def flush_webhooks(self, *, portal_id: int | None = None) -> WebhookFlush:
        """Attempt every waiting delivery (held ones too) and retry at once, until none waits or
        all attempts are spent (every portal's, unless ``portal_id`` is given)."""
        body = with_portal({}, portal_id)
        return read_flush(self._call("POST", "webhooks/flush", body))

    def webhook_deliveries(self, *, portal_id: int | None = None) -> list[WebhookDelivery]:
        """Every kept delivery with its event IDs and attempts, oldest first (every portal's,
        unless ``portal_id`` is given)."""
        answer = self._call("GET", "webhooks/deliveries", portal_id=portal_id)
        return [read_delivery(d) for d in answer["results"]]
