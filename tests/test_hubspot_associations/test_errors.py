"""Typed errors parsed from HubSpot's error bodies, whatever they look like."""

from __future__ import annotations

import re

import httpx
import pytest

import hubspot_associations
from hubspot_associations import _exceptions
from hubspot_associations._exceptions import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ClientValidationError,
    ConflictError,
    HubSpotError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
    error_from_response,
)

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
URL = "https://api.hubapi.com/crm/v4/objects/contacts/1/associations/companies"


def answer(status: int, **kwargs: object) -> httpx.Response:
    request = httpx.Request("GET", URL, headers={"Authorization": f"Bearer {TOKEN}"})
    return httpx.Response(status, request=request, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (521, ServerError),
        (418, UnexpectedStatusError),
        (302, UnexpectedStatusError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[APIStatusError]) -> None:
    """Each status family gets its own error class, all under APIStatusError and HubSpotError."""
    error = error_from_response(answer(status, json={"message": "x"}))
    assert type(error) is cls
    assert isinstance(error, HubSpotError)
    assert error.status_code == status


def test_validation_body_is_parsed() -> None:
    """A VALIDATION_ERROR body gives message, category, context and correlationId."""
    body = {
        "status": "error",
        "message": "One or more associations are invalid",
        "correlationId": "aeb5f871-7f07-4993-9211-075dc63e7cbf",
        "category": "VALIDATION_ERROR",
        "subCategory": "crm.associations.INVALID",
        "context": {"INVALID_OBJECT_IDS": ["CONTACT=123 is not valid"]},
        "errors": [{"message": "bad", "code": "X"}, "junk"],
    }
    error = error_from_response(answer(400, json=body))
    assert isinstance(error, BadRequestError)
    assert error.message == "One or more associations are invalid"
    assert error.category == "VALIDATION_ERROR"
    assert error.sub_category == "crm.associations.INVALID"
    assert error.context == {"INVALID_OBJECT_IDS": ["CONTACT=123 is not valid"]}
    assert error.correlation_id == "aeb5f871-7f07-4993-9211-075dc63e7cbf"
    assert error.errors == [{"message": "bad", "code": "X"}]
    assert (error.method, error.url) == ("GET", URL)
    assert "INVALID_OBJECT_IDS" in str(error)
    assert "400" in str(error)


def test_rate_limit_body_policy_name() -> None:
    """A 429 body without category still gives its message and policyName."""
    body = {
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": "c",
        "policyName": "TEN_SECONDLY_ROLLING",
    }
    error = error_from_response(answer(429, json=body))
    assert isinstance(error, RateLimitError)
    assert error.policy_name == "TEN_SECONDLY_ROLLING"
    assert error.category is None


def test_html_body_gives_typed_error() -> None:
    """An HTML 502 page gives a ServerError whose message names the content type."""
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    error = error_from_response(answer(502, text=html, headers={"content-type": "text/html"}))
    assert isinstance(error, ServerError)
    assert "text/html" in error.message
    assert error.body == html
    assert error.context == {}


def test_empty_body_gives_typed_error() -> None:
    """An empty 503 gives a ServerError saying the body was empty."""
    error = error_from_response(answer(503))
    assert isinstance(error, ServerError)
    assert "empty body" in error.message
    assert error.body == ""


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"message": None, "context": "not a dict", "errors": {"no": "list"}},
        {"context": {"k": "single", "n": None, "l": [1, 2]}},
        [1, 2, 3],
        "just a string",
    ],
)
def test_odd_json_bodies_are_tolerated(body: object) -> None:
    """Missing or mistyped fields never raise while building the error."""
    error = error_from_response(answer(400, json=body))
    assert isinstance(error, BadRequestError)
    assert error.message
    assert all(isinstance(v, list) for v in error.context.values())


def test_long_body_is_truncated() -> None:
    """The raw body kept on the error is an excerpt, not the whole answer."""
    error = error_from_response(answer(500, text="x" * 100_000))
    assert 0 < len(error.body) <= 1000


def test_token_never_in_error_text() -> None:
    """Neither str nor repr nor any attribute of an error holds the token."""
    error = error_from_response(answer(401, json={"message": "The access token is invalid"}))
    for text in (str(error), repr(error), repr(vars(error)), str(error.args)):
        assert TOKEN not in text
    assert "authorization" not in {k.lower() for k in error.headers}


def test_token_in_query_is_redacted() -> None:
    """A credential in the query string is redacted from the error's URL."""
    request = httpx.Request("GET", f"{URL}?hapikey={TOKEN}&limit=5")
    error = error_from_response(httpx.Response(403, request=request))
    assert TOKEN not in str(error)
    assert TOKEN not in (error.url or "")
    assert "limit=5" in (error.url or "")


def test_connection_error_keeps_method_and_url_only() -> None:
    """A connection error carries the request's method and URL, not its headers."""
    request = httpx.Request("POST", URL, headers={"Authorization": f"Bearer {TOKEN}"})
    error = APIConnectionError("could not reach HubSpot", request=request)
    assert (error.method, error.url) == ("POST", URL)
    assert TOKEN not in repr(vars(error))


def test_client_validation_error_is_value_error() -> None:
    """ClientValidationError is both a HubSpotError and a ValueError."""
    error = ClientValidationError("limit must be 1..500")
    assert isinstance(error, ValueError)
    assert isinstance(error, HubSpotError)


def _drawn_tree() -> dict[str, str | None]:
    """{class name: its parent's name} as the tree in ``_exceptions``' docstring draws it."""
    doc = _exceptions.__doc__ or ""
    drawing = doc.split("::", 1)[1].split("\n\n")[1]
    parents: dict[str, str | None] = {}
    open_at: dict[int, str] = {}
    for line in drawing.splitlines():
        name = re.search(r"\w+", line)
        assert name is not None, line
        depth = name.start()
        open_at = {d: n for d, n in open_at.items() if d < depth}
        parents[name.group()] = open_at[max(open_at)] if open_at else None
        open_at[depth] = name.group()
    return parents


def test_the_docstring_tree_draws_every_exported_error_under_its_parent() -> None:
    """_exceptions' tree names every error the package exports, each under its base class."""
    exported = {
        name: cls
        for name in hubspot_associations.__all__
        if isinstance(cls := getattr(hubspot_associations, name), type)
        and issubclass(cls, HubSpotError)
    }
    drawn = _drawn_tree()
    assert set(drawn) == set(exported)
    for name, cls in exported.items():
        bases = [b.__name__ for b in cls.__bases__ if issubclass(b, HubSpotError)]
        assert drawn[name] == (bases[0] if bases else None), name
        assert len(bases) <= 1, name


def test_token_not_in_logs_or_retry_hooks(caplog: pytest.LogCaptureFixture) -> None:
    """Through retries to the final error, no log record, hook argument or error holds the token."""
    from hubspot_associations import RetryingTransport
    from hubspot_associations._transports.retry import RetryPolicy

    answers = iter([httpx.Response(503), httpx.Response(401, json={"message": "bad token"})])
    seen: list[str] = []
    transport = RetryingTransport(
        httpx.MockTransport(lambda _request: next(answers)),
        policy=RetryPolicy(jitter=0.0),
        sleep=lambda _s: None,
        on_retry=lambda *args: seen.append(repr(args)),
    )
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with caplog.at_level("DEBUG"), httpx.Client(transport=transport, headers=headers) as http:
        error = error_from_response(http.get(URL))
    assert isinstance(error, AuthenticationError)
    texts = [*seen, caplog.text, str(error), repr(error), repr(transport)]
    assert all(TOKEN not in text for text in texts)
