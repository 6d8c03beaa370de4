"""Per-call options (``timeout=``, ``extra_headers=``) and a client copy's defaults, checked once.

Facade methods declare the options once, as ``**options: Unpack[CallOptions]``: a type checker
checks each option's name and type at every call site, and ``per_call`` takes them out before the
method's body runs (the body never reads them). The options travel to the retrying transport
as request extensions, so a call's deadline and retry count apply to every attempt of that
request, whichever client sent it.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, Self, TypedDict, TypeVar, cast

from .._exceptions import ClientValidationError
from .._values.ranges import in_range

__all__ = [
    "CALL_MAX_RETRIES",
    "CALL_TIMEOUT",
    "CallOptions",
    "CallSettings",
    "Section",
    "per_call",
]

# Request extensions the retrying transport reads (see _transport.Attempts).
CALL_TIMEOUT: Final = "hubspot_associations.call_timeout"
CALL_MAX_RETRIES: Final = "hubspot_associations.call_max_retries"
# RFC 9110 field names (tokens); values of visible ASCII, spaces and tabs: no CR or LF can split
# a request, and httpx encodes header values as ASCII.
_NAME: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_BAD_VALUE: Final = re.compile(r"[^\t\x20-\x7e]")
# What the client owns: a per-call header must not replace the token or how answers are read.
_RESERVED: Final = frozenset({"authorization", "accept-encoding", "content-length", "host"})


class CallOptions(TypedDict, total=False):
    """The keywords every facade method takes: ``timeout=`` (seconds, each request's deadline,
    retries and their waits included) and ``extra_headers=`` (added to each request it sends)."""

    timeout: float | None
    extra_headers: Mapping[str, str] | None


@dataclass(frozen=True)
class CallSettings:
    """What one call (or every call of a ``with_options`` copy) adds to the client's settings."""

    timeout: float | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    max_retries: int | None = None

    @property
    def empty(self) -> bool:
        """Whether these options change nothing."""
        return self.timeout is None and not self.extra_headers and self.max_retries is None

    def merged(
        self,
        *,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        max_retries: int | None = None,
    ) -> CallSettings:
        """These options with the given ones on top (headers merged, the given ones winning)."""
        headers = dict(self.extra_headers)
        headers.update(check_headers(extra_headers))
        return CallSettings(
            timeout=self.timeout if timeout is None else check_timeout(timeout),
            extra_headers=headers,
            max_retries=(
                self.max_retries if max_retries is None else in_range("max_retries", max_retries)
            ),
        )

    def apply(self, request: dict[str, Any], extensions: dict[str, Any]) -> None:
        """Put the options into a generated operation's request and its extensions."""
        if self.extra_headers:
            request["headers"] = {**(request.get("headers") or {}), **self.extra_headers}
        if self.timeout is not None:
            # Each attempt gets at most this long (httpx's timeouts), and the whole call too.
            request["timeout"] = self.timeout
            extensions[CALL_TIMEOUT] = self.timeout
        if self.max_retries is not None:
            extensions[CALL_MAX_RETRIES] = self.max_retries


def check_timeout(timeout: object) -> float:
    """A call's timeout: seconds, finite and above 0."""
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ClientValidationError(
            f"timeout must be a finite number of seconds above 0, got {timeout!r}; it bounds "
            "each request of the call, retries and their waits included"
        )
    return float(timeout)


def check_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """Extra headers as a dict, each a valid field name with a one-line text value."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise ClientValidationError(
            f"extra_headers must be a mapping of header names to values, got {type(headers)!r}"
        )
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ClientValidationError(f"extra_headers: {name!r} is not a header name")
        if name.lower() in _RESERVED:
            raise ClientValidationError(
                f"extra_headers: {name} is set by the client (token, encoding, length, host); "
                "build another client to change it"
            )
        if not isinstance(value, str) or _BAD_VALUE.search(value):
            raise ClientValidationError(
                f"extra_headers: the value of {name} must be ASCII text on one line, got {value!r}"
            )
        # RFC 9110: the spaces and tabs around a value are not part of it, and h11 (under httpx)
        # refuses a value that keeps them ("Illegal header value"), which reached the caller as a
        # connection error.
        checked[name] = value.strip(" \t")
    return checked


class Section(Protocol):
    """A group of facade methods (``client.basic``, ``client.bulk``, …)."""

    def _given(self, timeout: float | None, extra_headers: Mapping[str, str] | None) -> Self: ...


F = TypeVar("F", bound=Callable[..., Any])


# The options as keyword-only parameters, spelled as the methods declared them before 0.3 and as
# run-time introspection (inspect.signature, help(), IDEs reading it) shows them.
_OPTION_PARAMETERS: Final = tuple(
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
    for name, annotation in (
        ("timeout", "float | None"),
        ("extra_headers", "Mapping[str, str] | None"),
    )
)


def _signature(method: Callable[..., Any]) -> inspect.Signature:
    """``method``'s signature with ``**options`` spelled out as the options' keywords."""
    signature = inspect.signature(method)
    kept = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    return signature.replace(parameters=[*kept, *_OPTION_PARAMETERS])


def per_call(method: F) -> F:
    """Give a facade method ``timeout=`` and ``extra_headers=``: when either is set, the method
    runs on a copy of its section whose core sends with them, so every request the call makes
    (a follow-up list, each page, each chunk) carries them, and the body needs no change.

    The method declares them as ``**options: Unpack[CallOptions]``; any other keyword it does not
    name is refused with the TypeError Python gives for an unexpected keyword."""
    signature = _signature(method)
    named = frozenset(signature.parameters)

    def target(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        timeout = kwargs.pop("timeout", None)
        extra_headers = kwargs.pop("extra_headers", None)
        if unexpected := kwargs.keys() - named:
            raise TypeError(
                f"{method.__qualname__}() got an unexpected keyword argument {min(unexpected)!r}"
            )
        section: Section = args[0]
        if timeout is None and extra_headers is None:
            return args
        return (section._given(timeout, extra_headers), *args[1:])

    if inspect.isasyncgenfunction(method):

        @functools.wraps(method)
        async def generator(*args: Any, **kwargs: Any) -> Any:
            async for item in method(*target(args, kwargs), **kwargs):
                yield item

        wrapper: Any = generator
    elif inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def coroutine(*args: Any, **kwargs: Any) -> Any:
            return await method(*target(args, kwargs), **kwargs)

        wrapper = coroutine
    else:

        @functools.wraps(method)
        def plain(*args: Any, **kwargs: Any) -> Any:
            return method(*target(args, kwargs), **kwargs)

        wrapper = plain
    wrapper.__signature__ = signature
    return cast(F, wrapper)
