"""The numbers and Celery settings a fleet of workers needs."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "CELERY_SETTINGS",
    "DAILY_WAIT_HOP",
    "DAILY_WAIT_HOP_SETTING",
    "LEASE_RETRY",
    "LEASE_RETRY_SETTING",
    "LEASE_SECONDS",
    "LEASE_SECONDS_SETTING",
    "TASK_NAME",
    "TRANSPORT_OPTIONS",
    "UNSENT_RETRY",
    "UNSENT_RETRY_SETTING",
    "VISIBILITY_TIMEOUT",
]

TASK_NAME: Final = "hubspot_associations.run_chunk"

# With Redis as broker, a message a worker took and never acknowledged (its machine died) is
# delivered again only after this long: 3 min brings a dead machine's chunks back well within
# five minutes of the loss. Longer chunks are no problem (a lease, not the timeout, keeps a
# running chunk from running twice).
VISIBILITY_TIMEOUT: Final = 180

# The longest a chunk parked for the daily cap waits before looking again. An ``eta`` past the
# visibility timeout would be delivered again while it waits, so the wait for a reset hours away
# is many short hops, each far below the timeout.
DAILY_WAIT_HOP: Final = 60
# Where an app's conf overrides the hop (the tests shorten it).
DAILY_WAIT_HOP_SETTING: Final = "hubspot_associations_daily_wait_hop"

# A running chunk's lease: renewed every third of it while the chunk runs, so it lapses within a
# minute of a worker's death and the chunk's next delivery may run it.
LEASE_SECONDS: Final = 60
# A delivery that finds its chunk leased (a duplicate while it runs) looks again this much later.
LEASE_RETRY: Final = 10
# A chunk whose inputs were not sent (Redis or HubSpot unreachable, a token provider failing)
# tries again this much later: nothing is recorded for them.
UNSENT_RETRY: Final = 30

# The Redis transport looks for unacknowledged messages past the visibility timeout every
# ``interval × throttle`` seconds (kombu's defaults: 10 × 10 = 100 s). A scan every 10 s brings a
# dead worker's chunks back within VISIBILITY_TIMEOUT + 10 s, not + 100 s.
TRANSPORT_OPTIONS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "visibility_timeout": VISIBILITY_TIMEOUT,
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
)

# Where an app's conf overrides the task's timings (the tests shorten them all).
LEASE_SECONDS_SETTING: Final = "hubspot_associations_lease_seconds"
LEASE_RETRY_SETTING: Final = "hubspot_associations_lease_retry"
UNSENT_RETRY_SETTING: Final = "hubspot_associations_unsent_retry"

CELERY_SETTINGS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        # A chunk is acknowledged when it has run, not when it is taken: a worker killed mid-chunk
        # leaves it to be delivered again (the ledger skips what was recorded).
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # One chunk reserved per process: a busy worker does not hold chunks others could run.
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": TRANSPORT_OPTIONS,
        # The ledger is the truth: results in a backend would be a second, partial copy.
        "result_backend": None,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
    }
)
