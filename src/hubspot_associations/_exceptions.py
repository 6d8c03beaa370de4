"""The errors this package raises.

::

    HubSpotError                      every error of this package
    ├── ClientValidationError         bad input found before the network (also a ValueError)
    │   └── TokenProviderError        the access_token callable raised or gave no token
    ├── APIConnectionError            no answer: connection refused, dropped, DNS ...
    │   ├── APITimeoutError           no answer in time (each call has a deadline, retries included)
    │   └── OutcomeUnknownError       a write not safe to resend lost its answer (report.request)
    ├── ResponseTooLargeError         an answer larger than max_body_bytes once decompressed
    ├── SharedBudgetUnavailable       the shared rate budget's Redis out of reach; nothing sent
    ├── DailyLimitReached             the shared daily cap is spent for today; nothing sent
    ├── InvalidSignatureError         a webhook request whose signature does not check out
    ├── WebhookBodyError              a webhook body of the wrong shape (also a ValueError)
    └── APIStatusError                HubSpot answered with an error status
        ├── BadRequestError           400 (VALIDATION_ERROR, unknown object type ...)
        ├── AuthenticationError       401 (EXPIRED_AUTHENTICATION: an OAuth token expired)
        ├── PermissionDeniedError     403 (MISSING_SCOPES: required_scopes names what to add)
        │   └── AssociationPermissionError  no "Edit associations" for the user (2026-09 on)
        ├── NotFoundError             404
        ├── ConflictError             409
        ├── RateLimitError            429 (after the retries ran out)
        ├── ServerError               5xx and HubSpot's 52x
        ├── UnexpectedStatusError     any other non-2xx status
        └── UnexpectedResponseError   a 2xx whose body this client cannot read

The two errors of the shared rate budget (``SharedBudgetUnavailable``, ``DailyLimitReached``) are
defined with it and exported from the package beside these.

Status errors carry HubSpot's parsed body (message, category, subCategory, context,
correlationId) and the request's method and URL, never its headers: the token stays out of every
message and repr.
"""

from __future__ import annotations

import json
from typing import Any, Final

import httpx
from hubspot_associations_api.types import json_loads

__all__ = [
    "TOKEN_SOURCE",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AssociationPermissionError",
    "AuthenticationError",
    "BadRequestError",
    "ClientValidationError",
    "ConflictError",
    "HubSpotError",
    "InvalidSignatureError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "TokenProviderError",
    "UnexpectedResponseError",
    "UnexpectedStatusError",
    "WebhookBodyError",
    "a_or_an",
    "error_body",
    "error_from_response",
    "required_scopes",
    "safe_url",
]

_BODY_EXCERPT = 500
# A request extension the token layer (``_async/auth.py``) sets: where the request's token came
# from, so a 401 can say what to do ("string": a fixed token; "provider": the access_token
# callable's kept answer; "renewed": its new answer after a 401, refused as well).
TOKEN_SOURCE: Final = "hubspot_associations.token_source"


class HubSpotError(Exception):
    """Base class of every error raised by hubspot_associations."""


class ClientValidationError(HubSpotError, ValueError):
    """Input that cannot work, found before anything was sent; the message says what to pass."""


class TokenProviderError(ClientValidationError):
    """The ``access_token`` callable (the token provider) raised, or answered something that is
    not a token; the message names the provider, never a token. HubSpot applied nothing: the
    request was not sent, or was refused with a 401."""


class InvalidSignatureError(HubSpotError):
    """A webhook request HubSpot did not sign with this client secret, or signed too long ago
    (``hubspot_associations.webhooks.verify_signature``). The message says why (a missing header,
    a stale timestamp and its age, an unknown version, a mismatch), never the secret or the
    expected signature. Answer such a request 401 and do not act on its body."""


class WebhookBodyError(HubSpotError, ValueError):
    """A webhook body that is not HubSpot's JSON array of events, or an association event missing
    a field or holding one of the wrong type (``hubspot_associations.webhooks.parse_events``); the
    message names the event's index and the field."""


class APIConnectionError(HubSpotError):
    """The request got no HTTP answer (after any retries).

    ``sent`` is False when no attempt reached a server (every connection was refused or timed
    out before it opened): nothing was written, and the call can be made again as it is.
    """

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, sent: bool = True
    ) -> None:
        super().__init__(message)
        self.method = request.method if request is not None else None
        self.url = safe_url(request.url) if request is not None else None
        self.sent = sent


class OutcomeUnknownError(APIConnectionError):
    """A write that is not safe to send twice lost its answer, and nothing can be read back to tell
    whether it took effect (``report.request``: a resend could e-mail a second report).

    ``operation`` is its operationId, ``inputs`` what it was sent with.
    """

    def __init__(
        self, operation: str, inputs: dict[str, object], cause: APIConnectionError
    ) -> None:
        shown = ", ".join(f"{k}={v!r}" for k, v in inputs.items())
        super().__init__(
            f"{operation}({shown}) may or may not have taken effect: the request reached HubSpot "
            f"and its answer was lost ({cause}); it was not sent again. Check before retrying",
        )
        self.method, self.url, self.sent = cause.method, cause.url, True
        self.operation = operation
        self.inputs = inputs


class APITimeoutError(APIConnectionError):
    """The request got no answer in time (after any retries)."""


class ResponseTooLargeError(HubSpotError):
    """An answer whose body (decompressed) passed the client's cap; the rest was not read."""

    def __init__(
        self, limit: int, *, request: httpx.Request | None = None, reason: str | None = None
    ) -> None:
        where = f" ({request.method} {safe_url(request.url)})" if request is not None else ""
        what = reason or f"is larger than {limit:,} bytes once decompressed"
        super().__init__(
            f"HubSpot's answer{where} {what}; it was not read further. Ask for less per call, "
            "or raise max_body_bytes if it is legitimate"
        )
        self.limit = limit
        self.method = request.method if request is not None else None
        self.url = safe_url(request.url) if request is not None else None


class APIStatusError(HubSpotError):
    """HubSpot answered with an error status; HubSpot's fields are parsed where present."""

    status_code: int
    message: str
    category: str | None
    sub_category: str | None
    context: dict[str, list[str]]
    correlation_id: str | None
    errors: list[dict[str, Any]]
    policy_name: str | None
    body: str
    method: str | None
    url: str | None
    headers: dict[str, str]

    def __init__(self, message: str, *, response: httpx.Response, body: Any = None) -> None:
        data = body if isinstance(body, dict) else {}
        self.status_code = response.status_code
        self.message = str(data.get("message") or message)
        self.category = _text(data.get("category"))
        self.sub_category = _text(data.get("subCategory"))
        self.context = _context(data.get("context"))
        self.correlation_id = _text(data.get("correlationId"))
        raw_errors = data.get("errors")
        self.errors = (
            [e for e in raw_errors if isinstance(e, dict)] if isinstance(raw_errors, list) else []
        )
        self.policy_name = _text(data.get("policyName"))
        self.body = response.text[:_BODY_EXCERPT] if response.content else ""
        try:
            request = response.request
            self.method, self.url = request.method, safe_url(request.url)
        except RuntimeError:
            self.method = self.url = None
        # Only HubSpot's rate-limit and retry headers: never Authorization or cookies.
        self.headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower().startswith("x-hubspot-ratelimit") or k.lower() == "retry-after"
        }
        super().__init__(self._summary())

    def _summary(self) -> str:
        parts = [f"{self.status_code}"]
        if self.category:
            parts.append(self.category)
        text = f"{' '.join(parts)}: {self.message}"
        if self.context:
            text += f" {json.dumps(self.context, sort_keys=True)}"
        if self.method and self.url:
            text += f" ({self.method} {self.url}"
            text += f", correlationId {self.correlation_id})" if self.correlation_id else ")"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, category={self.category!r}, "
            f"message={self.message!r}, correlation_id={self.correlation_id!r})"
        )


class BadRequestError(APIStatusError):
    """400: HubSpot refused the input (see ``category`` and ``context``)."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, wrong or expired (category ``EXPIRED_AUTHENTICATION``: an
    OAuth token outlived its 30 minutes)."""

    def __init__(self, message: str, *, response: httpx.Response, body: Any = None) -> None:
        try:
            self._source: object = response.request.extensions.get(TOKEN_SOURCE)
        except RuntimeError:  # a response built without a request
            self._source = None
        super().__init__(message, response=response, body=body)

    def _summary(self) -> str:
        return super()._summary() + self._advice()

    def _advice(self) -> str:
        source = self._source
        if source == "renewed":
            return (
                "; the token provider (access_token=callable) was asked again after a 401 and "
                "its new token was refused too: check what it returns"
            )
        if source == "string" and self.category == "EXPIRED_AUTHENTICATION":
            return (
                "; the OAuth access token expired (they live 30 minutes): pass a token provider "
                "(access_token=a callable returning a fresh token; the CLI's --token-command) so "
                "the client asks for a new one on expiry, or refresh the token and build a new "
                "client"
            )
        return ""


class PermissionDeniedError(APIStatusError):
    """403: the token lacks a scope. ``required_scopes`` lists what HubSpot names
    (``requiredGranularScopes`` in ``errors[].context`` or ``context``; empty when it names
    none)."""

    required_scopes: list[str]

    def __init__(self, message: str, *, response: httpx.Response, body: Any = None) -> None:
        self.required_scopes = required_scopes(body)
        super().__init__(message, response=response, body=body)

    def _summary(self) -> str:
        text = super()._summary()
        if self.required_scopes:
            text += (
                f"; missing scopes: {', '.join(self.required_scopes)} (add them to the app or "
                "private app and re-install it, or re-authorize the OAuth connection)"
            )
        return text


class AssociationPermissionError(PermissionDeniedError):
    """The client's release refused an association write because the HubSpot user behind the
    OAuth token lacks the "Edit associations" permission: 2026-09's write validation (HubSpot's
    changelog "CRM API Write Validation Enforcement", 2026-08-11). The answer's status and
    category are the release's ``association_permission`` (``Release.association_permission``:
    HubSpot does not publish them, so they are inferred)."""

    def _summary(self) -> str:
        # HubSpot's message first; of what this client knows, only what it does not say yet,
        # the permission named by its name once.
        said = self.message.lower()
        named = '"edit associations"' in said
        added = []
        if "edit associations" not in said:
            added.append(
                'the HubSpot user behind this OAuth token lacks the "Edit associations" permission'
            )
            named = True
        if "2026-09" not in said:
            added.append(
                "HubSpot checks it on association writes from the 2026-09 release on (write "
                "validation)"
            )
        if not any(advice in said for advice in _PERMISSION_ADVICE):
            what = "it" if named else 'the user "Edit associations"'
            added.append(
                f"ask a super admin to grant {what}, or connect the app as a user who has it"
            )
        added.append("the permission is in Settings > Users & Teams > the user > Permissions > CRM")
        return super()._summary() + "; " + "; ".join(added)


# Words of a refusal's message that already say what to do about the missing permission.
_PERMISSION_ADVICE: Final = (
    "user who has it",
    "give the user",
    "grant the user",
    "ask a super admin",
)


class NotFoundError(APIStatusError):
    """404: no such path or object."""


class ConflictError(APIStatusError):
    """409: the change conflicts with existing state."""


class RateLimitError(APIStatusError):
    """429: rate limited, and the retries ran out (``policy_name`` says which limit)."""


class ServerError(APIStatusError):
    """5xx (and HubSpot's 52x): HubSpot had trouble; usually worth trying again later."""


class UnexpectedStatusError(APIStatusError):
    """A status HubSpot does not document for this call."""


class UnexpectedResponseError(APIStatusError):
    """A success status whose body this client cannot read."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_body(response: httpx.Response) -> Any:
    """The decoded JSON of an error answer, or None when it is empty or not JSON.

    Read by the parser of every other answer (the same JSON, whichever parser is installed); a
    body nested too deeply for it is no JSON either, never a RecursionError out of the client.
    """
    if not response.content:
        return None
    try:
        return json_loads()(response.content)
    except (ValueError, RecursionError):
        return None


def error_from_response(
    response: httpx.Response, *, association_refusal: tuple[int, str] | None = None
) -> APIStatusError:
    """The typed error for an error answer, parsed tolerantly (every field may be missing).

    ``association_refusal`` is the (status, category) of the client's release's refusal of an
    association write by a user without "Edit associations" (``Release.association_permission``):
    an answer with both is an :class:`AssociationPermissionError`.
    """
    body = error_body(response)
    status = response.status_code
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else UnexpectedStatusError)
    category = body.get("category") if isinstance(body, dict) else None
    if association_refusal is not None and (status, category) == association_refusal:
        cls = AssociationPermissionError
    if isinstance(body, dict) and body.get("message"):
        message = str(body["message"])
    elif isinstance(body, dict):
        message = f"HubSpot answered {status} with no message"
    elif response.content:
        kind = response.headers.get("content-type", "unknown content").split(";")[0]
        message = f"HubSpot answered {status} with a non-JSON body ({kind})"
    else:
        message = f"HubSpot answered {status} with an empty body"
    return cls(message, response=response, body=body)


def required_scopes(body: Any) -> list[str]:
    """The scopes a 403 body names, in order and once each: ``requiredGranularScopes`` of each
    of ``errors[].context`` (HubSpot's MISSING_SCOPES answer) and of ``context``; a value may
    be a list of scopes or one scope."""
    if not isinstance(body, dict):
        return []
    contexts = [e.get("context") for e in body.get("errors") or [] if isinstance(e, dict)]
    contexts.append(body.get("context"))
    found: dict[str, None] = {}
    for context in contexts:
        value = context.get("requiredGranularScopes") if isinstance(context, dict) else None
        for scope in [value] if isinstance(value, str) else value or []:
            if isinstance(scope, str) and scope.strip():
                found.setdefault(scope.strip())
    return list(found)


def a_or_an(noun: str) -> str:
    """The noun with its indefinite article, for messages naming a type: "an int", "a str"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _context(value: object) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, list[str]] = {}
    for key, items in value.items():
        if isinstance(items, list):
            out[str(key)] = [str(i) for i in items]
        elif items is not None:
            out[str(key)] = [str(items)]
    return out


# Query parameters that could carry a credential (HubSpot's retired API keys, OAuth tokens).
_SECRET_PARAMS = frozenset({"hapikey", "access_token", "token", "client_secret", "code"})


# Paths that carry a token as their last segment (HubSpot's OAuth introspection).
_TOKEN_PATHS: Final = ("/oauth/v1/access-tokens/", "/oauth/v1/refresh-tokens/")


def safe_url(url: httpx.URL) -> str:
    """The URL with any credential-bearing query parameter or token path segment redacted."""
    for prefix in _TOKEN_PATHS:
        if url.path.startswith(prefix) and len(url.path) > len(prefix):
            # REDACTED, not <redacted>: a path's brackets would be shown percent-encoded.
            url = url.copy_with(path=prefix + "REDACTED")
    if not any(key.lower() in _SECRET_PARAMS for key in url.params):
        return str(url)
    params = [
        (k, "<redacted>" if k.lower() in _SECRET_PARAMS else v) for k, v in url.params.multi_items()
    ]
    return str(url.copy_with(params=params))
