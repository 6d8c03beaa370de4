"""The documentation site builds in strict mode and covers the public API and the migration table."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hubspot_associations
from hubspot_associations import Basic, Batch, Labels, Limits, LimitsUsage, Report

ROOT = Path(__file__).resolve().parent.parent

GROUPS: dict[str, type] = {
    "basic": Basic,
    "batch": Batch,
    "labels": Labels,
    "limits": Limits,
    "limits.usage": LimitsUsage,
    "report": Report,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once by ``mkdocs build --strict`` into a temporary directory."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_strict_build_writes_every_page(site: Path) -> None:
    """mkdocs build --strict succeeds and writes each page of the nav."""
    for page in ("pin", "regenerate", "contract-ci", "emulator", "cli", "migration", "reference"):
        assert (site / page / "index.html").is_file(), page
    assert (site / "index.html").is_file()


def test_reference_lists_every_public_name(site: Path) -> None:
    """The reference page has an entry for every name in hubspot_associations.__all__."""
    html = (site / "reference" / "index.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="([^"]+)"', html))
    missing = [
        name
        for name in hubspot_associations.__all__
        if f"hubspot_associations.{name}" not in anchors
    ]
    assert not missing, missing


def test_migration_page_names_every_group_method() -> None:
    """The migration page mentions client.<group>.<method> for every public method of each group."""
    text = (ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
    missing = [
        f"client.{group}.{name}"
        for group, cls in GROUPS.items()
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
        and not re.search(rf"client\.{re.escape(group)}\.{re.escape(name)}(?![A-Za-z0-9_])", text)
    ]
    assert not missing, missing


def test_migration_page_names_hubspot_sdks_limits_methods() -> None:
    """Every `client.crm.limits.<method>` the migration page maps exists in hubspot-sdk, and the
    page maps each of the SDK's association limits methods."""
    from hubspot_sdk.resources.crm.limits import LimitsResource

    text = (ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
    named = set(re.findall(r"client\.crm\.limits\.([a-z_]+)\(", text))
    offered = {n for n in dir(LimitsResource) if n.startswith("get_association_")}
    assert len(offered) == 4
    assert named == offered


def test_benchmarks_page_is_built_and_readme_keeps_the_setup_commands(site: Path) -> None:
    """The benchmarks page is in the site, and the README still states the two set-up commands."""
    assert (site / "benchmarks" / "index.html").is_file()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("make install generate contract", "make install test"):
        assert re.search(rf"^{re.escape(command)} +# ", readme, re.MULTILINE), command
