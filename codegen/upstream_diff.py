"""Compare OpenAPI files downloaded from HubSpot with our curated spec, and say which overlay
explains each difference.

Operations are matched by (method, normalised path), never by operationId: each path loses the
base of its *path family* and its parameter names, which are compared by position. A release has
three families: ``objects`` (its ``object_base``, the record calls), ``associations`` (its
``association_bases``: batch, labels, limits configuration, report) and ``limits`` (its
``limits_base``: the association part of HubSpot's Limits Tracking API).

Where the families come from: openapi/releases.yaml, plus v4's spellings, which are always known
(``/crm/v4/objects``, ``/crm/v4/associations``, ``/crm/associations/v4``,
``/crm/v3/limits/associations``). A path under none of them is *learned from the file* when it is
one of HubSpot's dated spellings: ``/crm/objects/<YYYY-MM>[-beta]``,
``/crm/associations/<YYYY-MM>[-beta]``, ``/crm/limits/<YYYY-MM>[-beta]/associations``, the
release being the ``<YYYY-MM>[-beta]`` part. So the files of a release that has no row yet (step
1 of "Adding a HubSpot release" in ARCHITECTURE.md, before step 2 writes the row) still match
every operation.

What each release is compared with, the report's first lines say:

- a release with a row and a strict spec: that spec (contract/.../specs/<release>.yaml);
  v4: the tolerant openapi/curated.yaml;
- a release with a row but no strict spec yet (``make generate`` not run): the strict spec that
  ``make generate`` will write, computed from the row;
- a release with no row: the strict spec of the *closest release in the table*: the same date
  (``2026-09-beta`` is compared with 2026-09), else the latest dated release before it, else the
  earliest after it, else v4's tolerant spec. The new row starts as a copy of that release's, so
  each disagreement reads as a field the new row must change (2025-09 against 2026-03: limits
  create and update answering 200 only, that is ``limits_errors_in_200``). The tolerant spec
  would not show that: it accepts every release's statuses.

*In scope* are the operations of the curated spec's families, and only they are compared:

- everything under an ``associations`` or ``limits`` base;
- under an ``objects`` base, only a record's associations, ``/{objectType}/{objectId}/associations``
  and below. Anything else there (HubSpot's dated files carry ``POST …/{objectType}/search``, the
  2026-09-beta file object CRUD, batch, merge, GDPR delete) is the CRM objects API;
- a path under a Limits Tracking root (``/crm/v3/limits``, ``/crm/limits/<YYYY-MM>[-beta]``)
  outside its ``associations`` part (pipelines, custom properties, …) is the rest of Limits
  Tracking.

Those two kinds are listed in a separate "out of scope" section and never make the exit status 1.
A path of no family and no Limits Tracking root is in scope and reported as an operation only
upstream (unaccounted): it may be a spelling this module does not know yet.

A disagreement is *accounted for* when an overlay action touched the same place of the curated
spec: the overlays are replayed over openapi/base.yaml and every node an action removed or
updated is recorded, in curated-spec coordinates. Exit status: 0 when every in-scope disagreement
is accounted for, 1 otherwise, 2 when a file is not an OpenAPI document.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from codegen.pipeline import CURATED_SPEC, ROOT
from codegen.releases import STRICT_DIR, TABLE, strict_spec
from codegen.upstream_files import UpstreamError, load_document
from codegen.upstream_matching import (
    METHODS,
    Base,
    OutOfScope,
    base_of,
    by_release,
    closest_release,
    families,
    learn_bases,
    load_table,
    longest_first,
    normalise,
    out_of_scope,
    path_bases,
    release_bases,
    release_of,
    split_scope,
    table_bases,
)
from codegen.upstream_overlays import Touch, overlay_touches
from codegen.upstream_schemas import Disagreement, attribute, diff_documents

# The command's own names, and (re-exported) the pieces its tests and users call through it: the
# files are read in upstream_files, operations matched in upstream_matching, overlays replayed in
# upstream_overlays and schemas compared in upstream_schemas.
__all__ = [
    "METHODS",
    "Base",
    "Disagreement",
    "OutOfScope",
    "Report",
    "Touch",
    "UpstreamError",
    "by_release",
    "closest_release",
    "compare",
    "diff_documents",
    "diff_releases",
    "families",
    "learn_bases",
    "load_document",
    "main",
    "normalise",
    "out_of_scope",
    "overlay_touches",
    "path_bases",
    "release_bases",
    "release_of",
    "release_specs",
    "render",
    "split_scope",
    "table_bases",
]


def _compact(item: Disagreement, group: Sequence[Disagreement]) -> str:
    """Statuses one side lacks for the same reason share a line (error statuses come in sevens)."""
    match = re.fullmatch(r"status (\S+) (only .*)", item.detail)
    if item.where != "responses" or match is None:
        return item.line()
    same = [
        other.detail.split()[1]
        for other in group
        if other.where == "responses"
        and other.detail.endswith(match.group(2))
        and [t.label for t in other.accounted] == [t.label for t in item.accounted]
    ]
    if len(same) == 1:
        return item.line()
    merged = Disagreement(
        item.operation, item.where, f"statuses {', '.join(same)} {match.group(2)}", ()
    )
    merged.accounted = item.accounted
    return merged.line()


@dataclass
class Report:
    """What upstream-diff found: one note per release (its families, what it was compared with),
    the disagreements of the operations in scope, and the operations out of scope."""

    notes: list[str] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    out_of_scope: list[OutOfScope] = field(default_factory=list)

    @property
    def unaccounted(self) -> int:
        """How many disagreements no overlay explains."""
        return sum(1 for item in self.disagreements if not item.accounted)


def render(
    disagreements: Sequence[Disagreement],
    names: Sequence[str],
    out_of_scope: Sequence[OutOfScope] = (),
    notes: Sequence[str] = (),
) -> str:
    """The report: the notes, disagreements grouped by operation, the operations out of scope,
    then a summary count."""
    lines: list[str] = [*notes, ""] if notes else []
    groups: dict[str, list[Disagreement]] = {}
    for item in disagreements:
        groups.setdefault(item.operation, []).append(item)
    for title, items in groups.items():
        lines.append(title)
        lines.extend(dict.fromkeys(_compact(item, items) for item in items))
        lines.append("")
    if out_of_scope:
        lines.append(f"Out of scope (not compared, never unaccounted; see {__name__}):")
        lines.extend(item.line() for item in out_of_scope)
        lines.append("")
    unaccounted = sum(1 for item in disagreements if not item.accounted)
    lines.append(
        f"{len(disagreements)} disagreement(s) between {', '.join(names)} and the curated spec "
        f"of each operation's release ({CURATED_SPEC}; dated releases: {STRICT_DIR}/): "
        f"{len(disagreements) - unaccounted} accounted for by overlays, {unaccounted} unaccounted; "
        f"{len(out_of_scope)} operation(s) out of scope"
    )
    return "\n".join(lines)


def _to_curated(
    found: list[Disagreement],
    spec: dict[str, Any],
    curated: dict[str, Any],
    bases: Sequence[tuple[str, str]],
) -> None:
    """Move each disagreement's places from a release's spec to the curated spec (where the
    overlays act), matching operations on method and normalised path."""
    curated_paths = {normalise(path, bases): path for path in curated["paths"]}
    moved = {
        path: curated_paths[key]
        for path in spec["paths"]
        if (key := normalise(path, bases)) in curated_paths
    }
    for item in found:
        item.candidates = tuple(
            ("paths", moved.get(loc[1], loc[1]), *loc[2:]) if loc[:1] == ("paths",) else loc
            for loc in item.candidates
        )


def _spec_for(
    release: str, table: dict[str, Any], specs: dict[str, dict[str, Any]]
) -> tuple[str, dict[str, Any], str]:
    """(the release ``release`` is compared with, its spec, where that spec comes from)."""
    rows = table["releases"]
    against = release if release == "v4" or release in rows else closest_release(release, rows)
    if against == "v4":
        return against, specs["v4"], f"{CURATED_SPEC} (tolerant)"
    if against in specs:
        return against, specs[against], f"{STRICT_DIR}/{against}.yaml"
    spec = strict_spec(specs["v4"], table, against)
    return against, spec, f"the strict spec its row in {TABLE} makes (`make generate` not run yet)"


def _note(
    release: str,
    documents: Sequence[tuple[str, dict[str, Any]]],
    bases: Sequence[Base],
    table: dict[str, Any],
    compared: tuple[str, str],
) -> str:
    """One line: which release the documents' paths are, their families, what they meet."""
    names = ", ".join(dict.fromkeys(name for name, _ in documents))
    hit = [base_of(path, bases) for _, data in documents for path in data["paths"]]
    used = list(dict.fromkeys(base for base in hit if base is not None))
    spelled = ", ".join(f"{base.family} {base.prefix}" for base in used) or "no known family"
    against, source = compared
    if release != "v4" and release not in table["releases"]:
        note = (
            f"{names}: no row in {TABLE} for {release}: path family learned from the file "
            f"({spelled}); compared with the closest release in the table, {against} ({source}): "
            f"a disagreement on statuses is a field where {release}'s row differs from {against}'s"
        )
    else:
        note = f"{names}: release {release} ({spelled}), compared with {source}"
        learned = [base.prefix for base in used if base.learned]
        if learned:
            note += f"; {', '.join(learned)} not in its row of {TABLE}: learned from the file"
    unknown = hit.count(None)
    if unknown:
        note += f"; {unknown} path(s) in no known family, each reported as only upstream"
    return note


def compare(
    upstreams: Sequence[tuple[str, dict[str, Any]]],
    specs: dict[str, dict[str, Any]],
    touches: list[Touch],
    root: Path = ROOT,
) -> Report:
    """Compare the upstream documents' operations in scope, each with the curated spec of its
    release (``specs``: release name to spec; v4's is openapi/curated.yaml); list the others."""
    table = load_table(root)
    known = table_bases(root, table)
    bases = longest_first([*known, *learn_bases(upstreams, known)])
    pairs = families(bases)
    kept, outside = split_scope(upstreams, pairs)
    report = Report(out_of_scope=outside)
    parts = by_release(kept, [(base.prefix, base.release) for base in bases])
    for release, documents in sorted(parts.items()):
        against, spec, source = _spec_for(release, table, specs)
        report.notes.append(_note(release, documents, bases, table, (against, source)))
        items = diff_documents(documents, copy.deepcopy(spec), [], pairs)
        _to_curated(items, spec, specs["v4"], pairs)
        if release != "v4":
            label = release if against == release else f"{release} vs {against}"
            for item in items:
                item.operation = f"[{label}] {item.operation}"
        attribute(items, touches)
        report.disagreements += items
    return report


def diff_releases(
    upstreams: Sequence[tuple[str, dict[str, Any]]],
    specs: dict[str, dict[str, Any]],
    touches: list[Touch],
    root: Path = ROOT,
) -> list[Disagreement]:
    """Every disagreement of the upstream documents' operations in scope, each operation compared
    with the curated spec of its own release (``specs``: release name to spec; v4's is
    openapi/curated.yaml)."""
    return compare(upstreams, specs, touches, root).disagreements


def release_specs(root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """The curated spec of every release: v4's, and each dated release's strict spec."""
    specs = {"v4": yaml.safe_load((root / CURATED_SPEC).read_text(encoding="utf-8"))}
    for path in sorted((root / STRICT_DIR).glob("*.yaml")):
        if path.stem != "v4":
            specs[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return specs


def main(files: Sequence[str], root: Path = ROOT) -> int:
    """Compare the files with the curated spec of each one's release and print the report; the
    exit status."""
    try:
        upstreams = [(name, load_document(Path(name))) for name in files]
    except UpstreamError as exc:
        print(f"upstream-diff: {exc}", file=sys.stderr)
        return 2
    report = compare(upstreams, release_specs(root), overlay_touches(root), root)
    names = [name for name, _ in upstreams]
    print(render(report.disagreements, names, report.out_of_scope, report.notes))
    return 1 if report.unaccounted else 0
