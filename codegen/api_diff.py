"""What breaks for users between a git ref and the working tree: ``python -m codegen api-diff``.

The public Python API of ``hubspot_associations`` (hand-written) and ``hubspot_associations_api``
(generated) at a ref is compared with the working tree by griffe's API comparison. The ref is
``--against REF`` when given, else the latest tag reachable from ``HEAD``, else the commit that last
changed the newest released heading (``## [x.y.z]``) of CHANGELOG.md as committed at ``HEAD``
(``git blame``), else ``HEAD``; the first line printed names it and why it was chosen.

Each change griffe reports is printed on one line, grouped by package. griffe weighs them all
alike (its CI styles print every one as a warning), so which ones gate is decided here, by kind:
a changed default, a removed return annotation and attribute value changes are shown but never
fail (``SHOWN_ONLY``); every other kind is a break. griffe does not compare annotations, so this
module does (``annotation_changes``): a public function's or method's return annotation, or a
public class attribute's annotation, whose text differs between the two sides is a break too.
A break in the hand-written package fails (exit 1) unless a bullet under ``### Changed`` or ``###
Removed`` of CHANGELOG.md's ``## [Unreleased]`` starts with ``**Breaking:**``; a break only in the
generated client is a warning (exit 0), since users are told to use the hand-written layer. Names
with a leading underscore are not public API.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import tarfile
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import griffe

__all__ = [
    "PACKAGES",
    "SHOWN_ONLY",
    "Baseline",
    "Break",
    "annotation_changes",
    "changelog_has_breaking",
    "default_ref",
    "find_breaks",
    "last_release_commit",
    "run",
]

# Each package and the folder (search path) it lives under, hand-written first.
PACKAGES = {"hubspot_associations": "src", "hubspot_associations_api": "generated"}
HAND_WRITTEN = "hubspot_associations"
CHANGELOG = Path("CHANGELOG.md")
ROLE = {
    "hubspot_associations": "hand-written client",
    "hubspot_associations_api": "generated client",
}


# Kinds shown but never gated, and why: they change no call a user writes that works today.
SHOWN_ONLY: dict[griffe.BreakageKind, str] = {
    griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT: "a changed default",
    # griffe reports a return annotation only when it is removed (annotation_changes reports a
    # changed one, gated): a function that loses its annotation still returns what it did.
    griffe.BreakageKind.RETURN_CHANGED_TYPE: "a removed annotation",
    griffe.BreakageKind.ATTRIBUTE_CHANGED_TYPE: "an annotation",
    griffe.BreakageKind.ATTRIBUTE_CHANGED_VALUE: "a value",
}
# A released version's heading (Keep a Changelog): `## [1.2.3] - 2026-01-31`.
RELEASE_HEADING = re.compile(r"^## \[v?\d+\.\d+\.\d+[^\]\s]*\][^\n]*$", re.M)
BREAKING_BULLET = re.compile(r"^\s*[-*+]\s+\*\*Breaking:\*\*", re.M)
BREAKING_SECTIONS = ("Changed", "Removed")


class GitError(Exception):
    """A git command failed (unknown ref, not a repository)."""


@dataclass(frozen=True)
class Break:
    """One reported change: the package, its public path, plain words, and why it does not gate.

    ``shown_only`` is empty for a break (it gates) and names the kind of change otherwise.
    """

    package: str
    path: str
    text: str
    shown_only: str = ""

    @property
    def gated(self) -> bool:
        """Whether this change can fail the check."""
        return not self.shown_only


@dataclass(frozen=True)
class Baseline:
    """The ref compared with and why it was chosen, in words printed to the user."""

    ref: str
    why: str


def _git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def last_release_commit(repo: Path) -> tuple[str, str] | None:
    """The commit that last changed the newest ``## [x.y.z]`` line of HEAD's CHANGELOG.md.

    Returns the full commit and the heading, or None without a committed CHANGELOG.md or a
    released heading in it. ``git blame`` of that one line follows the line itself, so a mention
    of the version elsewhere in the file (a link reference, an entry) does not mislead it.
    """
    try:
        text = _git(repo, "show", f"HEAD:{CHANGELOG.as_posix()}").decode("utf-8", "replace")
    except GitError:
        return None
    match = RELEASE_HEADING.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    blame = _git(repo, "blame", "--porcelain", "-L", f"{line},{line}", "HEAD", "--", str(CHANGELOG))
    return blame.split(maxsplit=1)[0].decode(), match.group(0).rstrip()


def default_ref(repo: Path) -> Baseline:
    """The latest tag, else the last released CHANGELOG entry's commit, else ``HEAD``."""
    try:
        tag = _git(repo, "describe", "--tags", "--abbrev=0").decode().strip()
    except GitError:
        tag = ""
    if tag:
        return Baseline(tag, "the latest tag reachable from HEAD")
    release = last_release_commit(repo)
    if release is not None:
        commit, heading = release
        return Baseline(
            commit[:12],
            f"no tag; the commit that last changed `{heading}`, the newest released entry of "
            f"{CHANGELOG}",
        )
    return Baseline("HEAD", f"no tag and no released `## [x.y.z]` entry in {CHANGELOG}")


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
    for obj, public in _walk(package):
        paths.setdefault(obj.path, public)
    return paths


def _public_objects(
    package: griffe.Object | griffe.Alias,
) -> dict[str, griffe.Object | griffe.Alias]:
    """Every public function, method and class attribute by the path users spell it with."""
    found: dict[str, griffe.Object | griffe.Alias] = {}
    for obj, public in _walk(package):
        if obj.is_function or obj.is_attribute:
            found.setdefault(public, obj)
    return found


def _walk(
    package: griffe.Object | griffe.Alias,
) -> Iterator[tuple[griffe.Object | griffe.Alias, str]]:
    """Each public object with each public path it is reached by, breadth first (so the first
    path of an object is its shortest); a module or class is expanded once."""
    expanded: set[str] = set()
    queue: deque[tuple[griffe.Object | griffe.Alias, str]] = deque([(package, package.path)])
    while queue:
        obj, public = queue.popleft()
        yield obj, public
        if obj.path in expanded or not (obj.is_module or obj.is_class):
            continue
        expanded.add(obj.path)
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


def _annotation(obj: griffe.Object | griffe.Alias) -> str:
    """The annotation's source text: a function's return, a class attribute's type; or ""."""
    value: object
    if isinstance(obj, griffe.Function):
        value = obj.returns
    elif isinstance(obj, griffe.Attribute) and obj.parent is not None and obj.parent.is_class:
        value = obj.annotation
    else:
        return ""
    return "" if value is None else str(value)


def annotation_changes(
    name: str, old: griffe.Object | griffe.Alias, new: griffe.Object | griffe.Alias
) -> list[Break]:
    """Each public return or attribute annotation of package ``name`` whose text changed.

    Compared by the public path on both sides, so a renamed class's methods are compared
    under the name users import (a removed name is griffe's OBJECT_REMOVED already). An
    annotation added where there was none, or removed, is not reported here.
    """
    old_objects, new_objects = _public_objects(old), _public_objects(new)
    found = []
    for path, before in old_objects.items():
        after = new_objects.get(path)
        if after is None or _is_private(path):
            continue
        was, now = _annotation(before), _annotation(after)
        if was and now and was != now:
            what = "return type" if before.is_function else "type"
            found.append(Break(name, path, f"{what} changed from {was} to {now}"))
    return found


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
            found.append(Break(name, path, text, SHOWN_ONLY.get(breakage.kind, "")))
        for change in annotation_changes(name, old[name], new[name]):
            if (change.path, change.text) not in seen:
                seen.add((change.path, change.text))
                found.append(change)
    return sorted(found, key=lambda b: (list(PACKAGES).index(b.package), b.path, b.text))


def _unreleased(text: str) -> str:
    section = re.search(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return "" if section is None else section.group(1)


def changelog_has_breaking(text: str) -> bool:
    """Whether a bullet under Changed or Removed of ``## [Unreleased]`` starts ``**Breaking:**``."""
    parts = re.split(r"^### +(.*?)\s*$", _unreleased(text), flags=re.M)
    # parts: [text before the first ###, title, body, title, body, ...]
    return any(
        title in BREAKING_SECTIONS and BREAKING_BULLET.search(body) is not None
        for title, body in zip(parts[1::2], parts[2::2], strict=True)
    )


def _report(breaks: list[Break], out: TextIO) -> None:
    for name in PACKAGES:
        gated = [b for b in breaks if b.package == name and b.gated]
        shown = [b for b in breaks if b.package == name and not b.gated]
        counts = [f"{len(gated)} breaking change(s)"] if gated else []
        counts += [f"{len(shown)} shown, not gated"] if shown else []
        print(f"{name} ({ROLE[name]}): {', '.join(counts) or 'no breaking changes'}", file=out)
        for b in gated:
            print(f"  {b.path}: {b.text}", file=out)
        for b in shown:
            print(f"  {b.path}: {b.text} (shown, not gated: {b.shown_only})", file=out)


def _verdict(all_breaks: list[Break], changelog: str, out: TextIO) -> int:
    if any(not b.gated for b in all_breaks):
        print(
            "note: changes marked (shown, not gated) are changed defaults, annotations or values: "
            "they never fail this check; read them, and write a Changed entry if users will notice",
            file=out,
        )
    breaks = [b for b in all_breaks if b.gated]
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
        print(
            "hand-written breaks: CHANGELOG.md's [Unreleased] has a **Breaking:** entry", file=out
        )
        return 0
    print(
        "error: hubspot_associations breaks its users and no bullet under `### Changed` or "
        "`### Removed` of CHANGELOG.md's `## [Unreleased]` starts with `**Breaking:**`.\n"
        "Fix: add a bullet `- **Breaking:** ...` under `### Changed` (or `### Removed`) of "
        "`## [Unreleased]` in CHANGELOG.md describing each break and what users change, or keep "
        'the old name as a deprecated alias (CONTRIBUTING.md, "Breaking changes").',
        file=out,
    )
    if re.search(r"^### Breaking\b", _unreleased(changelog), re.M):
        print(
            "note: a `### Breaking` heading is not the marker; move its bullets under "
            "`### Changed` or `### Removed` with a leading `**Breaking:**`",
            file=out,
        )
    return 1


def run(repo: Path, against: str | None, out: TextIO) -> int:
    """Compare the working tree of ``repo`` with ``against``; 0 clean or allowed, 1 failed."""
    logging.getLogger("griffe").setLevel(logging.ERROR)
    base = Baseline(against, "given with --against") if against else default_ref(repo)
    commit = _git(repo, "rev-parse", "--short", f"{base.ref}^{{commit}}").decode().strip()
    print(f"public API of the working tree against {base.ref} ({commit}): {base.why}", file=out)
    with tempfile.TemporaryDirectory(prefix="api-diff-") as tmp:
        _export(repo, base.ref, Path(tmp))
        breaks = find_breaks(_load(Path(tmp)), _load(repo))
    _report(breaks, out)
    changelog = repo / CHANGELOG
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    return _verdict(breaks, text, out)
