"""The limits usage calls (the association part of HubSpot's Limits Tracking API), answered from the
emulator's own state on every release: label usage, the source and target types near or at a
per-record limit, one pair's records near and at it; the per-pair record limit (PUT
/_emulator/config, the CLI, the control client); 2025-09's limits create/update answering 200."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hubspot_associations_emulator import EmulatorConfig, RunningEmulator, serve_in_thread
from hubspot_associations_emulator.cli import build_parser, config_from
from hubspot_associations_emulator.control_client import (
    AsyncControlClient,
    ControlClient,
    RecordLimit,
)
from hubspot_associations_emulator.release_table import RELEASES

from tests.test_hubspot_associations_emulator.emulator_helpers import spec, without_volatile

RELEASE_NAMES = ["v4", "2025-09", "2026-03", "2026-09"]
CONTACT = {"objectTypeId": "0-1", "singularLabel": "Contact", "pluralLabel": "Contacts"}
COMPANY = {"objectTypeId": "0-2", "singularLabel": "Company", "pluralLabel": "Companies"}
DEAL = {"objectTypeId": "0-3", "singularLabel": "Deal", "pluralLabel": "Deals"}
CUSTOM = {
    "objectTypeId": "2-123",
    "singularLabel": "Custom object 2-123",
    "pluralLabel": "Custom objects 2-123",
}
DEFAULT_RECORD_LIMIT = 50_000


@dataclass(frozen=True)
class Release:
    """One release's path bases."""

    name: str
    objects: str
    associations: str
    limits: str


def release(name: str) -> Release:
    """The bases of a release, from the emulator's table."""
    row = RELEASES[name]
    return Release(name, row["object_base"], row["association_bases"][0], row["limits_base"])


@dataclass(frozen=True)
class Built:
    """The state built for one release, and the client that built it."""

    api: httpx.Client
    release: Release
    billing: int  # the paired label contact→company (its limit is 5)

    def get(self, path: str, **params: str) -> Any:
        """GET under the release's limits base: 200, the JSON body."""
        answer = self.api.get(self.release.limits + path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()


def _ok(answer: httpx.Response) -> Any:
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


def _pairs(from_id: int, to_ids: range) -> list[dict[str, Any]]:
    return [{"from": {"id": str(from_id)}, "to": {"id": str(t)}} for t in to_ids]


def _labelled(from_id: int, to_ids: range, type_id: int) -> list[dict[str, Any]]:
    types = [spec(type_id, "USER_DEFINED")]
    return [{**p, "types": types} for p in _pairs(from_id, to_ids)]


def _label(api: httpx.Client, base: str, body: dict[str, str]) -> list[int]:
    return [t["typeId"] for t in _ok(api.post(f"{base}/labels", json=body))["results"]]


def build(api: httpx.Client, r: Release) -> Built:
    """Labels, limits and associations written through the release's HubSpot paths.

    Record limits: contact→company 10 and contact→deal 5 (configured), the billing label 5 and
    deal→contact (type 3) 10 (create_limits). Contacts to companies, as (unlabeled, billing):
    1 (10, 0) at; 2 (12, 0) past; 3 (8, 0) near; 4 (7, 0) below; 5 (5, 5) at by billing (a 6th
    refused); 6 (4, 4) near by billing; 7 (9, 4) near, 90 %; 8 (8, 5) near unlabeled, at billing;
    9 (6, 6) past billing, associated before its limit was set. Contact 1 reaches deals 1-4
    (near 5); deal 1 reaches contacts 1-8 (near type 3's 10).
    """
    limits = [
        {"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": 10},
        {"fromObjectTypeId": "contact", "toObjectTypeId": "deals", "limit": 5},
    ]
    _ok(api.put("/_emulator/config", json={"recordLimits": limits}))
    a = r.associations
    billing, _ = _label(api, f"{a}/contact/company", {"name": "billing", "label": "Billing contact",
                                                      "inverseLabel": "Billed company"})  # fmt: skip
    _label(api, f"{a}/contacts/companies", {"name": "partner", "label": "Partner"})
    _label(api, f"{a}/0-1/0-1", {"name": "manager", "label": "Manager", "inverseLabel": "Employee"})
    _label(api, f"{a}/deal/2-123", {"name": "sponsor", "label": "Sponsor"})
    create = f"{a}/contact/company/batch/create"
    _ok(api.post(create, json={"inputs": _labelled(9, range(1, 7), billing)}))
    conf = f"{a}/definitions/configurations"
    limit = {"category": "USER_DEFINED", "typeId": billing, "maxToObjectIds": 5}
    _ok(api.post(f"{conf}/contact/company/batch/create", json={"inputs": [limit]}))
    unlabeled = {"category": "HUBSPOT_DEFINED", "typeId": 3, "maxToObjectIds": 10}
    _ok(api.post(f"{conf}/deal/contact/batch/create", json={"inputs": [unlabeled]}))
    defaults = [
        *_pairs(1, range(1, 11)),
        *_pairs(2, range(1, 13)),
        *_pairs(3, range(1, 9)),
        *_pairs(4, range(1, 8)),
        *_pairs(7, range(1, 10)),
        *_pairs(8, range(1, 9)),
    ]
    _ok(api.post(f"{a}/contact/company/batch/associate/default", json={"inputs": defaults}))
    labelled = [
        *_labelled(5, range(1, 6), billing),
        *_labelled(6, range(1, 5), billing),
        *_labelled(7, range(1, 5), billing),
        *_labelled(8, range(1, 6), billing),
    ]
    made = _ok(api.post(create, json={"inputs": labelled}))
    assert "numErrors" not in made
    refused = api.put(
        f"{r.objects}/contact/5/associations/company/6", json=[spec(billing, "USER_DEFINED")]
    )
    assert refused.status_code == 400
    assert refused.json()["subCategory"] == "crm.associations.ASSOCIATION_LIMIT_EXCEEDED"
    _ok(
        api.post(
            f"{a}/deal/contact/batch/associate/default", json={"inputs": _pairs(1, range(1, 9))}
        )
    )
    _ok(
        api.post(
            f"{a}/contact/deal/batch/associate/default", json={"inputs": _pairs(1, range(1, 5))}
        )
    )
    return Built(api, r, billing)


@pytest.fixture(params=RELEASE_NAMES)
def built(request: pytest.FixtureRequest, api: httpx.Client) -> Built:
    """The state of ``build``, written through one release's paths."""
    return build(api, release(request.param))


def _usage(f: dict[str, str], t: dict[str, str], usage: int, labels: list[str]) -> dict[str, Any]:
    return {"fromObjectType": f, "toObjectType": t, "limit": 10, "usage": usage,
            "percentage": usage * 10.0, "allLabels": labels}  # fmt: skip


EVERY_LABEL_PAIR = [
    _usage(CONTACT, CONTACT, 1, ["Manager", "Employee"]),
    _usage(CONTACT, COMPANY, 2, ["Billing contact", "Partner"]),
    _usage(COMPANY, CONTACT, 2, ["Billed company", "Partner"]),
    _usage(DEAL, CUSTOM, 1, ["Sponsor"]),
    _usage(CUSTOM, DEAL, 1, ["Sponsor"]),
]


def _status(of: dict[str, str], near: bool, at: bool) -> dict[str, Any]:
    return {**of, "hasRecordsNearLimit": near, "hasRecordsAtLimit": at}


def _near(object_id: str, label: str, usage: int, percentage: float) -> dict[str, Any]:
    return {"objectId": object_id, "label": label, "usage": usage, "percentage": percentage}


# -- the four answers, on every release ---------------------------------------------------------


def test_label_usage_lists_every_ordered_pair_with_a_custom_label(built: Built) -> None:
    """Without filters: one result per direction with a custom label, a paired label counted once."""
    assert built.get("/labels") == {"results": EVERY_LABEL_PAIR}


def test_label_usage_filters_by_source_target_or_both(built: Built) -> None:
    """Each filter keeps the matching pairs; both name one pair, answered even without a label."""
    assert built.get("/labels", fromObjectTypeId="0-1")["results"] == EVERY_LABEL_PAIR[:2]
    by_target = built.get("/labels", toObjectTypeId="0-1")["results"]
    assert by_target == [EVERY_LABEL_PAIR[0], EVERY_LABEL_PAIR[2]]
    pair = built.get("/labels", fromObjectTypeId="0-2", toObjectTypeId="0-1")["results"]
    assert pair == [EVERY_LABEL_PAIR[2]]
    custom = built.get("/labels", fromObjectTypeId="2-123")["results"]
    assert custom == [EVERY_LABEL_PAIR[4]]
    empty = built.get("/labels", fromObjectTypeId="0-1", toObjectTypeId="0-3")["results"]
    assert empty == [_usage(CONTACT, DEAL, 0, [])]
    assert built.get("/labels", fromObjectTypeId="0-5")["results"] == []


def test_label_usage_follows_the_label_cap_and_deleted_labels(built: Built) -> None:
    """limit is maxLabelsPerPair; a deleted label leaves the usage and the wordings."""
    _ok(built.api.put("/_emulator/config", json={"maxLabelsPerPair": 4}))
    a = built.release.associations
    assert built.api.delete(f"{a}/contact/company/labels/{built.billing}").status_code == 204
    pair = built.get("/labels", fromObjectTypeId="0-1", toObjectTypeId="0-2")["results"]
    assert pair == [{**_usage(CONTACT, COMPANY, 1, ["Partner"]), "limit": 4, "percentage": 25.0}]


def test_sources_are_the_types_with_records_near_or_at_a_limit(built: Built) -> None:
    """Contacts have records near and at; deals only near; companies none (not listed)."""
    assert built.get("/records/from") == {
        "results": [_status(CONTACT, near=True, at=True), _status(DEAL, near=True, at=False)]
    }


def test_targets_of_one_source_type(built: Built) -> None:
    """Contacts are near and at towards companies, near towards deals; deals near towards
    contacts; companies towards nothing."""
    assert built.get("/records/0-1/to")["results"] == [
        _status(COMPANY, near=True, at=True),
        _status(DEAL, near=True, at=False),
    ]
    assert built.get("/records/0-3/to")["results"] == [_status(CONTACT, near=True, at=False)]
    assert built.get("/records/0-2/to")["results"] == []
    assert built.get("/records/2-123/to")["results"] == []


def test_record_usage_of_a_pair_counts_each_record_once(built: Built) -> None:
    """Contact→company: the configured limit 10; at (by its fullest type) 1, 2, 5, 8, 9; near 3,
    6 (billing 4/5) and 7 (unlabeled 9/10, its fullest type); 4 is below."""
    usage = built.get("/records/0-1/0-2")
    assert usage == {
        "limit": 10,
        "totalRecordsNearLimit": 3,
        "totalRecordsAtLimit": 5,
        "nearLimitFromRecordSamples": [
            _near("3", "Contact 3", 8, 80.0),
            _near("6", "Contact 6", 4, 80.0),
            _near("7", "Contact 7", 9, 90.0),
        ],
        "atLimitFromRecordSamples": [
            {"objectId": str(i), "label": f"Contact {i}"} for i in (1, 2, 5, 8, 9)
        ],
    }
    near = {s["objectId"] for s in usage["nearLimitFromRecordSamples"]}
    assert not near & {s["objectId"] for s in usage["atLimitFromRecordSamples"]}


def test_record_usage_of_the_other_pairs(built: Built) -> None:
    """A user limit counts against its type (deal→contact: 8 of 10) but the pair's limit stays
    the default; a configured pair (contact→deal, 5); a pair with no record near."""
    assert built.get("/records/0-3/0-1") == {
        "limit": DEFAULT_RECORD_LIMIT,
        "totalRecordsNearLimit": 1,
        "totalRecordsAtLimit": 0,
        "nearLimitFromRecordSamples": [_near("1", "Deal 1", 8, 80.0)],
        "atLimitFromRecordSamples": [],
    }
    assert built.get("/records/0-1/0-3")["nearLimitFromRecordSamples"] == [
        _near("1", "Contact 1", 4, 80.0)
    ]
    assert built.get("/records/0-1/0-3")["limit"] == 5
    assert built.get("/records/0-2/0-1") == {
        "limit": DEFAULT_RECORD_LIMIT,
        "totalRecordsNearLimit": 0,
        "totalRecordsAtLimit": 0,
        "nearLimitFromRecordSamples": [],
        "atLimitFromRecordSamples": [],
    }


def test_removing_associations_moves_a_record_back(built: Built) -> None:
    """Contact 2 loses 3 of its 12 companies: near at 9; purging billing's limit makes 5 and 9
    near or below by the pair's 10."""
    a = built.release.associations
    body = {"inputs": [{"from": {"id": "2"}, "to": [{"id": str(i)} for i in (10, 11, 12)]}]}
    _ok(built.api.post(f"{a}/contact/company/batch/archive", json=body))
    purge = {"inputs": [{"category": "USER_DEFINED", "typeId": built.billing}]}
    conf = f"{a}/definitions/configurations/contact/company/batch/purge"
    assert built.api.post(conf, json=purge).status_code in (200, 204)
    usage = built.get("/records/0-1/0-2")
    assert (usage["totalRecordsAtLimit"], usage["totalRecordsNearLimit"]) == (1, 4)
    assert [s["objectId"] for s in usage["atLimitFromRecordSamples"]] == ["1"]
    assert usage["nearLimitFromRecordSamples"] == [
        _near("2", "Contact 2", 9, 90.0),
        _near("3", "Contact 3", 8, 80.0),
        _near("7", "Contact 7", 9, 90.0),
        _near("8", "Contact 8", 8, 80.0),
    ]


def test_numeric_ids_answer_sample_ids_as_numbers(built: Built) -> None:
    """With numericIds on, a sample's objectId is a JSON number."""
    _ok(built.api.put("/_emulator/config", json={"numericIds": True}))
    usage = built.get("/records/0-1/0-2")
    assert [s["objectId"] for s in usage["atLimitFromRecordSamples"]] == [1, 2, 5, 8, 9]
    assert [s["objectId"] for s in usage["nearLimitFromRecordSamples"]] == [3, 6, 7]


# -- samples: the cap and their order -----------------------------------------------------------


def test_samples_are_capped_at_ten_lowest_ids_first(api: httpx.Client) -> None:
    """13 records at and 12 near, written highest ID first: totals count all, each list holds
    the ten lowest IDs."""
    limit = {"fromObjectTypeId": "0-1", "toObjectTypeId": "0-5", "limit": 5}
    _ok(api.put("/_emulator/config", json={"recordLimits": [limit]}))
    inputs = []
    for contact in range(212, 200, -1):
        inputs += _pairs(contact, range(1, 5))
    for contact in range(113, 100, -1):
        inputs += _pairs(contact, range(1, 6))
    _ok(api.post("/crm/v4/associations/contact/ticket/batch/associate/default",
                 json={"inputs": inputs}))  # fmt: skip
    usage = api.get("/crm/v3/limits/associations/records/0-1/0-5").json()
    assert (usage["limit"], usage["totalRecordsAtLimit"], usage["totalRecordsNearLimit"]) == (
        5,
        13,
        12,
    )
    assert usage["atLimitFromRecordSamples"] == [
        {"objectId": str(i), "label": f"Contact {i}"} for i in range(101, 111)
    ]
    assert usage["nearLimitFromRecordSamples"] == [
        _near(str(i), f"Contact {i}", 4, 80.0) for i in range(201, 211)
    ]


# -- the per-pair record limit: configuration -------------------------------------------------


def test_the_record_limits_are_set_by_put_config_and_reset(api: httpx.Client) -> None:
    """recordLimits replaces the list (names answered as IDs); [] clears it; a reset restores
    the start-up one; the usage's limit follows."""
    assert api.get("/_emulator/config").json()["recordLimits"] == []
    body = {"recordLimits": [{"fromObjectTypeId": "companies", "toObjectTypeId": "0-3",
                              "limit": 7}]}  # fmt: skip
    answer = api.put("/_emulator/config", json=body)
    assert answer.status_code == 200
    assert answer.json()["recordLimits"] == [
        {"fromObjectTypeId": "0-2", "toObjectTypeId": "0-3", "limit": 7}
    ]
    limits = "/crm/v3/limits/associations/records"
    assert api.get(f"{limits}/0-2/0-3").json()["limit"] == 7
    assert api.get(f"{limits}/0-3/0-2").json()["limit"] == DEFAULT_RECORD_LIMIT
    assert api.put("/_emulator/config", json={"recordLimits": []}).json()["recordLimits"] == []
    assert api.get(f"{limits}/0-2/0-3").json()["limit"] == DEFAULT_RECORD_LIMIT
    _ok(api.put("/_emulator/config", json=body))
    assert api.post("/_emulator/reset").status_code == 200
    assert api.get("/_emulator/config").json()["recordLimits"] == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": 0}, "from 1 to 2147483647"),
        ({"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": True}, "got True"),
        ({"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": "3"}, "got '3'"),
        ({"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": 2**31}, "2147483647"),
        ({"fromObjectTypeId": "0-1", "toObjectTypeId": "banana", "limit": 3}, "banana"),
        ({"fromObjectTypeId": "0-1", "limit": 3}, "recordLimits[0].toObjectTypeId"),
        ({"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": 3, "x": 1}, "'x'"),
        ({"fromObjectTypeId": 1, "toObjectTypeId": "0-2", "limit": 3}, "must be a string"),
        ("0-1:0-2=3", "recordLimits[0] must be an object"),
    ],
)
def test_a_wrong_record_limit_is_a_400_that_changes_nothing(
    api: httpx.Client, value: Any, message: str
) -> None:
    """Each wrong entry is a 400 VALIDATION_ERROR naming it; the configuration is unchanged."""
    good = {"fromObjectTypeId": "0-1", "toObjectTypeId": "0-3", "limit": 4}
    _ok(api.put("/_emulator/config", json={"recordLimits": [good]}))
    answer = api.put("/_emulator/config", json={"recordLimits": [value], "numericIds": True})
    assert answer.status_code == 400
    assert answer.json()["category"] == "VALIDATION_ERROR"
    assert message in answer.json()["message"]
    config = api.get("/_emulator/config").json()
    assert (config["recordLimits"], config["numericIds"]) == (
        [{"fromObjectTypeId": "0-1", "toObjectTypeId": "0-3", "limit": 4}],
        False,
    )


def test_a_pair_given_twice_or_a_list_that_is_none_is_refused(api: httpx.Client) -> None:
    """The same pair twice (by name and by ID), or recordLimits that is not a list: 400."""
    twice = [{"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": 3},
             {"fromObjectTypeId": "contact", "toObjectTypeId": "company", "limit": 4}]  # fmt: skip
    answer = api.put("/_emulator/config", json={"recordLimits": twice})
    assert answer.status_code == 400
    assert answer.json()["message"] == "recordLimits: record limit 0-1:0-2 is given twice"
    assert api.put("/_emulator/config", json={"recordLimits": None}).status_code == 400


def test_the_cli_flag_sets_the_record_limits_of_a_served_emulator() -> None:
    """--record-limit reaches EmulatorConfig and, served, the usage answer and GET config."""
    args = build_parser().parse_args(
        ["serve", "--record-limit", "0-1:0-2=3", "--record-limit", "deal:contact=8"]
    )
    config = config_from(args)
    assert config.record_limits == (("0-1", "0-2", 3), ("0-3", "0-1", 8))
    with serve_in_thread(config) as running:
        auth = {"Authorization": f"Bearer {running.token}"}
        url = f"{running.base_url}/crm/limits/2026-03/associations/records"
        assert httpx.get(f"{url}/0-1/0-2", headers=auth).json()["limit"] == 3
        assert httpx.get(f"{url}/0-3/0-1", headers=auth).json()["limit"] == 8
        settings = httpx.get(f"{running.base_url}/_emulator/config").json()
        assert settings["recordLimits"] == [
            {"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": 3},
            {"fromObjectTypeId": "0-3", "toObjectTypeId": "0-1", "limit": 8},
        ]


def test_a_config_with_a_wrong_record_limit_does_not_start() -> None:
    """EmulatorConfig(record_limits=…) with an unknown type or a zero limit is a ValueError."""
    for wrong in ((("contact", "banana", 3),), (("0-1", "0-2", 0),)):
        with (
            pytest.raises(ValueError, match="record limit"),
            serve_in_thread(EmulatorConfig(record_limits=wrong)),
        ):
            pass


def test_the_control_clients_set_and_read_the_record_limits(server: RunningEmulator) -> None:
    """ControlClient and AsyncControlClient configure(record_limits=…) and read them back."""
    with ControlClient(server.base_url) as control:
        control.reset()
        settings = control.configure(record_limits=[RecordLimit("contact", "company", 3)])
        assert settings.record_limits == (RecordLimit("0-1", "0-2", 3),)
        assert control.settings().record_limits == (RecordLimit("0-1", "0-2", 3),)
        assert control.configure(numeric_ids=True).record_limits == settings.record_limits

    async def run() -> tuple[RecordLimit, ...]:
        async with AsyncControlClient(server.base_url) as control:
            await control.configure(record_limits=[("0-3", "0-1", 9), RecordLimit("0-1", "0-5", 2)])
            return (await control.settings()).record_limits

    assert asyncio.run(run()) == (RecordLimit("0-3", "0-1", 9), RecordLimit("0-1", "0-5", 2))
    with ControlClient(server.base_url) as control:
        assert control.configure(record_limits=[]).record_limits == ()
        control.reset()


def test_the_high_usage_report_uses_the_configured_pair_limit(api: httpx.Client) -> None:
    """8 of a configured 10 is in the report with limit 10; of the default 50,000 it is not."""
    _ok(api.post("/crm/v4/associations/contact/company/batch/associate/default",
                 json={"inputs": _pairs(1, range(1, 9))}))  # fmt: skip
    report = "/crm/v4/associations/usage/high-usage-report/7"
    _ok(api.post(report))
    limit = {"fromObjectTypeId": "0-1", "toObjectTypeId": "0-2", "limit": 10}
    _ok(api.put("/_emulator/config", json={"recordLimits": [limit]}))
    _ok(api.post(report))
    first, second = api.get("/_emulator/reports").json()["results"]
    assert first["records"] == []
    assert second["records"] == [
        {"fromObjectTypeId": "0-1", "fromObjectId": "1", "toObjectTypeId": "0-2", "typeId": 279,
         "count": 8, "limit": 10}
    ]  # fmt: skip


# -- 2025-09: limits create and update answer 200 only ----------------------------------------

GOOD = {"category": "HUBSPOT_DEFINED", "typeId": 279, "maxToObjectIds": 5}
PRIMARY = {"category": "HUBSPOT_DEFINED", "typeId": 1, "maxToObjectIds": 2}
UNKNOWN = {"category": "HUBSPOT_DEFINED", "typeId": 99999, "maxToObjectIds": 5}
INVALID = "HUBSPOT_DEFINED=99999 is not a valid association definition id"


@pytest.mark.parametrize(
    ("name", "created", "mixed"),
    [("v4", 201, 207), ("2025-09", 200, 200), ("2026-03", 201, 207), ("2026-09", 200, 200)],
)
def test_limits_create_and_update_statuses_per_release(
    api: httpx.Client, name: str, created: int, mixed: int
) -> None:
    """2025-09 (and 2026-09) answer 200 with errors and numErrors inside; v4 and 2026-03 201/207;
    2025-09's association batches keep 207."""
    r = release(name)
    conf = f"{r.associations}/definitions/configurations/contact/company/batch"
    answer = api.post(f"{conf}/create", json={"inputs": [GOOD]})
    assert answer.status_code == created
    assert "numErrors" not in answer.json()
    answer = api.post(f"{conf}/create", json={"inputs": [PRIMARY, UNKNOWN]})
    assert answer.status_code == mixed
    body = without_volatile(answer.json())
    assert body["results"] == [
        {"category": "HUBSPOT_DEFINED", "typeId": 1, "userEnforcedMaxToObjectIds": 2,
         "label": "Primary"}
    ]  # fmt: skip
    assert (body["numErrors"], [e["message"] for e in body["errors"]]) == (1, [INVALID])
    updated = api.post(f"{conf}/update", json={"inputs": [{**GOOD, "maxToObjectIds": 7}, UNKNOWN]})
    assert updated.status_code == mixed
    assert updated.json()["results"] == [
        {"category": "HUBSPOT_DEFINED", "typeId": 279, "userEnforcedMaxToObjectIds": 7}
    ]
    assert (updated.json()["numErrors"], updated.json()["errors"][0]["message"]) == (1, INVALID)
    assert api.post(f"{conf}/update", json={"inputs": [GOOD]}).status_code == 200
    batch = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec(99999)]}]}
    expected = 200 if RELEASES[name]["batch_errors_in_200"] else 207
    made = api.post(f"{r.associations}/contact/company/batch/create", json=batch)
    assert made.status_code == expected
    assert made.json()["numErrors"] == 1


# -- paths: type IDs only; the journal, counts and faults know the operations -------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/records/contacts/0-2", "fromObjectTypeId must be an object type ID such as 0-1 or "
         "2-123, got 'contacts' (contacts is 0-1)"),
        ("/records/contact/to", "fromObjectTypeId must be an object type ID such as 0-1 or "
         "2-123, got 'contact' (contact is 0-1)"),
        ("/records/0-1/Companies", "toObjectTypeId must be an object type ID such as 0-1 or "
         "2-123, got 'Companies' (Companies is 0-2)"),
        ("/records/0-1/banana", "toObjectTypeId must be an object type ID such as 0-1 or "
         "2-123, got 'banana'"),
        ("/labels?fromObjectTypeId=deal", "fromObjectTypeId must be an object type ID such as "
         "0-1 or 2-123, got 'deal' (deal is 0-3)"),
        ("/labels?toObjectTypeId=", "toObjectTypeId must be an object type ID such as 0-1 or "
         "2-123, got ''"),
        (f"/records/{quote('2-١٢٣')}/to", "fromObjectTypeId must be an object type ID such as "
         "0-1 or 2-123, got '2-١٢٣'"),
    ],
)  # fmt: skip
def test_a_name_instead_of_a_type_id_is_a_400(api: httpx.Client, path: str, message: str) -> None:
    """The limits usage calls take object type IDs: a name is a 400 VALIDATION_ERROR naming the
    parameter (and the ID the name stands for), on every release."""
    for name in RELEASE_NAMES:
        answer = api.get(release(name).limits + path)
        assert answer.status_code == 400, (name, answer.text)
        body = without_volatile(answer.json())
        assert body["message"] == message
        assert body["category"] == "VALIDATION_ERROR"
        assert body["status"] == "error"


def test_an_unknown_standard_type_id_is_an_unknown_object_type(api: httpx.Client) -> None:
    """0-999 looks like an ID but names no object: HubSpot's unknown-object-type 400."""
    answer = api.get("/crm/limits/2025-09/associations/records/0-999/0-1")
    assert answer.status_code == 400
    assert without_volatile(answer.json()) == {
        "status": "error",
        "message": "Unable to infer object type from: 0-999",
    }


def test_journal_counts_and_faults_know_the_limits_usage_calls(api: httpx.Client) -> None:
    """Each call is journaled with its release and operationId, counted as a read, and can be
    the aim of a fault; the v3 base belongs to v4."""
    script = [{"operationId": "get_label_limits_usage", "kind": "503"}]
    _ok(api.put("/_emulator/faults", json={"script": script}))
    assert api.get("/crm/limits/2025-09/associations/labels").status_code == 503
    for name in RELEASE_NAMES:
        assert api.get(release(name).limits + "/records/0-1/0-2").status_code == 200
    assert api.get("/crm/v3/limits/associations/records/from").status_code == 200
    assert api.get("/crm/limits/2026-09/associations/records/0-2/to").status_code == 200
    entries = api.get("/_emulator/journal").json()["entries"]
    assert [(e["release"], e["operationId"], e["injected"]) for e in entries] == [
        ("2025-09", "get_label_limits_usage", "503"),
        ("v4", "get_record_limits_usage", None),
        ("2025-09", "get_record_limits_usage", None),
        ("2026-03", "get_record_limits_usage", None),
        ("2026-09", "get_record_limits_usage", None),
        ("v4", "list_record_limits_sources", None),
        ("2026-09", "list_record_limits_targets", None),
    ]
    counts = api.get("/_emulator/requests").json()
    assert counts["operations"] == {
        "get_record_limits_usage": 4,
        "list_record_limits_sources": 1,
        "list_record_limits_targets": 1,
    }
    assert (counts["received"], counts["reads"], counts["writes"]) == (7, 6, 0)


def test_a_wrong_method_on_a_limits_usage_path_is_a_405(api: httpx.Client) -> None:
    """The limits usage calls are GET only: a POST answers 405 with Allow."""
    answer = api.post("/crm/v3/limits/associations/labels", json={})
    assert answer.status_code == 405
    assert sorted(answer.headers["allow"].split(", ")) == ["GET", "HEAD"]


def test_an_empty_portal_answers_empty_usage_everywhere(api: httpx.Client) -> None:
    """No label, no association: empty lists and zero totals with the default limit."""
    for name in RELEASE_NAMES:
        base = release(name).limits
        assert api.get(f"{base}/labels").json() == {"results": []}
        assert api.get(f"{base}/records/from").json() == {"results": []}
        assert api.get(f"{base}/records/0-1/to").json() == {"results": []}
        assert api.get(f"{base}/records/0-1/0-2").json() == {
            "limit": DEFAULT_RECORD_LIMIT,
            "totalRecordsNearLimit": 0,
            "totalRecordsAtLimit": 0,
            "nearLimitFromRecordSamples": [],
            "atLimitFromRecordSamples": [],
        }
