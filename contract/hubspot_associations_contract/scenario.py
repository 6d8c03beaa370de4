"""Writes through the client and their judgement against the reference model, one step at a time.

A :class:`Scenario` holds a ``hubspot_associations`` client (the layer users call: retries,
paging, typed errors) and a :class:`~hubspot_associations_contract.model.Graph`. Each step sends
one operation, judges its answer and updates the model; :meth:`Scenario.read_back` reads every
record from both sides, page by page, and names the rule any difference breaks. The state machine
draws the steps; the probes of ``test_graph.py`` run fixed ones.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx

from hubspot_associations import APIStatusError, ClientSettings, HubSpotAssociations

from . import checks, conditions, recorder, stopping, verdicts
from .ledger import Ledger
from .leftovers import label_name, of_run, remove_labels
from .live_run import restore_entry
from .model import OTHER, PRIMARY, UNLABELED, Graph, Kind, LabelDef, Side
from .restoring import PRIMARY_TYPE, note_written
from .specs import success_statuses
from .target import DEFAULT_READ_BACK_WAIT_MS, Target, selected
from .usage import judge_usage
from .wire import JudgingTransport

__all__ = ["EMULATOR_RECORDS", "OTHER", "READ_BACK_WAIT", "Scenario", "read_side", "records"]

EMULATOR_RECORDS: dict[str, tuple[str, ...]] = {
    "contact": ("101", "102", "103"),
    "company": ("201", "202", "203"),
}
PAGE = 2  # small pages, so that every read-back pages
MAX_PAGES = 50  # more pages than records means a cursor loop
# Against a live portal a write's effect may show a moment later (HubSpot's reads are eventually
# consistent): a read-back that disagrees with the model is read again every READ_BACK_POLL
# seconds until it agrees or READ_BACK_WAIT seconds have passed (HUBSPOT_CONTRACT_READ_BACK_WAIT_MS
# sets it), and the last read is judged. The emulator answers from the same store it wrote: read
# once.
READ_BACK_WAIT = DEFAULT_READ_BACK_WAIT_MS / 1000
READ_BACK_POLL = 0.25
USER_DEFINED = "USER_DEFINED"
HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
Seen = dict[Side, dict[str, dict[str, list[Any]]]]
Listed = dict[Side, dict[int, str]]
_Read = TypeVar("_Read")


def read_operation() -> str:
    """What a read-back is judged as: the list call, or batch read where the release has none."""
    release = selected().release
    has_list = "list_associations" in success_statuses(release)
    return "list_associations" if has_list else "batch_read_associations"


def records() -> dict[str, tuple[str, ...]]:
    """The records a run may associate (live: ``HUBSPOT_CONTRACT_RECORDS``)."""
    target = selected()
    return EMULATOR_RECORDS if target.strict else target.records


def read_side(client: HubSpotAssociations, side: Side, record: str) -> dict[str, list[Any]]:
    """Every association of a record, page by page; paging rules judged on the way."""
    operation = read_operation()
    seen: dict[str, list[Any]] = {}
    order: list[int] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        page = client.basic.get_page(side, record, OTHER[side], after=after, limit=PAGE)
        for item in page.results:
            key = str(item.to_object_id)
            if key in seen:
                verdicts.violated(
                    "paging.complete", operation, f"{side} {record}: {key} came twice across pages"
                )
            seen[key] = list(item.association_types)
            order.append(int(key))
        following = getattr(page.paging, "next_", None) if page.paging else None
        after = getattr(following, "after", None)
        if not isinstance(after, str):
            break
    else:
        verdicts.violated(
            "paging.complete", operation, f"{side} {record}: still paging after {MAX_PAGES} pages"
        )
    verdicts.passed("paging.complete", operation)
    verdicts.judge(
        order == sorted(order),
        "paging.order",
        operation,
        f"{side} {record}: records came as {order}, not in ascending ID order",
    )
    return seen


class Scenario:
    """One client, one model, steps that keep them side by side."""

    def __init__(
        self, target: Target | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.target = target or selected()
        self.client = HubSpotAssociations(
            self.target.token,
            base_url=self.target.base_url,
            api_version=self.target.release,
            transport=JudgingTransport(self.target.release, transport),
            # A live portal gets HubSpot's default budget; the emulator enforces none unless told
            # to (ratelimit.* rules), so the model's reads are not slowed by a budget it lacks.
            rate_limit=None if self.target.strict else ClientSettings.DEFAULT_RATE_LIMIT,
        )
        self.graph = Graph()
        # Which limits usage reads the next read-back judges: labels after a label changed, and
        # records once, then after each step while the model holds a limit (nothing else can put
        # a record near one). Each read costs requests against the rate limit.
        self.usage_due = {"labels": True, "records": True}
        # A writing live run's entry in the target's ledger: what the portal held before the
        # run (recorded by the command) and every value the run writes, noted before it is sent.
        self.ledger = (
            Ledger.load(self.target.ledger)
            if self.target.ledger is not None and not self.target.strict
            else None
        )
        self.entry = self.ledger.runs.get(self.target.run_tag) if self.ledger else None
        # The last removal, so that a difference it left is blamed on it.
        self.last_removed: tuple[str, Kind | None] | None = None
        # The association write since the last read-back (graph.model is judged on it).
        self.last_write: str | None = None

    @property
    def records(self) -> dict[str, tuple[str, ...]]:
        """The records this scenario may associate."""
        return EMULATOR_RECORDS if self.target.strict else self.target.records

    def _writes_live(self) -> bool:
        return not self.target.strict and self.target.allow_writes

    # -- start and end --------------------------------------------------------------------------

    def start(self) -> None:
        """The emulator starts empty; a live portal's records start as they are."""
        if self.target.strict:
            conditions.fresh(self.target.base_url)
            self._record_from_here()
            return
        if self._writes_live():
            if self.entry is None:
                raise RuntimeError(
                    "a writing live scenario needs its run recorded in the ledger first "
                    "(hubspot-associations check --live does it before the suite starts)"
                )
            # A scenario before this one that could not clean up must not fail this one.
            self._remove_run_labels()
        named = set(self.records["company"])
        for contact in self.records["contact"]:
            for company, types in read_side(self.client, "contact", contact).items():
                ids = {int(t.type_id) for t in types}
                if company in named:
                    self.graph.pairs[(contact, company)] = {
                        self.graph.kind_of(t, "contact") or "other" for t in ids
                    }
                elif PRIMARY_TYPE in ids:
                    # HubSpot's one primary per record: the run's own primary replaces this one.
                    self.graph.outside_primary[contact] = company
        self._record_from_here()

    def _record_from_here(self) -> None:
        """What the scenario sends from now on is its sequence (a reproducer's steps)."""
        recorder.begin(self.records, self.target.run_tag, self.target.release)

    def close(self) -> None:
        """Restore what the scenario changed on a live portal (even after a failure), then close.

        After a stop (Ctrl-C, SIGTERM) the command restores once this process has ended: two
        cleaners at once would each see the other's half-done work.
        """
        recorder.end()  # the clean-up below is no part of the scenario's sequence
        try:
            if self._writes_live() and not stopping.requested():
                if self.entry is not None and self.ledger is not None:
                    restore_entry(self.client, self.entry)
                    self.ledger.save()
                self._remove_run_labels()
        finally:
            self.client.close()

    def _remove_run_labels(self) -> None:
        """Every label of this run, found by its wording whatever was done to it (renamed any
        number of times, or its create's answer lost)."""
        tag = self.target.run_tag
        remove_labels(self.client, lambda wording: of_run(wording, tag))

    @contextlib.contextmanager
    def _writing(self, *inputs: Callable[[Graph], object]) -> Iterator[None]:
        """Around one write: the values it may leave noted in the ledger before it is sent, its
        association changes counted after. ``inputs`` apply the write's inputs to a copy of the
        model; a batch may be applied in part (an answer lost, a server that drops one), so each
        input is applied on its own as well as all of them. The same values go to the recorder
        (a live reproduction of the sequence notes them in its own ledger entry)."""
        contacts = self.records["contact"]
        now_pairs, now_primaries = self.graph.written_values(contacts)
        outcomes = [(i,) for i in inputs] + ([inputs] if len(inputs) > 1 else [])
        noted = False
        for applied in outcomes:
            copy = self.graph.copy()
            for one in applied:
                one(copy)
            pairs, primaries = copy.written_values(contacts)
            # Only what the write changes: a value the run merely read is not its to restore.
            moved = {
                c: (now_primaries[c], p) for c, p in primaries.items() if p != now_primaries[c]
            }
            retyped = {pair: ids for pair, ids in pairs.items() if ids != now_pairs.get(pair)}
            recorder.note_writes(retyped, moved)
            if self.entry is not None:
                noted = note_written(self.entry.written, retyped, moved) or noted
        if self.entry is None or self.ledger is None:
            yield
            return
        if noted:
            self.ledger.save()
        before = self.graph.triples()
        try:
            yield
        finally:
            changed = len(before ^ self.graph.triples())
            if changed:
                self.entry.changes += changed
                self.ledger.save()

    def noting(self, *inputs: Callable[[Graph], object]) -> contextlib.AbstractContextManager[None]:
        """Around a write sent outside the steps (refusals.change-nothing's, with another
        token): what it would leave noted in the ledger before it is sent, as for a step, so
        that a portal that applies it anyway is restored."""
        return self._writing(*inputs)

    def wording(self, key: str) -> str:
        """The internal name and wording of the label ``key`` in this run."""
        return label_name(key, self.target.run_tag)

    # -- writes ---------------------------------------------------------------------------------

    def spec(self, kind: Kind) -> tuple[str, int]:
        """(category, typeId) of a kind, contact→company."""
        category = HUBSPOT_DEFINED if kind in (UNLABELED, PRIMARY) else USER_DEFINED
        return category, self.graph.type_id(kind, "contact")

    def _expect_write(
        self, operation: str, contact: str, company: str, kinds: list[Kind], error: object
    ) -> None:
        refusal = self.graph.refusal(contact, company, kinds)
        if refusal is not None:
            verdicts.judge(
                error is not None,
                "limits.every-write-path",
                operation,
                f"contact {contact}→company {company} {kinds} was accepted although {refusal}",
            )
            return
        if error is not None:
            verdicts.violated(
                "graph.model",
                operation,
                f"contact {contact}→company {company} {kinds} was refused: {error}",
            )
        self.graph.add(contact, company, kinds)

    def associate_default(self, contact: str, company: str) -> None:
        """PUT …/associations/default/…: the unlabeled type."""
        with self._writing(lambda g: g.add(contact, company, [])):
            error: object = None
            try:
                self.client.basic.associate_default("contact", contact, "company", company)
            except APIStatusError as exc:
                error = exc
            self._expect_write("associate_default", contact, company, [], error)
        self.last_write = "associate_default"

    def associate_with_labels(self, contact: str, company: str, kinds: list[Kind]) -> None:
        """PUT …/associations/…: the unlabeled type plus primary and labels."""
        specs = [self.spec(k) for k in kinds or [UNLABELED]]
        with self._writing(lambda g: g.add(contact, company, kinds)):
            error: object = None
            try:
                self.client.basic.associate("contact", contact, "company", company, specs)
            except APIStatusError as exc:
                error = exc
            self._expect_write("associate_with_labels", contact, company, kinds, error)
        self.last_write = "associate_with_labels"

    def batch_create(self, pairs: list[tuple[str, str]], kinds: list[Kind]) -> None:
        """POST …/batch/create: each pair with the same kinds, each judged on its own."""
        specs = [self.spec(k) for k in kinds or [UNLABELED]]
        with self._writing(*[functools.partial(_add, pair=p, kinds=kinds) for p in pairs]):
            answer = self.client.batch.create("contact", "company", pairs, specs)
            self._account("batch_create_associations", pairs, 201, answer.to_dict())
            done = {(str(r.from_object_id), str(r.to_object_id)) for r in answer.results}
            self._expect_each("batch_create_associations", pairs, kinds, done)
        self.last_write = "batch_create_associations"

    def batch_associate_default(self, pairs: list[tuple[str, str]]) -> None:
        """POST …/batch/associate/default: each pair unlabeled."""
        with self._writing(*[functools.partial(_add, pair=p, kinds=[]) for p in pairs]):
            answer = self.client.batch.associate_default("contact", "company", pairs)
            self._account("batch_associate_default", pairs, 200, answer.to_dict())
            done = {(str(r.from_.id), str(r.to.id)) for r in answer.results}
            self._expect_each("batch_associate_default", pairs, [], done)
        self.last_write = "batch_associate_default"

    def _account(
        self, operation: str, pairs: list[tuple[str, str]], status: int, answer: dict[str, Any]
    ) -> None:
        body = {"inputs": [{"from": {"id": c}, "to": {"id": k}} for c, k in pairs]}
        checks.judge_batch_accounting(operation, body, status, json.dumps(answer).encode())

    def _expect_each(
        self,
        operation: str,
        pairs: list[tuple[str, str]],
        kinds: list[Kind],
        done: set[tuple[str, str]],
    ) -> None:
        for contact, company in pairs:
            error = None if (contact, company) in done else "in the batch's errors"
            self._expect_write(operation, contact, company, kinds, error)

    def remove(self, contact: str, company: str, *, from_company: bool = False) -> None:
        """DELETE …/associations/…, from either side: every kind, both directions."""
        with self._writing(lambda g: g.remove(contact, company)):
            if from_company:
                self.client.basic.remove("company", company, "contact", contact)
            else:
                self.client.basic.remove("contact", contact, "company", company)
            self.graph.remove(contact, company)
        self.last_removed = ("remove_associations", None)

    def batch_remove(self, pairs: list[tuple[str, str]]) -> None:
        """POST …/batch/archive: whole associations, both directions."""
        with self._writing(*[functools.partial(_remove, pair=p) for p in pairs]):
            self.client.batch.remove("contact", "company", pairs)
            for contact, company in pairs:
                self.graph.remove(contact, company)
        self.last_removed = ("batch_remove_associations", None)

    def remove_kind(self, contact: str, company: str, kind: Kind) -> None:
        """POST …/batch/labels/archive: one kind; the unlabeled one takes everything with it."""
        with self._writing(lambda g: g.remove_kind(contact, company, kind)):
            self.client.batch.remove_labels(
                "contact", "company", [(contact, company)], [self.spec(kind)]
            )
            self.graph.remove_kind(contact, company, kind)
        self.last_removed = ("batch_remove_labels", kind)

    # -- labels ---------------------------------------------------------------------------------

    def create_label(self, name: str, paired: bool) -> None:
        """POST …/labels: a paired label must come back, and be listed, in both directions."""
        wording = self.wording(name)
        inverse = f"{wording} of" if paired else None
        made = self.client.labels.create(
            "contact", "company", name=wording, label=wording, inverse_label=inverse
        )
        forward = [t for t in made if t.label == wording]
        if not forward:
            verdicts.violated(
                "graph.model", "create_label", f"{name}: no type labelled {wording!r}"
            )
            return
        forward_id = int(forward[0].type_id)
        inverse_ids = [int(t.type_id) for t in made if t.type_id != forward_id]
        if paired:
            verdicts.judge(
                bool(inverse_ids),
                "labels.paired-inverse",
                "create_label",
                f"{name}: created with inverse label {inverse!r}, but only one direction came back "
                f"({[(t.type_id, t.label) for t in made]})",
            )
        inverse_id = inverse_ids[0] if inverse_ids else self._listed_inverse(wording, inverse)
        self.graph.labels[name] = LabelDef(name, forward_id, inverse_id, wording, inverse)
        self.usage_due["labels"] = True
        self._judge_listing(name)

    def _listed_inverse(self, wording: str, inverse: str | None) -> int:
        expected = inverse if inverse is not None else wording
        for t in self.client.labels.list("company", "contact"):
            if str(t.category) == USER_DEFINED and t.label == expected:
                return int(t.type_id)
        verdicts.violated(
            "labels.paired-inverse" if inverse else "graph.both-directions",
            "list_labels",
            f"label {wording!r} has no type from companies to contacts labelled {expected!r}",
        )
        return -1

    def _listed(self) -> Listed:
        """{side: {typeId: label}} as each direction's label listing reads."""
        return {
            side: {int(t.type_id): str(t.label) for t in self.client.labels.list(side, OTHER[side])}
            for side in ("contact", "company")
        }

    def _judge_listing(self, name: str, operation: str = "list_labels") -> None:
        """Both directions list the label with its wording (after ``operation``: its create or
        its rename, read back until they agree on a live portal)."""
        label = self.graph.labels[name]
        rule_name = "labels.paired-inverse" if label.paired else "graph.both-directions"
        ids = (("contact", label.forward_id), ("company", label.inverse_id))

        def agrees(listed: Listed) -> bool:
            return all(listed[side].get(t) == label.wording(side) for side, t in ids)

        listed = self._settled(self._listed, agrees)
        for side, type_id in ids:
            verdicts.judge(
                listed[side].get(type_id) == label.wording(side),
                rule_name,
                operation,
                f"from {side}: typeId {type_id} should read {label.wording(side)!r}, "
                f"got {listed[side].get(type_id)!r}",
            )

    def _judge_deleted(self, label: LabelDef) -> None:
        """Neither direction lists a deleted label any more (delete.cascade: a label definition
        removed removes what depended on it, its inverse included)."""
        ids = (("contact", label.forward_id), ("company", label.inverse_id))

        def agrees(listed: Listed) -> bool:
            return all(t not in listed[side] for side, t in ids)

        listed = self._settled(self._listed, agrees)
        for side, type_id in ids:
            verdicts.judge(
                type_id not in listed[side],
                "delete.cascade",
                "delete_label",
                f"label {label.label!r} was deleted, but from {side} typeId {type_id} is still "
                f"listed as {listed[side].get(type_id)!r}",
            )

    def rename_label(self, name: str) -> None:
        """PUT …/labels: new wording for both directions of a paired label, read back from both.

        Only paired labels: what a rename does to the other direction of an unpaired one is not
        documented, so the suite does not hold servers to a guess.
        """
        old = self.graph.labels[name]
        if old.inverse_label is None:
            raise ValueError(f"{name} is not paired: only paired labels are renamed")
        wording, inverse = f"{old.label} renamed", f"{old.inverse_label} renamed"
        self.client.labels.update(
            "contact", "company", type_id=old.forward_id, label=wording, inverse_label=inverse
        )
        self.graph.labels[name] = LabelDef(name, old.forward_id, old.inverse_id, wording, inverse)
        self.usage_due["labels"] = True
        self._judge_listing(name, "update_label")

    def delete_label(self, name: str) -> None:
        """DELETE …/labels/{typeId}: the label leaves every association (cascade)."""
        label = self.graph.labels[name]
        with self._writing(lambda g: g.delete_label(name)):
            self.client.labels.delete("contact", "company", label.forward_id)
            self.graph.delete_label(name)
        self.usage_due["labels"] = True
        self.last_removed = ("delete_label", name)
        self._judge_deleted(label)

    # -- limits ---------------------------------------------------------------------------------

    def set_limit(self, kind: Kind, side: Side, maximum: int) -> None:
        """Create or update the limit of one typeId."""
        type_id = self.graph.type_id(kind, side)
        category = HUBSPOT_DEFINED if kind == UNLABELED else USER_DEFINED
        limits = self.client.limits
        write = limits.update if type_id in self.graph.limits else limits.create
        answer = write(side, OTHER[side], [((category, type_id), maximum)])
        errors = getattr(answer, "errors", None) or []
        verdicts.judge(
            not errors and len(answer.results) == 1,
            "graph.model",
            "create_limits",
            f"limit {maximum} on typeId {type_id} was not set: {[str(e) for e in errors]}",
        )
        self.graph.limits[type_id] = maximum
        self._judge_limits(side)

    def _judge_limits(self, side: Side) -> None:
        """Both listings show exactly the model's limits of that direction (and all of them)."""
        mine = {self.graph.type_id(k, side) for k in (UNLABELED, *self.graph.labels)}
        expected = {t: n for t, n in self.graph.limits.items() if t in mine}
        listed = {
            int(c.type_id): c.user_enforced_max_to_object_ids
            for c in self.client.limits.list(side, OTHER[side])
        }
        verdicts.judge(
            listed == expected,
            "graph.model",
            "list_limits",
            f"{side}→{OTHER[side]} limits read {listed}; the model holds {expected}",
        )
        every = {
            int(c.type_id): c.user_enforced_max_to_object_ids for c in self.client.limits.list_all()
        }
        verdicts.judge(
            every == self.graph.limits,
            "graph.model",
            "list_all_limits",
            f"all limits read {every}; the model holds {self.graph.limits}",
        )

    def purge_limit(self, type_id: int) -> None:
        """Return one typeId to the system default."""
        contact_side = {self.graph.type_id(k, "contact") for k in (UNLABELED, *self.graph.labels)}
        side = "contact" if type_id in contact_side else "company"
        category = HUBSPOT_DEFINED if type_id in (279, 280) else USER_DEFINED
        self.client.limits.purge(side, OTHER[side], [(category, type_id)])
        del self.graph.limits[type_id]
        self._judge_limits(side)

    # -- the read-back --------------------------------------------------------------------------

    def read_back(self) -> None:
        """Read every record from both sides; judge symmetry, kinds and the model."""
        if not records():
            return
        seen = self._settled(self._read_all, self._agrees)
        recorder.expect_reads(recorder.expected(self.graph, records()))
        self._judge_directions(seen)
        self._judge_wording(seen)
        self._judge_kinds(seen)
        self._judge_model(seen)
        judge_usage(self, records(), labels=self.usage_due["labels"],
                    records_too=self.usage_due["records"] or bool(self.graph.limits))  # fmt: skip
        self.usage_due = {"labels": False, "records": False}
        self.last_removed = None
        self.last_write = None

    def _read_all(self) -> Seen:
        return {
            side: {r: self._read(side, r) for r in records()[side]}
            for side in ("contact", "company")
        }

    def _read(self, side: Side, record: str) -> dict[str, list[Any]]:
        with recorder.reading(side, record):
            return read_side(self.client, side, record)

    def _settled(self, read: Callable[[], _Read], agrees: Callable[[_Read], bool]) -> _Read:
        """``read()`` once on the emulator; on a live portal again until ``agrees`` or
        the target's read-back wait (READ_BACK_WAIT unless set) has passed. The caller judges
        what is returned."""
        found = read()
        if self.target.strict:
            return found
        deadline = time.monotonic() + self.target.read_back_wait
        while not agrees(found) and time.monotonic() < deadline:
            time.sleep(READ_BACK_POLL)
            found = read()
        return found

    def _agrees(self, seen: Seen) -> bool:
        """The portal reads as the model holds, both directions alike (nothing judged)."""
        if any(expected is not None for *_, expected in self._model_differences(seen)):
            return False
        for contact, reached in seen["contact"].items():
            for company, types in reached.items():
                if company not in seen["company"]:
                    continue  # not a named record: read from one side only
                backward = seen["company"][company].get(contact, [])
                if self._kinds_seen("contact", types) != self._kinds_seen("company", backward):
                    return False
        return True

    def _kinds_seen(self, side: Side, types: list[Any]) -> set[Kind]:
        return {self.graph.kind_of(int(t.type_id), side) or f"typeId {t.type_id}" for t in types}

    def _judge_directions(self, seen: Seen) -> None:
        companies = set(records()["company"])
        for contact, reached in seen["contact"].items():
            reaching = {k for k, contacts in seen["company"].items() if contact in contacts}
            for company in sorted((set(reached) | reaching) & companies):
                forward = self._kinds_seen("contact", reached.get(company, []))
                backward = self._kinds_seen("company", seen["company"][company].get(contact, []))
                if forward == backward:
                    verdicts.passed("graph.both-directions", read_operation())
                    continue
                paired = [
                    k
                    for k in forward ^ backward
                    if k in self.graph.labels and self.graph.labels[k].paired
                ]
                rule_name = (
                    "labels.paired-inverse"
                    if paired and forward and backward
                    else "graph.both-directions"
                )
                verdicts.violated(
                    rule_name,
                    self.last_removed[0] if self.last_removed else read_operation(),
                    f"contact {contact}→company {company} reads {sorted(forward) or 'nothing'}, "
                    f"company {company}→contact {contact} reads {sorted(backward) or 'nothing'}",
                )

    def _judge_wording(self, seen: Seen) -> None:
        for side, by_record in seen.items():
            for record, others in by_record.items():
                for other, types in others.items():
                    for t in types:
                        kind = self.graph.kind_of(int(t.type_id), side)
                        if kind not in self.graph.labels:
                            continue
                        label = self.graph.labels[kind]
                        verdicts.judge(
                            t.label == label.wording(side),
                            "labels.paired-inverse" if label.paired else "graph.model",
                            read_operation(),
                            f"{side} {record}→{other}: typeId {t.type_id} reads {t.label!r}, "
                            f"not {label.wording(side)!r}",
                        )

    def _judge_kinds(self, seen: Seen) -> None:
        for side, by_record in seen.items():
            for record, others in by_record.items():
                primaries = []
                for other, types in others.items():
                    kinds = self._kinds_seen(side, types)
                    verdicts.judge(
                        UNLABELED in kinds,
                        "labels.unlabeled-type",
                        read_operation(),
                        f"{side} {record}→{other} has {sorted(kinds)} without the unlabeled type",
                    )
                    if PRIMARY in kinds:
                        primaries.append(other)
                if side == "contact":
                    verdicts.judge(
                        len(primaries) <= 1,
                        "primary.one-per-record",
                        "associate_with_labels",
                        f"contact {record} has {len(primaries)} primary companies: {primaries}",
                    )

    def _model_differences(
        self, seen: Seen
    ) -> list[tuple[Side, str, dict[str, set[Kind]], dict[str, set[Kind]] | None]]:
        """(side, record, what it reads, what the model holds; None where they agree) for
        every named record.

        Compared exactly on a live portal too: the run refuses named records already associated
        with each other (restoring.py), so every association between them is the run's own, and
        one the model no longer holds (a removal answered 204 that removed nothing) is a
        difference. Only a pair the model found with a type of someone else's ("other") is
        left out."""
        out: list[tuple[Side, str, dict[str, set[Kind]], dict[str, set[Kind]] | None]] = []
        for side, by_record in seen.items():
            mine = set(records()[OTHER[side]])
            for record, others in by_record.items():
                foreign = {
                    o for o in mine
                    if "other" in self.graph.pairs.get(_pair(side, record, o), set())
                }  # fmt: skip
                actual = {
                    o: self._kinds_seen(side, t)
                    for o, t in others.items()
                    if o in mine and o not in foreign
                }
                expected = {
                    o: {self.graph.kind_of(i, side) or "?" for i in ids}
                    for o, ids in self.graph.seen_from(side, record).items()
                    if o not in foreign
                }
                out.append((side, record, actual, None if actual == expected else expected))
        return out

    def _judge_model(self, seen: Seen) -> None:
        rule_name, operation = "graph.model", read_operation()
        if self.last_write is not None:
            # What the read-back finds after a write is that write's effect: judged on it, so
            # `check --operation batch_create_associations` catches a create that did nothing.
            operation = self.last_write
        if self.last_removed is not None:
            operation, kind = self.last_removed
            if operation == "delete_label" or kind == UNLABELED:
                rule_name = "delete.cascade"
        for side, record, actual, expected in self._model_differences(seen):
            if expected is None:
                verdicts.passed(rule_name, operation)
                continue
            verdicts.violated(
                rule_name,
                operation,
                f"{side} {record} reads {_show(actual)}; the model holds {_show(expected)}",
            )


def _add(graph: Graph, pair: tuple[str, str], kinds: list[Kind]) -> None:
    graph.add(*pair, kinds)


def _remove(graph: Graph, pair: tuple[str, str]) -> None:
    graph.remove(*pair)


def _pair(side: Side, record: str, other: str) -> tuple[str, str]:
    return (record, other) if side == "contact" else (other, record)


def _show(mapping: dict[str, set[Kind]]) -> str:
    return "{" + ", ".join(f"{k}: {sorted(v)}" for k, v in sorted(mapping.items())) + "}"
