"""HubSpot's association-change webhooks: check a request's signature, read its events.

::

    from hubspot_associations.webhooks import parse_events, verify_signature

    verify_signature(method=request.method, uri=uri_hubspot_called, body=raw_body,
                     headers=request.headers, client_secret=SECRET)  # raises unless HubSpot's
    for event in parse_events(raw_body):
        ...

Only the standard library: no runtime dependency beyond the client's own. docs/webhooks.md shows
how to rebuild the URI HubSpot called when a proxy or load balancer stands in front of the app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, TypeVar

from ._exceptions import ClientValidationError, InvalidSignatureError, WebhookBodyError

__all__ = [
    "MAX_TIMESTAMP_AGE",
    "AssociationChangeEvent",
    "InvalidSignatureError",
    "WebhookBodyError",
    "parse_events",
    "verify_signature",
]

# HubSpot refuses a v3 signature whose timestamp is older than 5 minutes (its guide, and its
# Python client's Signature.MAX_ALLOWED_TIMESTAMP); the same bound the other way catches a replay
# stamped ahead and a clock far off.
MAX_TIMESTAMP_AGE: Final = timedelta(minutes=5)

_T = TypeVar("_T")

_V3: Final = "x-hubspot-signature-v3"
_TIMESTAMP: Final = "x-hubspot-request-timestamp"
_SIGNATURE: Final = "x-hubspot-signature"
_VERSION: Final = "x-hubspot-signature-version"
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_CAUSES: Final = (
    "the usual causes: another app's client secret, a body changed before it reached this check "
    "(parsed and re-serialised, or decompressed), or a URI rebuilt differently from the one "
    "HubSpot called (behind a proxy: the scheme and host HubSpot used, the query string kept)"
)


def verify_signature(
    *,
    method: str,
    uri: str,
    body: bytes,
    headers: Mapping[str, str],
    client_secret: str,
    now: datetime | None = None,
) -> None:
    """Check that HubSpot signed this request with the app's client secret; return nothing or
    raise :class:`InvalidSignatureError` saying why.

    With ``X-HubSpot-Signature-v3``: base64 HMAC-SHA256, keyed by the client secret, of method,
    URI, raw body and ``X-HubSpot-Request-Timestamp`` (milliseconds since the epoch), refused when
    the timestamp is more than 5 minutes old or ahead of ``now`` (default: the current time).
    Without it: ``X-HubSpot-Signature`` as ``X-HubSpot-Signature-Version`` says, ``v1`` (hex
    SHA-256 of secret and body) or ``v2`` (hex SHA-256 of secret, method, URI and body); these
    carry no timestamp, so a replayed request passes them. Header names are matched without
    case; signatures are compared in constant time.

    ``uri`` is the full URL HubSpot called, query string included (``https://app.example.com/
    hooks?x=1``), and ``body`` the bytes as received, before any parsing. The message never holds
    the secret or the expected signature.
    """
    _check_arguments(body, headers, client_secret, now)
    body = bytes(body)
    lowered = {name.lower(): value for name, value in headers.items()}
    secret = client_secret.encode("utf-8")
    if _V3 in lowered:
        timestamp = lowered.get(_TIMESTAMP)
        if timestamp is None:
            raise InvalidSignatureError(
                "X-HubSpot-Signature-v3 came without X-HubSpot-Request-Timestamp: HubSpot sends "
                "both; refused"
            )
        _check_age(timestamp, now or datetime.now(UTC))
        message = method.encode("utf-8") + uri.encode("utf-8") + body + timestamp.encode("utf-8")
        expected = base64.b64encode(hmac.new(secret, message, hashlib.sha256).digest())
        _compare(expected, lowered[_V3], "X-HubSpot-Signature-v3", method, uri, body)
        return
    given = lowered.get(_SIGNATURE)
    if given is None:
        raise InvalidSignatureError(
            "no signature header: HubSpot signs every webhook request with X-HubSpot-Signature-v3 "
            "(and X-HubSpot-Request-Timestamp) or X-HubSpot-Signature (and "
            "X-HubSpot-Signature-Version); refused"
        )
    version = lowered.get(_VERSION)
    if version is None:
        raise InvalidSignatureError(
            "X-HubSpot-Signature came without X-HubSpot-Signature-Version (v1 or v2): HubSpot "
            "sends both; refused"
        )
    if version == "v1":
        digest = hashlib.sha256(secret + body)
    elif version == "v2":
        digest = hashlib.sha256(secret + method.encode("utf-8") + uri.encode("utf-8") + body)
    else:
        raise InvalidSignatureError(
            f"X-HubSpot-Signature-Version is {version[:20]!r}: HubSpot's versions are v1 and v2 "
            "(X-HubSpot-Signature) and v3 (X-HubSpot-Signature-v3); refused"
        )
    _compare(
        digest.hexdigest().encode("ascii"), given, f"X-HubSpot-Signature ({version})", method,
        uri, body,
    )  # fmt: skip


def _check_arguments(
    body: object, headers: object, client_secret: object, now: datetime | None
) -> None:
    """verify_signature's arguments, each of the kind it needs, or an error saying what to pass."""
    if not isinstance(client_secret, str) or not client_secret:
        raise ClientValidationError(
            "client_secret is empty: pass your app's client secret (the app's Auth page in "
            "HubSpot), the key HubSpot signs webhook requests with"
        )
    if now is not None and now.utcoffset() is None:
        raise ClientValidationError(
            f"now={now!r} has no time zone: pass an aware datetime, e.g. datetime.now(UTC)"
        )
    if not isinstance(body, bytes | bytearray):
        raise TypeError(
            f"body is a {type(body).__name__}: pass the raw bytes as received (request.body() in "
            "Starlette and FastAPI, request.get_data() in Flask), before any parsing"
        )
    # Any mapping-like object with items(): Flask's headers are not a registered Mapping.
    if not callable(getattr(headers, "items", None)):
        raise TypeError(
            f"headers is a {type(headers).__name__}: pass a mapping of header names to values "
            "(request.headers in Starlette, FastAPI and Flask)"
        )


def _check_age(timestamp: str, now: datetime) -> None:
    """Refuse a v3 timestamp that is not whole milliseconds or is over 5 minutes off ``now``."""
    text = timestamp.strip()
    # Past 15 digits a timestamp is thousands of years away: refused before any arithmetic,
    # which would overflow (a header anyone can send must not make an unexpected error).
    if not (text.isascii() and text.isdigit() and len(text) <= 15):
        raise InvalidSignatureError(
            f"X-HubSpot-Request-Timestamp is {timestamp[:30]!r}, not milliseconds since the "
            "epoch; refused"
        )
    age = now - (_EPOCH + timedelta(milliseconds=int(text)))
    if age > MAX_TIMESTAMP_AGE:
        raise InvalidSignatureError(
            f"X-HubSpot-Request-Timestamp is {age.total_seconds():.0f} s old: a v3 signature is "
            "good for 5 minutes (a replayed or long-delayed request); refused"
        )
    if -age > MAX_TIMESTAMP_AGE:
        raise InvalidSignatureError(
            f"X-HubSpot-Request-Timestamp is {-age.total_seconds():.0f} s in the future, over "
            "5 minutes ahead of this server's clock (check the clock); refused"
        )


def _compare(expected: bytes, given: str, header: str, method: str, uri: str, body: bytes) -> None:
    """Raise unless ``given`` is ``expected``, compared in constant time."""
    if not hmac.compare_digest(expected, given.encode("utf-8", "surrogateescape")):
        raise InvalidSignatureError(
            f"{header} does not match this request ({method} {uri}, {len(body)} body bytes) "
            f"signed with this client secret; {_CAUSES}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AssociationChangeEvent:
    """One association added or removed, as HubSpot's ``*.associationChange`` webhooks send it.

    HubSpot sends one event per side of a change (a contact–company association gives a
    ``CONTACT_TO_COMPANY`` and a ``COMPANY_TO_CONTACT`` event), at least once and in no set order:
    de-duplicate by ``event_id``. Object IDs are strings whether HubSpot sent numbers or strings.
    ``from_object_type_id``, ``to_object_type_id``, ``association_type_id`` and
    ``association_category`` are ``None`` when the event does not carry them (integrators read
    them on generic ``object.associationChange`` events; no HubSpot page confirms them).
    """

    event_id: int
    subscription_id: int
    portal_id: int
    app_id: int
    occurred_at: datetime
    subscription_type: str
    association_type: str
    association_type_id: int | None = None
    association_category: str | None = None
    from_object_type_id: str | None = None
    to_object_type_id: str | None = None
    from_object_id: str
    to_object_id: str
    removed: bool
    primary: bool = False
    attempt_number: int
    change_source: str | None = None
    source_id: str | None = None


def parse_events(body: bytes | str) -> list[AssociationChangeEvent]:
    """The association-change events of a webhook body (HubSpot's JSON array of events), in the
    order sent.

    Only events whose ``subscriptionType`` ends in ``.associationChange`` (``contact.``,
    ``company.``, ``deal.``, ``ticket.``, ``line_item.``, ``object.``) are returned: HubSpot mixes
    an app's subscription types in one batch, and the others (``contact.propertyChange``, …) are
    skipped, not refused. Fields this client does not know are ignored. A body that is not a JSON
    array of objects, or an association event missing a field or holding one of the wrong type,
    raises :class:`WebhookBodyError` naming the event's index and the field.
    """
    if isinstance(body, bytes | bytearray):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as error:
            raise WebhookBodyError(
                f"the webhook body is not UTF-8 ({error}); HubSpot sends a JSON array of events"
            ) from None
    elif not isinstance(body, str):
        raise TypeError(f"parse_events takes the body as bytes or str, not {type(body).__name__}")
    try:
        data = json.loads(body)
    except ValueError as error:
        raise WebhookBodyError(
            f"the webhook body is not JSON ({error}); HubSpot sends a JSON array of events"
        ) from None
    except RecursionError:
        # Nested deeper than the parser goes: no array of events is.
        raise WebhookBodyError(
            "the webhook body nests arrays or objects thousands deep; HubSpot sends a flat JSON "
            "array of events"
        ) from None
    if not isinstance(data, list):
        raise WebhookBodyError(
            f"the webhook body is a JSON {_kind(data)}, not the array of events HubSpot sends"
        )
    events = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise WebhookBodyError(f"event [{index}] is a JSON {_kind(item)}, not an object")
        kind = _field(item, index, "subscriptionType", str)
        if kind.endswith(".associationChange"):
            events.append(_event(item, index, kind))
    return events


def _event(item: dict[str, object], index: int, kind: str) -> AssociationChangeEvent:
    """One association-change event read from its JSON object."""
    millis = _field(item, index, "occurredAt", int)
    try:
        occurred_at = _EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        raise WebhookBodyError(
            f"event [{index}] field 'occurredAt' is {millis}, not a time in milliseconds"
        ) from None
    return AssociationChangeEvent(
        event_id=_field(item, index, "eventId", int),
        subscription_id=_field(item, index, "subscriptionId", int),
        portal_id=_field(item, index, "portalId", int),
        app_id=_field(item, index, "appId", int),
        occurred_at=occurred_at,
        subscription_type=kind,
        association_type=_field(item, index, "associationType", str),
        association_type_id=_optional(item, index, "associationTypeId", int),
        association_category=_optional(item, index, "associationCategory", str),
        from_object_type_id=_optional(item, index, "fromObjectTypeId", str),
        to_object_type_id=_optional(item, index, "toObjectTypeId", str),
        from_object_id=_object_id(item, index, "fromObjectId"),
        to_object_id=_object_id(item, index, "toObjectId"),
        removed=_field(item, index, "associationRemoved", bool),
        primary=_optional(item, index, "isPrimaryAssociation", bool) or False,
        attempt_number=_field(item, index, "attemptNumber", int),
        change_source=_optional(item, index, "changeSource", str),
        source_id=_optional(item, index, "sourceId", str),
    )


def _field(item: dict[str, object], index: int, name: str, kind: type[_T]) -> _T:
    """A required field of the type HubSpot sends (a JSON true is not a number here)."""
    if name not in item:
        raise WebhookBodyError(f"event [{index}] has no field '{name}'")
    value = _optional(item, index, name, kind)
    if value is None:
        raise WebhookBodyError(
            f"event [{index}] field '{name}' is null, not {_WORDS.get(kind, kind.__name__)}"
        )
    return value


def _optional(item: dict[str, object], index: int, name: str, kind: type[_T]) -> _T | None:
    """A field that may be left out or null; any other value must be of its type."""
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    raise WebhookBodyError(
        f"event [{index}] field '{name}' is a JSON {_kind(value)} ({json.dumps(value)[:40]}), "
        f"not {_WORDS.get(kind, kind.__name__)}"
    )


def _object_id(item: dict[str, object], index: int, name: str) -> str:
    """A record ID, sent as a number or a string of digits, kept as a string."""
    value = item.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value
    if name not in item:
        raise WebhookBodyError(f"event [{index}] has no field '{name}'")
    raise WebhookBodyError(
        f"event [{index}] field '{name}' is {json.dumps(value)[:40]}, not a record ID (a number "
        "or a string of digits)"
    )


_WORDS: Final[dict[type, str]] = {int: "a whole number", str: "a string", bool: "true or false"}


def _kind(value: object) -> str:
    """The JSON name of a decoded value's type."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string" if isinstance(value, str) else "null"
