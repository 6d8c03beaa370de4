"""Overlay attribution for upstream-diff: the places of the curated spec each overlay action
touched, found by replaying the overlays over openapi/base.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath
import yaml

from codegen.overlay import Action, Overlay, apply_overlay, load_overlay
from codegen.pipeline import BASE_SPEC, ROOT, overlay_paths
from codegen.upstream_files import Loc

__all__ = ["Touch", "overlay_touches"]

_ENV = jsonpath.JSONPathEnvironment(strict=True)


@dataclass(frozen=True)
class Touch:
    """One node of the curated spec that an overlay action removed or updated."""

    source: str
    index: int
    summary: str
    loc: Loc

    @property
    def label(self) -> str:
        """Name the action as ``overlays/<file>#<index> — <first line of its description>``."""
        return f"overlays/{self.source}#{self.index} — {self.summary}"


def _summary(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", first)[0].rstrip(".")
    return sentence if len(sentence) <= 100 else sentence[:99] + "…"


def _enum_values(node: Any, loc: Loc) -> Iterator[Loc]:
    """``…/enum/VALUE`` for every enum value inside a node that an action adds or removes."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "enum" and isinstance(value, list):
                yield from ((*loc, "enum", str(v)) for v in value)
            else:
                yield from _enum_values(value, (*loc, str(key)))


def _update_leaves(node: Any, update: Any, loc: Loc) -> Iterator[Loc]:
    """The places an update changes: it merges into mappings key by key, appends to lists."""
    if isinstance(node, dict) and isinstance(update, dict):
        for key, value in update.items():
            if key in node:
                yield from _update_leaves(node[key], value, (*loc, str(key)))
            else:
                yield (*loc, str(key))
                yield from _enum_values(value, (*loc, str(key)))
    elif isinstance(node, list) and loc[-1:] == ("enum",):
        yield loc
        yield from ((*loc, str(v)) for v in (update if isinstance(update, list) else [update]))
    else:
        yield loc


def _action_touches(document: dict[str, Any], source: str, action: Action) -> Iterator[Touch]:
    summary = _summary(action.description)
    for match in _ENV.finditer(action.target, document):
        loc = tuple(str(part) for part in match.parts)
        if action.remove:
            for removed in (loc, *_enum_values(match.obj, loc)):
                yield Touch(source, action.index, summary, removed)
            continue
        for leaf in _update_leaves(match.obj, action.update, loc):
            yield Touch(source, action.index, summary, leaf)


def overlay_touches(root: Path = ROOT) -> list[Touch]:
    """Replay the overlays over the base spec, recording every node each action touches."""
    document = yaml.safe_load((root / BASE_SPEC).read_text(encoding="utf-8"))
    touches: list[Touch] = []
    for path in overlay_paths(root):
        overlay = load_overlay(path)
        for action in overlay.actions:
            touches.extend(_action_touches(document, overlay.source, action))
            apply_overlay(document, Overlay(overlay.source, overlay.title, (action,)))
    return touches
