"""Which operations each rule is judged on: declared here, read by docs/operations.md.

A JUnit case is one rule and one operation (verdicts.py). Most rules are judged on operations the
suite names (the graph scenario reads back through ``list_associations``, or
``batch_read_associations`` where the release lacks it); the checks of every answer judge the
operation of whatever request they see. The operations index (codegen/operations_index.py) reads
these two literals without importing the suite; tests/test_hubspot_associations_contract holds
them true (every rule declared, every case a clean run records declared). A check that judges a
rule on a new operation adds it here, or those tests fail.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ON_EVERY_OPERATION", "ON_NAMED_OPERATIONS"]

# Judged on the operation of each request a check sees: every operation a run sends.
ON_EVERY_OPERATION: Final[tuple[str, ...]] = (
    "schema.response",
    "schema.server-error",
    "schema.negative-data",
    "schema.positive-data",
    "schema.other",
    "status.documented",
    "errors.fields",
    "errors.category",
    "batch.accounting",
    "ratelimit.headers",
    "run.unexpected",
)

# Judged on these operations by name (some rules on both kinds: the rate-limit probe judges the
# error body and headers of its own list_labels calls).
ON_NAMED_OPERATIONS: Final[dict[str, tuple[str, ...]]] = {
    "errors.fields": ("list_labels",),
    "errors.category": ("list_labels",),
    "batch.accounting": ("batch_associate_default", "batch_create_associations"),
    "ratelimit.enforced": ("list_labels",),
    "ratelimit.headers": ("list_labels",),
    "accounting.under-faults": ("batch_create_associations",),
    "graph.both-directions": (
        "remove_associations",
        "list_associations",
        "batch_read_associations",
        "batch_remove_associations",
        "batch_remove_labels",
        "list_labels",
        "delete_label",
    ),
    "graph.model": (
        "associate_default",
        "associate_with_labels",
        "remove_associations",
        "list_associations",
        "batch_associate_default",
        "batch_create_associations",
        "batch_read_associations",
        "batch_remove_associations",
        "batch_remove_labels",
        "create_label",
        "list_all_limits",
        "list_limits",
        "create_limits",
    ),
    "labels.paired-inverse": (
        "remove_associations",
        "list_associations",
        "batch_read_associations",
        "batch_remove_associations",
        "batch_remove_labels",
        "list_labels",
        "create_label",
        "update_label",
        "delete_label",
    ),
    "labels.unlabeled-type": ("list_associations", "batch_read_associations"),
    "delete.cascade": ("batch_remove_labels", "delete_label"),
    "primary.one-per-record": ("associate_with_labels",),
    "limits.every-write-path": (
        "associate_default",
        "associate_with_labels",
        "batch_associate_default",
        "batch_create_associations",
    ),
    "usage.labels": ("get_label_limits_usage",),
    "usage.records": (
        "list_record_limits_sources",
        "list_record_limits_targets",
        "get_record_limits_usage",
    ),
    "paging.complete": ("list_associations", "batch_read_associations"),
    "paging.order": ("list_associations", "batch_read_associations"),
    "refusals.change-nothing": ("associate_default",),
}
