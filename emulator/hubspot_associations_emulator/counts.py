"""Request counts for the control API, so that a test can assert what a client sent, or not."""

from __future__ import annotations

from collections import Counter
from typing import Any

# The operations that change nothing; batch/read is a POST but only reads.
READS = frozenset(
    {
        "list_associations",
        "batch_read_associations",
        "list_labels",
        "list_all_limits",
        "list_limits",
        "get_label_limits_usage",
        "list_record_limits_sources",
        "list_record_limits_targets",
        "get_record_limits_usage",
        # The CRM object calls that only read.
        "get_object",
        "list_objects",
        "batch_read_objects",
        "search_objects",
    }
)


class RequestCounts:
    """Requests to HubSpot paths, those that reached each operation, and those the rate limit
    refused, since the last reset."""

    # Every update and read runs on the server's event loop, so no lock is needed.

    def __init__(self) -> None:
        self.received = 0
        self.operations: Counter[str] = Counter()
        self.limited = 0
        self.limited_operations: Counter[str] = Counter()

    def receive(self) -> None:
        """One more request to a HubSpot path, whatever its answer."""
        self.received += 1

    def operation(self, operation_id: str) -> None:
        """One more request handed to the handler of ``operation_id``."""
        self.operations[operation_id] += 1

    def rate_limited(self, operation_id: str | None) -> None:
        """One more 429 from the rate limit, to a request for ``operation_id`` (None: no route)."""
        self.limited += 1
        if operation_id is not None:
            self.limited_operations[operation_id] += 1

    def reset(self) -> None:
        """Every count back to zero."""
        self.received = 0
        self.operations.clear()
        self.limited = 0
        self.limited_operations.clear()

    def describe(self) -> dict[str, Any]:
        """The counts as the control API answers them."""
        reads = sum(n for op, n in self.operations.items() if op in READS)
        return {
            "received": self.received,
            "operations": dict(sorted(self.operations.items())),
            "reads": reads,
            "writes": sum(self.operations.values()) - reads,
            "rateLimited": {
                "total": self.limited,
                "operations": dict(sorted(self.limited_operations.items())),
            },
        }
