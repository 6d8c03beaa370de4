"""Running chunks per portal, capped in Redis: a chunk waiting on its portal's window holds a
worker slot, so without a cap the slowest portal's chunks fill the fleet's slots."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import redis

__all__ = ["PortalSlots"]

# KEYS: the portal's sorted set of holders (score: when the holder's lease lapses, in ms).
# ARGV: holder, cap, lease (ms). Lapsed holders (a killed worker's) are dropped first, so a
# dead worker's share comes back within one lease. 1: taken, 0: the portal is at its cap.
_TAKE_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""

# KEYS: the sorted set. ARGV: holder, lease (ms). Extends only a holder still there.
_RENEW_SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
"""


class PortalSlots:
    """Leases on a portal's running-chunk slots (one sorted set per app and portal window)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix
        self._take = client.register_script(_TAKE_SCRIPT)
        self._renew = client.register_script(_RENEW_SCRIPT)

    def _key(self, window: str) -> str:
        return f"{self.prefix}:running:{window}"

    def take(self, window: str, cap: int, seconds: float) -> str | None:
        """A slot's holder ID, or None when ``cap`` chunks of the portal run already."""
        holder = secrets.token_hex(8)
        args: list[str | int] = [holder, cap, round(seconds * 1000)]
        return holder if int(self._take(keys=[self._key(window)], args=args)) else None

    def renew(self, window: str, holder: str, seconds: float) -> bool:
        """Keep the slot while the chunk runs; False when it lapsed."""
        args: list[str | int] = [holder, round(seconds * 1000)]
        return bool(self._renew(keys=[self._key(window)], args=args))

    def release(self, window: str, holder: str) -> None:
        """Give the slot back."""
        self.redis.zrem(self._key(window), holder)

    def running(self, window: str) -> int:
        """Slots held now (lapsed ones included until the next take)."""
        return int(self.redis.zcard(self._key(window)))
