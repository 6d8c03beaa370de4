"""CRM objects of one portal (contacts, companies, deals, tickets, the other HubSpot-defined types,
and custom objects the portal declares): create with associations, read, update, archive, list,
batch calls, upsert, merge, GDPR delete. Plain Python over the portal's store and backend: the
associations a create writes go through the same rules as the association calls (labels,
primary, limits, the unlabeled type added).

HubSpot's facts (its objects files and docs): properties travel as strings; a record has
``hs_object_id``, ``createdate`` and ``lastmodifieddate`` (contacts) or ``hs_lastmodifieddate``
(the others); a contact's ``email`` is unique (409 with the existing ID); a merged ID resolves to
the primary. Where HubSpot is silent, this module's choices are marked INFERRED.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import errors, views
from .backend import COMPANY, Backend
from .catalog import NAME_BY_ID, AssociationType, object_label
from .store import ObjectRow, Store

__all__ = [
    "CONTACT",
    "CrmObject",
    "ObjectSettings",
    "Objects",
    "association_type_name",
    "iso_ms",
]

CONTACT = "0-1"
# IDs the API gives new objects start here, far above the small IDs tests use in association calls
# for records they never create (INFERRED: HubSpot's IDs are of this size).
FIRST_OBJECT_ID = 10_000_000_001
# The properties HubSpot creates for each type, as far as this emulator knows (strictProperties
# refuses others unless the portal declares them); the first ones are those a read without
# ``properties`` answers.
DEFAULT_PROPERTIES: dict[str, tuple[str, ...]] = {
    "0-1": ("email", "firstname", "lastname"),
    "0-2": ("domain", "name"),
    "0-3": ("amount", "closedate", "dealname", "dealstage", "pipeline"),
    "0-5": ("content", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority", "subject"),
}
KNOWN_PROPERTIES: dict[str, frozenset[str]] = {
    "0-1": frozenset({"email", "firstname", "lastname", "phone", "mobilephone", "company",
                      "website", "jobtitle", "lifecyclestage", "hs_lead_status", "city",
                      "country", "address", "zip", "state", "hubspot_owner_id"}),
    "0-2": frozenset({"name", "domain", "industry", "phone", "city", "country", "state",
                      "numberofemployees", "annualrevenue", "lifecyclestage", "hubspot_owner_id",
                      "website", "description"}),
    "0-3": frozenset({"dealname", "amount", "dealstage", "pipeline", "closedate", "dealtype",
                      "hubspot_owner_id", "description"}),
    "0-5": frozenset({"subject", "content", "hs_pipeline", "hs_pipeline_stage",
                      "hs_ticket_priority", "hs_ticket_category", "hubspot_owner_id"}),
}  # fmt: skip
SYSTEM_PROPERTIES = frozenset(
    {"hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate"}
)


def _now_ms() -> int:
    return int(time.time() * 1000)


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as HubSpot writes instants: ISO 8601, milliseconds, ``Z``."""
    return views.iso(datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC))


def modified_property(type_id: str) -> str:
    """The last-modified property: ``lastmodifieddate`` on contacts, ``hs_lastmodifieddate``."""
    return "lastmodifieddate" if type_id == CONTACT else "hs_lastmodifieddate"


@dataclass
class CrmObject:
    """One object as stored: its own properties (strings), times, state."""

    type_id: str
    id: int
    properties: dict[str, str]
    created_ms: int
    updated_ms: int
    state: str = "live"  # live | archived | merged | deleted (GDPR: readable by no call)
    archived_ms: int | None = None
    merged_into: int | None = None

    @classmethod
    def of(cls, row: ObjectRow) -> CrmObject:
        """From a store row."""
        type_id, object_id, props, created, updated, state, archived, merged = row
        return cls(type_id, object_id, json.loads(props), created, updated, state, archived,
                   merged)  # fmt: skip

    def row(self) -> ObjectRow:
        """As a store row."""
        props = json.dumps(self.properties, sort_keys=True)
        return (self.type_id, self.id, props, self.created_ms, self.updated_ms, self.state,
                self.archived_ms, self.merged_into)  # fmt: skip

    def all_properties(self) -> dict[str, str]:
        """Its properties with HubSpot's system ones."""
        return {
            **self.properties,
            "hs_object_id": str(self.id),
            "createdate": iso_ms(self.created_ms),
            modified_property(self.type_id): iso_ms(self.updated_ms),
        }


@dataclass(frozen=True)
class ObjectSettings:
    """A portal's property rules (PUT /_emulator/portals/{id} ``settings``)."""

    # Refuse properties neither HubSpot's defaults (KNOWN_PROPERTIES) nor declared here.
    strict_properties: bool = False
    # Extra properties the portal has, per object type ID.
    properties: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Required on creates where the release enforces write validation (2026-09), per type ID.
    required_properties: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def association_type_name(t: AssociationType) -> str:
    """The ``type`` an object read gives an association (HubSpot's v3 spelling, INFERRED beyond
    the documented ``contact_to_company``): the primary label as the pair's name, the unlabeled
    type with ``_unlabeled``, a custom label by its name."""
    name = t.name.lower()
    if name in ("", "unlabeled"):
        # Made up for a pair the table lacks (custom objects): named after the pair.
        name = f"{_short(t.from_type)}_to_{_short(t.to_type)}"
    if t.kind == "primary":
        return name.removeprefix("primary_")
    if t.kind == "unlabeled":
        return f"{name}_unlabeled"
    return name


def _short(type_id: str) -> str:
    """A type's name for association type names (custom objects by their type ID)."""
    return NAME_BY_ID.get(type_id, type_id)


def _text(value: Any, where: str) -> str | None:
    """A property value as HubSpot stores it: a string (numbers and booleans written out;
    None or "" clear the property)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    raise errors.validation(f"{where}: a property value is a string, number or boolean")


class Objects:
    """The CRM objects of one portal."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.store: Store = backend.store

    # -- reading -----------------------------------------------------------------------------

    def _row(self, type_id: str, object_id: int) -> CrmObject | None:
        row = self.store.load_object(type_id, object_id)
        return None if row is None else CrmObject.of(row)

    def find(
        self,
        type_id: str,
        key: str,
        id_property: str | None = None,
        *,
        archived: bool = False,
    ) -> CrmObject:
        """The object a read names (by ID, or by a property's value); a merged ID resolves to
        the primary (as HubSpot's do); 404 when there is none (an archived one unless
        ``archived``)."""
        found: CrmObject | None = None
        if id_property and id_property != "hs_object_id":
            wanted = key.lower() if id_property == "email" else key
            for row in self.store.objects_of(type_id, None if archived else "live"):
                candidate = CrmObject.of(row)
                value = candidate.properties.get(id_property)
                if (
                    value is not None
                    and (value.lower() if id_property == "email" else value) == wanted
                ):
                    found = candidate
                    break
        else:
            object_id = _object_id(key)
            found = self._row(type_id, object_id) if object_id is not None else None
            hops = 0
            while found is not None and found.state == "merged" and hops < 100:
                found, hops = self._row(type_id, found.merged_into or 0), hops + 1
        if (
            found is None
            or found.state in ("merged", "deleted")
            or (found.state == "archived") != archived
        ):
            raise errors.ApiError(404, "Object not found.  objectId are usually numeric.",
                                  "OBJECT_NOT_FOUND")  # fmt: skip
        return found

    def page(
        self, type_id: str, after: int, limit: int, *, archived: bool = False
    ) -> tuple[list[CrmObject], int | None]:
        """Up to ``limit`` objects with an ID above ``after``, and the next ``after`` (None: no
        more)."""
        rows = [r for r in self.store.objects_of(type_id, "archived" if archived else "live")
                if r[1] > after]  # fmt: skip
        chosen = [CrmObject.of(r) for r in rows[:limit]]
        return chosen, (chosen[-1].id if len(rows) > limit else None)

    def live(self, type_id: str) -> list[CrmObject]:
        """Every live object of a type (search reads them)."""
        return [CrmObject.of(r) for r in self.store.objects_of(type_id)]

    def associations(
        self, obj: CrmObject, to_types: Iterable[str]
    ) -> dict[str, list[tuple[int, AssociationType]]]:
        """Per to-type ID: (record ID, association type) of each association row from ``obj``."""
        wanted = set(to_types)
        out: dict[str, list[tuple[int, AssociationType]]] = {t: [] for t in wanted}
        for to_type, to_id, type_id in self.store.associated_from(obj.type_id, obj.id):
            t = self.backend.types.get(type_id)
            if to_type in wanted and t is not None:
                out[to_type].append((to_id, t))
        return out

    # -- writing -----------------------------------------------------------------------------

    def _check_properties(
        self, type_id: str, properties: Any, settings: ObjectSettings, where: str
    ) -> dict[str, str | None]:
        """A body's ``properties`` as strings (None: clear); unknown ones refused with
        HubSpot's PROPERTY_DOESNT_EXIST when the portal's strictProperties is on."""
        if not isinstance(properties, dict):
            raise errors.validation(f"{where}: an object of property names to values")
        out = {str(k): _text(v, f"{where}.{k}") for k, v in properties.items()}
        if settings.strict_properties:
            known = KNOWN_PROPERTIES.get(type_id, frozenset()) | settings.properties.get(
                type_id, frozenset()
            )
            unknown = [k for k in out if k not in known and k not in SYSTEM_PROPERTIES]
            if unknown:
                raise errors.ApiError(
                    400,
                    f'Property values were not valid: [{{"isValid":false,"message":"Property '
                    f'\\"{unknown[0]}\\" does not exist","error":"PROPERTY_DOESNT_EXIST",'
                    f'"name":"{unknown[0]}"}}]',
                    "VALIDATION_ERROR",
                    extra={"errors": [{"message": f'Property "{name}" does not exist',
                                       "code": "PROPERTY_DOESNT_EXIST",
                                       "context": {"propertyName": [name]}} for name in unknown]},
                )  # fmt: skip
        return out

    def _unique_email(self, type_id: str, props: Mapping[str, str], own_id: int | None) -> None:
        """A contact's email is unique: HubSpot's 409 naming the existing contact."""
        email = props.get("email")
        if type_id != CONTACT or not email:
            return
        for row in self.store.objects_of(CONTACT):
            other = CrmObject.of(row)
            if other.id != own_id and other.properties.get("email", "").lower() == email.lower():
                raise errors.ApiError(409, f"Contact already exists. Existing ID: {other.id}",
                                      "CONFLICT")  # fmt: skip

    def create(
        self,
        type_id: str,
        properties: Any,
        associations: Any,
        settings: ObjectSettings,
        *,
        validate_writes: bool,
        where: str = "body",
    ) -> CrmObject:
        """A new object with its associations, whole or not at all (in the caller's
        transaction): an association naming an unknown record or type refuses the create."""
        props = self._check_properties(type_id, properties or {}, settings, f"{where}.properties")
        kept = {k: v for k, v in props.items() if v is not None}
        if validate_writes:
            missing = [p for p in settings.required_properties.get(type_id, ()) if not kept.get(p)]
            if missing:
                raise errors.validation(
                    f"Missing required properties for {object_label(type_id)}: "
                    f"{', '.join(missing)} (the portal's rules, enforced on writes from the "
                    "2026-09 release on)",
                    {"REQUIRED_PROPERTIES_MISSING": missing},
                )
        self._unique_email(type_id, kept, None)
        links = self._associations(type_id, associations, f"{where}.associations")
        now = _now_ms()
        made = CrmObject(type_id, self.store.next_object_id(FIRST_OBJECT_ID), kept, now, now)
        self.store.save_object(made.row())
        self.store.add_records(type_id, [made.id])
        for to_type, to_id, specs in links:
            self.backend.associate_with_labels(type_id, made.id, to_type, to_id, specs)
        return made

    def _associations(
        self, type_id: str, value: Any, where: str
    ) -> list[tuple[str, int, list[tuple[str, int]]]]:
        """A create's ``associations``: [(to type, to ID, [(category, type ID)])], each to-type
        read from its association type (HubSpot's input names no object type), each to-record
        an existing object."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise errors.validation(f"{where}: a list of {{to: {{id}}, types: [...]}}")
        out: list[tuple[str, int, list[tuple[str, int]]]] = []
        bad: list[str] = []
        for i, item in enumerate(value):
            at = f"{where}[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("to"), dict):
                raise errors.validation(f"{at}: {{to: {{id}}, types: [...]}}")
            to_type, specs = self._types_of(type_id, item.get("types"), f"{at}.types")
            to_id = _object_id(str(item["to"].get("id", "")))
            target = self._row(to_type, to_id) if to_id is not None else None
            if to_id is None or target is None or target.state != "live":
                bad.append(f"{object_label(to_type)}={item['to'].get('id')} is not valid")
                continue
            out.append((to_type, to_id, specs))
        if bad:
            raise errors.invalid_object_ids(bad)
        return out

    def _types_of(self, type_id: str, types: Any, where: str) -> tuple[str, list[tuple[str, int]]]:
        """One association input's ``types``: their common to-type and (category, type ID)s."""
        if not isinstance(types, list) or not types:
            raise errors.validation(f"{where}: at least one association type")
        specs: list[tuple[str, int]] = []
        to_types: set[str] = set()
        for j, spec in enumerate(types):
            if not isinstance(spec, dict):
                raise errors.validation(f"{where}[{j}]: {{associationCategory, associationTypeId}}")
            category, number = spec.get("associationCategory"), spec.get("associationTypeId")
            t = self.backend.types.get(number) if type(number) is int else None
            if t is None or t.from_type != type_id or t.category != category:
                raise errors.invalid_type_id(str(category), number)
            to_types.add(t.to_type)
            specs.append((t.category, t.type_id))
        if len(to_types) > 1:
            raise errors.validation(f"{where}: the types of one input go to one object type")
        return to_types.pop(), specs

    def update(
        self, obj: CrmObject, properties: Any, settings: ObjectSettings, where: str = "properties"
    ) -> CrmObject:
        """New property values ("" or null clears one)."""
        props = self._check_properties(obj.type_id, properties, settings, where)
        merged = dict(obj.properties)
        for k, v in props.items():
            if k in SYSTEM_PROPERTIES:
                continue
            if v is None:
                merged.pop(k, None)
            else:
                merged[k] = v
        self._unique_email(obj.type_id, merged, obj.id)
        obj.properties = merged
        obj.updated_ms = max(_now_ms(), obj.updated_ms + 1)
        self.store.save_object(obj.row())
        return obj

    def drop_associations(self, type_id: str, object_id: int) -> list[tuple[str, int, int]]:
        """Remove every association of a record, both directions; what was removed."""
        rows = self.store.associated_from(type_id, object_id)
        for to_type, to_id in {(t, i) for t, i, _ in rows}:
            self.store.delete_between(type_id, object_id, to_type, to_id)
        return rows

    def archive(self, obj: CrmObject) -> None:
        """Archive (HubSpot's DELETE): the record and its associations, both directions, gone."""
        self.drop_associations(obj.type_id, obj.id)
        obj.state, obj.archived_ms = "archived", _now_ms()
        self.store.save_object(obj.row())
        self.backend.forget_record(obj.type_id, obj.id)

    def merge(self, primary: CrmObject, merged: CrmObject) -> CrmObject:
        """``merged`` into ``primary``: its associations move to the primary (same types, but
        the primary keeps its own primary company), its properties fill the primary's empty
        ones (INFERRED: the primary's values win), and its ID resolves to the primary from now
        on."""
        if primary.id == merged.id:
            raise errors.validation("primaryObjectId and objectIdToMerge are the same record")
        # The primary types the primary record already holds as the owner (a contact's or deal's
        # primary company): HubSpot's changelog "Updated merge functionality for contacts and
        # companies" keeps the primary record's and drops the merged record's excess "primary"
        # (INFERRED: the label goes, the association stays, unlabeled).
        held = {
            type_id
            for _, _, type_id in self.store.associated_from(primary.type_id, primary.id)
            if (t := self.backend.types.get(type_id)) is not None
            and t.kind == "primary"
            and t.from_type != COMPANY
        }
        moved = self.drop_associations(merged.type_id, merged.id)
        by_target: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for to_type, to_id, type_id in moved:
            t = self.backend.types[type_id]
            if to_type == primary.type_id and to_id == primary.id:
                continue  # an association between the two records ends with the merge
            if type_id in held:
                continue  # the primary record's own primary wins
            by_target.setdefault((to_type, to_id), []).append((t.category, t.type_id))
        for (to_type, to_id), specs in by_target.items():
            self.backend.associate_with_labels(primary.type_id, primary.id, to_type, to_id, specs)
        for k, v in merged.properties.items():
            primary.properties.setdefault(k, v)
        primary.updated_ms = max(_now_ms(), primary.updated_ms + 1)
        self.store.save_object(primary.row())
        merged.state, merged.merged_into = "merged", primary.id
        self.store.save_object(merged.row())
        self.backend.forget_record(merged.type_id, merged.id)
        return primary

    def gdpr_delete(self, obj: CrmObject) -> None:
        """Delete a record for good: it, its associations, its ID (it stays gone)."""
        self.drop_associations(obj.type_id, obj.id)
        obj.state, obj.archived_ms = "deleted", _now_ms()
        obj.properties = {}  # nothing of the person is kept, only that the ID is spent
        self.store.save_object(obj.row())
        self.backend.forget_record(obj.type_id, obj.id)


def _object_id(text: str) -> int | None:
    """A record ID of a path or body: ASCII digits within 64 bits, else None."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value < 2**63 else None
