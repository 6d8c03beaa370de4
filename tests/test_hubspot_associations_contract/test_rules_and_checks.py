"""The suite's rules are published, and its checks fail on the answers they exist to catch."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import hubspot_associations_contract
import pytest
import yaml
from hubspot_associations_contract import RULES, RuleViolation, checks, target, verdicts
from hubspot_associations_contract.model import PRIMARY, UNLABELED, Graph, LabelDef
from hubspot_associations_contract.rule_operations import ON_EVERY_OPERATION, ON_NAMED_OPERATIONS
from hubspot_associations_contract.wire import JudgingTransport, operation_of
from hypothesis import given
from hypothesis import strategies as st

README = Path(hubspot_associations_contract.__file__).parent / "README.md"
CURATED = Path(__file__).parents[2] / "openapi" / "curated.yaml"


@pytest.fixture(autouse=True)
def emulator_target(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Judge as against the emulator (strict), with a fresh record of verdicts."""
    monkeypatch.setenv("HUBSPOT_CONTRACT_TARGET", "emulator")
    monkeypatch.setenv("HUBSPOT_BASE_URL", "http://127.0.0.1:9")
    target.selected.cache_clear()
    verdicts.reset()
    yield
    target.selected.cache_clear()
    verdicts.reset()


def test_every_rule_is_published_in_the_readme() -> None:
    """The README's rule table lists exactly the rules the suite reports."""
    listed = set(re.findall(r"^\| `([a-z]+\.[a-z-]+)` \|", README.read_text(), re.MULTILINE))
    assert listed == set(RULES)


def _batch(
    status: int, inputs: list[tuple[str, str]], results: list[tuple[str, str]], errors: int = 0
) -> None:
    body = {"inputs": [{"from": {"id": a}, "to": {"id": b}} for a, b in inputs]}
    answer = {
        "results": [{"fromObjectId": a, "toObjectId": b} for a, b in results],
        "errors": [{"status": "error", "category": "VALIDATION_ERROR", "message": "no"}] * errors,
    }
    checks.judge_batch_accounting(
        "batch_create_associations", body, status, json.dumps(answer).encode()
    )


def test_every_rule_declares_the_operations_it_is_judged_on() -> None:
    """rule_operations.py names only the suite's rules and the curated spec's operations, and
    every rule is in it (judged on named operations, on every operation a check sees, or both)."""
    curated = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    operation_ids = {
        operation["operationId"]
        for item in curated["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert set(ON_NAMED_OPERATIONS) | set(ON_EVERY_OPERATION) == set(RULES)
    named = {op for ops in ON_NAMED_OPERATIONS.values() for op in ops}
    assert named <= operation_ids, sorted(named - operation_ids)
    assert all(len(set(ops)) == len(ops) for ops in ON_NAMED_OPERATIONS.values())


def test_batch_accounting_catches_a_dropped_input() -> None:
    """Two results and no error for three inputs is a broken batch.accounting."""
    with pytest.raises(RuleViolation, match=r"\[batch.accounting\].*1 input\(s\) are in neither"):
        _batch(201, [("1", "2"), ("3", "4"), ("5", "6")], [("1", "2"), ("3", "4")])


def test_batch_accounting_catches_an_extra_or_doubled_answer() -> None:
    """A result for an input never sent, or one answered twice, is a broken batch.accounting."""
    with pytest.raises(RuleViolation, match="not sent or answered twice"):
        _batch(201, [("1", "2")], [("1", "2"), ("1", "2")])


@given(n=st.integers(1, 30), failed=st.data())
def test_batch_accounting_accepts_results_plus_errors(n: int, failed: st.DataObject) -> None:
    """Any split of the inputs into results and one error each holds, IDs with leading zeros included."""
    inputs = [(f"00{i}", str(1000 + i)) for i in range(n)]
    errors = failed.draw(st.integers(0, n))
    _batch(207 if errors else 201, inputs, [(str(int(a)), b) for a, b in inputs[errors:]], errors)


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({"status": "error", "message": "no", "category": "X"}, "correlationId"),
        ({"message": "no", "correlationId": "c", "category": "X"}, "status"),
        ({"status": "error", "correlationId": "c", "category": "X"}, "message"),
    ],
)
def test_error_fields_name_what_is_missing(body: dict[str, str], missing: str) -> None:
    """An error body without a field HubSpot always sends breaks errors.fields, naming the field."""
    with pytest.raises(RuleViolation, match=rf"\[errors.fields\].*lacks {missing}"):
        checks.judge_error_body("list_labels", 401, json.dumps(body).encode())


def test_a_429_needs_no_category_but_its_headers() -> None:
    """HubSpot's 429 has no category (not a violation); without rate-limit headers it breaks ratelimit.headers."""
    body = {"status": "error", "message": "slow", "correlationId": "c", "errorType": "RATE_LIMIT"}
    checks.judge_error_body("list_labels", 429, json.dumps(body).encode())
    with pytest.raises(RuleViolation, match=r"\[ratelimit.headers\].*missing on a 429"):
        checks.judge_rate_limit_headers("list_labels", 429, {})
    with pytest.raises(RuleViolation, match="remaining 9 is not between 0 and max 5"):
        checks.judge_rate_limit_headers(
            "list_labels",
            200,
            {"x-hubspot-ratelimit-max": "5", "x-hubspot-ratelimit-remaining": "9"},
        )


def test_documented_statuses_come_from_the_release() -> None:
    """delete_label documents 204 in v4: a 200 breaks status.documented; 204 holds."""
    checks.judge_status("delete_label", 204)
    with pytest.raises(RuleViolation, match=r"\[status.documented\] delete_label: answered 200"):
        checks.judge_status("delete_label", 200)


def test_a_live_target_reports_what_hubspot_does_not_promise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Live: status.documented is reported (kept for the summary), errors.fields still fails."""
    monkeypatch.setenv("HUBSPOT_CONTRACT_TARGET", "live")
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "t")
    target.selected.cache_clear()
    checks.judge_status("delete_label", 200)
    assert verdicts.cases()[("status.documented", "delete_label")].reported == 1
    with pytest.raises(RuleViolation):
        checks.judge_error_body("list_labels", 401, b'{"status": "error", "message": "no"}')


def test_the_wire_maps_requests_to_operations() -> None:
    """Paths of every family map to their operationId, literal segments before parameters."""
    assert (
        operation_of("GET", "/crm/v4/associations/contacts/companies/labels", "v4") == "list_labels"
    )
    assert (
        operation_of("DELETE", "/crm/v4/associations/contacts/companies/labels/9", "v4")
        == "delete_label"
    )
    assert (
        operation_of("GET", "/crm/v4/objects/contact/1/associations/company", "v4")
        == "list_associations"
    )
    assert (
        operation_of("GET", "/crm/v4/associations/definitions/configurations/all", "v4")
        == "list_all_limits"
    )
    assert operation_of("GET", "/somewhere/else", "v4") is None


def test_the_model_moves_primary_and_cascades() -> None:
    """The reference model: one primary per contact, a deleted label leaves its associations."""
    graph = Graph(labels={"x": LabelDef("x", 50, 51, "X", "X of")})
    graph.add("1", "10", [PRIMARY, "x"])
    graph.add("1", "11", [PRIMARY])
    assert graph.pairs == {("1", "10"): {UNLABELED, "x"}, ("1", "11"): {UNLABELED, PRIMARY}}
    graph.limits[51] = 1
    assert graph.refusal("2", "10", ["x"]) == "company 10 already has 1 of typeId 51"
    graph.delete_label("x")
    assert graph.pairs[("1", "10")] == {UNLABELED}
    assert graph.limits == {}
    assert graph.seen_from("company", "11") == {"1": {280, 2}}


def test_the_judging_transport_passes_compressed_answers_on_intact() -> None:
    """A gzip answer (as HubSpot sends) reaches the client decodable, and is judged decoded."""
    payload = json.dumps({"status": "error", "message": "no", "category": "X"}).encode()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400, content=gzip.compress(payload), headers={"content-encoding": "gzip"}
        )

    transport = JudgingTransport("v4", httpx.MockTransport(answer))
    with (
        httpx.Client(transport=transport, base_url="http://hubspot") as http,
        pytest.raises(RuleViolation, match="lacks correlationId"),
    ):
        http.get("/crm/v4/associations/contacts/companies/labels")
    verdicts.reset()
    payload = json.dumps({"results": []}).encode()
    with httpx.Client(transport=JudgingTransport("v4", httpx.MockTransport(
        lambda r: httpx.Response(200, content=gzip.compress(payload), headers={"content-encoding": "gzip"})
    ))) as http:  # fmt: skip
        assert http.get("http://hubspot/crm/v4/associations/contacts/companies/labels").json() == {
            "results": []
        }
