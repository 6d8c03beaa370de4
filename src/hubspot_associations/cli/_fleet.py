"""What the fleet commands share: the broker and Redis addresses checked, the extra loaded.

Imports neither rich nor Celery at module level: ``worker`` runs on machines with only the
``[celery]`` extra, and every other command works without it.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ._exit_codes import UsageError

if TYPE_CHECKING:
    import redis

__all__ = ["FleetUnreachable", "celery_module", "fleet_addresses", "ledger_redis"]

# Brokers Celery reaches with the [celery] extra's transports (kombu's names).
_BROKERS = frozenset({"redis", "rediss", "amqp", "amqps", "pyamqp", "sqs", "memory", "filesystem"})
_REDIS = frozenset({"redis", "rediss", "unix"})
EXTRA_LINE = "pip install 'hubspot-associations[celery]'"


class FleetUnreachable(Exception):
    """The ledger's Redis did not answer: nothing was sent (exit 3)."""


def celery_module() -> ModuleType:
    """``hubspot_associations.celery``, or a UsageError naming the pip line when the extra is
    missing."""
    try:
        from .. import celery as fleet
    except ImportError as exc:
        # The package's own check names what is missing; a bare ModuleNotFoundError its module.
        missing = exc.name or str(exc).split(":")[0].rsplit(" ", 1)[-1]
        raise UsageError(
            f"running on a fleet needs the [celery] extra ({missing} is missing): {EXTRA_LINE}"
        ) from None
    return fleet


def fleet_addresses(broker: str, redis_url: str | None) -> tuple[str, str]:
    """The broker URL and the ledger's Redis URL, checked; a bad one is a UsageError (exit 2)."""
    scheme = _scheme(broker, "--broker")
    if scheme not in _BROKERS:
        raise UsageError(
            f"--broker {_shown(broker)}: {scheme!r} is not a Celery broker this package runs "
            "on; give redis://HOST:PORT/DB (or amqp://… with --redis redis://…)"
        )
    if redis_url is None:
        if scheme not in _REDIS:
            raise UsageError(
                f"--broker {_shown(broker)} is not Redis, and the job ledger lives in Redis: "
                "give --redis redis://HOST:PORT/DB too"
            )
        return broker, broker
    if _scheme(redis_url, "--redis") not in _REDIS:
        raise UsageError(f"--redis {_shown(redis_url)}: give a redis:// or rediss:// URL")
    return broker, redis_url


def _scheme(url: str, option: str) -> str:
    parts = urlsplit(url.strip())
    if not parts.scheme or "://" not in url:
        raise UsageError(f"{option} {_shown(url)}: not a URL; give e.g. redis://127.0.0.1:6379/0")
    try:
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        raise UsageError(f"{option} {_shown(url)}: its port is not a number") from None
    return parts.scheme.lower()


def _shown(url: str) -> str:
    """A URL without its password: messages never show a secret."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def ledger_redis(redis_url: str) -> redis.Redis:
    """A Redis client of the ledger, pinged: FleetUnreachable when it does not answer."""
    import redis

    client: redis.Redis = redis.Redis.from_url(
        redis_url, socket_connect_timeout=5, socket_timeout=30
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        raise FleetUnreachable(
            f"the job ledger's Redis at {_shown(redis_url)} did not answer ({exc}); nothing was "
            "sent. Check the address, and that Redis is running."
        ) from None
    return client
