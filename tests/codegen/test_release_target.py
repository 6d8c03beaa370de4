"""``make release`` in a temporary clone: its refusals, then sdist and wheel built and twine-checked.

The clone is of HEAD with the working tree's Makefile committed on top, so the target under test is
the one being edited. ``UV`` is this checkout's pinned uv and ``RUN`` this checkout's ``.venv``
(where twine is installed); the clone has no environment of its own. Nothing is tagged or uploaded.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GIT_IDENTITY = ["-c", "user.name=release test", "-c", "user.email=release@example.invalid"]
ABOUT = "src/hubspot_associations/__about__.py"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *GIT_IDENTITY, *args], check=True, capture_output=True, text=True
    ).stdout


def _make_release(repo: Path) -> subprocess.CompletedProcess[str]:
    uv = ROOT / ".tools/bin/uv"
    run = f"{ROOT / '.venv/bin/python'} -m"
    return subprocess.run(
        ["make", "--no-print-directory", "release", f"UV={uv}", f"RUN={run}"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _set_version(repo: Path, version: str, *, heading: bool, action: bool = True) -> None:
    """Write ``version`` to __about__.py (and a released CHANGELOG heading, and the Action's
    package default in action.yml and run.sh) and commit."""
    (repo / ABOUT).write_text(
        f'"""The distribution\'s version, in one place."""\n\n__version__ = "{version}"\n',
        encoding="utf-8",
    )
    if action:
        # action.yml's default, and run.sh's copy of it (applied outside GitHub).
        for pinned_in in (repo / "action.yml", repo / "action" / "run.sh"):
            pinned = re.sub(r"hubspot-associations\[contract\]==[^\"}]+",
                            f"hubspot-associations[contract]=={version}",
                            pinned_in.read_text("utf-8"))  # fmt: skip
            pinned_in.write_text(pinned, encoding="utf-8")
    if heading:
        changelog = repo / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        released = f"## [Unreleased]\n\n## [{version}] - 2026-01-31\n"
        changelog.write_text(text.replace("## [Unreleased]\n", released, 1), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", f"version {version}")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone of HEAD with the working tree's Makefile committed."""
    repo = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
    shutil.copy2(ROOT / "Makefile", repo / "Makefile")
    if _git(repo, "status", "--porcelain"):
        _git(repo, "commit", "-q", "-am", "the Makefile under test")
    return repo


def test_release_builds_checks_and_refuses(clone: Path) -> None:
    """make release builds and twine-checks both artefacts, and refuses a dirty tree, a missing heading, an Action pinned to another version or an existing tag."""
    _set_version(clone, "9.9.9", heading=True)
    result = _make_release(clone)
    assert result.returncode == 0, result.stdout + result.stderr
    built = sorted(p.name for p in (clone / "dist").iterdir() if not p.name.startswith("."))
    assert built == [
        "hubspot_associations-9.9.9-py3-none-any.whl",
        "hubspot_associations-9.9.9.tar.gz",
    ]
    assert result.stdout.count("PASSED") == 2, result.stdout
    assert "git tag -a v9.9.9 -m 'hubspot-associations 9.9.9'" in result.stdout
    assert "twine upload dist/hubspot_associations-9.9.9.tar.gz" in result.stdout
    assert _git(clone, "tag", "--list") == ""

    (clone / "scratch.txt").write_text("not committed\n", encoding="utf-8")
    result = _make_release(clone)
    assert result.returncode != 0
    assert "the working tree is not clean" in result.stderr
    (clone / "scratch.txt").unlink()

    _set_version(clone, "9.9.10", heading=False)
    result = _make_release(clone)
    assert result.returncode != 0
    assert "CHANGELOG.md has no '## [9.9.10] - YYYY-MM-DD' heading" in result.stderr
    assert not (clone / "dist/hubspot_associations-9.9.10.tar.gz").exists()

    _set_version(clone, "9.9.11", heading=True, action=False)
    result = _make_release(clone)
    assert result.returncode != 0
    assert "action.yml's package default is not hubspot-associations[contract]==9.9.11" in (
        result.stderr
    )

    _set_version(clone, "9.9.9", heading=False)
    _git(clone, "tag", "v9.9.9")
    result = _make_release(clone)
    assert result.returncode != 0
    assert "tag v9.9.9 exists already" in result.stderr
