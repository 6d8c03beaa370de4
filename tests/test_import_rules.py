"""The import rules of ARCHITECTURE.md, checked on every module's imports (read, not run)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "hubspot_associations": ROOT / "src" / "hubspot_associations",
    "hubspot_associations_api": ROOT / "generated" / "hubspot_associations_api",
    "hubspot_associations_emulator": ROOT / "emulator" / "hubspot_associations_emulator",
    "hubspot_associations_contract": ROOT / "contract" / "hubspot_associations_contract",
    "hubspot_associations_pytest": ROOT / "pytest_plugin" / "hubspot_associations_pytest",
}


def imports(package: str) -> Iterator[tuple[Path, str, list[str]]]:
    """(file, module imported, names imported from it) for every absolute import of a package."""
    for path in sorted(PACKAGES[package].rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name, []
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.module, [alias.name for alias in node.names]


def ours(module: str) -> str | None:
    """Which of our packages a module belongs to (None: not ours)."""
    top = module.split(".")[0]
    return top if top in PACKAGES else None


@pytest.mark.parametrize(
    ("package", "may_import"),
    [
        ("hubspot_associations_api", set()),
        ("hubspot_associations_emulator", set()),
        (
            "hubspot_associations",
            {
                "hubspot_associations_api",
                "hubspot_associations_emulator",
                "hubspot_associations_contract",
            },
        ),
        (
            "hubspot_associations_contract",
            {"hubspot_associations", "hubspot_associations_api", "hubspot_associations_emulator"},
        ),
        # The pytest plugin is the one package besides the suite that may import both the client
        # (its client fixtures) and the emulator (the server); nothing of ours imports it.
        (
            "hubspot_associations_pytest",
            {"hubspot_associations", "hubspot_associations_emulator"},
        ),
    ],
)
def test_each_package_imports_only_what_it_may(package: str, may_import: set[str]) -> None:
    """generated and the emulator import nothing of ours; the client only generated (and, in its
    CLI, the emulator and the contract suite); the suite may import the client and the emulator."""
    wrong = [
        f"{path.relative_to(ROOT)}: {module}"
        for path, module, _ in imports(package)
        if ours(module) not in (None, package, *may_import)
    ]
    assert wrong == []


def test_only_the_cli_imports_the_emulator_and_the_suite() -> None:
    """Inside the client package only the command line (`emulator`, `check`) imports them."""
    extras = {"hubspot_associations_emulator", "hubspot_associations_contract"}
    wrong = [
        str(path.relative_to(ROOT))
        for path, module, _ in imports("hubspot_associations")
        if ours(module) in extras and "cli" not in path.parts
    ]
    assert wrong == []


def test_the_client_uses_only_public_names_of_generated() -> None:
    """No private module or name of the generated package is imported by the hand-written layer."""
    wrong = [
        f"{path.relative_to(ROOT)}: from {module} import {name}"
        for path, module, names in imports("hubspot_associations")
        if ours(module) == "hubspot_associations_api"
        for name in names or [""]
        if name.startswith("_") or any(part.startswith("_") for part in module.split("."))
    ]
    assert wrong == []


def test_the_client_calls_generated_code_only_through_its_operations() -> None:
    """No hand-written module reaches for a generated module's private builder or parser."""
    source = ROOT / "src" / "hubspot_associations"
    wrong = [
        str(path.relative_to(ROOT))
        for path in source.rglob("*.py")
        for private in ("_get_kwargs", "_parse_response", "_build_response")
        if private in path.read_text(encoding="utf-8")
    ]
    assert wrong == []
