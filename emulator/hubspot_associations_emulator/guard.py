"""The control API's guard against web pages: it changes state without auth (unless started with
a control token), so refuse what a browser on another site (or a DNS-rebound name) can send, and
keep every plain client working.

- ``Host`` must name a loopback address (``localhost``, 127.0.0.0/8, ``::1``) or the address the
  connection arrived on; else 403. A rebound name (``evil.example`` resolving to 127.0.0.1) fails.
- ``Origin``, when present, must be http(s) on a loopback host, or the request's own host; else
  403. Browsers send Origin on every cross-site POST (and on a sandboxed page: ``null``).
- POST and PUT need ``Content-Type: application/json`` (else 415), which a page can send
  cross-site only after a CORS preflight that the emulator never grants. One exception: no
  Content-Type, no body and no Origin, a bare call such as ``httpx.post(url)`` (what a browser
  sends always carries an Origin).
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the command line imports this module before knowing Starlette is installed
    from starlette.types import Scope

from . import errors

CONTROL_PREFIX = "/_emulator/"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refusal(scope: Scope, control_token: str | None = None) -> errors.ApiError | None:
    """The 401, 403 or 415 a control API request gets, or None when it may proceed.

    With a ``control_token`` (``serve --control-token``), every call needs ``Authorization:
    Bearer <control_token>`` first (compared in constant time).
    """
    headers: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name, value.decode("latin-1"))
    if control_token is not None and not _control_token_given(headers, control_token):
        given = b"authorization" in headers
        return errors.ApiError(
            401,
            (
                "The bearer token given is not this emulator's control token"
                if given
                else "This emulator's control API needs Authorization: Bearer <control token>, "
                "and none was given"
            )
            + " (it was started with --control-token; clients and fixtures take --control-token "
            "or HUBSPOT_EMULATOR_CONTROL_TOKEN)",
            "INVALID_AUTHENTICATION",
        )
    host = headers.get(b"host")
    origin = headers.get(b"origin")
    if host is not None and not _host_allowed(host, scope):
        return errors.forbidden(f"Host {host!r} is not a loopback address of this emulator")
    if origin is not None and not _origin_allowed(origin, host):
        return errors.forbidden(f"Origin {origin!r} may not call the control API")
    if scope["method"] in _WRITES and not _json_or_bare(headers, origin):
        return errors.unsupported_media_type()
    return None


def exposure(host: str, control_token: str | None, insecure: bool) -> str | None:
    """Why the emulator must not listen on ``host`` as asked (None: it may): its control API
    resets, seeds and reads everything, so beyond loopback it needs a control token, or the
    user's explicit --insecure-control."""
    if control_token is not None or insecure or _is_loopback(host.strip().strip("[]").lower()):
        return None
    return (
        f"--host {host} listens beyond this machine, and the control API (/_emulator/*) would "
        "let anyone who reaches the port reset, seed and read the emulator: give --control-token "
        "T (or set HUBSPOT_EMULATOR_CONTROL_TOKEN) and pass the same token to the fixtures and "
        "clients, or --insecure-control to accept the risk"
    )


def _control_token_given(headers: dict[bytes, str], control_token: str) -> bool:
    """Whether the request carries the control token as a bearer token."""
    scheme, _, given = headers.get(b"authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("latin-1"), control_token.encode("latin-1"))


def _hostname(host: str) -> str | None:
    """The name or address of a Host value (``h``, ``h:port``, ``[v6]:port``), else None."""
    value = host.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else None
    if value.count(":") > 1:
        return None  # an IPv6 address without brackets is no valid Host
    return value.partition(":")[0] or None


def _is_loopback(name: str) -> bool:
    """Whether a host name or address is this machine's loopback."""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_allowed(host: str, scope: Scope) -> bool:
    """Whether the Host header names loopback or the address the connection arrived on."""
    name = _hostname(host)
    if name is None:
        return False
    # The address the connection arrived on: reaching the emulator by IP (bound to 0.0.0.0).
    server = scope.get("server")
    bound = str(server[0]).lower() if server else None
    return _is_loopback(name) or name == bound


def _origin_allowed(origin: str, host: str | None) -> bool:
    """Whether an Origin is an http(s) loopback origin or the request's own host."""
    try:
        parts = urlsplit(origin.strip())
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if _is_loopback(parts.hostname):
        return True
    return host is not None and parts.netloc.lower() == host.strip().lower()


def _json_or_bare(headers: dict[bytes, str], origin: str | None) -> bool:
    """Whether a write is JSON, or a bare call with no Content-Type, body nor Origin."""
    content_type = headers.get(b"content-type")
    if content_type is not None:
        return content_type.partition(";")[0].strip().lower() == "application/json"
    length = headers.get(b"content-length")
    bodiless = b"transfer-encoding" not in headers and length in (None, "0")
    return bodiless and origin is None
