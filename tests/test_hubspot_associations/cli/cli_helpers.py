"""What the CLI tests share: running the command, writing inputs, reading the emulator's state."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from hubspot_associations.cli import main

TOKEN = "emulator-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Ran:
    """One finished command: exit code and what it printed."""

    code: int
    out: str
    err: str


def run(args: list[str], server: str, *, stdin: bytes | None = None, **env: str) -> Ran:
    """The command as its own process, as an operator runs it, pointed at ``server``."""
    environment = {**os.environ, "HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_BASE_URL": server, **env}
    done = subprocess.run(
        [sys.executable, "-m", "hubspot_associations.cli", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=300,
        check=False,
    )
    return Ran(done.returncode, done.stdout.decode(), done.stderr.decode())


def write_pairs(path: Path, pairs: list[tuple[int, int]], *, jsonl: bool = False) -> Path:
    """A CSV (from_id,to_id header) or JSONL file of pairs."""
    if jsonl:
        path.write_text("".join(json.dumps({"from": a, "to": b}) + "\n" for a, b in pairs))
    else:
        path.write_text("from_id,to_id\n" + "".join(f"{a},{b}\n" for a, b in pairs))
    return path


def result_lines(path: Path) -> list[dict[str, Any]]:
    """The result lines of a results file, after its job identity line."""
    lines = path.read_text().splitlines()
    assert "hubspot_associations_results" in json.loads(lines[0])
    return [json.loads(line) for line in lines[1:]]


def statuses(path: Path) -> dict[tuple[str, str], str]:
    """The last status the results file records for each pair."""
    return {(row["from"], row["to"]): row["status"] for row in result_lines(path)}


def linked(server: str, from_type: str, record: int | str, to_type: str) -> dict[str, list[Any]]:
    """What the emulator stores from one record: to ID -> its association type IDs."""
    url = f"{server}/crm/v4/objects/{from_type}/{record}/associations/{to_type}?limit=500"
    page = httpx.get(url, headers=HEADERS).json()
    return {
        str(r["toObjectId"]): sorted(t["typeId"] for t in r["associationTypes"])
        for r in page["results"]
    }


def counts(server: str) -> dict[str, Any]:
    """The emulator's request counts since its last reset."""
    answer: dict[str, Any] = httpx.get(f"{server}/_emulator/requests").json()
    return answer


def writes(server: str) -> int:
    """How many write requests the emulator received since its last reset."""
    return int(counts(server)["writes"])


def reset(server: str) -> None:
    """Empty the emulator and its request counts."""
    httpx.post(f"{server}/_emulator/reset").raise_for_status()


def in_process(args: list[str], server: str) -> tuple[int, str, str]:
    """The command in this process (fast enough for hundreds of Hypothesis examples)."""
    out, err = io.StringIO(), io.StringIO()
    environ = {"HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_BASE_URL": server}
    saved = {k: os.environ.get(k) for k in environ}
    os.environ.update(environ)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return code, out.getvalue(), err.getvalue()


def typed_state(text: str) -> set[tuple[str, str, str, str]]:
    """An export's associations as (from, to, category, typeId or label): custom types by label,
    as custom type IDs belong to one portal."""
    found = set()
    for line in text.splitlines():
        row = json.loads(line)
        for kind in row["types"]:
            key = str(kind["typeId"]) if kind["category"] == "HUBSPOT_DEFINED" else kind["label"]
            found.add((row["from"], row["to"], kind["category"], key))
    return found
