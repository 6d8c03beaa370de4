"""What the shared rate budget (``async_redis_window.py`` and its generated sync twin) holds in
common: the two Lua scripts Redis runs, the key names, the checks of its settings, the errors.

HubSpot counts requests per app and portal, not per process. Every process that names the same
key books its request starts in one Redis sorted set, on Redis' own clock (``TIME``), with the
same rule as the in-process limiter: a start may not enter a window of ``per_seconds + margin``
that already holds ``max_requests`` starts. A booking is one atomic script, so the group never
exceeds the window; a worker that dies leaves only bookings that age out with the window, never
a lock.
"""

from __future__ import annotations

import importlib.util
import inspect
import itertools
import os
import re
import secrets
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias
from urllib.parse import urlsplit, urlunsplit

from .._exceptions import ClientValidationError, HubSpotError
from .._values.ranges import in_range

if TYPE_CHECKING:
    from .window import LocalWindow

__all__ = [
    "PAUSE_SCRIPT",
    "RELEASE_SCRIPT",
    "RESERVE_SCRIPT",
    "DailyLimitReached",
    "OnUnreachable",
    "SharedBudgetUnavailable",
    "WindowSettings",
    "check_client",
    "import_redis_error",
    "redacted",
    "require_redis",
]

# What to do while Redis cannot be reached: wait for it (bounded by ``wait_at_most``), go on
# alone with ``local_share`` of the window, or raise SharedBudgetUnavailable at once.
OnUnreachable: TypeAlias = Literal["wait", "local", "raise"]
_MODES: Final = ("wait", "local", "raise")

# KEYS: the slots (a sorted set: per request, the latest it can have reached HubSpot, in µs on
# Redis' clock), the pause floor, the day counter's prefix, the paced schedule (when the next start
# is due). ARGV: max_requests, per_seconds (µs), the slot's unique member, the daily limit (0:
# none), the portal's UTC offset (s), the spacing (µs), the burst, the margin (µs). The rules are
# LocalWindow.book_here's. Returns {µs to wait, requests left today (-1: no cap)}, or {-1, 0} when
# the daily cap is spent (nothing booked).
RESERVE_SCRIPT: Final = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local left = -1
local daily = tonumber(ARGV[4])
local day_key = KEYS[3] .. math.floor((tonumber(clock[1]) + tonumber(ARGV[5])) / 86400)
if daily > 0 then
  local used = tonumber(redis.call('GET', day_key) or '0')
  if used >= daily then return {-1, 0} end
  left = daily - used - 1
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local spacing = tonumber(ARGV[6])
local due = tonumber(redis.call('GET', KEYS[4]) or '0')
local start = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'),
                       due - (tonumber(ARGV[7]) - 1) * spacing)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local latest = redis.call('ZRANGE', KEYS[1], -limit, -limit, 'WITHSCORES')
  start = math.max(start, tonumber(latest[2]) + window)
end
local margin = tonumber(ARGV[8])
redis.call('ZADD', KEYS[1], start + margin, ARGV[3])
local ttl = math.ceil((start + margin - now + window) / 1000) + 1000
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('SET', KEYS[4], string.format('%.0f', math.max(due, start) + spacing), 'PX', ttl)
if daily > 0 then
  redis.call('INCR', day_key)
  redis.call('EXPIRE', day_key, 172800)
end
return {start - now, left}
"""

# KEYS: the slots. ARGV: the member. Its answer is back: it reached HubSpot by now, if at all.
RELEASE_SCRIPT: Final = """
local clock = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', tonumber(clock[1]) * 1000000 + tonumber(clock[2]), ARGV[1])
return 0
"""

# KEYS: the pause floor. ARGV: the pause (µs). Every booking of the group starts after it.
PAUSE_SCRIPT: Final = """
local clock = redis.call('TIME')
local until_ = tonumber(clock[1]) * 1000000 + tonumber(clock[2]) + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.0f', until_), 'PX', math.ceil(ARGV[1] / 1000) + 1000)
end
return 0
"""

_KEY: Final = re.compile(r"[\x21-\x7e]{1,200}")


class SharedBudgetUnavailable(HubSpotError):
    """The shared rate budget's Redis could not be reached (``on_unreachable="raise"``, or
    ``"wait"`` past ``wait_at_most``); nothing was sent."""


class DailyLimitReached(HubSpotError):
    """The shared daily cap is spent for today (the portal's day); nothing was sent."""


class WindowSettings:
    """A shared window's checked settings, and the unique names of this process' bookings."""

    def __init__(
        self,
        url: str | None,
        *,
        key: str,
        client: Any,
        on_unreachable: str,
        local_share: float,
        wait_at_most: float,
        daily_limit: int | None,
        utc_offset_hours: float,
        timeout: float,
        daily_key: str | None = None,
    ) -> None:
        if (url is None) == (client is None):
            raise ClientValidationError(
                "a shared window needs exactly one of url='redis://host:6379/0' (rediss:// for "
                "TLS, user:password@ for auth) or client=<a redis-py client you configured>"
            )
        if url is not None and not _redis_url(url):
            shown = redacted(url) if isinstance(url, str) else repr(url)
            raise ClientValidationError(
                f"url must start with redis://, rediss:// (TLS) or unix://, got {shown!r}"
            )
        _check_keys(key, daily_key)
        if on_unreachable not in _MODES:
            raise ClientValidationError(
                f"on_unreachable must be one of {', '.join(_MODES)}, got {on_unreachable!r}"
            )
        if not 0 < local_share <= 1:
            raise ClientValidationError(
                f"local_share must be in (0, 1], got {local_share!r}: the share of the window "
                "this process uses alone while Redis is unreachable (1 / number of processes)"
            )
        for name, value in (("wait_at_most", wait_at_most), ("timeout", timeout)):
            if not 0 < value < float("inf"):
                raise ClientValidationError(f"{name} must be a finite number of seconds > 0")
        if daily_limit is not None:
            in_range(
                "daily_limit",
                daily_limit,
                hint="or None; HubSpot's are 250,000, 625,000 and 1,000,000 per portal",
            )
        if not -14 <= utc_offset_hours <= 14:
            raise ClientValidationError("utc_offset_hours must be within -14 to 14 (the portal's)")
        self.url = url
        self.on_unreachable = on_unreachable
        self.local_share = local_share
        self.wait_at_most = wait_at_most
        self.daily_limit = daily_limit
        self.utc_offset_seconds = round(utc_offset_hours * 3600)
        self.timeout = timeout
        # One hash tag: every key of a budget lives in the same Redis Cluster slot.
        # HubSpot's daily cap is the portal's, whichever app spends it: ``daily_key`` lets the
        # windows of several apps count one day together (on Redis Cluster its hash tag is its
        # own: give every key of the group the same slot, or use one Redis node).
        day = f"{{{daily_key}}}:day:" if daily_key is not None else f"{{{key}}}:day:"
        self.keys = (f"{{{key}}}:starts", f"{{{key}}}:pause", day, f"{{{key}}}:due")
        self.key = key
        self._prefix = f"{os.getpid()}-{secrets.token_hex(4)}-"
        self._numbers = itertools.count()

    def where(self) -> str:
        """The Redis address for messages, without its password."""
        return redacted(self.url) if self.url is not None else "the given Redis client"

    def member(self) -> str:
        """A name for one slot, unique across processes and machines."""
        return f"{self._prefix}{next(self._numbers)}"

    def reserve_args(self, limiter: LocalWindow, member: str) -> list[int | str]:
        """ARGV of one booking under ``limiter``'s rules."""
        return [
            limiter.max_requests,
            round(limiter.per_seconds * 1_000_000),
            member,
            self.daily_limit or 0,
            self.utc_offset_seconds,
            round(limiter.spacing * 1_000_000),
            limiter.burst,
            round(limiter.margin * 1_000_000),
        ]

    def unreachable(self, error: BaseException, waited: float | None = None) -> HubSpotError:
        """The error that says what could not be reached and what to do."""
        after = f" for {waited:.1f} s" if waited is not None else ""
        return SharedBudgetUnavailable(
            f"the shared rate budget {self.key!r} at {self.where()} could not be reached{after} "
            f"({type(error).__name__}: {error}); nothing was sent. Start Redis or fix the URL, or "
            "choose on_unreachable='local' to go on with a local share of the window"
        )

    def refused(self, error: BaseException) -> HubSpotError:
        """The error for credentials or permissions Redis refused."""
        return SharedBudgetUnavailable(
            f"Redis at {self.where()} refused the shared rate budget {self.key!r} "
            f"({type(error).__name__}: {error}); nothing was sent. Check the user and password "
            "in the URL (redis://user:password@host:6379/0) and the user's ACL (EVALSHA, ZADD)"
        )

    def daily_spent(self) -> DailyLimitReached:
        """The error for a spent daily cap."""
        return DailyLimitReached(
            f"the shared daily budget {self.key!r} of {self.daily_limit:,} requests is spent for "
            "today; it starts again at midnight in the portal's time zone "
            f"(UTC{self.utc_offset_seconds / 3600:+g}). Nothing was sent"
        )


def _check_keys(key: object, daily_key: object) -> None:
    """A budget's key, and its daily count's when given: names Redis can hold."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ClientValidationError(
            f"key must be 1 to 200 printable ASCII characters without spaces, got {key!r}; "
            "name the portal and the app, e.g. key='hubspot:portal-123:app-456'"
        )
    if daily_key is not None and (not isinstance(daily_key, str) or not _KEY.fullmatch(daily_key)):
        raise ClientValidationError(
            f"daily_key must be 1 to 200 printable ASCII characters without spaces, got "
            f"{daily_key!r}; name the portal, e.g. daily_key='hubspot-daily:portal-123'"
        )


def _redis_url(url: object) -> bool:
    """Whether redis-py can connect with ``url``: its scheme, and a port that is a number."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("redis", "rediss", "unix")


def redacted(url: str) -> str:
    """``url`` with any password (``user:password@`` or ``?password=``) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        password, port = parts.password, parts.port
    except ValueError:  # a port that is not a number: show nothing of it
        return "<a URL that is not valid>"
    if password is not None:
        user = f"{parts.username}:" if parts.username else ":"
        host = f":{port}" if port else ""
        parts = parts._replace(netloc=f"{user}***@{parts.hostname or ''}{host}")
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", parts.query)
    return urlunsplit(parts._replace(query=query))


def check_client(client: Any, window: str) -> None:
    """A ``client=`` given to ``window`` (a class name) must be redis-py's, of the same kind."""
    if client is None:
        return
    execute = getattr(client, "execute_command", None)
    if execute is None or not callable(getattr(client, "register_script", None)):
        raise ClientValidationError(
            f"client must be a redis-py client (redis.Redis or redis.asyncio.Redis), got "
            f"{type(client).__name__}"
        )
    wants_async = window.startswith("Async")
    if inspect.iscoroutinefunction(execute) != wants_async:
        if wants_async:
            advice = "AsyncRedisWindow got a redis.Redis; give it a redis.asyncio.Redis"
        else:
            advice = "RedisWindow got a redis.asyncio.Redis; give it a redis.Redis"
        other = "RedisWindow" if wants_async else "AsyncRedisWindow"
        raise ClientValidationError(f"{advice}, or use {other} for that client")


def require_redis() -> None:
    """Refuse a shared window when redis-py is missing, when it is made: found at the first
    booking instead, every input of a bulk job failed with no reason to stop."""
    if importlib.util.find_spec("redis") is None:
        raise import_redis_error()


def import_redis_error() -> ClientValidationError:
    """What to do when redis-py is not installed."""
    return ClientValidationError(
        "a shared window needs redis-py: pip install 'hubspot-associations[redis]'"
    )
