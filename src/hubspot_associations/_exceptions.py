"""The errors this package raises.

::

    HubSpotError                      every error of this package
    ├── ClientValidationError         bad input found before the network (also a ValueError)
    ├── APIConnectionError            no answer: connection refused, dropped, DNS ...
    │   ├── APITimeoutError           no answer in time (each call has a deadline, retries included)
    │   └── OutcomeUnknownError       a write not safe to resend lost its answer (report.request)
    ├── ResponseTooLargeError         an answer larger than max_body_bytes once decompressed
    ├── SharedBudgetUnavailable       the shared rate budget's Redis out of reach; nothing sent
    ├── DailyLimitReached             the shared daily cap is spent for today; nothing sent
    └── APIStatusError                HubSpot answered with an error status
        ├── BadRequestError           400 (VALIDATION_ERROR, unknown object type ...)
        ├── AuthenticationError       401
        ├── PermissionDeniedError     403 (MISSING_SCOPES)
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
from typing import Any

import httpx
from hubspot_associations_api.types import json_loads

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientValidationError",
    "ConflictError",
    "HubSpotError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "UnexpectedResponseError",
    "UnexpectedStatusError",
    "error_body",
    "error_from_response",
]

_BODY_EXCERPT = 500


class HubSpotError(Exception):
    """Base class of every error raised by hubspot_associations."""


class ClientValidationError(HubSpotError, ValueError):
    """Input that cannot work, found before anything was sent; the message says what to pass."""


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
        self.url = _safe_url(request.url) if request is not None else None
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
        where = f" ({request.method} {_safe_url(request.url)})" if request is not None else ""
        what = reason or f"is larger than {limit:,} bytes once decompressed"
        super().__init__(
            f"HubSpot's answer{where} {what}; it was not read further. Ask for less per call, "
            "or raise max_body_bytes if it is legitimate"
        )
        self.limit = limit
        self.method = request.method if request is not None else None
        self.url = _safe_url(request.url) if request is not None else None


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
            self.method, self.url = request.method, _safe_url(request.url)
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
    """401: the token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the token lacks a scope (``context['requiredGranularScopes']``)."""


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


def error_from_response(response: httpx.Response) -> APIStatusError:
    """The typed error for an error answer, parsed tolerantly (every field may be missing)."""
    body = error_body(response)
    status = response.status_code
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else UnexpectedStatusError)
    if isinstance(body, dict) and body.get("message"):
        message = str(body["message"])
    elif response.content:
        kind = response.headers.get("content-type", "unknown content").split(";")[0]
        message = f"HubSpot answered {status} with a non-JSON body ({kind})"
    else:
        message = f"HubSpot answered {status} with an empty body"
    return cls(message, response=response, body=body)


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


def _safe_url(url: httpx.URL) -> str:
    """The URL with any credential-bearing query parameter redacted."""
    if not any(key.lower() in _SECRET_PARAMS for key in url.params):
        return str(url)
    params = [
        (k, "<redacted>" if k.lower() in _SECRET_PARAMS else v) for k, v in url.params.multi_items()
    ]
    return str(url.copy_with(params=params))
