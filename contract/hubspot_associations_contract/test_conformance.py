"""Schemathesis over every operation of the release's strict spec, with the suite's own checks.

Positive and negative data, every built-in check and the custom ones of ``checks.py``. Against the
emulator, also linked sequences (label, limit and paging lifecycles along the links overlay) and
every operation with a wrong token. Against a live portal only reads are generated.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

from hubspot_associations._settings import default_rate_limit

from . import checks, conditions, conformance_record, coverage, selection, verdicts
from .rules import RuleViolation
from .specs import spec_path, strict_spec
from .target import selected

# Object types are free strings in the spec, but only names HubSpot knows get past the first
# check; fixing them lets the generated IDs, bodies and cursors reach the logic.
FIXED_OBJECT_TYPES = {
    "fromObjectType": "contacts",
    "objectType": "contact",
    "toObjectType": "companies",
}

# From this many examples per operation a run includes the coverage phase.
COVERAGE_FROM_EXAMPLES = 5


def contract_config() -> SchemathesisConfig:
    """Fixed seed, positive and negative data, every check on; reads only and paced when live."""
    target = selected()
    config = SchemathesisConfig.from_dict(
        {
            "seed": target.seed,
            "base-url": target.base_url,
            "headers": {"Authorization": f"Bearer {target.token}"},
            "parameters": dict(FIXED_OBJECT_TYPES),
            # schemathesis' coverage phase (boundary values of every parameter and field) costs
            # seconds per run before the first request; a quick run (--examples below 5) skips it.
            "phases": {"coverage": {"enabled": target.examples >= COVERAGE_FROM_EXAMPLES}},
            "generation": {
                "mode": "all" if target.strict else "positive",
                "max-examples": target.examples,
                "deterministic": True,
                "database": "none",
            },
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": conformance_record.POSITIVE_STATUSES
                },
            },
        }
    )
    if not target.strict:
        # Half the portal's budget per second for generated requests (5/s at HubSpot's smallest
        # tier), the rest for the scenarios; HUBSPOT_ASSOCIATIONS_RATE_LIMIT names the portal's.
        requests, seconds = default_rate_limit()
        config.projects.override.update(rate_limit=f"{max(1, int(requests / seconds / 2))}/s")
    return config


_full = schemathesis.openapi.from_path(spec_path(selected().release), config=contract_config())
# Generated data must never write to a portal.
_only: dict[str, Any] = {} if selected().strict else {"method": "GET"}
_readable = _full.include(**_only) if _only else _full
# Only the operations --operation/--exclude-operation select (selection.py); one include, as
# schemathesis joins separate ones with "or".
_chosen = selection.current()
if _chosen.operations:
    _only["operation_id"] = sorted(_chosen.operations)
schema = _full.include(**_only) if _only else _full
if _chosen.excluded_operations:
    schema = schema.exclude(operation_id=sorted(_chosen.excluded_operations))


def _mode(case: Any) -> str:
    meta = getattr(case, "meta", None)
    return str(getattr(getattr(meta, "generation", None), "mode", "")).lower()


def validate(case: Any, response: Any, **kwargs: Any) -> None:
    """Run every check; name each failure's rule; note the built-in rules that held. The request
    is recorded first: a failure's reproducer (conformance_record.py)."""
    operation = str(case.operation.definition.raw["operationId"])
    sent = response.request
    conformance_record.exchange(
        operation, str(sent.method), str(sent.url), sent.headers, sent.body,
        response.status_code, response.content, token=selected().token,
        mode=next((m for m in ("negative", "positive") if m in _mode(case)), None),
    )  # fmt: skip
    try:
        case.validate_response(response, **kwargs)
    except FailureGroup as group:
        named = []
        for failure in group.exceptions:
            rule = conformance_record.rule_of(failure)
            if not isinstance(getattr(failure, "exception", None), RuleViolation):
                verdicts.note_failure(
                    RuleViolation(rule, operation, failure.title), status=response.status_code
                )
            named.append(f"[{rule}] {failure.title}")
        rule_of = conformance_record.rule_of
        kept = [f for f in group.exceptions if selection.current().keeps(rule_of(f), operation)]
        if not kept:
            return  # every rule it broke is outside the run's selection (--rule, --operation)
        conformance_record.failed(
            rule_of(kept[0]), operation, conformance_record.message_of(kept[0])
        )
        group.add_note("broken rules: " + "; ".join(dict.fromkeys(named)))
        raise
    for rule in ("schema.response", "schema.server-error", "schema.other"):
        verdicts.passed(rule, operation)
    mode = _mode(case)
    if "negative" in mode:
        verdicts.passed("schema.negative-data", operation)
    elif "positive" in mode:
        verdicts.passed("schema.positive-data", operation)


if any(True for _ in schema.get_all_operations()):

    @schema.parametrize()
    def test_every_operation_conforms(case: Any) -> None:
        """Every operation of the release passes the built-in and the suite's own checks."""
        conformance_record.start()
        validate(case, case.call())

else:
    # schemathesis fails the collection of a test that matches no operation.
    @pytest.mark.skip(reason="no operation of the selection is generated here (live: reads only)")
    def test_every_operation_conforms(case: Any) -> None:
        """Every operation of the release passes the built-in and the suite's own checks."""


def _placeholder(name: str) -> str:
    return FIXED_OBJECT_TYPES.get(name, "1")


def _operations() -> list[tuple[str, str, str, bool]]:
    out = []
    for path, item in strict_spec(selected().release)["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete") and selection.current().operation(
                operation["operationId"]
            ):
                out.append(
                    (operation["operationId"], method.upper(), path, "requestBody" in operation)
                )
    return out


@pytest.mark.parametrize(("operation", "method", "path", "has_body"), _operations())
def test_a_wrong_token_gets_hubspots_401(
    operation: str, method: str, path: str, has_body: bool
) -> None:
    """Every operation refuses a wrong token with 401 and a complete HubSpot error body."""
    target = selected()
    if not target.strict and method != "GET":
        pytest.skip("against a live portal only reads are sent")
    url = target.base_url + path.format_map({k: _placeholder(k) for k in _names(path)})
    response = conditions.http().request(
        method,
        url,
        headers={"Authorization": "Bearer not-a-token-of-this-portal"},
        json={"inputs": []} if has_body else None,
        timeout=30,
    )
    coverage.saw(operation, response.status_code)
    conformance_record.start()
    sent = response.request
    conformance_record.exchange(
        operation, sent.method, str(sent.url), sent.headers, sent.content, response.status_code,
        response.content, token=target.token, check="wrong-token",
    )  # fmt: skip
    try:
        verdicts.judge(
            response.status_code == 401,
            "errors.fields",
            operation,
            f"a wrong token got {response.status_code}, not 401",
            status=response.status_code,
        )
        checks.judge_error_body(operation, response.status_code, response.content)
    except RuleViolation as exc:
        conformance_record.failed(exc.rule, exc.operation, exc.detail)
        raise


def _names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


# Links need both their ends: the sequences keep every operation; their verdicts are filtered.
class LinkedSequences(_readable.as_state_machine()):  # type: ignore[misc]
    """Sequences along the links overlay (labels, limits, paging), from an empty emulator."""

    def setup(self) -> None:
        """Start each scenario from an empty emulator."""
        target = selected()
        conditions.fresh(target.base_url)
        conformance_record.start()  # a reproducer's steps: this sequence's requests

    def before_call(self, case: Any) -> None:
        """Use object types the emulator knows (as the parametrized test does through its config)."""
        for name, value in FIXED_OBJECT_TYPES.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = value

    def validate_response(
        self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
    ) -> None:
        """Run every check, naming the broken rule."""
        validate(
            case,
            response,
            additional_checks=additional_checks,
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )


def test_linked_sequences_conform() -> None:
    """Linked sequences (label lifecycle, limit lifecycle, paging) pass every check."""
    target = selected()
    if not target.strict:
        pytest.skip("linked sequences write: the emulator only")
    LinkedSequences.run(
        settings=settings(
            max_examples=max(3, target.examples // 4),
            stateful_step_count=6,
            derandomize=True,
            database=None,
            deadline=None,
        )
    )
