"""Record what a writing live run may change before it writes, and restore exactly that afterwards.

A live run writes associations between the contacts and companies it is given (the *named*
records) and labels of its own. On HubSpot, making a company a contact's primary takes the primary
from the contact's other company, named or not: so the run changes more than the pairs it writes.
Before the first write the run records (:func:`record`), for every named record, its
contact↔company associations to any record, all types, both directions, and the contact↔company
label definitions. It then notes, before each request, every value it writes (the ledger's
``written``): the type IDs of each named pair, and each named contact's primary company.

:func:`restore` puts back what the run changed, and only that: an item goes back to its recorded
value only if it still holds a value the run wrote. Anything changed by someone else since (a
label of theirs on a pair the run created, a primary they chose) is left as it is and listed.

The run refuses before writing (:class:`Refused`) where a restore could not be guaranteed: named
contacts already associated with named companies, a named record with more associations than one
read returns, a label pair without room for the run's labels, or a limit a named record would
reach with the run's writes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hubspot_associations import ClientValidationError, HubSpotAssociations
from hubspot_associations._numbers import LABELS_PER_PAIR

from .leftovers import DIRECTIONS
from .model import HUBSPOT_TYPES, OTHER, PRIMARY, UNLABELED

__all__ = [
    "LABELS_A_RUN_CREATES",
    "PRIMARY_TYPE",
    "Before",
    "Refused",
    "Restored",
    "note_written",
    "read_contact_sides",
    "record",
    "restore",
]

# HubSpot-defined contact→company typeIds: the primary company, the unlabeled type; and the
# company→contact unlabeled type (each a limit can be set on).
PRIMARY_TYPE = HUBSPOT_TYPES[PRIMARY][0]
UNLABELED_TYPES = dict(zip(("contact", "company"), HUBSPOT_TYPES[UNLABELED], strict=True))
# The most labels one run creates at once (machine.LABEL_NAMES).
LABELS_A_RUN_CREATES = 3
# One read of a record's associations: a record with more is refused (its snapshot would span
# pages that others may change between two reads).
READ_LIMIT = 500


class Refused(Exception):
    """No restore could be guaranteed: the run must not write. The message says why and what
    to do."""


@dataclass(frozen=True)
class Before:
    """The named records' associations and the pair's labels before the run's first write."""

    contacts: tuple[str, ...]
    companies: tuple[str, ...]
    # side -> record -> {other record: sorted typeIds read from that side}.
    sides: dict[str, dict[str, dict[str, list[int]]]]
    # "contact→company" / "company→contact" -> [[typeId, category, label], ...].
    labels: dict[str, list[list[Any]]] = field(default_factory=dict)

    def pair(self, contact: str, company: str) -> set[int]:
        """Contact→company typeIds between two records before the run."""
        return set(self.sides["contact"].get(contact, {}).get(company, []))

    def to_json(self) -> dict[str, Any]:
        """As kept in the ledger."""
        return {
            "contacts": list(self.contacts),
            "companies": list(self.companies),
            "sides": self.sides,
            "labels": self.labels,
        }

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Before:
        """From the ledger."""
        sides = body.get("sides") or {}
        return cls(
            contacts=tuple(str(c) for c in body.get("contacts", ())),
            companies=tuple(str(k) for k in body.get("companies", ())),
            sides={
                side: {
                    str(record): {str(o): [int(t) for t in ts] for o, ts in others.items()}
                    for record, others in (sides.get(side) or {}).items()
                }
                for side in ("contact", "company")
            },
            labels={str(k): list(v) for k, v in (body.get("labels") or {}).items()},
        )


def _read_one(
    client: HubSpotAssociations, side: str, record: str
) -> tuple[dict[str, list[int]], bool]:
    """One read of a record's associations to the other type: ({other: typeIds}, more pages)."""
    page = client.basic.get_page(side, record, OTHER[side], limit=READ_LIMIT)
    found = {
        str(item.to_object_id): sorted({int(t.type_id) for t in item.association_types})
        for item in page.results
    }
    following = getattr(page.paging, "next_", None) if page.paging else None
    return found, isinstance(getattr(following, "after", None), str)


def read_contact_sides(
    client: HubSpotAssociations, contacts: Iterable[str]
) -> dict[str, dict[str, set[int]]]:
    """Each contact's companies and contact→company typeIds now, every page."""
    out: dict[str, dict[str, set[int]]] = {}
    for contact in contacts:
        seen: dict[str, set[int]] = {}
        for item in client.basic.iter_all("contact", contact, "company", page_size=READ_LIMIT):
            seen.setdefault(str(item.to_object_id), set()).update(
                int(t.type_id) for t in item.association_types
            )
        out[contact] = seen
    return out


def record(
    client: HubSpotAssociations,
    records: Mapping[str, tuple[str, ...]],
    base_url: str = "https://api.hubapi.com",
) -> Before:
    """Read what the run may change; :class:`Refused` where a restore could not be guaranteed
    (``base_url`` goes into the command the refusal suggests)."""
    contacts, companies = tuple(records["contact"]), tuple(records["company"])
    sides: dict[str, dict[str, dict[str, list[int]]]] = {"contact": {}, "company": {}}
    problems: list[str] = []
    for side, ids in (("contact", contacts), ("company", companies)):
        for record_id in ids:
            found, more = _read_one(client, side, record_id)
            if more:
                problems.append(
                    f"{side} {record_id} has more {OTHER[side]} associations than one read "
                    f"returns ({READ_LIMIT}): its state could change between the reads of a "
                    "snapshot; name a record with fewer"
                )
            sides[side][record_id] = found
    named = [(c, k) for c in contacts for k in sorted(set(sides["contact"][c]) & set(companies))]
    if named:
        shown = "; ".join(f"contact {c} is already associated with company {k}" for c, k in named)
        rows = "\\n".join(f"{c},{k}" for c, k in named)
        problems.append(
            f"{shown}. The graph run needs named records with nothing between them, so that it "
            "can tell its writes from yours: name other records, or remove those associations "
            f"first, for example: printf 'from_id,to_id\\n{rows}\\n' | hubspot-associations "
            f"unassociate - --from contact --to company --base-url {base_url} "
            "--results leftovers.results.jsonl"
        )
    labels = {
        f"{a}→{b}": [
            [int(t.type_id), str(t.category), t.label if isinstance(t.label, str) else None]
            for t in client.labels.list(a, b)
        ]
        for a, b in DIRECTIONS
    }
    custom = sum(1 for t in labels["contact→company"] if t[1] == "USER_DEFINED")
    if custom + LABELS_A_RUN_CREATES > LABELS_PER_PAIR:
        problems.append(
            f"contacts and companies have {custom} custom label(s): the run creates up to "
            f"{LABELS_A_RUN_CREATES} more and HubSpot allows {LABELS_PER_PAIR} per pair, so its "
            "label writes would be refused; delete unused labels or use a portal with room"
        )
    problems += _limits_in_the_way(client, sides, contacts, companies)
    if problems:
        raise Refused(
            "HUBSPOT_CONTRACT_RECORDS: the graph run writes nothing on this portal, as it could "
            "not be sure to leave it as it found it: " + " | ".join(problems)
        )
    return Before(contacts, companies, sides, labels)


def _limits_in_the_way(
    client: HubSpotAssociations,
    sides: dict[str, dict[str, dict[str, list[int]]]],
    contacts: tuple[str, ...],
    companies: tuple[str, ...],
) -> list[str]:
    """Named records a limit on the unlabeled type would stop from reaching every named record
    of the other kind (the run's writes refused, its model wrong)."""
    problems = []
    for side, mine, theirs in (("contact", contacts, companies), ("company", companies, contacts)):
        try:
            configured = client.limits.list(side, OTHER[side])
        except ClientValidationError:
            return []  # the release cannot read limits: nothing to check against
        for limit in configured:
            if int(limit.type_id) != UNLABELED_TYPES[side]:
                continue
            if limit.user_enforced_max_to_object_ids is None:
                continue
            maximum = int(limit.user_enforced_max_to_object_ids)
            for record_id in mine:
                have = len(sides[side][record_id])
                if have + len(theirs) > maximum:
                    problems.append(
                        f"{side} {record_id} has {have} {OTHER[side]} association(s) and a limit "
                        f"of {maximum} (typeId {limit.type_id}): the run's {len(theirs)} more "
                        "would pass it; name a record further from the limit"
                    )
    return problems


def note_written(
    written: dict[str, dict[str, list[Any]]],
    pairs: Mapping[tuple[str, str], Iterable[int]],
    primaries: Mapping[str, tuple[str | None, str | None]],
) -> bool:
    """Add what a write changes (or may change) to ``written``: the typeIds it gives pairs, and
    each contact whose primary it moves as (before, after); True when anything is new. The
    primary before the run's first change of it is what a restore gives back: a value someone
    else set between two scenarios is theirs, not the run's."""
    new = False
    for (contact, company), type_ids in pairs.items():
        held = written["pairs"].setdefault(f"{contact},{company}", [])
        for type_id in sorted(set(type_ids) - set(held)):
            held.append(type_id)
            new = True
    for contact, (was, primary) in primaries.items():
        if contact not in written.setdefault("prior", {}):
            written["prior"][contact] = [was]
            new = True
        values = written["primary"].setdefault(contact, [])
        if primary not in values:
            values.append(primary)
            new = True
    return new


@dataclass
class Restored:
    """What one restore did: lines for the report, and the association changes it made."""

    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    changes: int = 0

    def lines(self) -> list[str]:
        """Every line, removed and restored first."""
        return [
            *(f"  removed {line}" for line in self.removed),
            *(f"  restored {line}" for line in self.restored),
            *(f"  left as someone else changed it: {line}" for line in self.left),
        ]


def restore(
    client: HubSpotAssociations, before: Before, written: Mapping[str, Mapping[str, list[Any]]]
) -> Restored:
    """Put back each item the run changed that still holds a value the run wrote."""
    done = Restored()
    now = read_contact_sides(client, before.contacts)
    primary_now = {
        c: next((k for k, ts in sorted(now[c].items()) if PRIMARY_TYPE in ts), None)
        for c in before.contacts
    }
    primary_written = {c: list(v) for c, v in written.get("primary", {}).items()}
    priors = {c: v[0] for c, v in written.get("prior", {}).items() if v}
    removed_pairs: list[tuple[str, str]] = []
    for contact, company in itertools.product(before.contacts, before.companies):
        had = before.pair(contact, company)
        holds = now[contact].get(company, set())
        if holds == had:
            continue
        mine = set(written.get("pairs", {}).get(f"{contact},{company}", []))
        primary_is_mine = company in primary_written.get(contact, [])
        runs = {t for t in holds - had if t in mine and (t != PRIMARY_TYPE or primary_is_mine)}
        foreign = holds - had - runs
        if not runs:
            if mine and holds - had:
                done.left.append(f"contact {contact} ↔ company {company} holds typeIds "
                                 f"{sorted(holds - had)} the run did not write")  # fmt: skip
            continue
        if not had and not foreign:
            removed_pairs.append((contact, company))
            done.removed.append(f"association contact {contact} ↔ company {company} "
                                f"(typeIds {sorted(holds)})")  # fmt: skip
            done.changes += len(holds)
            continue
        # The unlabeled type stays (removing it removes the whole association, theirs too); the
        # primary is the contact's own item, restored below.
        extra = sorted(runs - had - {UNLABELED_TYPES["contact"], PRIMARY_TYPE})
        if extra:
            client.batch.remove_labels(
                "contact", "company", [(contact, company)], [_spec(t) for t in extra]
            )
            done.changes += len(extra)
            done.removed.append(f"typeIds {extra} between contact {contact} and company {company}")
        done.left.append(
            f"contact {contact} ↔ company {company} keeps typeIds {sorted(foreign)} that someone "
            "else wrote, and the association the run made with them"
        )
    if removed_pairs:
        client.batch.remove("contact", "company", removed_pairs)
    for contact in before.contacts:
        if contact in priors:  # the run moved this contact's primary
            _restore_primary(client, contact, priors[contact], primary_now[contact], now,
                             removed_pairs, done, primary_written.get(contact, []))  # fmt: skip
    return done


def _restore_primary(
    client: HubSpotAssociations,
    contact: str,
    recorded: str | None,
    current: str | None,
    now: Mapping[str, Mapping[str, set[int]]],
    removed_pairs: list[tuple[str, str]],
    done: Restored,
    values: list[Any],
) -> None:
    """The contact's primary company back to the one before the run moved it, when it still is
    one the run set."""
    if current == recorded:
        return
    if current not in values:
        done.left.append(
            f"contact {contact}'s primary company is {current or 'none'}: someone else set it "
            f"after the run moved it from {recorded or 'none'}"
        )
        return
    if recorded is None:
        if current is not None and (contact, current) not in removed_pairs:
            client.batch.remove_labels(
                "contact", "company", [(contact, current)], [_spec(PRIMARY_TYPE)]
            )
            done.changes += 1
            done.restored.append(f"contact {contact} without a primary company, as before")
        return
    if recorded not in now[contact]:
        done.left.append(
            f"contact {contact}'s primary company {recorded}: someone else removed that "
            "association, so it is not made again"
        )
        return
    client.basic.associate("contact", contact, "company", recorded, [_spec(PRIMARY_TYPE)])
    still = current is not None and (contact, current) not in removed_pairs
    done.changes += 1 + int(still)
    done.restored.append(f"contact {contact}'s primary company {recorded}")


def _spec(type_id: int) -> tuple[str, int]:
    hubspot = type_id in (PRIMARY_TYPE, *UNLABELED_TYPES.values())
    return ("HUBSPOT_DEFINED" if hubspot else "USER_DEFINED"), type_id
