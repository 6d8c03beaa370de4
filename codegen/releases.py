"""Render HubSpot's release table (openapi/releases.yaml) into code and strict specs.

One data file, three readings: the client's table (``_release_table.py``), the emulator's own
copy (it imports nothing of ours, so it gets its own generated module) and one strict spec per
release, which the contract suite uses to check servers. ``make check-generated`` covers all.
"""

from __future__ import annotations

import copy
import datetime
import pprint
from pathlib import Path
from typing import Any

import yaml

__all__ = ["CLIENT_TABLE", "EMULATOR_TABLE", "TABLE", "generate", "load", "release_statuses"]

TABLE = Path("openapi/releases.yaml")
CLIENT_TABLE = Path("src/hubspot_associations/_release_table.py")
EMULATOR_TABLE = Path("emulator/hubspot_associations_emulator/release_table.py")
# The checks of a server ship with the contract suite, as its package data.
STRICT_DIR = Path("contract/hubspot_associations_contract/specs")
V4_OBJECTS = "/crm/v4/objects"
V4_ASSOCIATIONS = "/crm/v4/associations"
# The limits usage calls (Limits Tracking) as the curated spec spells them: HubSpot's v3 paths.
V3_LIMITS = "/crm/v3/limits/associations"
_FIELDS = (
    "object_base",
    "association_bases",
    "limits_base",
    "support_ends",
    "successor",
    "lacks",
    "batch_errors_in_200",
    "batch_body_for_void",
    "limits_errors_in_200",
    "enqueue_time",
    "beta",
    "source",
    "association_permission",
    "objects_base",
    "objects_batch_207",
    "objects_source",
    "write_validation",
)
# The emulator's CRM object calls: only its table carries these (the client stays an
# Associations client and must not grow object calls).
_EMULATOR_ONLY = ("objects_base", "objects_batch_207", "objects_source", "write_validation")
_FLAGS = (
    "batch_errors_in_200",
    "batch_body_for_void",
    "limits_errors_in_200",
    "beta",
    "objects_batch_207",
    "write_validation",
)


def load(text: str) -> dict[str, Any]:
    """The table, checked: every release has every field, names and operationIds are known."""
    table: dict[str, Any] = yaml.safe_load(text)
    success: dict[str, list[int]] = table["success"]
    releases: dict[str, dict[str, Any]] = table["releases"]
    for name, release in releases.items():
        missing = [f for f in _FIELDS if f not in release]
        if missing:
            raise ValueError(f"{TABLE}: release {name!r} lacks {', '.join(missing)}")
        unknown = [op for op in release["lacks"] if op not in success]
        if unknown:
            raise ValueError(f"{TABLE}: release {name!r} lacks unknown operations {unknown}")
        if release["successor"] is not None and release["successor"] not in releases:
            raise ValueError(f"{TABLE}: {name!r} names an unknown successor")
        if release["successor"] is not None and releases[release["successor"]]["beta"] is True:
            raise ValueError(f"{TABLE}: {name!r} names a beta release as its successor")
        wrong = [f for f in _FLAGS if not isinstance(release[f], bool)]
        if wrong:
            raise ValueError(f"{TABLE}: {name!r}: {', '.join(wrong)} must be true or false")
        if not isinstance(release["source"], str) or not release["source"].strip():
            raise ValueError(
                f"{TABLE}: {name!r}: source says which HubSpot document the row follows"
            )
        if release["enqueue_time"] not in {"string", "object"}:
            raise ValueError(f"{TABLE}: {name!r}: enqueue_time is string or object")
        ends = release["support_ends"]
        if ends is not None and not isinstance(ends, datetime.date):
            raise ValueError(f"{TABLE}: {name!r}: support_ends is a date (YYYY-MM-DD) or null")
        _check_permission(name, release["association_permission"])
        _check_objects(name, release)
    return table


def _check_objects(name: str, release: dict[str, Any]) -> None:
    """``objects_base`` is a path prefix and ``objects_source`` words or null: the emulator
    routes and labels its object calls with them, so a typo must fail here."""
    base = release["objects_base"]
    if not isinstance(base, str) or not base.startswith("/crm/") or base.endswith("/"):
        raise ValueError(
            f"{TABLE}: {name!r}: objects_base is a path prefix such as /crm/objects/{name}, "
            f"not {base!r}"
        )
    source = release["objects_source"]
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise ValueError(
            f"{TABLE}: {name!r}: objects_source names HubSpot's objects file the row follows, "
            "or is null when HubSpot publishes none"
        )


_PERMISSION_KEYS = ("status", "category", "inferred")


def _check_permission(name: str, value: Any) -> None:
    """``association_permission``: null, or {status: 4xx, category: NAME, inferred: why} (the
    client and the emulator both read it, so a typo must fail here, not in a refusal)."""
    if value is None:
        return
    where = f"{TABLE}: {name!r}: association_permission"
    if not isinstance(value, dict):
        raise ValueError(f"{where} is null or {{status, category, inferred}}")
    unknown = sorted(set(value) - set(_PERMISSION_KEYS))
    missing = [k for k in ("status", "category") if k not in value]
    if unknown or missing:
        raise ValueError(f"{where}: unknown keys {unknown}, missing keys {missing}")
    status = value["status"]
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 499:
        raise ValueError(f"{where}: status is a 4xx status code, not {status!r}")
    category = value["category"]
    if not isinstance(category, str) or not category.isupper() or not category.strip():
        raise ValueError(f"{where}: category is HubSpot's upper-case name, not {category!r}")
    inferred = value.get("inferred")
    if inferred is not None and (not isinstance(inferred, str) or not inferred.strip()):
        raise ValueError(f"{where}: inferred says why, in words, or is left out")


def release_statuses(table: dict[str, Any], name: str) -> dict[str, list[int]]:
    """Each offered operation's success statuses in release ``name``."""
    release = table["releases"][name]
    statuses = {op: list(codes) for op, codes in table["success"].items()}
    if release["batch_body_for_void"]:
        for op in table["void_operations"]:
            statuses[op] = [200]
    if release["limits_errors_in_200"]:
        for op in table["limits_batch_operations"]:
            statuses[op] = [200]
    if release["batch_errors_in_200"]:
        for op in table["batch_operations"]:
            statuses[op] = [200]
    for op in release["lacks"]:
        del statuses[op]
    return statuses


def _schema_keys(spec: dict[str, Any], schema: Any, depth: int = 0) -> set[str]:
    """The top-level property names a response schema allows (anyOf members united)."""
    if not isinstance(schema, dict) or depth > 8:
        return set()
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return _schema_keys(spec, spec["components"]["schemas"][ref.rsplit("/", 1)[1]], depth + 1)
    keys = set(schema.get("properties", {}))
    for member in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        keys |= _schema_keys(spec, member, depth + 1)
    return keys


def operation_bodies(spec: dict[str, Any]) -> dict[str, dict[int, tuple[str, ...] | None]]:
    """Per operation of a strict spec, each success status and the top-level keys its body may
    have (None: the status answers no body)."""
    out: dict[str, dict[int, tuple[str, ...] | None]] = {}
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            bodies: dict[int, tuple[str, ...] | None] = {}
            for code, response in operation["responses"].items():
                if not str(code).startswith("2"):
                    continue
                content: dict[str, Any] = (
                    response.get("content", {}) if isinstance(response, dict) else {}
                )
                media: dict[str, Any] = next(iter(content.values()), {})
                schema = media.get("schema")
                bodies[int(code)] = (
                    None if schema is None else tuple(sorted(_schema_keys(spec, schema)))
                )
            out[operation["operationId"]] = dict(sorted(bodies.items()))
    return out


def operation_paths(curated: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """operationId → (method, path as the curated spec spells it: v4 and v3 limits paths)."""
    return {
        operation["operationId"]: (method.upper(), path)
        for path, item in curated["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


def _plain(
    table: dict[str, Any], curated: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Each row as the generated modules hold it: the emulator's (no ``curated``) with every
    field, the client's (with ``curated``: each operation's bodies) without the emulator-only
    object fields."""
    out: dict[str, dict[str, Any]] = {}
    for name, release in table["releases"].items():
        fields = _FIELDS if curated is None else [f for f in _FIELDS if f not in _EMULATOR_ONLY]
        entry = {f: release[f] for f in fields}
        ends = entry["support_ends"]
        entry["support_ends"] = None if ends is None else ends.isoformat()
        entry["association_bases"] = tuple(entry["association_bases"])
        entry["lacks"] = tuple(entry["lacks"])
        permission = entry["association_permission"]
        entry["association_permission"] = (
            None
            if permission is None
            else {k: permission[k] for k in _PERMISSION_KEYS if k in permission}
        )
        entry["statuses"] = {op: tuple(c) for op, c in release_statuses(table, name).items()}
        if curated is not None:
            # What each success answers in this release: the data migrate-report compares with.
            entry["bodies"] = operation_bodies(strict_spec(curated, table, name))
        out[name] = entry
    return out


_CLIENT_HEAD = '''\
# Generated by codegen/releases.py from openapi/releases.yaml; do not edit.
# Change the table and run `make generate`.
"""HubSpot's releases of the Associations API as data (read by ``_releases``)."""

from __future__ import annotations

from typing import Any, Final, Literal

__all__ = ["API_VERSIONS", "OPERATION_PATHS", "RELEASE_DATA", "ApiVersion"]

ApiVersion = Literal[{literal}]
API_VERSIONS: Final[tuple[ApiVersion, ...]] = ({names},)
# Each row's "bodies": per operation, each success status and the top-level keys its body may
# have (None: no body), read from the release's strict spec.
RELEASE_DATA: Final[dict[str, dict[str, Any]]] = {data}
# operationId → (method, path as openapi/curated.yaml spells it).
OPERATION_PATHS: Final[dict[str, tuple[str, str]]] = {paths}
'''

_PROFILE_FIELDS = ("labelled_put", "batch_errors_in_200", "void_body")

_EMULATOR_HEAD = '''\
# Generated by codegen/releases.py from openapi/releases.yaml; do not edit.
# Change the table and run `make generate`. The emulator keeps its own copy: it imports nothing
# from the client, so that the contract suite compares two readings.
"""HubSpot's releases: path families and how each one answers."""

from __future__ import annotations

from typing import Any, Final

__all__ = ["PROFILES", "RELEASES", "VOID_OPERATIONS"]

RELEASES: Final[dict[str, dict[str, Any]]] = {data}
# The operations that answer 204 unless their release (batch_body_for_void) or profile
# (void_body) gives them a batch body.
VOID_OPERATIONS: Final[tuple[str, ...]] = {void}
# How the v4 paths answered in earlier v4 releases (--profile).
PROFILES: Final[dict[str, dict[str, Any]]] = {profiles}
'''


def render_modules(text: str, curated: dict[str, Any]) -> tuple[str, str]:
    """The client's and the emulator's table modules (the client's also carries each release's
    answer bodies and the operations' paths, for migrate-report)."""
    table = load(text)
    plain = _plain(table)
    data = pprint.pformat(plain, width=100, sort_dicts=False)
    client_data = pprint.pformat(_plain(table, curated), width=100, sort_dicts=False)
    paths = pprint.pformat(operation_paths(curated), width=100, sort_dicts=False)
    names = ", ".join(repr(n) for n in plain)
    client = _CLIENT_HEAD.format(literal=names, names=names, data=client_data, paths=paths)
    profiles = pprint.pformat(_profiles(table), width=100, sort_dicts=False)
    void = pprint.pformat(tuple(table["void_operations"]), width=100)
    return client, _EMULATOR_HEAD.format(data=data, void=void, profiles=profiles)


def _profiles(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, profile in table.get("profiles", {}).items():
        missing = [f for f in _PROFILE_FIELDS if f not in profile]
        if missing:
            raise ValueError(f"{TABLE}: profile {name!r} lacks {', '.join(missing)}")
        if profile["labelled_put"] not in {"flat", "wrapped"}:
            raise ValueError(f"{TABLE}: profile {name!r}: labelled_put is flat or wrapped")
        out[name] = {f: profile[f] for f in _PROFILE_FIELDS}
        out[name]["void_body"] = tuple(profile["void_body"])
    return out


def strict_spec(curated: dict[str, Any], table: dict[str, Any], name: str) -> dict[str, Any]:
    """The curated spec as release ``name`` serves it: its paths, its operations, its statuses."""
    release = table["releases"][name]
    statuses = release_statuses(table, name)
    spec = copy.deepcopy(curated)
    spec["info"]["title"] = f"{spec['info']['title']} ({name}, strict)"
    spec["info"]["description"] = (
        f"Release {name} of HubSpot's Associations API, generated from openapi/curated.yaml and "
        "openapi/releases.yaml: only the operations the release offers, only its success "
        "statuses. Used to check servers; the tolerant curated spec generates the client."
    )
    paths: dict[str, Any] = {}
    for path, item in curated["paths"].items():
        new_item: dict[str, Any] = {}
        for method, operation in item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                new_item[method] = copy.deepcopy(operation)
                continue
            op = operation["operationId"]
            if op not in statuses:
                continue
            kept = copy.deepcopy(operation)
            kept["responses"] = {
                code: response
                for code, response in kept["responses"].items()
                if not str(code).startswith("2") or int(code) in statuses[op]
            }
            _add_missing_successes(operation, kept, statuses[op])
            _drop_dead_links(kept, statuses)
            new_item[method] = kept
        if any(isinstance(v, dict) and "operationId" in v for v in new_item.values()):
            paths[_rewrite(path, release)] = new_item
    spec["paths"] = paths
    return spec


def _add_missing_successes(curated: dict[str, Any], kept: dict[str, Any], codes: list[int]) -> None:
    """A status the release uses but the curated operation lacks (2026-09 answers every batch
    call 200 only, create_limits included) takes the curated body of the largest 2xx: the 207's
    ...WithErrors body, which carries errors inside."""
    successes = {int(c): r for c, r in curated["responses"].items() if str(c).startswith("2")}
    for code in codes:
        if str(code) not in kept["responses"] and code not in kept["responses"] and successes:
            response = copy.deepcopy(successes[max(successes)])
            response.pop("links", None)
            response["description"] = f"This release's success status (body as {max(successes)})."
            kept["responses"][str(code)] = response


def _drop_dead_links(operation: dict[str, Any], statuses: dict[str, list[int]]) -> None:
    for response in operation["responses"].values():
        links = response.get("links") if isinstance(response, dict) else None
        if links:
            for key in [k for k, v in links.items() if v.get("operationId") not in statuses]:
                del links[key]


def _rewrite(path: str, release: dict[str, Any]) -> str:
    if path.startswith(V3_LIMITS):
        return str(release["limits_base"]) + path[len(V3_LIMITS) :]
    if path.startswith(V4_OBJECTS):
        return str(release["object_base"]) + path[len(V4_OBJECTS) :]
    if path.startswith(V4_ASSOCIATIONS):
        return str(release["association_bases"][0]) + path[len(V4_ASSOCIATIONS) :]
    raise ValueError(f"{path}: not a v4 path of the curated spec")


def generate(root: Path, curated_text: str) -> dict[Path, str]:
    """{relative path: content} of both table modules and every release's strict spec."""
    from codegen.unasync import _ruff_format

    text = (root / TABLE).read_text(encoding="utf-8")
    table = load(text)
    curated = yaml.safe_load(curated_text)
    client, emulator = render_modules(text, curated)
    files = {
        CLIENT_TABLE: _ruff_format(client, CLIENT_TABLE),
        EMULATOR_TABLE: _ruff_format(emulator, EMULATOR_TABLE),
    }
    for name in table["releases"]:
        spec = strict_spec(curated, table, name)
        header = (
            f"# Generated by codegen/releases.py from openapi/curated.yaml and {TABLE}; "
            "do not edit.\n"
        )
        body = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100)
        files[STRICT_DIR / f"{name}.yaml"] = header + body
    return files
