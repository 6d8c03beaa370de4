"""A writing live run around its suite: earlier runs swept, the portal recorded, the run restored.

``hubspot-associations check --live`` with writes, in order: the target's lock
(:mod:`.run_lock`); :func:`sweep` restores what runs of this machine left in the ledger (killed,
or their network lost) and deletes leftover labels; :func:`begin` records the named records
(:func:`.restoring.record`, which refuses where a restore could not be guaranteed) before the
suite's first write; the suite restores after each scenario; :func:`finish` restores whatever is
left once the suite's process has ended, however it ended. ``--cleanup-only`` is the sweep alone.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hubspot_associations import HubSpotAssociations

from .ledger import Ledger, RunEntry, empty_written
from .leftovers import DIRECTIONS, of_run, remove_labels, reserved, sweepable
from .restoring import Before, Restored, record, restore
from .run_lock import describe_owner

__all__ = ["Cleanup", "begin", "finish", "sweep"]


@dataclass
class Cleanup:
    """What restoring one or more runs did, and the association changes the runs made in all."""

    restored: Restored = field(default_factory=Restored)
    labels: list[str] = field(default_factory=list)
    changes: int = 0
    # Without writes: what earlier runs left, to be removed by a writing run.
    pending: list[str] = field(default_factory=list)
    # The earlier runs whose entries were restored (whether or not they had left anything).
    runs: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        """Something was removed, restored, left or is pending."""
        return bool(self.labels or self.pending or self.runs or self.restored.lines())

    def add(self, done: Restored) -> None:
        """Merge one restore's outcome."""
        self.restored.removed += done.removed
        self.restored.restored += done.restored
        self.restored.left += done.left
        self.changes += done.changes

    def lines(self) -> Iterator[str]:
        """For the run's output."""
        for run in self.runs:
            yield f"  {run}"
        yield from self.restored.lines()
        for line in self.pending:
            yield f"  {line}"
        for label in self.labels:
            yield f"  removed label {label}"


def begin(
    client: HubSpotAssociations,
    ledger: Ledger,
    tag: str,
    records: Mapping[str, tuple[str, ...]],
    owner: dict[str, Any],
) -> RunEntry:
    """Record the named records before the run writes anything (:class:`.restoring.Refused`
    where it must not write); the entry is in the ledger file when this returns."""
    before = record(client, records, str(client.settings.base_url).rstrip("/"))
    entry = ledger.entry(tag)
    entry.owner, entry.before = owner, before.to_json()
    ledger.save()
    return entry


def restore_entry(client: HubSpotAssociations, entry: RunEntry) -> Restored:
    """Restore what one run's entry says it wrote; the entry's written values are spent."""
    if not entry.before:
        return Restored()
    done = restore(client, Before.from_json(entry.before), entry.written)
    entry.changes += done.changes
    entry.left += done.left
    entry.written = empty_written()
    return done


def finish(client: HubSpotAssociations, ledger: Ledger, tag: str) -> Cleanup:
    """Restore what run ``tag`` left and delete its labels; it leaves the ledger when done (an
    error on the way leaves it there for ``--cleanup-only``)."""
    out = Cleanup()
    entry = ledger.runs.get(tag)
    if entry is not None:
        out.add(restore_entry(client, entry))
        # The suite counted its own writes (and its restores after each scenario) in the entry.
        out.changes = entry.changes
        out.restored.left = list(dict.fromkeys(entry.left))
    out.labels = remove_labels(client, functools.partial(of_run, tag=tag))
    ledger.drop(tag)
    return out


def sweep(client: HubSpotAssociations, ledger: Ledger, *, writes: bool) -> Cleanup:
    """Restore every run the ledger holds (none is alive: the caller holds the lock) and delete
    the leftover labels of this machine's runs and of runs older than the longest run; with
    ``writes`` False, only say what is there."""
    known = list(ledger.runs)
    if not writes:
        out = Cleanup()
        for tag, entry in ledger.runs.items():
            pairs = sorted(entry.written.get("pairs", {}))
            out.pending.append(f"run {tag} is not restored yet (the pairs it wrote: {pairs})")
        out.pending += [
            f"label {t.label} (typeId {t.type_id}, {a}→{b})"
            for a, b in DIRECTIONS
            for t in client.labels.list(a, b)
            if str(t.category) == "USER_DEFINED" and reserved(t.label) and sweepable(t.label, known)
        ]
        return out
    out = Cleanup()
    for tag in known:
        entry = ledger.runs[tag]
        done = restore_entry(client, entry)
        labels = remove_labels(client, functools.partial(of_run, tag=tag))
        found = "" if done.lines() or labels else ": nothing of it was left on the target"
        out.runs.append(
            f"run {tag} ({describe_owner(entry.owner)}) ended without its clean-up{found}"
        )
        out.add(done)
        out.labels += labels
        ledger.drop(tag)
    if ledger.legacy_pairs:
        # A ledger of an earlier version: it wrote only between unassociated records.
        legacy = sorted(ledger.legacy_pairs)
        client.batch.remove("contact", "company", legacy)
        out.restored.removed += [f"association contact {c} ↔ company {k}" for c, k in legacy]
        ledger.legacy_pairs.clear()
        ledger.save()
    out.labels += remove_labels(client, lambda wording: sweepable(wording, known))
    return out
