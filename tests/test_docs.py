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


def test_reference_lists_the_short_model_names_with_their_old_names(site: Path) -> None:
    """docs/reference.md's model table has a row per exported model, each old name beside its
    new one; the built page anchors OutcomeUnknownError and every control-client type."""
    from hubspot_associations_api import models
    from hubspot_associations_emulator import control_client

    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| .* \| (.*) \|$", text, re.M))
    exported = {
        name
        for name in hubspot_associations.__all__
        if getattr(getattr(hubspot_associations, name), "__module__", "").startswith(
            "hubspot_associations_api"
        )
    }
    assert set(rows) == exported
    for old, new in models.RENAMED.items():
        assert f"`{old}`" in rows[new], (old, new)
    html = (site / "reference" / "index.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="([^"]+)"', html))
    assert "hubspot_associations.OutcomeUnknownError" in anchors
    missing = [
        name
        for name in control_client.__all__
        if f"hubspot_associations_emulator.control_client.{name}" not in anchors
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


def test_readme_quickstart_runs_and_reads_fields_without_unset() -> None:
    """README's quickstart, run as written against the emulator (only the token and base URL
    swapped in): it reads fields, pages by hand and reads batch errors with no Unset in sight."""
    from hubspot_associations_emulator import serve_in_thread

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "Unset" not in code
    assert "isinstance" not in code
    assert 'HubSpotAssociations("pat-na1-…")' in code
    with serve_in_thread() as server:
        runnable = code.replace(
            'HubSpotAssociations("pat-na1-…")',
            f"HubSpotAssociations({server.token!r}, base_url={server.base_url!r}, rate_limit=None)",
        )
        exec(compile(runnable, "README.md quickstart", "exec"), {})


def test_per_call_options_section_runs_as_written_and_the_pages_agree() -> None:
    """README's per-call options example, run as written against the emulator, sends its headers
    (read back from the journal); docs/index.md carries the same section."""
    from hubspot_associations_emulator import serve_in_thread
    from hubspot_associations_emulator.control_client import ControlClient

    heading = "### Per-call options, raw answers, logging"
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split(heading, 1)[1]
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8").split(heading, 1)[1]
    assert readme.split("\n### ", 1)[0] == index.split("\n### ", 1)[0]
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    with serve_in_thread() as server, ControlClient(server.base_url) as control:
        runnable = code.replace(
            'HubSpotAssociations("pat-na1-…")',
            f"HubSpotAssociations({server.token!r}, base_url={server.base_url!r}, rate_limit=None)",
        )
        exec(compile(runnable, "README.md per-call options", "exec"), {})
        sources = [e.request_header("x-request-source") for e in control.journal().entries]
    assert sources == ["nightly-sync", "nightly-sync", None]
