"""``python -m benchmarks --update-docs`` rewrites only the parts between its markers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from benchmarks.__main__ import (
    DOCS_LINK,
    NAMES,
    SUMMARY,
    SUMMARY_MARKS,
    TABLE_MARKS,
    Results,
    main,
    update_docs,
)

ROOT = Path(__file__).resolve().parent.parent

FAKE = Results(
    {
        "decode_bench": [
            {"name": "decode: json.loads (baseline)", "value": 2.0, "unit": "ms", "ratio": 1.0},
            {"name": "decode: hubspot-associations get_page", "value": 4.0, "unit": "ms", "ratio": 2.0},
            {"name": "decode: hubspot-associations bytes to models", "value": 3.0, "unit": "ms", "ratio": 1.5},
            {"name": "decode: hubspot-api-client get_page (official)", "value": 20.0, "unit": "ms", "ratio": 10.0},
            {"name": "decode: hubspot-api-client bytes to models (official)", "value": 12.0, "unit": "ms", "ratio": 6.0},
        ],
        "bulk_bench": [
            {"name": "bulk 100,000 pairs: hubspot-associations", "inputs_per_s": 9000.0, "ceiling_share": 0.9},
            {"name": "bulk 100,000 pairs: hubspot-api-client loop", "inputs_per_s": 2250.0, "ceiling_share": 0.225},
        ],
        "accounting_bench": [
            {"name": "fake release", "inputs": 7, "lost": 0, "duplicated": 0, "without_reason": 0},
        ],
    },
    machine="fake-machine, Python 0.0",
)  # fmt: skip


def _outside(text: str, marks: tuple[str, str]) -> tuple[str, str]:
    """What precedes the start marker and what follows the end marker."""
    return text[: text.index(marks[0])], text[text.index(marks[1]) :]


def _inside(text: str, marks: tuple[str, str]) -> str:
    """The block between the two markers."""
    return text[text.index(marks[0]) + len(marks[0]) : text.index(marks[1])]


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of README.md and docs/benchmarks.md in a temporary directory."""
    readme, docs = tmp_path / "README.md", tmp_path / "benchmarks.md"
    shutil.copyfile(ROOT / "README.md", readme)
    shutil.copyfile(ROOT / "docs" / "benchmarks.md", docs)
    return readme, docs


def test_update_docs_rewrites_only_between_the_markers(copies: tuple[Path, Path]) -> None:
    """Both files change between their markers, with the fake figures, and nowhere else."""
    readme, docs = copies
    readme_before, docs_before = readme.read_text(), docs.read_text()
    update_docs(FAKE, readme, docs)
    readme_after, docs_after = readme.read_text(), docs.read_text()
    assert _outside(readme_after, SUMMARY_MARKS) == _outside(readme_before, SUMMARY_MARKS)
    assert _outside(docs_after, TABLE_MARKS) == _outside(docs_before, TABLE_MARKS)
    tables = _inside(docs_after, TABLE_MARKS)
    assert tables != _inside(docs_before, TABLE_MARKS)
    assert "Machine: fake-machine, Python 0.0." in tables
    assert "| decode: hubspot-api-client get_page (official) | 20 | ms | 10 |" in tables
    assert "| fake release | 7 | 0 | 0 | 0 |" in tables
    summary = _inside(readme_after, SUMMARY_MARKS)
    assert "**5.0× faster** than `hubspot-api-client`" in summary  # get_page: 10 / 2
    assert "bytes to models alone 4.0×" in summary  # 6 / 1.5, like with like
    assert "`get_page` 2.0× `json.loads`" in summary
    assert "**4.0× faster** than `hubspot-api-client` (90.0% of" in summary  # bulk: 9000 / 2250
    assert "7 inputs with faults: 0 lost, 0 duplicated" in summary


def test_partial_run_keeps_the_other_suites(copies: tuple[Path, Path]) -> None:
    """A run of some suites (``--only``) keeps every other suite's table and summary line."""
    readme, docs = copies
    update_docs(FAKE, readme, docs)
    tables, summary = (
        _inside(docs.read_text(), TABLE_MARKS),
        _inside(readme.read_text(), SUMMARY_MARKS),
    )
    for name in NAMES:
        assert f"\n### {name}\n" in tables, name
        assert f"- **{SUMMARY[name][0]}**: " in summary, name
    headings = re.findall(r"^### ([a-z_]+)$", tables, re.MULTILINE)
    assert headings == NAMES


def test_update_docs_twice_gives_the_same_files(copies: tuple[Path, Path]) -> None:
    """Writing the same results again changes nothing (no marker or blank line piles up)."""
    readme, docs = copies
    update_docs(FAKE, readme, docs)
    once = readme.read_text(), docs.read_text()
    update_docs(FAKE, readme, docs)
    assert (readme.read_text(), docs.read_text()) == once


def test_readme_has_one_summary_line_per_benchmark_and_the_link() -> None:
    """The README's summary has a line per suite with its ratio or counterpart, linking the page."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in _inside(text, SUMMARY_MARKS).splitlines() if line.strip()]
    assert [line.split("**")[1] for line in lines] == [SUMMARY[name][0] for name in NAMES]
    for line, name in zip(lines, NAMES, strict=True):
        assert "hubspot-api-client" in line, line
        assert f"]({DOCS_LINK}#{name})" in line, line
    assert f"[{DOCS_LINK}]({DOCS_LINK})" in text
    assert "<!-- bench-table -->" not in text  # the full tables live on the docs page


def test_docs_page_has_every_table() -> None:
    """docs/benchmarks.md holds one table per suite between its markers."""
    tables = _inside((ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8"), TABLE_MARKS)
    assert re.findall(r"^### ([a-z_]+)$", tables, re.MULTILINE) == NAMES
    assert tables.count("\n|---") == len(NAMES)


def test_missing_markers_are_refused(tmp_path: Path) -> None:
    """A file without the markers is an error naming it, and neither file is written."""
    readme, docs = tmp_path / "README.md", tmp_path / "benchmarks.md"
    readme.write_text("no markers\n")
    docs.write_text(f"{TABLE_MARKS[0]}\nold\n{TABLE_MARKS[1]}\n")
    with pytest.raises(ValueError, match=r"README\.md"):
        update_docs(FAKE, readme, docs)
    assert docs.read_text() == f"{TABLE_MARKS[0]}\nold\n{TABLE_MARKS[1]}\n"


def test_update_readme_is_a_deprecated_alias(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--update-readme`` warns and then does what ``--update-docs`` does."""
    written: list[Results] = []
    monkeypatch.setattr("benchmarks.__main__.update_docs", written.append)
    monkeypatch.setattr("benchmarks.__main__.SUITES", [])
    monkeypatch.setattr("benchmarks.__main__.NAMES", [])
    assert main(["--update-readme"]) == 0
    assert "deprecated" in capsys.readouterr().err
    assert len(written) == 1
