"""Judge every answer the client receives: the wire under ``hubspot_associations``, checked.

:class:`JudgingTransport` sits where the client meets the network (inside its retries), finds the
operation of each request from the release's strict spec, and runs the answer-level checks
(documented status, error fields, rate-limit headers) on it, as schemathesis does on its own
requests. So a wrong status met through the client (a 200 with a body where 204 is documented)
is reported under its rule, not silently accepted as "any 2xx".
"""

from __future__ import annotations

import functools
import re

import httpx

from . import checks, coverage, recorder
from .specs import strict_spec

__all__ = ["JudgingTransport", "operation_of"]

_METHODS = ("get", "put", "post", "delete", "patch")


@functools.cache
def _routes(release: str) -> list[tuple[str, re.Pattern[str], str]]:
    out = []
    for path, item in strict_spec(release)["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", path) + "$")
        for method, operation in item.items():
            if method in _METHODS:
                out.append((method.upper(), pattern, str(operation["operationId"])))
    # Literal segments win over parameters (…/labels before …/{toObjectId}).
    out.sort(key=lambda route: route[1].pattern.count("[^/]+"))
    return out


def operation_of(method: str, path: str, release: str) -> str | None:
    """The operationId of a request in one release, or None for paths outside the spec."""
    for verb, pattern, operation in _routes(release):
        if verb == method and pattern.match(path):
            return operation
    return None


class JudgingTransport(httpx.BaseTransport):
    """Send through ``inner``; judge each answer of a spec operation; hand it on, decoded."""

    def __init__(self, release: str, inner: httpx.BaseTransport | None = None) -> None:
        self.release = release
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, read and decode the whole answer, judge it, hand on an equivalent response."""
        response = self.inner.handle_request(request)
        try:
            body = response.read()  # decoded: gzip as HubSpot sends it is undone here
        finally:
            response.close()
        operation = operation_of(request.method, request.url.path, self.release)
        # Recorded before it is judged: a failing answer is the last step of a reproducer.
        recorder.exchange(request, response.status_code, body, operation)
        if operation is not None:
            coverage.saw(operation, response.status_code)
            checks.judge_status(operation, response.status_code)
            checks.judge_error_body(operation, response.status_code, body)
            checks.judge_rate_limit_headers(operation, response.status_code, response.headers)
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=body,
            request=request,
            extensions=response.extensions,
        )

    def close(self) -> None:
        """Close the inner transport."""
        self.inner.close()
