"""The token a client sends, given as a string or by a provider (a callable), checked once here.

A provider is asked when the first request needs a token and when HubSpot answers 401 (an OAuth
token lives 30 minutes); its answer is checked as a given token is. The async and sync ways of
asking (and of locking, so that many requests refused at once ask once) are written side by
side, as in ``_primitives.py``: ``codegen/unasync.py`` renames ``async_ask`` to ``ask``,
``async_provider_of`` to ``provider_of`` and ``async_token_lock`` to ``token_lock`` in
``_async/auth.py``'s twin.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Awaitable, Callable
from typing import TypeAlias, cast

from .._exceptions import ClientValidationError, TokenProviderError, a_or_an

__all__ = [
    "AsyncTokenProvider",
    "TokenProvider",
    "TokenSource",
    "ask",
    "async_ask",
    "async_provider_of",
    "async_token_lock",
    "check_token",
    "provider_name",
    "provider_of",
    "token_lock",
]

# What the sync client accepts as access_token besides a string.
TokenProvider: TypeAlias = Callable[[], str]
# What the async client accepts: a plain function or a coroutine function.
AsyncTokenProvider: TypeAlias = Callable[[], str] | Callable[[], Awaitable[str]]
# What a client's settings keep: the token, or the provider to ask for one.
TokenSource: TypeAlias = str | TokenProvider | AsyncTokenProvider


def check_token(token: str) -> None:
    """Refuse a token that cannot travel in a header, without ever showing it."""
    # A CR, LF or NUL would split or truncate the Authorization header (and used to be echoed
    # into errors and results files); non-ASCII cannot be encoded in a header at all.
    bad = [c for c in token if not 0x21 <= ord(c) <= 0x7E]
    if bad:
        kinds = sorted({_char_kind(c) for c in bad})
        raise ClientValidationError(
            f"the access token contains {', '.join(kinds)}, which a token never holds: copy it "
            "again from HubSpot (private app > Auth), without quotes or line breaks; "
            "the token is not shown here"
        )


def _char_kind(char: str) -> str:
    names = {"\r": "a carriage return", "\n": "a line break", "\x00": "a NUL byte"}
    if char in names:
        return names[char]
    if char.isspace():
        return "a space"
    return "a non-ASCII character" if ord(char) > 0x7E else "a control character"


def provider_name(provider: object) -> str:
    """The provider as messages name it: its qualified name, never its repr (a partial's or a
    closure's repr could hold a secret)."""
    name = getattr(provider, "__qualname__", None) or getattr(provider, "__name__", None)
    return str(name) if name else f"{a_or_an(type(provider).__name__)} object"


async def async_ask(provider: AsyncTokenProvider) -> str:
    """The provider's token (awaited when it answers with an awaitable), checked."""
    try:
        value: object = provider()
        if inspect.isawaitable(value):
            value = await value
    except TokenProviderError:
        raise
    except Exception as exc:
        raise _failed(provider, exc) from exc
    return _checked(provider, value)


def ask(provider: TokenProvider) -> str:
    """The provider's token, checked (the sync client cannot await an async provider)."""
    try:
        value: object = provider()
    except TokenProviderError:
        raise
    except Exception as exc:
        raise _failed(provider, exc) from exc
    if inspect.isawaitable(value):
        if inspect.iscoroutine(value):
            value.close()  # never awaited: close it, so Python does not warn about it
        raise TokenProviderError(
            f"the token provider {provider_name(provider)} returned an awaitable: the sync "
            "client calls it without an event loop. Give it a function that returns the token, "
            "or use AsyncHubSpotAssociations"
        )
    return _checked(provider, value)


def async_provider_of(source: TokenSource) -> AsyncTokenProvider | None:
    """The provider an async client asks (None: it was given the token itself)."""
    return None if isinstance(source, str) else source


def provider_of(source: TokenSource) -> TokenProvider | None:
    """The provider a sync client asks (None: it was given the token itself). An async provider
    is not told apart here: ``ask`` refuses its awaitable, with a message saying so."""
    return None if isinstance(source, str) else cast(TokenProvider, source)


def async_token_lock() -> asyncio.Lock:
    """The lock around asking an async client's provider (one event loop's tasks)."""
    return asyncio.Lock()


def token_lock() -> threading.Lock:
    """The lock around asking a sync client's provider (the client may be used from threads)."""
    return threading.Lock()


def _failed(provider: object, exc: Exception) -> TokenProviderError:
    return TokenProviderError(
        f"the token provider {provider_name(provider)} raised {type(exc).__name__}: {exc}; "
        "nothing was applied by HubSpot. Fix the provider (it must return the access token)"
    )


def _checked(provider: object, value: object) -> str:
    if not isinstance(value, str):
        raise TokenProviderError(
            f"the token provider {provider_name(provider)} returned "
            f"{'None' if value is None else a_or_an(type(value).__name__)}, not a token: it must "
            "return the access token as a str"
        )
    if not value.strip():
        raise TokenProviderError(
            f"the token provider {provider_name(provider)} returned an empty string, not a "
            "token: it must return the access token"
        )
    try:
        check_token(value.strip())
    except ClientValidationError as exc:
        raise TokenProviderError(f"the token provider {provider_name(provider)}: {exc}") from None
    return value.strip()
