"""A small applier of OpenAPI Overlay documents (1.0 and 1.1) over RFC 9535 JSONPath.

It differs from the Overlay specification in one deliberate way: an action whose target matches
nothing is an error, not a silent success, so an overlay that went stale when the base spec
changed fails the build instead of quietly doing nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

__all__ = [
    "Action",
    "Overlay",
    "OverlayError",
    "apply_overlay",
    "apply_overlays",
    "load_overlay",
    "merge",
]

SUPPORTED_VERSIONS = ("1.0.0", "1.1.0")

# Strict mode rejects the non-standard extensions python-jsonpath otherwise accepts, so every
# target means exactly what RFC 9535 says it means in any other overlay tool.
_ENV = jsonpath.JSONPathEnvironment(strict=True)


class OverlayError(Exception):
    """An overlay document is malformed, or one of its actions could not be applied."""


@dataclass(frozen=True)
class Action:
    """One action of an overlay: update or remove every node its target selects."""

    source: str
    index: int
    target: str
    description: str
    update: Any = None
    remove: bool = False

    @property
    def where(self) -> str:
        """Name the action for error messages: file, index and target."""
        return f"{self.source}: action #{self.index} (target {self.target!r})"


@dataclass(frozen=True)
class Overlay:
    """A parsed overlay document."""

    source: str
    title: str
    actions: tuple[Action, ...]


def load_overlay(path: Path) -> Overlay:
    """Parse and validate one overlay file."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return parse_overlay(data, source=path.name)


def parse_overlay(data: object, *, source: str) -> Overlay:
    """Validate an overlay document already loaded from YAML or JSON."""
    if not isinstance(data, dict):
        raise OverlayError(f"{source}: an overlay must be a mapping, got {type(data).__name__}")
    version = data.get("overlay")
    if version not in SUPPORTED_VERSIONS:
        raise OverlayError(
            f"{source}: 'overlay' must be one of {', '.join(SUPPORTED_VERSIONS)}, got {version!r}"
        )
    info = data.get("info")
    if not isinstance(info, dict) or not info.get("title") or not info.get("version"):
        raise OverlayError(f"{source}: 'info' needs a title and a version")
    raw_actions = data.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        raise OverlayError(f"{source}: 'actions' must be a non-empty list")
    actions = tuple(_parse_action(raw, source, index) for index, raw in enumerate(raw_actions))
    return Overlay(source=source, title=str(info["title"]), actions=actions)


def _parse_action(raw: object, source: str, index: int) -> Action:
    where = f"{source}: action #{index}"
    if not isinstance(raw, dict):
        raise OverlayError(f"{where}: an action must be a mapping")
    target = raw.get("target")
    if not isinstance(target, str) or not target.startswith("$"):
        raise OverlayError(f"{where}: 'target' must be a JSONPath starting with '$'")
    try:
        _ENV.compile(target)
    except jsonpath.JSONPathError as exc:
        raise OverlayError(f"{where}: target {target!r} is not RFC 9535 JSONPath: {exc}") from exc
    description = raw.get("description")
    # Our rule, stricter than the spec: an action nobody can explain cannot be reviewed or retired.
    if not isinstance(description, str) or not description.strip():
        raise OverlayError(
            f"{where} (target {target!r}): every action needs a 'description' of why"
        )
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        raise OverlayError(f"{where}: 'remove' must be true or false")
    has_update = "update" in raw
    if remove == has_update:
        raise OverlayError(f"{where}: give exactly one of 'update' or 'remove: true'")
    return Action(source, index, target, description.strip(), raw.get("update"), remove)


def merge(target: Any, update: Any) -> Any:
    """Merge ``update`` into ``target`` as the Overlay spec's update does; returns the new value.

    Objects merge key by key (recursively), arrays are appended to, anything else is replaced.
    """
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = merge(target[key], value) if key in target else copy.deepcopy(value)
        return target
    if isinstance(target, list):
        target.extend(
            copy.deepcopy(update) if isinstance(update, list) else [copy.deepcopy(update)]
        )
        return target
    return copy.deepcopy(update)


def apply_overlay(document: dict[str, Any], overlay: Overlay) -> dict[str, Any]:
    """Apply every action of one overlay, in order, to ``document`` (changed in place)."""
    for action in overlay.actions:
        _apply_action(document, action)
    return document


def apply_overlays(document: dict[str, Any], overlays: Iterable[Overlay]) -> dict[str, Any]:
    """Apply overlays in the order given to a deep copy of ``document``."""
    result = copy.deepcopy(document)
    for overlay in overlays:
        apply_overlay(result, overlay)
    return result


def _apply_action(document: dict[str, Any], action: Action) -> None:
    # Resolve every match before changing anything: removing while iterating would shift indexes.
    paths = [tuple(match.parts) for match in _ENV.finditer(action.target, document)]
    if not paths:
        raise OverlayError(
            f"{action.where} matched nothing; the base spec has changed or the target is wrong "
            f"({action.description})"
        )
    if action.remove:
        # Deepest and last first, so earlier removals never move later targets.
        for parts in sorted(paths, key=lambda p: (len(p), p), reverse=True):
            if not parts:
                raise OverlayError(f"{action.where}: the document root cannot be removed")
            parent = _resolve(document, parts[:-1])
            del parent[parts[-1]]
        return
    for parts in paths:
        if not parts:
            merge(document, action.update)
            continue
        parent = _resolve(document, parts[:-1])
        parent[parts[-1]] = merge(parent[parts[-1]], action.update)


def _resolve(document: Any, parts: Sequence[object]) -> Any:
    node = document
    for part in parts:
        node = node[part]
    return node
