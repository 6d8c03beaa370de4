"""The webhook examples (examples/webhooks/: Starlette, FastAPI, Flask) driven with the emulator's
real deliveries through the ``hubspot_webhooks`` fixture: what the app records equals what was
changed (with duplicates and reordering switched on, since the apps de-duplicate by event ID),
and hand-made requests get 401 for a wrong secret and 400 for a body that is not HubSpot's."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx
import pytest
from hubspot_associations_pytest import HubSpotWebhooks

from examples.webhooks import fastapi_app, flask_app, starlette_app
from hubspot_associations import HubSpotAssociations


class Store(Protocol):
    """What the examples' AssociationStore offers (each example has its own copy)."""

    seen: set[int]
    duplicates: int

    @property
    def associations(self) -> set[tuple[str, str, str]]: ...


Post = Callable[[Any, bytes, Mapping[str, str]], httpx.Response]


def post_asgi(app: Any, body: bytes, headers: Mapping[str, str]) -> httpx.Response:
    """A hand-made POST /webhooks/hubspot to an ASGI app, in process."""

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return await client.post("/webhooks/hubspot", content=body, headers=headers)

    return asyncio.run(call())


def post_wsgi(app: Any, body: bytes, headers: Mapping[str, str]) -> httpx.Response:
    """A hand-made POST /webhooks/hubspot to a WSGI app, in process."""
    transport = httpx.WSGITransport(app=app)
    with httpx.Client(transport=transport, base_url="http://app") as client:
        return client.post("/webhooks/hubspot", content=body, headers=headers)


# Each example: (a new empty store, the app made with a secret and a store, a hand-made POST).
Example = tuple[Callable[[], Any], Callable[..., Any], Post]
EXAMPLES: dict[str, Example] = {
    "starlette": (starlette_app.AssociationStore, starlette_app.make_app, post_asgi),
    "fastapi": (fastapi_app.AssociationStore, fastapi_app.make_app, post_asgi),
    "flask": (flask_app.AssociationStore, flask_app.make_app, post_wsgi),
}


@pytest.mark.hubspot_emulator(webhook_duplicates=True, webhook_shuffle=True)
@pytest.mark.parametrize("name", EXAMPLES)
def test_the_app_records_what_changed(
    name: str, hubspot_webhooks: HubSpotWebhooks, hubspot_client: HubSpotAssociations
) -> None:
    """Two associations made and one removed, every batch delivered twice and out of order: the
    app, behind the fixture's receiver, ends with the remaining association's two sides, each
    event handled once and each duplicate counted."""
    new_store, make_app, _ = EXAMPLES[name]
    store: Store = new_store()
    hubspot_webhooks.send_to(make_app(hubspot_webhooks.client_secret, store))
    hubspot_client.basic.associate_default("contact", 1, "company", 10)
    hubspot_client.basic.associate_default("contact", 1, "company", 11)
    hubspot_client.basic.remove("contact", 1, "company", 10)
    assert hubspot_webhooks.flush().pending == 0
    events = hubspot_webhooks.unique_events
    assert len(events) == 12  # 3 changes x 2 sides x (typed and generic event)
    assert store.associations == {
        ("CONTACT_TO_COMPANY", "1", "11"),
        ("COMPANY_TO_CONTACT", "11", "1"),
    }
    assert store.seen == {e.event_id for e in events}
    assert store.duplicates == len(hubspot_webhooks.events) - len(events) == len(events)
    assert {a.status for d in hubspot_webhooks.deliveries() for a in d.attempts} == {204}


def sign_v1(secret: str, body: bytes) -> dict[str, str]:
    """HubSpot's v1 headers for ``body`` signed with ``secret``."""
    digest = hashlib.sha256(secret.encode() + body).hexdigest()
    return {"X-HubSpot-Signature": digest, "X-HubSpot-Signature-Version": "v1"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_wrong_secret_is_401_and_a_wrong_body_400(name: str) -> None:
    """A request signed with another secret is refused 401 and a correctly signed body that is
    not an event array 400, both recording nothing; behind a trusted proxy, the URI rebuilt from
    X-Forwarded-Proto/Host verifies a v2 signature made for the public URL."""
    new_store, make_app, post = EXAMPLES[name]
    store: Store = new_store()
    body = b'[{"subscriptionType": "contact.associationChange"}]'
    app = make_app("right-secret", store)
    assert post(app, body, sign_v1("wrong", body)).status_code == 401
    bad = post(app, body, sign_v1("right-secret", body))
    assert bad.status_code == 400
    assert "has no field" in bad.text
    assert store.seen == set()
    public = "https://hooks.example.com/webhooks/hubspot"
    digest = hashlib.sha256(b"right-secret" + b"POST" + public.encode() + b"[]").hexdigest()
    headers = {
        "X-HubSpot-Signature": digest,
        "X-HubSpot-Signature-Version": "v2",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "hooks.example.com",
    }
    for trusted, status in ((True, 204), (False, 401)):
        answer = post(
            make_app("right-secret", new_store(), trust_forwarded=trusted), b"[]", headers
        )
        assert answer.status_code == status, (trusted, answer.text)
