"""Files people really have: spreadsheets' CSV (RFC 4180), HubSpot's exports, JSONL, checked by
what the emulator holds afterwards."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.test_hubspot_associations.cli.cli_helpers import (
    HEADERS,
    counts,
    in_process,
    linked,
    reset,
    result_lines,
    run,
    typed_state,
    writes,
)

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "docs" / "samples" / "hubspot-contacts-export.csv"
FAST = ["--rate-limit", "1000/1", "--progress", "never"]
PAIR = ["--from", "contact", "--to", "company"]
POOL = range(1, 5)  # few IDs, so generated files repeat pairs


def stored(server: str, records: range = POOL) -> set[tuple[str, str]]:
    """Every (contact, company) pair the emulator holds from the given contacts."""
    return {(str(r), to) for r in records for to in linked(server, "contact", r, "company")}


def test_hubspots_export_is_used_as_it_is(tmp_path: Path, server: str) -> None:
    """docs/samples' HubSpot export (BOM, CRLF, quoted multi-line note, `;` ID lists, an empty
    list, a trailing blank line) associates exactly its pairs with no option."""
    source = tmp_path / "export.csv"
    source.write_bytes(SAMPLE.read_bytes())
    ran = run(["associate", str(source), *PAIR, *FAST], server)
    assert ran.code == 0, ran.err
    assert "3 done" in ran.out
    assert "1 blank line(s) ignored, 1 line(s) with no target ID" in ran.out
    assert stored(server, range(100, 104)) == {("101", "9001"), ("101", "9002"), ("103", "9003")}
    lines = {(r["from"], r["to"]): r["line"] for r in result_lines(
        source.with_name("export.csv.associate-contact-company.results.jsonl"))}  # fmt: skip
    assert lines == {("101", "9001"): 2, ("101", "9002"): 2, ("103", "9003"): 5}


@pytest.mark.parametrize(
    ("text", "extra", "pairs"),
    [
        ("Deal ID;Company ID\n1;2\n3;4\n", ["--from", "deal"], {("1", "2"), ("3", "4")}),
        ("from_id\tto_id\n1\t2\n", [], {("1", "2")}),
        (
            "a|b\n1|5\n",
            ["--delimiter", "pipe", "--from-column", "a", "--to-column", "b"],
            {("1", "5")},
        ),
        (
            "x;y\n1;6\n",
            ["--delimiter", ";", "--from-column", "X", "--to-column", "y"],
            {("1", "6")},
        ),
        ('From ID,To ID,Note\n1,7,"a, b\nc"\n\n\n', [], {("1", "7")}),
    ],
    ids=["hubspot-deal-company-semicolon", "tab", "forced-pipe", "named-columns", "spaced-names"],
)
def test_delimiters_and_columns(
    tmp_path: Path, server: str, text: str, extra: list[str], pairs: set[tuple[str, str]]
) -> None:
    """`;` and tab are detected, any delimiter can be forced, columns can be named."""
    source = tmp_path / "p.csv"
    source.write_text(text)
    args = ["associate", str(source), "--to", "company", *FAST, *extra]
    ran = run([*args, *([] if "--from" in extra else ["--from", "contact"])], server)
    assert ran.code == 0, ran.err
    from_type = "deal" if "--from" in extra else "contact"
    got = {(str(r), to) for r in range(1, 5) for to in linked(server, from_type, r, "company")}
    assert got == pairs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from_id,to_id,from\n1,2,3\n", "could hold the from IDs"),
        ("from_id,to_id,to_id\n1,2,3\n", "could hold the to IDs"),
        ("Record ID,Associated Company IDs,Company ID\n1,2,3\n", "--to-column"),
        ("a,b\n1,2\n", "needs a from_id and a to_id column"),
        ("from_id;to_id\n1;2\n", "--delimiter"),
    ],
    ids=["two-from", "repeated-to", "two-hubspot-targets", "unknown", "wrong-forced-delimiter"],
)
def test_ambiguous_or_unknown_headers_are_refused(
    tmp_path: Path, server: str, text: str, expected: str
) -> None:
    """A header with two candidate columns, or none, is refused at its line with the option
    that settles it; nothing is sent."""
    source = tmp_path / "p.csv"
    source.write_text(text)
    forced = ["--delimiter", "tab"] if "wrong" in expected or text.startswith("from_id;") else []
    ran = run(["associate", str(source), *PAIR, *FAST, *forced], server)
    assert ran.code == 2, ran.err
    assert "p.csv:1:" in ran.err
    assert expected in ran.err
    assert writes(server) == 0


def test_jsonl_ambiguity_and_json_spelling(tmp_path: Path, server: str) -> None:
    """A repeated JSON key is refused with its line; values are quoted as JSON spells them; with
    --json every problem is a JSON object on stdout while the text stays on stderr."""
    source = tmp_path / "p.jsonl"
    source.write_text('{"from": 1, "to": 2, "from": 3}\n{"from": true, "to": null}\n'
                      '{"from": "1", "to": [2, 3]}\n{"from": 1.5, "to": 2}\n')  # fmt: skip
    ran = run(["associate", str(source), *PAIR, *FAST, "--json"], server)
    assert ran.code == 2
    assert 'p.jsonl:1: the key "from" appears more than once' in ran.err
    assert "p.jsonl:2: from true is a boolean" in ran.err
    assert "True" not in ran.err
    assert "p.jsonl:4: from 1.5 is not a record ID" in ran.err
    answer = json.loads(ran.out)
    assert answer["error"] == "input_file"
    assert answer["total"] == 4
    assert [(p["line"], p["column"], p["value"]) for p in answer["problems"]] == [
        (1, None, None), (2, "from", True), (2, "to", None), (4, "from", 1.5)]  # fmt: skip
    assert writes(server) == 0


def test_json_on_exit_2_lists_every_problem_and_usage_errors(tmp_path: Path, server: str) -> None:
    """--json: a file with 60 bad lines gives all 60 (the text shows 20); a bad option gives a
    usage object."""
    source = tmp_path / "p.csv"
    source.write_text("from_id,to_id\n" + "".join(f"x{i},1\n" for i in range(60)))
    ran = run(["associate", str(source), *PAIR, *FAST, "--json"], server)
    assert ran.code == 2
    problems = json.loads(ran.out)["problems"]
    assert [p["line"] for p in problems] == list(range(2, 62))
    assert problems[0] == {"line": 2, "column": "from_id", "value": "x0",
                           "reason": "is not a record ID (ASCII digits 0-9 only)"}  # fmt: skip
    assert "… and 40 more" in ran.err
    bad = run(["associate", str(source), *PAIR, "--batch-size", "0", "--json"], server)
    assert bad.code == 2
    assert json.loads(bad.out)["error"] == "usage"
    assert "--batch-size" in json.loads(bad.out)["message"]


def test_duplicates_are_sent_once_and_listed(tmp_path: Path, server: str) -> None:
    """Repeated pairs: each sent once, the repeats in the results file as `duplicate of line N`
    and counted in the summary; --strict refuses them instead."""
    source = tmp_path / "p.csv"
    source.write_text("from_id,to_id\n1,2\n1,2\n3,4\n1,002\n")
    ran = run(["associate", str(source), *PAIR, *FAST, "--json"], server)
    assert ran.code == 0, ran.err
    summary = json.loads(ran.out)
    assert (summary["done"], summary["duplicates"]) == (2, 2)
    results = result_lines(Path(summary["results_file"]))
    repeats = {r["line"]: r["duplicate_of"] for r in results if r["status"] == "duplicate"}
    assert repeats == {3: 2, 5: 2}
    assert counts(server)["operations"]["batch_associate_default"] == 1
    assert stored(server) == {("1", "2"), ("3", "4")}
    strict = run(["associate", str(source), *PAIR, *FAST, "--strict"], server)
    assert strict.code == 2
    assert "p.csv:3: duplicate of line 2" in strict.err


def test_skip_invalid_sends_the_rest_and_resume_stays_exact(tmp_path: Path, server: str) -> None:
    """--skip-invalid: valid lines sent, each invalid one in FILE (the input's delimiter, its
    line and reason), exit 1; the results file lists them; --resume sends nothing again."""
    source = tmp_path / "p.csv"
    source.write_text('a;b;note\n1;2;"x;y"\nzz;3;n\n4;5;\n6;;m\n')
    rejected = tmp_path / "rejected.csv"
    args = ["associate", str(source), *PAIR, *FAST, "--from-column", "a", "--to-column", "b",
            "--skip-invalid", str(rejected)]  # fmt: skip
    ran = run(args, server)
    assert ran.code == 1, ran.err
    assert "2 invalid line(s) set aside" in ran.out
    assert stored(server) == {("1", "2"), ("4", "5")}
    rows = list(csv.reader(io.StringIO(rejected.read_text()), delimiter=";"))
    assert rows[0] == ["a", "b", "note", "input_line", "reason"]
    assert [(r[0], r[3]) for r in rows[1:]] == [("zz", "3"), ("6", "5")]
    assert 'a "zz" is not a record ID' in rows[1][4]
    [results] = tmp_path.glob("p.csv.associate-contact-company-*skip-invalid.results.jsonl")
    invalid = [r["line"] for r in result_lines(results) if r["status"] == "invalid"]
    assert invalid == [3, 5]
    before = writes(server)
    again = run([*args, "--resume"], server)
    assert again.code == 1, again.err
    assert "0 done, 0 failed, 2 skipped" in again.out
    assert writes(server) == before
    # The fixed file goes back in as it is: the two added columns are ignored.
    rejected.write_text(rejected.read_text().replace("zz", "7").replace("6;;", "6;8;"))
    fixed = run(["associate", str(rejected), *PAIR, *FAST, "--from-column", "a", "--to-column",
                 "b"], server)  # fmt: skip
    assert fixed.code == 0, fixed.err
    assert stored(server, range(1, 9)) == {("1", "2"), ("4", "5"), ("7", "3"), ("6", "8")}


def test_results_names_keep_jobs_apart_and_old_names_resume(tmp_path: Path, server: str) -> None:
    """Default, --primary, --label and --type-id jobs on one file get their own results files;
    --resume still finds a results file under 0.2's name; a new option joins the identity."""
    source = tmp_path / "p.csv"
    source.write_text("from_id,to_id\n1,2\n")
    httpx.post(f"{server}/crm/v4/associations/contact/company/labels", headers=HEADERS,
               json={"name": "buyer", "label": "Buyer"}).raise_for_status()  # fmt: skip
    for extra in ([], ["--primary"], ["--label", "Buyer"], ["--type-id", "279"]):
        ran = run(["associate", str(source), *PAIR, *FAST, *extra], server)
        assert ran.code == 0, (extra, ran.err)
    names = sorted(p.name.removeprefix("p.csv.") for p in tmp_path.glob("*.results.jsonl"))
    assert names == ["associate-contact-company-label-buyer.results.jsonl",
                     "associate-contact-company-primary.results.jsonl",
                     "associate-contact-company-type-279.results.jsonl",
                     "associate-contact-company.results.jsonl"]  # fmt: skip
    # 0.2 wrote a --primary job's results under the plain name: --resume finds them there.
    old = tmp_path / "p.csv.associate-contact-company.results.jsonl"
    (tmp_path / "p.csv.associate-contact-company-primary.results.jsonl").rename(old)
    before = writes(server)
    again = run(["associate", str(source), *PAIR, *FAST, "--primary", "--resume"], server)
    assert again.code == 0, again.err
    assert "1 skipped" in again.out
    assert str(old) in again.out
    assert writes(server) == before
    strict = run(["associate", str(source), *PAIR, *FAST, "--primary", "--resume", "--results",
                  str(old), "--strict"], server)  # fmt: skip
    assert strict.code == 2
    assert "strict: False there, True now" in strict.err


def test_export_writes_types_and_the_copy_goes_into_another_portal(
    tmp_path: Path, server: str
) -> None:
    """export --json gives from, to and types {typeId, category, label}; its CSV (one row per
    type, a `|` inside a label) fed to a second, empty emulator with --types-from-file copies
    every association, labels matched by name; remove-label --types-from-file undoes the labels."""
    from hubspot_associations_emulator import EmulatorConfig, serve_in_thread

    label = {"name": "buyer", "label": "Buyer|main"}
    httpx.post(f"{server}/crm/v4/associations/contact/company/labels", headers=HEADERS,
               json=label).raise_for_status()  # fmt: skip
    pairs = tmp_path / "p.csv"
    pairs.write_text("from_id,to_id\n1,2\n1,3\n4,5\n")
    assert run(["associate", str(pairs), *PAIR, *FAST], server).code == 0
    assert run(["associate", str(pairs), *PAIR, *FAST, "--label", "Buyer|main"], server).code == 0
    ids = tmp_path / "ids.csv"
    ids.write_text("Record ID\n1\n4\n")
    exported = run(["export", str(ids), *PAIR, *FAST[:2], "--json"], server)
    assert exported.code == 0, exported.err
    first = json.loads(exported.out.splitlines()[0])
    assert first["from"] == "1"
    assert {"typeId": 279, "category": "HUBSPOT_DEFINED", "label": None} in first["types"]
    assert any(t["label"] == "Buyer|main" and t["category"] == "USER_DEFINED"
               for t in first["types"])  # fmt: skip
    copy = tmp_path / "copy.csv"
    assert run(["export", str(ids), *PAIR, *FAST[:2], "--out", str(copy)], server).code == 0
    source_state = typed_state(exported.out)
    with serve_in_thread(EmulatorConfig()) as other:
        # Another portal numbers its custom types differently: a filler label first.
        for made in ({"name": "filler", "label": "Filler"}, label):
            httpx.post(f"{other.base_url}/crm/v4/associations/contact/company/labels",
                       headers=HEADERS, json=made).raise_for_status()  # fmt: skip
        copied = run(["associate", str(copy), *PAIR, *FAST, "--types-from-file"], other.base_url)
        assert copied.code == 0, copied.err
        again = run(["export", str(ids), *PAIR, *FAST[:2], "--json"], other.base_url)
        assert typed_state(again.out) == source_state
        undo = run(["remove-label", str(copy), *PAIR, *FAST, "--types-from-file"],
                   other.base_url)  # fmt: skip
        assert undo.code == 0, undo.err
        assert linked(other.base_url, "contact", 1, "company") == {}


def test_a_label_the_other_portal_lacks_is_refused_before_sending(
    tmp_path: Path, server: str
) -> None:
    """--types-from-file naming a label the portal does not have: exit 2, the command to create
    it, nothing sent."""
    source = tmp_path / "copy.csv"
    source.write_text("from_id,to_id,type_id,category,label\n1,2,1200,USER_DEFINED,Nowhere\n")
    ran = run(["associate", str(source), *PAIR, *FAST, "--types-from-file"], server)
    assert ran.code == 2
    assert "'Nowhere'" in ran.err
    assert "labels create contact company" in ran.err
    assert writes(server) == 0


# The property: generated files, either refused with exactly their bad lines, or sent exactly. --

_GOOD = st.sampled_from([str(i) for i in POOL] + ["0" + str(POOL[0]), f" {POOL[1]} "])
_BAD = st.sampled_from(["abc", "0", "-1", "１２", "1.5", "1e3", "²"])
_NOTE = st.text(st.sampled_from("ab ,;\t\"'\n"), max_size=8)


@st.composite
def cells(draw: st.DrawFn, *, listed: bool) -> tuple[str, list[str] | None]:
    """A cell's text and its canonical IDs (None: invalid). HubSpot's lists may be empty."""
    ids = draw(st.lists(st.one_of(_GOOD, _BAD), min_size=0 if listed else 1, max_size=3))
    if not listed and len(ids) > 1 and draw(st.booleans()):
        ids = ids[:1]
    parsed = [i.strip().lstrip("0") for i in ids]
    valid = all(p.isascii() and p.isdigit() and p for p in parsed)
    if not ids and not listed:
        return "", None
    return ";".join(ids), (parsed if valid else None)


@st.composite
def pair_files(draw: st.DrawFn) -> tuple[str, bytes, set[int], set[tuple[str, str]]]:
    """(suffix, bytes, bad lines, distinct valid pairs) of a generated CSV or JSONL file."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    if draw(st.booleans()):
        return _jsonl(draw, newline, bom)
    hubspot = draw(st.booleans())
    names = ["Record ID", "Associated Company IDs"] if hubspot else ["from_id", "to_id"]
    extra = draw(st.sampled_from([[], ["Notes"], ["Notes", "Email"]]))
    order = draw(st.permutations(range(2 + len(extra))))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    quote_all = draw(st.booleans())
    out = io.StringIO()
    writer = (
        csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator=newline)
        if quote_all
        else csv.writer(out, delimiter=delimiter, lineterminator=newline)
    )
    writer.writerow([([*names, *extra])[i] for i in order])
    bad: set[int] = set()
    pairs: set[tuple[str, str]] = set()
    for _ in range(draw(st.integers(0, 7))):
        for _ in range(draw(st.integers(0, 1))):
            out.write(newline)  # a blank line
        line = out.getvalue().count("\n") + 1
        from_text, froms = draw(cells(listed=False))
        to_text, tos = draw(cells(listed=hubspot))
        row = [from_text, to_text, *(draw(_NOTE) for _ in extra)]
        cut = draw(st.integers(0, 9)) == 0  # a short row: one column missing
        values = [row[i] for i in order][: -1 if cut else None]
        if not any(v.strip() for v in values):
            pass  # a row of empty cells is a blank line, as spreadsheets save them
        elif cut or froms is None or tos is None:
            bad.add(line)
        else:
            pairs |= {(f, t) for f in froms for t in tos}  # a cell of several IDs: each pair
        writer.writerow(values)
    return ".csv", bom + out.getvalue().encode(), bad, pairs


def _jsonl(
    draw: st.DrawFn, newline: str, bom: bytes
) -> tuple[str, bytes, set[int], set[tuple[str, str]]]:
    lines: list[str] = []
    bad: set[int] = set()
    pairs: set[tuple[str, str]] = set()
    for _ in range(draw(st.integers(0, 7))):
        if draw(st.integers(0, 4)) == 0:
            lines.append("")
            continue
        from_text, froms = draw(cells(listed=False))
        to_text, tos = draw(cells(listed=False))
        as_list = draw(st.booleans()) and tos is not None
        value: object = tos if as_list else to_text
        item = json.dumps({"from": from_text, "to": value, "note": draw(_NOTE)})
        if draw(st.integers(0, 9)) == 0:
            item = item[:-1] + ', "from": "1"}'  # a repeated key
            froms = None
        if froms is None or tos is None:
            bad.add(len(lines) + 1)
        else:
            pairs |= {(f, t) for f in froms for t in tos}
        lines.append(item)
    return ".jsonl", bom + newline.join(lines).encode() + newline.encode(), bad, pairs


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(pair_files(), st.booleans())
def test_generated_files_are_refused_by_line_or_sent_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    emulator_url: str,
    file: tuple[str, bytes, set[int], set[tuple[str, str]]],
    skip: bool,
) -> None:
    """Any generated file: exit 2 naming exactly its bad lines, nothing sent; or (also with
    --skip-invalid) exactly its distinct valid pairs in the emulator, the bad lines set aside."""
    suffix, data, bad, pairs = file
    note(f"{suffix} {data!r} bad={sorted(bad)} pairs={sorted(pairs)}")
    reset(emulator_url)
    folder = tmp_path_factory.mktemp("real")
    source = folder / f"input{suffix}"
    source.write_bytes(data)
    rejected = folder / f"rejected{suffix}"
    extra = ["--skip-invalid", str(rejected)] if skip else []
    code, out, err = in_process(["associate", str(source), *PAIR, *FAST, "--json", *extra,
                                 "--results", str(folder / "r.jsonl")], emulator_url)  # fmt: skip
    if not pairs and not (skip and bad):
        assert code == 2, err
        assert counts(emulator_url)["writes"] == 0
        return
    if bad and not skip:
        assert code == 2, err
        assert {p["line"] for p in json.loads(out)["problems"]} == bad, err
        assert counts(emulator_url)["writes"] == 0
        return
    assert code == (1 if bad else 0), err
    assert stored(emulator_url) == pairs
    if bad:
        kept = rejected.read_text(encoding="utf-8")
        if suffix == ".jsonl":
            lines = {json.loads(line)["input_line"] for line in kept.splitlines()}
        else:
            header = kept.splitlines()[0]
            [delimiter] = [d for d in ",;\t" if header.endswith(f"input_line{d}reason")]
            rows = list(csv.reader(io.StringIO(kept), delimiter=delimiter))
            lines = {int(r[-2]) for r in rows[1:]}
        assert lines == bad
