"""The client's modules import one another without a cycle: every import counts, wherever it is
written (at the top, inside a function, under TYPE_CHECKING), since a lazy import hides a cycle
and does not remove it. The modules are read with ast, never run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "hubspot_associations"


def _modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (packages by their __init__)."""
    found: dict[str, Path] = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _runs_first(name: str, target: str, modules: dict[str, Path]) -> set[str]:
    """The packages on the way to ``target`` whose __init__ importing it from ``name`` runs.

    Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, and those may import
    anything: they are edges too. Except the packages ``name`` lives in: Python started their
    __init__ before ``name`` itself (a submodule cannot be imported otherwise), so reaching them
    again is no new import, and counting it would make every package that re-exports its
    submodules (``hubspot_associations/__init__.py`` re-exports all of them) a cycle with each.
    What a module takes *from* a package (``from .. import RateLimiter``) is still an edge.
    """
    parts = target.split(".")
    prefixes = (".".join(parts[:i]) for i in range(1, len(parts)))
    return {p for p in prefixes if p in modules and not (name == p or name.startswith(p + "."))}


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
            # `from pkg import sub` imports the submodule (after pkg's __init__, see _runs_first);
            # `from pkg import name` takes a name from pkg's __init__, an edge to pkg itself.
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target in modules:
                out.add(target)
                out.update(_runs_first(name, target, modules))
    out.discard(name)
    return out


def _graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    modules = _modules(package)
    return {name: _edges(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm), each sorted."""
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
            component: list[str] = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(sorted(c) for c in found if len(c) > 1)


def _loop(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One import loop through a component, from its first module back to it, to show."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for other in sorted(graph[node] & members):
            if other == start:
                return [*paths[node], start]
            if other not in paths:
                paths[other] = [*paths[node], other]
                queue.append(other)
    return component  # pragma: no cover - a component always holds a loop


def test_the_clients_modules_import_without_a_cycle() -> None:
    """No modules of hubspot_associations import each other, directly or around a loop."""
    graph = _graph()
    assert len(graph) > 40
    loops = [" -> ".join(_loop(c, graph)) for c in _cycles(graph)]
    assert not loops, "import cycles:\n" + "\n".join(loops)


def _package(root: Path, files: dict[str, str]) -> Path:
    """A package ``hubspot_associations`` under ``root`` made of ``files`` (path -> source)."""
    for name, source in files.items():
        path = root / "hubspot_associations" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root / "hubspot_associations"


def test_the_cycle_finder_sees_a_lazy_import_cycle(tmp_path: Path) -> None:
    """A cycle made only of an import inside a function and one under TYPE_CHECKING is found."""
    package = _package(
        tmp_path,
        {
            "__init__.py": "from ._rate_limit import RateLimiter\n",
            "__about__.py": "",
            "_rate_limit.py": "def window():\n    from ._sync.shared_window import RedisWindow\n",
            "_sync/__init__.py": "",
            "_sync/shared_window.py": (
                "from typing import TYPE_CHECKING\n\nfrom .. import __about__\n\n"
                "if TYPE_CHECKING:\n    from .._rate_limit import RateLimiter\n"
            ),
        },
    )
    graph = _graph(package)
    assert _cycles(graph) == [
        ["hubspot_associations._rate_limit", "hubspot_associations._sync.shared_window"]
    ]
    assert _loop(_cycles(graph)[0], graph) == [
        "hubspot_associations._rate_limit",
        "hubspot_associations._sync.shared_window",
        "hubspot_associations._rate_limit",
    ]


def test_a_package_init_is_an_edge_only_where_it_is_a_new_import(tmp_path: Path) -> None:
    """Reaching another package's submodule runs its __init__ (an edge); one's own does not."""
    package = _package(
        tmp_path,
        {
            # The top package re-exports everything: its own submodules make no cycle with it.
            "__init__.py": "from ._async.client import Client\nfrom ._rate_limit import X\n",
            "__about__.py": "",
            # _rate_limit reaches _async.limiter through _async/__init__, which imports the client.
            "_rate_limit.py": "from ._async import limiter\n",
            "_async/__init__.py": "from .client import Client\n",
            "_async/client.py": "from .. import __about__\nfrom .._rate_limit import X\n",
            "_async/limiter.py": "",
        },
    )
    graph = _graph(package)
    assert graph["hubspot_associations._rate_limit"] == {
        "hubspot_associations._async",
        "hubspot_associations._async.limiter",
    }
    assert graph["hubspot_associations._async.client"] == {
        "hubspot_associations.__about__",
        "hubspot_associations._rate_limit",
    }
    assert _cycles(graph) == [
        [
            "hubspot_associations._async",
            "hubspot_associations._async.client",
            "hubspot_associations._rate_limit",
        ]
    ]


@pytest.mark.parametrize(
    ("module", "may_import"),
    [
        # The arithmetic: nothing of the package but its errors (no waiting, no shared window).
        ("hubspot_associations._rate_window", {"_exceptions"}),
        # The waiting: the arithmetic only (not the limiter, not a shared window).
        ("hubspot_associations._async.limiter", {"_rate_window"}),
        ("hubspot_associations._sync.limiter", {"_rate_window"}),
    ],
)
def test_the_limiters_arithmetic_and_waiting_stay_apart(module: str, may_import: set[str]) -> None:
    """The window's arithmetic and its waiting import only what is listed: no shared window."""
    modules = _modules()
    edges = _edges(module, modules[module], modules)
    assert {e.removeprefix("hubspot_associations.") for e in edges} <= may_import


@pytest.mark.parametrize("twin", ["_async", "_sync"])
def test_the_shared_windows_import_neither_the_limiter_nor_its_waiting(twin: str) -> None:
    """A shared window falls back to the arithmetic alone: it imports no limiter module back."""
    modules = _modules()
    module = f"hubspot_associations.{twin}.shared_window"
    edges = _edges(module, modules[module], modules)
    assert not edges & {
        "hubspot_associations._rate_limit",
        f"hubspot_associations.{twin}.limiter",
    }
