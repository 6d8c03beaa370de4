"""hubspot_associations.webhooks: signatures checked against HubSpot's own Python client's
validator (hubspot.utils.signature.Signature) as the oracle, and association events read."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hubspot.exceptions import InvalidSignatureTimestampError
from hubspot.utils.signature import Signature
from hypothesis import given, settings
from hypothesis import strategies as st

from hubspot_associations import (
    AssociationChangeEvent,
    ClientValidationError,
    HubSpotError,
    InvalidSignatureError,
    WebhookBodyError,
    parse_events,
    verify_signature,
)

SECRET = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
URI = "https://hooks.example.com/hubspot/associations?app=1"
BODY = '[{"eventId":1,"subscriptionType":"contact.associationChange"}]'


def _now_ms() -> str:
    """The current time in milliseconds since the epoch, as HubSpot's timestamp header holds it."""
    return str(int(time.time() * 1000))


def _signed(
    version: str, *, secret: str, method: str, uri: str, body: str, timestamp: str
) -> dict[str, str]:
    """The headers HubSpot sends with a request signed by ``version``, built from its guide's
    formulas (not with either implementation under test)."""
    if version == "v3":
        message = f"{method}{uri}{body}{timestamp}".encode()
        mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()
        return {
            "X-HubSpot-Signature-v3": base64.b64encode(mac).decode(),
            "X-HubSpot-Request-Timestamp": timestamp,
        }
    source = secret + body if version == "v1" else secret + method + uri + body
    return {
        "X-HubSpot-Signature": hashlib.sha256(source.encode()).hexdigest(),
        "X-HubSpot-Signature-Version": version,
    }


def _theirs(headers: dict[str, str], *, secret: str, method: str, uri: str, body: str) -> bool:
    """Signature.is_valid's verdict on the request (a stale v3 timestamp: False, not raised)."""
    if "X-HubSpot-Signature-v3" in headers:
        signature, version = headers["X-HubSpot-Signature-v3"], "v3"
    else:
        signature, version = headers["X-HubSpot-Signature"], headers["X-HubSpot-Signature-Version"]
    try:
        return bool(
            Signature.is_valid(
                signature=signature,
                client_secret=secret,
                request_body=body,
                http_uri=uri,
                http_method=method,
                signature_version=version,
                timestamp=headers.get("X-HubSpot-Request-Timestamp"),
            )
        )
    except InvalidSignatureTimestampError:
        return False


def _ours(headers: dict[str, str], *, secret: str, method: str, uri: str, body: str) -> bool:
    """verify_signature's verdict on the request: True, or False when it raised."""
    try:
        verify_signature(
            method=method, uri=uri, body=body.encode(), headers=headers, client_secret=secret
        )
    except InvalidSignatureError:
        return False
    return True


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_each_version_signed_as_documented_is_accepted_by_both(version: str) -> None:
    """A request signed per HubSpot's guide passes Signature.is_valid and verify_signature."""
    request = {"secret": SECRET, "method": "POST", "uri": URI, "body": BODY}
    headers = _signed(version, timestamp=_now_ms(), **request)
    assert _theirs(headers, **request)
    assert _ours(headers, **request)


_TEXT = st.text(st.characters(codec="utf-8"), max_size=60)
_URIS = st.builds(
    lambda host, path, query: f"https://{host}.example.com/{path}{query}",
    st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True),
    st.text(st.characters(codec="utf-8", exclude_characters="?#"), max_size=20),
    st.sampled_from(["", "?a=1", "?a=1&b=%20x"]),
)
_REQUESTS = st.fixed_dictionaries(
    {
        "secret": st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
        "method": st.sampled_from(["POST", "PUT", "GET"]),
        "uri": _URIS,
        "body": _TEXT,
    }
)


@settings(max_examples=60, deadline=None)
@given(
    version=st.sampled_from(["v1", "v2", "v3"]),
    request=_REQUESTS,
    tamper=st.sampled_from(["none", "body", "uri", "method", "secret", "signature", "timestamp"]),
    extra=st.text(st.characters(codec="utf-8"), min_size=1, max_size=5),
)
def test_ours_and_hubspots_validator_agree_on_valid_and_tampered_requests(
    version: str, request: dict[str, str], tamper: str, extra: str
) -> None:
    """Over unicode bodies, methods, URIs and secrets, verify_signature and Signature.is_valid
    give the same verdict, accepting the signed request and refusing it once one part changed."""
    headers = _signed(version, timestamp=_now_ms(), **request)
    changed = dict(request)
    if tamper in ("body", "uri", "secret"):
        changed[tamper] += extra
    elif tamper == "method":
        changed["method"] = "PATCH"
    elif tamper == "signature":
        name = "X-HubSpot-Signature-v3" if version == "v3" else "X-HubSpot-Signature"
        headers[name] = headers[name][:-2] + ("AA" if headers[name][-2:] != "AA" else "BB")
    elif tamper == "timestamp" and version == "v3":
        headers["X-HubSpot-Request-Timestamp"] = str(int(_now_ms()) - 1)
    theirs = _theirs(headers, **changed)
    assert _ours(headers, **changed) == theirs
    # v1 signs neither method nor URI, and a timestamp only matters to v3.
    unsigned = (version == "v1" and tamper in ("uri", "method")) or (
        version != "v3" and tamper == "timestamp"
    )
    assert theirs == (tamper == "none" or unsigned)


def test_a_stale_v3_timestamp_is_refused_by_both_with_its_age() -> None:
    """A v3 signature stamped 6 minutes ago is refused by Signature.is_valid and by ours, whose
    message gives the age; 4 minutes ago passes."""
    request = {"secret": SECRET, "method": "POST", "uri": URI, "body": BODY}
    stale = str(int(time.time() * 1000) - 360_000)
    headers = _signed("v3", timestamp=stale, **request)
    assert not _theirs(headers, **request)
    with pytest.raises(InvalidSignatureError, match=r"is 36\d s old: .* 5 minutes"):
        verify_signature(
            method="POST", uri=URI, body=BODY.encode(), headers=headers, client_secret=SECRET
        )
    fresh = _signed("v3", timestamp=str(int(time.time() * 1000) - 240_000), **request)
    assert _theirs(fresh, **request)
    assert _ours(fresh, **request)


def test_now_decides_the_age_and_a_future_timestamp_is_refused_too() -> None:
    """The check is made at ``now``: a timestamp over 5 minutes ahead of it is refused as in the
    future (HubSpot's validator only bounds the past), and a naive ``now`` is a usage error."""
    at = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    stamp = str(int(at.timestamp() * 1000))
    headers = _signed("v3", secret=SECRET, method="POST", uri=URI, body=BODY, timestamp=stamp)

    def check(now: datetime) -> None:
        """verify_signature of the request at ``now``."""
        verify_signature(
            method="POST", uri=URI, body=BODY.encode(), headers=headers, client_secret=SECRET,
            now=now,
        )  # fmt: skip

    check(at + timedelta(minutes=4, seconds=59))
    check(at - timedelta(minutes=4, seconds=59))
    with pytest.raises(InvalidSignatureError, match=r"is 301 s old"):
        check(at + timedelta(seconds=301))
    with pytest.raises(InvalidSignatureError, match=r"is 360 s in the future.*clock"):
        check(at - timedelta(minutes=6))
    with pytest.raises(ClientValidationError, match="no time zone"):
        check(datetime(2026, 12, 7, 12, 0))


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_header_names_are_matched_without_case(version: str, case: Callable[[str], str]) -> None:
    """Header names in any case (as ASGI servers and proxies pass them) are found."""
    request = {"secret": SECRET, "method": "POST", "uri": URI, "body": BODY}
    headers = {case(k): v for k, v in _signed(version, timestamp=_now_ms(), **request).items()}
    assert _ours(headers, **request)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "no signature header: .*X-HubSpot-Signature-v3.*X-HubSpot-Signature "),
        ({"x-hubspot-signature-v3": "abc"}, "without X-HubSpot-Request-Timestamp"),
        ({"X-HubSpot-Signature-v3": "abc", "X-HubSpot-Request-Timestamp": "soon"}, "'soon', not"),
        ({"X-HubSpot-Signature": "abc"}, "without X-HubSpot-Signature-Version"),
        (
            {"X-HubSpot-Signature": "abc", "X-HubSpot-Signature-Version": "v9"},
            "Version is 'v9': HubSpot's versions are v1 and v2",
        ),
    ],
)
def test_missing_or_unknown_headers_are_named(headers: dict[str, str], message: str) -> None:
    """Each missing or unreadable header is named in the error, which is a HubSpotError."""
    with pytest.raises(InvalidSignatureError, match=message) as raised:
        verify_signature(method="POST", uri=URI, body=b"[]", headers=headers, client_secret=SECRET)
    assert isinstance(raised.value, HubSpotError)


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_a_mismatch_never_shows_the_secret_or_the_expected_signature(version: str) -> None:
    """The mismatch message names the header and the likely causes, never the client secret or
    the signature that would have matched."""
    request = {"secret": SECRET, "method": "POST", "uri": URI, "body": BODY}
    headers = _signed(version, timestamp=_now_ms(), **request)
    with pytest.raises(InvalidSignatureError, match="does not match this request") as raised:
        verify_signature(method="POST", uri=URI, body=b"[]", headers=headers, client_secret=SECRET)
    expected = _signed(version, timestamp=headers.get("X-HubSpot-Request-Timestamp", ""),
                       secret=SECRET, method="POST", uri=URI, body="[]")  # fmt: skip
    text = str(raised.value)
    assert SECRET not in text
    assert all(value not in text for value in expected.values() if len(value) > 5)
    with pytest.raises(ClientValidationError, match="client_secret is empty"):
        verify_signature(method="POST", uri=URI, body=b"[]", headers=headers, client_secret="")


SPECIFIC = {
    "eventId": 101,
    "subscriptionId": 2001,
    "portalId": 62515,
    "appId": 3001,
    "occurredAt": 1765108800123,
    "subscriptionType": "contact.associationChange",
    "attemptNumber": 0,
    "changeSource": "CRM_UI",
    "sourceId": "userId:42",
    "associationType": "CONTACT_TO_COMPANY",
    "fromObjectId": 51,
    "toObjectId": 9001,
    "associationRemoved": False,
    "isPrimaryAssociation": True,
    "somethingNew": {"nested": [1]},
}
GENERIC = {
    "eventId": 102,
    "subscriptionId": 2002,
    "portalId": 62515,
    "appId": 3001,
    "occurredAt": 1765108800456,
    "subscriptionType": "object.associationChange",
    "attemptNumber": 2,
    "changeSource": "INTEGRATION",
    "sourceId": None,
    "associationType": "DEAL_TO_COMPANY",
    "associationTypeId": 341,
    "associationCategory": "HUBSPOT_DEFINED",
    "fromObjectTypeId": "0-3",
    "toObjectTypeId": "0-2",
    "fromObjectId": "7",
    "toObjectId": "12345678901234567890",
    "associationRemoved": True,
}
PROPERTY_CHANGE = {
    "eventId": 103,
    "subscriptionId": 2003,
    "portalId": 62515,
    "appId": 3001,
    "occurredAt": 1765108800789,
    "subscriptionType": "contact.propertyChange",
    "attemptNumber": 0,
    "objectId": 51,
    "propertyName": "email",
    "propertyValue": "a@example.com",
}


def test_parse_events_reads_specific_and_generic_events_and_skips_other_types() -> None:
    """A batch mixing a contact event, a generic event and a property change gives the two
    association events, typed, IDs as strings, unknown fields ignored, in the order sent."""
    body = json.dumps([SPECIFIC, PROPERTY_CHANGE, GENERIC])
    for raw in (body, body.encode()):
        specific, generic = parse_events(raw)
        assert specific == AssociationChangeEvent(
            event_id=101,
            subscription_id=2001,
            portal_id=62515,
            app_id=3001,
            occurred_at=datetime(2025, 12, 7, 12, 0, 0, 123000, tzinfo=UTC),
            subscription_type="contact.associationChange",
            association_type="CONTACT_TO_COMPANY",
            from_object_id="51",
            to_object_id="9001",
            removed=False,
            primary=True,
            attempt_number=0,
            change_source="CRM_UI",
            source_id="userId:42",
        )
        assert (generic.association_type_id, generic.association_category) == (
            341,
            "HUBSPOT_DEFINED",
        )
        assert (generic.from_object_type_id, generic.to_object_type_id) == ("0-3", "0-2")
        assert (generic.from_object_id, generic.to_object_id) == ("7", "12345678901234567890")
        assert generic.removed
        assert not generic.primary
        assert generic.source_id is None
        assert generic.occurred_at.utcoffset() == timedelta(0)
    assert parse_events("[]") == []
    with pytest.raises(AttributeError):
        specific.removed = True  # type: ignore[misc]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not JSON"),
        (b"\xff[]", "not UTF-8"),
        (json.dumps({"events": []}), "a JSON object, not the array of events"),
        (json.dumps([SPECIFIC, 5]), r"event \[1\] is a JSON number, not an object"),
        (json.dumps([{"eventId": 1}]), r"event \[0\] has no field 'subscriptionType'"),
        (json.dumps([SPECIFIC, {**GENERIC, "eventId": None}]), r"\[1\] field 'eventId' is null"),
        (json.dumps([{**SPECIFIC, "portalId": "62515"}]), r"\[0\] field 'portalId' is a JSON "
         r"string .*not a whole number"),
        (json.dumps([{**SPECIFIC, "appId": True}]), r"'appId' is a JSON boolean"),
        (json.dumps([{**SPECIFIC, "associationRemoved": "false"}]),
         r"'associationRemoved' .*not true or false"),
        (json.dumps([{k: v for k, v in SPECIFIC.items() if k != "toObjectId"}]),
         r"\[0\] has no field 'toObjectId'"),
        (json.dumps([{**SPECIFIC, "fromObjectId": "abc"}]), r"'fromObjectId' is \"abc\", not a "
         "record ID"),
        (json.dumps([{**SPECIFIC, "occurredAt": 10**20}]), r"'occurredAt' is 1\d+, not a time"),
        (json.dumps([{**GENERIC, "associationTypeId": "341"}]), r"'associationTypeId' is a JSON "
         "string"),
    ],
)  # fmt: skip
def test_parse_events_refuses_a_body_of_the_wrong_shape(body: bytes | str, message: str) -> None:
    """Each wrong shape raises WebhookBodyError (a ValueError) naming the event index and field."""
    with pytest.raises(WebhookBodyError, match=message) as raised:
        parse_events(body)
    assert isinstance(raised.value, ValueError)


def test_the_docs_example_rebuilds_the_uri_behind_a_proxy() -> None:
    """docs/webhooks.md's example, run as written: a request HubSpot signed for its public URL is
    accepted with the forwarded scheme and host, refused (401, a mismatch) without trusting them,
    and its events are read."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text("utf-8")
    section = text.split("## Verifying and reading HubSpot's association events", 1)[1]
    example: dict[str, Any] = {}
    exec(section.split("```python\n", 1)[1].split("```", 1)[0], example)
    body = json.dumps([SPECIFIC, PROPERTY_CHANGE])
    public = "https://hooks.example.com/hubspot?tenant=7"
    headers = _signed("v3", secret=SECRET, method="POST", uri=public, body=body,
                      timestamp=_now_ms())  # fmt: skip
    headers |= {"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "hooks.example.com"}
    inside = ("POST", headers, "http", "10.0.0.5:8000", "/hubspot?tenant=7", body.encode(), SECRET)
    status, events = example["handle"](*inside)
    assert status == 204
    assert [e.event_id for e in events] == [101]
    example["TRUST_FORWARDED_HEADERS"] = False
    status, why = example["handle"](*inside)
    assert status == 401
    assert "X-HubSpot-Signature-v3 does not match this request (POST http://10.0.0.5:8000" in why


@given(stamp=st.one_of(
    st.integers(min_value=10**13, max_value=10**400).map(str),
    st.text(max_size=40),
))  # fmt: skip
@settings(max_examples=60)
def test_any_timestamp_header_is_refused_as_invalid_never_another_error(stamp: str) -> None:
    """Whatever X-HubSpot-Request-Timestamp a caller sends (years away, 400 digits, not a
    number), an unsigned request raises InvalidSignatureError, never OverflowError: the
    examples catch only that, and anyone can send the header."""
    headers = {"X-HubSpot-Signature-v3": "x", "X-HubSpot-Request-Timestamp": stamp}
    with pytest.raises(InvalidSignatureError):
        verify_signature(method="POST", uri="https://a.example/h", body=b"[]", headers=headers,
                         client_secret="s")  # fmt: skip


def test_a_body_nested_past_the_parser_or_not_utf8_is_a_body_error() -> None:
    """A body nested 100,000 deep, or not UTF-8, raises WebhookBodyError saying so (not
    RecursionError nor a JSON message about the first character)."""
    with pytest.raises(WebhookBodyError, match="nests arrays or objects"):
        parse_events(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(WebhookBodyError, match="not UTF-8"):
        parse_events(b"\xff\xfe[]")


def test_arguments_of_the_wrong_kind_are_named() -> None:
    """A str body or headers that are no mapping are a TypeError saying what to pass; Flask's
    headers (not a registered Mapping) are accepted."""
    from werkzeug.datastructures import EnvironHeaders

    with pytest.raises(TypeError, match="raw bytes as received"):
        verify_signature(method="POST", uri="u", body="[]", headers={}, client_secret="s")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mapping of header names"):
        verify_signature(method="POST", uri="u", body=b"[]", headers=None, client_secret="s")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes or str"):
        parse_events(None)  # type: ignore[arg-type]
    uri, body, stamp = "http://localhost/h", "[]", _now_ms()
    signed = _signed("v3", secret="s", method="POST", uri=uri, body=body, timestamp=stamp)
    environ = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in signed.items()}
    verify_signature(method="POST", uri=uri, body=body.encode(),
                     headers=EnvironHeaders(environ), client_secret="s")  # type: ignore[arg-type]  # fmt: skip
