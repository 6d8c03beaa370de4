"""The proxy's judge and shadow, outside in: "HubSpot" is a served emulator behind a small proxy
that changes one behaviour (tests/proxy_upstream.py); HubSpot's official client and this
package's client make the calls; the exchanges the app saw are judged (Validator) and compared
with an in-process emulator's answers (Shadow)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hubspot
import pytest
from hubspot_associations_contract.proxy import Difference, Exchange
from hubspot_associations_contract.proxy.shadow import (
    SHADOW_FIRST_OBJECT_ID,
    Shadow,
    first_difference,
)
from hubspot_associations_contract.proxy.validation import Validator

from hubspot_associations import HubSpotAssociations
from tests.proxy_cli import running_proxy
from tests.proxy_upstream import Change, ChangingUpstream
from tests.test_hubspot_associations_contract.portal import users_emulator

TOKEN = "emulator-token"
LIST = "/crm/v4/objects/contacts/{}/associations/companies"


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    """One served emulator for the file (records differ per test, so state never collides)."""
    with users_emulator() as url:
        yield url


def _judged(
    upstream: str, change: Change | None, calls: Any, shadow: Shadow | None = None
) -> tuple[list[Exchange], list[Any], list[Difference]]:
    """Run ``calls(official v4 api, this client)`` through the changing proxy; every exchange
    judged and shadowed in order (by ``shadow``, closed at the end): (exchanges, findings,
    differences)."""
    proxy = ChangingUpstream(upstream, change)
    shadow = shadow or Shadow()
    validator = Validator()
    try:
        official = hubspot.HubSpot(access_token=TOKEN, host=proxy.url).crm.associations.v4
        with HubSpotAssociations(access_token=TOKEN, base_url=proxy.url) as client:
            calls(official, client)
        findings, differences = [], []
        for exchange in proxy.exchanges:
            found = validator.judge(exchange)
            findings += found
            difference = shadow.compare(exchange, found)
            if difference is not None:
                differences.append(difference)
        return proxy.exchanges, findings, differences
    finally:
        shadow.close()
        proxy.close()


def _seed(upstream: str, body: dict[str, Any]) -> dict[str, Any]:
    """State only "HubSpot" has: written through the upstream's control API, not the proxy."""
    answer = httpx.post(f"{upstream}/_emulator/seed", json=body, timeout=10)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


def test_pass_through_gives_no_finding_and_no_difference(emulator: str) -> None:
    """Unchanged answers: writes, reads, a label, an object call and an unknown path all agree."""

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        v4.basic_api.create_default("contacts", "1101", "companies", "2101")
        v4.basic_api.create_default("contacts", "1101", "companies", "2102")
        v4.basic_api.get_page("contacts", "1101", "companies", limit=1)
        client.basic.get_page("contacts", "1101", "companies")
        httpx.get(f"{client_url(v4)}/crm/v3/objects/contacts/1101", headers=_auth(), timeout=10)
        httpx.get(f"{client_url(v4)}/no/such/path", headers=_auth(), timeout=10)

    exchanges, findings, differences = _judged(emulator, None, calls)
    assert len(exchanges) >= 6
    assert findings == []
    assert differences == []


def client_url(v4: Any) -> str:
    """The host the official client was given (the changing proxy)."""
    return str(v4.basic_api.api_client.configuration.host)


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def test_a_status_the_release_does_not_document_is_hubspot_drift(emulator: str) -> None:
    """associate_default answered 201 (v4 documents 200): a status.documented finding, and the
    difference "status 201 vs 200" is HubSpot's drift."""

    def to_201(method: str, path: str, status: int, body: Any) -> tuple[int, Any] | None:
        return (201, body) if method == "PUT" and "/associations/default/" in path else None

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        v4.basic_api.create_default("contacts", "1201", "companies", "2201")
        v4.basic_api.get_page("contacts", "1201", "companies")

    _, findings, differences = _judged(emulator, to_201, calls)
    assert [(f.rule, f.operation_id, f.status) for f in findings] == [
        ("status.documented", "associate_default", 201)
    ]
    assert [(d.operation_id, d.what, d.category) for d in differences] == [
        ("associate_default", "status 201 vs 200", "HubSpot drift")
    ]
    assert differences[0].hubspot["status"] == 201
    assert differences[0].emulator["status"] == 200
    assert "status.documented" in differences[0].explanation


def test_a_missing_paging_is_unexplained_when_the_contract_allows_it(emulator: str) -> None:
    """A page read without ``paging`` keeps the schema (paging is optional): no finding, and the
    difference names the key and is unexplained (the shadow knew every association)."""

    def no_paging(method: str, path: str, status: int, body: Any) -> tuple[int, Any] | None:
        if method == "GET" and path == LIST.format(1301) and isinstance(body, dict):
            return status, {k: v for k, v in body.items() if k != "paging"}
        return None

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        v4.basic_api.create_default("contacts", "1301", "companies", "2301")
        v4.basic_api.create_default("contacts", "1301", "companies", "2302")
        v4.basic_api.get_page("contacts", "1301", "companies", limit=1)

    _, findings, differences = _judged(emulator, no_paging, calls)
    assert findings == []
    assert [(d.operation_id, d.what, d.category) for d in differences] == [
        ("list_associations", "paging: absent in HubSpot's answer", "unexplained")
    ]
    assert "paging" in differences[0].emulator["body"]


def test_a_field_of_another_type_is_named_by_its_path(emulator: str) -> None:
    """toObjectId sent as a number where the emulator sends a string (the schema takes both):
    no finding; the difference is "results[0].toObjectId: integer vs string", unexplained."""

    def as_number(method: str, path: str, status: int, body: Any) -> tuple[int, Any] | None:
        if method == "GET" and path == LIST.format(1401) and isinstance(body, dict):
            results = [{**r, "toObjectId": int(r["toObjectId"])} for r in body["results"]]
            return status, {**body, "results": results}
        return None

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        v4.basic_api.create_default("contacts", "1401", "companies", "2401")
        httpx.get(f"{client_url(v4)}{LIST.format(1401)}", headers=_auth(), timeout=10)

    _, findings, differences = _judged(emulator, as_number, calls)
    assert findings == []
    assert [(d.what, d.category) for d in differences] == [
        ("results[0].toObjectId: integer vs string", "unexplained")
    ]


def test_associations_the_shadow_never_saw_are_missing_state_then_learned(emulator: str) -> None:
    """A read answered with associations only "HubSpot" had (seeded behind the proxy's back,
    with a custom label) is missing state; the shadow learns them, label type ID mapped, and
    the same reads agree afterwards, as does a labelled write naming HubSpot's type ID."""
    made = _seed(
        emulator,
        {"labels": [{"fromObjectType": "contacts", "toObjectType": "companies",
                     "name": "shadow_test_buyer", "label": "Shadow test buyer"}]},
    )  # fmt: skip
    type_id = made["labels"][0]["results"][0]["typeId"]
    labelled = [{"associationCategory": "USER_DEFINED", "associationTypeId": type_id}]
    _seed(emulator, {"associations": [
        {"fromObjectType": "contacts", "fromObjectId": "1501", "toObjectType": "companies",
         "toObjectId": "2501", "types": labelled}]})  # fmt: skip

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        url, headers = client_url(v4), _auth()
        for _ in range(2):
            client.labels.list("contacts", "companies")
            httpx.get(f"{url}{LIST.format(1501)}", headers=headers, timeout=10)
        httpx.put(
            f"{url}/crm/v4/objects/contacts/1502/associations/companies/2502",
            json=labelled, headers=headers, timeout=10,
        )  # fmt: skip
        httpx.get(f"{url}{LIST.format(1502)}", headers=headers, timeout=10)

    exchanges, findings, differences = _judged(emulator, None, calls)
    assert findings == []
    assert [(d.index, d.operation_id, d.category) for d in differences] == [
        (0, "list_labels", "missing state"),
        (1, "list_associations", "missing state"),
    ]
    assert str(type_id) in differences[0].explanation
    assert "1501->2501" in differences[1].explanation
    assert differences[1].what == "results: 1 vs 0 items"
    assert len(exchanges) == 6


def test_first_difference_orders_status_keys_types_and_values() -> None:
    """The named difference: status first, ignored values skipped, list order not compared."""
    assert first_difference(201, {}, 200, {}) == "status 201 vs 200"
    same = {"correlationId": "a", "message": "x", "results": [{"id": 1}, {"id": 2}]}
    other = {"correlationId": "b", "message": "y", "results": [{"id": 2}, {"id": 1}]}
    assert first_difference(400, same, 400, other) is None
    assert first_difference(200, {"a": {"b": "1"}}, 200, {"a": {"b": 1}}) == (
        "a.b: string vs integer"
    )
    assert first_difference(200, {"label": "A"}, 200, {"label": "B"}) == "label: 'A' vs 'B'"
    assert first_difference(200, {}, 200, {"x": 1}) == "x: absent in HubSpot's answer"


def _through_cli(
    upstream: str, change: Change | None, calls: Any, tmp_path: Path
) -> tuple[list[Exchange], list[httpx.Response], dict[str, Any]]:
    """``calls(official v4 api, this client, raw httpx client)`` through ``hubspot-associations
    proxy --shadow --findings F`` in front of the changing upstream: (what the upstream
    answered, what the app got through httpx, the findings file)."""
    changing = ChangingUpstream(upstream, change)
    findings = tmp_path / "findings.json"
    try:
        with running_proxy(
            "--upstream", changing.url, "--shadow", "--findings", str(findings)
        ) as p:
            official = hubspot.HubSpot(access_token=TOKEN, host=p.url).crm.associations.v4
            seen: list[httpx.Response] = []
            with (
                HubSpotAssociations(access_token=TOKEN, base_url=p.url) as client,
                httpx.Client(base_url=p.url, headers=_auth(), timeout=10) as raw,
            ):
                raw.event_hooks["response"] = [lambda r: seen.append(r)]
                calls(official, client, raw)
                for response in seen:
                    response.read()
        report: dict[str, Any] = json.loads(findings.read_text("utf-8"))
        return changing.exchanges, seen, report
    finally:
        changing.close()


def test_the_proxy_command_names_the_injected_differences(emulator: str, tmp_path: Path) -> None:
    """Through ``proxy --shadow``: the app gets the upstream's answers byte for byte; the
    findings file has the undocumented 201 (HubSpot drift) and the read of an association only
    "HubSpot" had (missing state), nothing else."""
    _seed(emulator, {"associations": [
        {"fromObjectType": "contacts", "fromObjectId": "1601", "toObjectType": "companies",
         "toObjectId": "2601"}]})  # fmt: skip

    def to_201(method: str, path: str, status: int, body: Any) -> tuple[int, Any] | None:
        return (201, body) if method == "PUT" and path.endswith("/companies/2602") else None

    def calls(v4: Any, client: HubSpotAssociations, raw: httpx.Client) -> None:
        v4.basic_api.create_default("contacts", "1602", "companies", "2602")
        client.basic.get_page("contacts", "1602", "companies")
        raw.put("/crm/v4/objects/contacts/1602/associations/default/companies/2602")
        raw.get(LIST.format(1601))

    upstream, seen, report = _through_cli(emulator, to_201, calls, tmp_path)
    last = upstream[-2:]
    assert [(r.status_code, r.content) for r in seen] == [(x.status, x.response_body) for x in last]
    assert [(f["rule"], f["operation_id"], f["status"]) for f in report["findings"]] == [
        ("status.documented", "associate_default", 201),
        ("status.documented", "associate_default", 201),
    ]
    assert [(d["index"], d["what"], d["category"]) for d in report["differences"]] == [
        (0, "status 201 vs 200", "HubSpot drift"),
        (2, "status 201 vs 200", "HubSpot drift"),
        (3, "results: 1 vs 0 items", "missing state"),
    ]


def test_the_proxy_command_over_an_unchanged_upstream_finds_nothing(
    emulator: str, tmp_path: Path
) -> None:
    """Through ``proxy --shadow`` in front of the emulator as it is: no finding, no difference,
    and the app's answers are the upstream's."""

    def calls(v4: Any, client: HubSpotAssociations, raw: httpx.Client) -> None:
        v4.basic_api.create_default("contacts", "1701", "companies", "2701")
        client.basic.get_page("contacts", "1701", "companies")
        # A pair no other test gives custom labels (the served emulator is shared by the file).
        client.labels.list("deals", "tickets")
        raw.get(LIST.format(1701))
        raw.get("/crm/v3/objects/contacts/1701")

    upstream, seen, report = _through_cli(emulator, None, calls, tmp_path)
    assert [(r.status_code, r.content) for r in seen] == [
        (x.status, x.response_body) for x in upstream[-2:]
    ]
    assert report["findings"] == []
    assert report["differences"] == []


def _create(base: str, object_type: str, body: dict[str, Any]) -> str:
    """A record created at ``base`` (the changing proxy, or "HubSpot" behind the proxy's back)."""
    answer = httpx.post(f"{base}/crm/v3/objects/{object_type}", json=body, headers=_auth(),
                        timeout=10)  # fmt: skip
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_an_app_flow_of_object_and_association_calls_agrees_with_ids_mapped(emulator: str) -> None:
    """Create a contact, a company with an association, associate, read with associations,
    archive: the shadow receives every call, its record IDs (not HubSpot's: "HubSpot" made a
    record first) mapped both ways, and no answer differs."""
    _create(emulator, "companies", {"properties": {"name": "Made before the flow"}})
    shadow = Shadow()

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        url = client_url(v4)
        contact = _create(url, "contacts", {"properties": {"email": "flow@example.com",
                                                           "firstname": "Flo"}})  # fmt: skip
        company = _create(url, "companies", {
            "properties": {"name": "Flow Inc"},
            "associations": [{"to": {"id": contact}, "types": [
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280}]}],
        })  # fmt: skip
        with httpx.Client(base_url=url, headers=_auth(), timeout=10) as raw:
            raw.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
            raw.get(f"/crm/v3/objects/contacts/{contact}", params={"associations": "companies"})
            raw.get(LIST.format(contact))
            raw.post("/crm/v4/associations/contacts/companies/batch/read",
                     json={"inputs": [{"id": contact}]})  # fmt: skip
            raw.delete(f"/crm/v3/objects/companies/{company}")
            raw.get(f"/crm/v3/objects/companies/{company}")

    exchanges, findings, differences = _judged(emulator, None, calls, shadow)
    assert [x.status for x in exchanges] == [201, 201, 200, 200, 200, 200, 204, 404]
    assert findings == []
    assert differences == []
    # Two records mapped, to IDs of the shadow's own (the mapping is not the identity).
    assert len(shadow.ids) == 2
    assert all(theirs != mine for theirs, mine in shadow.ids.items())


def test_a_record_the_shadow_never_saw_is_missing_state_then_learned(emulator: str) -> None:
    """A GET of a record made before the proxy started: HubSpot 200, the shadow 404, missing
    state naming the record; the shadow learns it, and the next GET agrees."""
    made = _create(emulator, "contacts", {"properties": {"email": "before@example.com",
                                                         "firstname": "Early"}})  # fmt: skip

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        for _ in range(2):
            httpx.get(f"{client_url(v4)}/crm/v3/objects/contacts/{made}", headers=_auth(),
                      timeout=10)  # fmt: skip

    exchanges, findings, differences = _judged(emulator, None, calls)
    assert [x.status for x in exchanges] == [200, 200]
    assert findings == []
    assert [(d.index, d.operation_id, d.what, d.category) for d in differences] == [
        (0, "get_object", "status 200 vs 404", "missing state")
    ]
    assert f"records the shadow had not seen: {made}" in differences[0].explanation


def test_an_emulator_answer_breaking_the_contract_is_an_emulator_defect(emulator: str) -> None:
    """A shadow started with an earlier v4 profile (``config``) answers a labelled PUT 200, a
    status the current v4 profile (the one judged) does not document, where "HubSpot" answers
    201: an emulator defect, the broken rule in its explanation."""
    from hubspot_associations_emulator import EmulatorConfig

    shadow = Shadow(config=EmulatorConfig(profile="2025-10"))

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        httpx.put(
            f"{client_url(v4)}/crm/v4/objects/contacts/1801/associations/companies/2801",
            json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
            headers=_auth(), timeout=10,
        )  # fmt: skip

    _, findings, differences = _judged(emulator, None, calls, shadow)
    assert findings == []
    assert [(d.operation_id, d.what, d.category) for d in differences] == [
        ("associate_with_labels", "status 201 vs 200", "emulator defect")
    ]
    assert "[status.documented]" in differences[0].explanation


def _exchange(
    index: int,
    method: str,
    path: str,
    status: int,
    answer: Any,
    sent: Any = None,
    headers: tuple[tuple[str, str], ...] = (("Authorization", f"Bearer {TOKEN}"),),
) -> Exchange:
    """A captured exchange, written by hand: the shadow is fed it directly (no upstream)."""
    body = json.dumps(sent).encode() if sent is not None else b""
    if sent is not None:
        headers = (*headers, ("Content-Type", "application/json"))
    return Exchange(index, "2026-12-07T00:00:00.000Z", 0.01, method, path, "", headers, body,
                    status, (("Content-Type", "application/json"),),
                    json.dumps(answer).encode())  # fmt: skip


def test_answers_refused_for_the_callers_rights_are_not_compared() -> None:
    """401 (no token) and 403 MISSING_SCOPES / MISSING_PERMISSIONS: the shadow, with a
    full-access token of its own, would answer 200: no difference; another 403 is compared."""
    refused = {"status": "error", "message": "no", "correlationId": "c"}
    shadow = Shadow()
    try:
        answers = [
            shadow.compare(_exchange(0, "GET", LIST.format(1901), 401, {
                **refused, "category": "INVALID_AUTHENTICATION"}, headers=()), []),
            shadow.compare(_exchange(1, "GET", LIST.format(1901), 403, {
                **refused, "category": "MISSING_SCOPES"}), []),
            shadow.compare(_exchange(
                2, "PUT", "/crm/v4/objects/contacts/1901/associations/default/companies/2901",
                403, {**refused, "category": "MISSING_PERMISSIONS"}), []),
            shadow.compare(_exchange(3, "GET", LIST.format(1901), 403, {
                **refused, "category": "FORBIDDEN"}), []),
        ]  # fmt: skip
        assert answers[:3] == [None, None, None]
        assert answers[3] is not None
        assert answers[3].what == "status 403 vs 200"
        # The refused PUT never reached the shadow: the pair is unknown to it.
        assert (
            shadow.compare(_exchange(4, "GET", LIST.format(1901), 200, {"results": []}), []) is None
        )
    finally:
        shadow.close()


def test_control_calls_reach_the_shadow_and_a_reset_clears_what_it_learned() -> None:
    """/_emulator/seed through the proxy seeds the shadow too (its labels' type IDs mapped);
    /_emulator/reset resets it, its ID and type maps emptied and its ID counter moved again."""
    seed = {"associations": [{"fromObjectType": "contacts", "fromObjectId": "1911",
                              "toObjectType": "companies", "toObjectId": "2911"}],
            "labels": [{"fromObjectType": "contacts", "toObjectType": "companies",
                        "name": "seeded_through", "label": "Seeded through"}]}  # fmt: skip
    seeded = {"records": 0, "associations": 1, "bulk": 0, "limits": 0, "labels": [{"results": [
        {"category": "USER_DEFINED", "typeId": 1300, "label": "Seeded through"}]}]}  # fmt: skip
    row = {
        "toObjectId": "2911",
        "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}],
    }
    company = {"properties": {"name": "Before the reset"}}

    def made(company_id: str) -> dict[str, Any]:
        """HubSpot's answer to the company's create."""
        return {"id": company_id, "archived": False, "createdAt": "x", "updatedAt": "x",
                "properties": {"name": "Before the reset", "domain": None, "createdate": "x",
                               "hs_object_id": company_id, "hs_lastmodifieddate": "x"}}  # fmt: skip

    shadow = Shadow()
    try:
        feed = [
            _exchange(0, "POST", "/_emulator/seed", 200, seeded, seed),
            _exchange(1, "GET", LIST.format(1911), 200, {"results": [row]}),
            _exchange(2, "POST", "/crm/v3/objects/companies", 201, made("10000000005"), company),
        ]
        assert [shadow.compare(x, []) for x in feed] == [None, None, None]
        assert shadow.type_ids == {1300: 1200}
        assert shadow.ids == {"10000000005": str(SHADOW_FIRST_OBJECT_ID)}
        assert (
            shadow.compare(_exchange(3, "POST", "/_emulator/reset", 200, {"status": "ok"}), [])
            is None
        )
        assert (shadow.ids, shadow.type_ids, shadow.known) == ({}, {}, set())
        after = [
            _exchange(4, "GET", LIST.format(1911), 200, {"results": []}),
            _exchange(5, "POST", "/crm/v3/objects/companies", 201, made("10000000001"), company),
        ]
        assert [shadow.compare(x, []) for x in after] == [None, None]
        assert shadow.ids == {"10000000001": str(SHADOW_FIRST_OBJECT_ID)}
    finally:
        shadow.close()


def test_an_unmapped_hubspot_id_never_names_a_record_of_the_shadows_own(emulator: str) -> None:
    """A default association naming records the proxy never saw (one of them the ID an emulator
    gives its first record), then a company created: the shadow's company takes an ID far from
    HubSpot's, and reads of both sides agree."""
    _create(emulator, "companies", {"properties": {"name": "Made first, behind the proxy"}})
    first = "10000000001"  # the emulator's first record ID: the shadow's own, were it not moved
    shadow = Shadow()
    made: list[str] = []

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        with httpx.Client(base_url=client_url(v4), headers=_auth(), timeout=10) as raw:
            raw.put(f"/crm/v4/objects/contacts/1921/associations/default/companies/{first}")
            made.append(_create(str(raw.base_url), "companies", {"properties": {"name": "Later"}}))
            raw.get(LIST.format(1921))
            raw.get(f"/crm/v4/objects/companies/{made[0]}/associations/contacts")

    exchanges, findings, differences = _judged(emulator, None, calls, shadow)
    assert [x.status for x in exchanges] == [200, 201, 200, 200]
    assert json.loads(exchanges[2].response_body)["results"][0]["toObjectId"] == first
    assert findings == []
    assert differences == []
    assert shadow.ids == {made[0]: str(SHADOW_FIRST_OBJECT_ID)}


def test_a_label_hubspot_refused_as_a_duplicate_is_undone_in_the_shadow(emulator: str) -> None:
    """Labels learned from list_labels have no HubSpot name: a create_label of HubSpot's name
    is refused there (400), taken by the shadow, then deleted from it: missing state, saying
    why, and the next list_labels agrees."""
    _seed(emulator, {"labels": [{"fromObjectType": "companies", "toObjectType": "deals",
                                 "name": "partner", "label": "Partner"}]})  # fmt: skip
    labels = "/crm/v4/associations/companies/deals/labels"

    def calls(v4: Any, client: HubSpotAssociations) -> None:
        with httpx.Client(base_url=client_url(v4), headers=_auth(), timeout=10) as raw:
            raw.get(labels)
            raw.post(labels, json={"name": "partner", "label": "Partner"})
            raw.get(labels)

    exchanges, findings, differences = _judged(emulator, None, calls)
    assert [x.status for x in exchanges] == [200, 400, 200]
    assert findings == []
    assert [(d.index, d.operation_id, d.what, d.category) for d in differences] == [
        (0, "list_labels", "results: 3 vs 2 items", "missing state"),
        (1, "create_label", "status 400 vs 200", "missing state"),
    ]
    assert "without HubSpot's internal names" in differences[1].explanation
