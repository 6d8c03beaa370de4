"""``python -m codegen api-diff`` on a scratch git repository: real git, real griffe.

The scratch repository holds a copy of both packages and CHANGELOG.md committed once; each test
changes its working tree the way a contributor would and reads what api-diff prints.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen import api_diff
from codegen.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
COPIED = ["src/hubspot_associations", "generated/hubspot_associations_api", "CHANGELOG.md"]
GIT_IDENTITY = ["-c", "user.name=api-diff test", "-c", "user.email=api-diff@example.invalid"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *GIT_IDENTITY, *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose one commit is the packages and changelog as they are now."""
    repo = tmp_path_factory.mktemp("api-diff-repo")
    ignore = shutil.ignore_patterns("__pycache__")
    for relative in COPIED:
        source, target = ROOT / relative, repo / relative
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        else:
            shutil.copy2(source, target)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "baseline")
    return repo


@pytest.fixture
def repo(committed: Path) -> Iterator[Path]:
    """The scratch repository with a clean working tree, cleaned again after the test."""
    yield committed
    _git(committed, "checkout", "--", ".")
    _git(committed, "clean", "-fdq")


def _run(repo: Path, against: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = api_diff.run(repo, against, out)
    return code, out.getvalue()


def _edit_class(path: Path, class_name: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` once, inside the body of ``class_name`` only."""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^class {class_name}\b.*?(?=^class |\Z)", text, re.M | re.S)
    assert match is not None
    body = match.group(0)
    assert body.count(old) == 1
    path.write_text(
        text[: match.start()] + body.replace(old, new) + text[match.end() :], encoding="utf-8"
    )


def test_no_change_is_clean(repo: Path) -> None:
    """An unchanged working tree has no breaking changes and exits 0."""
    code, output = _run(repo)
    assert code == 0, output
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # One commit: the baseline is HEAD, whether or not CHANGELOG.md has a released entry yet.
    assert output.startswith("public API of the working tree against ")
    assert f"({head}): no tag" in output.splitlines()[0]
    assert output.rstrip().endswith("no breaking changes")
    assert "breaking change(s)" not in output


def test_removed_generated_operation_is_a_warning(repo: Path) -> None:
    """Removing a generated operation module is listed under the generated client and exits 0."""
    (repo / "generated/hubspot_associations_api/api/labels/update_label.py").unlink()
    code, output = _run(repo)
    assert code == 0, output
    assert "hubspot_associations (hand-written client): no breaking changes" in output
    assert "hubspot_associations_api (generated client): 1 breaking change(s)" in output
    assert "hubspot_associations_api.api.labels.update_label: module removed or renamed" in output
    assert "warning: only the generated client" in output
    assert "hand-written layer" in output


def test_renamed_facade_method_fails_until_the_changelog_says_so(repo: Path) -> None:
    """A renamed method and a newly required parameter exit 1 until a **Breaking:** bullet is written."""
    for relative, prefix, keyword in [
        ("src/hubspot_associations/_async/client.py", "Async", "async def"),
        ("src/hubspot_associations/_sync/client.py", "", "def"),
    ]:
        path = repo / relative
        _edit_class(path, f"{prefix}Labels", f"    {keyword} update(", f"    {keyword} change(")
        _edit_class(
            path,
            f"{prefix}Labels",
            "inverse_label: str | None = None,\n        **options: Unpack[CallOptions],\n"
            "    ) -> builtins.list",
            "inverse_label: str,\n        **options: Unpack[CallOptions],\n    ) -> builtins.list",
        )
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8").replace("**Breaking:** ", "")
    changelog.write_text(text, encoding="utf-8")
    code, output = _run(repo)
    assert code == 1, output
    for name in ["Labels", "AsyncLabels"]:
        assert f"  hubspot_associations.{name}.update: method removed or renamed" in output
        assert (
            f"  hubspot_associations.{name}.create: parameter `inverse_label` is now required"
            in output
        )
    assert "._sync." not in output
    assert "._async." not in output
    assert "add a bullet `- **Breaking:** ...` under `### Changed`" in output

    heading = "### Breaking\n- `Labels.update` is now `Labels.change`.\n\n"
    changelog.write_text(text.replace("### Added\n", heading + "### Added\n", 1), encoding="utf-8")
    code, output = _run(repo)
    assert code == 1, output
    assert "a `### Breaking` heading is not the marker" in output

    bullet = "### Changed\n- **Breaking:** `Labels.update` is now `Labels.change`.\n"
    changelog.write_text(text.replace("### Changed\n", bullet, 1), encoding="utf-8")
    code, output = _run(repo)
    assert code == 0, output
    assert "hubspot_associations.Labels.update: method removed or renamed" in output
    assert "has a **Breaking:** entry" in output


def test_changed_return_type_is_gated_like_any_break(repo: Path) -> None:
    """A public method whose return annotation changes fails until CHANGELOG says Breaking."""
    for relative, prefix in [
        ("src/hubspot_associations/_async/client.py", "Async"),
        ("src/hubspot_associations/_sync/client.py", ""),
    ]:
        _edit_class(repo / relative, f"{prefix}Report", ") -> ReportCreationResponse:", ") -> str:")
    path = repo / "src/hubspot_associations/_bulk.py"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    requests: int = 0\n", "    requests: float = 0\n", 1))
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text(encoding="utf-8").replace("**Breaking:** ", ""), encoding="utf-8"
    )
    code, output = _run(repo)
    assert code == 1, output
    for name in ["Report", "AsyncReport"]:
        assert (
            f"  hubspot_associations.{name}.request: return type changed from "
            "ReportCreationResponse to str"
        ) in output
    assert "  hubspot_associations.BulkResult.requests: type changed from int to float" in output
    assert "(shown, not gated" not in output


def test_breaking_marker_counts_only_under_unreleased_changed_or_removed() -> None:
    """Only a **Breaking:** bullet under Changed or Removed of [Unreleased] excuses a break."""
    head = "# Changelog\n\n## [Unreleased]\n\n"
    released = "## [1.0.0] - 2026-01-01\n\n### Changed\n- **Breaking:** y\n"
    assert api_diff.changelog_has_breaking(head + "### Changed\n- **Breaking:** y\n\n" + released)
    assert api_diff.changelog_has_breaking(
        head + "### Added\n- x\n\n### Removed\n* **Breaking:** y\n"
    )
    assert not api_diff.changelog_has_breaking(head + "### Added\n- **Breaking:** y\n")
    assert not api_diff.changelog_has_breaking(head + "### Breaking\n- y\n")
    assert not api_diff.changelog_has_breaking(head + "### Changed\n- y, **Breaking:** z\n")
    assert not api_diff.changelog_has_breaking(head + "### Added\n- x\n\n" + released)
    assert not api_diff.changelog_has_breaking("# Changelog\n")


def test_changed_default_is_shown_not_gated(repo: Path) -> None:
    """A changed parameter default is listed as shown, not gated, and exits 0."""
    path = repo / "src/hubspot_associations/_ratelimit/limiter.py"
    text = path.read_text(encoding="utf-8")
    old = "sleep: Callable[[float], None] = time.sleep,"
    assert text.count(old) == 1
    path.write_text(
        text.replace(old, "sleep: Callable[[float], None] = wait_seconds,"), encoding="utf-8"
    )
    code, output = _run(repo)
    assert code == 0, output
    assert "hubspot_associations (hand-written client): 1 shown, not gated" in output
    assert (
        "  hubspot_associations.RateLimiter.__init__: default of parameter `sleep` changed from "
        "time.sleep to wait_seconds (shown, not gated: a changed default)"
    ) in output
    assert "never fail this check" in output
    assert output.rstrip().endswith("no breaking changes")


def test_without_a_tag_compares_with_the_last_released_changelog_entry(
    committed: Path, tmp_path: Path
) -> None:
    """Without a tag the baseline is the commit that last changed the newest ## [x.y.z] heading."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(committed), str(clone)], check=True)
    changelog = clone / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    released = text.replace("## [Unreleased]\n", "## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n", 1)
    changelog.write_text(released, encoding="utf-8")
    _git(clone, "commit", "-q", "-am", "release 0.1.0")
    release = subprocess.run(
        ["git", "-C", str(clone), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    # A later change that mentions the version again must not move the baseline.
    (clone / "generated/hubspot_associations_api/api/labels/update_label.py").unlink()
    later = released.replace(
        "## [Unreleased]\n", "## [Unreleased]\n\n### Removed\n- `update_label` since [0.1.0].\n", 1
    )
    changelog.write_text(later + "\n[0.1.0]: https://example.invalid/v0.1.0\n", encoding="utf-8")
    _git(clone, "commit", "-q", "-am", "after the release")

    assert api_diff.last_release_commit(clone) == (release, "## [0.1.0] - 2026-01-01")
    code, output = _run(clone)
    assert code == 0, output
    first = output.splitlines()[0]
    assert first.startswith(f"public API of the working tree against {release[:12]} (")
    assert "no tag; the commit that last changed `## [0.1.0] - 2026-01-01`" in first
    assert "hubspot_associations_api.api.labels.update_label: module removed or renamed" in output

    _git(clone, "tag", "v0.1.1")
    code, output = _run(clone)
    assert "against v0.1.1 (" in output
    assert "the latest tag reachable from HEAD" in output
    assert output.rstrip().endswith("no breaking changes")


def test_unknown_ref_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --against ref is a usage error (exit 2) naming the ref."""
    assert main(["api-diff", "--against", "no-such-ref-for-api-diff"]) == 2
    assert "no-such-ref-for-api-diff" in capsys.readouterr().err
