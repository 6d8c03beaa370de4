"""Which facade methods each command calls: declared here, read by docs/operations.md.

One row per command of the parser, in the parser's order (a sub-command as ``labels list``),
naming the client's methods as a user calls them, without ``client.`` (``labels.list``,
``bulk.create``). The operations index (codegen/operations_index.py) reads this table without
importing it and maps each method to its operations through the facade's docstrings;
tests/test_hubspot_associations/cli/test_cli_operations.py runs every command against the
emulator and checks that it sends only the operations its row's methods send. A command that
calls a new method adds it here, or that test fails.
"""

from __future__ import annotations

from typing import Final

__all__ = ["COMMAND_METHODS"]

COMMAND_METHODS: Final[dict[str, tuple[str, ...]]] = {
    # A --label is looked up by name (labels.list); a type given or none goes straight to bulk.
    "associate": ("bulk.create", "bulk.associate_default", "labels.list"),
    "unassociate": ("bulk.remove",),
    "remove-label": ("bulk.remove_labels", "labels.list"),
    "export": ("batch.iter_read",),
    "labels list": ("labels.list",),
    "labels create": ("labels.create",),
    "labels update": ("labels.update",),
    "labels delete": ("labels.delete",),
    "limits list": ("limits.list", "limits.list_all"),
    # An existing limit is updated, a new one created: the pair's limits are read first.
    "limits set": ("limits.list", "limits.update", "limits.create"),
    "limits purge": ("limits.purge",),
    "limits usage labels": ("limits.usage.labels",),
    "limits usage sources": ("limits.usage.record_sources",),
    "limits usage targets": ("limits.usage.record_targets",),
    "limits usage records": ("limits.usage.records",),
    "types": ("labels.list",),
    "report": ("report.request",),
    # The fleet's jobs are read and cancelled in the ledger (Redis): no HubSpot call.
    "jobs list": (),
    "jobs status": (),
    "jobs cancel": (),
    # migrate-report reads files (its --replay speaks to an emulator without the client),
    # releases prints the table, check and emulator belong to their own packages.
    "migrate-report": (),
    "releases": (),
    "check": (),
    # A worker's tasks call bulk methods on the fleet, not in the command's own process.
    "worker": (),
    # The proxy forwards the app's calls (the contract package's): none of its own.
    "proxy": (),
    "emulator": (),
}
