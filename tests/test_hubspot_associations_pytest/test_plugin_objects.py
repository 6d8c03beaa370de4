"""A user's create-then-associate app tested through the plugin's fixtures with no seeding: its
test file (run through pytester) creates a company and a deal associated with it through HubSpot's
official client on the fixture's emulator, checks the association with this package's client
fixture and the request counts by the object operations' names, and finds nothing of it in the
next test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[2]

USER_TESTS = """
import hubspot
from hubspot.crm import companies, deals
from hubspot_associations_pytest import HubSpotAssociations, HubSpotEmulator

DEAL_TO_COMPANY = 341  # HubSpot-defined: deal to company, unlabeled
FIRST_ID = "10000000001"  # the emulator's first object ID after a reset


def create_deal_with_company(api: hubspot.HubSpot, name: str) -> tuple[str, str]:
    # The user's app: a company, then a deal associated with it in the deal's own create.
    company = api.crm.companies.basic_api.create(
        companies.SimplePublicObjectInputForCreate(properties={"name": name})
    )
    deal = api.crm.deals.basic_api.create(
        deals.SimplePublicObjectInputForCreate(
            properties={"dealname": f"{name} renewal", "amount": "1200"},
            associations=[deals.PublicAssociationsForObject(
                to=deals.PublicObjectId(id=company.id),
                types=[deals.AssociationSpec(association_category="HUBSPOT_DEFINED",
                                             association_type_id=DEAL_TO_COMPANY)],
            )],
        )
    )
    return company.id, deal.id


def test_create_then_associate(
    hubspot_emulator: HubSpotEmulator, hubspot_client: HubSpotAssociations
) -> None:
    api = hubspot.HubSpot(access_token=hubspot_emulator.token, host=hubspot_emulator.base_url)
    company_id, deal_id = create_deal_with_company(api, "Acme")
    assert company_id == FIRST_ID
    to_companies = hubspot_client.basic.get_page("deal", deal_id, "company").results
    assert [str(r.to_object_id) for r in to_companies] == [company_id]
    assert [t.type_id for t in to_companies[0].association_types] == [DEAL_TO_COMPANY]
    back = [str(r.to_object_id) for r in hubspot_client.basic.iter_all("company", company_id, "deal")]
    assert back == [deal_id]
    counts = hubspot_emulator.control.requests()
    assert counts.operations["create_object"] == 2
    assert counts.writes == 2
    hubspot_emulator.control.journal().assert_not_called("associate_default")


def test_the_next_test_starts_empty(hubspot_emulator: HubSpotEmulator) -> None:
    api = hubspot.HubSpot(access_token=hubspot_emulator.token, host=hubspot_emulator.base_url)
    assert api.crm.deals.basic_api.get_page().results == []
    assert create_deal_with_company(api, "Beta")[0] == FIRST_ID
    assert hubspot_emulator.control.snapshot().objects == {"0-2": (10000000001,),
                                                          "0-3": (10000000002,)}
"""


def test_a_create_then_associate_app_needs_no_seeding(pytester: pytest.Pytester) -> None:
    """The user's tests pass with the plugin as it is (no marker, no seed): the objects and the
    association the official client created are what this package's client reads, the counts
    name create_object, and the next test finds an empty portal whose IDs start over."""
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_create_then_associate_how_to_runs_as_written(pytester: pytest.Pytester) -> None:
    """docs/create-then-associate.md's app (crm_flow.py) and its tests (every block headed
    test_crm_flow.py, in order) run as a user's files through the plugin, and all pass."""
    page = (ROOT / "docs" / "create-then-associate.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)
    app = [b for b in blocks if b.startswith("# crm_flow.py\n")]
    tests = [b for b in blocks if b.startswith("# test_crm_flow.py\n")]
    assert (len(app), len(blocks)) == (1, 1 + len(tests))
    pytester.makepyfile(crm_flow=app[0], test_crm_flow="\n\n".join(tests))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed="\n".join(tests).count("\ndef test_"))
