"""CRM object calls in recorded traffic (``/crm/v3/objects/…``, ``/crm/objects/2026-03/…``):
recognised and named, never judged.

An app that creates its records through the CRM objects API records those calls beside its
association calls. ``migrate-report`` judges association calls only (the package is an
Associations client and its release table describes nothing else), so object calls are counted
apart by name, neither as errors nor as paths of no operation; ``--replay`` sends them to both
emulators, so that the records and IDs later association calls name exist there too.

The names are the emulator's (``hubspot_associations_emulator.object_routes``), spelt out here:
this module imports nothing of the emulator (the report needs only the ``[cli]`` extra), and a
test checks that the two tables agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from ..._release_table import RELEASE_DATA

__all__ = [
    "NOT_JUDGED",
    "OBJECT_OPERATIONS",
    "ObjectCall",
    "object_call",
    "objects_base",
]

NOT_JUDGED: Final = "not judged: migrate-report judges association calls"
# Under an objects base, fixed segments before {objectId} (the emulator's routing order).
OBJECT_OPERATIONS: Final[tuple[tuple[str, str, str], ...]] = (
    ("POST", "/{objectType}/batch/create", "batch_create_objects"),
    ("POST", "/{objectType}/batch/read", "batch_read_objects"),
    ("POST", "/{objectType}/batch/update", "batch_update_objects"),
    ("POST", "/{objectType}/batch/upsert", "batch_upsert_objects"),
    ("POST", "/{objectType}/batch/archive", "batch_archive_objects"),
    ("POST", "/{objectType}/search", "search_objects"),
    ("POST", "/{objectType}/merge", "merge_objects"),
    ("POST", "/{objectType}/gdpr-delete", "gdpr_delete_object"),
    ("GET", "/{objectType}", "list_objects"),
    ("POST", "/{objectType}", "create_object"),
    ("GET", "/{objectType}/{objectId}", "get_object"),
    ("PATCH", "/{objectType}/{objectId}", "update_object"),
    ("DELETE", "/{objectType}/{objectId}", "archive_object"),
)
# HubSpot's object calls: v3's (what v4 apps call: HubSpot has no v4 object CRUD) and each dated
# release's, beta or not, in the table or not yet (``/crm/objects/2027-03/…`` is still an object
# call, though of no release this package knows).
_BASE: Final = re.compile(r"(/crm/v3/objects|/crm/objects/[0-9]{4}-[0-9]{2}(?:-beta)?)(/.*)")
_V3_OBJECTS: Final = "/crm/v3/objects"


def _pattern(template: str) -> re.Pattern[str]:
    parts = template.strip("/").split("/")
    return re.compile(
        "/" + "/".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "/?"
    )


_TEMPLATES: Final = [(m, _pattern(t), op) for m, t, op in OBJECT_OPERATIONS]


def objects_base(release: str, releases: Mapping[str, Mapping[str, Any]] = RELEASE_DATA) -> str:
    """Where a release's object calls live: a dated release's objects family (the same as its
    record-level association calls'), v4's is v3's objects API."""
    base = str(releases[release]["object_base"])
    return _V3_OBJECTS if base.startswith("/crm/v4/") else base


class ObjectCall(NamedTuple):
    """An object call: its operation's name, the release its base belongs to (None: a base of
    no release in the table), the base, and the path under it."""

    operation: str
    release: str | None
    base: str
    rest: str


def object_call(
    method: str, path: str, releases: Mapping[str, Mapping[str, Any]] = RELEASE_DATA
) -> ObjectCall | None:
    """The object call a request is, or None (an association call, another API, or a path
    under an objects base that no object operation has, such as v3's associations)."""
    found = _BASE.fullmatch(path)
    if found is None:
        return None
    base, rest = found.groups()
    for verb, pattern, operation in _TEMPLATES:
        if verb == method.upper() and pattern.fullmatch(rest):
            release = next((r for r in releases if objects_base(r, releases) == base), None)
            return ObjectCall(operation, release, base, rest)
    return None
