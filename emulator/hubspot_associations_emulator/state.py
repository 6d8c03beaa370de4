"""The state of one running emulator: configuration, store, backend, handlers, faults, rate
limit and request counts. The ASGI app (``app``) and the control API (``control``) both use it."""

from __future__ import annotations

import dataclasses
import math

from starlette.types import Scope

from . import errors
from .backend import Backend
from .config import DEFAULT_TOKEN, EmulatorConfig, check_record_limits
from .counts import RequestCounts
from .faults import FaultPlan, parse_spec
from .journal import Journal
from .ratelimit import RollingLimit, check_rate_limit
from .routes import Handlers
from .store import Store

__all__ = ["Emulator"]


class Emulator:
    """What one running emulator holds: configuration, store, backend, faults, limits, counts."""

    def __init__(self, config: EmulatorConfig) -> None:
        if not (math.isfinite(config.request_timeout) and config.request_timeout > 0):
            raise ValueError("request_timeout must be a finite number of seconds above 0")
        if config.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be at least 1")
        # Object types of the record limits as type IDs, as GET /_emulator/config shows them.
        limits = check_record_limits(config.record_limits)  # ValueError when one is wrong
        config = dataclasses.replace(config, record_limits=limits)
        self.config = config
        self.store = Store(config.db_path)
        self.backend = Backend(self.store, config)
        self.handlers = Handlers(self.backend, config)
        self.faults: FaultPlan = parse_spec(config.faults)
        self.rate_limit: RollingLimit | None = None
        self.set_rate_limit(config.rate_limit)  # ValueError when out of range
        self.requests = RequestCounts()
        self.journal = Journal()
        # Auth is never off: an empty token list falls back to the default token.
        self._tokens = frozenset(config.tokens or (DEFAULT_TOKEN,))

    @property
    def running(self) -> EmulatorConfig:
        """The configuration answering now (the start-up one changed by PUT /_emulator/config)."""
        return self.handlers.config

    def configure(self, config: EmulatorConfig) -> None:
        """Answer as ``config`` says (profile, numeric IDs, label cap, enqueueTime form, record
        limits)."""
        self.backend.config = config
        self.handlers.configure(config)

    def reset(self) -> None:
        """Empty the store and the counts; faults, the rate-limit window and the configuration
        back to the start-up ones."""
        self.configure(self.config)
        self.backend.reset()
        self.requests.reset()
        self.journal = Journal()  # bounds back to the defaults too
        self.faults = parse_spec(self.config.faults)
        self.set_rate_limit(self.config.rate_limit)

    def set_rate_limit(self, limit: tuple[int, float] | None) -> None:
        """At most ``limit`` = (requests, seconds) from now on, in a fresh window (None: none).

        ValueError when the limit is out of range (``ratelimit.check_rate_limit``).
        """
        self.rate_limit = RollingLimit(*check_rate_limit(*limit)) if limit is not None else None

    def describe_rate_limit(self) -> dict[str, int | float | None]:
        """The rate limit as the control API shows it."""
        limit = self.rate_limit
        if limit is None:
            return {"requests": None, "seconds": None}
        return {"requests": limit.max_requests, "seconds": limit.interval}

    def admit(self) -> tuple[bool, list[tuple[bytes, bytes]]]:
        """Count one HubSpot-path request against the rate limit.

        (allowed, the X-HubSpot-RateLimit-* headers of its answer: none without a limit).
        """
        limit = self.rate_limit
        if limit is None:
            return True, []
        allowed, remaining = limit.hit()
        return allowed, limit.headers(remaining)

    def authorized(self, scope: Scope) -> errors.ApiError | None:
        """None when the request carries an accepted bearer token, else the 401 to send."""
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer" and token.strip() in self._tokens:
                    return None
                return errors.unauthorized(present=True)
        return errors.unauthorized(present=False)
