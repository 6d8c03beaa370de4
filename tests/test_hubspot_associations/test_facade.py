"""Unit tests of the hand-written layer with canned answers (httpx.MockTransport), no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from hubspot_associations import (
    AssociationType,
    AsyncHubSpotAssociations,
    AuthenticationError,
    BadRequestError,
    ClientValidationError,
    HubSpotAssociations,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from hubspot_associations._versions import to_version

Handler = Callable[[httpx.Request], httpx.Response]
TOKEN = "pat-na1-secret-token-value"
TIMES = {"startedAt": "2026-03-01T10:00:00Z", "completedAt": "2026-03-01T10:00:01Z"}


def make_client(handler: Handler, **options: Any) -> HubSpotAssociations:
    """A sync client whose requests are answered by ``handler`` (no retries, no rate limit)."""
    options.setdefault("max_retries", 0)
    options.setdefault("rate_limit", None)
    return HubSpotAssociations(
        TOKEN, base_url="https://api.test", transport=httpx.MockTransport(handler), **options
    )


def make_async_client(handler: Handler, **options: Any) -> AsyncHubSpotAssociations:
    """The async twin of make_client."""
    options.setdefault("max_retries", 0)
    options.setdefault("rate_limit", None)
    return AsyncHubSpotAssociations(
        TOKEN, base_url="https://api.test", transport=httpx.MockTransport(handler), **options
    )


def refuse(request: httpx.Request) -> httpx.Response:
    """A handler for tests that must send nothing."""
    raise AssertionError(f"no request should be sent, got {request.method} {request.url}")


def page(ids: list[int], after: str | None) -> dict[str, Any]:
    """A page of associated records with numeric IDs."""
    body: dict[str, Any] = {
        "results": [
            {
                "toObjectId": i,
                "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}],
            }
            for i in ids
        ]
    }
    if after is not None:
        body["paging"] = {"next": {"after": after}}
    return body


def test_iter_all_follows_after_to_the_last_page() -> None:
    """iter_all reads every page, passing paging.next.after, and stops where paging is absent."""
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        seen.append(after)
        pages = {None: page([1, 2], "c1"), "c1": page([3], "c2"), "c2": page([4], None)}
        return httpx.Response(200, json=pages[after])

    with make_client(handler) as client:
        ids = [r.to_object_id for r in client.basic.iter_all("contacts", 7, "company", page_size=2)]
    assert ids == ["1", "2", "3", "4"]
    assert seen == [None, "c1", "c2"]


@pytest.mark.anyio
async def test_async_iter_all_follows_paging() -> None:
    """The async iterator follows paging the same way."""

    def handler(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("after")
        return httpx.Response(200, json=page([1], "x") if after is None else page([2], None))

    async with make_async_client(handler) as client:
        ids = [r.to_object_id async for r in client.basic.iter_all("contact", 7, "company")]
    assert ids == ["1", "2"]


def test_batch_iter_read_follows_each_inputs_paging() -> None:
    """iter_read re-reads an input with its own after cursor until its paging ends."""
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        results = []
        for item in body["inputs"]:
            more = item["id"] == "1" and "after" not in item
            result: dict[str, Any] = {
                "from": {"id": item["id"]},
                "to": page([int(item["id"]) * 10 + len(bodies)], None)["results"],
            }
            if more:
                result["paging"] = {"next": {"after": "p2"}}
            results.append(result)
        return httpx.Response(200, json={"status": "COMPLETE", "results": results, **TIMES})

    with make_client(handler) as client:
        results = list(client.batch.iter_read("contact", "company", [1, 2]))
    assert [(r.from_.id, r.to[0].to_object_id) for r in results] == [
        ("1", "11"),
        ("2", "21"),
        ("1", "12"),
    ]
    assert bodies[1] == {"inputs": [{"id": "1", "after": "p2"}]}


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda c: c.basic.associate_default("contact", "abc", "company", 1), "record ID"),
        (lambda c: c.basic.associate_default("contact", -4, "company", 1), "record ID"),
        (lambda c: c.basic.get_page("contact", 1, "company", limit=501), "limit"),
        (lambda c: c.basic.get_page("contact", 1, "company", limit=0), "limit"),
        (lambda c: c.batch.associate_default("contact", "company", []), "empty"),
        (lambda c: c.batch.read("contact", "company", range(1, 1002)), "1000"),
        (lambda c: c.labels.create("contact", "company", name="my-label", label="L"), "hyphen"),
        (lambda c: c.labels.create("contact", "company", name="2nd", label="L"), "digit"),
        (lambda c: c.basic.associate("contact", 1, "company", 2, [279]), "ambiguous"),
        (lambda c: c.basic.associate("contact", 1, "company", 2, []), "at least one"),
        (
            lambda c: c.limits.create("contact", "company", [(("USER_DEFINED", 36), 0)]),
            "from 1 to",
        ),
        (lambda c: c.report.request(0), "user_id"),
    ],
)
def test_client_side_validation_sends_nothing(
    call: Callable[[HubSpotAssociations], object], fragment: str
) -> None:
    """What can be known before the network raises ClientValidationError, and no request is sent."""
    with make_client(refuse) as client, pytest.raises(ClientValidationError, match=fragment):
        call(client)


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (404, NotFoundError),
        (429, RateLimitError),
        (503, ServerError),
    ],
)
def test_status_errors_are_typed_with_hubspots_fields(
    status: int, error_type: type[Exception]
) -> None:
    """Each error status raises its typed error carrying category, context and correlationId."""
    body = {
        "status": "error",
        "message": "One or more associations are invalid",
        "correlationId": "0b4b6a2e-6c1d-4e0e-9b7e-1d3c7f1e2a11",
        "category": "VALIDATION_ERROR",
        "context": {"INVALID_OBJECT_IDS": ["CONTACT=123 is not valid"]},
    }
    with (
        make_client(lambda r: httpx.Response(status, json=body)) as client,
        pytest.raises(error_type) as info,
    ):
        client.basic.associate_default("contact", 123, "company", 1)
    error: Any = info.value
    assert error.status_code == status
    assert error.category == "VALIDATION_ERROR"
    assert error.correlation_id == "0b4b6a2e-6c1d-4e0e-9b7e-1d3c7f1e2a11"
    assert error.context == {"INVALID_OBJECT_IDS": ["CONTACT=123 is not valid"]}


def test_html_error_body_still_gives_a_typed_error() -> None:
    """A 502 with an HTML body raises ServerError, not a JSON decoding error."""
    html = httpx.Response(
        502, content=b"<html><h1>Bad gateway</h1></html>", headers={"Content-Type": "text/html"}
    )
    with make_client(lambda r: html) as client, pytest.raises(ServerError) as info:
        client.labels.list("contact", "company")
    assert info.value.status_code == 502


def test_token_never_in_reprs_or_errors() -> None:
    """The access token appears in no repr, str or exception of the client."""
    body = {"status": "error", "message": "bad token", "category": "INVALID_AUTHENTICATION"}
    with make_client(lambda r: httpx.Response(401, json=body)) as client:
        with pytest.raises(AuthenticationError) as info:
            client.labels.list("contact", "company")
        texts = [
            repr(client),
            str(client),
            repr(client.raw),
            repr(client.settings),
            repr(info.value),
            str(info.value),
        ]
    assert all(TOKEN not in text for text in texts)


def test_bearer_token_is_sent() -> None:
    """Requests carry the token as a bearer Authorization header."""
    headers: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        headers.append(request.headers["Authorization"])
        return httpx.Response(200, json={"results": []})

    with make_client(handler) as client:
        client.labels.list("contact", "company")
    assert headers == [f"Bearer {TOKEN}"]


def test_missing_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a token argument or HUBSPOT_ACCESS_TOKEN the client says how to give one."""
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
    with pytest.raises(ClientValidationError, match="HUBSPOT_ACCESS_TOKEN"):
        HubSpotAssociations()


@pytest.mark.parametrize(
    ("v4", "successor"),
    [
        (
            "/crm/v4/objects/contact/1/associations/company",
            "/crm/objects/2026-03/contact/1/associations/company",
        ),
        (
            "/crm/v4/associations/contact/company/batch/read",
            "/crm/associations/2026-03/contact/company/batch/read",
        ),
        (
            "/crm/v4/associations/usage/high-usage-report/7",
            "/crm/associations/2026-03/usage/high-usage-report/7",
        ),
        (
            "/crm/v4/associations/definitions/configurations/all",
            "/crm/associations/2026-03/definitions/configurations/all",
        ),
    ],
)
def test_2026_03_path_mapping(v4: str, successor: str) -> None:
    """The 2026-03 version maps each v4 prefix to HubSpot's successor path."""
    assert to_version(v4, "2026-03") == successor
    assert to_version(v4, "v4") == v4


def test_api_version_2026_03_sends_successor_paths_and_accepts_200() -> None:
    """With api_version='2026-03' requests go to the new paths; archive's 200 body is success."""
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path.endswith("/batch/archive"):
            return httpx.Response(200, json={"status": "COMPLETE", "results": [], **TIMES})
        return httpx.Response(200, json=page([5], None))

    with make_client(handler, api_version="2026-03") as client:
        client.basic.get_page("contact", 1, "company", after="a")
        client.batch.remove("contact", "company", [(1, 2)])
    assert paths == [
        "/crm/objects/2026-03/contact/1/associations/company",
        "/crm/associations/2026-03/contact/company/batch/archive",
    ]


def test_association_type_constants_become_specs() -> None:
    """A type constant is sent as its category and typeId."""
    bodies: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(
            201,
            json={
                "fromObjectTypeId": "0-1",
                "fromObjectId": 1,
                "toObjectTypeId": "0-2",
                "toObjectId": 2,
                "labels": [],
            },
        )

    with make_client(handler) as client:
        answer = client.basic.associate(
            "contact",
            1,
            "company",
            2,
            [AssociationType.PRIMARY_CONTACT_TO_COMPANY, ("USER_DEFINED", 36)],
        )
    assert bodies == [
        [
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1},
            {"associationCategory": "USER_DEFINED", "associationTypeId": 36},
        ]
    ]
    assert (answer.from_object_id, answer.to_object_id) == ("1", "2")


@pytest.mark.parametrize(
    ("types", "shown"),
    [
        (
            ("USER_DEFINED", 1200),
            "got ('USER_DEFINED', 1200), which is one type: wrap it in a list",
        ),
        (AssociationType.CONTACT_TO_COMPANY, "which is one type: wrap it in a list"),
        ("USER_DEFINED", "got 'USER_DEFINED'"),
        (279, "got 279"),
    ],
    ids=["one-tuple", "one-constant", "a-string", "an-int"],
)
def test_types_of_the_wrong_shape_say_what_shape_types_takes(types: Any, shown: str) -> None:
    """types= given one type, a string or a number is refused before sending, with the shape
    types takes (a list of constants or (category, typeId) tuples) in the message."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, json={})

    with make_client(answer) as client:
        for call in (
            lambda: client.basic.associate("contact", 1, "company", 2, types),
            lambda: client.batch.create("contact", "company", [(1, 2)], types),
            lambda: client.bulk.create("contact", "company", [(1, 2)], types),
        ):
            with pytest.raises(ClientValidationError) as refused:
                call()
            assert "types is a list of association types, e.g. types=[" in str(refused.value)
            assert shown in str(refused.value)
    assert sent == []
