"""The ``hubspot_webhooks`` fixture and the control clients' webhook calls, against the session's
emulator: real deliveries to the fixture's receiver on 127.0.0.1, the marker's ``webhook_*``
keywords, a user's app behind the receiver, and (through pytester) the test failing when the
receiver refused a request or the marker was given a wrong value."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import hubspot_associations_pytest
import pytest
from hubspot_associations_emulator import webhooks as emulator_webhooks
from hubspot_associations_emulator.control_client import (
    AsyncControlClient,
    ControlError,
    WebhookDelivery,
)
from hubspot_associations_pytest import HubSpotEmulator, HubSpotWebhooks
from hubspot_associations_pytest import webhooks as fixture_webhooks

from hubspot_associations import HubSpotAssociations

pytest_plugins = ["pytester"]

# One contact-company association made: each side's typed event and its generic one.
EVENTS_PER_PAIR = 4


def test_the_fixtures_event_types_are_the_emulators() -> None:
    """The receiver's and the control clients' spelt-out event types (no emulator import at
    marker time) are the emulator's."""
    from hubspot_associations_emulator.control_client.webhook_values import WEBHOOK_EVENT_TYPES

    assert tuple(emulator_webhooks.EVENT_TYPES) == fixture_webhooks.EVENT_TYPES
    assert WEBHOOK_EVENT_TYPES == fixture_webhooks.EVENT_TYPES


def test_events_arrive_verified_and_typed(
    hubspot_webhooks: HubSpotWebhooks, hubspot_client: HubSpotAssociations
) -> None:
    """An association made and removed arrives as verified, typed events (one per side, typed
    and generic), wait_for returning the distinct ones; the deliveries list shows them
    delivered with the receiver's 204."""
    hubspot_client.basic.associate_default("contact", 1, "company", 10)
    hubspot_client.basic.remove("contact", 1, "company", 10)
    events = hubspot_webhooks.wait_for(2 * EVENTS_PER_PAIR)
    assert len(events) == len({e.event_id for e in events}) == 2 * EVENTS_PER_PAIR
    contact = [e for e in events if e.subscription_type == "contact.associationChange"]
    assert [(e.from_object_id, e.to_object_id, e.removed) for e in contact] == [
        ("1", "10", False),
        ("1", "10", True),
    ]
    assert hubspot_webhooks.url.endswith("/webhooks/hubspot")
    # The exported name is the class the fixture yields (loaded on first access).
    assert type(hubspot_webhooks) is hubspot_associations_pytest.HubSpotWebhooks
    assert hubspot_webhooks.flush().pending == 0
    deliveries: list[WebhookDelivery] = hubspot_webhooks.deliveries()
    assert deliveries
    assert {d.state for d in deliveries} == {"delivered"}
    assert {d.webhook_id for d in deliveries} == {hubspot_webhooks.webhook_id}
    assert all(a.status == 204 for d in deliveries for a in d.attempts)


@pytest.mark.hubspot_emulator(
    webhook_hold=True,
    webhook_duplicates=True,
    webhook_shuffle=True,
    webhook_signature="v2",
    webhook_events=["deal.associationChange"],
)
def test_the_marker_holds_duplicates_and_narrows_the_subscription(
    hubspot_webhooks: HubSpotWebhooks, hubspot_client: HubSpotAssociations
) -> None:
    """Held deliveries wait for flush (wait_for's timeout names them held); duplicates arrive
    twice in events, once in unique_events; only the deal side is subscribed; v2 signatures
    verify."""
    hubspot_client.basic.associate_default("deal", 5, "company", 10)
    with pytest.raises(AssertionError, match=r"0 distinct events arrived .* held"):
        hubspot_webhooks.wait_for(1, timeout=0.3)
    done = hubspot_webhooks.flush()
    assert (done.delivered, done.failed, done.pending) == (2, 0, 0)
    [event] = hubspot_webhooks.wait_for(1)
    assert (event.subscription_type, event.association_type) == (
        "deal.associationChange",
        "DEAL_TO_COMPANY",
    )
    assert hubspot_webhooks.events == [event, event]
    assert hubspot_webhooks.unique_events == [event]


def failing_twice() -> Callable[[dict[str, object], Callable[..., object]], Iterable[bytes]]:
    """A WSGI app answering 500 to its first two requests, then 200 with the body it read."""
    seen: list[bytes] = []

    def app(environ: dict[str, object], start_response: Callable[..., object]) -> Iterable[bytes]:
        stream = environ["wsgi.input"]
        seen.append(stream.read())  # type: ignore[attr-defined]
        status = "500 Internal Server Error" if len(seen) <= 2 else "200 OK"
        start_response(status, [("Content-Type", "text/plain")])
        return [b"got %d bytes" % len(seen[-1])]

    return app


@pytest.mark.hubspot_emulator(webhook_hold=True)
def test_an_app_behind_the_receiver_is_retried_until_it_succeeds(
    hubspot_webhooks: HubSpotWebhooks, hubspot_client: HubSpotAssociations
) -> None:
    """A user's WSGI app on its own path answers 500 twice then 200: one flush makes three
    attempts of the batch, the deliveries list shows them, events holds the batch three
    times."""
    first = hubspot_webhooks.webhook_id
    hubspot_webhooks.send_to(failing_twice(), path="/hooks?app=1")
    assert hubspot_webhooks.webhook_id != first
    assert hubspot_webhooks.url.endswith("/hooks?app=1")
    hubspot_client.basic.associate_default("contact", 1, "company", 10)
    done = hubspot_webhooks.flush()
    assert (done.attempts, done.delivered) == (3, 1)
    [delivery] = hubspot_webhooks.deliveries()
    assert [a.status for a in delivery.attempts] == [500, 500, 200]
    assert len(hubspot_webhooks.events) == 3 * EVENTS_PER_PAIR
    assert len(hubspot_webhooks.unique_events) == EVENTS_PER_PAIR


def test_control_client_webhook_calls(hubspot_emulator: HubSpotEmulator) -> None:
    """subscribe_webhook, webhooks, unsubscribe_webhook (404 when unknown), flush_webhooks and
    webhook_deliveries: a subscription to a closed port fails its attempts, listed with the
    connection error."""
    control = hubspot_emulator.control
    made = control.subscribe_webhook(
        "http://127.0.0.1:9/x", "secret", event_types=["contact.associationChange"], app_id=77
    )
    assert (made.app_id, made.event_types, made.signature_version) == (
        77,
        ("contact.associationChange",),
        "v1",
    )
    assert [w.id for w in control.webhooks()] == [made.id]
    control.unsubscribe_webhook(made.id)
    assert control.webhooks() == []
    with pytest.raises(ControlError) as unknown:
        control.unsubscribe_webhook(made.id)
    assert unknown.value.status == 404
    with pytest.raises(TypeError, match="not a string"):
        control.subscribe_webhook("http://127.0.0.1:9/", "s", event_types="deal.associationChange")
    with pytest.raises(ControlError, match="webhookTimeScale"):
        control.configure(webhook_time_scale=0)


@pytest.mark.anyio
async def test_the_async_control_client_has_the_webhook_calls(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    """The async twin subscribes a closed port with the switches set, flushes (every attempt
    spent, failed) and lists the delivery's attempts with their errors."""
    async with AsyncControlClient(
        hubspot_emulator.base_url, control_token=hubspot_emulator.control_token or ""
    ) as control:
        await control.configure(webhook_hold=True, webhook_time_scale=0.001)
        made = await control.subscribe_webhook("http://127.0.0.1:9/", "s", signature_version="v2")
        assert [w.signature_version for w in await control.webhooks()] == ["v2"]
        hubspot_client.basic.associate_default("contact", 1, "company", 10)
        assert [d.state for d in await control.webhook_deliveries()] == ["held"]
        done = await control.flush_webhooks(portal_id=hubspot_emulator.portal_id)
        assert (done.attempts, done.failed, done.pending) == (10, 1, 0)
        [delivery] = await control.webhook_deliveries()
        assert (delivery.webhook_id, delivery.state) == (made.id, "failed")
        assert all(a.status is None and a.error for a in delivery.attempts)


REFUSED = """
import httpx
import pytest


def test_a_forged_request(hubspot_webhooks) -> None:
    answer = httpx.post(hubspot_webhooks.url, content=b"[]",
                        headers={"X-HubSpot-Signature": "0" * 64,
                                 "X-HubSpot-Signature-Version": "v1"})
    assert answer.status_code == 401
    assert httpx.get(hubspot_webhooks.url).status_code == 405


@pytest.mark.hubspot_emulator(webhook_signature="v3")
def test_signature(hubspot_webhooks) -> None:
    pass


@pytest.mark.hubspot_emulator(webhook_time_scale=0)
def test_scale(hubspot_emulator) -> None:
    pass


@pytest.mark.hubspot_emulator(webhook_events=["contact.propertyChange"])
def test_events(hubspot_webhooks) -> None:
    pass


@pytest.mark.hubspot_emulator(webhook_hold="yes")
def test_hold(hubspot_emulator) -> None:
    pass


@pytest.mark.hubspot_emulator(webhook_shuffel=True)
def test_misspelt(hubspot_emulator) -> None:
    pass


def refusing_app(environ, start_response):
    start_response("500 Internal Server Error", [("Content-Length", "0")])
    return [b""]


def test_an_app_that_never_accepts(hubspot_webhooks, hubspot_client) -> None:
    hubspot_webhooks.send_to(refusing_app, interface="wsgi")
    hubspot_client.basic.associate_default("contact", 1, "company", 2)
    assert hubspot_webhooks.flush().failed == 1


def test_a_failure_the_test_means(hubspot_webhooks, hubspot_client) -> None:
    hubspot_webhooks.failed_deliveries_expected = True
    hubspot_webhooks.send_to(refusing_app, interface="wsgi")
    hubspot_client.basic.associate_default("contact", 1, "company", 2)
    assert hubspot_webhooks.flush().failed == 1


def test_send_to_something_not_an_app(hubspot_webhooks) -> None:
    with pytest.raises(TypeError, match="an ASGI app .* or a WSGI app .*got int"):
        hubspot_webhooks.send_to(42)
"""


def test_a_refused_request_or_a_wrong_marker_value_fails_the_test(
    pytester: pytest.Pytester,
) -> None:
    """A forged request gets 401 and fails its test at teardown saying why, and so does a
    delivery the user's app never accepted (unless the test says it means it); each wrong
    webhook keyword fails its test naming the keyword and what to give; send_to refuses what
    is no app."""
    pytester.makepyfile(test_user=REFUSED)
    result = pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=7)
    out = result.stdout.str()
    assert "unknown keyword webhook_shuffel= (did you mean webhook_shuffle=?); it takes" in out
    assert "During handling" not in out
    assert "1 delivery(ies) failed for good" in out
    assert "after 10 attempts" in out
    assert "ERROR test_user.py::test_a_failure_the_test_means" not in out
    assert "the receiver refused 2 request(s): POST /webhooks/hubspot: signature refused: " in out
    assert "GET /webhooks/hubspot: HubSpot delivers webhooks with POST only" in out
    assert "X-HubSpot-Signature (v1) does not match" in out
    assert 'webhook_signature=\'v3\'): give "v1" or "v2"' in out
    assert "webhook_time_scale=0): give a number above 0" in out
    assert "webhook_events=['contact.propertyChange']): give a list of some of" in out
    assert "webhook_hold='yes'): give True or False" in out
