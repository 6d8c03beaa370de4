"""The emulator's association-change webhooks, outside in: a served emulator on 127.0.0.1 POSTs to
a real receiver (a stdlib HTTP server in the test); signatures checked by HubSpot's own Python
client's validator and by ours; the events of every kind of change; batches, retries, switches."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hubspot.exceptions import InvalidSignatureTimestampError
from hubspot.utils.signature import Signature
from hubspot_associations_emulator import RunningEmulator, serve_in_thread
from hubspot_associations_emulator import webhooks as emulator_webhooks

from hubspot_associations import InvalidSignatureError, verify_signature
from tests.test_hubspot_associations_emulator.webhook_receiver import (
    Received,
    Receiver,
    receiving,
)

SECRET = "webhook-secret-7f3a"
PORTAL = 12345678
GENERIC = "object.associationChange"
# One association change as the generic events tell it: from type and ID, to type and ID, type
# ID, removed.
Row = tuple[str, int, str, int, int, bool]


@pytest.fixture
def hook() -> Iterator[Receiver]:
    """A fresh receiver on a free loopback port."""
    with receiving() as receiver:
        yield receiver


def subscribe(api: httpx.Client, url: str, *types: str, **extra: Any) -> dict[str, Any]:
    """A subscription of the start-up tokens' app to ``types`` (the generic one by default)."""
    body = {"targetUrl": url, "clientSecret": SECRET, "eventTypes": list(types or [GENERIC])}
    made = api.post("/_emulator/webhooks", json={**body, **extra})
    assert made.status_code == 201, made.text
    result: dict[str, Any] = made.json()
    return result


def flush(api: httpx.Client) -> dict[str, int]:
    """POST /_emulator/webhooks/flush: it answers once nothing waits."""
    done = api.post("/_emulator/webhooks/flush", json={})
    assert done.status_code == 200, done.text
    assert done.json()["pending"] == 0
    result: dict[str, int] = done.json()
    return result


def rows(events: list[dict[str, Any]]) -> Counter[Row]:
    """The generic events as a multiset of changes."""
    return Counter(
        (
            e["fromObjectTypeId"], e["fromObjectId"], e["toObjectTypeId"], e["toObjectId"],
            e["associationTypeId"], e["associationRemoved"],
        )
        for e in events
    )  # fmt: skip


def changes(api: httpx.Client, hook: Receiver, call: Callable[[], httpx.Response]) -> Counter[Row]:
    """What one call changed, as the events delivered for it (after a flush) tell it."""
    flush(api)  # the earlier calls' deliveries are not counted
    hook.clear()
    response = call()
    assert response.status_code < 300, response.text
    flush(api)
    return rows(hook.events())


def both(a: tuple[str, int], b: tuple[str, int], pair: tuple[int, int], removed: bool) -> list[Row]:
    """The two sides of one association type's change between records a and b."""
    return [(*a, *b, pair[0], removed), (*b, *a, pair[1], removed)]


def record(api: httpx.Client, kind: str, **extra: Any) -> int:
    """A new CRM record's ID."""
    made = api.post(f"/crm/v3/objects/{kind}", json={"properties": {}, **extra})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def labelled(api: httpx.Client, a: int, b: int, *type_ids: int) -> httpx.Response:
    """A batch create of contact a to company b with these user-defined types."""
    types = [{"associationCategory": "USER_DEFINED", "associationTypeId": t} for t in type_ids]
    return api.post(
        "/crm/v4/associations/contacts/companies/batch/create",
        json={"inputs": [{"from": {"id": str(a)}, "to": {"id": str(b)}, "types": types}]},
    )


def new_label(api: httpx.Client) -> tuple[int, int]:
    """A custom contact-to-company label "Boss": its type ID each way."""
    made = api.post(
        "/crm/v4/associations/contacts/companies/labels", json={"label": "Boss", "name": "boss"}
    )
    assert made.status_code == 200, made.text
    forward = made.json()["results"][0]["typeId"]
    back = api.get("/crm/v4/associations/companies/contacts/labels").json()["results"]
    return forward, next(t["typeId"] for t in back if t["label"] == "Boss")


def deliveries(api: httpx.Client, **query: Any) -> list[dict[str, Any]]:
    """GET /_emulator/webhooks/deliveries."""
    listed = api.get("/_emulator/webhooks/deliveries", params=query)
    assert listed.status_code == 200, listed.text
    result: list[dict[str, Any]] = listed.json()["results"]
    return result


def poll(api: httpx.Client, done: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
    """The deliveries list once ``done`` says so (within 5 s)."""
    deadline = time.monotonic() + 5
    while not done(listed := deliveries(api)):
        assert time.monotonic() < deadline, listed
        time.sleep(0.02)
    return listed


def assert_signed(request: Received, version: str) -> None:
    """HubSpot's own validator and ours accept the request's v3 and v1/v2 signatures."""
    h = request.headers
    body = request.body.decode()
    timestamp = h["X-HubSpot-Request-Timestamp"]
    assert Signature.is_valid(
        h["X-HubSpot-Signature-v3"], SECRET, body, request.uri, "POST", "v3", timestamp
    )
    assert h["X-HubSpot-Signature-Version"] == version
    assert Signature.is_valid(h["X-HubSpot-Signature"], SECRET, body, request.uri, "POST", version)
    verify_signature(
        method="POST", uri=request.uri, body=request.body, headers=h, client_secret=SECRET
    )
    old = {k: v for k, v in h.items() if not k.lower().endswith(("-v3", "-timestamp"))}
    verify_signature(
        method="POST", uri=request.uri, body=request.body, headers=old, client_secret=SECRET
    )


# -- signatures --------------------------------------------------------------------------------


def test_hubspots_validator_and_ours_accept_every_delivery(
    api: httpx.Client, hook: Receiver
) -> None:
    """v1 and v2 subscriptions (target URLs with a query string): each delivery's v3 headers and
    its v1 or v2 header pass HubSpot's Signature.is_valid and our verify_signature."""
    subscribe(api, hook.url("/hooks/one?version=v1&x=%2F"), signatureVersion="v1")
    subscribe(api, hook.url("/hooks/two?version=v2"), signatureVersion="v2")
    a, b = record(api, "contacts"), record(api, "companies")
    api.put(f"/crm/v4/objects/contacts/{a}/associations/default/companies/{b}")
    flush(api)
    got = hook.received
    assert sorted(r.uri.split("version=")[1][:2] for r in got) == ["v1", "v2"]
    for request in got:
        assert_signed(request, request.headers["X-HubSpot-Signature-Version"])


def test_a_tampered_body_or_a_stale_timestamp_is_refused_by_both(
    api: httpx.Client, hook: Receiver
) -> None:
    """A body changed by one byte fails both validators; the same request checked 6 minutes
    later, or stamped 6 minutes earlier, fails ours and Signature's own timestamp check."""
    subscribe(api, hook.url(), signatureVersion="v2")
    a, b = record(api, "contacts"), record(api, "companies")
    api.put(f"/crm/v4/objects/contacts/{a}/associations/default/companies/{b}")
    flush(api)
    [request] = hook.received
    h, uri = request.headers, request.uri
    tampered = request.body.replace(b'"associationRemoved":false', b'"associationRemoved":true')
    assert tampered != request.body
    stamp = h["X-HubSpot-Request-Timestamp"]
    assert not Signature.is_valid(
        h["X-HubSpot-Signature-v3"], SECRET, tampered.decode(), uri, "POST", "v3", stamp
    )
    assert not Signature.is_valid(h["X-HubSpot-Signature"], SECRET, tampered.decode(), uri, "POST")
    with pytest.raises(InvalidSignatureError, match=r"(?i)match"):
        verify_signature(method="POST", uri=uri, body=tampered, headers=h, client_secret=SECRET)
    later = datetime.now(UTC) + timedelta(minutes=6)
    with pytest.raises(InvalidSignatureError, match=r"(?i)old|minutes"):
        verify_signature(
            method="POST", uri=uri, body=request.body, headers=h, client_secret=SECRET, now=later
        )
    stale = str(int(stamp) - 6 * 60 * 1000)
    with pytest.raises(InvalidSignatureTimestampError):
        Signature.is_valid(
            h["X-HubSpot-Signature-v3"], SECRET, request.body.decode(), uri, "POST", "v3", stale
        )


# -- events --------------------------------------------------------------------------------------


def test_a_default_association_and_a_labelled_pair(api: httpx.Client, hook: Receiver) -> None:
    """PUT default: one event per side (279/280); a labelled batch create: the unlabeled type and
    the label, each side; the generic fields name types, type IDs and categories."""
    subscribe(api, hook.url())
    a, b, c = record(api, "contacts"), record(api, "companies"), record(api, "companies")
    boss = new_label(api)
    put = changes(
        api,
        hook,
        lambda: api.put(f"/crm/v4/objects/contacts/{a}/associations/default/companies/{b}"),
    )
    assert put == Counter(both(("0-1", a), ("0-2", b), (279, 280), False))
    event = next(e for e in hook.events() if e["fromObjectTypeId"] == "0-1")
    assert event | {"eventId": 0, "occurredAt": 0, "subscriptionId": 0} == {
        "eventId": 0, "subscriptionId": 0, "portalId": PORTAL, "appId": 1234567, "occurredAt": 0,
        "subscriptionType": GENERIC, "attemptNumber": 0, "changeSource": "INTEGRATION",
        "sourceId": "1234567", "associationType": "CONTACT_TO_COMPANY", "fromObjectId": a,
        "toObjectId": b, "associationRemoved": False, "isPrimaryAssociation": False,
        "fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "associationTypeId": 279,
        "associationCategory": "HUBSPOT_DEFINED",
    }  # fmt: skip
    made = changes(api, hook, lambda: labelled(api, a, c, boss[0]))
    assert made == Counter(
        both(("0-1", a), ("0-2", c), (279, 280), False) + both(("0-1", a), ("0-2", c), boss, False)
    )
    categories = {e["associationTypeId"]: e["associationCategory"] for e in hook.events()}
    assert categories == {279: "HUBSPOT_DEFINED", 280: "HUBSPOT_DEFINED"} | {
        boss[0]: "USER_DEFINED",
        boss[1]: "USER_DEFINED",
    }


def test_label_removals_and_a_deleted_label(api: httpx.Client, hook: Receiver) -> None:
    """Removing one label: its two events; removing the unlabeled type: it and the labels go,
    one event per type and side; deleting a custom label in use: its events, removed."""
    subscribe(api, hook.url())
    a, b = record(api, "contacts"), record(api, "companies")
    boss = new_label(api)
    labelled(api, a, b, boss[0])
    spec = [{"associationCategory": "USER_DEFINED", "associationTypeId": boss[0]}]
    unlabeled = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]

    def unlabel(types: list[dict[str, Any]]) -> httpx.Response:
        return api.post(
            "/crm/v4/associations/contacts/companies/batch/labels/archive",
            json={"inputs": [{"from": {"id": str(a)}, "to": {"id": str(b)}, "types": types}]},
        )

    one, pair = ("0-1", a), ("0-2", b)
    assert changes(api, hook, lambda: unlabel(spec)) == Counter(both(one, pair, boss, True))
    labelled(api, a, b, boss[0])
    assert changes(api, hook, lambda: unlabel(unlabeled)) == Counter(
        both(one, pair, (279, 280), True) + both(one, pair, boss, True)
    )
    labelled(api, a, b, boss[0])
    deleted = changes(
        api, hook, lambda: api.delete(f"/crm/v4/associations/contacts/companies/labels/{boss[0]}")
    )
    assert deleted == Counter(both(one, pair, boss, True))
    assert {e["associationCategory"] for e in hook.events()} == {"USER_DEFINED"}


def test_archive_merge_gdpr_delete_and_create_with_associations(
    api: httpx.Client, hook: Receiver
) -> None:
    """A record created with associations adds them; a merge moves the merged record's (its own
    removed, the primary's added); a GDPR delete and an archive remove a record's."""
    subscribe(api, hook.url())
    company = record(api, "companies")
    to = {"to": {"id": str(company)}}
    primary = [
        {**to, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}]}
    ]
    before = hook.received
    assert before == []
    hook.clear()
    created = record(api, "contacts", associations=primary)
    flush(api)
    c = ("0-2", company)
    assert rows(hook.events()) == Counter(
        both(("0-1", created), c, (1, 2), False) + both(("0-1", created), c, (279, 280), False)
    )
    assert {
        e["isPrimaryAssociation"] for e in hook.events() if e["associationTypeId"] in (1, 2)
    } == {True}
    kept = record(api, "contacts")
    merged = changes(
        api, hook,
        lambda: api.post(
            "/crm/v3/objects/contacts/merge",
            json={"primaryObjectId": str(kept), "objectIdToMerge": str(created)},
        ),
    )  # fmt: skip
    assert merged == Counter(
        both(("0-1", created), c, (1, 2), True) + both(("0-1", created), c, (279, 280), True)
        + both(("0-1", kept), c, (1, 2), False) + both(("0-1", kept), c, (279, 280), False)
    )  # fmt: skip
    gdpr = changes(
        api, hook,
        lambda: api.post("/crm/v3/objects/contacts/gdpr-delete", json={"objectId": str(kept)}),
    )  # fmt: skip
    assert gdpr == Counter(
        both(("0-1", kept), c, (1, 2), True) + both(("0-1", kept), c, (279, 280), True)
    )
    other = record(api, "contacts")
    api.put(f"/crm/v4/objects/contacts/{other}/associations/default/companies/{company}")
    archived = changes(api, hook, lambda: api.delete(f"/crm/v3/objects/contacts/{other}"))
    assert archived == Counter(both(("0-1", other), c, (279, 280), True))


def test_a_specific_subscription_gets_its_objects_side_only(
    api: httpx.Client, hook: Receiver
) -> None:
    """company.associationChange receives the company's side of a contact-company change, without
    the generic fields; contact.associationChange the contact's."""
    sub = subscribe(api, hook.url(), "company.associationChange", "contact.associationChange")
    a, b = record(api, "contacts"), record(api, "companies")
    api.put(f"/crm/v4/objects/contacts/{a}/associations/default/companies/{b}")
    flush(api)
    events = hook.events()
    sides = {
        e["subscriptionType"]: (e["associationType"], e["fromObjectId"], e["toObjectId"])
        for e in events
    }
    assert len(events) == 2
    assert sides == {
        "company.associationChange": ("COMPANY_TO_CONTACT", b, a),
        "contact.associationChange": ("CONTACT_TO_COMPANY", a, b),
    }
    assert {e["subscriptionId"] for e in events} == set(sub["subscriptionIds"].values())
    assert not any("associationTypeId" in e or "fromObjectTypeId" in e for e in events)


def test_events_go_to_the_portals_of_the_subscribed_app(api: httpx.Client, hook: Receiver) -> None:
    """A second portal with a token of the same app gets events with its portalId; a portal whose
    token belongs to another app gets none."""
    for token, portal, app in (("pat-same-app", 222, 1234567), ("pat-other-app", 333, 999)):
        added = api.post(
            "/_emulator/tokens", json={"token": token, "portalId": portal, "appId": app}
        )
        assert added.status_code == 201, added.text
    sub = subscribe(api, hook.url())
    assert sub["portalIds"] == [222, PORTAL]
    for token in ("pat-same-app", "pat-other-app"):
        auth = {"Authorization": f"Bearer {token}"}
        a = api.post("/crm/v3/objects/contacts", json={"properties": {}}, headers=auth).json()["id"]
        b = api.post("/crm/v3/objects/companies", json={"properties": {}}, headers=auth).json()
        made = api.put(
            f"/crm/v4/objects/contacts/{a}/associations/default/companies/{b['id']}", headers=auth
        )
        assert made.status_code == 200, made.text
    flush(api)
    assert {e["portalId"] for e in hook.events()} == {222}
    assert len(hook.events()) == 2
    assert [d["portalId"] for d in deliveries(api)] == [222]
    assert deliveries(api, portalId=333) == []


def test_seeds_restores_and_resets_make_no_events(api: httpx.Client, hook: Receiver) -> None:
    """The control API sets state, nobody changed associations: a seed, a snapshot restore and a
    portal reset deliver nothing (an association call afterwards still does)."""
    subscribe(api, hook.url())
    empty = api.get("/_emulator/snapshot").json()
    seeded = api.post(
        "/_emulator/seed",
        json={
            "associations": [
                {"fromObjectType": "contacts", "fromObjectId": "1", "toObjectType": "companies",
                 "toObjectId": "2", "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                               "associationTypeId": 279}]}
            ],
            "bulk": [{"fromObjectType": "contacts", "fromObjectId": "3", "toObjectType":
                      "companies", "firstToObjectId": "10", "count": 5}],
        },
    )  # fmt: skip
    assert seeded.status_code == 200, seeded.text
    assert api.get("/_emulator/snapshot").json()["tables"]["assoc"] != []
    assert api.put("/_emulator/snapshot", json=empty).status_code == 200
    assert api.post("/_emulator/reset", json={"portalId": PORTAL}).status_code == 200
    flush(api)
    assert hook.received == []
    assert deliveries(api) == []
    api.put("/crm/v4/objects/contacts/5/associations/default/companies/6")
    flush(api)
    assert len(hook.events()) == 2


# -- batches, retries, switches -----------------------------------------------------------------


def associate_pairs(api: httpx.Client, count: int) -> None:
    """``count`` contact-company pairs in one batch call."""
    inputs = [{"from": {"id": str(100 + i)}, "to": {"id": str(1000 + i)}} for i in range(count)]
    made = api.post(
        "/crm/v4/associations/contacts/companies/batch/associate/default", json={"inputs": inputs}
    )
    assert made.status_code == 200, made.text


def test_a_large_change_is_delivered_in_batches_of_100(api: httpx.Client, hook: Receiver) -> None:
    """150 pairs in one call make 300 events, POSTed as three deliveries of at most 100."""
    subscribe(api, hook.url())
    associate_pairs(api, 150)
    flush(api)
    sizes = sorted(len(r.events()) for r in hook.received)
    assert sizes == [100, 100, 100]
    assert sum(rows(hook.events()).values()) == 300
    assert len({e["eventId"] for e in hook.events()}) == 300


def test_a_failing_receiver_gets_the_batch_again_on_schedule(
    api: httpx.Client, hook: Receiver
) -> None:
    """With webhookTimeScale 0.001 a receiver answering 500 twice gets the batch a third time on
    its own, attemptNumber 0, 1 and 2, each signed; the deliveries list shows the attempts."""
    assert api.put("/_emulator/config", json={"webhookTimeScale": 0.001}).status_code == 200
    hook.statuses = [500, 500]
    subscribe(api, hook.url())
    a, b = record(api, "contacts"), record(api, "companies")
    api.put(f"/crm/v4/objects/contacts/{a}/associations/default/companies/{b}")
    [delivery] = poll(api, lambda ds: bool(ds) and ds[0]["state"] == "delivered")
    assert [(t["attemptNumber"], t["status"]) for t in delivery["attempts"]] == [
        (0, 500), (1, 500), (2, 204)
    ]  # fmt: skip
    assert [t["error"] for t in delivery["attempts"]] == ["answered 500", "answered 500", None]
    got = hook.received
    assert [{e["attemptNumber"] for e in r.events()} for r in got] == [{0}, {1}, {2}]
    assert len({r.body for r in got}) == 3
    for request in got:
        assert_signed(request, "v1")
        assert [e["eventId"] for e in request.events()] == delivery["eventIds"]


def test_held_deliveries_wait_for_flush(api: httpx.Client, hook: Receiver) -> None:
    """With webhookHold nothing is sent until POST flush, which returns once the failing-twice
    receiver got all three attempts."""
    assert api.put("/_emulator/config", json={"webhookHold": True}).status_code == 200
    hook.statuses = [500, 500]
    subscribe(api, hook.url())
    a, b = record(api, "contacts"), record(api, "companies")
    api.put(f"/crm/v4/objects/contacts/{a}/associations/default/companies/{b}")
    [held] = deliveries(api)
    assert held["state"] == "held"
    assert held["nextAttemptAt"] is None
    assert hook.received == []
    assert flush(api) == {"attempts": 3, "delivered": 1, "failed": 0, "pending": 0}
    assert len(hook.received) == 3
    assert [t["status"] for t in deliveries(api)[0]["attempts"]] == [500, 500, 204]


def test_a_receiver_that_always_fails_is_given_up_after_10_attempts(
    api: httpx.Client, hook: Receiver
) -> None:
    """Flush spends every attempt of a batch a receiver always refuses: failed=1, 10 attempts."""
    api.put("/_emulator/config", json={"webhookHold": True})
    hook.always = 503
    subscribe(api, hook.url())
    associate_pairs(api, 1)
    assert flush(api) == {"attempts": 10, "delivered": 0, "failed": 1, "pending": 0}
    [delivery] = deliveries(api)
    assert delivery["state"] == "failed"
    assert [t["attemptNumber"] for t in delivery["attempts"]] == list(range(10))
    assert len(hook.received) == 10


def test_no_answer_in_time_is_a_failed_attempt(
    monkeypatch: pytest.MonkeyPatch, hook: Receiver
) -> None:
    """A receiver slower than the timeout (5 s, here 0.3 s in an emulator started for this test)
    makes an attempt whose error says no answer came."""
    monkeypatch.setattr(emulator_webhooks, "TIMEOUT", 0.3)
    hook.delay = 1.0
    with serve_in_thread() as running, authed(running) as api:
        subscribe(api, hook.url())
        associate_pairs(api, 1)
        [delivery] = poll(api, lambda ds: bool(ds) and bool(ds[0]["attempts"]))
    [attempt] = delivery["attempts"][:1]
    assert attempt["status"] is None
    assert attempt["error"] == "no answer within 0.3 s"
    assert delivery["state"] == "pending"


def authed(running: RunningEmulator) -> httpx.Client:
    """A client of ``running`` with its token."""
    return httpx.Client(
        base_url=running.base_url, headers={"Authorization": f"Bearer {running.token}"}, timeout=10
    )


def test_duplicates_deliver_each_batch_twice(api: httpx.Client, hook: Receiver) -> None:
    """webhookDuplicates: every batch is POSTed twice with the same event IDs."""
    api.put("/_emulator/config", json={"webhookDuplicates": True})
    subscribe(api, hook.url())
    associate_pairs(api, 60)
    flush(api)
    listed = deliveries(api)
    assert sorted(d["duplicate"] for d in listed) == [False, False, True, True]
    ids = Counter(e["eventId"] for e in hook.events())
    assert len(ids) == 120
    assert set(ids.values()) == {2}


def test_shuffle_reorders_events(api: httpx.Client, hook: Receiver) -> None:
    """webhookShuffle: the same events, not in the order the rows changed."""
    api.put("/_emulator/config", json={"webhookShuffle": True})
    subscribe(api, hook.url())
    associate_pairs(api, 30)
    flush(api)
    ids = [e["eventId"] for e in hook.events()]
    assert sorted(ids) == list(range(min(ids), min(ids) + 60))
    assert ids != sorted(ids)  # 60 events left in order by chance: 1 in 60!


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"appId": "1234567"}, "appId"),
        ({"appId": 0}, "appId"),
        ({"targetUrl": "ftp://127.0.0.1/x"}, "targetUrl"),
        ({"targetUrl": 5}, "targetUrl"),
        ({"targetUrl": "http://127.0.0.1:99999/x"}, "targetUrl"),
        ({"targetUrl": "http://127.0.0.1:0/x"}, "targetUrl"),
        ({"clientSecret": ""}, "clientSecret"),
        ({"eventTypes": ["contact.creation"]}, "eventTypes"),
        ({"eventTypes": []}, "eventTypes"),
        ({"signatureVersion": "v3"}, "signatureVersion"),
        ({"secret": "x"}, "secret"),
    ],
)
def test_a_bad_subscription_is_a_400_naming_the_field(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    """Each wrong field of POST /_emulator/webhooks is a 400 that names it; nothing subscribed."""
    good = {"targetUrl": "http://127.0.0.1:9/h", "clientSecret": SECRET, "eventTypes": [GENERIC]}
    refused = api.post("/_emulator/webhooks", json={**good, **body})
    assert refused.status_code == 400, refused.text
    assert field in refused.json()["message"]
    assert api.get("/_emulator/webhooks").json() == {"results": []}


@pytest.mark.parametrize(
    "body",
    [
        {"webhookTimeScale": 0},
        {"webhookTimeScale": "fast"},
        {"webhookTimeScale": 2e6},
        {"webhookDuplicates": "yes"},
        {"webhookShuffle": 1},
        {"webhookHold": None},
    ],
)
def test_bad_webhook_config_is_a_400_naming_the_key(
    api: httpx.Client, body: dict[str, Any]
) -> None:
    """PUT /_emulator/config refuses a wrong webhook setting, naming it."""
    refused = api.put("/_emulator/config", json=body)
    assert refused.status_code == 400, refused.text
    assert next(iter(body)) in refused.json()["message"]


def test_unsubscribing_stops_events_and_deliveries_stay_out_of_the_journal(
    api: httpx.Client, hook: Receiver
) -> None:
    """DELETE ends a subscription (a second DELETE is a 404); deliveries, made or not, never
    appear in GET /_emulator/journal."""
    sub = subscribe(api, hook.url())
    associate_pairs(api, 1)
    flush(api)
    assert len(hook.received) == 1
    (listed,) = api.get("/_emulator/webhooks").json()["results"]
    assert listed == sub  # as the 201 answered it, portalIds included; never the secret
    assert "clientSecret" not in listed
    assert api.delete("/_emulator/webhooks/abc").status_code == 400
    assert api.delete(f"/_emulator/webhooks/{sub['id']}").status_code == 204
    assert api.delete(f"/_emulator/webhooks/{sub['id']}").status_code == 404
    assert api.get("/_emulator/webhooks").json() == {"results": []}
    api.put("/crm/v4/objects/contacts/7/associations/default/companies/8")
    flush(api)
    assert len(hook.received) == 1
    paths = [e["path"] for e in api.get("/_emulator/journal").json()["entries"]]
    assert "/crm/v4/associations/contacts/companies/batch/associate/default" in paths
    assert not any(p.startswith("/hooks") for p in paths)


def test_a_delivery_failing_while_its_subscription_is_deleted_is_not_retried(
    api: httpx.Client, hook: Receiver
) -> None:
    """An attempt on its way when the app unsubscribes, then failing, ends the delivery: no
    retry reaches the URL the app gave up."""
    sub = subscribe(api, hook.url())
    api.put("/_emulator/config", json={"webhookTimeScale": 0.001})
    hook.always, hook.delay = 500, 0.4
    associate_pairs(api, 1)
    hook.wait_for(1)
    assert api.delete(f"/_emulator/webhooks/{sub['id']}").status_code == 204
    (made,) = poll(api, lambda ds: all(d["state"] == "failed" for d in ds))
    assert [a["status"] for a in made["attempts"]] == [500]
    time.sleep(0.2)  # a retry would come after 60 ms
    assert len(hook.received) == 1
