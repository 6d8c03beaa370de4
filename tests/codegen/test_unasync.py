"""The sync twins are made from the async-first modules, and the maker refuses dead rules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen import unasync

ROOT = Path(__file__).resolve().parents[2]


def test_every_twin_is_what_the_async_source_makes() -> None:
    """Each committed sync twin is exactly the rewrite of its async source (no hand edits)."""
    made = unasync.generate(ROOT)
    for _source, target in unasync.TWINS:
        assert (ROOT / target).read_text(encoding="utf-8") == made[target], target


def test_a_substitution_nothing_needs_fails_the_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that matches no async source stops generation and is named in the error."""
    rules = (*unasync.SUBSTITUTIONS, (r"\bacquire_the_moon\b", "acquire_the_sun"))
    monkeypatch.setattr(unasync, "SUBSTITUTIONS", rules)
    with pytest.raises(unasync.UnusedSubstitutionError, match="acquire_the_moon"):
        unasync.generate(ROOT)


def test_the_twins_carry_no_async_left_over() -> None:
    """No sync twin awaits, imports asyncio or names an Async class."""
    for _source, target in unasync.TWINS:
        text = (ROOT / target).read_text(encoding="utf-8")
        assert "await " not in text, target
        assert "import asyncio" not in text, target
        assert "AsyncBaseTransport" not in text, target
        assert text.startswith("# GENERATED FILE: do not edit."), target


def test_a_sync_twin_behaves_like_its_source() -> None:
    """The generated sync bulk runner accounts for every input, like the async one it came from."""
    from hubspot_associations._bulk import ChunkOutcome
    from hubspot_associations._sync.bulk import run_chunks

    def send(chunk: list[int]) -> ChunkOutcome[int]:
        return ChunkOutcome(succeeded=list(chunk))

    result = run_chunks([[1, 2, 3], [4, 5, 6]], send, total=6, concurrency=2, progress=None)
    assert sorted(result.succeeded) == [1, 2, 3, 4, 5, 6]
    assert result.failed == []


def test_the_emulators_control_client_twin_imports_only_the_emulator() -> None:
    """The generated sync control client lives in the emulator package and imports only emulator
    modules (relative imports), httpx and the standard library: the emulator imports nothing of
    ours."""
    source, target = unasync.EMULATOR_TWIN
    assert target.parent == source.parent
    assert target.parts[:2] == ("emulator", "hubspot_associations_emulator")
    text = (ROOT / target).read_text(encoding="utf-8")
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert imports == [
        "from __future__ import annotations",
        "import datetime",
        "from collections.abc import Mapping, Sequence",
        "from typing import Any, Literal",
        "import httpx",
        "from .values import (",
        "from .webhook_values import (",
    ], imports
    assert "class ControlClient:" in text
    assert "Async" not in text


def test_a_hand_edit_to_the_emulators_twin_fails_the_check(tmp_path: Path) -> None:
    """`python -m codegen check`, run in a copy of the checkout whose emulator sync control client
    was edited by hand, fails and shows that edit in its diff."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\0")  # fmt: skip
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    twin = tmp_path / unasync.EMULATOR_TWIN[1]
    original = '        """Whether the emulator answers."""\n'
    edited = '        """Whether the emulator answers (edited by hand)."""\n'
    assert twin.read_text(encoding="utf-8").count(original) == 1
    twin.write_text(twin.read_text(encoding="utf-8").replace(original, edited), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "codegen", "check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    diff = done.stdout.split(f"--- committed/{unasync.EMULATOR_TWIN[1]}\n", 1)
    assert len(diff) == 2, done.stdout[-3000:]
    hunk = diff[1].split("\n--- committed/", 1)[0]
    assert f"+++ pipeline/{unasync.EMULATOR_TWIN[1]}\n" in hunk
    assert "\n-" + edited in hunk, hunk
    assert "\n+" + original in hunk, hunk
