"""The API's semantics in plain Python: no HTTP here, only object types, IDs and type IDs.

Every association is stored in both directions: the row a→b with a type and the row b→a with that
type's inverse, so reading from either side is one index range.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from . import errors
from .catalog import AssociationType, load_hubspot_defined, object_label, object_name
from .config import EmulatorConfig
from .errors import ApiError
from .store import Row, Store

COMPANY = "0-2"
# HubSpot documents limits by subscription; this stands in for them in the high-usage report.
SYSTEM_MAX_TO_OBJECT_IDS = 50_000
REPORT_SHARE = 0.8
_LABEL_NAME = re.compile(r"[^0-9-][^-]*")

T = TypeVar("T")


@dataclass
class BatchOutcome(Generic[T]):
    """What a batch call did: results of the inputs that succeeded and errors of the others."""

    results: list[T] = field(default_factory=list)
    errors: list[ApiError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DefaultAssociation:
    """One unlabeled association written by a default call."""

    from_id: int
    to_id: int
    type_id: int


@dataclass(frozen=True, slots=True)
class LabelsBetween:
    """The labels between two records after a labelled write."""

    from_type: str
    from_id: int
    to_type: str
    to_id: int
    labels: list[str]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of associated records, each with its types, and the cursor of the next page."""

    items: list[tuple[int, list[AssociationType]]]
    next_after: int | None


@dataclass(frozen=True, slots=True)
class Limit:
    """A user-enforced limit on one association type."""

    type: AssociationType
    max_to: int


class Backend:
    """The emulated portal: one store plus the catalog of association types."""

    def __init__(self, store: Store, config: EmulatorConfig) -> None:
        self.store = store
        self.config = config
        self.hubspot_types = load_hubspot_defined()
        self.types: dict[int, AssociationType] = {}
        self.limits: dict[int, int] = {}
        self._unlabeled: dict[tuple[str, str], AssociationType] = {}
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

    def reset(self) -> None:
        """Back to an empty portal."""
        self.store.reset()
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

    def types_of_pair(self, from_type: str, to_type: str) -> list[AssociationType]:
        """Every type (HubSpot-defined and custom) of one direction, by type ID."""
        self.prepare_pair(from_type, to_type)
        return sorted(
            (t for t in self.types.values() if t.from_type == from_type and t.to_type == to_type),
            key=lambda t: t.type_id,
        )

    # -- records --------------------------------------------------------------------------------

    def check_records(self, refs: Iterable[tuple[str, int]]) -> None:
        """In strict-records mode, refuse records nobody seeded."""
        if not self.config.strict_records:
            return
        bad = [
            f"{object_label(t)}={i} is not valid"
            for t, i in refs
            if not self.store.record_exists(t, i)
        ]
        if bad:
            raise errors.invalid_object_ids(bad)

    def seed_records(self, type_id: str, ids: Iterable[int]) -> None:
        """Declare records (strict-records mode)."""
        with self.store.transaction():
            self.store.add_records(type_id, ids)

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

    def associate_default(
        self, from_type: str, to_type: str, pairs: list[tuple[int, int]]
    ) -> BatchOutcome[DefaultAssociation]:
        """Unlabeled associations, each pair on its own."""
        self.prepare_pair(from_type, to_type)
        unlabeled = self.unlabeled(from_type, to_type)
        out: BatchOutcome[DefaultAssociation] = BatchOutcome()
        if not self.limits and not self.config.strict_records:
            # Nothing can refuse an input: write every pair (both directions) in one statement.
            rows = [
                (unlabeled.from_type, f, unlabeled.to_type, t, unlabeled.type_id) for f, t in pairs
            ]
            if unlabeled.inverse_id is not None:
                inverse_id = unlabeled.inverse_id
                rows += [
                    (unlabeled.to_type, t, unlabeled.from_type, f, inverse_id) for f, t in pairs
                ]
            with self.store.transaction():
                self.store.insert_many(rows)
            out.results = [DefaultAssociation(f, t, unlabeled.type_id) for f, t in pairs]
            return out
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

    def _input_scope(self) -> AbstractContextManager[None]:
        # Once its typeIds and records are checked, an input can only fail on a limit: without
        # limits there is nothing to undo and the savepoint's two statements are saved.
        return self.store.savepoint() if self.limits else nullcontext()

    def associate(
        self,
        from_type: str,
        to_type: str,
        inputs: list[tuple[int, int, list[tuple[str, int]]]],
    ) -> BatchOutcome[LabelsBetween]:
        """Labelled associations: the unlabeled type plus the named ones, each input on its own."""
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

    def archive(self, from_type: str, to_type: str, inputs: list[tuple[int, list[int]]]) -> None:
        """Remove whole associations (every type) between records."""
        with self.store.transaction():
            for from_id, to_ids in inputs:
                for to_id in to_ids:
                    self.store.delete_between(from_type, from_id, to_type, to_id)

    def archive_labels(
        self,
        from_type: str,
        to_type: str,
        inputs: list[tuple[int, int, list[tuple[str, int]]]],
    ) -> None:
        """Remove only the named types; naming the unlabeled type removes the whole association.

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

    # -- reads ----------------------------------------------------------------------------------

    def page(self, from_type: str, from_id: int, to_type: str, after: int, limit: int) -> Page:
        """Associated records after a cursor, in ascending ID order."""
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

    def create_label(
        self, from_type: str, to_type: str, name: str, label: str, inverse_label: str | None
    ) -> list[AssociationType]:
        """A custom label: one type per direction (two on one object type when paired)."""
        if not _LABEL_NAME.fullmatch(name):
            raise errors.validation(
                f"Invalid name '{name}': a name must not contain hyphens nor start with a digit",
                context={"name": [name]},
            )
        self.prepare_pair(from_type, to_type)
        existing = {
            t.name
            for t in self.types.values()
            if t.kind == "custom" and {t.from_type, t.to_type} == {from_type, to_type}
        }
        if name in existing:
            raise errors.validation(f"An association label named '{name}' already exists")
        definitions = len(
            {
                t.name
                for t in self.types.values()
                if t.kind == "custom" and {t.from_type, t.to_type} == {from_type, to_type}
            }
        )
        if definitions >= self.config.max_labels_per_pair:
            raise errors.validation(
                f"Cannot create more than {self.config.max_labels_per_pair} association labels "
                f"between {object_name(from_type)} and {object_name(to_type)}"
            )
        with self.store.transaction():
            if from_type == to_type and inverse_label is None:
                first = self.store.next_type_id(1)
                made = [
                    AssociationType(
                        first, "USER_DEFINED", from_type, to_type, label, first, "custom", name
                    )
                ]
            else:
                first = self.store.next_type_id(2)
                made = [
                    AssociationType(
                        first, "USER_DEFINED", from_type, to_type, label, first + 1, "custom", name
                    ),
                    AssociationType(
                        first + 1,
                        "USER_DEFINED",
                        to_type,
                        from_type,
                        inverse_label if inverse_label is not None else label,
                        first,
                        "custom",
                        name,
                    ),
                ]
            for t in made:
                self.store.save_type(t)
        self.reload()
        return made if inverse_label is not None else made[:1]

    def _custom_type(self, from_type: str, to_type: str, type_id: int) -> AssociationType:
        t = self.types.get(type_id)
        if t is None or t.kind != "custom" or {t.from_type, t.to_type} != {from_type, to_type}:
            raise errors.invalid_type_id("USER_DEFINED", type_id)
        return t

    def update_label(
        self, from_type: str, to_type: str, type_id: int, label: str, inverse_label: str | None
    ) -> None:
        """Rename a custom label (and its inverse when given)."""
        t = self._custom_type(from_type, to_type, type_id)
        with self.store.transaction():
            self.store.save_type(_relabel(t, label))
            if inverse_label is not None and t.inverse_id is not None and t.inverse_id != type_id:
                self.store.save_type(_relabel(self.types[t.inverse_id], inverse_label))
        self.reload()

    def delete_label(self, from_type: str, to_type: str, type_id: int) -> None:
        """Delete a custom label (both directions), its uses and its limits."""
        t = self._custom_type(from_type, to_type, type_id)
        ids = {t.type_id} | ({t.inverse_id} if t.inverse_id is not None else set())
        with self.store.transaction():
            self.store.delete_type_rows(ids)
            for i in ids:
                self.store.delete_type(i)
                self.store.delete_limit(i)
        self.reload()

    # -- limits ---------------------------------------------------------------------------------

    def list_limits(self, pair: tuple[str, str] | None = None) -> list[Limit]:
        """User-enforced limits, all or for one direction."""
        out = []
        for type_id, max_to in sorted(self.limits.items()):
            t = self.types.get(type_id)
            if t is None or (pair is not None and (t.from_type, t.to_type) != pair):
                continue
            out.append(Limit(t, max_to))
        return out

    def set_limits(
        self, from_type: str, to_type: str, inputs: list[tuple[str, int, int]], *, create: bool
    ) -> BatchOutcome[Limit]:
        """Create (refusing existing ones) or update (refusing missing ones) limits."""
        self.prepare_pair(from_type, to_type)
        out: BatchOutcome[Limit] = BatchOutcome()
        with self.store.transaction():
            for category, type_id, max_to in inputs:
                try:
                    t = self.check_type(from_type, to_type, category, type_id)
                    exists = type_id in self.limits
                    if create and exists:
                        raise errors.validation(
                            f"A limit already exists for {category}={type_id}; update it instead"
                        )
                    if not create and not exists:
                        raise errors.validation(f"No limit exists for {category}={type_id}")
                    self.store.set_limit(type_id, max_to)
                    self.limits[type_id] = max_to
                except ApiError as exc:
                    out.errors.append(exc)
                else:
                    out.results.append(Limit(t, max_to))
        self.reload()
        return out

    def purge_limits(self, from_type: str, to_type: str, inputs: list[tuple[str, int]]) -> None:
        """Return types to the system default (unknown ones are ignored)."""
        with self.store.transaction():
            for _category, type_id in inputs:
                t = self.types.get(type_id)
                if t is not None and (t.from_type, t.to_type) == (from_type, to_type):
                    self.store.delete_limit(type_id)
        self.reload()

    # -- report ---------------------------------------------------------------------------------

    def high_usage_report(
        self, user_id: int, now: Callable[[], datetime] | None = None
    ) -> dict[str, object]:
        """Queue a report; its content (records at >= 80 % of a limit) stays for the control API."""
        enqueued = (now or _utcnow)()
        smallest = min([SYSTEM_MAX_TO_OBJECT_IDS, *self.limits.values()])
        records = []
        for from_type, from_id, to_type, type_id, n in self.store.heavy_users(
            max(1, int(smallest * REPORT_SHARE + 0.999999))
        ):
            limit = self.limits.get(type_id, SYSTEM_MAX_TO_OBJECT_IDS)
            if n >= limit * REPORT_SHARE:
                records.append(
                    {
                        "fromObjectTypeId": from_type,
                        "fromObjectId": str(from_id),
                        "toObjectTypeId": to_type,
                        "typeId": type_id,
                        "count": n,
                        "limit": limit,
                    }
                )
        report = {
            "userId": user_id,
            "userEmail": f"user{user_id}@emulator.invalid",
            "enqueueTime": iso(enqueued),
            "records": records,
        }
        with self.store.transaction():
            self.store.add_report(json.dumps(report))
        return report

    def reports(self) -> list[object]:
        """Every report queued so far."""
        return [json.loads(r) for r in self.store.reports()]


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


def _utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HubSpot writes timestamps."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )
