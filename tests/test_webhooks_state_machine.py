"""A Hypothesis state machine of association and object calls against a served emulator with
duplicated and shuffled webhook deliveries: the events a receiver gets, de-duplicated by event ID,
are exactly the association rows the calls changed (issue 41)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hubspot_associations_emulator import serve_in_thread
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from hubspot_associations import verify_signature
from tests.test_hubspot_associations_emulator.webhook_receiver import Receiver, receiving

__all__: list[str] = []

SECRET = "state-machine-secret"
# One directional association row, added (False) or removed (True).
Row = tuple[str, int, str, int, int, bool]
pick = st.integers(min_value=0, max_value=50)


@pytest.fixture(scope="module")
def wired() -> Iterator[tuple[httpx.Client, Receiver]]:
    """One served emulator and one receiver for the module."""
    with serve_in_thread() as running, receiving() as hook:
        headers = {"Authorization": f"Bearer {running.token}"}
        with httpx.Client(base_url=running.base_url, headers=headers, timeout=30) as api:
            yield api, hook


class Deliveries(RuleBasedStateMachine):
    """Calls on a small pool of contacts and companies; after each, the association rows it
    changed (the snapshot's ``assoc`` table before and after) are the events expected."""

    def __init__(self, api: httpx.Client, hook: Receiver) -> None:
        super().__init__()
        self.api, self.hook = api, hook
        assert api.post("/_emulator/reset").status_code == 200  # no subscription, no delivery
        hook.clear()
        config = {"webhookDuplicates": True, "webhookShuffle": True}
        assert api.put("/_emulator/config", json=config).status_code == 200
        made = api.post(
            "/_emulator/webhooks",
            json={
                "targetUrl": hook.url(),
                "clientSecret": SECRET,
                "eventTypes": ["object.associationChange"],
            },
        )
        assert made.status_code == 201, made.text
        label = api.post(
            "/crm/v4/associations/contacts/companies/labels", json={"label": "Boss", "name": "boss"}
        )
        self.boss = int(label.json()["results"][0]["typeId"])
        self.contacts = [self._record("contacts") for _ in range(3)]
        self.companies = [self._record("companies") for _ in range(2)]
        self.rows = self._rows()
        self.expected: Counter[Row] = Counter()

    def _record(self, kind: str, **extra: Any) -> str:
        """A new record's ID."""
        made = self.api.post(f"/crm/v3/objects/{kind}", json={"properties": {}, **extra})
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    def _rows(self) -> set[tuple[str, int, str, int, int]]:
        """The portal's association rows, from GET /_emulator/snapshot."""
        tables = self.api.get("/_emulator/snapshot").json()["tables"]
        return {(r[0], r[1], r[2], r[3], r[4]) for r in tables["assoc"]}

    def _after(self, response: httpx.Response) -> None:
        """Whatever the call answered (a gone record is refused), the rows it changed."""
        assert response.status_code < 500, response.text
        now = self._rows()
        self.expected.update((*r, True) for r in self.rows - now)
        self.expected.update((*r, False) for r in now - self.rows)
        self.rows = now

    def _pair(self, c: int, k: int) -> tuple[str, str]:
        """A contact and a company of the pool, picked by index."""
        return self.contacts[c % len(self.contacts)], self.companies[k % len(self.companies)]

    def _types(self, c: int, k: int, type_id: int, category: str) -> httpx.Response:
        """Remove one association type from a pair (batch/labels/archive)."""
        contact, company = self._pair(c, k)
        return self.api.post(
            "/crm/v4/associations/contacts/companies/batch/labels/archive",
            json={
                "inputs": [
                    {
                        "from": {"id": contact},
                        "to": {"id": company},
                        "types": [{"associationCategory": category, "associationTypeId": type_id}],
                    }
                ]
            },
        )

    @rule(c=pick, k=pick)
    def associate_default(self, c: int, k: int) -> None:
        """PUT the default association of a contact and a company."""
        contact, company = self._pair(c, k)
        self._after(
            self.api.put(
                f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}"
            )
        )

    @rule(c=pick, k=pick)
    def associate_labelled(self, c: int, k: int) -> None:
        """Batch create a pair with the custom label (the unlabeled type comes with it)."""
        contact, company = self._pair(c, k)
        spec = {"associationCategory": "USER_DEFINED", "associationTypeId": self.boss}
        self._after(
            self.api.post(
                "/crm/v4/associations/contacts/companies/batch/create",
                json={
                    "inputs": [{"from": {"id": contact}, "to": {"id": company}, "types": [spec]}]
                },
            )
        )

    @rule(c=pick, k=pick)
    def remove_label(self, c: int, k: int) -> None:
        """Remove the custom label from a pair (batch/labels/archive)."""
        self._after(self._types(c, k, self.boss, "USER_DEFINED"))

    @rule(c=pick, k=pick)
    def remove_unlabeled(self, c: int, k: int) -> None:
        """Remove the unlabeled type from a pair (its labels go with it)."""
        self._after(self._types(c, k, 279, "HUBSPOT_DEFINED"))

    @rule(cs=st.lists(pick, min_size=1, max_size=3), k=pick)
    def batch_archive(self, cs: list[int], k: int) -> None:
        """Remove every association of some contacts to one company (batch/archive)."""
        company = self._pair(0, k)[1]
        inputs = [{"from": {"id": self._pair(c, 0)[0]}, "to": [{"id": company}]} for c in cs]
        self._after(
            self.api.post(
                "/crm/v4/associations/contacts/companies/batch/archive", json={"inputs": inputs}
            )
        )

    @rule(k=pick, primary=st.booleans())
    def create_with_associations(self, k: int, primary: bool) -> None:
        """Create a contact associated with a company (primary or not) in the same call."""
        company = self._pair(0, k)[1]
        spec = {
            "associationCategory": "HUBSPOT_DEFINED",
            "associationTypeId": 1 if primary else 279,
        }
        made = self.api.post(
            "/crm/v3/objects/contacts",
            json={"properties": {}, "associations": [{"to": {"id": company}, "types": [spec]}]},
        )
        if made.status_code == 201:
            self.contacts.append(str(made.json()["id"]))
        self._after(made)

    @rule(c=pick, company=st.booleans())
    def archive(self, c: int, company: bool) -> None:
        """Archive a contact or a company (DELETE /crm/v3/objects/...)."""
        kind, number = (
            ("companies", self._pair(0, c)[1]) if company else ("contacts", self._pair(c, 0)[0])
        )
        self._after(self.api.delete(f"/crm/v3/objects/{kind}/{number}"))

    @rule(c=pick, into=pick)
    def merge(self, c: int, into: int) -> None:
        """Merge one contact into another (a refused merge changes nothing)."""
        merged, primary = self._pair(c, 0)[0], self._pair(into, 0)[0]
        self._after(
            self.api.post(
                "/crm/v3/objects/contacts/merge",
                json={"primaryObjectId": primary, "objectIdToMerge": merged},
            )
        )

    def teardown(self) -> None:
        """Flush, de-duplicate by event ID, compare with the rows changed."""
        done = self.api.post("/_emulator/webhooks/flush", json={})
        assert done.json()["pending"] == 0, done.text
        assert done.json()["failed"] == 0, done.text
        seen: dict[int, Row] = {}
        received = self.hook.received
        for request in received:
            verify_signature(
                method="POST",
                uri=request.uri,
                body=request.body,
                headers=request.headers,
                client_secret=SECRET,
            )
            for e in request.events():
                row: Row = (
                    e["fromObjectTypeId"], e["fromObjectId"], e["toObjectTypeId"],
                    e["toObjectId"], e["associationTypeId"], e["associationRemoved"],
                )  # fmt: skip
                assert seen.setdefault(e["eventId"], row) == row  # a duplicate is the same event
        assert Counter(seen.values()) == self.expected
        # Every batch came twice (webhookDuplicates), under the same event IDs.
        batches = Counter(tuple(e["eventId"] for e in r.events()) for r in received)
        assert set(batches.values()) <= {2}, batches


def test_received_events_equal_the_association_changes(
    wired: tuple[httpx.Client, Receiver],
) -> None:
    """Whatever calls are made, the de-duplicated events are the rows they changed, each once."""
    api, hook = wired

    class Wired(Deliveries):
        def __init__(self) -> None:
            super().__init__(api, hook)

    run_state_machine_as_test(
        Wired,
        settings=settings(
            max_examples=15,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
