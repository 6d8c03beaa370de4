"""From an HTTP answer to a model or a typed error."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import httpx
from hubspot_associations_api import AuthenticatedClient
from hubspot_associations_api.types import ParseError

from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    UnexpectedResponseError,
    error_from_response,
)

__all__ = ["connection_error", "finish"]


def finish(operation: ModuleType, raw: AuthenticatedClient, response: httpx.Response) -> Any:
    """The parsed model of a 2xx answer (None when it has no body), or the typed error."""
    if not 200 <= response.status_code < 300:
        raise error_from_response(response)
    try:
        return operation._parse_response(client=raw, response=response)
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
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"HubSpot did not answer in time: {exc!r}", request=request)
    return APIConnectionError(f"could not reach HubSpot: {exc!r}", request=request)


def _has_request(exc: httpx.RequestError) -> bool:
    try:
        exc.request  # noqa: B018  (httpx raises RuntimeError when no request is attached)
    except RuntimeError:
        return False
    return True
