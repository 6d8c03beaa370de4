"""What a live run writes on a portal, so that it can always be found and removed again.

Labels the suite creates carry the reserved prefix :data:`PREFIX` and the run's tag in both their
internal name and their wording (``hsa_contract_alpha_3f9a1c``; renames only append words), so a
label is found by its wording whatever was done to it: at the end of each scenario by the run's
tag, and at the start of the next writing run by the prefix alone (the leftovers of a run that was
killed or lost the network). Associations cannot carry a name, so a run notes each pair in a
*ledger* file before it writes it, keyed by target; the next run removes the pairs a ledger still
holds. Nothing else on the portal is touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hubspot_associations import APIStatusError, HubSpotAssociations

__all__ = [
    "LEDGER_VARIABLE",
    "PREFIX",
    "RUN_TAG_VARIABLE",
    "STATE_DIR_VARIABLE",
    "Ledger",
    "Swept",
    "label_name",
    "ledger_path",
    "new_run_tag",
    "of_run",
    "remove_labels",
    "reserved",
    "sweep",
]

# HubSpot refuses hyphens and a leading digit in a label's name: letters, digits and "_" only.
PREFIX = "hsa_contract_"
RUN_TAG_VARIABLE = "HUBSPOT_CONTRACT_RUN_TAG"
LEDGER_VARIABLE = "HUBSPOT_CONTRACT_LEDGER"
STATE_DIR_VARIABLE = "HUBSPOT_CONTRACT_STATE_DIR"
# The directions the suite creates labels in (contact→company; paired ones show on both sides).
DIRECTIONS = (("contact", "company"), ("company", "contact"))


def new_run_tag() -> str:
    """Six lowercase hex digits, different for every run."""
    return secrets.token_hex(3)


def label_name(key: str, tag: str) -> str:
    """The internal name (and wording) of one of the suite's labels in one run."""
    return f"{PREFIX}{key}_{tag}"


def _first_word(wording: object) -> str:
    # A listed label's text may be absent (HubSpot-defined types): no word then.
    return wording.split(" ", 1)[0] if isinstance(wording, str) else ""


def reserved(wording: object) -> bool:
    """A label wording of the suite, from any run."""
    return _first_word(wording).startswith(PREFIX)


def of_run(wording: object, tag: str) -> bool:
    """A label wording of the suite's run ``tag`` (renamed any number of times or not)."""
    return reserved(wording) and _first_word(wording).endswith(f"_{tag}")


def remove_labels(client: HubSpotAssociations, wanted: Callable[[object], bool]) -> list[str]:
    """Delete every custom contact/company label whose wording ``wanted(wording)`` accepts, in
    both directions; the wordings removed. A delete whose answer was lost is confirmed by listing
    again (the resend finds nothing to delete)."""
    removed: list[str] = []
    for from_type, to_type in DIRECTIONS:
        for found in client.labels.list(from_type, to_type):
            if str(found.category) != "USER_DEFINED" or not wanted(found.label):
                continue
            try:
                client.labels.delete(from_type, to_type, found.type_id)
            except APIStatusError:
                still = {t.type_id for t in client.labels.list(from_type, to_type)}
                if found.type_id in still:
                    raise
            removed.append(f"{found.label!s} (typeId {found.type_id}, {from_type}→{to_type})")
    return removed


def ledger_path(base_url: str, token: str) -> Path:
    """The ledger file of one target (base URL and token: one portal)."""
    root = os.environ.get(STATE_DIR_VARIABLE, "").strip()
    if root:
        folder = Path(root)
    else:
        state = os.environ.get("XDG_STATE_HOME", "").strip() or str(Path.home() / ".local/state")
        folder = Path(state) / "hubspot-associations" / "contract"
    key = hashlib.sha256(f"{base_url.rstrip('/')}\n{token}".encode()).hexdigest()[:16]
    return folder / f"ledger-{key}.json"


@dataclass
class Ledger:
    """The pairs a live run may have associated and not yet removed, kept in a file."""

    path: Path
    pairs: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """The ledger at ``path`` (empty when there is none or it cannot be read)."""
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            pairs = {(str(c), str(k)) for c, k in body.get("pairs", [])}
        except (OSError, ValueError, TypeError, AttributeError):
            pairs = set()
        return cls(path, pairs)

    def add(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Note pairs before they are written (an answer lost may still have written)."""
        new = set(pairs) - self.pairs
        if new:
            self.pairs |= new
            self._save()

    def discard(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Forget pairs that were removed."""
        before = len(self.pairs)
        self.pairs -= set(pairs)
        if len(self.pairs) != before:
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        body = {"pairs": sorted(self.pairs)}
        temporary.write_text(json.dumps(body), encoding="utf-8")
        os.replace(temporary, self.path)
        if not self.pairs:
            with contextlib.suppress(OSError):
                self.path.unlink()


@dataclass(frozen=True)
class Swept:
    """What the start of a live run removed: labels (wordings) and pairs."""

    labels: list[str]
    pairs: list[tuple[str, str]]

    def lines(self) -> Iterator[str]:
        """For the run's first lines."""
        for label in self.labels:
            yield f"  label {label}"
        for contact, company in self.pairs:
            yield f"  association contact {contact} ↔ company {company}"


def sweep(client: HubSpotAssociations, ledger: Ledger, *, writes: bool) -> Swept:
    """Remove what earlier runs left (labels with the prefix, pairs their ledger holds); with
    ``writes`` False, only say what is there."""
    if not writes:
        found = [
            f"{t.label} (typeId {t.type_id}, contact→company)"
            for t in client.labels.list("contact", "company")
            if str(t.category) == "USER_DEFINED" and reserved(t.label)
        ]
        return Swept(found, sorted(ledger.pairs))
    pairs = sorted(ledger.pairs)
    if pairs:
        client.batch.remove("contact", "company", pairs)
        ledger.discard(pairs)
    return Swept(remove_labels(client, reserved), pairs)
