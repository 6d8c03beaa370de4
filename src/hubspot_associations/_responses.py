"""From an HTTP answer to a model or a typed error."""

from __future__ import annotations

from typing import TypeVar

import httpx
from hubspot_associations_api.types import Operation, ParseError

from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    UnexpectedResponseError,
    error_from_response,
)
from ._transports.shared import MAY_HAVE_REACHED
from ._versions import Release

__all__ = ["connection_error", "finish"]

T = TypeVar("T")


def finish(
    operation: Operation[..., T], response: httpx.Response, release: Release | None = None
) -> T:
    """The parsed model of a 2xx answer (None when the operation answers without a body), or the
    typed error: a non-2xx status becomes its APIStatusError (AssociationPermissionError when
    it is ``release``'s refusal of a user without "Edit associations"), and a 2xx body that does
    not have the documented shape (or is empty where the operation always answers with a body)
    becomes UnexpectedResponseError."""
    if not 200 <= response.status_code < 300:
        refusal = release.association_permission if release is not None else None
        raise error_from_response(
            response,
            association_refusal=None if refusal is None else (refusal.status, refusal.category),
        )
    try:
        return operation.parse_success(response)
    except ParseError as exc:
        raise UnexpectedResponseError(
            f"HubSpot answered {response.status_code} with a body this client cannot read: {exc}",
            response=response,
        ) from exc
    except ValueError as exc:  # a 2xx whose body is not JSON at all
        raise UnexpectedResponseError(
            f"HubSpot answered {response.status_code} with a body that is not JSON: {exc}",
            response=response,
        ) from exc


def connection_error(exc: httpx.RequestError) -> APIConnectionError:
    """The typed error for a request that never got an answer (after retries)."""
    request = exc.request if _has_request(exc) else None
    # Unknown (no request, or not from the retrying transport) counts as sent: it may have been.
    sent = True if request is None else bool(request.extensions.get(MAY_HAVE_REACHED, True))
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"HubSpot did not answer in time: {exc!r}", request=request, sent=sent
        )
    return APIConnectionError(f"could not reach HubSpot: {exc!r}", request=request, sent=sent)


def _has_request(exc: httpx.RequestError) -> bool:
    try:
        exc.request  # noqa: B018  (httpx raises RuntimeError when no request is attached)
    except RuntimeError:
        return False
    return True
