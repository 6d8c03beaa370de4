"""Which scopes each operation needs, in the two modes a portal can enforce.

- ``published``: HubSpot's spec files read literally. Every association, label, limit and limits
  usage operation of every release lists the same alternatives: any CRM object scope, read or
  write (``crm.objects.{type}.read|write``, their ``.sensitive.`` and ``.highly_sensitive.``
  variants), or the legacy ``contacts``, ``tickets``, ``e-commerce``, ``media_bridge.read`` (and
  ``oauth`` on the record-level calls). One of them suffices.
- ``granular`` (the default): HubSpot's 403 bodies name granular scopes
  (``requiredGranularScopes``), so its real enforcement is finer than its files; the rules are not
  published. This emulator's reading, every rule INFERRED: a read needs a read or write scope of
  each object type in its path; an association write the write scope of the from-object type; a
  label or limit write the write scope of both object types; a call naming no object type (all
  limits, label usage, records near their limits, the high-usage report) any CRM object scope.

The scope of an object type: ``crm.objects.{plural}.read|write`` (``contacts``, ``companies``,
``deals``, ``line_items`` …); custom objects (``2-…``): ``crm.objects.custom.read|write``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Literal

from . import errors
from .catalog import NAME_BY_ID, is_custom_type_id, plural, resolve_object_type

__all__ = [
    "ASSOCIATION_WRITES",
    "MODES",
    "OPERATION_ACCESS",
    "all_scopes",
    "missing_scopes",
    "object_scope",
    "refusal",
]

MODES = ("granular", "published")
Access = Literal["read", "association-write", "definition-write", "object-write", "any"]

# Each operation's kind of access and the path parameters naming its object types.
OPERATION_ACCESS: dict[str, tuple[Access, tuple[str, ...]]] = {
    "associate_default": ("association-write", ("fromObjectType", "toObjectType")),
    "associate_with_labels": ("association-write", ("objectType", "toObjectType")),
    "remove_associations": ("association-write", ("objectType", "toObjectType")),
    "list_associations": ("read", ("objectType", "toObjectType")),
    "batch_associate_default": ("association-write", ("fromObjectType", "toObjectType")),
    "batch_create_associations": ("association-write", ("fromObjectType", "toObjectType")),
    "batch_read_associations": ("read", ("fromObjectType", "toObjectType")),
    "batch_remove_associations": ("association-write", ("fromObjectType", "toObjectType")),
    "batch_remove_labels": ("association-write", ("fromObjectType", "toObjectType")),
    "request_high_usage_report": ("any", ()),
    "list_labels": ("read", ("fromObjectType", "toObjectType")),
    "create_label": ("definition-write", ("fromObjectType", "toObjectType")),
    "update_label": ("definition-write", ("fromObjectType", "toObjectType")),
    "delete_label": ("definition-write", ("fromObjectType", "toObjectType")),
    "list_all_limits": ("any", ()),
    "list_limits": ("read", ("fromObjectType", "toObjectType")),
    "create_limits": ("definition-write", ("fromObjectType", "toObjectType")),
    "update_limits": ("definition-write", ("fromObjectType", "toObjectType")),
    "purge_limits": ("definition-write", ("fromObjectType", "toObjectType")),
    "get_label_limits_usage": ("any", ()),
    "list_record_limits_sources": ("any", ()),
    "list_record_limits_targets": ("read", ("fromObjectTypeId",)),
    "get_record_limits_usage": ("read", ("fromObjectTypeId", "toObjectTypeId")),
    # The CRM object calls (emulator-only): a read needs the type's read or write scope, a write
    # its write scope. HubSpot's objects files list each type's own scopes; INFERRED as granular.
    **{op: ("read", ("objectType",)) for op in
       ("get_object", "list_objects", "batch_read_objects", "search_objects")},
    **{op: ("object-write", ("objectType",)) for op in
       ("create_object", "update_object", "archive_object", "batch_create_objects",
        "batch_update_objects", "batch_upsert_objects", "batch_archive_objects",
        "merge_objects", "gdpr_delete_object")},
}  # fmt: skip
# The writes of associations between records: what 2026-09's "Edit associations" permission
# governs (INFERRED: HubSpot's changelog says "association writes"; label and limit definitions
# are settings, not associations, and stay allowed).
ASSOCIATION_WRITES = frozenset(
    op for op, (access, _) in OPERATION_ACCESS.items() if access == "association-write"
)
_OBJECT_READS = frozenset({"get_object", "list_objects", "batch_read_objects", "search_objects"})
# The legacy scopes HubSpot's files list beside the CRM object scopes.
_LEGACY = frozenset({"contacts", "tickets", "e-commerce", "media_bridge.read"})
_RECORD_LEVEL = frozenset(
    {"associate_default", "associate_with_labels", "remove_associations", "list_associations"}
)
_OBJECT_SCOPE = re.compile(
    r"crm\.objects\.[a-z_]+\.(?:(?:sensitive|highly_sensitive)\.)?(?:read|write)(?:\.v2)?"
)


_KNOWN_TYPES = sorted({*(plural(n) for n in NAME_BY_ID.values()), "custom"})


def misspelt_scope(scope: str) -> str | None:
    """The CRM object scope a name looks like a typo of (``crm.objects.contactz.read`` →
    ``crm.objects.contacts.read``), else None. Names that are near no known object type
    (``crm.objects.owners.read``, ``oauth``) are taken as given: HubSpot has more scopes than
    this emulator's object types."""
    parts = scope.split(".")
    if len(parts) < 4 or parts[:2] != ["crm", "objects"] or parts[2] in _KNOWN_TYPES:
        return None
    near = difflib.get_close_matches(parts[2], _KNOWN_TYPES, n=1, cutoff=0.8)
    return ".".join([*parts[:2], near[0], *parts[3:]]) if near else None


def object_scope(type_id: str, action: Literal["read", "write"]) -> str:
    """The granular scope of one object type (``0-1`` → ``crm.objects.contacts.write``)."""
    if is_custom_type_id(type_id):
        return f"crm.objects.custom.{action}"
    name = NAME_BY_ID[type_id]
    return f"crm.objects.{plural(name)}.{action}"


def all_scopes() -> list[str]:
    """Every granular scope this emulator knows: what a token without a scope list holds."""
    types = [*NAME_BY_ID, "2-1"]
    return sorted({object_scope(t, a) for t in types for a in ("read", "write")})


def _types(
    params: dict[str, str], names: Iterable[str], resolve: Callable[[str], str]
) -> list[str]:
    """The object type IDs the path names (in path order, each once)."""
    out: list[str] = []
    for name in names:
        raw = params.get(name)
        if raw is None:
            continue
        type_id = resolve(raw)
        if type_id not in out:
            out.append(type_id)
    return out


def _any_object_scope(held: frozenset[str]) -> bool:
    """Whether a CRM object scope (read or write, any variant) or a legacy one is held."""
    return any(_OBJECT_SCOPE.fullmatch(s) or s in _LEGACY for s in held)


def missing_scopes(
    operation_id: str,
    params: dict[str, str],
    held: frozenset[str] | None,
    mode: str,
    resolve: Callable[[str], str] = resolve_object_type,
) -> list[str] | None:
    """None when a token holding ``held`` (None: every scope) may call the operation; else the
    granular scopes to ask for (empty when any CRM object scope would do). An unknown object
    type raises the 400 the handler would give (HubSpot checks the path before the scopes)."""
    if held is None:
        return None
    access, names = OPERATION_ACCESS[operation_id]
    types = _types(params, names, resolve)
    if mode == "published" and access != "object-write" and operation_id not in _OBJECT_READS:
        allowed = _any_object_scope(held) or (operation_id in _RECORD_LEVEL and "oauth" in held)
        return None if allowed else _asked(access, types)
    if access == "any":
        return None if _any_object_scope(held) else []
    if access == "association-write":
        types = types[:1]  # only the from-object type's write scope
    missing: list[str] = []
    for type_id in types:
        read, write = object_scope(type_id, "read"), object_scope(type_id, "write")
        if access == "read":
            if read not in held and write not in held:
                missing.append(read)
        elif write not in held:
            missing.append(write)
    return missing or None


def _asked(access: Access, types: list[str]) -> list[str]:
    """The granular scopes a refusal names for an operation (published mode, where any listed
    scope would have done: the granular rule's, as the smallest useful ask)."""
    if access == "any":
        return []
    if access == "read":
        return [object_scope(t, "read") for t in types]
    if access == "association-write":
        return [object_scope(types[0], "write")]
    return [object_scope(t, "write") for t in types]


def refusal(required: list[str]) -> errors.ApiError:
    """HubSpot's 403 MISSING_SCOPES, naming the granular scopes to add."""
    named = required or ["crm.objects.contacts.read"]
    return errors.ApiError(
        403,
        "This app hasn't been granted all required scopes to make this call. Read more about "
        "required scopes here: https://developers.hubspot.com/scopes.",
        "MISSING_SCOPES",
        extra={
            "errors": [
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": named},
                }
            ],
            "links": {"scopes": "https://developers.hubspot.com/scopes"},
        },
    )
