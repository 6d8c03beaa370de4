"""The numbers and Celery settings a fleet of workers needs."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "CELERY_SETTINGS",
    "CHAIN_SECONDS",
    "CHAIN_SECONDS_SETTING",
    "DAILY_WAIT_HOP",
    "DAILY_WAIT_HOP_SETTING",
    "KEEP_FINISHED_JOBS",
    "LEASE_RETRY",
    "LEASE_RETRY_SETTING",
    "LEASE_SECONDS",
    "LEASE_SECONDS_SETTING",
    "PORTAL_CHUNKS",
    "PORTAL_CHUNKS_SETTING",
    "PORTAL_RETRY",
    "PORTAL_RETRY_SETTING",
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

# Chunks of one portal (one app's window on it) running at once across the whole fleet. A chunk
# waiting on its portal's window holds its worker slot: without a cap, the slots of a fleet
# serving several portals pile up on the slowest portal's chunks. One chunk keeps up to
# DEFAULT_CONCURRENCY (8) batches in flight, 8 / 0.3 s ≈ 26 requests per second at HubSpot's
# latency, above the largest tier's 25 per second; two keep its window full while the other
# changes chunks. A chunk over the cap goes back to the queue (PORTAL_RETRY) having sent and
# recorded nothing. Raise it (the app's conf) for a portal whose answers are slower.
PORTAL_CHUNKS: Final = 2
# A chunk over its portal's cap is delivered again this much later (its slot serves another
# portal meanwhile). Short: a slot of the portal freed meanwhile is idle until a chunk comes back.
PORTAL_RETRY: Final = 0.25

# A task holding a portal slot, its chunk finished, claims the job's next chunk that no one
# holds (its lease) and runs it in the same slot, until it has run this long: otherwise the slot
# idles while the next chunk's message comes through the queue (behind other portals' chunks
# sent back over their cap). Far below the visibility timeout: the task's own message is not
# acknowledged while it runs. The claimed chunk's queued message later finds it finished (or
# leased, and looks again) and skips it. 0: one chunk per task.
CHAIN_SECONDS: Final = 60

# A finished or cancelled job's ledger keys expire this long after it ended (30 days): long enough
# to write its results file and look at it with `jobs status`, short enough that a busy fleet's
# Redis does not keep every input's outcome forever.
KEEP_FINISHED_JOBS: Final = 30 * 86_400

# Where an app's conf overrides the task's timings (the tests shorten them all).
LEASE_SECONDS_SETTING: Final = "hubspot_associations_lease_seconds"
LEASE_RETRY_SETTING: Final = "hubspot_associations_lease_retry"
UNSENT_RETRY_SETTING: Final = "hubspot_associations_unsent_retry"
PORTAL_CHUNKS_SETTING: Final = "hubspot_associations_portal_chunks"
PORTAL_RETRY_SETTING: Final = "hubspot_associations_portal_retry"
CHAIN_SECONDS_SETTING: Final = "hubspot_associations_chain_seconds"

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
