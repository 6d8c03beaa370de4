"""The generated client survives HubSpot's wire quirks (canned answers via httpx.MockTransport)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api.api.basic import associate_with_labels, list_associations
from hubspot_associations_api.api.batch import (
    batch_create_associations,
    batch_read_associations,
    batch_remove_associations,
)
from hubspot_associations_api.api.labels import list_labels
from hubspot_associations_api.api.limits import create_limits
from hubspot_associations_api.api.report import request_high_usage_report
from hubspot_associations_api.models import (
    AssociatedRecordPage,
    AssociationCategory,
    AssociationInput,
    AssociationLimitBatch,
    AssociationSpec,
    BatchInputPublicAssociationDefinitionConfigurationCreateRequest,
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    BatchStatus,
    CollectionResponseAssociationSpecWithLabelNoPaging,
    EpochTime,
    Error,
    LabelsBetweenObjectPair,
    LabelsBetweenObjectPairBatch,
    PublicAssociationDefinitionConfigurationCreateRequest,
    PublicAssociationMultiArchive,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
    RecordAssociationsBatch,
    ReportCreationResponse,
    StandardError,
)
from hubspot_associations_api.types import ParseError
from hypothesis import given, settings
from hypothesis import strategies as st

BATCH_TIMES = {"startedAt": "2026-03-01T10:00:00Z", "completedAt": "2026-03-01T10:00:01.5Z"}


def client_answering(status: int, body: object, *, raw: bytes | None = None) -> AuthenticatedClient:
    """A generated client whose every request gets one canned answer."""
    content = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer test-token"
        return httpx.Response(status, content=content, headers={"Content-Type": "application/json"})

    client = AuthenticatedClient(base_url="https://api.hubapi.com", token="test-token")
    client.set_httpx_client(
        httpx.Client(
            base_url="https://api.hubapi.com",
            transport=httpx.MockTransport(handler),
            headers={"Authorization": "Bearer test-token"},
        )
    )
    return client


def page_body() -> dict[str, Any]:
    """A page as the live API sends it: numeric IDs past 32 bits and a null label."""
    return {
        "results": [
            {
                "toObjectId": 5434402448,
                "associationTypes": [
                    {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None},
                    {"category": "WORK", "typeId": 9001, "label": "Works at"},
                ],
            },
            {"toObjectId": "77", "associationTypes": [{"category": "USER_DEFINED", "typeId": 36, "label": "Manager"}]},
        ],
        "paging": {"next": {"after": "MTAw", "link": "ignored"}},
    }  # fmt: skip


def test_numeric_ids_null_label_and_new_category_parse() -> None:
    """JSON-number IDs come out as str; label null and the WORK category parse with values kept."""
    parsed = list_associations.sync(
        "contact", "1", "company", client=client_answering(200, page_body())
    )
    assert isinstance(parsed, AssociatedRecordPage)
    first, second = parsed.results
    assert first.to_object_id == "5434402448"
    assert second.to_object_id == "77"
    assert first.association_types[0].label is None
    assert first.association_types[1].category == "WORK"
    assert first.association_types[1].category is AssociationCategory.WORK
    assert parsed.paging is not None
    assert parsed.paging.next_ is not None
    assert parsed.paging.next_.after == "MTAw"


def test_unknown_enum_value_is_kept_and_round_trips() -> None:
    """A category HubSpot has not published yet parses, keeps its value and serialises back."""
    body = page_body()
    body["results"][0]["associationTypes"][0]["category"] = "SOMETHING_NEW"
    parsed = list_associations.sync("contact", "1", "company", client=client_answering(200, body))
    assert isinstance(parsed, AssociatedRecordPage)
    category = parsed.results[0].association_types[0].category
    assert category == "SOMETHING_NEW"
    assert isinstance(category, AssociationCategory)
    assert parsed.to_dict()["results"][0]["associationTypes"][0]["category"] == "SOMETHING_NEW"


def test_last_page_has_no_paging() -> None:
    """A page without paging (the last one) parses with paging None, and writes none back."""
    body = page_body()
    del body["paging"]
    parsed = list_associations.sync("contact", "1", "company", client=client_answering(200, body))
    assert isinstance(parsed, AssociatedRecordPage)
    assert parsed.paging is None
    assert "paging" not in parsed.to_dict()


def test_error_body_without_required_fields() -> None:
    """HubSpot's unknown-object-type error has no category; it still parses as Error."""
    body = {
        "status": "error",
        "message": "Unable to infer object type from: widgets",
        "correlationId": "5c5f6a0e-6d53-4b7c-9d55-0d5d6f6b7c3a",
    }
    response = list_associations.sync_detailed(
        "widgets", "1", "company", client=client_answering(400, body)
    )
    assert response.status_code == 400
    assert isinstance(response.parsed, Error)
    assert response.parsed.message == "Unable to infer object type from: widgets"
    assert response.parsed.category is None
    assert response.parsed.status == "error"


def test_rate_limit_body_keeps_policy() -> None:
    """A 429 body parses, with HubSpot's policyName and errorType available."""
    body = {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": "5c5f6a0e-6d53-4b7c-9d55-0d5d6f6b7c3a",
        "policyName": "TEN_SECONDLY_ROLLING",
    }
    response = list_labels.sync_detailed("contact", "company", client=client_answering(429, body))
    assert isinstance(response.parsed, Error)
    assert response.parsed.policy_name == "TEN_SECONDLY_ROLLING"
    assert response.parsed.error_type == "RATE_LIMIT"


@pytest.mark.parametrize("status", [200, 201])
def test_labelled_put_with_200_or_201_and_numeric_ids(status: int) -> None:
    """The labelled PUT parses whether HubSpot answers 200 or 201, with numeric IDs."""
    body = {
        "fromObjectTypeId": "0-1",
        "fromObjectId": 5434402448,
        "toObjectTypeId": "0-2",
        "toObjectId": 12,
        "labels": ["Manager"],
    }
    spec = AssociationSpec(
        association_category=AssociationCategory.USER_DEFINED, association_type_id=36
    )
    parsed = associate_with_labels.sync(
        "contact", "5434402448", "company", "12", client=client_answering(status, body), body=[spec]
    )
    assert isinstance(parsed, LabelsBetweenObjectPair)
    assert parsed.from_object_id == "5434402448"
    assert parsed.labels == ["Manager"]


def test_undocumented_2xx_parses_like_the_documented_success() -> None:
    """create_limits documents 201/207; a 200 with the same body is still parsed as success."""
    body = {
        "status": "COMPLETE",
        "results": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "userEnforcedMaxToObjectIds": 5}],
        **BATCH_TIMES,
    }
    payload = BatchInputPublicAssociationDefinitionConfigurationCreateRequest(
        [PublicAssociationDefinitionConfigurationCreateRequest(category=AssociationCategory.HUBSPOT_DEFINED, type_id=3, max_to_object_ids=5)]
    )  # fmt: skip
    parsed = create_limits.sync("deal", "contact", client=client_answering(200, body), body=payload)
    assert isinstance(parsed, AssociationLimitBatch)
    assert parsed.status is BatchStatus.COMPLETE
    assert parsed.completed_at == dt.datetime(2026, 3, 1, 10, 0, 1, 500000, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("status", "body"), [(204, None), (200, {"status": "COMPLETE", "results": [], **BATCH_TIMES})]
)
def test_batch_archive_accepts_204_and_200(status: int, body: object) -> None:
    """Batch archive answers 204 (v4) or 200 with a batch body (2026-03); both are success."""
    payload = BatchInputPublicAssociationMultiArchive(
        [PublicAssociationMultiArchive(PublicObjectId("1"), [PublicObjectId("2")])]
    )
    response = batch_remove_associations.sync_detailed(
        "contact", "company", client=client_answering(status, body), body=payload
    )
    assert response.status_code == status
    assert (response.parsed is None) == (status == 204)


def test_batch_create_200_instead_of_201() -> None:
    """Batch create parses when answered 200, which some HubSpot releases document."""
    body = {"status": "COMPLETE", "results": [], **BATCH_TIMES}
    payload = BatchInputPublicAssociationMultiPost(
        [AssociationInput(PublicObjectId("1"), PublicObjectId("2"), [])]
    )
    parsed = batch_create_associations.sync(
        "contact", "company", client=client_answering(200, body), body=payload
    )
    assert isinstance(parsed, LabelsBetweenObjectPairBatch)


def test_batch_read_207_with_string_sub_category() -> None:
    """A 207 whose error subCategory is a string (documented as an object) parses."""
    body = {
        "status": "COMPLETE",
        "results": [],
        "numErrors": 1,
        "errors": [
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                "message": "No company is associated with deal 123.",
                "context": {"fromObjectId": ["123"]},
            }
        ],
        **BATCH_TIMES,
    }
    payload = BatchInputPublicFetchAssociationsBatchRequest(
        [PublicFetchAssociationsBatchRequest("123")]
    )
    parsed = batch_read_associations.sync("deal", "company", client=client_answering(207, body), body=payload)  # fmt: skip
    assert isinstance(parsed, RecordAssociationsBatch)
    assert parsed.errors[0].sub_category == "crm.associations.NO_ASSOCIATIONS_FOUND"
    context = parsed.errors[0].context
    assert context is not None
    assert context.additional_properties == {"fromObjectId": ["123"]}


@pytest.mark.parametrize(
    "enqueue_time",
    ["2026-03-01T10:00:00Z", {"value": 1772359200000, "dateOnly": False, "timeZoneShift": 0}],
)
def test_report_enqueue_time_in_both_published_forms(enqueue_time: object) -> None:
    """enqueueTime parses as an ISO string or as HubSpot's epoch-milliseconds object."""
    body = {"userEmail": "ops@example.com", "userId": 42, "enqueueTime": enqueue_time}
    parsed = request_high_usage_report.sync(42, client=client_answering(200, body))
    assert isinstance(parsed, ReportCreationResponse)
    if isinstance(enqueue_time, str):
        assert parsed.enqueue_time == dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    else:
        assert isinstance(parsed.enqueue_time, EpochTime)
        assert parsed.enqueue_time.value == 1772359200000


@pytest.mark.parametrize(
    ("status", "raw"),
    [
        (503, b"<html><body><h1>503 Service Unavailable</h1></body></html>"),
        (502, b""),
        (520, b"<html>origin error</html>"),
        (500, b"upstream connect error"),
    ],
)
def test_html_and_empty_error_bodies_do_not_crash(status: int, raw: bytes) -> None:
    """HTML, empty or text 5xx bodies (and HubSpot's 52x codes) give a Response, not an exception."""
    response = list_labels.sync_detailed(
        "contact", "company", client=client_answering(status, None, raw=raw)
    )
    assert response.status_code == status
    assert response.parsed is None
    assert response.content == raw


def test_labels_with_null_label_parse() -> None:
    """The labels listing with the unlabeled type's null label parses."""
    body = {"results": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}]}
    parsed = list_labels.sync("contact", "company", client=client_answering(200, body))
    assert isinstance(parsed, CollectionResponseAssociationSpecWithLabelNoPaging)
    assert parsed.results[0].label is None


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"results": [{"associationTypes": []}]}, "required field 'toObjectId' is missing"),
        ({"results": "nope"}, "AssociatedRecord"),
        ({"results": [{"toObjectId": "1", "associationTypes": [{"category": 7, "typeId": 1}]}]}, "AssociationSpecWithLabel"),
        ([1, 2, 3], "AssociatedRecordPage"),
    ],
)  # fmt: skip
def test_malformed_success_bodies_raise_a_clear_parse_error(body: object, fragment: str) -> None:
    """A 200 whose body has the wrong shape raises ParseError naming the model, not KeyError."""
    with pytest.raises(ParseError, match=fragment):
        list_associations.sync("contact", "1", "company", client=client_answering(200, body))


@pytest.mark.anyio
async def test_async_functions_parse_the_same_quirks() -> None:
    """The async twin parses numeric IDs and null labels the same way."""
    parsed = await list_associations.asyncio(
        "contact", "1", "company", client=async_client_answering(200, page_body())
    )
    assert isinstance(parsed, AssociatedRecordPage)
    assert parsed.results[0].to_object_id == "5434402448"


def async_client_answering(status: int, body: object) -> AuthenticatedClient:
    """An async-capable generated client with one canned answer."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    client = AuthenticatedClient(base_url="https://api.hubapi.com", token="test-token")
    client.set_async_httpx_client(
        httpx.AsyncClient(base_url="https://api.hubapi.com", transport=httpx.MockTransport(handler))
    )
    return client


def _maybe(key: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """{key: value} or {} (the key absent)."""
    return st.one_of(st.just({}), values.map(lambda v: {key: v}))


_TYPE_BODY = st.builds(
    lambda t, c, label, f, to: {"typeId": t, "category": c, **label, **f, **to},
    st.integers(1, 10_000),
    st.sampled_from(["HUBSPOT_DEFINED", "USER_DEFINED", "WORK"]),
    _maybe("label", st.one_of(st.none(), st.text(max_size=5))),
    _maybe("fromObjectTypeId", st.just("0-1")),
    _maybe("toObjectTypeId", st.just("0-2")),
)
_ERROR_BODY = st.builds(
    lambda m, ctx, errs: {"status": "error", "category": "VALIDATION_ERROR", **m, **ctx, **errs},
    _maybe("message", st.text(max_size=5)),
    _maybe("context", st.just({"fromObjectId": ["1"]})),
    _maybe("errors", st.lists(st.just({"message": "x"}), max_size=1)),
)
_BATCH_BODY = st.builds(
    lambda errors, count, links: {
        "status": "COMPLETE",
        "startedAt": "2026-01-01T00:00:00+00:00",
        "completedAt": "2026-01-01T00:00:01+00:00",
        "results": [{"from": {"id": "1"}, "to": [{"toObjectId": "2", "associationTypes": []}]}],
        **errors,
        **count,
        **links,
    },
    _maybe("errors", st.lists(_ERROR_BODY, max_size=2)),
    _maybe("numErrors", st.integers(0, 3)),
    _maybe("links", st.just({"docs": "https://example.invalid"})),
)


@settings(max_examples=150, deadline=None)
@given(page_types=st.lists(_TYPE_BODY, max_size=3), paging=_maybe("paging", st.just(
    {"next": {"after": "MTAw", "link": "https://x.invalid"}})), batch=_BATCH_BODY)  # fmt: skip
def test_answers_hold_none_and_empty_lists_but_write_back_only_what_was_sent(
    page_types: list[dict[str, Any]], paging: dict[str, Any], batch: dict[str, Any]
) -> None:
    """Absent fields read as None (or [] for arrays), a sent null stays null, and to_dict()
    gives back exactly the body that was parsed: absent stays absent, [] and null stay."""
    page = {"results": [{"toObjectId": "7", "associationTypes": page_types}], **paging}
    parsed = AssociatedRecordPage.from_dict(page)
    assert parsed.to_dict() == page
    assert parsed.paging is None if not paging else parsed.paging is not None
    for spec, body in zip(parsed.results[0].association_types, page_types, strict=True):
        assert spec.label == body.get("label")
        assert spec.from_object_type_id == body.get("fromObjectTypeId")
    answer = RecordAssociationsBatch.from_dict(batch)
    assert answer.to_dict() == batch
    assert answer.errors == [StandardError.from_dict(e) for e in batch.get("errors", [])]
    assert answer.num_errors == batch.get("numErrors")
    assert "Unset" not in repr(answer) + repr(parsed)
