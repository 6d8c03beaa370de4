"""HubSpot's official Python client (hubspot-api-client), pointed at the emulator, runs every
associations v4 call: a client nobody here wrote must work against our server."""

from __future__ import annotations

from typing import Any

import httpx
import hubspot
from hubspot.crm.associations import v4
from hubspot.crm.associations.v4 import schema
from hubspot_associations_emulator import RunningEmulator


def _client(server: RunningEmulator) -> Any:
    return hubspot.HubSpot(access_token=server.token, host=server.base_url)


def test_basic_batch_and_report_apis(server: RunningEmulator) -> None:
    """BasicApi, BatchApi and ReportApi calls all succeed and parse."""
    httpx.post(f"{server.base_url}/_emulator/reset")
    assoc = _client(server).crm.associations.v4
    basic, batch = assoc.basic_api, assoc.batch_api

    made = basic.create_default("contact", "1", "company", "2")
    assert made.status == "COMPLETE"
    assert made.results[0].association_spec.association_type_id == 279
    pair = basic.create("contact", "1", "company", "3", [v4.AssociationSpec("HUBSPOT_DEFINED", 1)])
    assert (pair.from_object_type_id, pair.to_object_id, pair.labels) == ("0-1", "3", ["Primary"])
    page = basic.get_page("contact", "1", "company", limit=1)
    assert page.results[0].to_object_id == "2"
    assert page.paging.next.after
    rest = basic.get_page("contact", "1", "company", after=page.paging.next.after, limit=1)
    assert [t.type_id for t in rest.results[0].association_types] == [1, 279]
    assert rest.paging is None

    default = batch.create_default(
        "deal",
        "contact",
        v4.BatchInputPublicDefaultAssociationMultiPost(
            inputs=[
                v4.PublicDefaultAssociationMultiPost(
                    _from=v4.PublicObjectId(id="5"), to=v4.PublicObjectId(id="6")
                )
            ]
        ),
    )
    assert default.results[0].association_spec.association_type_id == 3
    created = batch.create(
        "deal",
        "contact",
        v4.BatchInputPublicAssociationMultiPost(
            inputs=[
                v4.PublicAssociationMultiPost(
                    _from=v4.PublicObjectId(id="5"),
                    to=v4.PublicObjectId(id="7"),
                    types=[v4.AssociationSpec("HUBSPOT_DEFINED", 3)],
                )
            ]
        ),
    )
    assert created.results[0].to_object_id == "7"
    read = batch.get_page(
        "deal",
        "contact",
        v4.BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[
                v4.PublicFetchAssociationsBatchRequest(id="5"),
                v4.PublicFetchAssociationsBatchRequest(id="99"),
            ]
        ),
    )
    assert [t.to_object_id for t in read.results[0].to] == ["6", "7"]
    assert read.errors[0].sub_category == "crm.associations.NO_ASSOCIATIONS_FOUND"
    batch.archive_labels(
        "contact",
        "company",
        v4.BatchInputPublicAssociationMultiPost(
            inputs=[
                v4.PublicAssociationMultiPost(
                    _from=v4.PublicObjectId(id="1"),
                    to=v4.PublicObjectId(id="3"),
                    types=[v4.AssociationSpec("HUBSPOT_DEFINED", 1)],
                )
            ]
        ),
    )
    batch.archive(
        "deal",
        "contact",
        v4.BatchInputPublicAssociationMultiArchive(
            inputs=[
                v4.PublicAssociationMultiArchive(
                    _from=v4.PublicObjectId(id="5"), to=[v4.PublicObjectId(id="6")]
                )
            ]
        ),
    )
    assert [r.to_object_id for r in basic.get_page("deal", "5", "contact").results] == ["7"]
    basic.archive("contact", "1", "company", "3")
    assert [r.to_object_id for r in basic.get_page("contact", "1", "company").results] == ["2"]

    report = assoc.report_api.request(42)
    assert (report.user_id, report.user_email) == (42, "user42@emulator.invalid")
    assert report.enqueue_time.year >= 2025


def test_definitions_and_definition_configurations_apis(server: RunningEmulator) -> None:
    """The schema DefinitionsApi and DefinitionConfigurationsApi calls all succeed and parse."""
    httpx.post(f"{server.base_url}/_emulator/reset")
    s = _client(server).crm.associations.v4.schema
    definitions, configurations = s.definitions_api, s.definition_configurations_api

    made = definitions.create(
        "contact",
        "deal",
        schema.PublicAssociationDefinitionCreateRequest(
            label="Decision maker", name="decision_maker", inverse_label="Decided by"
        ),
    )
    forward = made.results[0].type_id
    assert [r.label for r in made.results] == ["Decision maker", "Decided by"]
    listed = definitions.get_all("contact", "deal")
    assert [(r.category, r.type_id, r.label) for r in listed.results] == [
        ("HUBSPOT_DEFINED", 4, None),
        ("USER_DEFINED", forward, "Decision maker"),
    ]
    definitions.update(
        "contact",
        "deal",
        schema.PublicAssociationDefinitionUpdateRequest(label="Buyer", association_type_id=forward),
    )
    assert definitions.get_all("contact", "deal").results[1].label == "Buyer"

    created = configurations.batch_create(
        "contact",
        "deal",
        schema.BatchInputPublicAssociationDefinitionConfigurationCreateRequest(
            inputs=[
                schema.PublicAssociationDefinitionConfigurationCreateRequest(
                    category="USER_DEFINED", type_id=forward, max_to_object_ids=3
                )
            ]
        ),
    )
    assert created.results[0].user_enforced_max_to_object_ids == 3
    assert configurations.get_all().results[0].type_id == forward
    updated = configurations.batch_update(
        "contact",
        "deal",
        schema.BatchInputPublicAssociationDefinitionConfigurationUpdateRequest(
            inputs=[
                schema.PublicAssociationDefinitionConfigurationUpdateRequest(
                    category="USER_DEFINED", type_id=forward, max_to_object_ids=4
                )
            ]
        ),
    )
    assert updated.results[0].user_enforced_max_to_object_ids == 4
    pair = configurations.get_all_between_two_object_types("contact", "deal")
    assert [(r.type_id, r.user_enforced_max_to_object_ids, r.label) for r in pair.results] == [
        (forward, 4, "Buyer")
    ]
    configurations.batch_remove(
        "contact",
        "deal",
        schema.BatchInputPublicAssociationSpec(
            inputs=[schema.PublicAssociationSpec(category="USER_DEFINED", type_id=forward)]
        ),
    )
    assert configurations.get_all().results == []
    definitions.remove("contact", "deal", forward)
    assert [r.type_id for r in definitions.get_all("contact", "deal").results] == [4]
