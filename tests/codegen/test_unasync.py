"""The sync twins are made from the async-first modules, and the maker refuses dead rules."""

from __future__ import annotations

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
