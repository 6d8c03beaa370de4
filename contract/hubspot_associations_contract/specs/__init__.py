"""The strict spec of each HubSpot release, shipped as package data (``make generate`` writes it).

Each ``<release>.yaml`` holds only the operations that release offers and only its documented
success statuses: servers are checked against it, while the tolerant curated spec generates the
client.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = ["batch_operations", "release_names", "spec_path", "strict_spec", "success_statuses"]

_METHODS = ("get", "put", "post", "delete", "patch")


def release_names() -> list[str]:
    """The releases a spec ships for."""
    folder = resources.files(__name__)
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def spec_path(release: str) -> Path:
    """The strict spec file of one release; an unknown release names the known ones."""
    path = Path(str(resources.files(__name__).joinpath(f"{release}.yaml")))
    if not path.is_file():
        raise ValueError(
            f"no strict spec for release {release!r}; known: {', '.join(release_names())}"
        )
    return path


@functools.cache
def strict_spec(release: str) -> dict[str, Any]:
    """The parsed strict spec of one release."""
    # libyaml's loader when PyYAML has it: the pure-Python one costs a run a third of a second.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load(spec_path(release).read_text(encoding="utf-8"), loader)
    return loaded


def _operations(release: str) -> list[dict[str, Any]]:
    return [
        operation
        for item in strict_spec(release)["paths"].values()
        for method, operation in item.items()
        if method in _METHODS
    ]


@functools.cache
def success_statuses(release: str) -> dict[str, frozenset[int]]:
    """{operationId: the 2xx statuses the release documents}."""
    return {
        op["operationId"]: frozenset(
            int(code) for code in op["responses"] if str(code).isdigit() and str(code)[0] == "2"
        )
        for op in _operations(release)
    }


@functools.cache
def batch_operations(release: str) -> frozenset[str]:
    """The operations whose request body is a batch (``inputs``)."""
    out = set()
    for op in _operations(release):
        content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = str(content.get("schema", {}).get("$ref", ""))
        if ref.rsplit("/", 1)[-1].startswith("BatchInput"):
            out.add(op["operationId"])
    return frozenset(out)
