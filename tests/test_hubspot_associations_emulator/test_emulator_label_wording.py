"""The wording rules of custom labels (inferred: empty, control characters, a length cap), over
real HTTP, on create, update and seed alike."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hubspot_associations_emulator.numbers import LABEL_TEXT_MAX

LABELS = "/crm/v4/associations/contact/company/labels"
LONGEST = "x" * LABEL_TEXT_MAX

# (wording, what the message says about it)
REFUSED = [
    pytest.param("", "must not be empty or only whitespace", id="empty"),
    pytest.param(" \u3000 ", "must not be empty or only whitespace", id="whitespace"),
    pytest.param("Buy\x00er", "control character U+0000 at index 3", id="nul"),
    pytest.param("Buyer\n", "control character U+000A at index 5", id="line-break"),
    pytest.param("\tBuyer", "control character U+0009 at index 0", id="tab"),
    pytest.param("Buyer\x7f", "control character U+007F at index 5", id="del"),
    pytest.param(
        "x" * 5000, f"5,000 characters, more than the {LABEL_TEXT_MAX} allowed", id="5000"
    ),
    pytest.param(LONGEST + "x", f"more than the {LABEL_TEXT_MAX} allowed", id="cap+1"),
]


def _refused(answer: httpx.Response, field: str, fragment: str) -> None:
    """HubSpot's 400 error shape, naming the field and what is wrong with it."""
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["status"] == "error"
    assert body["category"] == "VALIDATION_ERROR"
    assert body["correlationId"] == answer.headers["X-HubSpot-Correlation-Id"]
    assert body["message"].startswith(f"Invalid {field}: ")
    assert fragment in body["message"]
    assert list(body["context"]) == [field]


def _custom(api: httpx.Client, path: str = LABELS) -> list[Any]:
    """The custom labels of one direction, as listed."""
    return [t["label"] for t in api.get(path).json()["results"] if t["category"] == "USER_DEFINED"]


@pytest.mark.parametrize(("wording", "fragment"), REFUSED)
@pytest.mark.parametrize("field", ["label", "inverseLabel", "name"])
def test_create_refuses_bad_wording_in_each_field(
    api: httpx.Client, field: str, wording: str, fragment: str
) -> None:
    """A create with bad wording in label, inverseLabel or name is a 400 naming it; none is made."""
    body = {"name": "buyer", "label": "Buyer", "inverseLabel": "Bought from", field: wording}
    _refused(api.post(LABELS, json=body), field, fragment)
    assert _custom(api) == []


@pytest.mark.parametrize(("wording", "fragment"), REFUSED)
@pytest.mark.parametrize("field", ["label", "inverseLabel"])
def test_update_refuses_bad_wording_and_keeps_the_old(
    api: httpx.Client, field: str, wording: str, fragment: str
) -> None:
    """An update with bad wording is a 400 naming the field; both directions keep their text."""
    made = api.post(LABELS, json={"name": "buyer", "label": "Buyer", "inverseLabel": "Bought from"})
    forward = made.json()["results"][0]["typeId"]
    body = {"associationTypeId": forward, "label": "New", "inverseLabel": "New of", field: wording}
    _refused(api.put(LABELS, json=body), field, fragment)
    assert _custom(api) == ["Buyer"]
    assert _custom(api, "/crm/v4/associations/company/contact/labels") == ["Bought from"]


def test_the_boundary_is_accepted_on_create_and_update(api: httpx.Client) -> None:
    """Wording of exactly the cap, non-ASCII text and inner spaces are accepted and read back."""
    made = api.post(LABELS, json={"name": LONGEST, "label": LONGEST, "inverseLabel": "Käufer von"})
    assert made.status_code == 200, made.text
    assert _custom(api) == [LONGEST]
    forward = made.json()["results"][0]["typeId"]
    renamed = {"associationTypeId": forward, "label": "é" * LABEL_TEXT_MAX, "inverseLabel": "a  b"}
    assert api.put(LABELS, json=renamed).status_code == 204
    assert _custom(api) == ["é" * LABEL_TEXT_MAX]
    assert _custom(api, "/crm/v4/associations/company/contact/labels") == ["a  b"]


def test_a_seed_with_bad_wording_is_refused(api: httpx.Client) -> None:
    """The control API's seed follows the same rules (nothing of it is applied)."""
    label = {"fromObjectType": "contact", "toObjectType": "company", "name": "a", "label": "A\x00"}
    answer = api.post("/_emulator/seed", json={"labels": [label]})
    assert answer.status_code == 400
    assert "control character U+0000" in answer.json()["message"]
    assert _custom(api) == []
