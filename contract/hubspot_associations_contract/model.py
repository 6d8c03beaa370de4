"""The reference model of the association graph between contacts and companies.

Pure data, no I/O: what a server must hold after each write, in both directions. An association is
a set of *kinds* on a (contact, company) pair: ``unlabeled`` (always there), ``primary`` and the
names of custom labels. Each kind is one typeId per direction, and a limit caps how many records
one record may reach with one typeId.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["HUBSPOT_TYPES", "OTHER", "PRIMARY", "UNLABELED", "Graph", "Kind", "LabelDef", "Side"]

UNLABELED = "unlabeled"
PRIMARY = "primary"
# HubSpot-defined typeIds, contact→company and company→contact.
HUBSPOT_TYPES = {UNLABELED: (279, 280), PRIMARY: (1, 2)}

Kind = str
Side = str  # "contact" (reads from contacts to companies) or "company"
OTHER: dict[Side, Side] = {"contact": "company", "company": "contact"}


@dataclass(frozen=True)
class LabelDef:
    """A custom label of the pair: one typeId per direction, and the inverse's wording."""

    name: str
    forward_id: int
    inverse_id: int
    label: str
    inverse_label: str | None

    @property
    def paired(self) -> bool:
        """Created with an inverse label."""
        return self.inverse_label is not None

    def wording(self, side: Side) -> str:
        """The label as read from one side."""
        if side == "company" and self.inverse_label is not None:
            return self.inverse_label
        return self.label


@dataclass
class Graph:
    """Associations, labels and limits as the server must hold them."""

    pairs: dict[tuple[str, str], set[Kind]] = field(default_factory=dict)
    labels: dict[str, LabelDef] = field(default_factory=dict)
    limits: dict[int, int] = field(default_factory=dict)
    # Live: a named contact's primary company that is not a named record (the run's own primary
    # replaces it, as HubSpot allows one primary company per contact).
    outside_primary: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Graph:
        """An independent copy (to apply a write ahead of sending it)."""
        return Graph(
            {pair: set(kinds) for pair, kinds in self.pairs.items()},
            dict(self.labels),
            dict(self.limits),
            dict(self.outside_primary),
        )

    # -- typeIds ----------------------------------------------------------------------------

    def type_id(self, kind: Kind, side: Side) -> int:
        """The typeId of a kind as read from one side."""
        if kind in HUBSPOT_TYPES:
            forward, inverse = HUBSPOT_TYPES[kind]
        else:
            label = self.labels[kind]
            forward, inverse = label.forward_id, label.inverse_id
        return forward if side == "contact" else inverse

    def kind_of(self, type_id: int, side: Side) -> Kind | None:
        """The kind a typeId read from one side stands for (None: unknown to the model)."""
        for kind in (*HUBSPOT_TYPES, *self.labels):
            if self.type_id(kind, side) == type_id:
                return kind
        return None

    # -- reads --------------------------------------------------------------------------------

    def seen_from(self, side: Side, record: str) -> dict[str, set[int]]:
        """{other record: typeIds} as a read from ``record`` must answer."""
        out: dict[str, set[int]] = {}
        for (contact, company), kinds in self.pairs.items():
            mine, other = (contact, company) if side == "contact" else (company, contact)
            if mine == record and kinds:
                out[other] = {self.type_id(k, side) for k in kinds}
        return out

    def primary_of(self, contact: str) -> str | None:
        """The contact's primary company, named or not."""
        for (c, company), kinds in sorted(self.pairs.items()):
            if c == contact and PRIMARY in kinds:
                return company
        return self.outside_primary.get(contact)

    def triples(self) -> set[tuple[str, str, Kind]]:
        """Every (contact, company, kind) held, outside primaries included."""
        held = {(c, k, kind) for (c, k), kinds in self.pairs.items() for kind in kinds}
        return held | {(c, k, PRIMARY) for c, k in self.outside_primary.items()}

    def written_values(
        self, contacts: Iterable[str]
    ) -> tuple[dict[tuple[str, str], set[int]], dict[str, str | None]]:
        """What a live run leaves on the portal: contact→company typeIds of each pair the model
        holds, and each contact's primary company."""
        known = {*HUBSPOT_TYPES, *self.labels}
        pairs = {
            pair: {self.type_id(k, "contact") for k in kinds if k in known}
            for pair, kinds in self.pairs.items()
        }
        return pairs, {contact: self.primary_of(contact) for contact in contacts}

    def count(self, side: Side, record: str, kind: Kind) -> int:
        """Records that ``record`` reaches with one kind."""
        index = 0 if side == "contact" else 1
        return sum(
            1 for pair, kinds in self.pairs.items() if pair[index] == record and kind in kinds
        )

    # -- writes -------------------------------------------------------------------------------

    def refusal(self, contact: str, company: str, kinds: Iterable[Kind]) -> str | None:
        """Why writing these kinds (plus unlabeled) to the pair must be refused, or None."""
        have = self.pairs.get((contact, company), set())
        for kind in dict.fromkeys([UNLABELED, *kinds]):
            if kind in have:
                continue
            for side, record in (("contact", contact), ("company", company)):
                limit = self.limits.get(self.type_id(kind, side))
                if limit is not None and self.count(side, record, kind) + 1 > limit:
                    return (
                        f"{side} {record} already has {limit} of typeId {self.type_id(kind, side)}"
                    )
        return None

    def add(self, contact: str, company: str, kinds: Iterable[Kind]) -> None:
        """Write the kinds (plus unlabeled); primary moves from the contact's other companies."""
        kinds = [UNLABELED, *kinds]
        if PRIMARY in kinds:
            for (c, k), held in self.pairs.items():
                if c == contact and k != company:
                    held.discard(PRIMARY)
            self.outside_primary.pop(contact, None)
        self.pairs.setdefault((contact, company), set()).update(kinds)

    def remove(self, contact: str, company: str) -> None:
        """Remove the whole association (every kind, both directions)."""
        self.pairs.pop((contact, company), None)

    def remove_kind(self, contact: str, company: str, kind: Kind) -> None:
        """Remove one kind; removing the unlabeled kind removes the association."""
        if kind == UNLABELED:
            self.remove(contact, company)
        elif (contact, company) in self.pairs:
            self.pairs[(contact, company)].discard(kind)

    def delete_label(self, name: str) -> None:
        """A deleted label leaves every association and takes its limits with it."""
        label = self.labels.pop(name)
        for kinds in self.pairs.values():
            kinds.discard(name)
        self.limits.pop(label.forward_id, None)
        self.limits.pop(label.inverse_id, None)
