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

__all__ = [
    "FleetUnreachable",
    "celery_module",
    "check_broker",
    "fleet_addresses",
    "ledger_redis",
]  # fmt: skip

# Brokers Celery reaches with the [celery] extra's transports (kombu's names).
_BROKERS = frozenset({"redis", "rediss", "amqp", "amqps", "pyamqp", "sqs", "memory", "filesystem"})
_REDIS = frozenset({"redis", "rediss", "unix"})
EXTRA_LINE = "pip install 'hubspot-associations[celery]'"


class FleetUnreachable(Exception):
    """The broker or the ledger's Redis did not answer (exit 3)."""


# How long the broker has to answer before a job is created (a connection, one retry).
BROKER_TIMEOUT = 5


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


def ledger_redis(redis_url: str, *, sending: bool = True) -> redis.Redis:
    """A Redis client of the ledger, pinged: FleetUnreachable when it does not answer, a
    UsageError when it answers with an error (a database it does not have, a bad password).
    ``sending``: the command would send a job (a worker sends none)."""
    import redis

    client: redis.Redis = redis.Redis.from_url(
        redis_url, socket_connect_timeout=5, socket_timeout=30
    )
    nothing = "; nothing was sent" if sending else ""
    try:
        client.ping()
    except redis.ResponseError as exc:
        # It answered: the address is right, what it asks for is not (redis://…/99).
        raise UsageError(
            f"the job ledger's Redis at {_shown(redis_url)} answered: {exc}{nothing}. Give a "
            "database it has (redis://HOST:PORT/0 to /15 by default) and its password, if any"
        ) from None
    except redis.RedisError as exc:
        raise FleetUnreachable(
            f"the job ledger's Redis at {_shown(redis_url)} did not answer ({exc}){nothing}. "
            "Check the address, and that Redis is running."
        ) from None
    return client


def check_broker(broker: str) -> None:
    """The broker answers a connection within BROKER_TIMEOUT: FleetUnreachable otherwise (a job
    created first would stay `running` in the ledger with no message sent)."""
    from kombu import Connection

    try:
        with Connection(broker, connect_timeout=BROKER_TIMEOUT) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)
    except Exception as exc:  # kombu raises its transports' errors: any means no answer
        raise FleetUnreachable(
            f"the broker at {_shown(broker)} did not answer ({type(exc).__name__}: {exc}); "
            "nothing was sent. Check the --broker address, and that the broker is running."
        ) from None
