"""The client's modules import one another without a cycle, counting every import: at the top,
inside functions and under TYPE_CHECKING (a lazy import hides a cycle, it does not remove it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "hubspot_associations"
ROOT = "hubspot_associations"


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (packages by their __init__)."""
    found: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _edges(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            # `from pkg import sub` imports the submodule; `from pkg import name` the module.
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module
                for alias in node.names
            ]
        else:
            continue
        # Only what a module names: the package __init__ Python runs first on the way to a
        # submodule is not an edge (a package that imports its own submodules is no cycle).
        out.update(t for t in targets if t in modules and t != name)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            found.append(_pop_component(stack, on_stack, node))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [sorted(c) for c in found if len(c) > 1]


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    component = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.append(member)
        if member == root:
            return component


def test_the_clients_modules_import_without_a_cycle() -> None:
    """No two modules of hubspot_associations import each other, directly or around a loop."""
    modules = _modules()
    graph = {name: _edges(name, path, modules) for name, path in modules.items()}
    assert len(graph) > 40
    assert _cycles(graph) == []


def test_the_cycle_finder_sees_a_lazy_import_cycle(tmp_path: Path) -> None:
    """A cycle made only of an import inside a function (the old limiter ↔ shared window one) is
    found: the test above can fail."""
    graph = {
        "hubspot_associations._rate_limit": {"hubspot_associations._sync.shared_window"},
        "hubspot_associations._sync.shared_window": {"hubspot_associations._rate_limit"},
        "hubspot_associations._ids": set(),
    }
    assert _cycles(graph) == [
        ["hubspot_associations._rate_limit", "hubspot_associations._sync.shared_window"]
    ]
    source = tmp_path / "mod.py"
    source.write_text("def f():\n    from ._rate_limit import RateLimiter\n", encoding="utf-8")
    edges = _edges(
        "hubspot_associations.mod",
        source,
        {"hubspot_associations._rate_limit": source, "hubspot_associations.mod": source},
    )
    assert edges == {"hubspot_associations._rate_limit"}


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("hubspot_associations._rate_window", "shared_window"),
        ("hubspot_associations._async.limiter", "_rate_limit"),
        ("hubspot_associations._async.shared_window", "_rate_limit"),
    ],
)
def test_the_limiters_arithmetic_and_waiting_stay_apart(module: str, forbidden: str) -> None:
    """The window's arithmetic imports no shared window, and neither the waiting nor the shared
    windows import the public limiter back."""
    modules = _modules()
    edges = _edges(module, modules[module], modules)
    assert not [e for e in edges if e.endswith(forbidden)], edges
