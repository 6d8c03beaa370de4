"""Hostile and broken files: a clear error and exit 2 with nothing sent, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_hubspot_associations.cli.cli_helpers import (
    TOKEN,
    counts,
    in_process,
    run,
    write_pairs,
    writes,
)

ASSOCIATE = ["--from", "contact", "--to", "company", "--rate-limit", "1000/1"]


def refused(path: Path | str, server: str, *extra: str) -> str:
    """Run associate on ``path`` as a process; assert exit 2, nothing sent; return stderr."""
    ran = run(["associate", str(path), *ASSOCIATE, *extra], server)
    assert ran.code == 2, (ran.code, ran.err)
    assert "Traceback" not in ran.err
    assert writes(server) == 0
    return ran.err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x00\x01\x02binary\xff\xfe\x00" * 50, "NUL byte"),
        ("from_id,to_id\n1,2\nMüller,3\n".encode("latin-1"), "not UTF-8"),
        ("from_id,to_id\n1,2\n".encode("utf-16"), "UTF-16"),
        (b"from_id,to_id\n" + b"1," + b"9" * 200_000 + b"\n", "longer than"),
        (b'{"from": ' + b"[" * 30_000 + b"\n", "not a usable JSON object"),
        (b"", "empty"),
    ],
    ids=["binary", "latin-1", "utf-16", "huge-field", "deep-json", "empty"],
)
def test_unreadable_content_is_refused(
    tmp_path: Path, server: str, content: bytes, expected: str
) -> None:
    """Binary, Latin-1, UTF-16, a field past the csv limit, deep JSON: exit 2 with the reason."""
    suffix = ".jsonl" if expected == "not a usable JSON object" else ".csv"
    source = tmp_path / f"input{suffix}"
    source.write_bytes(content)
    assert expected in refused(source, server)
    assert not list(tmp_path.glob("*.results.jsonl"))


def test_a_directory_or_a_device_is_not_an_input(tmp_path: Path, server: str) -> None:
    """A directory or /dev/zero as the input file is refused at once."""
    assert "is a directory" in refused(tmp_path, server)
    assert "not a regular file" in refused("/dev/zero", server)


def test_an_unreadable_file_is_refused(tmp_path: Path, server: str) -> None:
    """A file the user may not read: exit 2 with "permission denied", as an unprivileged user."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    source.chmod(0o000)
    command = [sys.executable, "-m", "hubspot_associations.cli", "associate", str(source),
               *ASSOCIATE, "--results", "/tmp/never-written.jsonl"]  # fmt: skip
    if os.geteuid() == 0:
        # root reads everything: run as nobody, who cannot read the file either.
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        tmp_path.chmod(0o755)
    env = dict(os.environ, HUBSPOT_ACCESS_TOKEN=TOKEN, HUBSPOT_BASE_URL=server)
    done = subprocess.run(command, capture_output=True, env=env, check=False, timeout=60)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "permission denied" in err.lower()
    assert "Traceback" not in err
    assert writes(server) == 0


@pytest.mark.parametrize("target", ["input", "/dev/full", "/dev/zero", "dir"])
def test_results_must_be_a_regular_file_other_than_the_input(
    tmp_path: Path, server: str, target: str
) -> None:
    """--results naming the input, a device or a directory is refused; the input is unchanged."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2), (3, 4)])
    before = source.read_bytes()
    where = {"input": str(source), "dir": str(tmp_path)}.get(target, target)
    for resume in ([], ["--resume"]):
        err = refused(source, server, "--results", where, *resume)
        assert "--results" in err
    assert source.read_bytes() == before


def test_a_results_file_cut_inside_a_character_resumes(tmp_path: Path, server: str) -> None:
    """A results file whose last line ends inside a UTF-8 character is read up to that line."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2), (3, 4)])
    results = tmp_path / "r.jsonl"
    ran = run(["associate", str(source), *ASSOCIATE, "--results", str(results)], server)
    assert ran.code == 0, ran.err
    lines = results.read_bytes().splitlines(keepends=True)
    cut_bytes = json.dumps({"from": "3", "to": "4", "reason": "é"}, ensure_ascii=False).encode()
    results.write_bytes(b"".join(lines[:2]) + cut_bytes[: cut_bytes.index(b"\xc3") + 1])
    again = run(["associate", str(source), *ASSOCIATE, "--results", str(results), "--resume"],
                server)  # fmt: skip
    assert again.code == 0, again.err
    assert "1 done, 0 failed, 1 skipped" in again.out


@pytest.mark.parametrize("token", ["pat-na1-\x00abc", "abc\ndef", "pat-na1-é-abc", "a\rabc"])
def test_a_token_that_cannot_be_a_header_is_refused_unshown(
    tmp_path: Path, server: str, token: str
) -> None:
    """CR, LF, NUL or non-ASCII in a token (NUL cannot pass argv: in-process): exit 2, unshown."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    code, out, err = in_process(["associate", str(source), *ASSOCIATE, "--token", token], server)
    assert code == 2
    assert "abc" not in out + err
    assert "token" in err
    assert counts(server)["received"] == 0
    assert not list(tmp_path.glob("*.results.jsonl"))


@pytest.mark.parametrize(
    "option",
    [
        ["--rate-limit", "5/inf"],
        ["--rate-limit", "5/nan"],
        ["--rate-limit", "0/10"],
        ["--concurrency", "0"],
        ["--concurrency", "-3"],
        ["--batch-size", "0"],
        ["--to", "compnay"],
        ["--type-id", "279", "--category", "FOO"],
        ["--base-url", "htp:/nowhere"],
        ["--token", "pat-na1-abc\r\nX-Injected: yes"],
        ["--token", "pat-na1-ünicode"],
    ],
    ids=str,
)
def test_bad_options_exit_2_and_write_nothing(
    tmp_path: Path, server: str, option: list[str]
) -> None:
    """Bad options: a clear message, exit 2, no request and no results file; a token never shown."""
    source = write_pairs(tmp_path / "p.csv", [(1, 2)])
    err = refused(source, server, *option)
    assert counts(server)["received"] == 0
    assert not list(tmp_path.glob("*.results.jsonl"))
    if option[0] == "--token":
        assert "abc" not in err
        assert "nicode" not in err
        assert "token" in err


_CELLS = st.one_of(
    st.integers(min_value=-5, max_value=2**64).map(str),
    st.sampled_from(["007", "١٢٣", "１２３", "²", "9" * 5000, "", " 12 ", "1e3", "0x1F", '"3"']),
    st.text(max_size=8),
)
_CSV_LINE = st.builds(lambda a, b, tail: f"{a},{b}{tail}", _CELLS, _CELLS,
                      st.sampled_from(["", ",x", ",", '"']))  # fmt: skip
_JSON_LINE = st.one_of(
    st.builds(lambda a, b: json.dumps({"from": a, "to": b}), _CELLS, _CELLS),
    st.builds(lambda a, b: json.dumps({"from": a, "to": b}),
              st.integers(min_value=-1, max_value=2**70), st.integers(min_value=1, max_value=99)),
    st.sampled_from(["[1, 2]", "{", "null", '{"from": true, "to": 1}', "[" * 2000, "{}"]),
)  # fmt: skip


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file a user might really hand over: near-valid CSV or JSONL, odd encodings, noise."""
    kind = draw(st.sampled_from(["csv", "jsonl", "bytes"]))
    if kind == "bytes":
        return ".csv", draw(st.binary(max_size=300))
    lines = draw(st.lists(_CSV_LINE if kind == "csv" else _JSON_LINE, max_size=8))
    if kind == "csv":
        lines = [draw(st.sampled_from(["from_id,to_id", "from,to", "a,b", ""])), *lines]
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    return (".jsonl" if kind == "jsonl" else ".csv"), data


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hostile_files())
def test_generated_files_never_crash_and_exit_2_sends_nothing(
    tmp_path_factory: pytest.TempPathFactory, emulator_url: str, file: tuple[str, bytes]
) -> None:
    """Any file: exit 0, 1 or 2, no exception; on exit 2 the emulator received no write."""
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / f"input{file[0]}"
    source.write_bytes(file[1])
    before = counts(emulator_url)["writes"]
    code, _, err = in_process(
        ["associate", str(source), *ASSOCIATE, "--progress", "never",
         "--results", str(folder / "r.jsonl")],
        emulator_url,
    )  # fmt: skip
    assert code in (0, 1, 2), err
    if code == 2:
        assert counts(emulator_url)["writes"] == before, err
        assert err.strip()
    shutil.rmtree(folder)
