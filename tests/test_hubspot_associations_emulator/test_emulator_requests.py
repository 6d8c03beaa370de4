"""GET /_emulator/requests: what reached the emulator's HubSpot paths, and which operations."""

from __future__ import annotations

import re
from typing import Any

import httpx
import yaml
from hubspot_associations_emulator import EmulatorConfig, RunningEmulator, serve_in_thread

from codegen.pipeline import CURATED_SPEC, ROOT

NOT_LIMITED = {"total": 0, "operations": {}}
NOTHING = {
    "received": 0,
    "operations": {},
    "reads": 0,
    "writes": 0,
    "rateLimited": NOT_LIMITED,
    "busiestWindow": None,
}
# Values that route every templated path of the spec to its handler.
PATH_VALUES = {
    "objectType": "contact",
    "fromObjectType": "contact",
    "toObjectType": "company",
    "objectId": "1",
    "fromObjectId": "1",
    "toObjectId": "2",
    "userId": "1",
    "associationTypeId": "1",
    "fromObjectTypeId": "0-1",
    "toObjectTypeId": "0-2",
}


def counts(client: httpx.Client) -> Any:
    """The control API's request counts."""
    r = client.get("/_emulator/requests")
    assert r.status_code == 200
    return r.json()


def spec_operations() -> list[tuple[str, str, str]]:
    """(method, concrete v4 path, operationId) of every operation in the curated spec."""
    spec = yaml.safe_load((ROOT / CURATED_SPEC).read_text(encoding="utf-8"))
    out = []
    for template, item in spec["paths"].items():
        path = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], template)
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                out.append((method.upper(), path, operation["operationId"]))
    return out


def test_a_fresh_emulator_counts_nothing(api: httpx.Client) -> None:
    """After a reset every count is zero, and control API calls are not counted."""
    api.get("/_emulator/health")
    assert counts(api) == NOTHING


def test_a_read_counts_as_received_and_as_a_read(api: httpx.Client) -> None:
    """A page read is one request received, one list_associations, one read."""
    assert api.get("/crm/v4/objects/contact/1/associations/company").status_code == 200
    assert counts(api) == {
        "received": 1,
        "operations": {"list_associations": 1},
        "reads": 1,
        "writes": 0,
        "rateLimited": NOT_LIMITED,
        "busiestWindow": None,
    }


def test_a_write_counts_as_received_and_as_a_write(api: httpx.Client) -> None:
    """A default PUT is one request received, one associate_default, one write."""
    assert api.put("/crm/v4/objects/contact/1/associations/default/company/2").status_code == 200
    assert counts(api) == {
        "received": 1,
        "operations": {"associate_default": 1},
        "reads": 0,
        "writes": 1,
        "rateLimited": NOT_LIMITED,
        "busiestWindow": None,
    }


def test_batch_read_is_a_read_although_it_is_a_post(api: httpx.Client) -> None:
    """batch/read counts as a read; batch/associate/default in the same run as a write."""
    body = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}}]}
    api.post("/crm/v4/associations/contact/company/batch/associate/default", json=body)
    api.post("/crm/v4/associations/contact/company/batch/read", json={"inputs": [{"id": "1"}]})
    assert counts(api) == {
        "received": 2,
        "operations": {"batch_associate_default": 1, "batch_read_associations": 1},
        "reads": 1,
        "writes": 1,
        "rateLimited": NOT_LIMITED,
        "busiestWindow": None,
    }


def test_a_401_is_received_but_reaches_no_operation(server: RunningEmulator) -> None:
    """A request without a token is counted as received, and as no operation."""
    with httpx.Client(base_url=server.base_url, timeout=30) as anonymous:
        anonymous.post("/_emulator/reset")
        r = anonymous.put("/crm/v4/objects/contact/1/associations/default/company/2")
        assert r.status_code == 401
        assert counts(anonymous) == {**NOTHING, "received": 1}


def test_a_faulted_request_is_received_but_reaches_no_operation(api: httpx.Client) -> None:
    """A request the fault plan answers (503 here) is counted as received only."""
    api.put("/_emulator/faults", json={"spec": "rate=1,kinds=503,seed=1"})
    assert api.get("/crm/v4/objects/contact/1/associations/company").status_code == 503
    assert counts(api) == {**NOTHING, "received": 1}


def test_a_rate_limited_request_is_received_and_rate_limited_but_reaches_no_operation() -> None:
    """A 429 from the rate limit counts as received and rate-limited, under no handled operation."""
    with (
        serve_in_thread(EmulatorConfig(rate_limit=(1, 60))) as server,
        httpx.Client(
            base_url=server.base_url,
            headers={"Authorization": f"Bearer {server.token}"},
            timeout=30,
        ) as c,
    ):
        assert c.get("/crm/v4/objects/contact/1/associations/company").status_code == 200
        assert c.get("/crm/v4/objects/contact/1/associations/company").status_code == 429
        assert counts(c) == {
            "received": 2,
            "operations": {"list_associations": 1},
            "reads": 1,
            "writes": 0,
            "rateLimited": {"total": 1, "operations": {"list_associations": 1}},
            # The window held one request, the limit: the second was refused, not counted.
            "busiestWindow": 1,
        }


def test_an_unknown_hubspot_path_is_received_but_reaches_no_operation(api: httpx.Client) -> None:
    """A 404 under /crm/ is counted as received only."""
    assert api.get("/crm/v4/nothing/here").status_code == 404
    assert counts(api) == {**NOTHING, "received": 1}


def test_reset_sets_every_count_back_to_zero(api: httpx.Client) -> None:
    """POST /_emulator/reset empties the counts along with the store."""
    api.put("/crm/v4/objects/contact/1/associations/default/company/2")
    api.get("/crm/v4/objects/contact/1/associations/company")
    assert counts(api)["received"] == 2
    assert api.post("/_emulator/reset").status_code == 200
    assert counts(api) == NOTHING


def test_every_operation_of_the_spec_is_counted_under_its_operation_id(
    api: httpx.Client,
) -> None:
    """One request to each of the spec's 23 operations counts once under its operationId."""
    operations = spec_operations()
    assert len(operations) == 23
    # Most of these bodies are refused with a 400: that still counts, the handler was reached.
    for method, path, _ in operations:
        api.request(method, path, json={})
    reads = {
        "list_associations",
        "batch_read_associations",
        "list_labels",
        "list_all_limits",
        "list_limits",
        "get_label_limits_usage",
        "list_record_limits_sources",
        "list_record_limits_targets",
        "get_record_limits_usage",
    }
    assert counts(api) == {
        "received": 23,
        "operations": {operation_id: 1 for _, _, operation_id in operations},
        "reads": len(reads),
        "writes": 23 - len(reads),
        "rateLimited": NOT_LIMITED,
        "busiestWindow": None,
    }


def test_the_dated_paths_count_under_the_same_operation_ids(api: httpx.Client) -> None:
    """The 2026-03 spelling of an operation counts under the v4 operation's operationId."""
    api.put("/crm/objects/2026-03/contact/1/associations/default/company/2")
    api.get("/crm/associations/2026-03/contact/company/labels")
    assert counts(api)["operations"] == {"associate_default": 1, "list_labels": 1}
