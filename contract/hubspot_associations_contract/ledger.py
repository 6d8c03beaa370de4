"""The ledger of a target: what each writing live run recorded before it wrote, and what it wrote.

One JSON file per target (base URL and token: one portal) under ``$HUBSPOT_CONTRACT_STATE_DIR``
(default ``~/.local/state/hubspot-associations/contract/``). A run's entry holds its owner (PID,
host, start), the state of the named records before its first write (``before``, see
:mod:`.restoring`), and every value it wrote or was about to write (``written``: noted *before*
each request is sent, since an answer lost to Ctrl-C or ``kill -9`` may still have written).
That is all a restore needs after a crash: ``check --live --cleanup-only``, or the next writing
run, reads it back. A run's entry leaves the ledger once what it changed is restored.

The file is only written while the run holds the target's lock (:mod:`.run_lock`), by one
process at a time: the command before and after its suite, the suite in between.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "LEDGER_VARIABLE",
    "STATE_DIR_VARIABLE",
    "Ledger",
    "RunEntry",
    "empty_written",
    "ledger_path",
]

LEDGER_VARIABLE = "HUBSPOT_CONTRACT_LEDGER"
STATE_DIR_VARIABLE = "HUBSPOT_CONTRACT_STATE_DIR"
VERSION = 2


def state_dir() -> Path:
    """Where ledgers and locks live."""
    root = os.environ.get(STATE_DIR_VARIABLE, "").strip()
    if root:
        return Path(root)
    state = os.environ.get("XDG_STATE_HOME", "").strip() or str(Path.home() / ".local/state")
    return Path(state) / "hubspot-associations" / "contract"


def ledger_path(base_url: str, token: str) -> Path:
    """The ledger file of one target (base URL and token: one portal)."""
    key = hashlib.sha256(f"{base_url.rstrip('/')}\n{token}".encode()).hexdigest()[:16]
    return state_dir() / f"ledger-{key}.json"


def empty_written() -> dict[str, dict[str, list[Any]]]:
    """A run's ``written`` before its first write (and after each restore)."""
    return {"pairs": {}, "primary": {}, "prior": {}}


@dataclass
class RunEntry:
    """One run's part of the ledger; JSON-ready fields."""

    owner: dict[str, Any] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)
    # "pairs": {"contact,company": [typeIds the run wrote present]},
    # "primary": {"contact": [companies (or None) the run made the contact's primary]},
    # "prior": {"contact": [the contact's primary before the run first changed it]}.
    written: dict[str, dict[str, list[Any]]] = field(default_factory=lambda: empty_written())
    # Association changes the run made (adds and removals of one type between two records).
    changes: int = 0
    # What a restore left as someone else changed it (lines for the run's report).
    left: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """As stored."""
        return {
            "owner": self.owner,
            "before": self.before,
            "written": self.written,
            "changes": self.changes,
            "left": self.left,
        }

    @classmethod
    def from_json(cls, body: Any) -> RunEntry:
        """From the stored form (tolerant: a damaged entry restores nothing it cannot read)."""
        if not isinstance(body, dict):
            return cls()
        written = body.get("written")
        if not isinstance(written, dict):
            written = {}
        return cls(
            owner=dict(body.get("owner") or {}),
            before=dict(body.get("before") or {}),
            written={key: dict(written.get(key) or {}) for key in empty_written()},
            changes=int(body.get("changes") or 0),
            left=[str(line) for line in body.get("left") or []],
        )


@dataclass
class Ledger:
    """The runs of one target that have not been restored yet, kept in a file.

    ``legacy_pairs`` are the contact→company pairs a ledger of an earlier version holds (that
    version wrote only between unassociated records, so removing them restores the portal).
    """

    path: Path
    runs: dict[str, RunEntry] = field(default_factory=dict)
    legacy_pairs: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """The ledger at ``path`` (empty when there is none or it cannot be read)."""
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(body, dict):
            return cls(path)
        found = body.get("runs")
        runs: dict[str, Any] = found if isinstance(found, dict) else {}
        try:
            pairs = {(str(c), str(k)) for c, k in body.get("pairs", [])}
        except (TypeError, ValueError):
            pairs = set()
        return cls(path, {str(t): RunEntry.from_json(e) for t, e in runs.items()}, pairs)

    def entry(self, tag: str) -> RunEntry:
        """The entry of run ``tag`` (made empty when missing)."""
        return self.runs.setdefault(tag, RunEntry())

    def drop(self, tag: str) -> None:
        """Forget a run whose changes are restored."""
        if self.runs.pop(tag, None) is not None:
            self.save()

    def save(self) -> None:
        """Write the file atomically (or remove it when nothing is left to restore)."""
        if not self.runs and not self.legacy_pairs:
            with contextlib.suppress(OSError):
                self.path.unlink()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        body = {
            "version": VERSION,
            "runs": {tag: entry.to_json() for tag, entry in self.runs.items()},
            "pairs": sorted(self.legacy_pairs),
        }
        temporary.write_text(json.dumps(body, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)
