"""A Flask app receiving HubSpot's association-change webhooks: ``POST /webhooks/hubspot``.

The same handler as ``starlette_app.py`` (401 for a signature that is not HubSpot's, 400 for a
body that is not its event array, de-duplicated by event ID, the newest change per association
kept), as a Flask view; the body is ``request.get_data()``, the bytes as received.
``trust_forwarded``: see ``starlette_app.py`` (with Werkzeug's ``ProxyFix`` in front instead,
``request.scheme`` and ``request.host`` already are HubSpot's: leave it off).

Run it with ``flask --app flask_app run`` after setting ``HUBSPOT_CLIENT_SECRET``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, Request, request

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


def hubspot_uri(incoming: Request, *, trust_forwarded: bool) -> str:
    """The URL HubSpot called: scheme, host, path and query (from the proxy's headers when
    trusted)."""
    scheme, host = incoming.scheme, incoming.host
    if trust_forwarded:
        scheme = incoming.headers.get("X-Forwarded-Proto", scheme).split(",")[0].strip()
        host = incoming.headers.get("X-Forwarded-Host", host).split(",")[0].strip()
    query = incoming.query_string.decode("latin-1")
    return f"{scheme}://{host}{incoming.root_path}{incoming.path}" + (f"?{query}" if query else "")


def make_app(
    client_secret: str, store: AssociationStore, *, trust_forwarded: bool = False
) -> Flask:
    """The app, checking signatures with ``client_secret`` and recording into ``store``."""
    app = Flask(__name__)

    @app.post("/webhooks/hubspot")
    def hubspot_webhook() -> tuple[str, int]:
        body = request.get_data()  # the raw bytes: the signature covers them as sent
        try:
            verify_signature(
                method=request.method,
                uri=hubspot_uri(request, trust_forwarded=trust_forwarded),
                body=body,
                headers=dict(request.headers),
                client_secret=client_secret,
            )
        except InvalidSignatureError:
            return "invalid signature", 401
        try:
            events = parse_events(body)
        except WebhookBodyError as error:
            return str(error), 400
        for event in events:
            store.apply(event)
        return "", 204

    return app


if "HUBSPOT_CLIENT_SECRET" in os.environ:  # `flask --app flask_app run`
    app = make_app(os.environ["HUBSPOT_CLIENT_SECRET"], AssociationStore())
