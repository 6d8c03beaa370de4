"""A Starlette app receiving HubSpot's association-change webhooks: ``POST /webhooks/hubspot``.

It checks each request's signature with the app's client secret (401 when it is not HubSpot's),
reads the events (400 for a body that is not HubSpot's event array), skips events it has handled
before (HubSpot delivers at least once: de-duplicate by event ID) and keeps, per association, the
latest change (HubSpot delivers in no set order: the newest ``occurredAt`` wins).

Run it with ``uvicorn starlette_app:app`` after setting ``HUBSPOT_CLIENT_SECRET``; test it with
the ``hubspot_webhooks`` fixture (docs/webhooks.md, "Testing your webhook handler").

``trust_forwarded``: behind a proxy or load balancer, HubSpot signed the URL it called, not the
one the app sees. Turn it on only when a proxy you run sets ``X-Forwarded-Proto`` and
``X-Forwarded-Host`` (and strips what clients send): anyone can send those headers otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hubspot_associations.webhooks import (
    AssociationChangeEvent,
    InvalidSignatureError,
    WebhookBodyError,
    parse_events,
    verify_signature,
)

__all__ = ["AssociationStore", "hubspot_uri", "make_app"]

# (association type, from object ID, to object ID): one side of an association.
Key = tuple[str, str, str]


@dataclass
class AssociationStore:
    """What the app was told, in memory (a real app keeps it in its database)."""

    # Event IDs handled: a redelivered event changes nothing.
    seen: set[int] = field(default_factory=set)
    duplicates: int = 0
    # Per association side, its latest change: (occurredAt, eventId, removed).
    latest: dict[Key, tuple[datetime, int, bool]] = field(default_factory=dict)

    def apply(self, event: AssociationChangeEvent) -> None:
        """Record one event, unless it was handled before or an older change than the one kept."""
        if event.event_id in self.seen:
            self.duplicates += 1
            return
        self.seen.add(event.event_id)
        key = (event.association_type, event.from_object_id, event.to_object_id)
        change = (event.occurred_at, event.event_id, event.removed)
        if key not in self.latest or change[:2] > self.latest[key][:2]:
            self.latest[key] = change

    @property
    def associations(self) -> set[Key]:
        """The association sides that exist, as far as the events told."""
        return {key for key, (_, _, removed) in self.latest.items() if not removed}


def hubspot_uri(request: Request, *, trust_forwarded: bool) -> str:
    """The URL HubSpot called: scheme, host, path and query (from the proxy's headers when
    trusted)."""
    url = request.url
    scheme, host = url.scheme, request.headers.get("host", url.netloc)
    if trust_forwarded:
        scheme = request.headers.get("x-forwarded-proto", scheme).split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
    query = f"?{url.query}" if url.query else ""
    return f"{scheme}://{host}{url.path}{query}"


def make_app(
    client_secret: str, store: AssociationStore, *, trust_forwarded: bool = False
) -> Starlette:
    """The app, checking signatures with ``client_secret`` and recording into ``store``."""

    async def hubspot_webhook(request: Request) -> Response:
        body = await request.body()  # the raw bytes: the signature covers them as sent
        try:
            verify_signature(
                method=request.method,
                uri=hubspot_uri(request, trust_forwarded=trust_forwarded),
                body=body,
                headers=request.headers,
                client_secret=client_secret,
            )
        except InvalidSignatureError:
            return Response("invalid signature", status_code=401)
        try:
            events = parse_events(body)
        except WebhookBodyError as error:
            return Response(str(error), status_code=400)
        for event in events:
            store.apply(event)
        return Response(status_code=204)

    return Starlette(routes=[Route("/webhooks/hubspot", hubspot_webhook, methods=["POST"])])


if "HUBSPOT_CLIENT_SECRET" in os.environ:  # `uvicorn starlette_app:app`
    app = make_app(os.environ["HUBSPOT_CLIENT_SECRET"], AssociationStore())
