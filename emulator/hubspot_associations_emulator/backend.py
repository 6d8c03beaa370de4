"""The API's semantics in plain Python: no HTTP here, only object types, IDs and type IDs.

Every association is stored in both directions: the row a→b with a type and the row b→a with that
type's inverse, so reading from either side is one index range.

A public method is named after the operationId it implements (``openapi/curated.yaml``), so that
``grep`` finds an operation's handler (``routes``) and its semantics here under one name. The
``seed_*`` methods serve the control API's seed, the only other writer.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from fractions import Fraction

from . import errors, views
from .catalog import (
    AssociationType,
    load_hubspot_defined,
    object_label,
    object_name,
    type_id_order,
)
from .config import EmulatorConfig, RecordLimits, check_record_limits
from .errors import ApiError
from .numbers import (
    BATCH_READ_PAGE_SIZE,
    LABEL_TEXT_MAX,
    NEAR_LIMIT_PERCENT,
    RECORDS_PER_TYPE,
    USAGE_SAMPLES_MAX,
)
from .parsing import MAX_ID
from .repeat_answers import repeat_answers
from .results import (
    BatchOutcome,
    DefaultAssociation,
    LabelsBetween,
    LabelUsage,
    Limit,
    LimitStatus,
    Page,
    RecordLimitsUsage,
    RecordPage,
    RecordUsage,
)
from .store import Row, Store

__all__ = [
    "Backend",
    "BatchOutcome",
    "DefaultAssociation",
    "LabelsBetween",
    "Limit",
    "Page",
    "RecordPage",
]

COMPANY = "0-2"
_LABEL_NAME = re.compile(r"[^0-9-][^-]*")

LabelledInput = tuple[int, int, list[tuple[str, int]]]
LimitInput = tuple[str, int, int]
# How full one record's associations of one type are: below near, near, at (or past) the limit.
BELOW, NEAR, AT = 0, 1, 2


class Backend:
    """The emulated portal: one store plus the catalog of association types."""

    def __init__(self, store: Store, config: EmulatorConfig) -> None:
        self.store = store
        self.config = config
        self.hubspot_types = load_hubspot_defined()
        self.types: dict[int, AssociationType] = {}
        self.limits: dict[int, int] = {}
        self._unlabeled: dict[tuple[str, str], AssociationType] = {}
        # How a repeated write is answered where HubSpot is silent (PUT /_emulator/config).
        self.repeat_answers = repeat_answers(config.repeat_answers)
        self.reload()

    def reload(self) -> None:
        """Rebuild the in-memory catalog and limits from the store."""
        self.types = dict(self.hubspot_types)
        for t in self.store.load_types():
            self.types[t.type_id] = t
        self._unlabeled = {
            (t.from_type, t.to_type): t for t in self.types.values() if t.kind == "unlabeled"
        }
        self.limits = self.store.load_limits()
        # Archived, merged or deleted CRM objects: their IDs exist for no call, in either mode.
        self.gone: set[tuple[str, int]] = set(self.store.gone_objects())

    def atomically(self) -> AbstractContextManager[None]:
        """One unit of work: everything in it is written, or nothing (a seed)."""
        return self.store.transaction()

    def snapshot(self) -> dict[str, list[list[object]]]:
        """The whole store (GET /_emulator/snapshot)."""
        return self.store.snapshot()

    def restore(self, tables: object) -> None:
        """The store as a snapshot holds it (ValueError, nothing changed, if it is not one)."""
        try:
            self.store.restore(tables)
        finally:
            self.reload()

    def reset(self) -> None:
        """Back to an empty portal (and the configured repeat answers)."""
        self.store.reset()
        self.repeat_answers = repeat_answers(self.config.repeat_answers)
        self.reload()

    # -- types ----------------------------------------------------------------------------------

    def unlabeled(self, from_type: str, to_type: str) -> AssociationType:
        """The unlabeled type of a direction; pairs the table lacks (custom objects, one-way rows)
        get made-up types so that both directions exist and name each other as inverse."""
        found = self._unlabeled.get((from_type, to_type))
        if found is not None and found.inverse_id is not None:
            return found
        category = "USER_DEFINED" if "2-" in (from_type[:2], to_type[:2]) else "HUBSPOT_DEFINED"
        with self.store.transaction():
            if from_type == to_type:
                made = [_unlabeled_type(self.store.next_type_id(1), category, from_type, to_type)]
                made[0] = _with_inverse(made[0], made[0].type_id)
            else:
                forward = found or _unlabeled_type(
                    self.store.next_type_id(1), category, from_type, to_type
                )
                backward = self._unlabeled.get((to_type, from_type)) or _unlabeled_type(
                    self.store.next_type_id(1), category, to_type, from_type
                )
                made = [
                    _with_inverse(forward, backward.type_id),
                    _with_inverse(backward, forward.type_id),
                ]
            for t in made:
                self.store.save_type(t)
        self.reload()
        return self._unlabeled[(from_type, to_type)]

    def prepare_pair(self, from_type: str, to_type: str) -> None:
        """Make sure both directions of a pair have their unlabeled type before a write begins."""
        self.unlabeled(from_type, to_type)

    def check_type(
        self, from_type: str, to_type: str, category: str, type_id: int
    ) -> AssociationType:
        """The type a caller named, if it exists for this direction and category."""
        t = self.types.get(type_id)
        if t is None or t.from_type != from_type or t.to_type != to_type or t.category != category:
            raise errors.invalid_type_id(category, type_id)
        return t

    # -- records --------------------------------------------------------------------------------

    def check_records(self, refs: Iterable[tuple[str, int]]) -> None:
        """Refuse records that were archived, merged or deleted (in either mode) and, in
        strict-records mode, records nobody seeded or created."""
        strict, gone = self.config.strict_records, self.gone
        if not strict and not gone:
            return
        bad = [
            f"{object_label(t)}={i} is not valid"
            for t, i in refs
            if (t, i) in gone or (strict and not self.store.record_exists(t, i))
        ]
        if bad:
            raise errors.invalid_object_ids(bad)

    def schemas(self) -> list[tuple[str, str, str]]:
        """(type ID, name, primary display property) of the portal's custom object types."""
        return self.store.schemas()

    def declare_schema(self, type_id: str, name: str, primary_property: str) -> None:
        """A custom object type of the portal (POST /_emulator/schemas)."""
        with self.store.transaction():
            self.store.save_schema(type_id, name, primary_property)

    def forget_record(self, type_id: str, record_id: int) -> None:
        """A record archived, merged or deleted: no call may use its ID from now on."""
        self.gone.add((type_id, record_id))

    # -- the control API's seed -----------------------------------------------------------------

    def seed_records(self, type_id: str, ids: Iterable[int]) -> None:
        """Declare records (strict-records mode)."""
        with self.store.transaction():
            self.store.add_records(type_id, ids)

    def seed_range(
        self,
        from_type: str,
        from_id: int,
        to_type: str,
        first_to_id: int,
        count: int,
        where: str = "count",
    ) -> None:
        """Unlabeled associations from one record to ``count`` consecutive records from
        ``first_to_id`` (both directions), in one statement: the seed's ``bulk``.

        It bypasses limits and strict records, as a fast fill must. ``count`` must keep every ID
        within 64 bits: else a 400 naming ``where``.
        """
        if not 0 <= count <= MAX_ID - first_to_id + 1:
            raise errors.validation(f"{where} must fit between 0 and the largest ID")
        forward = self.unlabeled(from_type, to_type)
        backward = self.unlabeled(to_type, from_type)
        with self.store.transaction():
            self.store.insert_many(_range_rows(forward, backward, from_id, first_to_id, count))

    def seed_limit(
        self, from_type: str, to_type: str, category: str, type_id: int, max_to: int
    ) -> Limit:
        """Create or change one limit (the seed's ``limits``); raises a refused input's error."""
        entry = (category, type_id, max_to)
        outcome = self._set_limits(from_type, to_type, [entry], create=type_id not in self.limits)
        if outcome.errors:
            raise outcome.errors[0]
        return outcome.results[0]

    # -- writes ---------------------------------------------------------------------------------

    def _add_row(self, row: Row) -> bool:
        if not self.store.insert(row):
            return False
        limit = self.limits.get(row[4])
        if limit is not None and self.store.count(row[0], row[1], row[2], row[4]) > limit:
            raise errors.limit_exceeded(
                f"{object_label(row[0])}={row[1]} may have at most {limit} "
                f"{object_label(row[2])} associations of type {row[4]}"
            )
        return True

    def _remove(self, t: AssociationType, from_id: int, to_id: int) -> None:
        self.store.delete((t.from_type, from_id, t.to_type, to_id, t.type_id))
        if t.inverse_id is not None:
            self.store.delete((t.to_type, to_id, t.from_type, from_id, t.inverse_id))

    def _add(self, t: AssociationType, from_id: int, to_id: int) -> bool:
        """Add a type (and its inverse); True when the forward row is new."""
        if t.kind == "primary":
            self._make_primary(t, from_id, to_id)
        row = (t.from_type, from_id, t.to_type, to_id, t.type_id)
        if t.inverse_id is None:
            return self._add_row(row)
        inverse = (t.to_type, to_id, t.from_type, from_id, t.inverse_id)
        if self.limits and (t.type_id in self.limits or t.inverse_id in self.limits):
            new = self._add_row(row)
            self._add_row(inverse)
            return new
        return self.store.insert_both(row, inverse)

    def _make_primary(self, t: AssociationType, from_id: int, to_id: int) -> None:
        # A record has one primary company: seen from that record, drop the others.
        if t.from_type == COMPANY:
            if t.inverse_id is None:
                return
            owner_type = self.types[t.inverse_id]
            owner, company = to_id, from_id
        else:
            owner_type, owner, company = t, from_id, to_id
        for other in self.store.to_ids_with_type(
            owner_type.from_type, owner, owner_type.to_type, owner_type.type_id
        ):
            if other != company:
                self._remove(owner_type, owner, other)

    def _associate(
        self, from_type: str, from_id: int, to_type: str, to_id: int, types: list[AssociationType]
    ) -> list[str]:
        """Write the unlabeled type plus the given ones; return the labels now between the pair."""
        fresh = self._add(self.unlabeled(from_type, to_type), from_id, to_id)
        for t in types:
            if t.kind != "unlabeled":
                self._add(t, from_id, to_id)
        if fresh:
            # Every association carries the unlabeled type, so a new unlabeled row means the pair
            # had nothing before: its labels are the ones just written, no query needed.
            named = {t.type_id: t.label for t in types if t.label is not None}
            return [named[i] for i in sorted(named)]
        return self.labels_between(from_type, from_id, to_type, to_id)

    def labels_between(self, from_type: str, from_id: int, to_type: str, to_id: int) -> list[str]:
        """Labels (not the unlabeled type) from one record to another."""
        out = []
        for type_id in self.store.types_between(from_type, from_id, to_type, to_id):
            t = self.types.get(type_id)
            if t is not None and t.label is not None:
                out.append(t.label)
        return out

    def _input_scope(self) -> AbstractContextManager[None]:
        # Once its typeIds and records are checked, an input can only fail on a limit: without
        # limits there is nothing to undo and the savepoint's two statements are saved.
        return self.store.savepoint() if self.limits else nullcontext()

    # -- associate_default, batch_associate_default ----------------------------------------------

    def associate_default(
        self, from_type: str, from_id: int, to_type: str, to_id: int
    ) -> DefaultAssociation:
        """associate_default: the unlabeled association of two records (raises its error)."""
        outcome = self._associate_default_each(from_type, to_type, [(from_id, to_id)])
        if outcome.errors:
            raise outcome.errors[0]
        return outcome.results[0]

    def batch_associate_default(
        self, from_type: str, to_type: str, pairs: list[tuple[int, int]]
    ) -> BatchOutcome[DefaultAssociation]:
        """batch_associate_default: unlabeled associations, each pair on its own."""
        return self._associate_default_each(from_type, to_type, pairs)

    def _associate_default_each(
        self, from_type: str, to_type: str, pairs: list[tuple[int, int]]
    ) -> BatchOutcome[DefaultAssociation]:
        """Serves associate_default and batch_associate_default."""
        self.prepare_pair(from_type, to_type)
        unlabeled = self.unlabeled(from_type, to_type)
        if not self.limits and not self.config.strict_records and not self.gone:
            # Nothing can refuse an input: write every pair (both directions) in one statement.
            return self._insert_default_pairs(unlabeled, pairs)
        out: BatchOutcome[DefaultAssociation] = BatchOutcome()
        with self.store.transaction():
            for from_id, to_id in pairs:
                try:
                    self.check_records([(from_type, from_id), (to_type, to_id)])
                    with self._input_scope():
                        self._associate(from_type, from_id, to_type, to_id, [])
                except ApiError as exc:
                    out.errors.append(exc)
                else:
                    out.results.append(DefaultAssociation(from_id, to_id, unlabeled.type_id))
        return out

    def _insert_default_pairs(
        self, unlabeled: AssociationType, pairs: list[tuple[int, int]]
    ) -> BatchOutcome[DefaultAssociation]:
        """Every pair's unlabeled rows (both directions) in one statement: nothing can fail."""
        rows = [(unlabeled.from_type, f, unlabeled.to_type, t, unlabeled.type_id) for f, t in pairs]
        if unlabeled.inverse_id is not None:
            inverse_id = unlabeled.inverse_id
            rows += [(unlabeled.to_type, t, unlabeled.from_type, f, inverse_id) for f, t in pairs]
        with self.store.transaction():
            self.store.insert_many(rows)
        return BatchOutcome([DefaultAssociation(f, t, unlabeled.type_id) for f, t in pairs])

    # -- associate_with_labels, batch_create_associations ----------------------------------------

    def associate_with_labels(
        self, from_type: str, from_id: int, to_type: str, to_id: int, specs: list[tuple[str, int]]
    ) -> LabelsBetween:
        """associate_with_labels (and the seed's ``associations``): the unlabeled type plus the
        named ones between two records (raises the input's error)."""
        outcome = self._associate_each(from_type, to_type, [(from_id, to_id, specs)])
        if outcome.errors:
            raise outcome.errors[0]
        return outcome.results[0]

    def batch_create_associations(
        self, from_type: str, to_type: str, inputs: list[LabelledInput]
    ) -> BatchOutcome[LabelsBetween]:
        """batch_create_associations: labelled associations, each input on its own."""
        return self._associate_each(from_type, to_type, inputs)

    def _associate_each(
        self, from_type: str, to_type: str, inputs: list[LabelledInput]
    ) -> BatchOutcome[LabelsBetween]:
        """Serves associate_with_labels and batch_create_associations."""
        self.prepare_pair(from_type, to_type)
        out: BatchOutcome[LabelsBetween] = BatchOutcome()
        with self.store.transaction():
            for from_id, to_id, specs in inputs:
                try:
                    types = [self.check_type(from_type, to_type, c, i) for c, i in specs]
                    self.check_records([(from_type, from_id), (to_type, to_id)])
                    with self._input_scope():
                        labels = self._associate(from_type, from_id, to_type, to_id, types)
                except ApiError as exc:
                    out.errors.append(exc)
                else:
                    out.results.append(LabelsBetween(from_type, from_id, to_type, to_id, labels))
        return out

    # -- remove_associations, batch_remove_associations, batch_remove_labels ---------------------

    def remove_associations(self, from_type: str, from_id: int, to_type: str, to_id: int) -> None:
        """remove_associations: the whole association (every type) between two records."""
        with self.store.transaction():
            self.store.delete_between(from_type, from_id, to_type, to_id)

    def batch_remove_associations(
        self, from_type: str, to_type: str, inputs: list[tuple[int, list[int]]]
    ) -> None:
        """batch_remove_associations: whole associations (every type) between records."""
        with self.store.transaction():
            for from_id, to_ids in inputs:
                for to_id in to_ids:
                    self.store.delete_between(from_type, from_id, to_type, to_id)

    def batch_remove_labels(
        self, from_type: str, to_type: str, inputs: list[LabelledInput]
    ) -> None:
        """batch_remove_labels: only the named types; naming the unlabeled type removes the whole
        association.

        Every typeId is checked before anything changes, so a bad one leaves the store untouched.
        """
        self.prepare_pair(from_type, to_type)
        checked = [
            (from_id, to_id, [self.check_type(from_type, to_type, c, i) for c, i in specs])
            for from_id, to_id, specs in inputs
        ]
        with self.store.transaction():
            for from_id, to_id, types in checked:
                for t in types:
                    if t.kind == "unlabeled":
                        self.store.delete_between(from_type, from_id, to_type, to_id)
                    else:
                        self._remove(t, from_id, to_id)

    # -- list_associations, batch_read_associations ----------------------------------------------

    def list_associations(
        self, from_type: str, from_id: int, to_type: str, after: int, limit: int
    ) -> Page:
        """list_associations: associated records after a cursor, in ascending ID order."""
        return self._page(from_type, from_id, to_type, after, limit)

    def batch_read_associations(
        self, from_type: str, to_type: str, inputs: list[tuple[int, int]]
    ) -> BatchOutcome[RecordPage]:
        """batch_read_associations: one page of BATCH_READ_PAGE_SIZE records per (record, after)
        input; a record with nothing associated there is a per-input error."""
        out: BatchOutcome[RecordPage] = BatchOutcome()
        for from_id, after in inputs:
            page = self._page(from_type, from_id, to_type, after, BATCH_READ_PAGE_SIZE)
            if page.items:
                out.results.append(RecordPage(from_id, page))
            else:
                out.errors.append(self.no_associations(from_type, from_id, to_type))
        return out

    def _page(self, from_type: str, from_id: int, to_type: str, after: int, limit: int) -> Page:
        """Serves list_associations and batch_read_associations."""
        rows, more = self.store.page(from_type, from_id, to_type, after, limit)
        types = self.types
        items = [(to_id, [types[i] for i in ids if i in types]) for to_id, ids in rows]
        return Page(items, rows[-1][0] if more else None)

    def no_associations(self, from_type: str, from_id: int, to_type: str) -> ApiError:
        """The per-input error of batch/read for a record with nothing associated."""
        return ApiError(
            404,
            f"No {object_name(to_type)} is associated with {object_name(from_type)} {from_id}.",
            "OBJECT_NOT_FOUND",
            sub_category="crm.associations.NO_ASSOCIATIONS_FOUND",
            context={"fromObjectId": [str(from_id)]},
        )

    # -- labels ---------------------------------------------------------------------------------

    def list_labels(self, from_type: str, to_type: str) -> list[AssociationType]:
        """list_labels: every type (HubSpot-defined and custom) of one direction, by type ID."""
        self.prepare_pair(from_type, to_type)
        return sorted(
            (t for t in self.types.values() if t.from_type == from_type and t.to_type == to_type),
            key=lambda t: t.type_id,
        )

    def create_label(
        self, from_type: str, to_type: str, name: str, label: str, inverse_label: str | None
    ) -> list[AssociationType]:
        """create_label (and the seed's ``labels``): a custom label, one type per direction (two
        on one object type when paired). Answers the forward type, and the inverse when paired."""
        _check_label_name(name)
        _check_wording(label, inverse_label)
        self.prepare_pair(from_type, to_type)
        self._check_room_for_label(from_type, to_type, name)
        with self.store.transaction():
            made = self._reserve_label_types(from_type, to_type, name, label, inverse_label)
            for t in made:
                self.store.save_type(t)
        self.reload()
        return made if inverse_label is not None else made[:1]

    def _label_names(self, from_type: str, to_type: str) -> set[str]:
        """The custom label definitions between two object types: labels of either direction count
        once per name (a paired label is one definition)."""
        return {
            t.name
            for t in self.types.values()
            if t.kind == "custom" and {t.from_type, t.to_type} == {from_type, to_type}
        }

    def _check_room_for_label(self, from_type: str, to_type: str, name: str) -> None:
        """Refuse a name the pair already has, and a label past the pair's count of definitions
        (``_label_names``)."""
        names = self._label_names(from_type, to_type)
        if name in names:
            raise errors.validation(f"An association label named '{name}' already exists")
        if len(names) >= self.config.max_labels_per_pair:
            raise errors.validation(
                f"Cannot create more than {self.config.max_labels_per_pair} association labels "
                f"between {object_name(from_type)} and {object_name(to_type)}"
            )

    def _reserve_label_types(
        self, from_type: str, to_type: str, name: str, label: str, inverse_label: str | None
    ) -> list[AssociationType]:
        """Reserve the type IDs of a new label and build its types (inside a transaction).

        A single label on one object type is one type, its own inverse; any other label is two
        types naming each other, the second one labelled with the inverse label when given.
        """
        if from_type == to_type and inverse_label is None:
            first = self.store.next_type_id(1)
            return [_custom_label_type(first, from_type, to_type, label, first, name)]
        first = self.store.next_type_id(2)
        second_label = inverse_label if inverse_label is not None else label
        return [
            _custom_label_type(first, from_type, to_type, label, first + 1, name),
            _custom_label_type(first + 1, to_type, from_type, second_label, first, name),
        ]

    def _label_type(self, from_type: str, to_type: str, type_id: int) -> AssociationType:
        """The custom label type a caller named, of either direction of the pair."""
        t = self.types.get(type_id)
        if t is None or t.kind != "custom" or {t.from_type, t.to_type} != {from_type, to_type}:
            raise errors.invalid_type_id("USER_DEFINED", type_id)
        return t

    def update_label(
        self, from_type: str, to_type: str, type_id: int, label: str, inverse_label: str | None
    ) -> None:
        """update_label: rename a custom label (and its inverse when given)."""
        _check_wording(label, inverse_label)
        t = self._label_type(from_type, to_type, type_id)
        with self.store.transaction():
            self.store.save_type(_relabel(t, label))
            if inverse_label is not None and t.inverse_id is not None and t.inverse_id != type_id:
                self.store.save_type(_relabel(self.types[t.inverse_id], inverse_label))
        self.reload()

    def delete_label(self, from_type: str, to_type: str, type_id: int) -> None:
        """delete_label: a custom label (both directions), its uses and its limits."""
        if type_id not in self.types:  # gone, or never made: answered as configured
            answer = self.repeat_answers["delete_label"]
            if answer == "204":
                return
            if answer == "404":
                raise errors.ApiError(
                    404, f"No association label with typeId {type_id}", "OBJECT_NOT_FOUND"
                )
        t = self._label_type(from_type, to_type, type_id)
        ids = {t.type_id} | ({t.inverse_id} if t.inverse_id is not None else set())
        with self.store.transaction():
            self.store.delete_type_rows(ids)
            for i in ids:
                self.store.delete_type(i)
                self.store.delete_limit(i)
        self.reload()

    # -- limits ---------------------------------------------------------------------------------

    def list_all_limits(self) -> list[Limit]:
        """list_all_limits: every user-enforced limit, by type ID."""
        return self._limits_of(None)

    def list_limits(self, from_type: str, to_type: str) -> list[Limit]:
        """list_limits: the user-enforced limits of one direction, by type ID."""
        return self._limits_of((from_type, to_type))

    def _limits_of(self, pair: tuple[str, str] | None) -> list[Limit]:
        """Serves list_all_limits (``pair`` None) and list_limits."""
        out = []
        for type_id, max_to in sorted(self.limits.items()):
            t = self.types.get(type_id)
            if t is None or (pair is not None and (t.from_type, t.to_type) != pair):
                continue
            out.append(Limit(t, max_to))
        return out

    def create_limits(
        self, from_type: str, to_type: str, inputs: list[LimitInput]
    ) -> BatchOutcome[Limit]:
        """create_limits: new limits, each input on its own (an existing one is refused, inside the
        answer or, as configured, with a 400 for the whole batch)."""
        if self.repeat_answers["create_limits"] == "400":
            existing = [f"{c}={t}" for c, t, _ in inputs if t in self.limits]
            if existing:
                raise errors.validation(
                    f"A limit already exists for {', '.join(existing)}; update it instead"
                )
        return self._set_limits(from_type, to_type, inputs, create=True)

    def update_limits(
        self, from_type: str, to_type: str, inputs: list[LimitInput]
    ) -> BatchOutcome[Limit]:
        """update_limits: changed limits, each input on its own (a missing one is refused)."""
        return self._set_limits(from_type, to_type, inputs, create=False)

    def _set_limits(
        self, from_type: str, to_type: str, inputs: list[LimitInput], *, create: bool
    ) -> BatchOutcome[Limit]:
        """Serves create_limits, update_limits and the seed's ``limits``."""
        self.prepare_pair(from_type, to_type)
        out: BatchOutcome[Limit] = BatchOutcome()
        with self.store.transaction():
            for category, type_id, max_to in inputs:
                try:
                    t = self.check_type(from_type, to_type, category, type_id)
                    _check_limit_exists(category, type_id, type_id in self.limits, create=create)
                    self.store.set_limit(type_id, max_to)
                    self.limits[type_id] = max_to
                except ApiError as exc:
                    out.errors.append(exc)
                else:
                    out.results.append(Limit(t, max_to))
        self.reload()
        return out

    def purge_limits(self, from_type: str, to_type: str, inputs: list[tuple[str, int]]) -> None:
        """purge_limits: return types to the system default (a type without a limit is ignored
        or, as configured, refused with a 400 or 404 for the whole batch)."""
        missing = [f"{c}={t}" for c, t in inputs if t not in self.limits]
        answer = self.repeat_answers["purge_limits"]
        if missing and answer != "204":
            message = f"No limit exists for {', '.join(missing)}"
            if answer == "404":
                raise errors.ApiError(404, message, "OBJECT_NOT_FOUND")
            raise errors.validation(message)
        with self.store.transaction():
            for _category, type_id in inputs:
                t = self.types.get(type_id)
                if t is not None and (t.from_type, t.to_type) == (from_type, to_type):
                    self.store.delete_limit(type_id)
        self.reload()

    # -- report ---------------------------------------------------------------------------------

    def request_high_usage_report(self, user_id: int) -> views.JSON:
        """request_high_usage_report: queue a report. Its content (every record at 80 % or more
        of a limit) is stored in its wire form for the control API, and returned."""
        enqueued = datetime.now(UTC)
        report = views.report_content(
            user_id, f"user{user_id}@emulator.invalid", enqueued, self._heavy_records()
        )
        with self.store.transaction():
            self.store.add_report(json.dumps(report))
        return report

    def _heavy_records(self) -> list[views.JSON]:
        """Every record whose associations of one type reach NEAR_LIMIT_PERCENT of that type's
        limit (the user's, else the pair's record limit)."""
        records = []
        for from_type, from_id, to_type, type_id, n in self.store.heavy_users(
            _near_threshold(self._every_limit())
        ):
            limit = self.type_limit(from_type, to_type, type_id)
            if _level(n, limit) != BELOW:
                records.append(views.report_record(from_type, from_id, to_type, type_id, n, limit))
        return records

    def reports(self) -> list[object]:
        """Every report queued so far."""
        return [json.loads(r) for r in self.store.reports()]

    # -- limits usage (HubSpot's Limits Tracking API, its association part) ----------------------

    def record_limit(self, from_type: str, to_type: str) -> int:
        """The per-record limit of an object pair: as configured (``record_limits``), else
        RECORDS_PER_TYPE. It is reported, never enforced on writes (user limits are)."""
        return _pair_limits(self.config.record_limits).get((from_type, to_type), RECORDS_PER_TYPE)

    def type_limit(self, from_type: str, to_type: str, type_id: int) -> int:
        """The limit one record's associations of one type are measured against: the user limit
        of the type when one is set (create_limits), else the pair's record limit."""
        user = self.limits.get(type_id)
        return user if user is not None else self.record_limit(from_type, to_type)

    def _every_limit(self) -> list[int]:
        """Every limit a record can be measured against: the default, each configured pair's and
        each user limit (the smallest bounds the store's query)."""
        configured = _pair_limits(self.config.record_limits).values()
        return [RECORDS_PER_TYPE, *configured, *self.limits.values()]

    def get_label_limits_usage(
        self, from_type: str | None, to_type: str | None
    ) -> list[LabelUsage]:
        """get_label_limits_usage: custom-label usage of every ordered pair of object types with a
        custom label, by type IDs; only the pairs matching the filters given, and with both
        exactly that pair (even without a label)."""
        custom = sorted(
            (t for t in self.types.values() if t.kind == "custom"), key=lambda t: t.type_id
        )
        if from_type is not None and to_type is not None:
            pairs = [(from_type, to_type)]
        else:
            found = {
                (t.from_type, t.to_type)
                for t in custom
                if (from_type is None or t.from_type == from_type)
                and (to_type is None or t.to_type == to_type)
            }
            pairs = sorted(found, key=lambda p: (type_id_order(p[0]), type_id_order(p[1])))
        cap = self.config.max_labels_per_pair
        return [
            LabelUsage(
                f,
                t,
                cap,
                len(self._label_names(f, t)),
                [x.label for x in custom if (x.from_type, x.to_type) == (f, t) and x.label],
            )
            for f, t in pairs
        ]

    def list_record_limits_sources(self) -> list[LimitStatus]:
        """list_record_limits_sources: every source object type with records near or at a
        per-record limit towards some object type, by type ID."""
        return self._limit_statuses(None)

    def list_record_limits_targets(self, from_type: str) -> list[LimitStatus]:
        """list_record_limits_targets: every object type towards which records of ``from_type``
        are near or at a per-record limit, by type ID."""
        return self._limit_statuses(from_type)

    def _limit_statuses(self, from_type: str | None) -> list[LimitStatus]:
        """Serves list_record_limits_sources (``from_type`` None: keyed by source type) and
        list_record_limits_targets (keyed by target type). A record's level towards one object
        type is that of its fullest association type; a type's flags say whether one of its pairs
        has a record near (and none of its types at) and one at the limit."""
        levels: dict[tuple[str, int, str], int] = {}
        for f, from_id, t, type_id, n in self.store.heavy_users(
            _near_threshold(self._every_limit()), from_type
        ):
            key = (f, from_id, t)
            levels[key] = max(levels.get(key, BELOW), _level(n, self.type_limit(f, t, type_id)))
        flags: dict[str, tuple[bool, bool]] = {}
        for (f, _, t), level in levels.items():
            if level == BELOW:
                continue
            shown = f if from_type is None else t
            near, at = flags.get(shown, (False, False))
            flags[shown] = (near or level == NEAR, at or level == AT)
        return [
            LimitStatus(type_id, near, at)
            for type_id, (near, at) in sorted(flags.items(), key=lambda kv: type_id_order(kv[0]))
        ]

    def get_record_limits_usage(self, from_type: str, to_type: str) -> RecordLimitsUsage:
        """get_record_limits_usage: the pair's record limit and its source records near it and at
        it. Each record counts once, by its fullest association type (at if one type is at, else
        near if one is near); the samples are the USAGE_SAMPLES_MAX lowest record IDs of each."""
        pair_limit = self.record_limit(from_type, to_type)
        user = [
            m
            for type_id, m in self.limits.items()
            if (t := self.types.get(type_id)) is not None
            and (t.from_type, t.to_type) == (from_type, to_type)
        ]
        rows = self.store.pair_usage(from_type, to_type, _near_threshold([pair_limit, *user]))
        near: list[RecordUsage] = []
        at: list[RecordUsage] = []
        totals = {NEAR: 0, AT: 0}
        for from_id, group in itertools.groupby(rows, key=lambda r: r[0]):
            usages = [RecordUsage(from_id, n, self.limits.get(i, pair_limit)) for _, i, n in group]
            fullest = max(usages, key=_fullness)
            level = _level(fullest.usage, fullest.limit)
            if level == BELOW:
                continue
            totals[level] += 1
            samples = at if level == AT else near
            if len(samples) < USAGE_SAMPLES_MAX:
                samples.append(fullest)
        return RecordLimitsUsage(from_type, pair_limit, totals[NEAR], totals[AT], near, at)


@functools.lru_cache(maxsize=16)
def _pair_limits(record_limits: RecordLimits) -> dict[tuple[str, str], int]:
    """The configured per-pair record limits by (from, to) type IDs (read-only: cached)."""
    return {(f, t): limit for f, t, limit in check_record_limits(record_limits)}


def _level(count: int, limit: int) -> int:
    """AT from the limit on, NEAR from NEAR_LIMIT_PERCENT of it, else BELOW (in integers)."""
    if count >= limit:
        return AT
    return NEAR if count * 100 >= limit * NEAR_LIMIT_PERCENT else BELOW


def _near_threshold(limits: Iterable[int]) -> int:
    """The fewest associations that can be near one of ``limits`` (at least 1)."""
    return max(1, -(-min(limits) * NEAR_LIMIT_PERCENT // 100))


def _fullness(u: RecordUsage) -> tuple[Fraction, int]:
    """How full a record's type is: its share of the limit, then its count (exact, no float)."""
    return Fraction(u.usage, u.limit), u.usage


def _check_label_name(name: str) -> None:
    """A label's name: text as a wording is (``_check_label_text``), no hyphen, not starting with
    a digit."""
    _check_label_text("name", name)
    if not _LABEL_NAME.fullmatch(name):
        raise errors.validation(
            f"Invalid name '{name}': a name must not contain hyphens nor start with a digit",
            context={"name": [name]},
        )


def _check_wording(label: str, inverse_label: str | None) -> None:
    """A label's wording and inverse wording (when given), as ``_check_label_text`` says."""
    _check_label_text("label", label)
    if inverse_label is not None:
        _check_label_text("inverseLabel", inverse_label)


def _check_label_text(field: str, text: str) -> None:
    """A label's wording, inverse wording or internal name: not empty nor only whitespace, no
    control character (C0, tab and line breaks included, or DEL), at most LABEL_TEXT_MAX
    characters. All *inferred*: HubSpot documents none of these, but a label is a line of text a
    person reads in HubSpot's UI, and a NUL or a 5,000-character label must not pass offline."""
    if not text.strip():
        raise errors.validation(
            f"Invalid {field}: it must not be empty or only whitespace",
            context={field: ["empty"]},
        )
    bad = next((i for i, c in enumerate(text) if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        raise errors.validation(
            f"Invalid {field}: it contains the control character U+{ord(text[bad]):04X} at index "
            f"{bad}; use printable text without tabs or line breaks",
            context={field: [f"control character U+{ord(text[bad]):04X} at index {bad}"]},
        )
    if len(text) > LABEL_TEXT_MAX:
        raise errors.validation(
            f"Invalid {field}: {len(text):,} characters, more than the {LABEL_TEXT_MAX} allowed",
            context={field: [f"{len(text)} characters, at most {LABEL_TEXT_MAX}"]},
        )


def _check_limit_exists(category: str, type_id: int, exists: bool, *, create: bool) -> None:
    """Creating refuses an existing limit; updating refuses a missing one."""
    if create and exists:
        raise errors.validation(
            f"A limit already exists for {category}={type_id}; update it instead"
        )
    if not create and not exists:
        raise errors.validation(f"No limit exists for {category}={type_id}")


def _range_rows(
    forward: AssociationType, backward: AssociationType, from_id: int, first: int, count: int
) -> Iterator[Row]:
    """Both rows of each association from one record to ``count`` records from ``first``."""
    for to_id in range(first, first + count):
        yield (forward.from_type, from_id, forward.to_type, to_id, forward.type_id)
        yield (backward.from_type, to_id, backward.to_type, from_id, backward.type_id)


def _custom_label_type(
    type_id: int, from_type: str, to_type: str, label: str, inverse_id: int, name: str
) -> AssociationType:
    return AssociationType(
        type_id, "USER_DEFINED", from_type, to_type, label, inverse_id, "custom", name
    )


def _unlabeled_type(type_id: int, category: str, from_type: str, to_type: str) -> AssociationType:
    return AssociationType(
        type_id, category, from_type, to_type, None, None, "unlabeled", "UNLABELED"
    )


def _with_inverse(t: AssociationType, inverse_id: int) -> AssociationType:
    return AssociationType(
        t.type_id, t.category, t.from_type, t.to_type, t.label, inverse_id, t.kind, t.name
    )


def _relabel(t: AssociationType, label: str) -> AssociationType:
    return AssociationType(
        t.type_id, t.category, t.from_type, t.to_type, label, t.inverse_id, t.kind, t.name
    )
