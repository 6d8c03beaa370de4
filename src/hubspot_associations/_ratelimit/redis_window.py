# GENERATED FILE: do not edit. Made by codegen/unasync.py from _ratelimit/async_redis_window.py;
# change that file and run `make generate`.
"""One rate budget shared through Redis by every process and machine that names the same key.

``RedisWindow`` serves the clients of this module's kind: this module is written for async
clients, its generated sync twin beside it for sync ones. Give one to the limiter::

    RateLimiter(190, 10, shared=RedisWindow("rediss://:pw@redis:6380/0", key="hubspot:123:app"))

redis-py is imported only when the first request books a start (``hubspot-associations[redis]``).
The scripts and settings are in ``shared.py``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._primitives import wait_seconds
from .shared import (
    PAUSE_SCRIPT,
    RELEASE_SCRIPT,
    RESERVE_SCRIPT,
    OnUnreachable,
    WindowSettings,
    check_client,
    import_redis_error,
    require_redis,
)
from .window import LocalWindow, Slot

if TYPE_CHECKING:
    import redis

__all__ = ["RedisWindow"]

logger = logging.getLogger("hubspot_associations")
# While Redis is unreachable in "local" mode, try it again this often.
_RETRY_REDIS_EVERY = 5.0


class RedisWindow:
    """A rolling window (and optionally the daily cap) shared by every process naming ``key``.

    ``key`` names the budget: one per HubSpot app and portal, e.g. ``"hubspot:portal-123:app-4"``.
    Give either ``url`` (``redis://host:6379/0``; ``rediss://`` for TLS; ``redis://user:pw@…``
    for auth) or ``client``, a ``redis.Redis`` you configured (certificates, Sentinel).
    While Redis cannot be reached, ``on_unreachable`` says what happens: ``"wait"`` for it, up to
    ``wait_at_most`` seconds, then raise ``SharedBudgetUnavailable``; ``"local"`` go on alone with
    ``local_share`` of the window (1 / number of processes), trying Redis again every 5 s;
    ``"raise"`` at once. ``daily_limit`` shares HubSpot's daily cap too (reset at midnight, UTC
    shifted by ``utc_offset_hours``); past it, requests raise ``DailyLimitReached``.
    ``daily_key`` names the daily count when it is not ``key``'s own: HubSpot's cap is per
    portal, so the windows of several apps on one portal name the same ``daily_key``.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        key: str,
        client: redis.Redis | None = None,
        on_unreachable: OnUnreachable = "wait",
        local_share: float = 0.25,
        wait_at_most: float = 60.0,
        daily_limit: int | None = None,
        utc_offset_hours: float = 0.0,
        timeout: float = 2.0,
        daily_key: str | None = None,
    ) -> None:
        self.settings = WindowSettings(
            url,
            key=key,
            client=client,
            on_unreachable=on_unreachable,
            local_share=local_share,
            wait_at_most=wait_at_most,
            daily_limit=daily_limit,
            utc_offset_hours=utc_offset_hours,
            timeout=timeout,
            daily_key=daily_key,
        )
        require_redis()
        check_client(client, type(self).__name__)
        self._client = client
        self._owns_client = client is None
        self._scripts: tuple[Any, Any, Any] | None = None
        self._alone: LocalWindow | None = None
        self._alone_until = 0.0
        self.daily_left: int | None = None

    def __repr__(self) -> str:
        return f"RedisWindow({self.settings.where()!r}, key={self.settings.key!r})"

    def _connect(self) -> tuple[Any, Any, Any]:
        if self._scripts is None:
            try:
                import redis
            except ImportError:
                raise import_redis_error() from None
            if self._client is None:
                assert self.settings.url is not None
                self._client = redis.Redis.from_url(
                    self.settings.url,
                    socket_timeout=self.settings.timeout,
                    socket_connect_timeout=self.settings.timeout,
                )
            self._scripts = (
                self._client.register_script(RESERVE_SCRIPT),
                self._client.register_script(RELEASE_SCRIPT),
                self._client.register_script(PAUSE_SCRIPT),
            )
        return self._scripts

    def reserve(self, limiter: LocalWindow) -> float:
        """Book the next start of the group; seconds this process waits before sending."""
        return (self.book(limiter))[0]

    def book(self, limiter: LocalWindow) -> tuple[float, Slot]:
        """Book the next start of the group: (seconds this process waits, the slot to release)."""
        if self._alone is not None and time.monotonic() < self._alone_until:
            return self._alone.book_here()
        reserve, _, _ = self._connect()  # a missing redis-py is a setup error, not an outage
        waited = 0.0
        while True:
            try:
                return self._book(reserve, limiter)
            except Exception as error:
                if _refused(error):
                    raise self.settings.refused(error) from error
                if not _unreachable(error):
                    raise
                mode = self.settings.on_unreachable
                if mode == "raise" or (mode == "wait" and waited >= self.settings.wait_at_most):
                    raise self.settings.unreachable(error, waited or None) from error
                if mode == "local":
                    return self._go_alone(limiter, error)
                if not waited:
                    logger.warning(
                        "waiting for the shared rate budget at %s: %s",
                        self.settings.where(), error,
                    )  # fmt: skip
                pause = min(1.0, self.settings.wait_at_most - waited)
                wait_seconds(pause)
                waited += pause

    def _book(self, reserve: Any, limiter: LocalWindow) -> tuple[float, Slot]:
        member = self.settings.member()
        args = self.settings.reserve_args(limiter, member)
        wait_us, left = reserve(keys=list(self.settings.keys), args=args)
        if self._alone is not None:
            logger.warning("the shared rate budget at %s is back", self.settings.where())
            self._alone = None
        if int(wait_us) < 0:
            raise self.settings.daily_spent()
        self.daily_left = None if int(left) < 0 else int(left)
        return int(wait_us) / 1_000_000, Slot(0.0, member)

    def _go_alone(self, limiter: LocalWindow, error: BaseException) -> tuple[float, Slot]:
        if self._alone is None:
            share = max(1, int(limiter.max_requests * self.settings.local_share))
            logger.warning(
                "the shared rate budget at %s is unreachable (%s): going on alone with %d of %d "
                "requests per %g s",
                self.settings.where(), error, share, limiter.max_requests, limiter.per_seconds,
            )  # fmt: skip
            self._alone = LocalWindow(
                share,
                limiter.per_seconds,
                margin=limiter.margin,
                burst=max(1, min(share, limiter.burst)),
            )
        self._alone_until = time.monotonic() + _RETRY_REDIS_EVERY
        return self._alone.book_here()

    def release(self, slot: Slot) -> None:
        """The answer of ``slot``'s request is back: its place in the window ends a window from
        now, on Redis' clock."""
        if slot.member is None:  # booked alone while Redis was unreachable
            if self._alone is not None:
                self._alone.release_here(slot)
            return
        _, release, _ = self._connect()
        # Not released, the slot keeps its booked end (start + margin): safe, a little slower.
        self._advice(lambda: release(keys=[self.settings.keys[0]], args=[slot.member]))

    def cancel(self, slot: Slot) -> None:
        """Give back a slot whose request was not sent (it woke too late to keep its place)."""
        if slot.member is None:
            if self._alone is not None:
                self._alone.cancel_here(slot)
            return
        self._connect()
        client: Any = self._client
        # Not given back, the slot keeps its booked end: safe, one request slower.
        self._advice(lambda: client.zrem(self.settings.keys[0], slot.member))

    def pause(self, seconds: float) -> None:
        """Hold every booking of the group for ``seconds`` (HubSpot said to slow down)."""
        if self._alone is not None:
            self._alone.pause_here(seconds)
            return
        _, _, pause = self._connect()
        # A pause is advice: the next booking meets Redis' failure and its mode.
        self._advice(lambda: pause(keys=[self.settings.keys[1]], args=[round(seconds * 1_000_000)]))

    def _advice(self, call: Callable[[], object]) -> None:
        """Run a call whose failure only costs speed (release, cancel, pause): Redis' own
        failures are left for the next booking to meet, in its ``on_unreachable`` mode."""
        try:
            call()
        except Exception as error:
            if not (_unreachable(error) or _refused(error)):
                raise

    def __enter__(self) -> RedisWindow:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection this window opened (not a client you gave it)."""
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None
            self._scripts = None


def _refused(error: BaseException) -> bool:
    """Redis answered, and refused: wrong credentials or no permission, which do not fix
    themselves (no waiting, no local share)."""
    from redis.exceptions import AuthenticationError, NoPermissionError, ResponseError

    return isinstance(error, AuthenticationError | NoPermissionError) or (
        isinstance(error, ResponseError) and str(error).startswith(("NOAUTH", "WRONGPASS"))
    )


def _unreachable(error: BaseException) -> bool:
    """A connection-level failure: refused, timed out, reset, still loading."""
    from redis.exceptions import ConnectionError, TimeoutError

    return isinstance(error, ConnectionError | TimeoutError | OSError)
