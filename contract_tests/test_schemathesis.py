"""Schemathesis against a server: every operation of the curated spec with every check that applies.

Against the emulator (the default) the app runs in-process through ASGI; against a live target
(see target.py) only the read-only operations run, over HTTPS. A failure prints the reproducing
request as a curl command: keep it in CI output.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import schemathesis
from hubspot_associations_emulator import EmulatorConfig, create_app
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection

from contract_tests import coverage, target
from contract_tests.strategies import SPEC_PATH

EMULATOR_TOKEN = EmulatorConfig().token


FIXED_OBJECT_TYPES = {
    "fromObjectType": "contacts",
    "objectType": "contact",
    "toObjectType": "companies",
}


def contract_config(token: str, examples: int | None = None) -> SchemathesisConfig:
    """Schemathesis settings: fixed seed, positive and negative data, every check on."""
    return SchemathesisConfig.from_dict(
        {
            "seed": target.seed(),
            "headers": {"Authorization": f"Bearer {token}"},
            # Object types are free strings in the spec, but only names HubSpot knows get past the
            # first check; fixing them lets the generated IDs, bodies and cursors reach the logic.
            "parameters": dict(FIXED_OBJECT_TYPES),
            "generation": {
                "mode": "all",
                "max-examples": examples or target.examples(),
                "deterministic": True,
                "database": "none",
            },
            "checks": {
                # Schema-valid input can still name records, labels or type IDs that do not exist:
                # HubSpot answers those with 400 VALIDATION_ERROR (or 404/409), never a 5xx.
                "positive_data_acceptance": {"expected-statuses": ["2xx", 400, 404, 409]},
            },
        }
    )


# Disagreements between the emulator and the curated spec that schemathesis found, reported to
# the emulator's owner and not yet settled. Only the one check they trip is off, only for these
# operations, and the summary prints them, so they cannot be forgotten. Remove a line when fixed.
KNOWN_DISAGREEMENTS: dict[str, str] = {}

if target.selected().kind == "emulator":
    coverage.NOTES.extend(
        f"known disagreement, negative_data_rejection off for {operation}: {reason}"
        for operation, reason in KNOWN_DISAGREEMENTS.items()
    )

emulator_schema = schemathesis.openapi.from_path(SPEC_PATH, config=contract_config(EMULATOR_TOKEN))
emulator_schema.app = create_app(EmulatorConfig())


def call_validate_and_record(case: Any, **kwargs: Any) -> None:
    """Send the case, note its status for the coverage table, then run every check."""
    operation_id = case.operation.definition.raw["operationId"]
    response = case.call(**kwargs)
    coverage.record("schemathesis", operation_id, response.status_code)
    excluded = [negative_data_rejection] if operation_id in KNOWN_DISAGREEMENTS else []
    case.validate_response(response, excluded_checks=excluded)


@emulator_schema.parametrize()
def test_emulator_conforms_to_the_spec(case: Any) -> None:
    """Every operation against the in-process emulator passes every schemathesis check."""
    call_validate_and_record(case)


async def reset_emulator(app: Any) -> None:
    """Empty the in-process emulator through its control API."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as control:
        (await control.post("/_emulator/reset")).raise_for_status()


class EmulatorWorkflow(emulator_schema.as_state_machine()):  # type: ignore[misc]
    """Stateful sequences along the links overlay (labels, limits, paging) against the emulator."""

    def setup(self) -> None:
        """Start each scenario from an empty emulator (the parametrized run fills the label slots)."""
        asyncio.run(reset_emulator(emulator_schema.app))

    def before_call(self, case: Any) -> None:
        """Use object types the emulator knows (as the parametrized test does through its config)."""
        if case.path_parameters:
            for name, value in FIXED_OBJECT_TYPES.items():
                if name in case.path_parameters:
                    case.path_parameters[name] = value

    def validate_response(
        self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
    ) -> None:
        """Record the status for the coverage table, then run every check."""
        operation_id = case.operation.definition.raw["operationId"]
        coverage.record("schemathesis", operation_id, response.status_code)
        excluded = [negative_data_rejection] if operation_id in KNOWN_DISAGREEMENTS else []
        case.validate_response(
            response,
            additional_checks=additional_checks,
            excluded_checks=excluded,
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )


def test_stateful_sequences_conform() -> None:
    """Linked sequences (label lifecycle, limit lifecycle, paging) pass every check against the emulator."""
    from hypothesis import settings

    EmulatorWorkflow.run(
        settings=settings(
            max_examples=max(5, target.examples() // 2),
            stateful_step_count=8,
            derandomize=True,
            database=None,
            deadline=None,
        )
    )
