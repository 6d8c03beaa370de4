"""API versions: v4 and its date-versioned successor 2026-03, which differ only in their paths.

The generated client speaks the v4 paths of the curated spec. For 2026-03 a transport rewrites
each request's path prefix, so every operation, model and helper serves both versions unchanged.
"""

from __future__ import annotations

from typing import Literal

import httpx

__all__ = [
    "API_VERSIONS",
    "ApiVersion",
    "AsyncVersionedTransport",
    "VersionedTransport",
    "to_version",
]

ApiVersion = Literal["v4", "2026-03"]
API_VERSIONS: tuple[ApiVersion, ...] = ("v4", "2026-03")

# (v4 prefix, 2026-03 prefix); HubSpot ends v4 support on 2027-03-30.
_PREFIXES: dict[ApiVersion, tuple[tuple[str, str], ...]] = {
    "v4": (),
    "2026-03": (
        ("/crm/v4/objects/", "/crm/objects/2026-03/"),
        ("/crm/v4/associations/", "/crm/associations/2026-03/"),
    ),
}


def to_version(path: str, version: ApiVersion) -> str:
    """Map a v4 path of the curated spec to the same operation's path in ``version``."""
    for old, new in _PREFIXES[version]:
        if path.startswith(old):
            return new + path[len(old) :]
    return path


def check_version(version: str) -> ApiVersion:
    """Validate a user-supplied version string, saying which ones exist."""
    if version not in API_VERSIONS:
        raise ValueError(
            f"api_version must be one of {', '.join(API_VERSIONS)}; got {version!r}. "
            "Use '2026-03' for HubSpot's date-versioned API (v4 ends on 2027-03-30)."
        )
    return version


def _rewrite(request: httpx.Request, version: ApiVersion) -> None:
    path = request.url.raw_path.decode("ascii")
    query = ""
    if "?" in path:
        path, query = path.split("?", 1)
        query = "?" + query
    new_path = to_version(path, version)
    if new_path != path:
        request.url = request.url.copy_with(raw_path=(new_path + query).encode("ascii"))


class VersionedTransport(httpx.BaseTransport):
    """Send each request to the chosen API version's path."""

    def __init__(self, inner: httpx.BaseTransport, version: ApiVersion) -> None:
        self._inner = inner
        self._version = version

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite the path prefix, then hand the request on."""
        _rewrite(request, self._version)
        return self._inner.handle_request(request)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


class AsyncVersionedTransport(httpx.AsyncBaseTransport):
    """The async twin of VersionedTransport."""

    def __init__(self, inner: httpx.AsyncBaseTransport, version: ApiVersion) -> None:
        self._inner = inner
        self._version = version

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite the path prefix, then hand the request on."""
        _rewrite(request, self._version)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()
