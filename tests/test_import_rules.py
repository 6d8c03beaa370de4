"""The import rules of ARCHITECTURE.md, for all six packages: import-linter's contracts
(``[tool.importlinter]`` in pyproject.toml: directions, layers of the rate limiter, no cycle, lazy
and TYPE_CHECKING imports included), shown to fail on planted breaks, and one check import-linter
cannot make: no package of ours imported by a name in a string, which no import graph sees."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "hubspot_associations": ROOT / "src" / "hubspot_associations",
    "hubspot_associations_api": ROOT / "generated" / "hubspot_associations_api",
    "hubspot_associations_emulator": ROOT / "emulator" / "hubspot_associations_emulator",
    "hubspot_associations_contract": ROOT / "contract" / "hubspot_associations_contract",
    "hubspot_associations_pytest": ROOT / "pytest_plugin" / "hubspot_associations_pytest",
    "codegen": ROOT / "codegen",
}
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def _lint_imports(
    cwd: Path, pythonpath: list[Path] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(cwd)}
    if pythonpath:
        env["PYTHONPATH"] = ":".join(str(p) for p in pythonpath)
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_packages_keep_every_import_contract() -> None:
    """lint-imports passes on the repository: every contract of pyproject.toml is kept."""
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _copy_of_the_packages(tmp_path: Path) -> list[Path]:
    """The six packages' Python files and pyproject.toml under tmp_path; their import roots."""
    roots = []
    for name, source in PACKAGES.items():
        root = tmp_path if name == "codegen" else tmp_path / source.parent.name
        shutil.copytree(source, root / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.jinja", "*.yaml", "*.json"))  # fmt: skip
        roots.append(root)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return list(dict.fromkeys(roots))


def test_a_planted_cycle_and_upward_import_break_the_contracts(tmp_path: Path) -> None:
    """In a copy: a lazy import that closes a cycle in the suite, and the emulator importing the
    client: lint-imports fails and names both."""
    roots = _copy_of_the_packages(tmp_path)
    model = tmp_path / "contract" / "hubspot_associations_contract" / "model.py"
    model.write_text(
        model.read_text()
        + "\n\ndef _planted() -> object:\n    from .scenario import Scenario\n\n    return Scenario\n"
    )
    faults = tmp_path / "emulator" / "hubspot_associations_emulator" / "faults.py"
    faults.write_text(faults.read_text() + "\nimport hubspot_associations  # noqa: E402\n")
    done = _lint_imports(tmp_path, roots)
    out = " ".join(done.stdout.split())
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert (
        "The emulator imports nothing of ours: an independent reading of HubSpot's documents BROKEN"
        in out
    )
    assert "hubspot_associations_emulator.faults -> hubspot_associations" in out
    assert "No import cycle inside any package (lazy and TYPE_CHECKING imports count) BROKEN" in out
    assert "No cycles are allowed in hubspot_associations_contract" in out
    assert "Contracts: 9 kept, 2 broken." in out


def imports_by_name(package: Path) -> Iterator[str]:
    """``importlib.import_module("ours…")`` and ``__import__("ours…")`` calls in a package."""
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                called in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value.split(".")[0] in PACKAGES
            ):
                yield f"{path.name}:{node.lineno}: {called}({first.value!r})"


def test_no_package_of_ours_is_imported_by_name() -> None:
    """Every import of our packages is an import statement, which the contracts see."""
    found = [line for package in PACKAGES.values() for line in imports_by_name(package)]
    assert found == []


def test_an_import_by_name_is_found(tmp_path: Path) -> None:
    """The check finds both spellings, and leaves imports of other packages alone."""
    (tmp_path / "planted.py").write_text(
        "import importlib\n\n"
        "def load():\n"
        "    importlib.import_module('hubspot_associations_emulator')\n"
        "    __import__('codegen.overlay')\n"
        "    importlib.import_module('json')\n"
    )
    assert list(imports_by_name(tmp_path)) == [
        "planted.py:4: import_module('hubspot_associations_emulator')",
        "planted.py:5: __import__('codegen.overlay')",
    ]


def _client_imports_of_generated() -> Iterator[tuple[Path, str, list[str]]]:
    """(file, module, names) of the client's `from hubspot_associations_api… import …`."""
    for path in sorted(PACKAGES["hubspot_associations"].rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (node.module or "").split(".")[0] == "hubspot_associations_api"
            ):
                yield path, str(node.module), [alias.name for alias in node.names]


def test_the_client_uses_only_public_names_of_generated() -> None:
    """No private module or name of the generated package is imported by the hand-written layer."""
    wrong = [
        f"{path.relative_to(ROOT)}: from {module} import {name}"
        for path, module, names in _client_imports_of_generated()
        for name in names
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
