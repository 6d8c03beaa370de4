"""``--token-command`` and exit 3 through the real command (a subprocess) against a loopback
server: a job outlives its first token, a failing command is shown and stops the run, the
token's two sources are refused together, and a missing scope prints the scopes to add."""

from __future__ import annotations

import json
import shlex
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from hubspot_associations import TokenProviderError
from hubspot_associations.cli import _token_command, main
from hubspot_associations.cli._token_command import TokenCommand
from tests.test_hubspot_associations.cli.cli_helpers import result_lines, run, write_pairs
from tests.test_hubspot_associations.token_server import BATCH_ANSWER, EXPIRED, Seen, serve

# Prints t1, t2, … (one more each run, counted in the file given), or fails when told to.
TOKEN_SCRIPT = """\
import pathlib, sys
counter = pathlib.Path(sys.argv[1])
if len(sys.argv) > 2:
    print("vault: permission denied for secret/hubspot", file=sys.stderr)
    sys.exit(1)
runs = int(counter.read_text()) + 1 if counter.exists() else 1
counter.write_text(str(runs))
print(f"  t{runs}  ")
"""
MISSING_SCOPES: Any = {
    "status": "error",
    "message": "This app hasn't been granted all required scopes to make this call.",
    "category": "MISSING_SCOPES",
    "errors": [{"message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": ["crm.objects.contacts.write",
                                                       "crm.objects.companies.write"]}}],
}  # fmt: skip


def _command(tmp_path: Path, *extra: str) -> str:
    """The command line of TOKEN_SCRIPT (run() sets HUBSPOT_ACCESS_TOKEN: the tests pass it
    empty, as --token-command refuses a second source)."""
    script = tmp_path / "print_token.py"
    script.write_text(TOKEN_SCRIPT)
    return shlex.join([sys.executable, str(script), str(tmp_path / "runs"), *extra])


def _done(request: Seen) -> Any:
    """HubSpot's batch associate_default answer, every pair of the request done."""
    pairs = [(i["from"]["id"], i["to"]["id"]) for i in json.loads(request.body)["inputs"]]
    spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}
    return {**BATCH_ANSWER, "results": [{"from": {"id": a}, "to": {"id": b},
                                         "associationSpec": spec} for a, b in pairs]}  # fmt: skip


def test_a_bulk_job_outlives_its_token_by_running_the_command_again(tmp_path: Path) -> None:
    """t1 expires after two requests: the third is refused, the command runs once more and the
    job ends with every pair done, each request after the refusal carrying t2."""
    lock = threading.Lock()

    def answer(request: Seen) -> tuple[int, Any]:
        with lock:
            used = sum(1 for r in seen if r.token == "t1")
        if request.token == "t2" or (request.token == "t1" and used <= 2):
            return 200, _done(request)
        return 401, EXPIRED

    pairs = write_pairs(tmp_path / "pairs.csv", [(n, n + 100) for n in range(1, 6)])
    with serve(answer) as server:
        seen = server.seen
        ran = run(["associate", str(pairs), "--from", "contact", "--to", "company",
                   "--batch-size", "1", "--concurrency", "1", "--rate-limit", "1000/1",
                   "--token-command", _command(tmp_path)], server.url,
                  HUBSPOT_ACCESS_TOKEN="")  # fmt: skip
    assert ran.code == 0, ran.err
    assert (tmp_path / "runs").read_text() == "2"
    assert [r.token for r in seen] == ["t1", "t1", "t1", "t2", "t2", "t2"]
    results = pairs.with_name("pairs.csv.associate-contact-company.results.jsonl")
    assert {row["status"] for row in result_lines(results)} == {"done"}


def test_a_failing_command_exits_3_showing_its_stderr(tmp_path: Path) -> None:
    """A command exiting 1: exit 3, its standard error shown, nothing sent; with --json an
    error object of kind token."""
    with serve(lambda request: (200, {"results": []})) as server:
        ran = run(["labels", "list", "contact", "company", "--json",
                   "--token-command", _command(tmp_path, "fail")], server.url,
                  HUBSPOT_ACCESS_TOKEN="")  # fmt: skip
        assert server.seen == []
    assert ran.code == 3
    assert "exited 1; its standard error:\nvault: permission denied" in ran.err
    assert json.loads(ran.out)["error"] == "token"


# Starts `sleep 600` (its PID written to the file given), then as told: "foreground" waits for
# it, "ignores-sigterm" too but survives SIGTERM, "background" prints a token and exits, the
# sleep still holding its standard output.
WRAPPER_SCRIPT = """\
import pathlib, signal, subprocess, sys
mode = sys.argv[2]
if mode == "ignores-sigterm":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen(["sleep", "600"])
pathlib.Path(sys.argv[1]).write_text(str(child.pid))
if mode == "background":
    print("t1", flush=True)
    sys.exit(0)
child.wait()
"""


def _ended(pid: int) -> bool:
    """Whether the process has ended (a zombie waiting to be reaped has), waiting a moment: a
    killed process closes its files (the command's output ends) a little before it is gone."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to see the children")
@pytest.mark.parametrize("mode", ["foreground", "ignores-sigterm", "background"])
def test_the_command_is_stopped_with_what_it_started(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrapper past its time is stopped with its children (SIGTERM to its process group, then
    SIGKILL for one that ignores it): exit 3's error, no `sleep 600` left. One that printed its
    token and exited while a background child holds its output gives the token at once, and
    the child is stopped too."""
    monkeypatch.setattr(_token_command, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(_token_command, "GRACE_SECONDS", 0.2)
    script = tmp_path / "wrapper.py"
    script.write_text(WRAPPER_SCRIPT)
    pid_file = tmp_path / "sleep.pid"
    command = TokenCommand(shlex.join([sys.executable, str(script), str(pid_file), mode]))
    started = time.monotonic()
    if mode == "background":
        assert command() == "t1"
    else:
        with pytest.raises(TokenProviderError, match=r"did not finish in 0\.5 s and was stopped"):
            command()
    assert time.monotonic() - started < 5
    assert _ended(int(pid_file.read_text()))


def test_a_command_printing_more_than_the_token_is_refused_so(tmp_path: Path) -> None:
    """Two non-empty lines on stdout: an error counting them that says to print only the
    token, not the advice for a pasted token, and neither line shown."""
    script = tmp_path / "chatty.py"
    script.write_text('print("Logging in to vault...")\nprint()\nprint("pat-na1-secret")\n')
    with pytest.raises(TokenProviderError) as raised:
        TokenCommand(shlex.join([sys.executable, str(script)]))()
    said = str(raised.value)
    assert "printed 2 lines on its standard output; it must print only the token" in said
    assert "copy it again" not in said
    assert "pat-na1-secret" not in said
    assert "Logging in" not in said


@pytest.mark.parametrize("refusal", ["missing-scope", "failing-command"])
def test_a_stopped_job_prints_its_reason_once_and_keeps_it_for_each_input(
    refusal: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A job stopped by a 403 MISSING_SCOPES or a failing --token-command: the reason once on
    stderr, each listed input with only its status, and every line of the results file with
    the full reason (in this process: the command's code without a process's start-up)."""
    pairs = write_pairs(tmp_path / "pairs.csv", [(n, n + 100) for n in range(1, 13)])
    args = ["associate", str(pairs), "--from", "contact", "--to", "company", "--batch-size",
            "1", "--concurrency", "1", "--rate-limit", "1000/1"]  # fmt: skip
    if refusal == "failing-command":
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "")
        args += ["--token-command", _command(tmp_path, "fail")]
        said = "vault: permission denied for secret/hubspot"
    else:
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "t1")
        said = "This app hasn't been granted all required scopes"
    with serve(lambda request: (403, MISSING_SCOPES)) as server:
        monkeypatch.setenv("HUBSPOT_BASE_URL", server.url)
        assert main(args) == 3
    err = capsys.readouterr().err
    assert err.count(said) == 1, err
    listed = [line for line in err.splitlines() if "→" in line]
    assert len(listed) == 10
    assert all(line.endswith(": the job stopped (the reason is above)") for line in listed)
    rows = result_lines(pairs.with_name("pairs.csv.associate-contact-company.results.jsonl"))
    assert len(rows) == 12
    assert all(said in row["reason"] for row in rows)


@pytest.mark.parametrize(
    ("extra", "variable", "said"),
    [
        (["--token", "t"], "", "not allowed with argument --token"),
        ([], "a-token", "--token-command and HUBSPOT_ACCESS_TOKEN both give the token"),
        ([], "", "--token-command: No closing quotation"),
    ],
    ids=["with-token", "with-variable", "unbalanced-quote"],
)
def test_the_token_command_is_refused_beside_another_token(
    extra: list[str], variable: str, said: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """--token-command with --token, with HUBSPOT_ACCESS_TOKEN, or unparseable: exit 2 before
    anything runs (in this process: argparse's refusal is a SystemExit)."""
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", variable)
    monkeypatch.setenv("HUBSPOT_BASE_URL", "http://127.0.0.1:9")
    command = "print-token 'unclosed" if "closing" in said else "print-token"
    try:
        code = main(["labels", "list", "contact", "company", "--token-command", command, *extra])
    except SystemExit as exited:
        code = int(exited.code or 0)
    assert code == 2
    assert said in capsys.readouterr().err


def test_a_missing_scope_exits_3_naming_the_scopes_to_add(tmp_path: Path) -> None:
    """A 403 MISSING_SCOPES: labels create exits 3 with the scopes on stderr (listed as the
    error's message lists them) and in --json; a bulk job stops with exit 3 and its summary
    lists them."""
    pairs = write_pairs(tmp_path / "pairs.csv", [(1, 2), (3, 4)])
    with serve(lambda request: (403, MISSING_SCOPES)) as server:
        single = run(["labels", "create", "contact", "company", "--name", "buyer", "--label",
                      "Buyer", "--json"], server.url)  # fmt: skip
        bulk = run(["associate", str(pairs), "--from", "contact", "--to", "company", "--json"],
                   server.url)  # fmt: skip
    scopes = "crm.objects.contacts.write, crm.objects.companies.write"
    assert single.code == 3
    assert f"scopes to add: {scopes}\n" in single.err
    refusal = json.loads(single.out)
    assert refusal["error"] == "permission"
    assert f"missing scopes: {scopes} (" in refusal["message"]
    assert refusal["required_scopes"] == scopes.split(", ")
    assert bulk.code == 3
    assert f"scopes to add: {scopes}\n" in bulk.err
    assert json.loads(bulk.out)["required_scopes"] == scopes.split(", ")
