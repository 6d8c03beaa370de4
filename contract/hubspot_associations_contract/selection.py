"""What a run judges: ``check --operation/--exclude-operation/--rule/--exclude-rule``.

The command validates the options (an unknown operationId or rule is refused before anything
runs) and passes them to the suite as comma lists in ``HUBSPOT_CONTRACT_OPERATIONS``,
``HUBSPOT_CONTRACT_EXCLUDE_OPERATIONS``, ``HUBSPOT_CONTRACT_RULES`` and
``HUBSPOT_CONTRACT_EXCLUDE_RULES``; the suite reads them here. A rule may be named exactly
(``graph.model``) or by family (``graph.*``: every rule whose name starts with ``graph.``).

What a selection keeps:

* a **verdict** (rule, operation) when the rule and the operation are both selected; any other is
  neither recorded nor raised, so an unselected rule cannot fail a run. ``run.unexpected`` (an
  error none of the rules expected: the suite itself could not go on) is always kept;
* a **conformance case** of schemathesis when its operation is selected (the schema is filtered
  by operationId), likewise the wrong-token test's cases;
* a **scenario** (a graph probe, the state machine, the linked sequences, a rate-limit test) when
  an operation it sends is selected and a rule it judges is selected. What each sends and judges
  is declared below in :data:`SCENARIOS`; tests/test_hubspot_associations_contract holds the
  table to what a clean run records.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .rule_operations import ON_EVERY_OPERATION, ON_NAMED_OPERATIONS
from .rules import RULES
from .specs import success_statuses

__all__ = [
    "ALWAYS_KEPT",
    "EVERY_OPERATION",
    "EXCLUDE_OPERATIONS_VARIABLE",
    "EXCLUDE_RULES_VARIABLE",
    "OPERATIONS_VARIABLE",
    "RULES_VARIABLE",
    "SCENARIOS",
    "TRACE_VARIABLE",
    "Declared",
    "Selection",
    "current",
    "refusal",
    "release_operations",
    "rules_matching",
]

OPERATIONS_VARIABLE = "HUBSPOT_CONTRACT_OPERATIONS"
EXCLUDE_OPERATIONS_VARIABLE = "HUBSPOT_CONTRACT_EXCLUDE_OPERATIONS"
RULES_VARIABLE = "HUBSPOT_CONTRACT_RULES"
# A file the plugin writes, per test, the (rule, operation) pairs it judged (the repository's
# tests hold SCENARIOS to it).
TRACE_VARIABLE = "HUBSPOT_CONTRACT_TRACE"
EXCLUDE_RULES_VARIABLE = "HUBSPOT_CONTRACT_EXCLUDE_RULES"

# The suite's own failure to go on is not a promise of the contract: never filtered away.
ALWAYS_KEPT: Final = "run.unexpected"


@dataclass(frozen=True)
class Declared:
    """What one scenario sends (the operations its verdicts name) and the rules it judges.
    ``sends`` None: every operation of the release (the scenario filters its own cases by
    operation, or may send any of them)."""

    sends: tuple[str, ...] | None
    judges: tuple[str, ...]


EVERY_OPERATION: Final = None

# Every write and read of the graph run goes through the client, whose wire judges the
# answer-level rules (wire.py) on each request, whichever probe sent it.
_WIRE = ("status.documented", "errors.fields", "errors.category", "ratelimit.headers")
# A read-back: every record page by page (list, or batch read where a release has no list), the
# label listing and the limits usage reads; and it judges primary.one-per-record on
# associate_with_labels (the write that sets a primary) whichever write came before.
_READ_BACK = (
    "associate_with_labels",
    "list_associations",
    "batch_read_associations",
    "list_labels",
    "get_label_limits_usage",
    "list_record_limits_sources",
    "list_record_limits_targets",
    "get_record_limits_usage",
)
_READ_BACK_RULES = (
    *_WIRE,
    "graph.both-directions",
    "graph.model",
    "labels.paired-inverse",
    "labels.unlabeled-type",
    "primary.one-per-record",
    "paging.complete",
    "paging.order",
    "usage.labels",
    "usage.records",
)
# schemathesis' cases judge every rule an answer shows (the suite's own failure aside).
_CONFORMANCE_RULES = tuple(rule for rule in ON_EVERY_OPERATION if rule != ALWAYS_KEPT)

# Keyed "<module>::<test function>" (a parametrized test once, for all its cases).
SCENARIOS: Final[dict[str, Declared]] = {
    "test_conformance::test_every_operation_conforms": Declared(
        EVERY_OPERATION, _CONFORMANCE_RULES
    ),
    "test_conformance::test_a_wrong_token_gets_hubspots_401": Declared(
        EVERY_OPERATION, ("errors.fields", "errors.category")
    ),
    "test_conformance::test_linked_sequences_conform": Declared(
        EVERY_OPERATION, _CONFORMANCE_RULES
    ),
    "test_graph::test_both_directions_after_writes_and_removals": Declared(
        (
            "associate_default",
            "batch_associate_default",
            "remove_associations",
            "batch_remove_associations",
            *_READ_BACK,
        ),
        (*_READ_BACK_RULES, "batch.accounting"),
    ),
    "test_graph::test_paired_and_unpaired_labels": Declared(
        (
            "create_label",
            "update_label",
            "associate_with_labels",
            "batch_create_associations",
            *_READ_BACK,
        ),
        (*_READ_BACK_RULES, "batch.accounting"),
    ),
    "test_graph::test_deletes_cascade": Declared(
        ("create_label", "delete_label", "batch_remove_labels", *_READ_BACK),
        (*_READ_BACK_RULES, "delete.cascade"),
    ),
    "test_graph::test_one_primary_company_per_contact": Declared(
        ("associate_with_labels", *_READ_BACK), _READ_BACK_RULES
    ),
    "test_graph::test_limits_hold_on_every_write_path": Declared(
        (
            "create_limits",
            "list_limits",
            "list_all_limits",
            "purge_limits",
            "associate_default",
            "associate_with_labels",
            "batch_create_associations",
            "batch_associate_default",
            *_READ_BACK,
        ),
        (*_READ_BACK_RULES, "batch.accounting", "limits.every-write-path"),
    ),
    "test_graph::test_paging_is_complete_and_ordered": Declared(
        ("batch_associate_default", *_READ_BACK), (*_READ_BACK_RULES, "batch.accounting")
    ),
    # The state machine may draw any write; its invariant reads everything back.
    "test_graph::test_random_sequences_hold_the_model": Declared(
        (
            "associate_default",
            "associate_with_labels",
            "batch_create_associations",
            "batch_associate_default",
            "remove_associations",
            "batch_remove_associations",
            "batch_remove_labels",
            "create_label",
            "update_label",
            "delete_label",
            "create_limits",
            "update_limits",
            "list_limits",
            "list_all_limits",
            "purge_limits",
            *_READ_BACK,
        ),
        (*_READ_BACK_RULES, "batch.accounting", "delete.cascade", "limits.every-write-path"),
    ),
    # A write sent with a token that may not make it (and with a wrong one); on a live portal
    # the state is read back from both records.
    "test_refusals::test_a_refused_write_changes_nothing": Declared(
        ("associate_default", "list_associations", "batch_read_associations"),
        (*_WIRE, "paging.complete", "paging.order", "refusals.change-nothing"),
    ),
    "test_rate_limits::test_past_the_limit_answers_429_with_hubspots_body_and_headers": Declared(
        ("list_labels",),
        ("ratelimit.enforced", "ratelimit.headers", "errors.fields", "errors.category"),
    ),
    "test_rate_limits::test_no_input_lost_or_duplicated_under_rate_limit_and_faults": Declared(
        ("batch_create_associations",), ("accounting.under-faults",)
    ),
}


def rules_matching(pattern: str) -> list[str]:
    """The rules a ``--rule`` value names: one rule, or a family (``graph.*``)."""
    if pattern.endswith(".*"):
        family = pattern[:-1]
        return [name for name in RULES if name.startswith(family)]
    return [pattern] if pattern in RULES else []


def _listed(variable: str) -> tuple[str, ...]:
    raw = os.environ.get(variable, "")
    return tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))


@dataclass(frozen=True)
class Selection:
    """The chosen operations and rules; empty ``operations``/``rules``: all of them."""

    operations: frozenset[str] = frozenset()
    excluded_operations: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()
    excluded_rules: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        operations: Iterable[str] = (),
        excluded_operations: Iterable[str] = (),
        rules: Iterable[str] = (),
        excluded_rules: Iterable[str] = (),
    ) -> Selection:
        """A selection from option values (rule families expanded)."""

        def expand(patterns: Iterable[str]) -> frozenset[str]:
            return frozenset(name for p in patterns for name in rules_matching(p))

        return cls(
            frozenset(operations), frozenset(excluded_operations), expand(rules),
            expand(excluded_rules),
        )  # fmt: skip

    @property
    def everything(self) -> bool:
        """Nothing filtered."""
        chosen = (self.operations, self.excluded_operations, self.rules, self.excluded_rules)
        return not any(chosen)

    def operation(self, operation: str) -> bool:
        """Whether the operation is selected."""
        chosen = not self.operations or operation in self.operations
        return chosen and operation not in self.excluded_operations

    def rule(self, name: str) -> bool:
        """Whether the rule is selected."""
        return (not self.rules or name in self.rules) and name not in self.excluded_rules

    def keeps(self, rule_name: str, operation: str) -> bool:
        """Whether a verdict of the rule on the operation is recorded (and raised)."""
        if rule_name == ALWAYS_KEPT:
            return True
        return self.rule(rule_name) and self.operation(operation)

    def scenario(self, key: str, release_operations: Iterable[str]) -> bool:
        """Whether the scenario ``<module>::<test>`` runs (an undeclared one always runs)."""
        declared = SCENARIOS.get(key)
        if declared is None or self.everything:
            return True
        sends = release_operations if declared.sends is None else declared.sends
        return any(map(self.operation, sends)) and any(map(self.rule, declared.judges))

    def rules_in_reach(self, release_operations: Iterable[str]) -> set[str]:
        """The rules this selection may judge on the release (every rule when unfiltered)."""
        if self.everything:
            return set(RULES)
        return {rule for rule, _ in self.judged_pairs(release_operations)} | {ALWAYS_KEPT}

    def judged_pairs(self, release_operations: Iterable[str]) -> list[tuple[str, str]]:
        """Every (rule, operation) the suite may judge on the release that this selection keeps
        (empty: the selection selects nothing)."""
        operations = list(release_operations)
        pairs = {(rule, op) for rule in ON_EVERY_OPERATION for op in operations}
        pairs |= {(rule, op) for rule, ops in ON_NAMED_OPERATIONS.items() for op in ops
                  if op in operations}  # fmt: skip
        return sorted(
            (rule, op) for rule, op in pairs if rule != ALWAYS_KEPT and self.keeps(rule, op)
        )


@functools.cache
def current() -> Selection:
    """This run's selection, from the environment the command sets."""
    return Selection.of(
        _listed(OPERATIONS_VARIABLE),
        _listed(EXCLUDE_OPERATIONS_VARIABLE),
        _listed(RULES_VARIABLE),
        _listed(EXCLUDE_RULES_VARIABLE),
    )


def release_operations(release: str) -> list[str]:
    """The operationIds of a release's strict spec."""
    return sorted(success_statuses(release))


# How a user lists what the options accept.
_LISTS = (
    "each rule's promise is in the contract suite's README; docs/operations.md shows which "
    "rules each operation is judged on"
)


def refusal(
    release: str,
    operations: Iterable[str],
    excluded_operations: Iterable[str],
    rules: Iterable[str],
    excluded_rules: Iterable[str],
) -> str | None:
    """Why the options cannot run (an unknown operation or rule, or nothing selected), or None."""
    known = release_operations(release)
    named = (("--operation", operations), ("--exclude-operation", excluded_operations))
    for option, values in named:
        unknown = [v for v in values if v not in known]
        if unknown:
            return (
                f"{option} {', '.join(map(repr, unknown))}: not an operation of release {release}; "
                f"known: {', '.join(known)} ({_LISTS})"
            )
    for option, values in (("--rule", rules), ("--exclude-rule", excluded_rules)):
        unknown = [v for v in values if not rules_matching(v)]
        if unknown:
            return (
                f"{option} {', '.join(map(repr, unknown))}: not a rule of the suite (a name, or a "
                f"family such as graph.*); known: {', '.join(RULES)} ({_LISTS})"
            )
    chosen = Selection.of(operations, excluded_operations, rules, excluded_rules)
    if not chosen.everything and not chosen.judged_pairs(known):
        return (
            "the selection selects nothing: no rule it keeps is judged on an operation it keeps "
            "(docs/operations.md shows which rules each operation is judged on)"
        )
    return None
