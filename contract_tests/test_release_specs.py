"""Each HubSpot release's strict spec (shipped in hubspot_associations_contract/specs/) against the emulator.

The tolerant curated spec generates the client; a server is checked against the strict spec of
the release it claims to serve: only the operations that release offers, only its statuses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
import yaml
from hubspot_associations_contract.specs import spec_path
from hubspot_associations_emulator import EmulatorConfig, create_app
from schemathesis.config import SchemathesisConfig

from contract_tests import target
from hubspot_associations import API_VERSIONS

EMULATOR_TOKEN = EmulatorConfig().token


def contract_config(token: str, examples: int) -> SchemathesisConfig:
    """Fixed seed, positive and negative data, every check, object types the emulator knows."""
    return SchemathesisConfig.from_dict(
        {
            "seed": target.seed(),
            "headers": {"Authorization": f"Bearer {token}"},
            "parameters": {
                "fromObjectType": "contacts",
                "objectType": "contact",
                "toObjectType": "companies",
            },
            "generation": {
                "mode": "all",
                "max-examples": examples,
                "deterministic": True,
                "database": "none",
            },
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 400, 404, 409]}},
        }
    )


def _release_test(name: str) -> Callable[..., None]:
    schema = schemathesis.openapi.from_path(
        spec_path(name),
        config=contract_config(EMULATOR_TOKEN, examples=max(3, target.examples() // 3)),
    )
    schema.app = create_app(EmulatorConfig())

    @schema.parametrize()
    def test(case: Any) -> None:
        """Every operation of the release passes every schemathesis check against the emulator."""
        response = case.call()
        case.validate_response(response)

    return test  # type: ignore[no-any-return]


for _name in API_VERSIONS:
    globals()[f"test_release_{_name.replace('-', '_')}_conforms"] = _release_test(_name)


@pytest.mark.parametrize("release", API_VERSIONS)
def test_batch_create_answers_only_the_releases_statuses(release: str) -> None:
    """Batch create (one good, one refused input) answers a status the release's spec lists, and
    the list call exists exactly where the release offers it."""
    spec = yaml.safe_load(spec_path(release).read_text(encoding="utf-8"))
    paths = spec["paths"]
    batch = next(p for p in paths if p.endswith("/batch/create") and "configurations" not in p)
    allowed = {int(c) for c in paths[batch]["post"]["responses"] if str(c).startswith("2")}
    url = batch.replace("{fromObjectType}", "contacts").replace("{toObjectType}", "companies")
    spec_of = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}
    body = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "types": [spec_of]},
                       {"from": {"id": "3"}, "to": {"id": "4"},
                        "types": [{**spec_of, "associationTypeId": 99999}]}]}  # fmt: skip
    answer, list_status = asyncio.run(_send(url, body, paths))
    assert answer.status_code in allowed, answer.text
    assert answer.json()["numErrors"] == 1
    offers_list = any(p.endswith("/associations/{toObjectType}") for p in paths)
    assert (list_status == 200) == offers_list, list_status


async def _send(url: str, body: dict[str, Any], paths: dict[str, Any]) -> tuple[Any, int]:
    app = create_app(EmulatorConfig())
    headers = {"Authorization": f"Bearer {EMULATOR_TOKEN}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://e") as http:
        answer = await http.post(url, json=body, headers=headers)
        object_path = next(p for p in paths if "/associations/default/" in p)
        base = object_path.split("/{fromObjectType}")[0]
        listed = await http.get(f"{base}/contact/1/associations/company", headers=headers)
    return answer, listed.status_code
