"""Matching operations for upstream-diff: each release's path families, the key an operation is
matched on (method and normalised path), and which operations are in the project's scope.

The rules are told in codegen/upstream_diff.py's docstring.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from codegen.pipeline import ROOT
from codegen.releases import TABLE
from codegen.upstream_files import Document, Loc

__all__ = [
    "METHODS",
    "PARAM",
    "SPELLINGS",
    "V4_BASES",
    "Base",
    "Operation",
    "OutOfScope",
    "base_of",
    "by_release",
    "closest_release",
    "families",
    "learn_bases",
    "load_table",
    "longest_first",
    "normalise",
    "operations",
    "out_of_scope",
    "path_bases",
    "release_bases",
    "release_of",
    "split_scope",
    "table_bases",
]

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# A path parameter, compared by position, never by name.
PARAM = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Base:
    """A path prefix of one family of one release."""

    prefix: str
    family: str
    release: str
    # From a file's own paths (one of HubSpot's dated spellings), not from openapi/releases.yaml.
    learned: bool = False


# v4's spellings, known whatever the table says.
V4_BASES = (
    ("/crm/v4/objects", "objects"),
    ("/crm/v4/associations", "associations"),
    ("/crm/associations/v4", "associations"),
    ("/crm/v3/limits/associations", "limits"),
)
_RELEASE = r"(?P<release>\d{4}-\d{2}(?:-beta)?)"
# HubSpot's dated spellings of each family, recognised in a file's paths.
SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"/crm/objects/{_RELEASE}(?=/|$)"), "objects"),
    (re.compile(rf"/crm/associations/{_RELEASE}(?=/|$)"), "associations"),
    (re.compile(rf"/crm/limits/{_RELEASE}/associations(?=/|$)"), "limits"),
)
# Roots of HubSpot's Limits Tracking API: outside their associations part, out of scope.
_LIMITS_ROOT = re.compile(r"/crm/(?:v3/limits|limits/\d{4}-\d{2}(?:-beta)?)(?=/|$)")
# Under an objects base, the only calls in scope: a record's associations.
_RECORD_ASSOCIATIONS = re.compile(r"/\{\}/\{\}/associations(?=/|$)")
_DATED = re.compile(r"\d{4}-\d{2}")


def load_table(root: Path) -> dict[str, Any]:
    table: dict[str, Any] = yaml.safe_load((root / TABLE).read_text(encoding="utf-8"))
    return table


def longest_first(bases: Iterable[Base]) -> list[Base]:
    return sorted(bases, key=lambda base: -len(base.prefix))


def table_bases(root: Path = ROOT, table: dict[str, Any] | None = None) -> list[Base]:
    """Every path prefix of openapi/releases.yaml (or of ``table``, read from it) and v4's, with
    family and release, longest first; a prefix two rows share belongs to the first."""
    found = {prefix: Base(prefix, family, "v4") for prefix, family in V4_BASES}
    for name, release in (table or load_table(root))["releases"].items():
        spelled = [(release["object_base"], "objects")]
        spelled += [(base, "associations") for base in release["association_bases"]]
        if release.get("limits_base"):
            spelled.append((release["limits_base"], "limits"))
        for prefix, family in spelled:
            found.setdefault(prefix, Base(prefix, family, name))
    return longest_first(found.values())


def base_of(path: str, bases: Sequence[Base]) -> Base | None:
    """The base ``path`` lies under (bases longest first), or None."""
    for base in bases:
        if path == base.prefix or path.startswith(base.prefix + "/"):
            return base
    return None


def learn_bases(
    upstreams: Sequence[tuple[str, dict[str, Any]]], known: Sequence[Base]
) -> list[Base]:
    """The bases the documents' paths spell in one of HubSpot's dated spellings, where no known
    base covers them (a release with no row, or a family its row leaves out)."""
    learned: dict[str, Base] = {}
    for _, data in upstreams:
        for path in data.get("paths") or {}:
            if base_of(path, known) is not None:
                continue
            for pattern, family in SPELLINGS:
                match = pattern.match(path)
                if match:
                    prefix = match.group(0)
                    learned.setdefault(prefix, Base(prefix, family, match["release"], True))
                    break
    return longest_first(learned.values())


def families(bases: Sequence[Base]) -> list[tuple[str, str]]:
    """(prefix, family) of each base, as ``normalise`` takes them."""
    return [(base.prefix, base.family) for base in bases]


def path_bases(root: Path = ROOT) -> list[tuple[str, str]]:
    """Every release's path prefixes with their family, longest first."""
    return families(table_bases(root))


def normalise(path: str, bases: Sequence[tuple[str, str]]) -> str:
    """A family-independent key for a path: base prefix replaced, parameter names dropped."""
    family, rest = "other:", path
    for prefix, name in bases:
        if path == prefix or path.startswith(prefix + "/"):
            family, rest = f"{name}:", path[len(prefix) :]
            break
    return family + PARAM.sub("{}", rest)


@dataclass(frozen=True)
class Operation:
    """One operation of a document, with where it lives."""

    doc: Document
    method: str
    path: str
    node: dict[str, Any]

    @property
    def loc(self) -> Loc:
        """The operation's location in its document."""
        return ("paths", self.path, self.method)

    @property
    def title(self) -> str:
        """``PUT /path (operationId)``."""
        return f"{self.method.upper()} {self.path} ({self.node.get('operationId', '?')})"


def operations(doc: Document, bases: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Operation]:
    """The document's operations by (method, normalised path)."""
    found: dict[tuple[str, str], Operation] = {}
    for path, item in doc.data["paths"].items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if isinstance(item.get(method), dict):
                found[(method, normalise(path, bases))] = Operation(doc, method, path, item[method])
    return found


@dataclass(frozen=True)
class OutOfScope:
    """An upstream operation outside the project's scope: listed, never compared."""

    title: str
    reason: str

    def line(self) -> str:
        """One line of the report."""
        return f"  - {self.title}: {self.reason}"


def release_bases(root: Path = ROOT) -> list[tuple[str, str]]:
    """Every path prefix with the release it belongs to, longest first."""
    return [(base.prefix, base.release) for base in table_bases(root)]


def release_of(path: str, bases: Sequence[tuple[str, str]]) -> str:
    """The release whose path family ``path`` is in (v4 for a path of no known family)."""
    for prefix, release in bases:
        if path == prefix or path.startswith(prefix + "/"):
            return release
    return "v4"


def out_of_scope(path: str, bases: Sequence[tuple[str, str]]) -> str | None:
    """Why an operation at ``path`` is outside the project (codegen/upstream_diff.py's docstring
    says what is in scope), or None when it is in scope. ``bases``: (prefix, family), longest
    first."""
    family, _, rest = normalise(path, bases).partition(":")
    if family == "objects" and not _RECORD_ASSOCIATIONS.match(rest):
        return "CRM objects API (not a record's associations)"
    if family == "other" and _LIMITS_ROOT.match(path):
        return "Limits Tracking API outside its associations part"
    return None


def by_release(
    upstreams: Sequence[tuple[str, dict[str, Any]]], bases: Sequence[tuple[str, str]]
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Each upstream document split into one part per release its paths belong to."""
    parts: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, data in upstreams:
        paths: dict[str, dict[str, Any]] = {}
        for path, item in (data.get("paths") or {}).items():
            paths.setdefault(release_of(path, bases), {})[path] = item
        for release, chosen in paths.items():
            parts.setdefault(release, []).append((name, {**data, "paths": chosen}))
    return parts


def split_scope(
    upstreams: Sequence[tuple[str, dict[str, Any]]], bases: Sequence[tuple[str, str]]
) -> tuple[list[tuple[str, dict[str, Any]]], list[OutOfScope]]:
    """Each document with only its paths in scope, and the operations of the others."""
    kept: list[tuple[str, dict[str, Any]]] = []
    outside: list[OutOfScope] = []
    for name, data in upstreams:
        paths: dict[str, Any] = {}
        for path, item in (data.get("paths") or {}).items():
            reason = out_of_scope(path, bases)
            if reason is None:
                paths[path] = item
                continue
            for method in METHODS:
                node = item.get(method) if isinstance(item, dict) else None
                if isinstance(node, dict):
                    title = f"{method.upper()} {path} ({node.get('operationId', '?')})"
                    outside.append(OutOfScope(f"{title} [in {name}]", reason))
        kept.append((name, {**data, "paths": paths}))
    return kept, outside


def closest_release(name: str, rows: Iterable[str]) -> str:
    """The release of the table that a release without a row is compared with: the same date
    (a ``-beta``), else the latest dated release before it, else the earliest after, else v4."""
    dated = sorted(row for row in rows if _DATED.fullmatch(row))
    date = name.removesuffix("-beta")
    before = [row for row in dated if row <= date]
    after = [row for row in dated if row > date]
    return before[-1] if before else after[0] if after else "v4"
