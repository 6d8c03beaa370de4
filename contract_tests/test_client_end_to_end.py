"""The generated client against the emulator over real HTTP: all 19 operations, sync and async."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api.api.basic import (
    associate_default,
    associate_with_labels,
    list_associations,
    remove_associations,
)
from hubspot_associations_api.api.batch import (
    batch_associate_default,
    batch_create_associations,
    batch_read_associations,
    batch_remove_associations,
)
from hubspot_associations_api.api.labels import (
    list_labels,
)
from hubspot_associations_api.api.limits import (
    list_all_limits,
)
from hubspot_associations_api.api.report import request_high_usage_report
from hubspot_associations_api.models import (
    AssociatedRecordPage,
    AssociationCategory,
    AssociationInput,
    AssociationSpec,
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicDefaultAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    BatchStatus,
    DefaultAssociationBatch,
    Error,
    LabelsBetweenObjectPair,
    LabelsBetweenObjectPairBatch,
    PublicAssociationMultiArchive,
    PublicDefaultAssociationMultiPost,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
    RecordAssociationsBatch,
    ReportCreationResponse,
)
from hubspot_associations_api.types import UNSET, Unset
from hubspot_associations_emulator import RunningEmulator, serve_in_thread

from contract_tests import coverage

pytestmark = pytest.mark.anyio

MODES = ["sync", "async"]
HUBSPOT = AssociationCategory.HUBSPOT_DEFINED
CONTACT_TO_COMPANY_UNLABELED, CONTACT_TO_COMPANY_PRIMARY = 279, 1
DEAL_TO_CONTACT = 3


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    """One emulator on 127.0.0.1 for the module; each test resets it."""
    with serve_in_thread() as running:
        yield running


@pytest.fixture
async def client(emulator: RunningEmulator) -> AsyncIterator[AuthenticatedClient]:
    """A generated client pointed at a freshly reset emulator."""
    async with httpx.AsyncClient() as control:
        (await control.post(f"{emulator.base_url}/_emulator/reset")).raise_for_status()
    api = AuthenticatedClient(base_url=emulator.base_url, token=emulator.token)
    yield api
    api.get_httpx_client().close()
    await api.get_async_httpx_client().aclose()


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """Whether the test drives the sync or the async function of each operation."""
    return str(request.param)


async def call(mode: str, module: ModuleType, *args: Any, **kwargs: Any) -> Any:
    """Call one operation through its sync_detailed or asyncio_detailed function; note the status."""
    if mode == "sync":
        response = module.sync_detailed(*args, **kwargs)
    else:
        response = await module.asyncio_detailed(*args, **kwargs)
    coverage.record("client e2e", module.__name__.rsplit(".", 1)[-1], int(response.status_code))
    return response


def seed(emulator: RunningEmulator, body: dict[str, Any]) -> None:
    """Add state through the emulator's control API."""
    httpx.post(f"{emulator.base_url}/_emulator/seed", json=body).raise_for_status()


def pair(from_id: str, to_id: str, *types: tuple[AssociationCategory, int]) -> AssociationInput:
    """A batch input associating two records with the given types."""
    return AssociationInput(
        from_=PublicObjectId(id=from_id),
        to=PublicObjectId(id=to_id),
        types=[AssociationSpec(association_category=c, association_type_id=t) for c, t in types],
    )


async def test_associate_default_and_list(mode: str, client: AuthenticatedClient) -> None:
    """associate_default answers the forward unlabeled spec; list_associations then shows the record."""
    created = await call(mode, associate_default, "contact", "1", "company", "10", client=client)
    assert created.status_code == 200
    assert isinstance(created.parsed, DefaultAssociationBatch)
    assert created.parsed.status == BatchStatus.COMPLETE
    (result,) = created.parsed.results
    assert (result.from_.id, result.to.id) == ("1", "10")
    assert result.association_spec.association_type_id == CONTACT_TO_COMPANY_UNLABELED
    page = await call(mode, list_associations, "contact", "1", "company", client=client)
    assert page.status_code == 200
    assert isinstance(page.parsed, AssociatedRecordPage)
    assert [item.to_object_id for item in page.parsed.results] == ["10"]
    assert page.parsed.paging is None


async def test_associate_with_labels_and_remove(mode: str, client: AuthenticatedClient) -> None:
    """A labelled PUT answers the labels between the pair; remove_associations deletes them all."""
    labelled = await call(
        mode, associate_with_labels, "contact", "1", "company", "10", client=client,
        body=[AssociationSpec(association_category=HUBSPOT, association_type_id=CONTACT_TO_COMPANY_PRIMARY)],
    )  # fmt: skip
    assert labelled.status_code == 201
    assert isinstance(labelled.parsed, LabelsBetweenObjectPair)
    assert (labelled.parsed.from_object_id, labelled.parsed.to_object_id) == ("1", "10")
    assert "Primary" in labelled.parsed.labels
    removed = await call(mode, remove_associations, "contact", "1", "company", "10", client=client)
    assert removed.status_code == 204
    assert removed.parsed is None
    page = await call(mode, list_associations, "contact", "1", "company", client=client)
    assert isinstance(page.parsed, AssociatedRecordPage)
    assert page.parsed.results == []


async def test_paged_reads_follow_after_to_the_end(
    mode: str, client: AuthenticatedClient, emulator: RunningEmulator
) -> None:
    """list_associations pages follow paging.next.after until a page comes without paging."""
    seed(
        emulator,
        {
            "bulk": [
                {
                    "fromObjectType": "company",
                    "fromObjectId": "10",
                    "toObjectType": "contact",
                    "firstToObjectId": 1,
                    "count": 1203,
                }
            ]
        },
    )
    seen: list[str] = []
    after: str | Unset = UNSET
    for _ in range(10):
        page = await call(
            mode,
            list_associations,
            "company",
            "10",
            "contact",
            client=client,
            after=after,
            limit=500,
        )
        assert isinstance(page.parsed, AssociatedRecordPage)
        seen.extend(item.to_object_id for item in page.parsed.results)
        if page.parsed.paging is None or page.parsed.paging.next_ is None:
            break
        after = page.parsed.paging.next_.after
    assert len(seen) == len(set(seen)) == 1203


async def test_batch_associate_create_read_and_remove(
    mode: str, client: AuthenticatedClient
) -> None:
    """The batch calls answer their documented models: 200, 201, 207 with errors, 204."""
    default = await call(
        mode, batch_associate_default, "contact", "company", client=client,
        body=BatchInputPublicDefaultAssociationMultiPost(inputs=[PublicDefaultAssociationMultiPost(from_=PublicObjectId(id="1"), to=PublicObjectId(id="10"))]),
    )  # fmt: skip
    assert default.status_code == 200
    assert isinstance(default.parsed, DefaultAssociationBatch)
    assert default.parsed.results[0].to.id == "10"
    created = await call(
        mode, batch_create_associations, "contact", "company", client=client,
        body=BatchInputPublicAssociationMultiPost(inputs=[pair("2", "11", (HUBSPOT, CONTACT_TO_COMPANY_PRIMARY))]),
    )  # fmt: skip
    assert created.status_code == 201
    assert isinstance(created.parsed, LabelsBetweenObjectPairBatch)
    assert created.parsed.results[0].labels == ["Primary"]
    partial = await call(
        mode, batch_create_associations, "contact", "company", client=client,
        body=BatchInputPublicAssociationMultiPost(inputs=[pair("3", "12", (HUBSPOT, CONTACT_TO_COMPANY_UNLABELED)), pair("3", "13", (HUBSPOT, 999_999))]),
    )  # fmt: skip
    assert partial.status_code == 207
    assert isinstance(partial.parsed, LabelsBetweenObjectPairBatch)
    assert partial.parsed.num_errors == 1
    read = await call(
        mode, batch_read_associations, "contact", "company", client=client,
        body=BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id="1")]),
    )  # fmt: skip
    assert read.status_code == 200
    assert isinstance(read.parsed, RecordAssociationsBatch)
    assert read.parsed.results[0].to[0].to_object_id == "10"
    missing = await call(
        mode, batch_read_associations, "contact", "company", client=client,
        body=BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id="1"), PublicFetchAssociationsBatchRequest(id="99")]),
    )  # fmt: skip
    assert missing.status_code == 207
    assert isinstance(missing.parsed, RecordAssociationsBatch)
    assert missing.parsed.errors
    assert missing.parsed.errors[0].sub_category == "crm.associations.NO_ASSOCIATIONS_FOUND"
    archived = await call(
        mode, batch_remove_associations, "contact", "company", client=client,
        body=BatchInputPublicAssociationMultiArchive(inputs=[PublicAssociationMultiArchive(from_=PublicObjectId(id="1"), to=[PublicObjectId(id="10")])]),
    )  # fmt: skip
    assert archived.status_code == 204
    assert archived.parsed is None


async def test_high_usage_report(mode: str, client: AuthenticatedClient) -> None:
    """request_high_usage_report answers who gets the report and when it was queued."""
    report = await call(mode, request_high_usage_report, 12345, client=client)
    assert report.status_code == 200
    assert isinstance(report.parsed, ReportCreationResponse)
    assert report.parsed.user_id == 12345
    assert "@" in report.parsed.user_email


async def test_errors_parse_into_the_error_model(
    mode: str, client: AuthenticatedClient, emulator: RunningEmulator
) -> None:
    """An unknown object type (400) and a bad token (401) come back as typed Error models."""
    unknown = await call(mode, list_labels, "not_a_type", "company", client=client)
    assert unknown.status_code == 400
    assert isinstance(unknown.parsed, Error)
    assert "not_a_type" in str(unknown.parsed.message)
    stranger = AuthenticatedClient(base_url=emulator.base_url, token="wrong-token")
    denied = await call(mode, list_all_limits, client=stranger)
    assert denied.status_code == 401
    assert isinstance(denied.parsed, Error)
    assert denied.parsed.category == "INVALID_AUTHENTICATION"
