"""One HubSpot portal of the emulator: its records, labels, limits and reports (its rows of the
store), how it answers (its running configuration), its faults, journal and request counts, its
rate budget (one window per app, HubSpot's limit being per app and portal) and its daily cap.

The portal answering the request being handled is ``CURRENT``: the gate sets it once it knows the
token, and the handlers read their backend and configuration from it.
"""

from __future__ import annotations

import contextvars
from typing import Any

from . import errors
from .backend import Backend
from .catalog import is_custom_type_id, resolve_object_type
from .config import EmulatorConfig
from .counts import RequestCounts
from .faults import FaultPlan, parse_spec
from .journal import Journal
from .objects import Objects, ObjectSettings
from .parsing import only
from .profiles import effective_releases
from .ratelimit import RollingLimit, check_rate_limit, rate_limit_body
from .release_table import RELEASES
from .scopes import MODES
from .store import Database, Store
from .tokens import shown
from .views import FormatId

__all__ = ["CURRENT", "MAX_DAILY_LIMIT", "Portal"]

CURRENT: contextvars.ContextVar[Portal] = contextvars.ContextVar("emulator_portal")
MAX_DAILY_LIMIT = 2**31 - 1
OBJECT_SETTINGS = ("strictProperties", "properties", "requiredProperties")


class Portal:
    """One portal's state and settings; ``reset`` returns it to the start-up ones."""

    def __init__(self, portal_id: int, config: EmulatorConfig, database: Database) -> None:
        self.id = portal_id
        self.startup = config
        self.store = Store(database, portal_id)
        self.backend = Backend(self.store, config)
        self.objects = Objects(self.backend)
        self.object_settings = ObjectSettings()
        self.running = config
        self.releases: dict[str, dict[str, Any]] = {}
        self.fmt_id: FormatId = str
        self.configure(config)
        self.faults: FaultPlan = parse_spec(config.faults)
        self.requests = RequestCounts()
        self.journal = Journal()
        self.rate_limit: tuple[int, float] | None = None
        self.windows: dict[int, RollingLimit] = {}
        self.set_rate_limit(config.rate_limit)  # ValueError when out of range
        self.daily_limit: int | None = None
        self.daily_used = 0
        self.scope_mode = config.scope_mode

    def configure(self, config: EmulatorConfig) -> None:
        """Answer as ``config`` says (profile, numeric IDs, label cap, enqueueTime form, record
        limits) from the next request on."""
        self.running = config
        self.backend.config = config
        # The profile is merged here, once: handlers read only their release's row.
        self.releases = effective_releases(config.releases or RELEASES, config.profile)
        self.fmt_id = int if config.numeric_ids else str

    def reset(self) -> None:
        """Empty the portal's rows and counts; faults, rate limit, daily cap, scope mode and
        configuration back to the start-up ones."""
        self.configure(self.startup)
        self.backend.reset()
        self.requests.reset()
        self.journal = Journal()  # bounds back to the defaults too
        self.faults = parse_spec(self.startup.faults)
        self.set_rate_limit(self.startup.rate_limit)
        self.daily_limit = None
        self.daily_used = 0
        self.scope_mode = self.startup.scope_mode
        self.object_settings = ObjectSettings()

    def resolve_name(self, text: str) -> str:
        """An object type ID from a path segment: a HubSpot-defined type's name, plural or ID,
        a custom object type ID (``2-…``), or a custom object this portal declared by its name
        or fully qualified name (``p{portalId}_{name}``)."""
        lowered = text.lower()
        for type_id, name, _ in self.store.schemas():
            if lowered in (name.lower(), f"p{self.id}_{name}".lower()):
                return type_id
        return resolve_object_type(text)

    def resolve_type(self, text: str) -> str:
        """``resolve_name`` for the object calls: a custom object type must be declared
        (POST /_emulator/schemas), else HubSpot's 400 for an unknown object type."""
        type_id = self.resolve_name(text)
        if is_custom_type_id(type_id) and type_id not in {t for t, _, _ in self.store.schemas()}:
            raise errors.ApiError(400, f"Unable to infer object type from: {text} (declare the "
                                  "custom object with POST /_emulator/schemas)", None)  # fmt: skip
        return type_id

    def set_rate_limit(self, limit: tuple[int, float] | None) -> None:
        """At most ``limit`` = (requests, seconds) per app from now on, in fresh windows (None:
        none). ValueError when the limit is out of range."""
        self.rate_limit = check_rate_limit(*limit) if limit is not None else None
        self.windows = {}

    def set_daily_limit(self, limit: int | None) -> None:
        """At most ``limit`` requests until the next daily reset (None: no cap)."""
        self.daily_limit = limit

    def daily_reset(self) -> None:
        """The portal's day ends: the daily count back to zero."""
        self.daily_used = 0

    def describe_rate_limit(self) -> dict[str, int | float | None]:
        """The rate limit as the control API shows it."""
        if self.rate_limit is None:
            return {"requests": None, "seconds": None}
        requests, seconds = self.rate_limit
        return {"requests": requests, "seconds": seconds}

    def busiest_window(self) -> int | None:
        """The most requests one app's window held at once (None without a limit)."""
        if self.rate_limit is None:
            return None
        return max((w.peak for w in self.windows.values()), default=0)

    def admit(self, app_id: int) -> tuple[bool, str | None, list[tuple[bytes, bytes]]]:
        """Count one request of ``app_id`` against the portal's budget: (allowed, the policy
        that refused it (None: allowed), the X-HubSpot-RateLimit-* headers of its answer).

        The app's window first (a refused request does not spend the day), then the daily cap.
        """
        headers: list[tuple[bytes, bytes]] = []
        if self.rate_limit is not None:
            window = self.windows.get(app_id)
            if window is None:
                window = self.windows[app_id] = RollingLimit(*self.rate_limit)
            allowed, remaining = window.hit()
            headers = window.headers(remaining)
            if not allowed:
                return False, "TEN_SECONDLY_ROLLING", headers
        if self.daily_limit is not None:
            if self.daily_used >= self.daily_limit:
                return False, "DAILY", [*headers, *self._daily_headers()]
            self.daily_used += 1
            headers = [*headers, *self._daily_headers()]
        return True, None, headers

    def _daily_headers(self) -> list[tuple[bytes, bytes]]:
        limit = self.daily_limit or 0
        return [
            (b"x-hubspot-ratelimit-daily", str(limit).encode()),
            (b"x-hubspot-ratelimit-daily-remaining", str(max(0, limit - self.daily_used)).encode()),
        ]

    def describe(self) -> dict[str, Any]:
        """The portal as GET /_emulator/portals shows it."""
        return {
            "portalId": self.id,
            "rateLimit": self.describe_rate_limit(),
            "dailyLimit": self.daily_limit,
            "dailyUsed": self.daily_used,
            "settings": {
                "scopeMode": self.scope_mode,
                "strictProperties": self.object_settings.strict_properties,
                "properties": {t: sorted(v) for t, v in self.object_settings.properties.items()},
                "requiredProperties": {
                    t: list(v) for t, v in self.object_settings.required_properties.items()
                },
            },
        }

    def change(self, body: dict[str, Any]) -> None:
        """PUT /_emulator/portals/{id}: any of ``rateLimit`` (``{"requests", "seconds"}`` or
        null), ``dailyLimit`` (an integer from 1, or null), ``settings`` (``scopeMode`` and the
        object rules ``strictProperties``, ``properties``, ``requiredProperties``);
        checked whole before anything changes (a 400 naming what is wrong)."""
        only(body, ("rateLimit", "dailyLimit", "settings"), "body")
        rate = rate_limit_body(body["rateLimit"]) if "rateLimit" in body else self.rate_limit
        daily = body.get("dailyLimit", self.daily_limit)
        if daily is not None and (type(daily) is not int or not 1 <= daily <= MAX_DAILY_LIMIT):
            raise errors.validation(f"dailyLimit: an integer from 1 to {MAX_DAILY_LIMIT}, or null")
        mode = self.scope_mode
        object_settings = self.object_settings
        if "settings" in body:
            settings = body["settings"]
            if not isinstance(settings, dict):
                raise errors.validation('settings: an object, e.g. {"scopeMode": "published"}')
            only(settings, ("scopeMode", *OBJECT_SETTINGS), "settings")
            mode = settings.get("scopeMode", mode)
            if mode not in MODES:
                raise errors.validation(
                    f"settings.scopeMode: {' or '.join(MODES)}, got {shown(mode)}"
                )
            object_settings = self._object_settings(settings)
        if "rateLimit" in body:
            self.set_rate_limit(rate)
        self.daily_limit = daily
        self.scope_mode = mode
        self.object_settings = object_settings

    def _object_settings(self, settings: dict[str, Any]) -> ObjectSettings:
        """The object keys of ``settings`` over the current ones: ``strictProperties`` (bool),
        ``properties`` and ``requiredProperties`` ({object type: [property names]})."""
        current = self.object_settings
        strict = settings.get("strictProperties", current.strict_properties)
        if type(strict) is not bool:
            raise errors.validation(
                f"settings.strictProperties: true or false, got {shown(strict)}"
            )
        lists: dict[str, dict[str, tuple[str, ...]]] = {}
        for key in ("properties", "requiredProperties"):
            value = settings.get(key)
            if value is None:
                continue
            if not isinstance(value, dict) or not all(
                isinstance(v, list) and all(isinstance(n, str) and n for n in v)
                for v in value.values()
            ):
                raise errors.validation(
                    f"settings.{key}: {{object type: [property names]}}, e.g. "
                    '{"deals": ["dealname"]}'
                )
            lists[key] = {self.resolve_type(t): tuple(v) for t, v in value.items()}
        return ObjectSettings(
            strict_properties=strict,
            properties={t: frozenset(v) for t, v in lists["properties"].items()}
            if "properties" in lists
            else current.properties,
            required_properties=lists.get("requiredProperties", current.required_properties),
        )
