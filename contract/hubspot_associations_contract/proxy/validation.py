"""Judge each exchange the proxy forwards by the contract suite's single-exchange checks.

An exchange of an Associations path (the operation found in the release's strict spec, as
:class:`~hubspot_associations_contract.wire.JudgingTransport` finds it) is judged on HubSpot's
answer, its body decoded: the status is documented (``status.documented``), the body matches the
release's response schema for that status (``schema.response``, schemathesis' own validator on
the strict spec), an error body has its fields and category (``errors.fields``,
``errors.category``), rate-limit headers are coherent (``ratelimit.headers``) and a batch
accounts for each input (``batch.accounting``, request body against answer).

Judged outside ``hubspot-associations check``: no target is read from the environment, the run's
selection and cases are left alone (``verdicts.collecting``), and every violation is a
:class:`Finding`, none raised, with a live portal's tolerance (``strict=False``: a 5xx with an
HTML body is not judged; a batch may fold several failed inputs into one error). Object calls,
unknown paths and exchanges without an answer give no finding; a check that cannot run on an
answer gives none either (the proxy never fails because of a judgement).
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Callable
from typing import Any

import httpx

from .. import checks, verdicts
from ..specs import batch_operations, release_names, strict_spec
from ..wire import operation_of
from .exchange import Exchange, Finding

__all__ = ["Validator", "release_of"]

_METHODS = ("get", "put", "post", "delete", "patch")


def release_of(method: str, path: str) -> str | None:
    """The release whose strict spec has this request (v4 paths: ``v4``; dated paths: their
    release), or None for object calls and paths outside every release."""
    names = release_names()
    ordered = ["v4", *(n for n in names if n != "v4")] if "v4" in names else names
    for release in ordered:
        if operation_of(method.upper(), path, release) is not None:
            return release
    return None


@functools.cache
def _templates(release: str) -> dict[str, tuple[str, str]]:
    """{operationId: (path template, METHOD)} of a release's strict spec."""
    return {
        str(op["operationId"]): (path, method.upper())
        for path, item in strict_spec(release)["paths"].items()
        for method, op in item.items()
        if method in _METHODS
    }


@functools.cache
def _schema(release: str) -> Any:
    import schemathesis  # the [contract] extra, which this package needs anyway

    return schemathesis.openapi.from_dict(strict_spec(release))


def _failure_text(failure: BaseException, limit: int = 300) -> str:
    """One line of a schemathesis failure: what is wrong and where, without the schema and the
    value it prints after (the Difference shows the value)."""
    text = str(failure).split("Schema at", 1)[0].replace("Response violates schema", "", 1)
    where = re.search(r"Schema at (\S+?):", str(failure))
    flat = re.sub(r"\s+", " ", text).strip() + (f" (at {where.group(1)})" if where else "")
    return flat if len(flat) <= limit else flat[:limit] + "…"


class Validator:
    """The contract's single-exchange checks, one exchange at a time (one thread at a time)."""

    def __init__(self, release: str | None = None, profile: str = "current") -> None:
        if release is not None and release not in release_names():
            raise ValueError(
                f"no strict spec for release {release!r}; known: {', '.join(release_names())}"
            )
        self.release = release
        # The strict spec is the release's current v4 profile; kept for the summary.
        self.profile = profile

    def operation(self, exchange: Exchange) -> tuple[str, str] | None:
        """(release, operationId) of the exchange's request, or None (not judged)."""
        method = exchange.method.upper()
        if self.release is not None:
            found = operation_of(method, exchange.path, self.release)
            return (self.release, found) if found is not None else None
        release = release_of(method, exchange.path)
        if release is None:
            return None
        found = operation_of(method, exchange.path, release)
        return (release, found) if found is not None else None

    def judge(self, exchange: Exchange) -> list[Finding]:
        """Every rule HubSpot's answer breaks (none for calls outside the spec)."""
        if exchange.status is None:
            return []
        where = self.operation(exchange)
        if where is None:
            return []
        release, operation = where
        status, body = exchange.status, exchange.decoded_response_body()
        headers = httpx.Headers(list(exchange.response_headers))
        with verdicts.collecting() as found:
            runs: tuple[Callable[[], None], ...] = (
                lambda: checks.judge_status(operation, status, release=release),
                lambda: checks.judge_error_body(operation, status, body, strict=False),
                lambda: checks.judge_rate_limit_headers(operation, status, headers),
                lambda: self._batch(release, operation, exchange, status, body),
            )
            for check in runs:
                try:
                    check()
                except Exception:  # a check that cannot judge this answer: no finding
                    continue
        out = [
            Finding(exchange.index, exchange.method, exchange.path, operation, status, rule, msg)
            for rule, _, msg, _ in found
        ]
        # A live portal's tolerance: HubSpot's proxies answer some 5xx with HTML.
        html_5xx = status >= 500 and not body.lstrip().startswith((b"{", b"["))
        schema_message = (
            None if html_5xx else self._schema_message(release, operation, exchange, body)
        )
        if schema_message is not None:
            out.insert(
                0,
                Finding(
                    exchange.index,
                    exchange.method,
                    exchange.path,
                    operation,
                    status,
                    "schema.response",
                    schema_message,
                ),
            )
        return out

    @staticmethod
    def _batch(release: str, operation: str, exchange: Exchange, status: int, body: bytes) -> None:
        if operation not in batch_operations(release):
            return
        try:
            sent = json.loads(exchange.request_body)
        except (ValueError, UnicodeDecodeError):
            return
        checks.judge_batch_accounting(operation, sent, status, body, strict=False)

    @staticmethod
    def _schema_message(
        release: str, operation: str, exchange: Exchange, body: bytes
    ) -> str | None:
        """schemathesis' verdict on the answer against the release's schema for its status."""
        assert exchange.status is not None
        template, method = _templates(release)[operation]
        headers = [
            (k, v)
            for k, v in exchange.response_headers
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        url = f"https://proxy.invalid{exchange.path}" + (
            f"?{exchange.query}" if exchange.query else ""
        )
        response = httpx.Response(
            exchange.status,
            headers=headers,
            content=body,
            request=httpx.Request(exchange.method, url),
        )
        response.read()
        # schemathesis reads the answer's time; the upstream's is what the proxy measured.
        response.elapsed = datetime.timedelta(seconds=exchange.seconds)
        try:
            _schema(release)[template][method].validate_response(response)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' failure(s)
            failures = getattr(exc, "exceptions", None) or [exc]
            texts = [_failure_text(f) for f in failures]
            return "; ".join(t for t in texts if t) or type(exc).__name__
        return None
