"""What a client is configured with, shared by the sync and async clients and the bulk helpers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import ClassVar, Final, TypeAlias, cast

import httpx

from . import __about__
from ._async.transport import AsyncRetryingTransport, AsyncVersionedTransport
from ._auth.tokens import AsyncTokenProvider, TokenSource, check_token
from ._deadline import deadline_transport
from ._exceptions import ClientValidationError, a_or_an
from ._numbers import DEFAULT_RATE_LIMIT_REQUESTS, DEFAULT_RATE_LIMIT_SECONDS
from ._ratelimit.limiter import RateLimiter
from ._sync.transport import RetryingTransport, VersionedTransport
from ._transports.body import DEFAULT_MAX_BODY_BYTES
from ._transports.retry import RetryPolicy
from ._transports.shared import OnRetry
from ._values.ranges import in_range, parse_rate
from ._values.ranges import rate_limit as checked_rate_limit
from ._versions import RELEASES, ApiVersion, Release, check_version, warn_if_ending

__all__ = ["ClientSettings", "RateLimitLike", "default_rate_limit"]

# None: no client-side limit; (requests, seconds): a custom window; or a limiter to share.
RateLimitLike: TypeAlias = RateLimiter | tuple[int, float] | None

TOKEN_ENV: Final = "HUBSPOT_ACCESS_TOKEN"
# N/SECONDS: the default rate limit of every client and of the CLI (e.g. 190/10 for a
# Professional portal's apps); a rate_limit given to a client still wins.
RATE_LIMIT_ENV: Final = "HUBSPOT_ASSOCIATIONS_RATE_LIMIT"
DEFAULT_RATE_LIMIT: Final[tuple[int, float]] = (
    DEFAULT_RATE_LIMIT_REQUESTS,
    float(DEFAULT_RATE_LIMIT_SECONDS),
)
BASE_URL_ENV: Final = "HUBSPOT_BASE_URL"


@dataclass(frozen=True)
class ClientSettings:
    """Token (or token provider), address, version, timeout, retry policy and rate limiter of
    one client."""

    DEFAULT_BASE_URL: ClassVar[str] = "https://api.hubapi.com"
    # HubSpot's smallest burst tier (free and starter apps), from openapi/numbers.yaml; given as
    # this very tuple (the default), HUBSPOT_ASSOCIATIONS_RATE_LIMIT replaces it when set.
    DEFAULT_RATE_LIMIT: ClassVar[tuple[int, float]] = DEFAULT_RATE_LIMIT
    DEFAULT_TIMEOUT: ClassVar[float] = 30.0
    REDACTED: ClassVar[str] = "<redacted>"

    base_url: str
    api_version: ApiVersion
    timeout: httpx.Timeout
    retry_policy: RetryPolicy
    limiter: RateLimiter | None
    # The token, or the callable a client asks for one (see _async/auth.py); never shown.
    _token: TokenSource = field(repr=False)
    # A decompressed answer larger than this raises ResponseTooLargeError without being read.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    on_retry: OnRetry | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        access_token: str | AsyncTokenProvider | None = None,
        *,
        base_url: str | None = None,
        api_version: str = "v4",
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        rate_limit: RateLimitLike = DEFAULT_RATE_LIMIT,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        on_retry: OnRetry | None = None,
    ) -> ClientSettings:
        """Settings from arguments, falling back to HUBSPOT_ACCESS_TOKEN and HUBSPOT_BASE_URL.

        ``access_token`` is the token, or a token provider: a callable returning one (on the
        async client it may return an awaitable), asked when the first request needs a token
        and again on a 401 (an expired OAuth token).
        """
        token = _token_source(access_token)
        in_range("max_body_bytes", max_body_bytes)
        policy = retry_policy or RetryPolicy()
        if max_retries is not None:
            policy = policy.with_max_retries(in_range("max_retries", max_retries))
        version = check_version(api_version)
        warn_if_ending(RELEASES[version])
        return cls(
            base_url=_check_base_url(
                base_url or os.environ.get(BASE_URL_ENV) or cls.DEFAULT_BASE_URL
            ),
            api_version=version,
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            retry_policy=policy,
            limiter=_limiter(
                default_rate_limit() if rate_limit is DEFAULT_RATE_LIMIT else rate_limit
            ),
            max_body_bytes=max_body_bytes,
            on_retry=on_retry,
            _token=token,
        )

    @property
    def release(self) -> Release:
        """The HubSpot release this client speaks (paths, what it lacks, how it answers)."""
        return RELEASES[self.api_version]

    @property
    def token_source(self) -> TokenSource:
        """The token, or the token provider: what the client's auth (``_async/auth.py``) sends
        (never shown in a repr)."""
        return self._token

    def headers(self) -> dict[str, str]:
        """The headers every request carries besides Authorization, which the client's auth
        sets on each request (the token never in a repr)."""
        return {
            "User-Agent": f"hubspot-associations/{__about__.__version__}",
            "Accept": "application/json",
            # Only what the transport can inflate with a bounded output (see _body).
            "Accept-Encoding": "gzip, deflate",
        }

    def sync_transport(self, inner: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        """Retries and rate limiting around ``inner``, then the version's path mapping."""
        transport: httpx.BaseTransport = RetryingTransport(
            inner or deadline_transport(),
            policy=self.retry_policy,
            limiter=self.limiter,
            on_retry=self.on_retry,
            max_body_bytes=self.max_body_bytes,
        )
        return VersionedTransport(transport, self.api_version)

    def async_transport(
        self, inner: httpx.AsyncBaseTransport | None = None
    ) -> httpx.AsyncBaseTransport:
        """The async twin of :meth:`sync_transport`."""
        transport: httpx.AsyncBaseTransport = AsyncRetryingTransport(
            inner or httpx.AsyncHTTPTransport(),
            policy=self.retry_policy,
            limiter=self.limiter,
            on_retry=self.on_retry,
            max_body_bytes=self.max_body_bytes,
        )
        return AsyncVersionedTransport(transport, self.api_version)

    def describe(self) -> str:
        """A one-line summary for reprs: everything but the token."""
        return f"base_url={self.base_url!r}, api_version={self.api_version!r}"


def _token_source(access_token: object) -> TokenSource:
    """The given token (checked, stripped), a token provider, or HUBSPOT_ACCESS_TOKEN's token."""
    if callable(access_token):
        # What it returns is checked each time it is asked (_auth/tokens.py).
        return cast(TokenSource, access_token)
    if access_token is not None and not isinstance(access_token, str):
        raise ClientValidationError(
            f"access_token is {a_or_an(type(access_token).__name__)}: pass the token as a str, "
            "or a token provider (a callable returning one)"
        )
    token = access_token or os.environ.get(TOKEN_ENV, "")
    if not token.strip():
        raise ClientValidationError(
            f"no access token: pass access_token=... (a token, or a callable returning one) or "
            f"set {TOKEN_ENV} (a private-app or OAuth token with the crm.objects.*.read/write "
            "scopes)"
        )
    check_token(token.strip())
    return token.strip()


def _check_base_url(value: str) -> str:
    """An http(s) address with a host, or a ClientValidationError naming what to pass."""
    try:
        url = httpx.URL(value.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        url = None
    if url is None or url.scheme not in {"http", "https"} or not url.host:
        raise ClientValidationError(
            f"base_url {value!r} is not an http(s) address such as https://api.hubapi.com "
            "or http://127.0.0.1:8080 (the emulator)"
        )
    return value.strip().rstrip("/")


def _limiter(limit: RateLimitLike) -> RateLimiter | None:
    if limit is None or isinstance(limit, RateLimiter):
        return limit
    return RateLimiter(*checked_rate_limit(limit))


def default_rate_limit() -> tuple[int, float]:
    """HubSpot's smallest tier, or HUBSPOT_ASSOCIATIONS_RATE_LIMIT (N/SECONDS) when it is set."""
    text = os.environ.get(RATE_LIMIT_ENV, "").strip()
    return parse_rate(text, source=RATE_LIMIT_ENV) if text else DEFAULT_RATE_LIMIT
