"""The same contract against a live HubSpot portal (or any server): read-only unless writes are opted in.

Selected by contract_tests/target.py: HUBSPOT_CONTRACT_TARGET=live (or HUBSPOT_BASE_URL) with
HUBSPOT_ACCESS_TOKEN. Without a token every test here is skipped with a message saying how to
enable it. Writes (HUBSPOT_CONTRACT_ALLOW_WRITES=1) touch only a label the test creates and deletes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api.api.labels import (
    create_label,
    delete_label,
    list_labels,
    update_label,
)
from hubspot_associations_api.api.limits import list_all_limits, list_limits
from hubspot_associations_api.models import (
    AssociationCategory,
    CollectionResponseAssociationSpecWithLabelNoPaging,
    CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging,
    PublicAssociationDefinitionCreateRequest,
    PublicAssociationDefinitionUpdateRequest,
)
from schemathesis.config import SchemathesisConfig

from contract_tests import coverage, target
from contract_tests.strategies import SPEC_PATH
from contract_tests.test_schemathesis import FIXED_OBJECT_TYPES, contract_config

pytestmark = pytest.mark.live

CONTACT_TO_COMPANY_UNLABELED = 279


def live_config() -> SchemathesisConfig:
    """The contract run's settings, aimed at the live target and kept under HubSpot's burst limit."""
    selected = target.selected()
    config = contract_config(selected.token or "no-token")
    config.projects.override.update(rate_limit="5/s")
    return config


# Only GET operations: schemathesis sends generated data, which must never write to a portal.
live_schema = schemathesis.openapi.from_path(SPEC_PATH, config=live_config()).include(method="GET")


@live_schema.parametrize()
def test_live_reads_conform_to_the_spec(case: Any, live_target: target.Target) -> None:
    """Every read-only operation of the live target passes every schemathesis check."""
    response = case.call(base_url=live_target.base_url)
    coverage.record(
        "schemathesis", case.operation.definition.raw["operationId"], response.status_code
    )
    case.validate_response(response)


@pytest.fixture
def live_client(live_target: target.Target) -> Iterator[AuthenticatedClient]:
    """A generated client for the live target."""
    client = AuthenticatedClient(base_url=live_target.base_url, token=live_target.token or "")
    yield client
    client.get_httpx_client().close()


def test_live_labels_and_limits_parse(live_client: AuthenticatedClient) -> None:
    """The live answers of list_labels, list_limits and list_all_limits parse into their models."""
    labels = list_labels.sync_detailed("contacts", "companies", client=live_client)
    coverage.record("client e2e", "list_labels", int(labels.status_code))
    assert isinstance(labels.parsed, CollectionResponseAssociationSpecWithLabelNoPaging), (
        labels.content[:500]
    )
    assert CONTACT_TO_COMPANY_UNLABELED in {spec.type_id for spec in labels.parsed.results}
    for module, args in ((list_limits, ("contacts", "companies")), (list_all_limits, ())):
        limits = module.sync_detailed(*args, client=live_client)
        coverage.record("client e2e", module.__name__.rsplit(".", 1)[-1], int(limits.status_code))
        assert isinstance(
            limits.parsed, CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging
        ), limits.content[:500]


def test_live_label_lifecycle(live_client: AuthenticatedClient, live_target: target.Target) -> None:
    """With writes opted in: create a label, rename it, see it listed, delete it (always deleted at the end)."""
    if not live_target.allow_writes:
        pytest.skip(
            "writes against the live target are off: set HUBSPOT_CONTRACT_ALLOW_WRITES=1 to create and delete one test label"
        )
    name = f"contract_suite_{uuid.uuid4().hex[:10]}"
    made = create_label.sync_detailed(
        FIXED_OBJECT_TYPES["fromObjectType"], FIXED_OBJECT_TYPES["toObjectType"], client=live_client,
        body=PublicAssociationDefinitionCreateRequest(name=name, label="Contract suite label"),
    )  # fmt: skip
    coverage.record("client e2e", "create_label", int(made.status_code))
    assert isinstance(made.parsed, CollectionResponseAssociationSpecWithLabelNoPaging), (
        made.content[:500]
    )
    type_ids = [spec.type_id for spec in made.parsed.results]
    try:
        assert all(
            spec.category == AssociationCategory.USER_DEFINED for spec in made.parsed.results
        )
        renamed = update_label.sync_detailed(
            "contacts", "companies", client=live_client,
            body=PublicAssociationDefinitionUpdateRequest(association_type_id=type_ids[0], label="Contract suite label, renamed"),
        )  # fmt: skip
        coverage.record("client e2e", "update_label", int(renamed.status_code))
        assert 200 <= renamed.status_code < 300, renamed.content[:500]
        listed = list_labels.sync_detailed("contacts", "companies", client=live_client)
        assert isinstance(listed.parsed, CollectionResponseAssociationSpecWithLabelNoPaging)
        labels = {spec.type_id: spec.label for spec in listed.parsed.results}
        assert labels[type_ids[0]] == "Contract suite label, renamed"
    finally:
        for type_id in type_ids:
            deleted = delete_label.sync_detailed(
                "contacts", "companies", type_id, client=live_client
            )
            coverage.record("client e2e", "delete_label", int(deleted.status_code))
    assert 200 <= deleted.status_code < 300, deleted.content[:500]
