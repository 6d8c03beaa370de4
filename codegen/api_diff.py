"""What breaks for users between a git ref and the working tree: ``python -m codegen api-diff``.

The public Python API of ``hubspot_associations`` (hand-written) and ``hubspot_associations_api``
(generated) at a ref (default: the latest tag, else ``HEAD``) is compared with the working tree by
griffe's API comparison. Each break is printed on one line, grouped by package. A break in the
hand-written package fails (exit 1) unless CHANGELOG.md's ``## [Unreleased]`` section has a
``### Breaking`` heading; a break only in the generated client is a warning (exit 0), since users
are told to use the hand-written layer. Names with a leading underscore are not public API.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import tarfile
import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import griffe

__all__ = ["PACKAGES", "Break", "changelog_has_breaking", "default_ref", "find_breaks", "run"]

# Each package and the folder (search path) it lives under, hand-written first.
PACKAGES = {"hubspot_associations": "src", "hubspot_associations_api": "generated"}
HAND_WRITTEN = "hubspot_associations"
CHANGELOG = Path("CHANGELOG.md")
ROLE = {
    "hubspot_associations": "hand-written client",
    "hubspot_associations_api": "generated client",
}


class GitError(Exception):
    """A git command failed (unknown ref, not a repository)."""


@dataclass(frozen=True)
class Break:
    """One breaking change: the package, the public path it is reached by, and plain words."""

    package: str
    path: str
    text: str


def _git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def default_ref(repo: Path) -> str:
    """The latest tag reachable from HEAD, or ``HEAD`` when the repository has none."""
    try:
        return _git(repo, "describe", "--tags", "--abbrev=0").decode().strip()
    except GitError:
        return "HEAD"


def _export(repo: Path, ref: str, dest: Path) -> None:
    """Write the packages' files as they are at ``ref`` into ``dest`` (``git archive``)."""
    paths = [f"{folder}/{name}" for name, folder in PACKAGES.items()]
    tar = _git(repo, "archive", "--format=tar", ref, "--", *paths)
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(dest, filter="data")


def _load(root: Path) -> dict[str, griffe.Object | griffe.Alias]:
    """Both packages from ``root``, in one collection so that aliases between them resolve."""
    modules = griffe.ModulesCollection()
    lines = griffe.LinesCollection()
    search = [root / folder for folder in PACKAGES.values()]
    loaded: dict[str, griffe.Object | griffe.Alias] = {}
    for name in PACKAGES:
        try:
            loaded[name] = griffe.load(
                name,
                search_paths=search,
                modules_collection=modules,
                lines_collection=lines,
                allow_inspection=False,
                try_relative_path=False,
            )
        except ModuleNotFoundError:  # not there yet at that ref: nothing of it can break
            continue
    return loaded


def _public_paths(package: griffe.Object | griffe.Alias) -> dict[str, str]:
    """Map each object's canonical path to the shortest public path users reach it by."""
    paths: dict[str, str] = {}
    queue: deque[tuple[griffe.Object | griffe.Alias, str]] = deque([(package, package.path)])
    while queue:
        obj, public = queue.popleft()
        if obj.path in paths:
            continue
        paths[obj.path] = public
        if not (obj.is_module or obj.is_class):
            continue
        try:
            members = obj.all_members
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            members = obj.members
        for name, member in members.items():
            try:
                if not member.is_public:
                    continue
                target = _resolved(member)
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
            queue.append((target, f"{public}.{name}"))
    return paths


def _resolved(obj: griffe.Object | griffe.Alias) -> griffe.Object | griffe.Alias:
    """The object an alias finally points to (raises when it cannot be resolved)."""
    return obj.final_target if isinstance(obj, griffe.Alias) else obj


def _display_path(canonical: str, public: dict[str, str]) -> str:
    """The public spelling of ``canonical``: its longest mapped prefix replaced."""
    parts = canonical.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in public:
            return ".".join([public[prefix], *parts[end:]])
    return canonical


def _is_private(path: str) -> bool:
    return any(p.startswith("_") and not p.endswith("__") for p in path.split("."))


def _kind_word(obj: Any) -> str:
    try:
        target = _resolved(obj)
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return "name"
    if target.is_function and target.parent is not None and target.parent.is_class:
        return "method"
    return str(target.kind.value)


def _param(value: Any) -> str:
    return f"`{value.name}`"


def _removed_bases(old: Any, new: Any) -> str:
    kept = {str(base) for base in new}
    return ", ".join(str(base) for base in old if str(base) not in kept)


# What each kind of break means for a caller, from (breakage, old value, new value).
_WORDS: dict[griffe.BreakageKind, Callable[[griffe.Breakage, Any, Any], str]] = {
    griffe.BreakageKind.OBJECT_REMOVED: lambda b, o, n: f"{_kind_word(b.obj)} removed or renamed",
    griffe.BreakageKind.OBJECT_CHANGED_KIND: lambda b, o, n: f"is now a {n.value}, was a {o.value}",
    griffe.BreakageKind.PARAMETER_REMOVED: lambda b, o, n: (
        f"parameter {_param(o)} removed or renamed"
    ),
    griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED: lambda b, o, n: (
        f"parameter {_param(o)} is now required"
    ),
    griffe.BreakageKind.PARAMETER_ADDED_REQUIRED: lambda b, o, n: (
        f"new required parameter {_param(n)}"
    ),
    griffe.BreakageKind.PARAMETER_MOVED: lambda b, o, n: (
        f"positional parameter {_param(o)} moved ({b.details})"
    ),
    griffe.BreakageKind.PARAMETER_CHANGED_KIND: lambda b, o, n: (
        f"parameter {_param(o)} changed from {o.kind.value} to {n.kind.value}"
    ),
    griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT: lambda b, o, n: (
        f"default of parameter {_param(o)} changed from {o.default} to {n.default}"
    ),
    griffe.BreakageKind.RETURN_CHANGED_TYPE: lambda b, o, n: f"return type changed from {o} to {n}",
    griffe.BreakageKind.ATTRIBUTE_CHANGED_TYPE: lambda b, o, n: f"type changed from {o} to {n}",
    griffe.BreakageKind.ATTRIBUTE_CHANGED_VALUE: lambda b, o, n: f"value changed from {o} to {n}",
    griffe.BreakageKind.CLASS_REMOVED_BASE: lambda b, o, n: (
        f"no longer subclasses {_removed_bases(o, n)}"
    ),
}


def _describe(breakage: griffe.Breakage) -> str:
    """What the break means for a caller, in plain words."""
    words = _WORDS.get(breakage.kind)
    if words is None:  # pragma: no cover - a kind a later griffe adds
        return f"{breakage.kind.value}: {breakage.old_value} -> {breakage.new_value}"
    return words(breakage, breakage.old_value, breakage.new_value)


def find_breaks(
    old: dict[str, griffe.Object | griffe.Alias], new: dict[str, griffe.Object | griffe.Alias]
) -> list[Break]:
    """Every public break from ``old`` to ``new``, per package, sorted and without duplicates."""
    found: list[Break] = []
    for name in PACKAGES:
        if name not in old:
            continue
        if name not in new:
            found.append(Break(name, name, "package removed"))
            continue
        old_public, new_public = _public_paths(old[name]), _public_paths(new[name])
        seen: set[tuple[str, str]] = set()
        for breakage in griffe.find_breaking_changes(old[name], new[name]):
            removed = breakage.kind is griffe.BreakageKind.OBJECT_REMOVED
            public = old_public if removed else {**old_public, **new_public}
            path = _display_path(breakage.obj.path, public)
            text = _describe(breakage)
            if _is_private(path) or (path, text) in seen:
                continue
            seen.add((path, text))
            found.append(Break(name, path, text))
    return sorted(found, key=lambda b: (list(PACKAGES).index(b.package), b.path, b.text))


def changelog_has_breaking(text: str) -> bool:
    """Whether the ``## [Unreleased]`` section of a changelog has a ``### Breaking`` heading."""
    section = re.search(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return section is not None and re.search(r"^### Breaking\b", section.group(1), re.M) is not None


def _report(breaks: list[Break], out: TextIO) -> None:
    for name in PACKAGES:
        mine = [b for b in breaks if b.package == name]
        if not mine:
            print(f"{name} ({ROLE[name]}): no breaking changes", file=out)
            continue
        print(f"{name} ({ROLE[name]}): {len(mine)} breaking change(s)", file=out)
        for b in mine:
            print(f"  {b.path}: {b.text}", file=out)


def _verdict(breaks: list[Break], changelog: str, out: TextIO) -> int:
    hand_written = any(b.package == HAND_WRITTEN for b in breaks)
    generated_only = bool(breaks) and not hand_written
    if not breaks:
        print("no breaking changes", file=out)
        return 0
    if generated_only:
        print(
            "warning: only the generated client (hubspot_associations_api) breaks; users are told "
            "to use the hand-written layer (hubspot_associations), so this does not fail",
            file=out,
        )
        return 0
    if changelog_has_breaking(changelog):
        print("hand-written breaks: CHANGELOG.md's [Unreleased] has a ### Breaking entry", file=out)
        return 0
    print(
        "error: hubspot_associations breaks its users and CHANGELOG.md's `## [Unreleased]` "
        'section has no "### Breaking" heading.\n'
        'Fix: add a "### Breaking" heading under `## [Unreleased]` in CHANGELOG.md with an entry '
        "describing each break and what users change, or keep the old name as a deprecated "
        'alias (CONTRIBUTING.md, "Breaking changes").',
        file=out,
    )
    return 1


def run(repo: Path, against: str | None, out: TextIO) -> int:
    """Compare the working tree of ``repo`` with ``against``; 0 clean or allowed, 1 failed."""
    logging.getLogger("griffe").setLevel(logging.ERROR)
    ref = against or default_ref(repo)
    commit = _git(repo, "rev-parse", "--short", f"{ref}^{{commit}}").decode().strip()
    print(f"public API of the working tree against {ref} ({commit})", file=out)
    with tempfile.TemporaryDirectory(prefix="api-diff-") as tmp:
        _export(repo, ref, Path(tmp))
        breaks = find_breaks(_load(Path(tmp)), _load(repo))
    _report(breaks, out)
    changelog = repo / CHANGELOG
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    return _verdict(breaks, text, out)
